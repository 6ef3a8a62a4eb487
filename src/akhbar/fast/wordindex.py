"""Batches of texts → checks, written-word row ids and summed rows, compiled: no object per word.

Why: once the word table (:mod:`akhbar.fast.featurizer`) made analysis a once-per-word cost, most of a
warm ``predict()`` was Python touching every word of every article. For the 5,690 ant2 test
articles that meant ``str.split`` making 1.4 million strings, a dict lookup for each, regex passes
over every text to check it, and scipy products, weighting and stacking as separate passes. Here
a batch becomes one array of code points, and each kernel makes one pass:

- :func:`akhbar.fast.codes.text_checks`: what :func:`akhbar.predictor.clean_input` must know of
  a plain text;
- :meth:`WordIndex.scan` (here): the split into written words (:func:`akhbar.text.written_words`),
  each word found in a hash index of the table's words by its code points. Only the words the
  table lacks become Python strings;
- :func:`akhbar.fast.sums.sum_rows`: each text's feature rows as the sum of its words' table
  rows, weighted as TF-IDF and L2-normalized per block in the same pass;
- :class:`akhbar.fast.grams.GramIndex`: a new word's character n-grams, keyed and found by hash probes.

The lookups run in passes over all of a batch's words rather than one word at a time: a hash
table of a few MB is a cache miss per probe, and a loop whose probes do not depend on one
another lets the processor wait for many at once. On the ant2 test articles that took the scan
from 0.30 s to 0.19 s and the n-grams of a first pass's new words from 0.26 s to 0.10 s.

A text with presentation forms (which ``written_words`` first unfolds with NFKC) is flagged,
and the caller unfolds it and scans again. ``tests/fast/test_wordscan.py`` checks each kernel
against its Python counterpart.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from akhbar.fast.arrays import grown
from akhbar.fast.codes import DELETED, PRESENTATION, SPACE, Codes, Joined, char_classes, join
from akhbar.fast.hashing import (_BASIS, _PACK_BASE, _PACK_TOP, _PACK_WIDTH, _PRIME, _ROW, _find, _insert, _mix,
                                 _same, _slot_and_tag)
from akhbar.text.chars import _DELETE_RE
from akhbar.fast.jit import compiled

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
