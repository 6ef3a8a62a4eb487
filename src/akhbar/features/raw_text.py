"""akhbar's Arabic analysis for users' own scikit-learn pipelines, on raw strings.

:class:`ArabicAnalyzer` is the analyzer every akhbar model uses (normalize, tokenize, drop
stopwords, light stem) as a keyword-configured callable: ``TfidfVectorizer(analyzer=
ArabicAnalyzer())`` and ``CountVectorizer(analyzer=...)``, the vectorizer BERTopic takes, get
akhbar's tokens, where scikit-learn's default ``token_pattern`` would drop diacritized words.
It pickles (joblib, ``clone``, multiprocessing ``n_jobs``) and compares equal by its settings.

:class:`ArabicTfidf` is the feature side of ``akhbar train`` as one transformer over raw text:
word TF-IDF over the analyzer's tokens beside character 2–5-gram TF-IDF within words, each row
scaled to unit length, so ``Pipeline([("tfidf", ArabicTfidf()), ("svm", LinearSVC())])`` works
with ``GridSearchCV``, ``cross_val_score`` and ``clone``. It is the "column" weighting of
:class:`akhbar.train.TrainConfig` (level with the default "word" weighting on macro-F1,
experiments/weighting.md), written with scikit-learn's parts so its rows are scikit-learn's;
``akhbar train`` stays the fast path to a model folder that ``predict()`` loads.
"""

from __future__ import annotations

from typing import Iterable

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from akhbar.features.base import normalize_rows
from akhbar.features.estimators import CharNgrams, WordTfidf, _documents
from akhbar.text import Analyzer, AnalyzerConfig, char_view, normalize

_SETTINGS = ("stemmer", "remove_stopwords", "keep_latin", "keep_numbers", "min_token_length")


class ArabicAnalyzer(Analyzer):
    """Raw text → akhbar's tokens, for ``TfidfVectorizer(analyzer=ArabicAnalyzer())``.

    The keywords are :class:`akhbar.text.AnalyzerConfig`'s; the defaults are what ``akhbar
    train`` uses. A list of strings, not a string, goes to a vectorizer: an analyzer is called
    on one document at a time.
    """

    def __init__(self, stemmer: str = "light", remove_stopwords: bool = True, keep_latin: bool = True,
                 keep_numbers: bool = False, min_token_length: int = 2):
        super().__init__(AnalyzerConfig(keep_latin=keep_latin, keep_numbers=keep_numbers,
                                        remove_stopwords=remove_stopwords, stemmer=stemmer,
                                        min_token_length=min_token_length))

    def __call__(self, text: str) -> list[str]:
        if not isinstance(text, str):
            raise TypeError(f"ArabicAnalyzer analyses one text (a str), not {type(text).__name__}")
        return self.tokens_from_normalized(normalize(text))

    def __eq__(self, other) -> bool:
        return type(other) is type(self) and other.config == self.config

    def __hash__(self) -> int:
        return hash(self.config)

    def __repr__(self) -> str:
        changed = {k: getattr(self.config, k) for k in _SETTINGS
                   if getattr(self.config, k) != getattr(AnalyzerConfig(), k)}
        return f"ArabicAnalyzer({', '.join(f'{k}={v!r}' for k, v in changed.items())})"


def _texts(raw_documents, where: str) -> list[str]:
    """*raw_documents* as a list of str, refused clearly when it is one string or holds other
    things (scikit-learn's vectorizers refuse a bare string the same way)."""
    _documents(raw_documents, where, "an iterable of texts")  # a feature matrix by mistake, named
    if isinstance(raw_documents, (str, bytes)):
        raise TypeError(f"{where} takes an iterable of texts (a list of str), not one {type(raw_documents).__name__}")
    texts = list(raw_documents)
    for i, text in enumerate(texts):
        if not isinstance(text, str):
            raise TypeError(f"{where}: text {i} is a {type(text).__name__}, not a str")
    return texts


class ArabicTfidf(TransformerMixin, BaseEstimator):
    """Raw Arabic texts → akhbar's word + character TF-IDF rows (see the module docstring).

    ``char_ngrams=None`` leaves the character block out; ``word_ngrams=(1, 2)`` adds word
    bigrams. Frequency bounds are as in :class:`akhbar.train.TrainConfig`.
    """

    def __init__(self, stemmer: str = "light", remove_stopwords: bool = True, keep_latin: bool = True,
                 keep_numbers: bool = False, word_ngrams=(1, 1), char_ngrams=(2, 5), min_df=2, max_df=0.9,
                 char_max_df=0.03, max_word_features=300_000, max_char_features=300_000, dtype=np.float32):
        self.stemmer = stemmer
        self.remove_stopwords = remove_stopwords
        self.keep_latin = keep_latin
        self.keep_numbers = keep_numbers
        self.word_ngrams = word_ngrams
        self.char_ngrams = char_ngrams
        self.min_df = min_df
        self.max_df = max_df
        self.char_max_df = char_max_df
        self.max_word_features = max_word_features
        self.max_char_features = max_char_features
        self.dtype = dtype

    def fit(self, raw_documents, y=None):
        self.fit_transform(raw_documents)
        return self

    def fit_transform(self, raw_documents, y=None):
        texts = _texts(raw_documents, "ArabicTfidf.fit")
        if not texts:
            raise ValueError("ArabicTfidf.fit needs at least one text")
        self.analyzer_ = ArabicAnalyzer(stemmer=self.stemmer, remove_stopwords=self.remove_stopwords,
                                        keep_latin=self.keep_latin, keep_numbers=self.keep_numbers)
        normalized = [normalize(t) for t in texts]
        self.words_ = WordTfidf(ngram_range=tuple(self.word_ngrams), min_df=self.min_df, max_df=self.max_df,
                                max_features=self.max_word_features, dtype=self.dtype)
        blocks = [self.words_.fit_transform([self.analyzer_.tokens_from_normalized(n) for n in normalized])]
        self.chars_ = None
        if self.char_ngrams:
            self.chars_ = CharNgrams(ngram_range=tuple(self.char_ngrams), min_df=self.min_df,
                                     max_df=self.char_max_df, max_features=self.max_char_features)
            blocks.append(self.chars_.fit_transform([char_view(t) for t in texts]))
        if not sum(b.shape[1] for b in blocks):
            raise ValueError("no word or character n-gram survives the frequency bounds "
                             f"(min_df={self.min_df}); fit on more texts or lower min_df")
        return self._stack(blocks)

    def transform(self, raw_documents):
        check_is_fitted(self, "words_")
        texts = _texts(raw_documents, "ArabicTfidf.transform")
        blocks = [self.words_.transform([self.analyzer_(t) for t in texts])]
        if self.chars_ is not None:
            blocks.append(self.chars_.transform([char_view(t) for t in texts]))
        return self._stack(blocks)

    def _stack(self, blocks: list) -> sp.csr_matrix:
        X = sp.hstack(blocks, format="csr") if len(blocks) > 1 else sp.csr_matrix(blocks[0])
        return normalize_rows(X.astype(self.dtype, copy=False))

    def get_feature_names_out(self, input_features: Iterable[str] | None = None) -> np.ndarray:
        """``word:TOKEN`` and ``char:NGRAM``, in column order."""
        check_is_fitted(self, "words_")
        names = [f"word:{w}" for w in self.words_.vocabulary_]
        names += [f"char:{g}" for g in (self.chars_.vocabulary_ if self.chars_ is not None else [])]
        return np.asarray(names, dtype=object)
