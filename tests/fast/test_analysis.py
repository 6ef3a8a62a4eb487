"""The compiled analysis of new words (akhbar.fast.analysis) against the Python analyzer it stands in for."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from akhbar.fast.analysis import CompiledAnalysis, normalized_chars
from akhbar.fast.arrays import count_rows
from akhbar.text import Analyzer, AnalyzerConfig, normalize_written, stopwords

# a small vocabulary, as a model's word block and topic model would hold (stems, normalized)
WORDS = {w: i for i, w in enumerate(["حكوم", "كتاب", "مدرس", "اقتصاد", "لعب", "news", "2024", "سوريا", "مسءول",
                                     "وزير", "اير", "رءيس", "a"])}
TOPICS = {w: i for i, w in enumerate(["اقتصاد", "حكوم", "سوريا", "اير", "ملعب", "news"])}

CASES = [  # written word → its tokens under the default analyzer (light stemmer, stopwords out)
    ("والحكومة", ("حكوم",)),
    ("بالحكومات", ("حكوم",)),
    ("الكتاب", ("كتاب",)),
    ("مسؤول", ("مسءول",)),
    ("مسئول", ("مسءول",)),
    ("أحمد", ("احمد",)),
    ("إيران،", ("اير",)),            # the dual ending ان goes too: what light_stem does
    ("مدرسه", ("مدرس",)),
    ("في", ()),                       # a stopword
    ("و", ()),                        # shorter than two letters
    ("News", ("news",)),              # Latin lower-cased
    ("2024", ()),                     # numbers dropped by default
    ("٢٠٢٤", ()),
    ("عربيnews", ("عربي", "news")),  # a run ends where the script changes
    ("سوريا-إيران", ("سوريا", "اير")),
    ("İstanbul", ("stanbul",)),       # "İ".lower() is i + U+0307 (not a letter): "i" is too short
    ("ΣΑΣ", ()),                       # final sigma: no token characters either way
    ("😀سوريا😀", ("سوريا",)),         # beyond the BMP: a separator
    ("ﻻ", ()),                         # a presentation form (unfolded before words reach here)
]

ALPHABET = ("سلامكتبونيهءأإآةىؤئپکیۀاليوبكف" "abcXYZİΣßﬁ" "0129٠٢٩۳" "،.-_«»!؟ " "\u064b\u0651\u0640\u200c"
            "ﻻﺍ" "😀𝐀")


def _analysis(config: AnalyzerConfig = AnalyzerConfig()) -> tuple[Analyzer, CompiledAnalysis]:
    analyzer = Analyzer(config)
    return analyzer, CompiledAnalysis(analyzer, WORDS, len(WORDS), TOPICS, len(TOPICS))


def _python(analyzer: Analyzer, words: list[str]):
    tokens = analyzer.tokens_per_line(normalize_written("\n".join(words)))
    return tokens, count_rows(tokens, WORDS, len(WORDS)), count_rows(tokens, TOPICS, len(TOPICS))


def test_normalized_chars_is_normalize_written_of_each_character():
    mapped, lengths = normalized_chars()
    for c in range(0x10000):
        expected = normalize_written(chr(c))
        got = "".join(chr(int(m)) for m in mapped[c, :lengths[c]])
        assert got == expected, f"U+{c:04X}"


def test_no_character_beyond_the_bmp_normalizes_to_a_token_character():
    """The kernel treats every code point above U+FFFF as a separator; this is why it may."""
    text = normalize_written("\n".join(map(chr, range(0x10000, 0x110000))))
    assert not any("\u0621" <= ch <= "\u064a" or "a" <= ch <= "z" or "0" <= ch <= "9" for ch in set(text))


@pytest.mark.parametrize("word, expected", CASES)
def test_tokens_of_written_words(word, expected):
    analyzer, compiled = _analysis()
    assert compiled.tokens([word]) == [expected]
    assert analyzer.tokens_per_line(normalize_written(word)) == [expected]  # the table is right


def test_rows_and_token_counts_equal_the_python_path():
    analyzer, compiled = _analysis()
    words = [w for w, _ in CASES]
    n_tokens, word_rows, topic_rows = compiled.analyse(words)
    tokens, expected_words, expected_topics = _python(analyzer, words)
    assert n_tokens.tolist() == [len(t) for t in tokens]
    assert (word_rows != expected_words).nnz == 0 and (topic_rows != expected_topics).nnz == 0
    assert word_rows.has_sorted_indices
    assert word_rows[0].toarray()[0, WORDS["حكوم"]] == 1


CONFIGS = [AnalyzerConfig(), AnalyzerConfig(keep_numbers=True), AnalyzerConfig(keep_latin=False),
           AnalyzerConfig(remove_stopwords=False), AnalyzerConfig(stemmer="none"),
           AnalyzerConfig(min_token_length=1), AnalyzerConfig(min_token_length=3, keep_numbers=True)]


@pytest.mark.parametrize("config", CONFIGS, ids=lambda c: repr(c))
@settings(max_examples=150, deadline=None)
@given(words=st.lists(st.text(st.sampled_from(ALPHABET), min_size=1, max_size=14)
                      | st.sampled_from(sorted(stopwords())[:40] + ["والحكومات", "بالكتاب", "لللعب", "فالاقتصاد"]),
                      min_size=1, max_size=10))
def test_compiled_analysis_equals_the_analyzer_on_random_words(config, words):
    analyzer, compiled = _analysis(config)
    tokens, expected_words, expected_topics = _python(analyzer, words)
    assert compiled.tokens(words) == tokens
    n_tokens, word_rows, topic_rows = compiled.analyse(words)
    assert n_tokens.tolist() == [len(t) for t in tokens]
    assert (word_rows != expected_words).nnz == 0 and (topic_rows != expected_topics).nnz == 0


def test_other_stemmers_are_refused():
    assert not CompiledAnalysis.supports(Analyzer(AnalyzerConfig(stemmer="snowball")))
    with pytest.raises(ValueError, match="snowball"):
        CompiledAnalysis(Analyzer(AnalyzerConfig(stemmer="snowball")), WORDS, len(WORDS), None, 0)


def test_no_topic_model_gives_empty_topic_rows():
    analyzer = Analyzer()
    compiled = CompiledAnalysis(analyzer, WORDS, len(WORDS), None, 0)
    n_tokens, word_rows, topic_rows = compiled.analyse(["الحكومة", "كتاب"])
    assert topic_rows.shape == (2, 0) and word_rows.nnz == 2 and n_tokens.tolist() == [1, 1]
    assert np.all(word_rows.data == 1)
