"""Keeping a featurizer's word table: started from the seed, grown under a lock, started over when full.

A mixin of :class:`akhbar.fast.featurizer.Featurizer`, apart so the table's life reads on its own.
Lookups only read the table; additions happen under its lock and publish a word only after its
rows are written (so a scan running meanwhile without the GIL never finds a half-added word),
and a batch keeps the table it started with even if another thread replaces it. A full table
(``capacity`` words beyond the seed) is replaced by a fresh one, so a stream of new words cannot
grow memory. It reads the featurizer's ``_blocks``, ``_widths``, ``_seed``, ``_weights``,
``_scoring_blocks``, ``capacity``, ``_table`` and ``_swap``, set in ``Featurizer.__init__``, and
analyses new words through :class:`akhbar.fast.analysing.NewWordAnalysis`.
"""

from __future__ import annotations

from itertools import compress

import numpy as np
import scipy.sparse as sp

from akhbar.fast.arrays import grown
from akhbar.fast.table import TokenLists, WordTable, _Table, grown_rows, table_records
from akhbar.text.normalize import shown_forms


class TableKeeping:
    """The word table's methods of :class:`akhbar.fast.featurizer.Featurizer`."""

    def _new_table(self) -> _Table:
        """An empty table, or one holding the seed's words when the model has them."""
        table = _Table(len(self._blocks), keep_tokens=not self._unigrams)
        seed = self._seed
        if seed is not None and seed.words:
            for name, rows in zip(self._blocks, table.rows):
                indptr, indices, data = seed.blocks[name]
                rows.append(sp.csr_matrix((data, indices, indptr), shape=(len(seed.words), self._widths[name])))
            if table.tokens is not None:
                table.tokens.extend(tuple(t) for t in seed.tokens)
            lengths = seed.tokens.lengths if isinstance(seed.tokens, TokenLists) else [len(t) for t in seed.tokens]
            table.n_tokens = np.concatenate([np.asarray(lengths, dtype=np.int32), np.zeros(len(lengths) + 1024, dtype=np.int32)])
            table.ids.update(zip(seed.words, range(len(seed.words))))
            table.words.extend(seed.words)
            table.shown = np.full(2 * len(seed.words) + 1024, -1, dtype=np.int64)
            if seed.shown is not None:
                table.shown[:len(seed.words)] = seed.shown
                table.form_rows.update(seed.forms)
            if self._weights is not None:
                if self._seed_records is None:  # once: a table that starts over copies them
                    self._seed_records = (seed.records if seed.records is not None
                                          else table_records(seed, self._scoring_blocks, self._widths))
                table.records = grown_rows(self._seed_records, len(seed.words))
        return table

    def export(self, words: list[str]) -> WordTable:
        """The rows of *words* (distinct written words) as a :class:`WordTable` to save."""
        table = _Table(len(self._blocks), keep_tokens=True)
        self._add(table, list(dict.fromkeys(words)))
        blocks = {}
        for name, rows in zip(self._blocks, table.rows):
            n = rows.n_rows
            end = int(rows.indptr[n])
            blocks[name] = (rows.indptr[:n + 1].copy(), rows.indices[:end].copy(), rows.data[:end].copy())
        n = len(table.ids)
        shown = self._shown(table, np.arange(n))[:n].astype(np.int32)
        forms = {form: row for form, row in table.form_rows.items() if form not in table.ids}
        recs = table.records[:n].copy() if table.records is not None else None
        return WordTable(words=list(table.ids), tokens=[list(t) for t in table.tokens], blocks=blocks,
                         shown=shown, forms=forms, records=recs)

    def _current_table(self) -> _Table:
        table = self._table
        if len(table.ids) >= self.capacity + (len(self._seed.words) if self._seed is not None else 0):
            with self._swap:
                if self._table is table:
                    self._table = self._new_table()
                table = self._table
        return table

    def _add(self, table: _Table, words: list[str], known: int | None = None, codes=None) -> np.ndarray:
        """Analyse the distinct *words* not yet in *table*, add their rows to every block, and
        return the row of each of *words*.

        *known*: how many words the table had when the caller found that it lacks all of
        *words* (the scan before this); None checks each word first. *codes*: the words'
        :class:`akhbar.fast.codes.Codes`, when the caller has them. The analysis runs outside
        the table's lock, so threads analyse their batches' new words at once; under the lock,
        words another thread added meanwhile are dropped and the rest appended and published.
        """
        if known is None or len(table.ids) != known:
            known = len(table.ids)
            at = [i for i, w in enumerate(words) if w not in table.ids]
        else:
            at = list(range(len(words)))
        rows = np.full(len(words), -1, dtype=np.int64)
        if at and len(at) == len(words):
            rows[:] = self._add_new(table, words, known, codes)
        elif at:  # the codes no longer line up with the words
            rows[at] = self._add_new(table, [words[i] for i in at], known)
        lacking = np.flatnonzero(rows < 0)  # words the table had, or another thread added meanwhile
        if lacking.size:
            rows[lacking] = np.fromiter(map(table.ids.__getitem__, [words[i] for i in lacking.tolist()]),
                                        dtype=np.int64, count=lacking.size)
        return rows

    def _add_new(self, table: _Table, new: list[str], before: int, codes=None) -> np.ndarray:
        """:meth:`_add` for *new*: words the table lacked when it had *before* words. Returns
        each one's row, -1 for those another thread added meanwhile."""
        blocks, n_tokens, tokens = self._analyse(new, compiled=table.index is not None,
                                                 keep_tokens=table.tokens is not None, codes=codes)
        recs = self._records(blocks, n_tokens) if self._weights is not None else None
        placed = np.full(len(new), -1, dtype=np.int64)
        with table.lock:
            # words only ever join the table, so if it has not grown, all of *new* is still new
            fresh = range(len(new)) if len(table.ids) == before else [
                i for i, w in enumerate(new) if w not in table.ids]
            if not fresh:
                return placed
            if len(fresh) < len(new):
                new, codes = [new[i] for i in fresh], None
                blocks, n_tokens = [rows[fresh] for rows in blocks], n_tokens[fresh]
                tokens = [tokens[i] for i in fresh] if tokens is not None else None
                recs = recs[fresh] if recs is not None else None
            for rows, added in zip(table.rows, blocks):
                rows.append(added)
            first = len(table.ids)
            if table.tokens is not None:
                table.tokens.extend(tokens)
            if first + len(new) > table.n_tokens.size:
                table.n_tokens = grown(table.n_tokens, first + len(new))
            table.n_tokens[first:first + len(new)] = n_tokens
            if recs is not None:
                if table.records is None or first + len(new) > table.records.shape[0]:
                    table.records = grown_rows(table.records, first + len(new), recs.shape[1])
                table.records[first:first + len(new)] = recs
            if first + len(new) > table.shown.size:
                table.shown = grown(table.shown, first + len(new), fill=-1)
            table.words.extend(new)
            # published last, once every row is in place: a scan running meanwhile (without the
            # GIL) finds a new word only after this, and the dict after that
            if table.index is not None:
                if len(table.index) != first:
                    raise RuntimeError("the word index and the table disagree on the number of words")
                table.index.add(new, codes)
            table.ids.update(zip(new, range(first, first + len(new))))
        placed[list(fresh)] = np.arange(first, first + len(new))
        return placed

    @staticmethod
    def _shown(table: _Table, ids: np.ndarray) -> np.ndarray:
        """Row → the row standing for its shown form, set for every row of *ids* (under the
        lock; only rows an explanation has met have one, so labels alone never pay).

        The row standing for a form is the row of that very word when the table has it, else
        the first row met whose word shows as it; a word without punctuation around it (most)
        stands for itself unless such a row came first. So the forms of one word share a row
        whatever the order they arrive in, and naming a term is ``shown_forms`` of its row's word.
        """
        shown = table.shown
        lacking = np.unique(ids[shown[ids] < 0])
        if lacking.size:
            with table.lock:
                shown, ids_of, form_rows = table.shown, table.ids, table.form_rows
                rows = lacking[shown[lacking] < 0]
                words = [table.words[r] for r in rows.tolist()]
                if table.index is not None:  # numba is in: the compiled forms (the same, tested)
                    from akhbar.fast.codes import shown_forms as compiled_shown_forms

                    forms = compiled_shown_forms(words)
                else:
                    forms = shown_forms(words)
                shown[rows] = rows  # most words stand for themselves; the others, one by one:
                at = range(len(words))  # (the two tests run as C-level maps: half the words have one)
                others = set(compress(at, map(str.__ne__, forms, words)))
                others.update(compress(at, map(form_rows.__contains__, words)))
                for i in sorted(others):
                    form, r = forms[i], int(rows[i])
                    g = form_rows.get(form)
                    if g is None:  # a form met for the first time with punctuation around it
                        g = form_rows[form] = ids_of.get(form, r)
                    shown[r] = g
        return shown
