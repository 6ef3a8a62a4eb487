"""Topic filler: the words every news story uses, dropped from the topic model's tokens only.

The classifier's stopwords (``akhbar/text/data/stopwords_ar.txt``) are function words; the
classifier keeps everything else, since even "said" or "Tuesday" tells a little about an
outlet's style. An LDA topic has no use for them: verbs of saying (أضاف، أكد، أوضح), number
words, days and months, time words (العام، الماضي، الساعة), generic news nouns (الأمر، حالة،
بشكل) and agency names (رويترز، فرانس برس) fill the top of every topic and hide its subject.
``data/filler_ar.txt`` lists them, written by hand in surface forms; :func:`filler_stems` turns
the list into the analyzer's tokens, so it matches whatever stemmer the model uses, and
:func:`drop_filler` removes those tokens before the topic model's dictionary is built.
``experiments/topics.md`` measures what dropping them gives (with tighter document-frequency
bounds it is the largest part of the gain in coherence and diversity).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache
from importlib import resources

from akhbar.text import Analyzer, normalize

FILLER_FILE = "data/filler_ar.txt"


@lru_cache(maxsize=1)
def _filler_lines() -> tuple[str, ...]:
    raw = resources.files("akhbar.topics").joinpath(FILLER_FILE).read_text("utf-8")
    lines = []
    for line in raw.splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            lines.append(line)
    return tuple(dict.fromkeys(lines))


def load_filler() -> list[str]:
    """The entries of ``data/filler_ar.txt`` as written (words or phrases), comments dropped,
    each once, in file order."""
    return list(_filler_lines())


def filler_stems(analyzer: Analyzer, words: Iterable[str] | None = None) -> frozenset[str]:
    """The analyzer tokens that the filler entries (or *words*) become: each entry is
    normalized and analysed like an article, and every token of a phrase counts. Entries that
    are stopwords for *analyzer* yield nothing (it drops them already)."""
    entries = load_filler() if words is None else list(words)
    stems: set[str] = set()
    for entry in entries:
        stems.update(analyzer.tokens_from_normalized(normalize(entry)))
    return frozenset(stems)


def drop_filler(token_lists: Sequence[Sequence[str]], stems: Iterable[str]) -> list[list[str]]:
    """New token lists without the tokens in *stems* (the input is left as it is)."""
    stems = stems if isinstance(stems, (set, frozenset)) else frozenset(stems)
    return [[t for t in tokens if t not in stems] for tokens in token_lists]
