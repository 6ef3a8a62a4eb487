"""LDA by collapsed Gibbs sampling (tomotopy): how ``akhbar train`` fits topics unless told
``topic_sampler="variational"`` (gensim).

Why: on ant2 (30 topics, experiments/topics.md) Gibbs sampling gave the most coherent topics we
measured: held-out NPMI 0.31 against 0.19 for plain gensim and 0.18 for akhbar's variational
variational LDA, and c_npmi over stems 0.175 against 0.093, in 0.8x gensim's fit time. tomotopy is a
well-kept C++ sampler with wheels for every platform; writing our own would be slower.

Only fitting changes. The fitted model is the same :class:`~akhbar.features.lda.FittedLdaTopics`
(topic-word matrix, ``exp(E[log beta])``, alpha), so a model folder, its compiled inference and
``predict()`` do not know which sampler trained it, and loading a model never imports tomotopy.
"""

from __future__ import annotations

import numpy as np

from akhbar.features.lda import SEED_ELSEWHERE, BowCorpus

GIBBS_ALPHA = 0.1
"""Initial document-topic prior per topic (tomotopy re-estimates it every 10 sweeps)."""
GIBBS_ETA = 0.01
"""Topic-word prior: sparse topics, as in Griffiths & Steyvers (2004) and tomotopy's examples."""


INSTALL = ("the gibbs topic sampler needs tomotopy, one of akhbar's dependencies: pip install tomotopy "
           "(or train with topic_sampler='variational')")


def require_tomotopy(error: type[Exception] = ImportError):
    """tomotopy, or *error* saying how to install it."""
    try:
        import tomotopy
    except ImportError:
        raise error(INSTALL) from None
    return tomotopy


def fit_gibbs(corpus: BowCorpus, num_topics: int, sweeps: int, random_state: int,
              seed_words: list[list[str]] | None = None, seed_strength: float = 200.0) -> dict:
    """Sample an LDA model of *corpus*; return the state :meth:`FittedLdaTopics.from_state` reads."""
    model, extra = sample(corpus, num_topics, sweeps, random_state, seed_words, seed_strength)
    return state_of(model, corpus.vocabulary, extra)


def sample(corpus: BowCorpus, num_topics: int, sweeps: int, random_state: int,
           seed_words: list[list[str]] | None = None, seed_strength: float = 200.0):
    """The trained tomotopy model, and each topic's prior mass beyond ``eta`` x V.

    *seed_words* (guided topics) become tomotopy word priors: *seed_strength* pseudo-counts in
    their topic, almost none elsewhere, as :func:`akhbar.features.lda.seed_prior` does for gensim.
    One worker thread, so a seed gives the same model every run.
    """
    tp = require_tomotopy()
    model = tp.LDAModel(k=num_topics, alpha=GIBBS_ALPHA, eta=GIBBS_ETA, seed=int(random_state))
    words = np.asarray(corpus.vocabulary, dtype=object)
    for a, b in zip(corpus.indptr[:-1].tolist(), corpus.indptr[1:].tolist()):
        if b > a:
            model.add_doc(np.repeat(words[corpus.ids[a:b]], corpus.counts[a:b]).tolist())
    present = set(model.vocabs)
    extra = np.zeros(num_topics)
    for k, stems in enumerate(seed_words or []):
        for stem in dict.fromkeys(stems):
            if stem in present:
                prior = [SEED_ELSEWHERE] * num_topics
                prior[k] = seed_strength
                model.set_word_prior(stem, prior)
                extra += np.asarray(prior) - GIBBS_ETA
    model.train(int(sweeps), workers=1)
    return model, extra


def state_of(model, vocabulary: list[str], extra_prior: np.ndarray) -> dict:
    """The sampled model as akhbar's arrays, in *vocabulary*'s column order.

    From tomotopy's smoothed topic-word distribution and its per-topic word counts we recover the
    Dirichlet posterior ``lambda = n_tw + eta_tw`` and so ``exp(E[log beta])``, the quantity
    akhbar's variational inference of new articles reads; a word tomotopy never
    kept (none should be: every word of the corpus is added) gets the bare prior.
    """
    from scipy.special import digamma

    k = model.k
    column = {w: i for i, w in enumerate(model.used_vocabs)}
    where = np.array([column.get(w, -1) for w in vocabulary])
    known = where >= 0
    dist = np.array([model.get_topic_word_dist(t) for t in range(k)], dtype=np.float64)  # (K, used V)
    prior_mass = GIBBS_ETA * len(model.used_vocabs) + extra_prior
    totals = np.asarray(model.get_count_by_topics(), dtype=np.float64) + prior_mass  # sum_w lambda_tw
    lam = np.full((k, len(vocabulary)), GIBBS_ETA)
    lam[:, known] = dist[:, where[known]] * totals[:, None]
    topic_word = lam / lam.sum(axis=1, keepdims=True)
    exp_elog_beta = np.exp(digamma(lam) - digamma(lam.sum(axis=1, keepdims=True)))
    # a word never sampled into a topic has exp(digamma(eta)) ~ 1e-44 there; floored so that the
    # float32 copy inference reads stays a normal positive number
    exp_elog_beta = np.maximum(exp_elog_beta, 1e-30)
    return {"vocabulary": list(vocabulary), "alpha": np.asarray(model.alpha, dtype=np.float64).reshape(k),
            "topic_word": topic_word, "exp_elog_beta": exp_elog_beta, "display": None}

