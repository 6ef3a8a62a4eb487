"""The compiled prediction path: from a batch of texts to labels, scores and topic counts.

How it works, in one paragraph. A batch of texts is joined once into an array of code points
(:mod:`.codes`), and one compiled pass checks every text (control characters, Arabic letters).
A second pass splits it into written words and finds each in the hash index of a *word table*
(:mod:`.wordindex`, hashed by :mod:`.hashing`): the table (:mod:`.table`) keeps, for every written
word met so far, its rows in each feature block (word stems, character n-grams, topic-model
counts) and a 64-byte scoring record (:mod:`.weighting`) that holds its share of every label's
score. Words the table lacks are analysed once, in compiled code too (:mod:`.analysis`: the
normalization tabulated from the Python functions, tokens, stopwords, light stemmer, vocabulary
lookups; :mod:`.grams` for their character n-grams) and added under a lock. Then one pass per
batch reads each article's distinct words' records and gives its scores, the words that explain
its label and its counts for the topic model (:mod:`.scoring`), or, under the column weighting,
its feature rows (:mod:`.sums`); LDA inference is a compiled per-article loop (:mod:`.inference`).
:class:`.featurizer.Featurizer` drives all of it for one model; :mod:`.jit` is numba's set-up
(on-disk cache where writable). Everything releases the GIL, so threads share one model and table.

Why it is exact: a word is found only when its code points equal a stored word's; the
character classes are tabulated from :mod:`akhbar.text`'s own definitions; no token or n-gram
crosses white space, so summing per written word gives the block transforms' numbers.
The tests that hold it to that are in ``tests/fast/``: ``test_wordscan.py`` (every kernel
against its Python counterpart), ``test_analysis.py`` (compiled analysis against the
:class:`akhbar.text.Analyzer`), ``test_featurize.py`` (the table against the block transforms,
cold, warm, one by one, threads) and ``test_scoring.py`` (scores against feature rows times
coefficients, and the rows against the definition written out word by word).

Imports run one way: this package uses :mod:`akhbar.text` and nothing above it; the feature
blocks (:mod:`akhbar.features`) use its array helpers and topic inference, and the featurizer
takes fitted blocks as arguments. numba is imported only when a kernel module is, at the first
batch, never when a model loads.
"""
