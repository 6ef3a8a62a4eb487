"""Normalization: small named steps, each one documented thing, run in a fixed order.

Why small named steps: Arabic news text arrives with the same word spelled many ways (أحمد/احمد,
مدرسة/مدرسه, مسؤول/مسئول, diacritized or not, stretched with tatweel, Persian or Arabic-Indic
digits). Each step below does one documented thing and is tested on its own table of inputs, so a
change to one cannot silently change another. ``normalize`` runs them in a fixed order.
"""

from __future__ import annotations

import re
import unicodedata

from akhbar.text.chars import (_ALEF_MAQSURA_PAIRS, _ALEF_PAIRS, _DELETE_RE, _DIACRITICS_RE, _DIGIT_PAIRS,
                               _HAMZA_PAIRS, _INVISIBLES_RE, _PERSIAN_LETTER_PAIRS, _PRESENTATION_FORMS, _PUNCT,
                               _SPACES, _TATWEEL_RE, _TEH_MARBUTA_PAIRS, _replace_all)

# --- normalization steps (each one thing, each tested) -------------------------------------------


def unfold_presentation_forms(text: str) -> str:
    """Map Arabic presentation forms (ﻻ, ﺍ, ﷲ …, from PDFs and old encoders) to plain letters.

    NFKC is applied only where presentation forms occur: on ordinary text it would be a no-op
    that costs time on every article.
    """
    if _PRESENTATION_FORMS.search(text):
        return unicodedata.normalize("NFKC", text)
    return text


def remove_invisibles(text: str) -> str:
    """Drop zero-width joiners, bidi marks, BOMs and soft hyphens that split words invisibly."""
    return _INVISIBLES_RE.sub("", text)


def remove_diacritics(text: str) -> str:
    """Drop harakat, tanween, shadda, sukun, Quranic marks and the dagger alef (U+0670)."""
    return _DIACRITICS_RE.sub("", text)


def remove_tatweel(text: str) -> str:
    """Drop the kashida (ـ), a purely typographic stretch: جـــديد → جديد."""
    return _TATWEEL_RE.sub("", text)


def normalize_alef(text: str) -> str:
    """Fold أ إ آ ٱ to bare ا: news text writes hamza on alef inconsistently."""
    return _replace_all(text, _ALEF_PAIRS)


def normalize_alef_maqsura(text: str) -> str:
    """Fold ى to ي: Egyptian and many web sources write final ي as ى and vice versa."""
    return _replace_all(text, _ALEF_MAQSURA_PAIRS)


def normalize_teh_marbuta(text: str) -> str:
    """Fold ة to ه: final ة is often typed as ه (مدرسه)."""
    return _replace_all(text, _TEH_MARBUTA_PAIRS)


def normalize_hamza_carriers(text: str) -> str:
    """Fold the hamza carriers ؤ and ئ to bare ء.

    A documented choice: it unifies the common spelling variants مسؤول/مسئول and شؤون/شئون
    (both become مسءول, شءون), which folding ؤ→و and ئ→ي (what ``strip_accents="unicode"``
    effectively does) would keep apart.
    """
    return _replace_all(text, _HAMZA_PAIRS)


def normalize_persian_letters(text: str) -> str:
    """Map Persian/Urdu letter forms that look Arabic (ک ی ە) to the Arabic letters."""
    return _replace_all(text, _PERSIAN_LETTER_PAIRS)


def normalize_digits(text: str) -> str:
    """Map Arabic-Indic (٠-٩) and Persian (۰-۹) digits to ASCII 0-9."""
    return _replace_all(text, _DIGIT_PAIRS)


def replace_punctuation(text: str) -> str:
    """Replace every punctuation or symbol character (Arabic ، ؛ ؟ « » included) by a space."""
    return _PUNCT.sub(" ", text)


def collapse_spaces(text: str) -> str:
    """Collapse runs of white space (newlines, tabs, NBSP) into single spaces and strip."""
    return _SPACES.sub(" ", text).strip()


#: The steps of :func:`normalize`, in order. Order matters: presentation forms must be unfolded
#: before letters are folded, and diacritics removed before punctuation is matched.
STEPS = (
    unfold_presentation_forms,
    remove_invisibles,
    remove_diacritics,
    remove_tatweel,
    normalize_persian_letters,
    normalize_alef,
    normalize_alef_maqsura,
    normalize_teh_marbuta,
    normalize_hamza_carriers,
    normalize_digits,
    replace_punctuation,
    collapse_spaces,
)


_FOLD_PAIRS = (
    _PERSIAN_LETTER_PAIRS + _ALEF_PAIRS + _ALEF_MAQSURA_PAIRS + _TEH_MARBUTA_PAIRS + _HAMZA_PAIRS
    + _DIGIT_PAIRS
)


def normalize_stepwise(text: str) -> str:
    """Run every step of :data:`STEPS` in order and lower-case Latin letters (the reference).

    Lower-casing happens just before punctuation is replaced: ``"İ".lower()`` is ``i`` plus a
    combining dot (U+0307), which must meet the punctuation step for ``normalize`` to be idempotent.
    """
    for step in STEPS:
        if step is replace_punctuation:
            text = text.lower()
        text = step(text)
    return text


def normalize(text: str) -> str:
    """Normalize *text*: the same result as :func:`normalize_stepwise`, fused for speed.

    The three deletions run as one regex and the letter folds as one replace chain; a property
    test checks on random Unicode that this equals running the named steps one by one.
    """
    text = unfold_presentation_forms(text)
    text = _DELETE_RE.sub("", text)
    text = _replace_all(text, _FOLD_PAIRS)
    return collapse_spaces(replace_punctuation(text.lower()))


def written_words(text: str) -> list[str]:
    """The words of :func:`char_view` text: ``char_view(text).split()``, without building the
    collapsed string (``str.split`` and the regex ``\\s`` agree on what white space is)."""
    return _DELETE_RE.sub("", unfold_presentation_forms(text)).split()


EDGE_CHAR = r"(?:[^\w\n]|_)"
"""A character :func:`shown_forms` strips from a word's ends (``akhbar.fast.wordindex`` tabulates it)."""
_EDGES = re.compile(rf"(?m)^{EDGE_CHAR}+|{EDGE_CHAR}+$")


def shown_forms(words: list[str]) -> list[str]:
    """Written words as an explanation shows them: without the punctuation around them
    (سوريا، and (سوريا). show as سوريا), unless that would leave nothing. One regex pass over
    the words joined by newlines, since a written word holds no white space."""
    if not words:
        return []
    joined = _EDGES.sub("", "\n".join(words)).split("\n")
    if len(joined) != len(words):
        raise ValueError("a written word holds no line break")
    return [form or word for form, word in zip(joined, words)]


def normalize_written(word: str) -> str:
    """Finish normalizing one written word (from :func:`written_words`): the steps of
    :func:`normalize` that come after the deletions. Tokenizing the results word by word gives
    the tokens of ``normalize(text)``, since no token crosses white space (a property test checks)."""
    return replace_punctuation(_replace_all(word, _FOLD_PAIRS).lower())




def char_view(text: str) -> str:
    """The text the character n-gram block reads: invisible marks, diacritics and tatweel gone,
    spaces collapsed, but letters and punctuation *as written*.

    Measured on ant2 (``experiments/``): character n-grams over this view score higher than over
    fully normalized text, because spelling choices (أ/ا, ة/ه, ى/ي) and punctuation habits carry
    signal that the word block rightly normalizes away. The word block and LDA still share the
    normalized analyzer.
    """
    text = unfold_presentation_forms(text)
    return collapse_spaces(_DELETE_RE.sub("", text))
