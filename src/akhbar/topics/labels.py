"""Topic labels: a short readable name for every topic, and the user's own names from a file.

A topic's most *probable* words are often words common to every topic (a news corpus's
ubiquitous vocabulary); its most *distinctive* ones name it. So labels rank words by LDAvis's
relevance (Sievert and Shirley, 2014), ``lam * log p(w|t) + (1 - lam) * log(p(w|t) / p(w))``,
with ``lam = 0.6``, the value their user study found best for telling topics apart, and join
the first three readable forms. Users rename topics in a small file, one ``ID NAME`` a line.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

LAMBDA = 0.6


def relevance(topic_word: np.ndarray, p_word: np.ndarray, lam: float = LAMBDA) -> np.ndarray:
    """(K, V) relevance of every word to every topic (see the module docstring)."""
    p_topic = np.maximum(np.asarray(topic_word, dtype=np.float64), 1e-300)
    p_word = np.maximum(np.asarray(p_word, dtype=np.float64), 1e-300)
    return lam * np.log(p_topic) + (1.0 - lam) * np.log(p_topic / p_word[None, :])


def distinctive_words(topic_word: np.ndarray, p_word: np.ndarray, n: int = 3, lam: float = LAMBDA) -> np.ndarray:
    """(K, n) word ids of each topic's most relevant words, best first."""
    return np.argsort(-relevance(topic_word, p_word, lam), axis=1, kind="stable")[:, :n]


def topic_labels(topic_word: np.ndarray, p_word: np.ndarray, display: list[str], n: int = 3) -> list[str]:
    """A label per topic: its *n* most distinctive words' readable forms, joined by ' · '."""
    return [" · ".join(display[j] for j in row) for row in distinctive_words(topic_word, p_word, n).tolist()]


class NamesError(ValueError):
    """A topic-names file that cannot be read; the message names the line."""


def read_names(path: str | Path, num_topics: int) -> dict[int, str]:
    """``{topic id: name}`` from a file of ``ID NAME`` lines (``#`` starts a comment line).

    An id out of range, a line without a name or an id given twice is refused, naming the line.
    """
    names: dict[int, str] = {}
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise NamesError(f"cannot read topic names {path}: {exc}") from None
    for number, line in enumerate(lines, 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        head, _, name = line.partition(" ")
        if "\t" in head:
            head, _, rest = head.partition("\t")
            name = f"{rest} {name}".strip()
        if not head.isdigit() or not name.strip():
            raise NamesError(f"{path}:{number}: expected 'ID NAME', got {line!r}")
        topic = int(head)
        if topic >= num_topics:
            raise NamesError(f"{path}:{number}: topic {topic} does not exist (the model has {num_topics}: 0-{num_topics - 1})")
        if topic in names:
            raise NamesError(f"{path}:{number}: topic {topic} is named twice")
        names[topic] = name.strip()
    return names
