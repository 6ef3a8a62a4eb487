"""Features: word TF-IDF, character n-gram TF-IDF and LDA topics, as fitted halves and estimators.

Each block is a *fitted half* (``words``, ``chars``, ``lda``: its transform, its learned state,
saving and loading it) and an estimator that adds ``fit`` on scikit-learn's contract
(``estimators``, the one module here that imports scikit-learn and gensim). A loaded model is made
of the fitted halves alone, so loading a model and predicting never import scikit-learn: with the
``scipy.stats`` it pulls in, that import was 1.5-2 s of a new process's load. ``base`` has what
the blocks share (``get_params``, TF-IDF weighting), ``matrices`` how training stacks their rows.

All take *normalized* text or the token lists of the shared :class:`akhbar.text.Analyzer`, so an
article is normalized and tokenized once however many blocks read it. Prediction does not call
these transforms: it goes through the compiled path (:mod:`akhbar.fast`), which gives the same
rows (tested); this package uses that path's kernels (array helpers, topic inference) and never
the other way round.
"""

from akhbar.features.base import Params, normalize_rows, tfidf_rows
from akhbar.features.chars import FittedCharNgrams
from akhbar.features.lda import BowCorpus, FittedLdaTopics
from akhbar.features.words import FittedWordTfidf

__all__ = ["Params", "normalize_rows", "tfidf_rows", "FittedCharNgrams", "BowCorpus", "FittedLdaTopics",
           "FittedWordTfidf"]
