"""Arabic text: normalization steps, tokenizer, stopwords, light stemming and the one analyzer.

The bottom layer: it imports nothing else of akhbar. ``chars`` names the character classes,
``normalize`` holds the small named normalization steps (each tested on its own table of Arabic
inputs and outputs) and the views the feature blocks read, ``clean`` strips HTML and counts
Arabic letters for the input checks, and ``analyzer`` turns normalized text into tokens: the
single :class:`Analyzer` used by *both* the TF-IDF vectorizer and the LDA dictionary, so the two
representations always agree on what a word is. Its stopword list is a data file (``data/``).

Everything public is importable from ``akhbar.text`` itself.
"""

from akhbar.text.analyzer import (MIN_STEM, PREFIXES, STEMMERS, SUFFIXES, Analyzer, AnalyzerConfig, light_stem,
                                  stopwords, tokenize)
from akhbar.text.chars import CONTROL_RE, DIACRITICS, INVISIBLES, SURROGATE_RE, TATWEEL
from akhbar.text.clean import arabic_letters, arabic_share, strip_html
from akhbar.text.normalize import (EDGE_CHAR, STEPS, char_view, collapse_spaces, normalize, normalize_alef,
                                   normalize_alef_maqsura, normalize_digits, normalize_hamza_carriers,
                                   normalize_persian_letters, normalize_stepwise, normalize_teh_marbuta,
                                   normalize_written, remove_diacritics, remove_invisibles, remove_tatweel,
                                   replace_punctuation, shown_forms, unfold_presentation_forms, written_words)

__all__ = [
    "MIN_STEM", "PREFIXES", "STEMMERS", "SUFFIXES", "Analyzer", "AnalyzerConfig", "light_stem", "stopwords",
    "tokenize", "CONTROL_RE", "DIACRITICS", "INVISIBLES", "SURROGATE_RE", "TATWEEL", "arabic_letters",
    "arabic_share", "strip_html", "EDGE_CHAR", "STEPS", "char_view", "collapse_spaces", "normalize",
    "normalize_alef", "normalize_alef_maqsura", "normalize_digits", "normalize_hamza_carriers",
    "normalize_persian_letters", "normalize_stepwise", "normalize_teh_marbuta", "normalize_written",
    "remove_diacritics", "remove_invisibles", "remove_tatweel", "replace_punctuation", "shown_forms",
    "unfold_presentation_forms", "written_words",
]
