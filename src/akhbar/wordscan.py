"""Batches of texts → checks, written-word row ids and summed rows, compiled: no object per word.

Why: once the word table (:mod:`akhbar.featurize`) made analysis a once-per-word cost, most of a
warm ``predict()`` was Python touching every word of every article. For the 5,690 ant2 test
articles that meant ``str.split`` making 1.4 million strings, a dict lookup for each, regex passes
over every text to check it, and scipy products, weighting and stacking as separate passes. Here
a batch becomes one array of code points, and each kernel makes one pass:

- :func:`text_checks`: what :func:`akhbar.predictor.clean_input` must know of a plain text
  (control characters or lone surrogates present, Arabic letters, non-space characters);
- :meth:`WordIndex.scan`: the split into written words (:func:`akhbar.text.written_words`), each
  word found in a hash index of the table's words by its code points. Only the words the table
  lacks become Python strings;
- :func:`sum_rows`: each text's feature rows as the sum of its words' table rows, weighted as
  TF-IDF and L2-normalized per block in the same pass (the column weighting; the word
  weighting scores without feature rows, :mod:`akhbar.scoring`);
- :class:`GramIndex`: a new word's character n-grams, keyed and found by hash probes;
- :func:`shown_forms`: the explaining words as :func:`akhbar.text.shown_forms` shows them, the
  punctuation at their ends found by the same table of character classes.

The lookups (words in the index, new words' n-grams in the vocabulary) run in passes over all
of a batch's words rather than one word at a time: a hash table of a few MB is a cache miss per
probe, and a loop whose probes do not depend on one another lets the processor wait for many at
once. On the ant2 test articles that took the scan from 0.30 s to 0.19 s and the n-grams of a
first pass's new words from 0.26 s to 0.10 s.

Exactness: a word is found only when its code points equal a stored word's, compared in full
(for most Arabic words as one packed integer that holds all of them, :func:`_packed`); the hash
decides where to look, never what matches. The character classes come from the definitions
the Python path uses (``str.isspace`` and the regexes of :mod:`akhbar.text`), tabulated over the
Basic Multilingual Plane; no character beyond it is white space, deleted, Arabic, a presentation
form or a control character. A text with presentation forms (which ``written_words`` first unfolds
with NFKC) is flagged, and the caller unfolds it and scans again. ``tests/test_wordscan.py``
checks each kernel against its Python counterpart.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

import numpy as np
import scipy.sparse as sp

from akhbar.features import code_points, grown
from akhbar.jit import compiled
from akhbar.text import _ARABIC_RUN, _DELETE_RE, _PRESENTATION_FORMS, CONTROL_RE, EDGE_CHAR, SURROGATE_RE
from akhbar.text import shown_forms as _shown_forms_re

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


# -- the word index -----------------------------------------------------------------------------

_BASIS, _PRIME = np.uint64(0xCBF29CE484222325), np.uint64(0x100000001B3)  # FNV-1a, 64 bits


@compiled()
def _mix(h):
    """splitmix64's finalizer: spreads FNV's weak low bits, which pick the slot."""
    h ^= h >> np.uint64(30)
    h *= np.uint64(0xBF58476D1CE4E5B9)
    h ^= h >> np.uint64(27)
    h *= np.uint64(0x94D049BB133111EB)
    return h ^ (h >> np.uint64(31))


_ROW = np.int64(0xFFFFFFFF)


@compiled()
def _slot_and_tag(h, mask):
    """Where a word of FNV hash *h* starts probing, and the tag its slot carries: the mixed
    hash's low bits pick the slot, 31 of its high bits are the tag."""
    m = _mix(h)
    return np.int64(m & np.uint64(mask)), np.int64((m >> np.uint64(33)) & np.uint64(0x7FFFFFFF))


_PACK_BASE, _PACK_TOP, _PACK_WIDTH = 0x5FF, 0x6FE, 8


@compiled()
def _packed(chars, a, b):
    """Code points chars[a:b] as one exact 64-bit key when they fit, else 0: up to eight
    characters of the Arabic block (U+0600-U+06FE), one byte each, none of them zero. Most
    written Arabic words fit (87 % of the ant2 test articles' words), and for them checking a
    found row is one comparison of two integers instead of a loop over their characters."""
    if b - a > _PACK_WIDTH:
        return np.uint64(0)
    key = np.uint64(0)
    for i in range(a, b):
        c = np.int64(chars[i])
        if c <= _PACK_BASE or c > _PACK_TOP:
            return np.uint64(0)
        key |= np.uint64(c - _PACK_BASE) << np.uint64(8 * (i - a))
    return key


@compiled()
def _insert(slots, chars, offsets, keys, first, stop):
    """Put rows first..stop-1 (their code points already in *chars*) into the open-addressing
    *slots*: each holds ``tag << 32 | row``, -1 when empty. Each row's packed key (:func:`_packed`)
    is written before the slot that makes the row findable.

    Hashes first, then the probes: with the hashing out of the probing loop, many of its reads
    of the slots (a cache miss each) are under way at once, which took a model's 150,000 seed
    words from 17 ms to 10 ms."""
    mask = slots.size - 1
    start = np.empty(stop - first, dtype=np.int64)
    for r in range(first, stop):
        h = _BASIS
        for j in range(offsets[r], offsets[r + 1]):
            h = (h ^ np.uint64(chars[j])) * _PRIME
        keys[r] = _packed(chars, offsets[r], offsets[r + 1])
        slot, tag = _slot_and_tag(h, mask)
        start[r - first] = (tag << 32) | slot
    for r in range(first, stop):
        v = start[r - first]
        slot = v & _ROW
        while slots[slot] >= 0:
            slot = (slot + 1) & mask
        slots[slot] = (v >> 32 << 32) | r


@compiled()
def _same(cp, start, stop, classes, row, chars, offsets, length):
    """Whether cp[start:stop] without its deleted characters is the code points of *row*."""
    j = offsets[row]
    if offsets[row + 1] - j != length:
        return False
    for i in range(start, stop):
        c = cp[i]
        if c < 0x10000 and classes[c] & DELETED:
            continue
        if chars[j] != c:
            return False
        j += 1
    return True


@compiled()
def _find(cp, start, stop, classes, h, length, slots, chars, offsets):
    """The row whose code points equal cp[start:stop] without its deleted characters, or -1.
    A slot whose tag differs is passed over without reading the word it holds."""
    mask = slots.size - 1
    slot, tag = _slot_and_tag(h, mask)
    while True:
        v = slots[slot]
        if v < 0:
            return -1
        if (v >> 32) == tag and _same(cp, start, stop, classes, v & _ROW, chars, offsets, length):
            return v & _ROW
        slot = (slot + 1) & mask


@compiled(nogil=True)
def _count_words(cp, starts, lengths, classes):
    """How many written words the texts hold (for when :func:`_split`'s first guess is short)."""
    total = 0
    for d in range(starts.size):
        inside = False
        for i in range(starts[d], starts[d] + lengths[d]):
            c = cp[i]
            k = classes[c] if c < 0x10000 else 0
            if k & SPACE:
                inside = False
            elif not k & DELETED and not inside:
                total += 1
                inside = True
    return total


@compiled(nogil=True)
def _split(cp, starts, lengths, classes, total):
    """The written words of each text: where each starts and stops, its FNV hash, its characters
    that are not deleted and their packed key (:func:`_packed`, 0 when they do not fit); each
    text's first word; which texts need unfolding. Room is made for *total* words: the first
    output says whether that was enough (if not, the caller counts them and calls again)."""
    n_docs = starts.size
    hashes = np.empty(total, dtype=np.uint64)
    packed = np.empty(total, dtype=np.uint64)
    first = np.empty(total, dtype=np.int64)
    last = np.empty(total, dtype=np.int64)
    kept = np.empty(total, dtype=np.int64)
    doc_indptr = np.zeros(n_docs + 1, dtype=np.int64)
    unfold = np.zeros(n_docs, dtype=np.bool_)
    w = 0
    for d in range(n_docs):
        i, end = starts[d], starts[d] + lengths[d]
        while i < end:
            c = cp[i]
            k = classes[c] if c < 0x10000 else 0
            if k & PRESENTATION:
                unfold[d] = True
            if k & (SPACE | DELETED):
                i += 1
                continue
            if w == total:
                return False, hashes, first, last, kept, doc_indptr, unfold, packed
            start, h, length = i, _BASIS, 0  # a word starts here and runs to the next space
            key, fits = np.uint64(0), True
            while i < end:
                c = cp[i]
                k = classes[c] if c < 0x10000 else 0
                if k & PRESENTATION:
                    unfold[d] = True
                if k & SPACE:
                    break
                if not k & DELETED:
                    h = (h ^ np.uint64(c)) * _PRIME
                    if length < _PACK_WIDTH and _PACK_BASE < c <= _PACK_TOP:
                        key |= np.uint64(c - _PACK_BASE) << np.uint64(8 * length)
                    else:
                        fits = False
                    length += 1
                i += 1
            hashes[w], first[w], last[w], kept[w] = h, start, i, length
            packed[w] = key if fits else np.uint64(0)
            w += 1
        doc_indptr[d + 1] = w
    return True, hashes[:w], first[:w], last[:w], kept[:w], doc_indptr, unfold, packed[:w]


@compiled(nogil=True)
def _look_up(cp, hashes, first, last, kept, packed, classes, slots, chars, keys, offsets):
    """Each word's row, or -1. In two passes over all the words, not one word at a time, so
    each pass's memory reads do not depend on one another across words and the processor has
    many under way at once instead of waiting for each in turn:

    1. probe the slots for the word's tag (31 bits of its hash), which settles nearly every
       word: either an empty slot (the index lacks it) or the one slot holding its tag;
    2. check the candidate row exactly: its packed key against the word's (one comparison, for
       the 87 % of words that pack), else its code points; where that fails (two words with one
       tag), probe again comparing every candidate (:func:`_find`).

    Checking the packed keys took the lookup of the ant2 test articles' 1.4 million words from
    0.16 s to 0.07 s: comparing code points was a loop of unpredictable length per word."""
    n, mask = hashes.size, slots.size - 1
    ids = np.empty(n, dtype=np.int64)
    for w in range(n):  # 1: the slot holding the word's tag, or the empty one that ends its probe
        slot, tag = _slot_and_tag(hashes[w], mask)
        while True:
            v = slots[slot]
            if v < 0 or (v >> 32) == tag:
                break
            slot = (slot + 1) & mask
        ids[w] = v & _ROW if v >= 0 else -1
    for w in range(n):  # 2: the exact check
        r = ids[w]
        if r < 0:
            continue
        key = packed[w]
        if key != 0:
            if keys[r] == key:
                continue
        elif _same(cp, first[w], last[w], classes, r, chars, offsets, kept[w]):
            continue
        ids[w] = _find(cp, first[w], last[w], classes, hashes[w], kept[w], slots, chars, offsets)
    return ids


def _scan(cp, starts, lengths, classes, slots, chars, offsets, keys):
    # room for a word per five characters: Arabic news averages one per six and a half (with its
    # space), and guessing spares a counting pass over every character (a third of the split)
    room, *split = _split(cp, starts, lengths, classes, cp.size // 5 + 16)
    if not room:
        room, *split = _split(cp, starts, lengths, classes, _count_words(cp, starts, lengths, classes))
    hashes, first, last, kept, doc_indptr, unfold, packed = split
    ids = _look_up(cp, hashes, first, last, kept, packed, classes, slots, chars, keys, offsets)
    return ids, first, last, kept, doc_indptr, unfold, hashes, packed


@compiled()
def _same_spans(cp, a, a_end, b, b_end, classes):
    """Whether cp[a:a_end] and cp[b:b_end] are the same word once deleted characters are skipped."""
    while True:
        while a < a_end and cp[a] < 0x10000 and classes[cp[a]] & DELETED:
            a += 1
        while b < b_end and cp[b] < 0x10000 and classes[cp[b]] & DELETED:
            b += 1
        if a == a_end or b == b_end:
            return a == a_end and b == b_end
        if cp[a] != cp[b]:
            return False
        a += 1
        b += 1


@compiled(nogil=True)
def _distinct(cp, hashes, first, last, kept, classes, which):
    """The distinct words among positions *which*: the position of each one's first occurrence
    (in the order they first occur), and for every position of *which* its word's number there.
    A small hash of its own, compared in full as :func:`_find` does."""
    n = which.size
    size = 16
    while size < 2 * n:
        size *= 2
    mask = size - 1
    slots = np.full(size, -1, dtype=np.int64)
    unique = np.empty(n, dtype=np.int64)
    inverse = np.empty(n, dtype=np.int64)
    u = 0
    for q in range(n):
        w = which[q]
        slot = np.int64(_mix(hashes[w]) & np.uint64(mask))
        while True:
            v = slots[slot]
            if v < 0:
                slots[slot], unique[u], inverse[q] = u, w, u
                u += 1
                break
            o = unique[v]
            if hashes[o] == hashes[w] and kept[o] == kept[w] and _same_spans(cp, first[o], last[o], first[w],
                                                                             last[w], classes):
                inverse[q] = v
                break
            slot = (slot + 1) & mask
    return unique[:u].copy(), inverse


@compiled(nogil=True)
def _gather(cp, first, last, kept, classes, which):
    """The code points of the words at positions *which*, deleted characters left out."""
    offsets = np.zeros(which.size + 1, dtype=np.int64)
    for q in range(which.size):
        offsets[q + 1] = offsets[q] + kept[which[q]]
    chars = np.empty(offsets[which.size], dtype=np.uint32)
    for q in range(which.size):
        j = offsets[q]
        for i in range(first[which[q]], last[which[q]]):
            c = cp[i]
            if c < 0x10000 and classes[c] & DELETED:
                continue
            chars[j] = c
            j += 1
    return chars, offsets


@dataclass
class Scan:
    """The written words of a batch: row ids (-1 where the index lacks the word), where each word
    lies in ``text`` (the texts joined by newlines) and how many of its characters are not
    deleted, each text's words, and which texts hold presentation forms."""

    text: str
    ids: np.ndarray
    first: np.ndarray
    last: np.ndarray
    kept: np.ndarray
    doc_indptr: np.ndarray
    unfold: np.ndarray
    hashes: np.ndarray  #: each word's FNV hash (of its characters that are not deleted)
    packed: np.ndarray  #: each word's packed key (:func:`_packed`), 0 where it does not fit
    cp: np.ndarray      #: ``text`` as code points

    def words(self, which: np.ndarray) -> list[str]:
        """The written words at positions *which*, as strings (deleted characters removed)."""
        text, sub = self.text, _DELETE_RE.sub
        bounds = zip(self.first[which].tolist(), self.last[which].tolist(), self.kept[which].tolist())
        return [text[a:b] if b - a == k else sub("", text[a:b]) for a, b, k in bounds]

    def codes(self, which: np.ndarray) -> Codes:
        """The words at positions *which* as :class:`Codes` (what :meth:`words` gives, encoded)."""
        return Codes(*_gather(self.cp, self.first, self.last, self.kept, char_classes(),
                              np.asarray(which, dtype=np.int64)))

    def distinct(self, which: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The distinct words at positions *which*: ``(unique, inverse)``, where ``unique`` holds
        the position of each one's first occurrence and ``which[i]`` is the word at
        ``unique[inverse[i]]``. A batch's unknown words become one string each, not one per
        occurrence."""
        which = np.asarray(which, dtype=np.int64)
        return _distinct(self.cp, self.hashes, self.first, self.last, self.kept, char_classes(), which)

    def replaced(self, docs: np.ndarray, other: "Scan") -> "Scan":
        """This scan with the words of texts *docs* taken from *other*, a scan of those texts
        alone (in that order), as if the whole batch had been scanned with them.

        Why: a text with presentation forms is unfolded and scanned again, and one such text
        in a batch of 512 (about one article in a hundred has them) used to mean scanning all
        512 again."""
        docs = np.asarray(docs, dtype=np.int64)
        n_self, shift = self.ids.size, len(self.text) + 1
        counts = np.diff(self.doc_indptr)
        source = self.doc_indptr[:-1].copy()
        counts[docs], source[docs] = np.diff(other.doc_indptr), other.doc_indptr[:-1] + n_self
        doc_indptr = np.zeros(counts.size + 1, dtype=np.int64)
        np.cumsum(counts, out=doc_indptr[1:])
        take = np.repeat(source - doc_indptr[:-1], counts) + np.arange(doc_indptr[-1])

        def joined(a: np.ndarray, b: np.ndarray) -> np.ndarray:
            return np.concatenate([a, b])[take]

        unfold = self.unfold.copy()
        unfold[docs] = other.unfold
        return Scan(self.text + "\n" + other.text, joined(self.ids, other.ids),
                    joined(self.first, other.first + shift), joined(self.last, other.last + shift),
                    joined(self.kept, other.kept), doc_indptr, unfold, joined(self.hashes, other.hashes),
                    joined(self.packed, other.packed),
                    np.concatenate([self.cp, np.array([10], dtype=self.cp.dtype), other.cp]))


class WordIndex:
    """Written word → row id, as code points in flat arrays behind an open-addressing hash.

    Rows are numbered in the order :meth:`add` receives words. Safe to share between threads
    when additions are serialised by the caller (the table's lock), though scans run without
    the GIL: a scan reads one published tuple of arrays; an addition that outgrows them builds
    new ones and publishes them together (a Python assignment, under the GIL), and one that fits
    writes a word's code points, offsets and packed key before the one slot store that makes it
    findable. Whatever a scan running meanwhile sees of that, it cannot match the wrong row:
    unwritten offsets, code points and keys are zeros, which no word's length, letters or
    packed key equal. At worst it
    calls the word unknown, and the caller finds it in the table under the table's lock.
    """

    def __init__(self):
        self._arrays = (np.full(1024, -1, dtype=np.int64), np.zeros(16_384, dtype=np.uint32),
                        np.zeros(1024, dtype=np.int64), np.zeros(1024, dtype=np.uint64))
        self.n = 0

    def __len__(self) -> int:
        return self.n

    @property
    def arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(slots, code points, offsets, packed keys per row): what a compiled lookup probes."""
        return self._arrays

    def add(self, words: list[str], codes: Codes | None = None) -> None:
        """Append *words* (distinct, not yet present) as rows ``len(self)`` onward; *codes*, if
        given, must be ``Codes.of(words)``."""
        if not words:
            return
        codes = Codes.of(words) if codes is None else codes
        if codes.offsets.size != len(words) + 1:
            raise ValueError("the code points do not fit the words")
        slots, chars, offsets, keys = self._arrays
        cps = codes.chars
        n, k = self.n, len(words)
        start = int(offsets[n])
        ends = start + codes.offsets[1:]
        if start + cps.size > chars.size or n + k + 1 > offsets.size or 2 * (n + k) >= slots.size:
            # room for as many again: a model's first add is its 150,000 seed words, and growing
            # from exactly that size would rebuild the whole index at the first new word
            chars, offsets = grown(chars, 2 * (start + cps.size)), grown(offsets, 2 * (n + k) + 1)
            keys = np.zeros(offsets.size, dtype=np.uint64)  # _insert below writes every row's
            chars[start:start + cps.size] = cps
            offsets[n + 1:n + k + 1] = ends
            # at most half full (linear probing stays short), and as small as that allows: the
            # slots are read once per word scanned, so the fewer cache lines they span the better
            slots = np.full(1 << max(10, int(2 * (n + k)).bit_length()), -1, dtype=np.int64)
            _insert(slots, chars, offsets, keys, 0, n + k)
            self.n = n + k
            self._arrays = (slots, chars, offsets, keys)
        else:
            chars[start:start + cps.size] = cps
            offsets[n + 1:n + k + 1] = ends
            _insert(slots, chars, offsets, keys, n, n + k)
            self.n = n + k

    def scan(self, texts: list[str], joined: Joined | None = None) -> Scan:
        """Split *texts* into written words and find each one's row; *joined*, if given, must be
        ``join(texts)`` (the caller's checks made it already)."""
        joined_text, cp, starts, lengths = join(texts) if joined is None else joined
        if lengths.size != len(texts):
            raise ValueError("the joined batch does not hold these texts")
        slots, chars, offsets, keys = self._arrays
        return Scan(joined_text, *_scan(cp, starts, lengths, char_classes(), slots, chars, offsets, keys), cp)


# -- summing rows -------------------------------------------------------------------------------


_LOGS = np.concatenate([[0.0], np.log(np.arange(1, 4096, dtype=np.float64)) + 1.0])
"""``log(k) + 1`` for whole counts k < 4096: sublinear tf by lookup, since summed counts are
whole numbers (a text's count of a column beyond that takes ``math.log``)."""


@compiled(nogil=True)
def _add_rows(ids, a, b, indptr, indices, data, base, acc, cols, nnz):
    """Add the rows ids[a:b] of one block into acc[:, 0] (from column *base*), noting each newly
    touched column in *cols*."""
    for j in range(a, b):
        r = ids[j]
        for p in range(indptr[r], indptr[r + 1]):
            col = base + indices[p]
            if acc[col, 0] == 0.0:  # entries are positive counts, so zero means untouched
                cols[nnz] = col
                nnz += 1
            acc[col, 0] += data[p]
    return nnz


@compiled(nogil=True)
def _weigh(acc, cols, a, b, sublinear, normalize, logs, out):
    """Write the touched columns cols[a:b] of acc[:, 0] into out[a:b], times their weight
    acc[:, 1] (sublinear tf first if asked), L2-normalized if asked; clear them in *acc*."""
    norm = 0.0
    for q in range(a, b):
        c = cols[q]
        v = acc[c, 0]
        if sublinear:
            k = int(v)
            v = logs[k] if k < logs.size and k == v else math.log(v) + 1.0
        v *= acc[c, 1]
        acc[c, 0] = v
        norm += v * v
    scale = 1.0 / math.sqrt(norm) if normalize and norm > 0.0 else 1.0
    for q in range(a, b):
        out[q] = acc[cols[q], 0] * scale
        acc[cols[q], 0] = 0.0


@compiled(nogil=True)
def _sum_rows(ids, doc_indptr, a_indptr, a_indices, a_data, a_width, a_sublinear,
              b_indptr, b_indices, b_data, b_width, b_sublinear, acc, logs, normalize):
    n_docs = doc_indptr.size - 1
    bound = 0  # per text, its words' row entries or the width, whichever is less
    for d in range(n_docs):
        entries = 0
        for j in range(doc_indptr[d], doc_indptr[d + 1]):
            entries += a_indptr[ids[j] + 1] - a_indptr[ids[j]]
            if b_width:
                entries += b_indptr[ids[j] + 1] - b_indptr[ids[j]]
        bound += min(entries, a_width + b_width)
    indptr = np.zeros(n_docs + 1, dtype=np.int64)
    cols = np.empty(bound, dtype=np.int32)  # a loose bound, but only the pages written are used
    out = np.empty(bound, dtype=np.float32)
    nnz = 0
    for d in range(n_docs):
        start, stop = doc_indptr[d], doc_indptr[d + 1]
        first = nnz
        nnz = _add_rows(ids, start, stop, a_indptr, a_indices, a_data, 0, acc, cols, nnz)
        middle = nnz
        if b_width:
            nnz = _add_rows(ids, start, stop, b_indptr, b_indices, b_data, a_width, acc, cols, nnz)
        _weigh(acc, cols, first, middle, a_sublinear, normalize, logs, out)
        _weigh(acc, cols, middle, nnz, b_sublinear, normalize, logs, out)
        indptr[d + 1] = nnz
    return indptr, cols[:nnz], out[:nnz]


@dataclass
class Block:
    """One block of table rows (CSR arrays, positive whole counts) and how to weigh its sums:
    with ``idf`` as scikit-learn's TF-IDF (sublinear tf if asked, times idf), else raw counts."""

    indptr: np.ndarray
    indices: np.ndarray
    data: np.ndarray
    width: int
    idf: np.ndarray | None = None
    sublinear: bool = False


def work_area(blocks: list[Block]) -> np.ndarray:
    """The scratch ``sum_rows`` accumulates in: per column (of the blocks side by side) its
    running sum, zero between calls, and its weight (idf, or 1 for raw counts) beside it, so the
    weighting reads the cache line the sum just wrote. ``sum_rows`` leaves it as it found it, so
    one thread can reuse it for every batch (filling it costs a pass over all the columns)."""
    area = np.zeros((sum(b.width for b in blocks), 2))
    base = 0
    for block in blocks:
        area[base:base + block.width, 1] = 1.0 if block.idf is None else block.idf
        base += block.width
    return area


def sum_rows(ids: np.ndarray, doc_indptr: np.ndarray, blocks: list[Block], normalize: bool = False,
             area: np.ndarray | None = None) -> sp.csr_matrix:
    """Row *d*: the sum of the rows ``ids[doc_indptr[d]:doc_indptr[d+1]]`` of each block (one or
    two, side by side), weighted per block and, with *normalize*, L2-normalized per block. What
    ``occurrences @ rows`` followed by the blocks' weighting, normalization and ``hstack`` give
    (tested), in one pass with no intermediate matrix. Weighed in float64, stored as float32 (the
    type of the model's matrices). *area* is a :func:`work_area` of these blocks to reuse (one
    per thread; it must not be shared by calls running at once), else one is made for the call.

    Within a row, each block's columns come in the order the text's words first touch them, not
    sorted: sorting cost as much as the sums. That order depends only on the text (a word's row
    is the same whatever its row id), so a text gets the same row alone or in any batch.
    """
    if not 1 <= len(blocks) <= 2:
        raise ValueError("sum_rows takes one or two blocks")
    a = blocks[0]
    b = blocks[1] if len(blocks) == 2 else Block(np.zeros(1, np.int64), np.zeros(0, np.int32),
                                                   np.zeros(0, np.float32), 0)
    if area is None:
        area = work_area(blocks)
    elif area.shape != (a.width + b.width, 2) or area.dtype != np.float64:
        raise ValueError(f"work area of shape {area.shape}, the blocks need ({a.width + b.width}, 2)")

    def arrays(block: Block) -> tuple:  # one type signature, so the kernel compiles once
        return (np.asarray(block.indptr, dtype=np.int64), np.asarray(block.indices, dtype=np.int32),
                np.asarray(block.data, dtype=np.float32), int(block.width),
                bool(block.sublinear and block.idf is not None))

    indptr, cols, data = _sum_rows(np.asarray(ids, dtype=np.int64), np.asarray(doc_indptr, dtype=np.int64),
                                   *arrays(a), *arrays(b), area, _LOGS, bool(normalize))
    if cols.size < 2**31:
        indptr = indptr.astype(np.int32)  # the indices' type, so scipy copies neither
    return sp.csr_matrix((data, cols, indptr), shape=(doc_indptr.size - 1, a.width + b.width), copy=False)


# -- character n-grams of new words -------------------------------------------------------------


@compiled()
def _key_slots(keys, columns):
    """An open-addressing table of the gram *keys* (all positive): per slot its key (-1: empty)
    and column. Each key's first slot is worked out before any is filled, so the probes' cache
    misses overlap (as in :func:`_insert`)."""
    size = 1024
    while size < 2 * keys.size:
        size *= 2
    slot_keys = np.full(size, -1, dtype=np.int64)
    slot_cols = np.zeros(size, dtype=np.int32)
    mask = np.uint64(size - 1)
    start = np.empty(keys.size, dtype=np.int64)
    for i in range(keys.size):
        start[i] = np.int64(_mix(np.uint64(keys[i])) & mask)
    for i in range(keys.size):
        slot = start[i]
        while slot_keys[slot] >= 0:
            slot = (slot + 1) & (size - 1)
        slot_keys[slot], slot_cols[slot] = keys[i], columns[i]
    return slot_keys, slot_cols


@compiled(nogil=True)
def _gram_rows(codes, lengths, letter_ids, base, lo, hi, slot_keys, slot_cols, n_cols):
    """Per padded word (``codes`` split by ``lengths``): its n-grams' columns (sorted) and counts.

    In passes over all the words' n-grams, as the word scan does: keys first, then each key's
    first slot (most n-grams are not in the vocabulary, and an empty first slot settles them),
    then the probes left; each pass's table reads are independent of one another, so many are
    under way at once. Last, each word's columns are counted and sorted."""
    n_words = lengths.size
    total = 0
    for w in range(n_words):
        for n in range(lo, hi + 1):
            total += max(0, lengths[w] - n + 1)
    keys = np.empty(total, dtype=np.int64)
    slots = np.empty(total, dtype=np.int64)
    owner = np.empty(total, dtype=np.int64)
    g, start = 0, 0
    for w in range(n_words):  # 1: every n-gram's key (-1: a character no vocabulary gram has)
        for n in range(lo, hi + 1):
            for i in range(start, start + lengths[w] - n + 1):
                key = np.int64(n)
                for m in range(n):
                    c = codes[i + m]
                    letter = letter_ids[c] if c < letter_ids.size else 0
                    if letter == 0:
                        key = -1
                        break
                    key = key * base + letter
                keys[g], owner[g] = key, w
                g += 1
        start += lengths[w]
    mask = slot_keys.size - 1
    for q in range(total):  # 2: the first slot of each key
        slots[q] = np.int64(_mix(np.uint64(keys[q])) & np.uint64(mask)) if keys[q] >= 0 else -1
    found = np.empty(total, dtype=np.int64)
    for q in range(total):
        found[q] = slot_keys[slots[q]] if slots[q] >= 0 else -1
    for q in range(total):  # 3: the column, probing on where the first slot holds another key
        key, slot = keys[q], slots[q]
        if key < 0 or found[q] < 0:
            slots[q] = -1
            continue
        while slot_keys[slot] != key and slot_keys[slot] >= 0:
            slot = (slot + 1) & mask
        slots[q] = slot_cols[slot] if slot_keys[slot] >= 0 else -1
    indptr = np.zeros(n_words + 1, dtype=np.int64)
    cols = np.empty(total, dtype=np.int32)
    counts = np.empty(total, dtype=np.float32)
    nnz, q = 0, 0
    for w in range(n_words):  # 4: each word's columns, counted and sorted (rows are short)
        first = nnz
        while q < total and owner[q] == w:
            col = slots[q]
            q += 1
            if col < 0:
                continue
            p = first
            while p < nnz and cols[p] != col:
                p += 1
            if p < nnz:
                counts[p] += 1.0
                continue
            p = nnz  # insertion sort
            while p > first and cols[p - 1] > col:
                cols[p], counts[p] = cols[p - 1], counts[p - 1]
                p -= 1
            cols[p], counts[p] = col, 1.0
            nnz += 1
        indptr[w + 1] = nnz
    return indptr, cols[:nnz], counts[:nnz]


class GramIndex:
    """A character n-gram vocabulary's integer keys (:class:`akhbar.features._GramKeys`) behind a
    hash, so a new word's n-grams are cut, keyed and found in one compiled loop: the same rows as
    ``CharNgrams.word_rows`` (tested), in half the time (its binary searches become hash probes;
    what remains is mostly memory latency on the 8 MB table)."""

    def __init__(self, grams, n_cols: int):
        alphabet = grams.alphabet.astype(np.int64)
        self.letter_ids = np.zeros(int(alphabet.max()) + 1 if alphabet.size else 0, dtype=np.int64)
        self.letter_ids[alphabet] = np.arange(1, alphabet.size + 1)
        self.grams, self.n_cols = grams, n_cols
        self.slot_keys, self.slot_cols = _key_slots(grams.keys, grams.columns)

    def rows(self, words: list[str], codes: Codes | None = None) -> sp.csr_matrix:
        """The n-gram count rows of *words* (*codes*, if given, must be ``Codes.of(words)``)."""
        codes = Codes.of(words) if codes is None else codes
        lengths = np.diff(codes.offsets) + 2
        # each word between spaces, as char_wb pads it: word i's characters move 2i + 1 along
        padded = np.full(codes.chars.size + 2 * len(words), 32, dtype=np.uint32)
        padded[np.arange(codes.chars.size) + 2 * np.repeat(np.arange(len(words)), lengths - 2) + 1] = codes.chars
        g = self.grams
        indptr, cols, counts = _gram_rows(padded, lengths, self.letter_ids, g.base, g.lo,
                                          g.hi, self.slot_keys, self.slot_cols, self.n_cols)
        return sp.csr_matrix((counts, cols, indptr), shape=(len(words), self.n_cols))
