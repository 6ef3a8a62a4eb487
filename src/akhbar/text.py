"""Arabic text: normalization steps, tokenizer, stopwords, light stemming and the one analyzer.

Why small named steps: Arabic news text arrives with the same word spelled many ways (أحمد/احمد,
مدرسة/مدرسه, مسؤول/مسئول, diacritized or not, stretched with tatweel, Persian or Arabic-Indic
digits). Each step below does one documented thing and is tested on its own table of inputs, so a
change to one cannot silently change another. ``normalize`` runs them in a fixed order.

Why our own tokenizer: scikit-learn's default ``token_pattern`` (``\\b\\w\\w+\\b``) breaks words at
diacritics (they are not ``\\w``) and gensim's ``simple_preprocess`` splits them into letters.
Normalizing first and then matching runs of Arabic letters avoids both.

The :class:`Analyzer` is the single function from text to tokens used by *both* the TF-IDF
vectorizer and the LDA dictionary, so the two representations always agree on what a word is.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import asdict, dataclass
from functools import lru_cache
from importlib import resources

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
"""A character :func:`shown_forms` strips from a word's ends (``akhbar.wordscan`` tabulates it)."""
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


_OTHER_LETTER_RUN = re.compile(f"[^\\W\\d_{_ARABIC_LETTER}]+")  # letters outside the Arabic script


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


def arabic_letters(text: str) -> int:
    """How many Arabic-script letters *text* has (their runs deleted in one C-level pass)."""
    return len(text) - len(_ARABIC_RUN.sub("", text))


def arabic_share(text: str) -> float:
    """Share of the letters in *text* that are Arabic-script letters (0.0 when it has no letters).

    Counted over the whole text, so Arabic after a long English preamble is still seen. The
    Arabic letters are counted by deleting their runs (one C-level pass, no object per word) and
    the other letters by their runs, which are few in an Arabic article.
    """
    arabic = arabic_letters(text)
    total = arabic + sum(map(len, _OTHER_LETTER_RUN.findall(text)))
    return arabic / total if total else 0.0


#: What input cleaning removes before analysis: C0/C1 control characters other than tab and line
#: breaks, and lone surrogates (what a JSON \udXXX escape or a broken decoder leaves).
CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
SURROGATE_RE = re.compile("[\ud800-\udfff]")

_TAG_START = re.compile(r"<(?:!--|[a-zA-Z/!?])")
_RAW_ELEMENTS = ("script", "style")


def strip_html(text: str) -> tuple[str, bool]:
    """Remove HTML tags, comments and script/style elements; return (text, whether any was found).

    A single left-to-right scan with ``str.find``: every search starts where the last one ended,
    so time is linear even for hostile input (an unclosed ``<!--`` or ``<script`` repeated
    thousands of times makes a backtracking regex quadratic). An unclosed comment or script
    element runs to the end of the text, as a browser would treat it; a ``<`` that starts no
    tag within 2,000 characters is kept as text.
    """
    out, pos, found = [], 0, False
    lower = None
    while True:
        match = _TAG_START.search(text, pos)
        if match is None:
            out.append(text[pos:])
            break
        start = match.start()
        out.append(text[pos:start])
        if text.startswith("<!--", start):
            end = text.find("-->", start + 4)
            pos = len(text) if end < 0 else end + 3
        else:
            if lower is None:
                lower = text.lower()
            name = next((n for n in _RAW_ELEMENTS if lower.startswith(n, start + 1)), None)
            close = lower.find(">", start, start + 2000)
            if close < 0 or "<" in text[start + 1:close]:
                out.append("<")  # not a tag: keep the character and move on
                pos = start + 1
                continue
            if name is not None:
                end = lower.find(f"</{name}", close)
                end = len(text) if end < 0 else lower.find(">", end)
                pos = len(text) if end < 0 else end + 1
            else:
                pos = close + 1
        found = True
        out.append(" ")
    return "".join(out), found


# --- tokens -----------------------------------------------------------------------------------------

_TOKEN_PATTERNS = {
    (True, True): re.compile(r"[\u0621-\u064a]+|[a-z]+|[0-9]+"),
    (True, False): re.compile(r"[\u0621-\u064a]+|[a-z]+"),
    (False, True): re.compile(r"[\u0621-\u064a]+|[0-9]+"),
    (False, False): re.compile(r"[\u0621-\u064a]+"),
}


#: the same patterns, plus a newline as a token of its own: marks where one line's tokens end
_LINE_TOKEN_PATTERNS = {key: re.compile(pattern.pattern + "|\n") for key, pattern in _TOKEN_PATTERNS.items()}


def tokenize(normalized: str, keep_latin: bool = True, keep_numbers: bool = False) -> list[str]:
    """Split *normalized* text into Arabic words (and Latin words / numbers, by option)."""
    return _TOKEN_PATTERNS[(keep_latin, keep_numbers)].findall(normalized)


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    """The curated stopword list shipped in ``akhbar/resources``, normalized like the text."""
    raw = resources.files("akhbar").joinpath("resources/stopwords_ar.txt").read_text("utf-8")
    words: set[str] = set()
    for line in raw.splitlines():
        if line.startswith("#"):
            continue
        words.update(normalize(line).split())
    return frozenset(words)


# --- light stemming --------------------------------------------------------------------------------

#: Proclitic sequences removed from the front, longest first (on normalized text: أ→ا).
#: و/ف (and), ب (with), ك (like), ل (for) before the article ال; ال alone; لل (ل + ال).
PREFIXES = ("فبال", "وبال", "وال", "بال", "كال", "فال", "ولل", "لل", "ال")
#: Suffixes removed from the end, longest first: dual/plural endings and attached pronouns.
SUFFIXES = ("هما", "كما", "ات", "ون", "ين", "ان", "ها", "هم", "كم", "نا", "يه")
MIN_STEM = 3


def light_stem(token: str) -> str:
    """Strip one proclitic group and one suffix, never leaving fewer than three letters.

    A light stemmer in the style of Larkey et al.'s Light10: it merges والحكومه/بالحكومه/
    الحكومه/حكومات without the over-stemming of root extractors (ISRI maps مكتب and كاتب
    to one root). ``experiments/ablation.md`` has the measurement behind the default.
    """
    if token.startswith(PREFIXES):  # one C call rules out most tokens before the loop
        for prefix in PREFIXES:
            if token.startswith(prefix) and len(token) - len(prefix) >= MIN_STEM:
                token = token[len(prefix):]
                break
    if token.endswith(SUFFIXES):
        for suffix in SUFFIXES:
            if token.endswith(suffix) and len(token) - len(suffix) >= MIN_STEM:
                token = token[: -len(suffix)]
                break
    if len(token) > MIN_STEM and token.endswith("ه"):
        token = token[:-1]
    return token


def _snowball():
    import snowballstemmer

    return snowballstemmer.stemmer("arabic").stemWord


STEMMERS = {"none", "light", "snowball"}


# --- the analyzer ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class AnalyzerConfig:
    """Everything that decides which tokens a text yields; stored in every model's manifest."""

    keep_latin: bool = True
    keep_numbers: bool = False
    remove_stopwords: bool = True
    stemmer: str = "light"
    min_token_length: int = 2

    def to_dict(self) -> dict:
        return asdict(self)


class Analyzer:
    """Text → list of tokens: normalize, tokenize, drop stopwords, stem.

    One instance feeds both the TF-IDF vectorizer and the LDA dictionary. It is a plain callable
    so scikit-learn accepts it as ``analyzer=``; stemmed forms are cached per surface word, which
    makes the stemmer nearly free after the first few thousand articles.
    """

    def __init__(self, config: AnalyzerConfig | None = None):
        self.config = config or AnalyzerConfig()
        if self.config.stemmer not in STEMMERS:
            raise ValueError(
                f"unknown stemmer {self.config.stemmer!r}; choose one of {sorted(STEMMERS)}"
            )
        self._stop = stopwords() if self.config.remove_stopwords else frozenset()
        stem = {"none": None, "light": light_stem, "snowball": None}[self.config.stemmer]
        if self.config.stemmer == "snowball":
            stem = _snowball()
        self._stem = lru_cache(maxsize=200_000)(stem) if stem else None

    def __getstate__(self):
        # the stem cache is a closure; rebuild it from the config (for joblib, Spark, copy)
        return {"config": self.config}

    def __setstate__(self, state):
        self.__init__(state["config"])

    def surface_tokens(self, normalized: str) -> list[str]:
        """Tokens before stemming (stopwords and short tokens dropped)."""
        cfg, stop = self.config, self._stop
        return [t for t in tokenize(normalized, cfg.keep_latin, cfg.keep_numbers)
                if len(t) >= cfg.min_token_length and t not in stop]

    def stem(self, token: str) -> str:
        return self._stem(token) if self._stem is not None else token

    def tokens_per_line(self, normalized: str) -> list[tuple[str, ...]]:
        """``tokens_from_normalized`` of each line of *normalized*, as tuples, in one regex pass
        (no token crosses a newline): how the prediction word table analyses its new words."""
        cfg = self.config
        stop, stem, min_len = self._stop, self._stem, cfg.min_token_length
        lines, current = [], []
        for tok in _LINE_TOKEN_PATTERNS[(cfg.keep_latin, cfg.keep_numbers)].findall(normalized):
            if tok == "\n":
                lines.append(tuple(current))
                current = []
            elif len(tok) >= min_len and tok not in stop:
                current.append(stem(tok) if stem is not None else tok)
        lines.append(tuple(current))
        return lines

    def tokens_from_normalized(self, normalized: str) -> list[str]:
        cfg = self.config
        out = []
        stop, stem, min_len = self._stop, self._stem, cfg.min_token_length
        for tok in tokenize(normalized, cfg.keep_latin, cfg.keep_numbers):
            if len(tok) < min_len or tok in stop:
                continue
            if stem is not None:
                tok = stem(tok)
            out.append(tok)
        return out

    def __call__(self, text: str) -> list[str]:
        return self.tokens_from_normalized(normalize(text))

    def __repr__(self) -> str:
        return f"Analyzer({self.config!r})"
