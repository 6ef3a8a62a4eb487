"""Texts as code points: character classes, a batch joined once, the checks and shown forms.

:func:`char_classes` tabulates, over the Basic Multilingual Plane, the definitions the Python path
uses (``str.isspace`` and the regexes of :mod:`akhbar.text`); no character beyond it is white
space, deleted, Arabic, a presentation form or a control character. :func:`text_checks` is what
:func:`akhbar.predictor.clean_input` must know of a plain text, for a whole batch in one compiled
pass; :func:`shown_forms` is :func:`akhbar.text.shown_forms` with the ends found the same way.
``tests/fast/test_wordscan.py`` checks each against its Python counterpart.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

import numpy as np

from akhbar.fast.arrays import code_points
from akhbar.fast.jit import compiled
from akhbar.text.chars import _ARABIC_RUN, _DELETE_RE, _PRESENTATION_FORMS, CONTROL_RE, SURROGATE_RE
from akhbar.text.normalize import EDGE_CHAR
from akhbar.text.normalize import shown_forms as _shown_forms_re

SPACE, DELETED, PRESENTATION, ARABIC, CONTROL, SURROGATE, EDGE = 1, 2, 4, 8, 16, 32, 64
_BMP = 0x10000


@lru_cache(maxsize=1)
def char_classes() -> np.ndarray:
    """The class bits of every BMP code point, from the Python path's own definitions (~30 ms,
    once per process)."""
    table = np.zeros(_BMP, dtype=np.uint8)
    table[[c for c in range(_BMP) if chr(c).isspace()]] |= SPACE
    every = "".join(map(chr, range(_BMP)))
    for bit, pattern in ((DELETED, _DELETE_RE), (PRESENTATION, _PRESENTATION_FORMS), (ARABIC, _ARABIC_RUN),
                         (CONTROL, CONTROL_RE), (SURROGATE, SURROGATE_RE), (EDGE, re.compile(EDGE_CHAR))):
        for match in pattern.finditer(every):
            table[match.start():match.end()] |= bit
    return table


class Joined(NamedTuple):
    """A batch's texts joined by newlines (white space, so no word crosses two texts), as code
    points, with each text's start and length: what the checks and the scan both read. Made
    once per batch (:func:`join`): joining and encoding a batch is a copy of all of its text."""

    text: str
    cp: np.ndarray       #: uint32
    starts: np.ndarray   #: int64
    lengths: np.ndarray  #: int64


def join(texts: list[str]) -> Joined:
    """The :class:`Joined` form of *texts*."""
    joined = "\n".join(texts)
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    starts = np.zeros(len(texts), dtype=np.int64)
    np.cumsum(lengths[:-1] + 1, out=starts[1:])
    return Joined(joined, code_points(joined), starts, lengths)


class Codes(NamedTuple):
    """Words as code points: word i is ``chars[offsets[i]:offsets[i + 1]]``. A batch's new words
    are cut from its scan this way once (:meth:`Scan.codes`) and handed to the word index, the
    n-gram index and the analysis, each of which would otherwise join and encode them again."""

    chars: np.ndarray    #: uint32
    offsets: np.ndarray  #: int64, one more than the words

    @classmethod
    def of(cls, words: list[str]) -> "Codes":
        offsets = np.zeros(len(words) + 1, dtype=np.int64)
        np.cumsum(np.fromiter(map(len, words), dtype=np.int64, count=len(words)), out=offsets[1:])
        return cls(code_points("".join(words)), offsets)


# -- shown forms --------------------------------------------------------------------------------


@compiled(nogil=True)
def _shown_spans(chars, offsets, classes):
    """Per word, the span of it left once the EDGE characters at its ends are stripped (all of
    it when nothing else would be left), and whether the table could tell: a character beyond
    the Basic Multilingual Plane may be a letter or not, and leaves that word to the regex."""
    n = offsets.size - 1
    spans = np.empty((n, 2), dtype=np.int64)
    known = np.ones(n, dtype=np.bool_)
    for w in range(n):
        a, b = offsets[w], offsets[w + 1]
        for i in range(a, b):
            if chars[i] >= 0x10000:
                known[w] = False
        i, j = a, b
        while i < b and classes[min(chars[i], 0xFFFF)] & EDGE:
            i += 1
        while j > i and classes[min(chars[j - 1], 0xFFFF)] & EDGE:
            j -= 1
        if i == j:
            i, j = a, b
        spans[w, 0], spans[w, 1] = i - a, j - a
    return spans, known


def shown_forms(words: list[str]) -> list[str]:
    """:func:`akhbar.text.shown_forms`, the same forms (tested), with the ends found in one
    compiled pass instead of a regex over every word: only the words with something to strip
    become new strings. Naming the terms of 5,690 articles' first pass spent 0.1 s in that regex."""
    if not words:
        return []
    codes = Codes.of(words)
    if (codes.chars == 10).any():
        raise ValueError("a written word holds no line break")
    spans, known = _shown_spans(codes.chars, codes.offsets, char_classes())
    lengths = np.diff(codes.offsets)
    forms = list(words)
    at = np.flatnonzero((spans[:, 0] > 0) | (spans[:, 1] < lengths))
    for i, a, b in zip(at.tolist(), spans[at, 0].tolist(), spans[at, 1].tolist()):
        forms[i] = words[i][a:b]
    unknown = np.flatnonzero(~known).tolist()
    for i, form in zip(unknown, _shown_forms_re([words[i] for i in unknown])):
        forms[i] = form
    return forms


# -- checks -------------------------------------------------------------------------------------


@compiled(nogil=True)
def _checks(cp, starts, lengths, classes):
    n = starts.size
    unclean = np.zeros(n, dtype=np.bool_)
    arabic = np.zeros(n, dtype=np.int64)
    visible = np.zeros(n, dtype=np.int64)
    for d in range(n):
        bits, a, v = 0, 0, 0
        for i in range(starts[d], starts[d] + lengths[d]):
            c = cp[i]
            k = classes[c] if c < 0x10000 else 0
            bits |= k
            if k & ARABIC:
                a += 1
            if not k & SPACE:
                v += 1
        unclean[d] = (bits & (CONTROL | SURROGATE)) != 0
        arabic[d], visible[d] = a, v
    return unclean, arabic, visible


def text_checks(texts: list[str] | Joined) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per text: whether it holds control characters or lone surrogates, its Arabic letters (as
    :func:`akhbar.text.arabic_letters` counts them), and its characters that are not white space."""
    _, cp, starts, lengths = texts if isinstance(texts, Joined) else join(texts)
    return _checks(cp, starts, lengths, char_classes())
