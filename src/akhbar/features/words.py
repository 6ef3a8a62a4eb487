"""Word TF-IDF over the shared analyzer's tokens, fitted (its estimator: :mod:`akhbar.features.estimators`).
"""

from __future__ import annotations

import numpy as np

from akhbar.fast.arrays import count_rows
from akhbar.features.base import Params, tfidf_rows

# --- TF-IDF ----------------------------------------------------------------------------------------


class _WordNgrams:
    """Token list → unigrams … n-grams (joined by a space). A class, not a lambda, for clarity
    in error messages and so the n-gram range is visible in ``repr``."""

    def __init__(self, ngram_range=(1, 2)):
        self.lo, self.hi = ngram_range

    def __call__(self, tokens: list[str]) -> list[str]:
        out = list(tokens) if self.lo == 1 else []
        for n in range(max(2, self.lo), self.hi + 1):
            out.extend(" ".join(tokens[i:i + n]) for i in range(len(tokens) - n + 1))
        return out

    def __repr__(self) -> str:
        return f"_WordNgrams(({self.lo}, {self.hi}))"



class FittedWordTfidf(Params):
    """TF-IDF over word n-grams of *token lists* (from the shared :class:`Analyzer`), fitted
    (:class:`akhbar.estimators.WordTfidf` fits it with scikit-learn's ``TfidfVectorizer``).

    Taking tokens rather than text lets the trainer and the predictor tokenize each article once
    and hand the same tokens to this block and to the LDA model.
    """

    def __init__(self, ngram_range=(1, 2), min_df=2, max_df=0.9, max_features=300_000,
                 sublinear_tf=True, dtype=np.float32):
        self.ngram_range = ngram_range
        self.min_df = min_df
        self.max_df = max_df
        self.max_features = max_features
        self.sublinear_tf = sublinear_tf
        self.dtype = dtype

    def _learned(self, vocabulary: list[str], idf: np.ndarray) -> None:
        self.vocabulary_ = list(vocabulary)  #: the terms, in column order (alphabetical)
        self.idf_ = np.asarray(idf, dtype=np.float64)
        self.term_index_ = {term: i for i, term in enumerate(self.vocabulary_)}  #: term → column

    def transform(self, token_lists):
        """``TfidfVectorizer.transform`` with this block's n-grams (the same matrix, tested):
        counts of the known terms, weighed by :func:`tfidf_rows`."""
        grams = _WordNgrams(tuple(self.ngram_range))
        counts = count_rows([grams(tokens) for tokens in token_lists], self.term_index_, len(self.vocabulary_))
        return tfidf_rows(counts, self.idf_, self.sublinear_tf, self.dtype)

    def get_state(self) -> dict:
        return {"vocabulary": self.vocabulary_, "idf": self.idf_}

    @classmethod
    def from_state(cls, params: dict, state: dict) -> "FittedWordTfidf":
        self = cls(**params)
        self._learned(state["vocabulary"], state["idf"])
        return self
