"""Tokens, stopwords, light stemming and the one :class:`Analyzer` that feeds TF-IDF and LDA.

Why our own tokenizer: scikit-learn's default ``token_pattern`` (``\\b\\w\\w+\\b``) breaks words at
diacritics (they are not ``\\w``) and gensim's ``simple_preprocess`` splits them into letters.
Normalizing first and then matching runs of Arabic letters avoids both.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from functools import lru_cache
from importlib import resources

from akhbar.text.normalize import normalize

# --- tokens -----------------------------------------------------------------------------------------

_TOKEN_PATTERNS = {
    (True, True): re.compile(r"[\u0621-\u064a]+|[a-z]+|[0-9]+"),
    (True, False): re.compile(r"[\u0621-\u064a]+|[a-z]+"),
    (False, True): re.compile(r"[\u0621-\u064a]+|[0-9]+"),
    (False, False): re.compile(r"[\u0621-\u064a]+"),
}


#: the same patterns, plus a newline as a token of its own: marks where one line's tokens end
_LINE_TOKEN_PATTERNS = {key: re.compile(pattern.pattern + "|\n") for key, pattern in _TOKEN_PATTERNS.items()}


def tokenize(normalized: str, keep_latin: bool = True, keep_numbers: bool = False) -> list[str]:
    """Split *normalized* text into Arabic words (and Latin words / numbers, by option)."""
    return _TOKEN_PATTERNS[(keep_latin, keep_numbers)].findall(normalized)


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    """The curated stopword list shipped in ``akhbar/text/data``, normalized like the text."""
    raw = resources.files("akhbar.text").joinpath("data/stopwords_ar.txt").read_text("utf-8")
    words: set[str] = set()
    for line in raw.splitlines():
        if line.startswith("#"):
            continue
        words.update(normalize(line).split())
    return frozenset(words)


# --- light stemming --------------------------------------------------------------------------------

#: Proclitic sequences removed from the front, longest first (on normalized text: أ→ا).
#: و/ف (and), ب (with), ك (like), ل (for) before the article ال; ال alone; لل (ل + ال).
PREFIXES = ("فبال", "وبال", "وال", "بال", "كال", "فال", "ولل", "لل", "ال")
#: Suffixes removed from the end, longest first: dual/plural endings and attached pronouns.
SUFFIXES = ("هما", "كما", "ات", "ون", "ين", "ان", "ها", "هم", "كم", "نا", "يه")
MIN_STEM = 3


def light_stem(token: str) -> str:
    """Strip one proclitic group and one suffix, never leaving fewer than three letters.

    A light stemmer in the style of Larkey et al.'s Light10: it merges والحكومه/بالحكومه/
    الحكومه/حكومات without the over-stemming of root extractors (ISRI maps مكتب and كاتب
    to one root). ``experiments/ablation.md`` has the measurement behind the default.
    """
    if token.startswith(PREFIXES):  # one C call rules out most tokens before the loop
        for prefix in PREFIXES:
            if token.startswith(prefix) and len(token) - len(prefix) >= MIN_STEM:
                token = token[len(prefix):]
                break
    if token.endswith(SUFFIXES):
        for suffix in SUFFIXES:
            if token.endswith(suffix) and len(token) - len(suffix) >= MIN_STEM:
                token = token[: -len(suffix)]
                break
    if len(token) > MIN_STEM and token.endswith("ه"):
        token = token[:-1]
    return token


def _snowball():
    import snowballstemmer

    return snowballstemmer.stemmer("arabic").stemWord


STEMMERS = {"none", "light", "snowball"}


# --- the analyzer ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class AnalyzerConfig:
    """Everything that decides which tokens a text yields; stored in every model's manifest."""

    keep_latin: bool = True
    keep_numbers: bool = False
    remove_stopwords: bool = True
    stemmer: str = "light"
    min_token_length: int = 2

    def to_dict(self) -> dict:
        return asdict(self)


class Analyzer:
    """Text → list of tokens: normalize, tokenize, drop stopwords, stem.

    One instance feeds both the TF-IDF vectorizer and the LDA dictionary. It is a plain callable
    so scikit-learn accepts it as ``analyzer=``; stemmed forms are cached per surface word, which
    makes the stemmer nearly free after the first few thousand articles.
    """

    def __init__(self, config: AnalyzerConfig | None = None):
        self.config = config or AnalyzerConfig()
        if self.config.stemmer not in STEMMERS:
            raise ValueError(
                f"unknown stemmer {self.config.stemmer!r}; choose one of {sorted(STEMMERS)}"
            )
        self._stop = stopwords() if self.config.remove_stopwords else frozenset()
        stem = {"none": None, "light": light_stem, "snowball": None}[self.config.stemmer]
        if self.config.stemmer == "snowball":
            stem = _snowball()
        self._stem = lru_cache(maxsize=200_000)(stem) if stem else None

    def __getstate__(self):
        # the stem cache is a closure; rebuild it from the config (for joblib, Spark, copy)
        return {"config": self.config}

    def __setstate__(self, state):
        Analyzer.__init__(self, state["config"])  # not self.__init__: a subclass may take other keywords

    def surface_tokens(self, normalized: str) -> list[str]:
        """Tokens before stemming (stopwords and short tokens dropped)."""
        cfg, stop = self.config, self._stop
        return [t for t in tokenize(normalized, cfg.keep_latin, cfg.keep_numbers)
                if len(t) >= cfg.min_token_length and t not in stop]

    def stem(self, token: str) -> str:
        return self._stem(token) if self._stem is not None else token

    def tokens_per_line(self, normalized: str) -> list[tuple[str, ...]]:
        """``tokens_from_normalized`` of each line of *normalized*, as tuples, in one regex pass
        (no token crosses a newline): how the prediction word table analyses its new words."""
        cfg = self.config
        stop, stem, min_len = self._stop, self._stem, cfg.min_token_length
        lines, current = [], []
        for tok in _LINE_TOKEN_PATTERNS[(cfg.keep_latin, cfg.keep_numbers)].findall(normalized):
            if tok == "\n":
                lines.append(tuple(current))
                current = []
            elif len(tok) >= min_len and tok not in stop:
                current.append(stem(tok) if stem is not None else tok)
        lines.append(tuple(current))
        return lines

    def tokens_from_normalized(self, normalized: str) -> list[str]:
        cfg = self.config
        out = []
        stop, stem, min_len = self._stop, self._stem, cfg.min_token_length
        for tok in tokenize(normalized, cfg.keep_latin, cfg.keep_numbers):
            if len(tok) < min_len or tok in stop:
                continue
            if stem is not None:
                tok = stem(tok)
            out.append(tok)
        return out

    def __call__(self, text: str) -> list[str]:
        return self.tokens_from_normalized(normalize(text))

    def __repr__(self) -> str:
        return f"Analyzer({self.config!r})"
