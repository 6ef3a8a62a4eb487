"""The character n-grams of new words, keyed as integers and found by hash probes, compiled.

A gram is keyed as :class:`akhbar.features.chars._GramKeys` keys it (its length and letters in a
base of the vocabulary's alphabet); the keys go into an open-addressing table once, and a batch's
new words are cut and probed in passes over all of them.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from akhbar.fast.codes import Codes
from akhbar.fast.hashing import _mix
from akhbar.fast.jit import compiled

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
