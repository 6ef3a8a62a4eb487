"""Analysing the written words a featurizer's table lacks: their rows in every block, and records.

A mixin of :class:`akhbar.fast.featurizer.Featurizer`. Once prediction has imported numba the
analysis is compiled (:class:`akhbar.fast.analysis.CompiledAnalysis`, character n-grams by
:class:`akhbar.fast.grams.GramIndex`) and runs without the GIL; otherwise (training's saved
table, analyzers the compiled path cannot serve) it runs in Python over all new words at once.
Both give the same rows (``tests/fast/test_featurize.py``). It reads the featurizer's
``analyzer``, ``chars``, ``topics``, ``_word_index``, ``_unigrams``, ``_widths``, ``_blocks``,
``_scoring_blocks``, ``_compiled`` and ``_grams``.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from akhbar.fast.arrays import count_rows
from akhbar.fast.weighting import records
from akhbar.text.normalize import normalize_written


class NewWordAnalysis:
    """The new-word analysis methods of :class:`akhbar.fast.featurizer.Featurizer`."""

    def _records(self, blocks: list[sp.csr_matrix], n_tokens: np.ndarray) -> np.ndarray:
        """The scoring records (:func:`akhbar.fast.weighting.records`) of words with these block rows."""
        by_name = dict(zip(self._blocks, blocks))
        return records([(by_name[name], *weights) for name, weights in self._scoring_blocks.items()], n_tokens)

    def _analyse(self, new: list[str], compiled: bool, keep_tokens: bool, codes=None) -> tuple:
        """The rows of every block for the written words *new*, their token counts, and their
        tokens when *keep_tokens*.

        Once prediction has imported numba (*compiled*) and the model's analyzer allows it, the
        analysis is compiled (:class:`akhbar.fast.analysis.CompiledAnalysis`) and runs without the
        GIL. Otherwise all new words are normalized and tokenized as one newline-joined text
        (stems are cached per token), and every vocabulary lookup runs as ``map(dict.get, ...)``.
        Both give the same rows (tested).
        """
        analysis = self._compiled_analysis() if compiled and not keep_tokens else None
        tokens = None
        if analysis is not None:
            n_tokens, word_rows, topic_rows = analysis.analyse(new, codes)
        else:
            # one normalization pass over all new words: the steps are per character and a
            # written word holds no white space, so joining on newlines changes nothing
            tokens = self.analyzer.tokens_per_line(normalize_written("\n".join(new)))
            if len(tokens) != len(new):
                raise RuntimeError("normalizing the written words changed the number of lines")
            n_tokens = np.fromiter(map(len, tokens), dtype=np.int32, count=len(tokens))
            word_rows = count_rows(tokens, self._word_index if self._unigrams else {}, self._widths["words"])
            topic_rows = (count_rows(tokens, self.topics.word_index_, self._widths["topics"])
                          if self.topics is not None else None)
        blocks = {"words": word_rows, "topics": topic_rows}
        if self.chars is not None:
            blocks["chars"] = self._char_rows(new, compiled, codes)
        return [blocks[name] for name in self._blocks], n_tokens, tokens

    def _compiled_analysis(self):
        """The compiled analysis of new words, built at first use; None where the analyzer or
        word n-grams rule it out (those take the Python path)."""
        if self._compiled is None:
            from akhbar.fast.analysis import CompiledAnalysis

            if not (self._unigrams and CompiledAnalysis.supports(self.analyzer)):
                self._compiled = False
            else:
                topics = self.topics
                self._compiled = CompiledAnalysis(
                    self.analyzer, self._word_index, self._widths["words"],
                    topics.word_index_ if topics is not None else None, self._widths.get("topics", 0))
        return self._compiled or None

    def _char_rows(self, words: list[str], compiled: bool, codes=None) -> sp.csr_matrix:
        """The words' character n-gram rows: compiled (:class:`akhbar.fast.grams.GramIndex`) once
        prediction has imported numba, else ``CharNgrams.word_rows`` (the same rows, tested)."""
        keys = self.chars._keys
        if not compiled or keys is None:
            return self.chars.word_rows(words)
        if self._grams is None:
            from akhbar.fast.grams import GramIndex

            self._grams = GramIndex(keys, self._widths["chars"])
        return self._grams.rows(words, codes)
