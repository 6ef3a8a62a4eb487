"""Every estimator akhbar fits, on scikit-learn's contract, in one place for users.

``__init__`` only stores keyword arguments, ``fit`` returns ``self``, learned state ends in ``_``.
:class:`ArabicTfidf` (raw text in, akhbar's word and character TF-IDF out) and
:class:`ArabicAnalyzer` (``TfidfVectorizer(analyzer=ArabicAnalyzer())``) are for users' own
pipelines. They live beside what they fit (:mod:`akhbar.features.estimators`, :mod:`akhbar.classify.estimator`);
importing this module imports scikit-learn, which a loaded model never needs.
"""

from akhbar.classify.estimator import LinearCalibrated
from akhbar.features.estimators import CharNgrams, LdaTopics, WordTfidf
from akhbar.features.raw_text import ArabicAnalyzer, ArabicTfidf

__all__ = ["ArabicAnalyzer", "ArabicTfidf", "CharNgrams", "LdaTopics", "LinearCalibrated", "WordTfidf"]
