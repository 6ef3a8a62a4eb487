"""Character classes of Arabic text: the letters, marks and controls every other step names.

Kept apart from the steps so that the compiled path (:mod:`akhbar.fast.codes`) tabulates the very
same definitions the Python functions use.
"""

from __future__ import annotations

import re

# --- character classes -------------------------------------------------------------------------

#: Harakat (fathatan .. sukun), the Quranic marks U+0653-U+065F and the superscript alef U+0670.
DIACRITICS = "".join(chr(c) for c in range(0x064B, 0x0660)) + "\u0670"
TATWEEL = "\u0640"
#: Zero-width and bidi control characters that scrapers leave inside words.
INVISIBLES = "\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff\u00ad"

_ALEF_PAIRS = (("أ", "ا"), ("إ", "ا"), ("آ", "ا"), ("ٱ", "ا"))
_ALEF_MAQSURA_PAIRS = (("ى", "ي"),)
_TEH_MARBUTA_PAIRS = (("ة", "ه"),)
_HAMZA_PAIRS = (("ؤ", "ء"), ("ئ", "ء"))
_PERSIAN_LETTER_PAIRS = (("ک", "ك"), ("ی", "ي"), ("ە", "ه"), ("ۀ", "ه"))
_DIGIT_PAIRS = tuple((chr(0x0660 + i), str(i)) for i in range(10)) + tuple(
    (chr(0x06F0 + i), str(i)) for i in range(10)
)
_INVISIBLES_RE = re.compile(f"[{INVISIBLES}]")
_DIACRITICS_RE = re.compile(f"[{DIACRITICS}]")
_TATWEEL_RE = re.compile(TATWEEL)
_DELETE_RE = re.compile(f"[{INVISIBLES}{DIACRITICS}{TATWEEL}]")


def _replace_all(text: str, pairs) -> str:
    # A chain of str.replace is ~10x faster than str.translate with a dict on Arabic text
    # (translate falls back to a per-character dict lookup outside Latin-1).
    for old, new in pairs:
        if old in text:
            text = text.replace(old, new)
    return text


_PRESENTATION_FORMS = re.compile("[\ufb50-\ufdff\ufe70-\ufeff]")
_PUNCT = re.compile(r"[^\w\s]|_", re.UNICODE)
_SPACES = re.compile(r"\s+")


def _letter_class(*spans: tuple[int, int]) -> str:
    """A regex class body of the code points in *spans* that are letters (``str.isalpha``)."""
    points = [c for lo, hi in spans for c in range(lo, hi + 1) if chr(c).isalpha()]
    runs, start = [], points[0]
    for prev, cur in zip(points, points[1:] + [None]):
        if cur != prev + 1:
            runs.append(f"{chr(start)}-{chr(prev)}" if prev > start else chr(start))
            start = cur
    return "".join(runs)


#: Arabic-script letters: the Arabic block's letters and the presentation forms (only letters,
#: so signs like U+FDFC RIAL and ornate parentheses do not count as Arabic).
_ARABIC_LETTER = _letter_class((0x0620, 0x064A), (0x066E, 0x06D3), (0x06FA, 0x06FF), (0xFB50, 0xFDFF),
                               (0xFE70, 0xFEFC))
_ARABIC_RUN = re.compile(f"[{_ARABIC_LETTER}]+")


#: What input cleaning removes before analysis: C0/C1 control characters other than tab and line
#: breaks, and lone surrogates (what a JSON \udXXX escape or a broken decoder leaves).
CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
SURROGATE_RE = re.compile("[\ud800-\udfff]")
