"""The estimators that fit the feature blocks, on scikit-learn's contract.

``__init__`` only stores its keyword arguments, ``fit`` returns ``self``, learned state ends in
``_``. Each estimator is its fitted half (:mod:`akhbar.features.words`, ``.chars``, ``.lda``: the
transform, the learned state, saving and loading it) plus ``fit``, with scikit-learn's
``BaseEstimator`` first in its method order, so ``get_params``, ``clone`` and pipelines work as
they do for scikit-learn's own. A loaded model is made of fitted halves only: this module, and
so scikit-learn, is imported by training alone.
"""

from __future__ import annotations

import logging
from typing import Sequence

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.utils.validation import check_is_fitted

from akhbar.features.chars import FittedCharNgrams
from akhbar.features.lda import BowCorpus, FittedLdaTopics, seed_prior
from akhbar.features.words import FittedWordTfidf, _WordNgrams


def _documents(X, who: str, takes: str):
    """*X* as given, unless it is a sparse matrix: these blocks take documents, and a matrix of
    features handed to them by mistake is refused by name (the error scikit-learn's estimator
    checks ask of an estimator without sparse input) rather than failing deep inside."""
    if sp.issparse(X):
        raise TypeError(f"{who} takes {takes}, not a sparse matrix: sparse input is not supported")
    return X


class WordTfidf(TransformerMixin, BaseEstimator, FittedWordTfidf):
    """TF-IDF over word n-grams of token lists; scikit-learn's ``TfidfVectorizer`` fits it."""

    def fit(self, token_lists, y=None):
        self.fit_transform(token_lists)
        return self

    def fit_transform(self, token_lists, y=None):
        token_lists = _documents(token_lists, "WordTfidf", "token lists")
        vectorizer = TfidfVectorizer(analyzer=_WordNgrams(tuple(self.ngram_range)), sublinear_tf=self.sublinear_tf,
                                     dtype=self.dtype, min_df=self.min_df, max_df=self.max_df,
                                     max_features=self.max_features)
        X = vectorizer.fit_transform(token_lists)
        self._learned(vectorizer.get_feature_names_out().tolist(), vectorizer.idf_)
        return X

    def transform(self, token_lists):
        check_is_fitted(self, "term_index_")  # the fitted half, as a loaded model holds it, trusts its state
        return super().transform(_documents(token_lists, "WordTfidf", "token lists"))


class CharNgrams(TransformerMixin, BaseEstimator, FittedCharNgrams):
    """Character n-gram TF-IDF within word boundaries (see :class:`akhbar.features.chars.FittedCharNgrams`)."""

    def _incidence(self, words: list[str], gram_index: dict[str, int]) -> sp.csr_matrix:
        """Word-by-n-gram count matrix while fitting; every new n-gram joins *gram_index*."""
        indptr, indices, data = [0], [], []
        for word in words:
            counts: dict[int, int] = {}
            for gram in self.grams(word):
                j = gram_index.setdefault(gram, len(gram_index))
                counts[j] = counts.get(j, 0) + 1
            indices.extend(counts)
            data.extend(counts.values())
            indptr.append(len(indices))
        return sp.csr_matrix((np.asarray(data, dtype=np.float32), np.asarray(indices, dtype=np.int32),
                              np.asarray(indptr, dtype=np.int64)), shape=(len(words), len(gram_index)))

    def fit(self, normalized: Sequence[str], y=None):
        self._fit(normalized)
        return self

    def fit_transform(self, normalized: Sequence[str], y=None):
        words_matrix, incidence = self._fit(normalized)
        return self.weigh(words_matrix @ incidence)

    def transform(self, normalized: Sequence[str]):
        check_is_fitted(self, "idf_")  # NotFittedError, not an AttributeError from deep inside
        return super().transform(_documents(normalized, "CharNgrams", "normalized strings"))

    def _fit(self, normalized: Sequence[str]):
        """Fit the vocabulary and idf; return the article-by-word counts and the word-by-n-gram
        incidence over the kept n-grams, whose product is the count matrix."""
        words_matrix, words = self._word_counts(_documents(normalized, "CharNgrams", "normalized strings"))
        all_grams: dict[str, int] = {}
        incidence = self._incidence(words, all_grams)
        n_docs = words_matrix.shape[0]
        df = np.zeros(len(all_grams), dtype=np.int64)
        tf = np.zeros(len(all_grams), dtype=np.float64)
        for start in range(0, n_docs, self.chunk_size):
            block = words_matrix[start:start + self.chunk_size] @ incidence
            block.sum_duplicates()  # each (article, n-gram) once, so counting indices counts articles
            df += np.bincount(block.indices, minlength=len(df))
            tf += np.bincount(block.indices, weights=block.data, minlength=len(tf))
        max_df = self.max_df if isinstance(self.max_df, int) else self.max_df * n_docs
        keep = np.flatnonzero((df >= self.min_df) & (df <= max_df))
        if self.max_features and keep.size > self.max_features:
            # the most frequent n-grams, ties broken by index: scikit-learn's rule
            keep = keep[np.argsort(-tf[keep], kind="stable")[: self.max_features]]
        names = np.array(list(all_grams), dtype=object)
        order = np.argsort(names[keep])  # alphabetical columns, as scikit-learn sorts them
        keep = keep[order]
        self.vocabulary_ = [str(g) for g in names[keep]]
        self.idf_ = np.log((1 + n_docs) / (1 + df[keep])) + 1.0
        self._prepare()
        return words_matrix, incidence[:, keep]


class LdaTopics(TransformerMixin, BaseEstimator, FittedLdaTopics):
    """LDA topic distributions: gensim fits them (see :class:`akhbar.features.FittedLdaTopics`)."""

    def fit(self, corpus: "Sequence[list[str]] | BowCorpus", y=None):
        """Fit on token lists, or on a :class:`BowCorpus` already built from them."""
        from gensim.models import LdaModel, LdaMulticore

        logging.getLogger("gensim").setLevel(logging.WARNING)
        if not isinstance(corpus, BowCorpus):
            corpus = _documents(corpus, "LdaTopics", "token lists or a BowCorpus")
            corpus = BowCorpus.from_tokens(corpus, self.no_below, self.no_above, self.keep_n)
        if len(corpus.vocabulary) < self.num_topics:
            raise ValueError(
                f"only {len(corpus.vocabulary)} distinct words survive the frequency filter "
                f"(no_below={self.no_below}); too few for {self.num_topics} topics"
            )
        if self.sampler == "gibbs":
            from akhbar.features.gibbs import fit_gibbs

            self._take_state(fit_gibbs(corpus, self.num_topics, self.sweeps, self.random_state,
                                       self.seed_words, self.seed_strength))
            return self
        if self.sampler != "variational":
            raise ValueError(f"sampler must be 'variational' or 'gibbs', not {self.sampler!r}")
        eta = "symmetric"
        if self.seed_words:  # guided topics: seed words weigh in their topic's prior
            eta = seed_prior(self.seed_words, corpus.vocabulary, self.num_topics, self.seed_strength)
        common = dict(corpus=corpus, id2word=dict(enumerate(corpus.vocabulary)), num_topics=self.num_topics,
                      passes=self.passes, iterations=self.iterations, chunksize=self.chunksize,
                      random_state=self.random_state, eta=eta, dtype=np.float64,
                      eval_every=None)  # perplexity logging would cost a full E-step per call
        if self.workers and self.workers > 1:
            model = LdaMulticore(workers=self.workers, alpha="symmetric", **common)
        else:
            model = LdaModel(alpha="symmetric", **common)
        # display: the readable form per vocabulary entry, set by the trainer
        self._take_state({"vocabulary": corpus.vocabulary, "alpha": model.alpha, "topic_word": model.get_topics(),
                          "exp_elog_beta": model.expElogbeta, "display": None})
        return self

    def transform(self, token_lists):
        check_is_fitted(self, "word_index_")
        return super().transform(_documents(token_lists, "LdaTopics", "token lists"))

