"""The analyzer, compiled, for the written words a prediction's word table lacks.

Why: after the word table (:mod:`akhbar.fast.featurizer`) and the compiled scan (:mod:`akhbar.fast.wordindex`),
what was left in Python on a first pass was analysing the new words: 64,000 of them in the 5,690
ant2 test articles, about 0.35 s of normalizing, tokenizing, stemming and dict lookups, all of it
holding the GIL, so prediction threads queued behind it. Here the same analysis runs as one
compiled pass over the new words' code points, without the GIL:

- normalization (:func:`akhbar.text.normalize_written`) is a table from each BMP code point to
  what ``normalize_written`` makes of it (at most two code points), built from the function
  itself. It works character by character (its folds map one letter to one letter, lower-casing
  and punctuation are per character), so mapping each character gives the tokens of the whole
  word. The one context rule of ``str.lower`` (Greek final sigma) only chooses between two
  characters that are not token characters. No code point beyond the BMP normalizes to a token
  character (a test checks every one);
- tokenizing is the token regex's runs: Arabic letters U+0621-U+064A, and, as configured, Latin
  a-z and digits 0-9, a run ending where the class changes;
- stopwords, and the vocabularies of the word block and the topic model, are found by hash on
  code points (:class:`akhbar.fast.wordindex.WordIndex`), compared in full;
- the light stemmer's rules (:func:`akhbar.text.light_stem`) run on code points, with the same
  prefix and suffix lists in the same order.

It serves models with the light stemmer or none and word unigrams (the default); anything else
keeps the Python path. ``tests/fast/test_analysis.py`` checks tokens and rows against it.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import scipy.sparse as sp

from akhbar.fast.arrays import code_points, count_columns
from akhbar.fast.jit import compiled
from akhbar.text.analyzer import MIN_STEM, PREFIXES, SUFFIXES, Analyzer
from akhbar.text.normalize import normalize_written
from akhbar.fast.codes import Codes, char_classes
from akhbar.fast.hashing import _BASIS, _PRIME, _find
from akhbar.fast.wordindex import WordIndex

_ARABIC, _LATIN, _DIGIT = 1, 2, 3


@lru_cache(maxsize=1)
def normalized_chars() -> tuple[np.ndarray, np.ndarray]:
    """Per BMP code point: what ``normalize_written`` makes of it (up to two code points, as
    rows of an (65536, 2) array) and how many. One call over every character, each between
    newlines, which no step changes (~40 ms, once per process)."""
    points = np.array([c for c in range(0x10000) if c != 0x0A])
    pieces = normalize_written("\n".join(map(chr, points.tolist()))).split("\n")
    if len(pieces) != points.size:
        raise RuntimeError("normalize_written changed the newlines between characters")
    sizes = np.fromiter(map(len, pieces), dtype=np.int64, count=len(pieces))
    if sizes.max() > 2:
        raise RuntimeError(f"normalize_written maps U+{points[sizes.argmax()]:04X} to {sizes.max()} characters")
    cps = code_points("".join(pieces))
    starts = np.cumsum(sizes) - sizes
    out = np.zeros((0x10000, 2), dtype=np.uint32)
    lengths = np.zeros(0x10000, dtype=np.int64)
    out[0x0A, 0], lengths[0x0A] = 0x0A, 1  # white space stays
    lengths[points] = sizes
    one, two = sizes >= 1, sizes == 2
    out[points[one], 0] = cps[starts[one]]
    out[points[two], 1] = cps[starts[two] + 1]
    return out, lengths


def _code_point_lists(strings, codes: Codes | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Strings (or their *codes*, when the caller has them) as one int64 code point array and
    offsets (row i = chars[offsets[i]:offsets[i+1]]), the types the compiled analysis takes."""
    codes = Codes.of(list(strings)) if codes is None else codes
    return codes.chars.astype(np.int64), codes.offsets


@compiled(nogil=True)
def _token_class(c, keep_latin, keep_numbers):
    if 0x0621 <= c <= 0x064A:
        return _ARABIC
    if keep_latin and 0x61 <= c <= 0x7A:
        return _LATIN
    if keep_numbers and 0x30 <= c <= 0x39:
        return _DIGIT
    return 0


@compiled(nogil=True)
def _lookup(buf, a, b, classes, index):
    """The row of buf[a:b] in a WordIndex's arrays (slots, chars, offsets), or -1."""
    h = _BASIS
    for i in range(a, b):
        h = (h ^ np.uint64(buf[i])) * _PRIME
    return _find(buf, a, b, classes, h, b - a, index[0], index[1], index[2])


@compiled(nogil=True)
def _matches(buf, a, b, affixes, offsets, i, at_end):
    """Whether buf[a:b] starts (or, *at_end*, ends) with affix *i*."""
    n = offsets[i + 1] - offsets[i]
    if n > b - a:
        return False
    start = b - n if at_end else a
    for j in range(n):
        if buf[start + j] != affixes[offsets[i] + j]:
            return False
    return True


@compiled(nogil=True)
def _light_stem(buf, a, b, prefixes, p_offsets, suffixes, s_offsets, heh, min_stem):
    """:func:`akhbar.text.light_stem` of buf[a:b]: the stem's new (a, b)."""
    for i in range(p_offsets.size - 1):
        n = p_offsets[i + 1] - p_offsets[i]
        if b - a - n >= min_stem and _matches(buf, a, b, prefixes, p_offsets, i, False):
            a += n
            break
    for i in range(s_offsets.size - 1):
        n = s_offsets[i + 1] - s_offsets[i]
        if b - a - n >= min_stem and _matches(buf, a, b, suffixes, s_offsets, i, True):
            b -= n
            break
    if b - a > min_stem and buf[b - 1] == heh:
        b -= 1
    return a, b


@compiled(nogil=True)
def _analyse(cp, word_offsets, mapped, mapped_len, classes, keep_latin, keep_numbers, min_len,
             stop, stem, prefixes, p_offsets, suffixes, s_offsets, heh, min_stem,
             words, word_cols, topics, topic_cols):
    """Per word: its tokens' stems (code points, with offsets), their columns in the word and
    topic vocabularies (-1: unknown), and the word's first token."""
    n_words = word_offsets.size - 1
    buf = np.empty(2 * cp.size + 2, dtype=np.int64)  # the normalized word, at most 2 per character
    stems = np.empty(2 * cp.size + 2, dtype=np.int64)
    stem_offsets = np.zeros(2 * cp.size + 2, dtype=np.int64)  # tokens: at most the characters
    word_col = np.empty(2 * cp.size + 2, dtype=np.int64)
    topic_col = np.empty(2 * cp.size + 2, dtype=np.int64)
    first_token = np.zeros(n_words + 1, dtype=np.int64)
    n_tok, n_chars = 0, 0
    for w in range(n_words):
        length = 0
        for i in range(word_offsets[w], word_offsets[w + 1]):
            c = cp[i]
            if c < 0x10000:
                for m in range(mapped_len[c]):
                    buf[length] = mapped[c, m]
                    length += 1
            else:
                buf[length] = 0  # beyond the BMP: never a token character (tested)
                length += 1
        i = 0
        while i < length:
            kind = _token_class(buf[i], keep_latin, keep_numbers)
            if kind == 0:
                i += 1
                continue
            a = i
            while i < length and _token_class(buf[i], keep_latin, keep_numbers) == kind:
                i += 1
            b = i
            if b - a < min_len:
                continue
            if _lookup(buf, a, b, classes, stop) >= 0:
                continue
            if stem:
                a, b = _light_stem(buf, a, b, prefixes, p_offsets, suffixes, s_offsets, heh, min_stem)
            for j in range(a, b):
                stems[n_chars] = buf[j]
                n_chars += 1
            stem_offsets[n_tok + 1] = n_chars
            r = _lookup(buf, a, b, classes, words)
            word_col[n_tok] = word_cols[r] if r >= 0 else -1
            r = _lookup(buf, a, b, classes, topics)
            topic_col[n_tok] = topic_cols[r] if r >= 0 else -1
            n_tok += 1
        first_token[w + 1] = n_tok
    return stems[:n_chars], stem_offsets[:n_tok + 1], word_col[:n_tok], topic_col[:n_tok], first_token


def _index(strings: list[str]) -> tuple:
    index = WordIndex()
    index.add(strings)
    return index.arrays


class CompiledAnalysis:
    """New written words → their analyzer tokens and their rows in the word and topic blocks,
    for an :class:`akhbar.text.Analyzer` whose stemmer is ``light`` or ``none``."""

    def __init__(self, analyzer: Analyzer, word_index: dict[str, int], word_width: int,
                 topic_index: dict[str, int] | None, topic_width: int):
        config = analyzer.config
        if not self.supports(analyzer):
            raise ValueError(f"no compiled analysis for the {config.stemmer!r} stemmer")
        self.config = config
        self.widths = (word_width, topic_width)
        self._mapped, self._mapped_len = normalized_chars()
        self._stop = _index(sorted(analyzer._stop))
        self._words = _index(list(word_index))
        self._word_cols = np.fromiter(word_index.values(), dtype=np.int64, count=len(word_index))
        topic_index = topic_index or {}
        self._topics = _index(list(topic_index))
        self._topic_cols = np.fromiter(topic_index.values(), dtype=np.int64, count=len(topic_index))
        self._prefixes = _code_point_lists(PREFIXES)
        self._suffixes = _code_point_lists(SUFFIXES)

    @staticmethod
    def supports(analyzer: Analyzer) -> bool:
        return analyzer.config.stemmer in ("light", "none")

    def _run(self, words: list[str], codes: Codes | None = None) -> tuple:
        cfg = self.config
        return _analyse(*_code_point_lists(words, codes), self._mapped, self._mapped_len, char_classes(),
                        cfg.keep_latin, cfg.keep_numbers, cfg.min_token_length, self._stop, cfg.stemmer == "light",
                        *self._prefixes, *self._suffixes, ord("ه"), MIN_STEM, self._words, self._word_cols,
                        self._topics, self._topic_cols)

    def analyse(self, words: list[str], codes: Codes | None = None) -> tuple[np.ndarray, sp.csr_matrix, sp.csr_matrix]:
        """Per written word: how many analyzer tokens it has, and its count rows over the word and
        topic vocabularies (``count_rows`` of ``Analyzer.tokens_per_line(normalize_written(...))``).
        *codes*, if given, must be ``Codes.of(words)``."""
        _, _, word_col, topic_col, first_token = self._run(words, codes)
        n_tokens = np.diff(first_token)
        return (n_tokens, count_columns(word_col, n_tokens, self.widths[0]),
                count_columns(topic_col, n_tokens, self.widths[1]))

    def tokens(self, words: list[str]) -> list[tuple[str, ...]]:
        """Per written word, its tokens as strings (what ``Analyzer.tokens_per_line`` gives)."""
        stems, stem_offsets, _, _, first_token = self._run(words)
        text = stems.astype(np.uint32).tobytes().decode("utf-32-le")
        bounds = stem_offsets.tolist()
        flat = [text[a:b] for a, b in zip(bounds[:-1], bounds[1:])]
        cuts = first_token.tolist()
        return [tuple(flat[a:b]) for a, b in zip(cuts[:-1], cuts[1:])]
