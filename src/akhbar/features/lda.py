"""LDA topics: the compact bag-of-words corpus gensim trains on, and the fitted topic model.

The LDA model is trained by gensim from that corpus. Inference for new articles runs compiled
(:mod:`akhbar.fast.inference`) on the exported arrays (the topic-word matrix and alpha): the same
variational update as gensim's, started from a deterministic point, so the topics of an article
do not depend on which batch it arrived in and no pickled gensim object is needed to predict.
"""

from __future__ import annotations

import json
from collections import Counter
from itertools import chain
from pathlib import Path
from typing import Iterable, Iterator, Sequence

import numpy as np
import scipy.sparse as sp

from akhbar.fast.arrays import count_rows
from akhbar.features.base import Params

SEED_STRENGTH = 200.0
"""Pseudo-counts a seed word gets in its topic (:mod:`akhbar.topics.seeded`); chosen on the
built-in corpus to put most seed words among their topic's top words without making the topic
only its seeds."""
SEED_ELSEWHERE = 1e-4
"""The prior of a seed word in the topics it does not seed."""


class BowCorpus:
    """A gensim corpus held as three flat numpy arrays: documents → (word id, count) pairs.

    Built once from token lists with gensim's ``Dictionary`` (so the vocabulary and its order are
    gensim's: ``filter_extremes`` then ``compactify``), it is small (8 bytes per distinct word of
    a document), re-iterable for LDA's passes, and saved with :meth:`save` / :meth:`load` as a
    plain ``.npz`` + word list, which is how the trainer hands it to the topic-model process.
    """

    def __init__(self, vocabulary: list[str], indptr: np.ndarray, ids: np.ndarray, counts: np.ndarray):
        self.vocabulary = vocabulary
        self.indptr, self.ids, self.counts = indptr, ids, counts

    @classmethod
    def from_tokens(cls, token_lists: Sequence[list[str]], no_below=5, no_above=0.5, keep_n=50_000) -> "BowCorpus":
        """Count words the way gensim's ``Dictionary(token_lists)`` + ``filter_extremes`` +
        ``compactify`` + ``doc2bow`` do (same vocabulary, same order: a test checks), with
        C-level counting instead of a Python loop per document (4x faster, far fewer objects).

        gensim numbers words by first appearance, a document's new words in sorted order; keeps
        words with ``no_below <= df <= int(no_above * n_docs)``; of those the ``keep_n`` most
        frequent (stable on ties); then renumbers the survivors in their old order.
        """
        n_docs = len(token_lists)
        distinct = [sorted(set(tokens)) for tokens in token_lists]
        order = dict.fromkeys(chain.from_iterable(distinct))  # first appearance, sorted within a document
        df = Counter(chain.from_iterable(distinct))
        del distinct
        most = int(no_above * n_docs)
        good = [w for w in order if no_below <= df[w] <= most]
        if keep_n is not None and len(good) > keep_n:
            kept = set(sorted(good, key=df.__getitem__, reverse=True)[:keep_n])
            good = [w for w in good if w in kept]
        counts = count_rows(token_lists, {w: i for i, w in enumerate(good)}, len(good))  # rows sorted by id, as doc2bow
        return cls(good, counts.indptr.astype(np.int64), counts.indices.astype(np.int32),
                   counts.data.astype(np.int32))

    def __len__(self) -> int:
        return len(self.indptr) - 1

    def matrix(self) -> sp.csr_matrix:
        """The corpus as a sparse (n_docs, V) float64 count matrix, what inference reads."""
        return sp.csr_matrix((self.counts.astype(np.float64), self.ids, self.indptr),
                             shape=(len(self), len(self.vocabulary)))

    def __iter__(self) -> Iterator[list[tuple[int, int]]]:
        ids, counts, indptr = self.ids, self.counts, self.indptr.tolist()
        for a, b in zip(indptr[:-1], indptr[1:]):
            yield list(zip(ids[a:b].tolist(), counts[a:b].tolist()))

    def save(self, folder: Path) -> None:
        np.savez(folder / "corpus.npz", indptr=self.indptr, ids=self.ids, counts=self.counts)
        (folder / "vocabulary.json").write_text(json.dumps(self.vocabulary, ensure_ascii=False), "utf-8")

    @classmethod
    def load(cls, folder: Path) -> "BowCorpus":
        with np.load(folder / "corpus.npz", allow_pickle=False) as arrays:
            indptr, ids, counts = arrays["indptr"], arrays["ids"], arrays["counts"]
        vocabulary = json.loads((folder / "vocabulary.json").read_text("utf-8"))
        return cls(vocabulary, indptr, ids, counts)


class FittedLdaTopics(Params):
    """LDA topic distributions, fitted: gensim trains (:class:`akhbar.estimators.LdaTopics`), or
    tomotopy's Gibbs sampler with ``sampler="gibbs"`` (:mod:`akhbar.features.gibbs`); a compiled
    loop infers (:meth:`infer`) whichever trained it.

    ``fit`` takes token lists (from the shared analyzer); ``transform`` returns a dense
    (n_docs, num_topics) matrix of topic proportions that sum to one.
    """

    def __init__(self, num_topics=30, passes=3, iterations=50, chunksize=2000, no_below=5,
                 no_above=0.5, keep_n=50_000, workers=1, random_state=0,
                 infer_iterations=50, infer_tol=1e-3, seed_words=None, seed_strength=SEED_STRENGTH,
                 sampler="variational", sweeps=300):
        self.num_topics = num_topics
        self.passes = passes
        self.iterations = iterations
        self.chunksize = chunksize
        self.no_below = no_below
        self.no_above = no_above
        self.keep_n = keep_n
        self.workers = workers
        self.random_state = random_state
        self.infer_iterations = infer_iterations
        self.infer_tol = infer_tol
        self.seed_words = seed_words  # guided topics: analysed seed words per topic (akhbar.topics.seeded)
        self.seed_strength = seed_strength
        self.sampler = sampler  # "variational" (gensim) or "gibbs" (tomotopy: akhbar.features.gibbs)
        self.sweeps = sweeps  # gibbs only: sampling sweeps over the corpus

    def _prepare(self):
        self.word_index_ = {w: i for i, w in enumerate(self.vocabulary_)}
        self._exp_elog_beta = np.ascontiguousarray(self.exp_elog_beta_.T)  # (V, K) for row gathers
        self._spread = self._exp_elog_beta / self._exp_elog_beta.sum(axis=1, keepdims=True)
        self._exp_elog_beta32 = self._exp_elog_beta.astype(np.float32)

    def bow_matrix(self, token_lists: Iterable[list[str]]) -> sp.csr_matrix:
        """Token lists → sparse (n_docs, V) count matrix over the topic model's vocabulary."""
        return count_rows(list(token_lists), self.word_index_, len(self.vocabulary_)).astype(np.float64)

    def transform(self, token_lists: Iterable[list[str]]) -> np.ndarray:
        return self.infer(self.bow_matrix(token_lists))

    def infer(self, counts: sp.csr_matrix) -> np.ndarray:
        """Variational inference of topic proportions for a batch of count rows.

        Each row is updated until its own change falls under ``infer_tol`` (mean absolute
        change of gamma in one update, gensim's rule), on its own: a row's result never depends
        on its batch. The updates are accelerated (SQUAREM, :mod:`akhbar.fast.inference`): on
        the ant2 test articles a third less time, and half as far from the fixed point when
        they stop (tested against the plain loop).
        It starts from one responsibility step under a uniform theta (each word's count spread
        over topics in proportion to exp(E[log beta])), much closer to the optimum than gensim's
        random start, and deterministic. An empty row (no known word) gets alpha, normalized.
        The loop is compiled (:mod:`akhbar.fast.inference`); numba is imported here, not at the
        top, because it and its compiler take about 100 MB and 0.3 s that training never needs.
        """
        from akhbar.fast.inference import infer_rows

        counts = counts.tocsr()
        counts.sum_duplicates()
        return infer_rows(counts.indptr.astype(np.int64), counts.indices.astype(np.int64),
                          counts.data.astype(np.float64), self._exp_elog_beta32, self._spread,
                          self.alpha_, int(self.infer_iterations), float(self.infer_tol))

    def top_words(self, n: int = 10) -> list[list[tuple[str, float]]]:
        order = np.argsort(-self.topic_word_, axis=1)[:, :n]
        return [[(self.vocabulary_[j], float(self.topic_word_[t, j])) for j in row]
                for t, row in enumerate(order)]

    def to_gensim(self, num_docs: int = 0):
        """This topic model as a gensim ``(LdaModel, Dictionary)``: see :func:`gensim_model`
        (and :mod:`akhbar.topics.export`, which writes them to a folder)."""
        return gensim_model(self, num_docs)

    def prior(self) -> np.ndarray:
        """The (K, V) topic-word prior ``eta`` the model was fitted under: gensim's symmetric
        ``1/K`` or tomotopy's ``GIBBS_ETA``, with the seed words' pseudo-counts when guided."""
        k, v = self.topic_word_.shape
        base = 1.0 / k
        if self.sampler == "gibbs":
            from akhbar.features.gibbs import GIBBS_ETA

            base = GIBBS_ETA
        if self.seed_words:
            return seed_prior(self.seed_words, self.vocabulary_, k, self.seed_strength, base=base)
        return np.full((k, v), base)

    def get_state(self) -> dict:
        return {"vocabulary": self.vocabulary_, "alpha": self.alpha_, "topic_word": self.topic_word_,
                "exp_elog_beta": self.exp_elog_beta_, "display": self.display_}

    @classmethod
    def from_state(cls, params: dict, state: dict) -> "FittedLdaTopics":
        self = cls(**params)
        self._take_state(state)
        return self

    def _take_state(self, state: dict) -> None:
        """Set the learned arrays from *state* (as :meth:`get_state` gives them) and prepare
        inference: how loading a model and both samplers' fits end."""
        self.vocabulary_ = list(state["vocabulary"])
        self.alpha_ = np.asarray(state["alpha"], dtype=np.float64)
        self.topic_word_ = np.asarray(state["topic_word"], dtype=np.float64)  # rows sum to one, for display
        self.exp_elog_beta_ = np.asarray(state["exp_elog_beta"], dtype=np.float64)  # for inference
        self.display_ = list(state["display"]) if state.get("display") is not None else None
        self._prepare()


def seed_prior(seed_stems: list[list[str]], vocabulary: list[str], num_topics: int,
               strength: float = SEED_STRENGTH, base: float | None = None) -> np.ndarray:
    """gensim's ``eta`` as a (K, V) matrix: symmetric ``1/K`` (or *base*) but for the seed words
    (see :mod:`akhbar.topics.seeded`). ``seed_stems[i]`` are topic i's seed words, analysed."""
    if len(seed_stems) > num_topics:
        raise ValueError(f"{len(seed_stems)} seed topics for a model of {num_topics} topics")
    eta = np.full((num_topics, len(vocabulary)), 1.0 / num_topics if base is None else base)
    column = {w: j for j, w in enumerate(vocabulary)}
    for k, stems in enumerate(seed_stems):
        ids = [column[s] for s in stems if s in column]
        eta[:, ids] = SEED_ELSEWHERE
        eta[k, ids] = strength
    return eta


def posterior_totals(topic_word: np.ndarray, exp_elog_beta: np.ndarray) -> np.ndarray:
    """Per topic, the total ``L`` of the Dirichlet posterior ``lambda = L * topic_word`` whose
    ``exp(E[log beta]) = exp(digamma(lambda) - digamma(L))`` is *exp_elog_beta*.

    A fitted model keeps the normalized ``lambda`` (``topic_word``) and ``exp(E[log beta])``, not
    ``lambda`` itself; both samplers compute the two from one ``lambda``, and ``L`` is what ties
    them: for each word ``digamma(L p) - digamma(L)`` rises with ``L`` towards ``log p``, so the
    sum of its gaps to ``log exp_elog_beta`` has one root, found on a log scale. Entries at the
    floor (``1e-30``, words the Gibbs sampler never put in the topic) are left out. A pair not
    made from one ``lambda`` has no root; it gets the ``L`` of least squared gap.
    """
    from scipy.optimize import brentq, minimize_scalar
    from scipy.special import digamma

    totals = np.empty(topic_word.shape[0])
    for k, (p, e) in enumerate(zip(topic_word, exp_elog_beta)):
        use = (e > 1e-29) & (p > 0)
        p, log_e = p[use], np.log(e[use])
        gaps = lambda log_l: digamma(np.exp(log_l) * p) - digamma(np.exp(log_l)) - log_e  # noqa: E731
        lo, hi = np.log(1e-8), np.log(1e15)
        if p.size and gaps(lo).sum() < 0 < gaps(hi).sum():
            totals[k] = np.exp(brentq(lambda x: gaps(x).sum(), lo, hi, xtol=1e-14, rtol=1e-15))
        else:
            best = minimize_scalar(lambda x: np.square(gaps(x)).sum(), bounds=(lo, hi), method="bounded")
            totals[k] = np.exp(best.x)
    return totals


def gensim_model(topics: FittedLdaTopics, num_docs: int = 0):
    """*topics* as a gensim ``LdaModel`` and its ``Dictionary`` (gensim imported here, lazily).

    The dictionary numbers the model's vocabulary entries (analysed stems, not the readable
    ``display_`` forms) in column order. The model's state is the posterior ``lambda`` rebuilt
    from ``topic_word_`` and ``exp_elog_beta_`` (:func:`posterior_totals`) split as
    ``eta + sstats``, with ``eta`` the prior the model was fitted under
    (:meth:`FittedLdaTopics.prior`), capped at ``lambda`` (tomotopy's word priors can leave a seed
    word's ``lambda`` under its pseudo-counts; ``sstats`` stays non-negative). So ``get_topics()``
    is ``topic_word_``, ``expElogbeta`` is ``exp_elog_beta_`` exactly, and ``sync_state()`` would
    give it back (to float precision; the Gibbs floor of ``1e-30`` apart).
    ``alpha`` is ``alpha_``; ``iterations`` and ``gamma_threshold`` are the model's inference
    settings. *num_docs* (the training articles) weighs the state if gensim trains it further.
    """
    from gensim.corpora import Dictionary
    from gensim.models import LdaModel

    k = topics.topic_word_.shape[0]
    dictionary = Dictionary()
    dictionary.token2id = {word: i for i, word in enumerate(topics.vocabulary_)}
    dictionary.id2token = dict(enumerate(topics.vocabulary_))
    topic_word = np.asarray(topics.topic_word_, dtype=np.float64)
    lam = topic_word * posterior_totals(topic_word, topics.exp_elog_beta_)[:, None]
    eta = np.minimum(topics.prior(), lam)
    if np.all(eta == eta[0]):
        eta = eta[0].copy()  # one row for all topics, as gensim keeps a symmetric eta
    model = LdaModel(id2word=dictionary, num_topics=k, alpha=np.asarray(topics.alpha_, dtype=np.float64),
                     eta=eta, iterations=int(topics.infer_iterations), gamma_threshold=float(topics.infer_tol),
                     random_state=topics.random_state, dtype=np.float64)
    model.state.sstats = lam - eta
    model.state.numdocs = int(num_docs)
    model.expElogbeta = np.array(topics.exp_elog_beta_, dtype=np.float64)
    return model, dictionary
