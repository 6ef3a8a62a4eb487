"""Tests for akhbar.text: one table per normalization step, then normalize, tokens, stemming.

In the style of CAMeL Tools' tests: every named step has its own (input, expected) table that
includes strings the step must leave alone, so a change to one step cannot silently change another.
All Arabic strings here were written for these tests.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from akhbar import text as T
from akhbar.text import (
    STEPS,
    Analyzer,
    AnalyzerConfig,
    arabic_share,
    collapse_spaces,
    light_stem,
    normalize,
    normalize_alef,
    normalize_alef_maqsura,
    normalize_digits,
    normalize_hamza_carriers,
    normalize_persian_letters,
    normalize_stepwise,
    normalize_teh_marbuta,
    remove_diacritics,
    remove_invisibles,
    remove_tatweel,
    replace_punctuation,
    stopwords,
    tokenize,
    unfold_presentation_forms,
)

STEP_NAMES = [
    "unfold_presentation_forms",
    "remove_invisibles",
    "remove_diacritics",
    "remove_tatweel",
    "normalize_persian_letters",
    "normalize_alef",
    "normalize_alef_maqsura",
    "normalize_teh_marbuta",
    "normalize_hamza_carriers",
    "normalize_digits",
    "replace_punctuation",
    "collapse_spaces",
]


def test_steps_are_the_documented_ones_in_order():
    assert [step.__name__ for step in STEPS] == STEP_NAMES


@pytest.mark.parametrize("name", STEP_NAMES)
def test_every_step_has_its_own_table(name):
    func = globals().get(f"test_{name}")
    assert func is not None, f"no test table for step {name}"
    assert any(mark.name == "parametrize" for mark in getattr(func, "pytestmark", []))


# --- one table per step ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("\ufefb", "لا"),  # lam-alef ligature ﻻ
        ("\ufef7", "لأ"),  # lam-alef with hamza above ﻷ: hamza kept, folding is a later step
        ("\ufdf2", "الله"),  # ﷲ
        ("\ufe8d\ufedf\ufeb4\ufefc\ufee1", "السلام"),  # ﺍﻟﺴﻼﻡ, positional forms
        ("قال \ufefb", "قال لا"),
        # untouched: ordinary Arabic, Latin, digits; a Latin ligature alone does not trigger NFKC
        ("السلام عليكم", "السلام عليكم"),
        ("الْعَرَبِيَّةُ", "الْعَرَبِيَّةُ"),
        ("news ١٢٣", "news ١٢٣"),
        ("\ufb01", "\ufb01"),  # ﬁ
        ("", ""),
    ],
)
def test_unfold_presentation_forms(raw, expected):
    assert unfold_presentation_forms(raw) == expected


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("مر\u200cحبا", "مرحبا"),  # zero-width non-joiner
        ("مر\u200dحبا", "مرحبا"),  # zero-width joiner
        ("\u200bخبر", "خبر"),  # zero-width space
        ("\ufeffخبر عاجل", "خبر عاجل"),  # BOM at the start of a scraped line
        ("اق\u00adتصاد", "اقتصاد"),  # soft hyphen
        ("\u200fالعربية\u200e", "العربية"),  # RLM / LRM
        ("\u202bنص\u202c", "نص"),  # RLE / PDF
        ("\u2067نص\u2069", "نص"),  # RLI / PDI
        # untouched: spaces, diacritics, tatweel, punctuation
        ("كتاب جديد", "كتاب جديد"),
        ("مَدْرَسَة", "مَدْرَسَة"),
        ("جـديد", "جـديد"),
        ("خبر، عاجل", "خبر، عاجل"),
    ],
)
def test_remove_invisibles(raw, expected):
    assert remove_invisibles(raw) == expected


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("الْعَرَبِيَّةُ", "العربية"),
        ("كِتَابٌ", "كتاب"),  # kasra, fatha, tanween damm
        ("مُدَرِّسَةً", "مدرسة"),  # shadda, tanween fath
        ("سَلَامٌ عَلَيْكُمْ", "سلام عليكم"),  # sukun
        ("هٰذا", "هذا"),  # dagger alef U+0670
        ("ا\u0654حمد", "احمد"),  # combining hamza above (U+0654) is a mark
        ("ٍ", ""),
        # untouched: hamza letters are letters, not marks; tatweel and Latin stay
        ("أحمد", "أحمد"),
        ("إلى", "إلى"),
        ("مسؤول", "مسؤول"),
        ("جـديد", "جـديد"),
        ("café", "café"),
    ],
)
def test_remove_diacritics(raw, expected):
    assert remove_diacritics(raw) == expected


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("جـــديد", "جديد"),
        ("الـعـربـيـة", "العربية"),
        ("عاجـل", "عاجل"),
        ("ـ", ""),
        # untouched: hyphen and underscore are not tatweel
        ("جديد", "جديد"),
        ("كتاب-جديد", "كتاب-جديد"),
        ("a_b", "a_b"),
        ("مَدرسة", "مَدرسة"),
    ],
)
def test_remove_tatweel(raw, expected):
    assert remove_tatweel(raw) == expected


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("\u06a9تاب", "كتاب"),  # Persian keheh ک
        ("ا\u06ccران", "ايران"),  # Farsi yeh ی
        ("مدرس\u06d5", "مدرسه"),  # ae ە
        ("خان\u06c0", "خانه"),  # heh with yeh above ۀ
        # untouched: the Arabic letters themselves, alef maqsura (its own step), teh marbuta
        ("كتاب", "كتاب"),
        ("يوم", "يوم"),
        ("على", "على"),
        ("مدرسة", "مدرسة"),
    ],
)
def test_normalize_persian_letters(raw, expected):
    assert normalize_persian_letters(raw) == expected


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("أحمد", "احمد"),
        ("إسلام", "اسلام"),
        ("آمن", "امن"),
        ("\u0671لله", "الله"),  # alef wasla ٱ
        ("أإآ\u0671", "اااا"),
        ("سأل", "سال"),
        # untouched: bare alef, the other hamza carriers, bare hamza, alef maqsura
        ("احمد", "احمد"),
        ("مسؤول", "مسؤول"),
        ("رئيس", "رئيس"),
        ("سماء", "سماء"),
        ("على", "على"),
    ],
)
def test_normalize_alef(raw, expected):
    assert normalize_alef(raw) == expected


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("على", "علي"),
        ("مستشفى", "مستشفي"),
        ("إلى", "إلي"),
        ("ىى", "يي"),
        # untouched: yeh, Farsi yeh (its own step), teh marbuta
        ("علي", "علي"),
        ("يوم", "يوم"),
        ("\u06cc", "\u06cc"),
        ("مدرسة", "مدرسة"),
    ],
)
def test_normalize_alef_maqsura(raw, expected):
    assert normalize_alef_maqsura(raw) == expected


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("مدرسة", "مدرسه"),
        ("الجامعة العربية", "الجامعه العربيه"),
        ("ة", "ه"),
        # untouched: heh, teh, words without teh marbuta
        ("مدرسه", "مدرسه"),
        ("بيت", "بيت"),
        ("تقرير", "تقرير"),
        ("وزارات", "وزارات"),
    ],
)
def test_normalize_teh_marbuta(raw, expected):
    assert normalize_teh_marbuta(raw) == expected


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("مسؤول", "مسءول"),
        ("مسئول", "مسءول"),
        ("شؤون", "شءون"),
        ("شئون", "شءون"),
        ("رئيس", "رءيس"),
        ("ؤئ", "ءء"),
        # untouched: hamza on alef (the alef step), bare hamza, plain waw/yeh
        ("أحمد", "أحمد"),
        ("إلى", "إلى"),
        ("سماء", "سماء"),
        ("وزير", "وزير"),
    ],
)
def test_normalize_hamza_carriers(raw, expected):
    assert normalize_hamza_carriers(raw) == expected


def test_hamza_carriers_unify_spelling_variants():
    assert normalize_hamza_carriers("مسؤول") == normalize_hamza_carriers("مسئول")
    assert normalize_hamza_carriers("شؤون") == normalize_hamza_carriers("شئون")


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("٢٠٢٤", "2024"),  # Arabic-Indic
        ("۱۴۰۳", "1403"),  # Persian
        ("٠١٢٣٤٥٦٧٨٩", "0123456789"),
        ("۰۱۲۳۴۵۶۷۸۹", "0123456789"),
        ("عام ١٩٤٨", "عام 1948"),
        ("٣ و۴", "3 و4"),
        # untouched: ASCII digits, letters, the Arabic decimal separator
        ("2024", "2024"),
        ("الف", "الف"),
        ("3\u066b5", "3\u066b5"),
    ],
)
def test_normalize_digits(raw, expected):
    assert normalize_digits(raw) == expected


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("مرحبا، عالم", "مرحبا  عالم"),  # Arabic comma
        ("ماذا؟", "ماذا "),  # Arabic question mark
        ("أولا؛ ثانيا", "أولا  ثانيا"),  # Arabic semicolon
        ("«خبر»", " خبر "),
        ("كتاب-جديد", "كتاب جديد"),
        ("a_b", "a b"),
        ("(قال): \"نعم\"!", " قال    نعم  "),
        ("100%", "100 "),
        # untouched: letters, digits, spaces, tatweel (a letter modifier, not punctuation)
        ("مرحبا عالم", "مرحبا عالم"),
        ("أحمد 2024 news", "أحمد 2024 news"),
        ("جـديد", "جـديد"),
    ],
)
def test_replace_punctuation(raw, expected):
    assert replace_punctuation(raw) == expected


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("  خبر   عاجل  ", "خبر عاجل"),
        ("خبر\nعاجل\tاليوم", "خبر عاجل اليوم"),
        ("خبر\u00a0عاجل", "خبر عاجل"),  # NBSP
        ("خبر\r\n\r\nعاجل", "خبر عاجل"),
        ("\n\n", ""),
        # untouched
        ("خبر عاجل", "خبر عاجل"),
        ("خبرعاجل", "خبرعاجل"),
        ("", ""),
    ],
)
def test_collapse_spaces(raw, expected):
    assert collapse_spaces(raw) == expected


def test_order_matters_diacritics_before_punctuation():
    # Diacritics are not \w: run alone, the punctuation step would split the word at them.
    word = "الْعَرَبِيَّةُ"
    assert len(replace_punctuation(word).split()) > 1
    assert normalize(word) == "العربيه"


# --- normalize -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("الْعَرَبِيَّةُ", "العربيه"),
        ("أَحْمَدُ ذهب إلى المدرسة.", "احمد ذهب الي المدرسه"),
        ("المسؤولون والمسئولون", "المسءولون والمسءولون"),
        ("جـــديد «عاجل»؛ ٢٠٢٤", "جديد عاجل 2024"),
        ("BBC عربي", "bbc عربي"),
        ("\ufefb \ufdf2", "لا الله"),
        ("   ", ""),
    ],
)
def test_normalize_examples(raw, expected):
    assert normalize(raw) == expected


TRICKY = [
    "",
    " ",
    "\n\t\u00a0",
    "الْعَرَبِيَّةُ",
    "جـــديد",
    "مسؤول ومسئول",
    "أإآٱ ى ة ؤ ئ",
    "کی ە ۀ",
    "٢٠٢٤ ۱۴۰۳ 2024",
    "«خبر»؛ عاجل! ماذا؟",
    "\ufeffنص\u200c\u200d\u200f",
    "\ufefb\ufef7\ufdf2",
    "\ufe8d\ufedf\ufeb4\ufefc\ufee1 \ufb01",  # presentation forms next to a Latin ligature
    "\ufe70\ufe71",  # presentation forms of tanween: unfold to space + mark
    "هٰذا",
    "ا\u0654",
    "a_b_c",
    "İstanbul ΣΟΦΙΑ Straße",
    "\ufdfd",  # bismillah ligature, a symbol without decomposition
    "اق\u00adتصاد",
    "ـ\u064bـ",
    "العربية\u06d6\u0610",  # Quranic annotation marks outside the removed range
]


@pytest.mark.parametrize("raw", TRICKY)
def test_normalize_equals_stepwise_on_tricky_strings(raw):
    assert normalize(raw) == normalize_stepwise(raw)


@pytest.mark.parametrize("raw", TRICKY)
def test_normalize_is_idempotent_on_tricky_strings(raw):
    once = normalize(raw)
    assert normalize(once) == once


#: Arabic block and presentation forms plus the characters every step looks for.
_ARABIC_HEAVY = st.text(
    alphabet=st.one_of(
        st.characters(min_codepoint=0x0600, max_codepoint=0x06FF),
        st.characters(min_codepoint=0xFB50, max_codepoint=0xFEFF),
        st.sampled_from(list(T.INVISIBLES + " \n\t\u00a0.,!?_-«»İ")),
        st.characters(max_codepoint=0x7F),
    ),
)


@settings(max_examples=500, deadline=None)
@given(st.text())
@example("İ")
def test_normalize_equals_stepwise_on_random_unicode(raw):
    assert normalize(raw) == normalize_stepwise(raw)


@settings(max_examples=500, deadline=None)
@given(_ARABIC_HEAVY)
def test_normalize_equals_stepwise_on_random_arabic(raw):
    assert normalize(raw) == normalize_stepwise(raw)


@settings(max_examples=500, deadline=None)
@given(st.one_of(st.text(), _ARABIC_HEAVY))
@example("İ")  # lower() gives i + combining dot U+0307: must be lowered before punctuation
@example("\ufefbI\u0307")  # NFKC composes I + U+0307 into İ
def test_normalize_is_idempotent(raw):
    once = normalize(raw)
    assert normalize(once) == once


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_normalize_output_has_no_runs_of_space_and_no_edges(raw):
    out = normalize(raw)
    assert out == out.strip()
    assert "  " not in out
    assert not re.search(r"[\n\t\u00a0]", out)


# --- tokens ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("الْعَرَبِيَّةُ", ["العربيه"]),
        ("مُدَرِّسَةٌ جَدِيدَةٌ", ["مدرسه", "جديده"]),
        ("جـــديد", ["جديد"]),
        ("\ufefb", ["لا"]),
    ],
)
def test_tokenize_keeps_diacritized_words_whole(raw, expected):
    assert tokenize(normalize(raw)) == expected


def test_default_token_pattern_would_break_diacritized_words():
    # The reason for our own tokenizer: scikit-learn's default pattern splits at harakat.
    word = "الْعَرَبِيَّةُ"
    assert re.findall(r"\b\w\w+\b", word) != [word]
    assert tokenize(normalize(word)) == [normalize(word)]


@pytest.mark.parametrize(
    "keep_latin, keep_numbers, expected",
    [
        (True, False, ["قال", "bbc", "عام"]),
        (False, False, ["قال", "عام"]),
        (True, True, ["قال", "bbc", "عام", "2024"]),
        (False, True, ["قال", "عام", "2024"]),
    ],
)
def test_tokenize_options(keep_latin, keep_numbers, expected):
    normalized = normalize("قال BBC عام ٢٠٢٤")
    assert tokenize(normalized, keep_latin=keep_latin, keep_numbers=keep_numbers) == expected


def test_tokenize_defaults_keep_latin_and_drop_numbers():
    assert tokenize("خبر news 15") == ["خبر", "news"]


def test_tokenize_splits_letters_from_digits():
    assert tokenize("covid19 كورونا2020", keep_numbers=True) == ["covid", "19", "كورونا", "2020"]


def test_tokenize_expects_normalized_text():
    # Upper-case Latin is not matched: the analyzer always normalizes (and lowercases) first.
    assert tokenize("BBC") == []
    assert tokenize(normalize("BBC")) == ["bbc"]


# --- stopwords -------------------------------------------------------------------------------------


@pytest.mark.parametrize("word", ["إلى", "التي", "الذي", "في", "على", "هذه", "أن", "قال", "أيضا"])
def test_stopwords_contain_normalized_forms(word):
    assert normalize(word) in stopwords()


def test_stopwords_fold_spelling_variants():
    # إلى / الى / الي all normalize to one entry
    assert normalize("إلى") == normalize("الى") == "الي"
    assert "الي" in stopwords()
    assert "التي" in stopwords()


def test_stopwords_are_all_normalized():
    words = stopwords()
    assert words
    assert all(normalize(word) == word for word in words)


@pytest.mark.parametrize("word", ["مليار", "زيارة", "وكالة", "يناير", "حكومة", "رئيس", "الاقتصاد"])
def test_stopwords_leave_out_content_words(word):
    assert normalize(word) not in stopwords()


def test_stopwords_skip_comment_lines():
    # the header comment talks about "billion" and "visit"; none of its words may leak in
    assert "stopword" not in stopwords()
    assert "curated" not in stopwords()


# --- light stemming --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "token, expected",
    [
        ("الحكومه", "حكوم"),
        ("والحكومه", "حكوم"),
        ("بالحكومه", "حكوم"),
        ("للحكومه", "حكوم"),
        ("وللحكومه", "حكوم"),
        ("فالحكومه", "حكوم"),
        ("حكومات", "حكوم"),
        ("بالحكومات", "حكوم"),
        ("الكتاب", "كتاب"),
        ("كتابهم", "كتاب"),
        ("معلمون", "معلم"),
        ("المعلمين", "معلم"),
        ("مدرسه", "مدرس"),
        ("والاقتصاد", "اقتصاد"),
        ("الاقتصاديه", "اقتصاد"),
        # left alone
        ("سوريا", "سوريا"),
        ("مصر", "مصر"),
        ("يوم", "يوم"),
        ("بيت", "بيت"),
        ("كتب", "كتب"),
        ("الي", "الي"),
        ("ال", "ال"),
        ("من", "من"),
        ("news", "news"),
    ],
)
def test_light_stem(token, expected):
    assert light_stem(token) == expected


@pytest.mark.parametrize(
    "group",
    [
        ["الحكومه", "والحكومه", "بالحكومه", "حكومات", "للحكومه"],
        ["الكتاب", "كتاب", "كتابهم", "والكتاب"],
        ["المعلمون", "معلمين", "والمعلمين"],
    ],
)
def test_light_stem_merges_inflected_forms(group):
    assert len({light_stem(word) for word in group}) == 1


def test_light_stem_keeps_sourya():
    assert light_stem("سوريا") == "سوريا"
    assert light_stem(normalize("سوريا")) == "سوريا"


_ARABIC_LETTERS = st.characters(min_codepoint=0x0621, max_codepoint=0x064A)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=_ARABIC_LETTERS, min_size=1, max_size=3))
def test_light_stem_leaves_short_words_untouched(token):
    assert light_stem(token) == token


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=_ARABIC_LETTERS, min_size=3, max_size=12))
def test_light_stem_never_leaves_fewer_than_three_letters(token):
    stem = light_stem(token)
    assert len(stem) >= T.MIN_STEM
    assert stem in token  # only strips from the ends


# --- the analyzer ----------------------------------------------------------------------------------

SENTENCE_PLAIN = "ذهب الوزير الى المدرسه التي في المدينه"
SENTENCE_DIACRITIZED = "ذَهَبَ الوَزِيرُ إِلَى المَدْرَسَةِ الَّتِي فِي المَدِينَةِ"


def test_analyzer_drops_stopwords_and_stems():
    tokens = Analyzer()(SENTENCE_PLAIN)
    assert tokens == ["ذهب", "وزير", "مدرس", "مدين"]
    assert not set(tokens) & stopwords()


def test_analyzer_without_stemmer_leaves_tokens_unstemmed():
    tokens = Analyzer(AnalyzerConfig(stemmer="none"))(SENTENCE_PLAIN)
    assert tokens == ["ذهب", "الوزير", "المدرسه", "المدينه"]


def test_analyzer_can_keep_stopwords():
    tokens = Analyzer(AnalyzerConfig(stemmer="none", remove_stopwords=False))(SENTENCE_PLAIN)
    assert tokens == ["ذهب", "الوزير", "الي", "المدرسه", "التي", "في", "المدينه"]


def test_analyzer_rejects_unknown_stemmer():
    with pytest.raises(ValueError, match="porter"):
        Analyzer(AnalyzerConfig(stemmer="porter"))


@pytest.mark.parametrize("stemmer", ["none", "light", "snowball"])
def test_analyzer_same_tokens_with_and_without_diacritics(stemmer):
    analyzer = Analyzer(AnalyzerConfig(stemmer=stemmer))
    assert analyzer(SENTENCE_DIACRITIZED) == analyzer(SENTENCE_PLAIN)
    assert analyzer(SENTENCE_PLAIN)


def test_analyzer_same_tokens_for_spelling_variants():
    analyzer = Analyzer()
    assert analyzer("أكّد المسؤولُ في الحكومـــة") == analyzer("اكد المسئول فى الحكومه")


def test_analyzer_drops_short_tokens():
    analyzer = Analyzer(AnalyzerConfig(stemmer="none", remove_stopwords=False))
    assert analyzer("خ ب خبر x") == ["خبر"]
    keep_one = Analyzer(AnalyzerConfig(stemmer="none", remove_stopwords=False, min_token_length=1))
    assert keep_one("خ خبر") == ["خ", "خبر"]


def test_analyzer_numbers_and_latin_options():
    text = "قال مسؤول BBC عام ٢٠٢٤"
    assert Analyzer(AnalyzerConfig(stemmer="none"))(text) == ["مسءول", "bbc", "عام"]
    numbers = Analyzer(AnalyzerConfig(stemmer="none", keep_numbers=True, keep_latin=False))
    assert numbers(text) == ["مسءول", "عام", "2024"]


def test_analyzer_tokens_from_normalized_matches_call():
    analyzer = Analyzer()
    assert analyzer.tokens_from_normalized(normalize(SENTENCE_DIACRITIZED)) == analyzer(
        SENTENCE_DIACRITIZED
    )


def test_analyzer_config_round_trips_to_dict():
    config = AnalyzerConfig(stemmer="none", keep_numbers=True)
    assert AnalyzerConfig(**config.to_dict()) == config
    assert "AnalyzerConfig" in repr(Analyzer(config))


# --- arabic_share ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("خبر عاجل من القاهرة", 1.0),
        ("الْعَرَبِيَّةُ", 1.0),  # marks are not letters: still all Arabic
        ("Breaking news from Cairo", 0.0),
        ("abcd خبر", 3 / 7),
        ("", 0.0),
        ("123 ٢٠٢٤ !!", 0.0),  # no letters at all
    ],
)
def test_arabic_share(raw, expected):
    assert arabic_share(raw) == pytest.approx(expected)


def test_arabic_share_mixed_is_between():
    share = arabic_share("قال الوزير إن the economy سينمو")
    assert 0.0 < share < 1.0


# --- strip_html and char_view (added with the hostile-input fixes) ----------------------------------

from akhbar.text import char_view, strip_html  # noqa: E402


@pytest.mark.parametrize("raw, expected, found", [
    ("<p>خبر</p>", " خبر ", True),
    ("قبل<script>var x = 1 < 2;</script>بعد", "قبل بعد", True),
    ("قبل<!-- تعليق -->بعد", "قبل بعد", True),
    ("قبل<!-- لم يغلق", "قبل ", True),
    ("<STYLE>p{}</STYLE>نص", " نص", True),
    ("1 < 2 و 3 > 2", "1 < 2 و 3 > 2", False),
    ("a<b", "a<b", False),
    ("بلا وسوم", "بلا وسوم", False),
])
def test_strip_html(raw, expected, found):
    assert strip_html(raw) == (expected, found)


class _CountingPattern:
    """Wraps a compiled pattern and records where each search starts."""

    def __init__(self, pattern):
        self.pattern, self.starts = pattern, []

    def search(self, text, pos=0):
        self.starts.append(pos)
        return self.pattern.search(text, pos)


@pytest.mark.parametrize("hostile", ["<!--" * 5_000, "<script>" * 5_000, "<a " * 5_000, "< " * 5_000])
def test_strip_html_scans_left_to_right_once(hostile, monkeypatch):
    """No speed is timed here (benchmarks do that): the structure that makes it linear is
    checked instead. Every tag search starts strictly after the previous one, and there are at
    most as many as there are '<' characters, so no part of the text is rescanned from the top."""
    import akhbar.text.clean as text_module

    counting = _CountingPattern(text_module._TAG_START)
    monkeypatch.setattr(text_module, "_TAG_START", counting)
    text = "نص " + hostile
    strip_html(text)
    assert len(counting.starts) <= text.count("<") + 1
    assert all(b > a for a, b in zip(counting.starts, counting.starts[1:]))


@pytest.mark.parametrize("raw, expected", [
    ("مُحَمَّدٌ", "محمد"),                 # diacritics go
    ("جـــديد", "جديد"),                  # tatweel goes
    ("أحمد  إلى\nمدرسة", "أحمد إلى مدرسة"),  # letters stay as written, spaces collapse
    ("«خبر»، عاجل!", "«خبر»، عاجل!"),      # punctuation stays
    ("ﻻ", "لا"),                          # presentation forms unfold
])
def test_char_view(raw, expected):
    assert char_view(raw) == expected


@pytest.mark.parametrize("config", [AnalyzerConfig(), AnalyzerConfig(stemmer="none", keep_numbers=True),
                                    AnalyzerConfig(keep_latin=False, remove_stopwords=False, min_token_length=3)])
def test_tokens_per_line_equal_line_by_line(config):
    analyzer = Analyzer(config)
    lines = [normalize(t) for t in ("والحكومات", "في", "", "abc123", "بالمدرسه-الكبري", "٣٤ و")]
    assert analyzer.tokens_per_line("\n".join(lines)) == [tuple(analyzer.tokens_from_normalized(t)) for t in lines]
