"""Tests for akhbar.topics.filler: the list loads, its words become the analyzer's stems, and
dropping them takes filler out of token lists while subject words stay.

All Arabic strings here were written for these tests.
"""

from __future__ import annotations

import pytest

from akhbar.text import Analyzer, AnalyzerConfig, normalize, stopwords
from akhbar.topics.filler import drop_filler, filler_stems, load_filler


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return Analyzer(AnalyzerConfig())  # the analyzer TrainConfig's defaults build


@pytest.fixture(scope="module")
def stems(analyzer) -> frozenset:
    return filler_stems(analyzer)


def dropped(analyzer: Analyzer, stems: frozenset, word: str) -> bool:
    """Whether *word*, as it stands in an article, leaves nothing after the filler is dropped."""
    tokens = analyzer.tokens_from_normalized(normalize(word))
    return drop_filler([tokens], stems) == [[]]


# (written word as in an article, dropped?)
CASES = [
    # saying and reporting, with the joined و and with the article
    ("وأضاف", True),
    ("وأكدت", True),
    ("مصادر", True),
    ("المصادر", True),
    ("البيان", True),
    ("تصريحات", True),
    ("بحسب", True),
    ("ووفقا", True),
    # numbers, spelled with or without hamza and teh marbuta
    ("ثلاثة", True),
    ("ثلاثه", True),
    ("عشرين", True),
    ("مليون", True),
    ("ملايين", True),
    ("مليار", True),
    ("الأولى", True),
    # days, months in three traditions, time words
    ("الثلاثاء", True),
    ("الجمعة", True),
    ("يناير", True),
    ("أكتوبر", True),
    ("كانون", True),
    ("حزيران", True),
    ("جوان", True),
    ("العام", True),
    ("الماضي", True),
    ("المقبلة", True),
    ("الساعة", True),
    ("الأسبوع", True),
    # generic news words
    ("بشكل", True),
    ("الأمر", True),
    ("حالة", True),
    ("جديدة", True),
    ("إطار", True),
    # agencies and outlets, Arabic and Latin
    ("رويترز", True),
    ("الأناضول", True),
    ("برس", True),
    ("cnn", True),
    ("reuters", True),
    ("the", True),
    ("https", True),
    # subjects stay
    ("مباراة", False),
    ("المباراة", False),
    ("نفط", False),
    ("النفط", False),
    ("انتخابات", False),
    ("الانتخابات", False),
    ("الحكومة", False),
    ("اللاعب", False),
    ("الهاتف", False),
    ("البنك", False),
    ("الرواية", False),
    ("سوريا", False),
    ("ترامب", False),
    ("الدول العربية", False),  # العربية the channel is left out: it stems like the Arab states
    ("الماء", False),  # مائة is left out: it stems like water
    ("تيريزا ماي", False),
    ("apple", False),
]


@pytest.mark.parametrize("word, expected", CASES)
def test_filler_table(analyzer, stems, word, expected):
    assert dropped(analyzer, stems, word) is expected


def test_load_filler_reads_words_and_phrases_without_comments():
    words = load_filler()
    assert "أضاف" in words and "رويترز" in words and "فرانس برس" in words
    assert not any(w.startswith("#") or not w.strip() for w in words)
    assert len(words) == len(set(words))


def test_every_listed_word_is_dropped(analyzer, stems):
    """The stems of every entry are in the set: what the list says is what goes."""
    for entry in load_filler():
        for token in analyzer.tokens_from_normalized(normalize(entry)):
            assert token in stems, entry


def test_stopwords_yield_no_stems(analyzer):
    """Entries that are stopwords already (قال) need no stem: the analyzer drops them first."""
    assert "قال" in {normalize(w) for w in stopwords()}
    assert filler_stems(analyzer, ["قال", "يقول"]) == frozenset()


def test_phrases_drop_each_word(analyzer):
    assert filler_stems(analyzer, ["فرانس برس"]) == {"فرانس", "برس"}


def test_stems_follow_the_analyzer():
    """The same surface list matches whichever stemmer the model uses."""
    light = filler_stems(Analyzer(AnalyzerConfig(stemmer="light")), ["الانتخابات", "والتصريحات"])
    none = filler_stems(Analyzer(AnalyzerConfig(stemmer="none")), ["الانتخابات", "والتصريحات"])
    assert light == {"انتخاب", "تصريح"}
    assert none == {"الانتخابات", "والتصريحات"}


def test_drop_filler_keeps_order_and_input(analyzer, stems):
    text = "وأضاف المصدر أن المباراة النهائية ستقام يوم الجمعة في الملعب الجديد"
    tokens = [analyzer.tokens_from_normalized(normalize(text))]
    before = [list(t) for t in tokens]
    out = drop_filler(tokens, stems)
    assert tokens == before  # the input is not changed
    assert out == [["مبارا", "نهاء", "ستقام", "ملعب"]]
    assert drop_filler([], stems) == []
    assert drop_filler([["نفط"]], ["نفط"]) == [[]]  # any iterable of stems
