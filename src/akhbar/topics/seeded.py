"""Guided topics: seed words steer chosen topics through the LDA prior; the other topics form freely.

A seed file has one topic a line: its name, a colon, then seed words (``رياضة: مباراة هدف لاعب``;
``#`` starts a comment line). The words are analysed as the corpus is (normalized, stemmed) and
looked up in the topic model's vocabulary; a word the vocabulary lacks (too rare, a stopword, a
typo) is reported with its line, and the rest of the file still applies.

Topic i of the file becomes topic i of the model. Its prior (gensim's ``eta``, a pseudo-count
per topic and word) gives each of its seed words ``strength`` pseudo-counts in that topic and
almost none in the others, so the variational updates start and stay with those words together;
the words that co-occur with them follow. Every other prior entry is gensim's symmetric ``1/K``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from akhbar.features.lda import seed_prior  # noqa: F401 (the prior belongs to the LDA block)


class SeedError(ValueError):
    """A seed file that cannot be used at all (unreadable, no topic, more topics than K)."""


@dataclass
class SeedTopic:
    """One line of a seed file: the topic's name, its words as written, and where it stood."""

    name: str
    words: list[str]
    line: int
    stems: list[str] = field(default_factory=list)  #: the analysed words the vocabulary has
    unknown: list[str] = field(default_factory=list)  #: words it lacks, as written

    def to_dict(self) -> dict:
        return {"name": self.name, "words": self.words, "line": self.line, "stems": self.stems,
                "unknown": self.unknown}


def read_seed_topics(path: str | Path) -> list[SeedTopic]:
    """The topics of a seed file, in order; ``SeedError`` names the line of a malformed one."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise SeedError(f"cannot read seed topics {path}: {exc}") from None
    topics = []
    for number, raw in enumerate(lines, 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        name, colon, words = line.partition(":")
        if not colon:
            name, _, words = line.partition(" ")
        words = words.replace("،", " ").replace(",", " ").split()
        if not name.strip() or not words:
            raise SeedError(f"{path}:{number}: expected 'NAME: word word …', got {line!r}")
        topics.append(SeedTopic(name.strip(), words, number))
    if not topics:
        raise SeedError(f"{path} holds no seed topic")
    return topics


def resolve(topics: list[SeedTopic], analyzer, vocabulary: list[str]) -> list[str]:
    """Fill each topic's ``stems`` and ``unknown`` against the topic *vocabulary*; return one
    warning per unknown word, naming it and its line."""
    index, warnings = set(vocabulary), []
    for topic in topics:
        topic.stems, topic.unknown = [], []
        for word in topic.words:
            stems = [s for s in analyzer(word) if s in index]
            if stems:
                topic.stems.extend(s for s in stems if s not in topic.stems)
            else:
                topic.unknown.append(word)
                warnings.append(f"seed word {word!r} of topic {topic.name!r} (line {topic.line}) is not in the "
                                f"topic model's vocabulary (too rare in the corpus, a stopword, or misspelt)")
    return warnings


def seed_hits(top_words: list[list[str]], seed_stems: list[list[str]]) -> list[int]:
    """How many of each seeded topic's seed words are among its top words."""
    return [len(set(stems) & set(words)) for stems, words in zip(seed_stems, top_words)]
