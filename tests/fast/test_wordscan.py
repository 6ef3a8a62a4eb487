"""The compiled batch kernels (akhbar.fast.wordindex) against the Python code they stand in for."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from akhbar.estimators import CharNgrams
from akhbar.fast.arrays import count_rows
from akhbar.features import normalize_rows
from akhbar.predictor import InputError, clean_batch, clean_input, clean_inputs
from akhbar.text import arabic_letters, shown_forms, unfold_presentation_forms, written_words
from akhbar.fast.codes import (ARABIC, CONTROL, DELETED, EDGE, PRESENTATION, SPACE, SURROGATE, Codes, char_classes, join,
                               text_checks)
from akhbar.fast.codes import shown_forms as compiled_shown_forms
from akhbar.fast.grams import GramIndex
from akhbar.fast.sums import Block, sum_rows, work_area
from akhbar.fast.wordindex import WordIndex

# each character with the classes it must have, written out by hand
CLASS_CASES = [
    (" ", SPACE | EDGE), ("\t", SPACE | EDGE), ("\n", SPACE), ("\u00a0", SPACE | EDGE), ("\u2003", SPACE | EDGE),
    ("\u3000", SPACE | EDGE),
    ("\x1c", SPACE | CONTROL | EDGE),  # str.split splits on the information separators
    ("\x85", SPACE | CONTROL | EDGE), ("\x00", CONTROL | EDGE), ("\x7f", CONTROL | EDGE), ("\x9f", CONTROL | EDGE),
    ("\u064e", DELETED | EDGE), ("\u0670", DELETED | EDGE),
    ("\u0640", DELETED | ARABIC),  # tatweel: a letter (Lm) to str.isalpha, so a word character too
    ("\u200c", DELETED | EDGE), ("\u00ad", DELETED | EDGE),
    ("\ufeff", DELETED | PRESENTATION | EDGE), ("\ufefb", PRESENTATION | ARABIC), ("\ufdf2", PRESENTATION | ARABIC),
    ("\ufdfc", PRESENTATION | EDGE),  # the rial sign: a presentation form, but not a letter
    ("ب", ARABIC), ("ة", ARABIC), ("ی", ARABIC), ("ء", ARABIC), ("٣", 0), ("،", EDGE), ("a", 0), ("Σ", 0),
    ("\ud800", SURROGATE | EDGE), ("\udfff", SURROGATE | EDGE), ("\u200b", DELETED | EDGE), ("_", EDGE),
    ("(", EDGE), ("«", EDGE), ("7", 0), ("؟", EDGE),
]


@pytest.mark.parametrize("char,bits", CLASS_CASES)
def test_character_classes(char, bits):
    assert int(char_classes()[ord(char)]) == bits


TEXT = st.lists(st.sampled_from(["ال", "كتاب", "كتابة", "،", " ", "  ", "\n", "\t", "\u00a0", "ـ", "َ", "ّ",
                                 "\u200c", "İ", "A", "٣", "!", "ة", "أ", "😀", "𝔸", "x", "\x1c", "\u3000"]),
               max_size=40).map("".join)


@settings(max_examples=300, deadline=None)
@given(st.lists(TEXT | st.text(max_size=40), max_size=6), st.data())
def test_scan_splits_like_written_words_and_finds_exactly_the_known_words(texts, data):
    texts = [t for t in texts if not any(0xD800 <= ord(c) <= 0xDFFF for c in t)]
    words = [written_words(t) for t in texts]
    distinct = list(dict.fromkeys(w for ws in words for w in ws))
    known = data.draw(st.lists(st.sampled_from(distinct), unique=True) if distinct else st.just([]))
    index = WordIndex()
    index.add(known + ["كتابات", "ك"])  # and two that may be prefixes or extensions of scanned words
    row = {w: i for i, w in enumerate(known)}
    scan = index.scan(texts)
    for d, (text, expected) in enumerate(zip(texts, words)):
        assert bool(scan.unfold[d]) == (unfold_presentation_forms(text) != text or "\ufeff" in text)
        if scan.unfold[d]:
            continue
        at = np.arange(scan.doc_indptr[d], scan.doc_indptr[d + 1])
        assert scan.words(at) == expected
        assert scan.packed[at].tolist() == [packed_key(w) for w in expected]
        assert scan.ids[at].tolist() == [row.get(w, -1) if w not in ("كتابات", "ك") else len(known) + ("كتابات", "ك").index(w)
                                         for w in expected]


def packed_key(word: str) -> int:
    """What wordscan._packed must give: up to eight characters of U+0600-U+06FE, a byte each."""
    if len(word) > 8 or not all(0x600 <= ord(c) <= 0x6FE for c in word):
        return 0
    return sum((ord(c) - 0x5FF) << (8 * i) for i, c in enumerate(word))


@pytest.mark.parametrize("word,fits", [
    ("ك", True), ("كتاب", True), ("والمعلومات", False), ("ككككككkk", False), ("كككككككك", True),
    ("ككككككككك", False), ("٣٤", True), ("؀", True), ("۾", True), ("ۿ", False),
    ("׿", False), ("ab", False), ("ک", True), ("𝔸", False),
])
def test_packed_keys_hold_short_arabic_words_exactly(word, fits):
    index = WordIndex()
    index.add([word])
    scan = index.scan([word])
    assert (int(scan.packed[0]) != 0) == fits
    assert int(scan.packed[0]) == packed_key(word) == int(index.arrays[3][0])
    assert scan.ids.tolist() == [0]


def test_a_row_whose_packed_key_is_wrong_or_unwritten_is_still_found_by_its_code_points():
    """The fallback when the packed check fails: the full probe, comparing code points. (A scan
    can meet an unwritten key while another thread adds the word.)"""
    index = WordIndex()
    index.add(["كتاب", "قلم", "مدرسة"])
    keys = index.arrays[3]
    keys[0], keys[1] = 0, keys[2]
    assert index.scan(["مدرسة قلم كتاب دفتر"]).ids.tolist() == [2, 1, 0, -1]


WORD = st.lists(st.sampled_from(["سوريا", "ال", "،", ".", "(", ")", "«", "»", "_", "-", "٣", "7", "a", "😀", "𝔸",
                                 "\u064e", "ـ", "\u200c", "؟", "!", "\"", "ﻻ"]), min_size=1, max_size=8).map("".join)


@settings(max_examples=300, deadline=None)
@given(st.lists(WORD | st.text(st.characters(blacklist_categories=("Zs", "Zl", "Zp", "Cc", "Cs")), min_size=1,
                                max_size=6), max_size=30))
def test_compiled_shown_forms_equal_the_regex(words):
    words = [w for w in words if not any(c.isspace() for c in w)]
    assert compiled_shown_forms(words) == shown_forms(words)


@pytest.mark.parametrize("word,form", [("سوريا،", "سوريا"), ("(سوريا).", "سوريا"), ("«الأسد»", "الأسد"), ("،،", "،،"),
                                       ("_x_", "x"), ("x", "x"), ("𝔸!", "𝔸"), ("!😀", "!😀"), ("٣.", "٣")])
def test_compiled_shown_forms_by_hand(word, form):
    assert compiled_shown_forms([word]) == [form] == shown_forms([word])


def test_presentation_forms_are_flagged_for_unfolding():
    index = WordIndex()
    scan = index.scan(["سلام عليكم", "ﻻ شيء", "\ufeffنص", ""])
    assert scan.unfold.tolist() == [False, True, True, False]
    assert np.diff(scan.doc_indptr).tolist() == [2, 2, 1, 0]


@settings(max_examples=200, deadline=None)
@given(st.lists(TEXT, max_size=6), st.data())
def test_distinct_words_are_the_first_occurrences_in_order(texts, data):
    scan = WordIndex().scan(texts)
    which = np.array(sorted(data.draw(st.sets(st.integers(0, max(scan.ids.size - 1, 0)))) if scan.ids.size else []),
                     dtype=np.int64)
    words = scan.words(which)
    unique, inverse = scan.distinct(which)
    assert scan.words(unique) == list(dict.fromkeys(words))  # each once, in the order first met
    assert [scan.words(unique)[i] for i in inverse.tolist()] == words
    codes, expected = scan.codes(which), Codes.of(words)
    assert codes.offsets.tolist() == expected.offsets.tolist() and codes.chars.tolist() == expected.chars.tolist()


@settings(max_examples=200, deadline=None)
@given(st.lists(TEXT, min_size=1, max_size=6), st.lists(TEXT, min_size=1, max_size=6), st.data())
def test_replacing_some_texts_scan_equals_scanning_the_batch_with_them(texts, others, data):
    docs = sorted(data.draw(st.sets(st.integers(0, len(texts) - 1), max_size=len(others))))
    others = others[:len(docs)]
    index = WordIndex()
    index.add(list(dict.fromkeys(w for t in texts[:2] for w in written_words(t))))
    merged = index.scan(texts).replaced(np.array(docs, dtype=np.int64), index.scan(others))
    batch = list(texts)
    for d, other in zip(docs, others):
        batch[d] = other
    whole = index.scan(batch)
    assert merged.doc_indptr.tolist() == whole.doc_indptr.tolist()
    assert merged.ids.tolist() == whole.ids.tolist()
    assert merged.unfold.tolist() == whole.unfold.tolist()
    assert merged.kept.tolist() == whole.kept.tolist() and merged.hashes.tolist() == whole.hashes.tolist()
    assert merged.packed.tolist() == whole.packed.tolist()
    every = np.arange(whole.ids.size)
    assert merged.words(every) == whole.words(every)
    unique, inverse = merged.distinct(every)  # positions and code points agree with the merged text
    assert merged.words(unique) == list(dict.fromkeys(whole.words(every)))


def test_the_index_grows_and_keeps_every_word():
    """Many small additions (each growth rebuilds the hash) and words sharing prefixes."""
    index = WordIndex()
    words = [f"كلمة{i}" for i in range(5000)] + ["ك" * n for n in range(1, 60)]
    for start in range(0, len(words), 37):
        index.add(words[start:start + 37])
    assert len(index) == len(words)
    scan = index.scan([" ".join(words[::-1]), "كلمة5000 كلمة"])
    assert scan.ids[:len(words)].tolist() == list(range(len(words)))[::-1]
    assert scan.ids[len(words):].tolist() == [-1, -1]


@pytest.mark.parametrize("text", ["ب " * 1000, "ب" * 5000, "\u064e " * 300 + "ب ج" * 400, "  " * 10])
def test_a_batch_denser_in_words_than_the_split_guesses_is_split_whole(text):
    """The split makes room for a word per five characters and counts them when that is short."""
    index = WordIndex()
    index.add(["ب"])
    scan = index.scan([text, "ب ب"])
    words = written_words(text)
    assert scan.words(np.arange(scan.doc_indptr[1])) == words
    assert scan.ids.tolist() == [0 if w == "ب" else -1 for w in words] + [0, 0]


def test_an_empty_batch_and_word_less_texts():
    index = WordIndex()
    index.add(["سلام"])
    assert index.scan([]).ids.size == 0
    scan = index.scan(["", "   \n", "\u064e\u0640", "سلام"])
    assert np.diff(scan.doc_indptr).tolist() == [0, 0, 0, 1] and scan.ids.tolist() == [0]


# -- the checks behind clean_inputs --------------------------------------------------------------

BAD_INPUTS = [None, 3, b"\xff\xfe", b"\xd8\xb3\xd9\x84\xd8\xa7\xd9\x85", "", "   ", "\n\t", "hello world",
              "سلام\x00 عليكم", "سلام\ud800", "<p>سلام</p>", "سلام &amp; كلام", "سلام \ufffd",
              "English text with one word سلام in it, mostly Latin letters here",
              "سلام" + " " * 30, "\x1cسلام", "١٢٣", "😀😀 سلام", "سلام" * 60_000, ["سلام"]]


def _outcome(item):
    try:
        return clean_input(item)
    except InputError as exc:
        return str(exc)


@pytest.mark.parametrize("item", BAD_INPUTS + ["سلام عليكم", "كَتَبَ الـــصحفي"])
def test_clean_inputs_equals_clean_input_item_by_item(item):
    [got] = clean_inputs([item])
    assert (str(got) if isinstance(got, InputError) else got) == _outcome(item)


@settings(max_examples=300, deadline=None)
@given(st.lists(TEXT | st.text(max_size=30), max_size=8))
def test_clean_inputs_on_random_batches(items):
    got = [str(g) if isinstance(g, InputError) else g for g in clean_inputs(items)]
    assert got == [_outcome(item) for item in items]


@pytest.mark.parametrize("batch,as_is", [
    (["سلام عليكم", "خبر عاجل"], True), ([], True), (["سلام", ""], False), (["سلام", 5], False),
    (["سلام", "<b>خبر</b>"], False), (["سلام", "hello world"], False), (["سلام\x07"], False),
])
def test_clean_batch_hands_on_the_joined_batch_only_when_every_item_is_kept_as_it_is(batch, as_is):
    outcomes, joined = clean_batch(batch)
    assert [str(o) if isinstance(o, InputError) else o for o in outcomes] == \
        [str(o) if isinstance(o, InputError) else o for o in clean_inputs(batch)]
    assert (joined is not None) == as_is
    if as_is:
        assert all(o[0] is item for o, item in zip(outcomes, batch))
        index = WordIndex()
        index.add(["سلام", "عاجل"])
        given, own = index.scan(batch, joined), index.scan(batch)
        assert given.ids.tolist() == own.ids.tolist() and given.text == own.text
        assert given.doc_indptr.tolist() == own.doc_indptr.tolist()


def test_a_scan_refuses_a_joined_batch_of_other_texts():
    with pytest.raises(ValueError, match="joined batch"):
        WordIndex().scan(["سلام", "خبر"], join(["سلام"]))


def test_text_checks_count_arabic_letters_like_the_regex():
    texts = ["سلام عليكم", "ﻻ ﺍﻟﺴﻼﻡ", "abc ١٢٣ ،", "\ufdfc ریال", "", "😀ب"]
    unclean, arabic, visible = text_checks(texts)
    assert arabic.tolist() == [arabic_letters(t) for t in texts]
    assert visible.tolist() == [len("".join(t.split())) for t in texts]
    assert not unclean.any() and text_checks(["ب\x07", "ب\udc00"])[0].tolist() == [True, True]


# -- summing rows --------------------------------------------------------------------------------


def _random_block(rng, n_rows, width):
    dense = rng.integers(0, 3, size=(n_rows, width)) * (rng.random((n_rows, width)) < 0.2)
    return sp.csr_matrix(dense.astype(np.float32))


@pytest.mark.parametrize("seed", range(5))
def test_sum_rows_equals_products_weighting_and_stacking(seed):
    rng = np.random.default_rng(seed)
    a, b = _random_block(rng, 30, 17), _random_block(rng, 30, 40)
    lengths = rng.integers(0, 12, size=9)
    ids = rng.integers(0, 30, size=lengths.sum()).astype(np.int64)
    doc_indptr = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
    occurrences = sp.csr_matrix((np.ones(ids.size), ids, doc_indptr), shape=(9, 30))
    idf_a, idf_b = rng.random(17) + 1, rng.random(40) + 1

    def tfidf(counts, idf, sublinear):
        counts = counts.tocsr().astype(np.float64)
        counts.sum_duplicates()
        if sublinear:
            counts.data = np.log(counts.data) + 1
        counts.data *= idf[counts.indices]
        return normalize_rows(counts)

    blocks = [Block(a.indptr.astype(np.int64), a.indices, a.data, 17, idf_a, True),
              Block(b.indptr.astype(np.int64), b.indices, b.data, 40, idf_b, False)]
    got = sum_rows(ids, doc_indptr, blocks, normalize=True)
    expected = sp.hstack([tfidf(occurrences @ a, idf_a, True), tfidf(occurrences @ b, idf_b, False)])
    assert got.dtype == np.float32  # weighed in float64, stored as the model's matrices are
    np.testing.assert_allclose(got.toarray(), expected.toarray(), rtol=1e-6, atol=1e-7)
    counts = sum_rows(ids, doc_indptr, [Block(b.indptr.astype(np.int64), b.indices, b.data, 40)])
    assert (counts != occurrences @ b).nnz == 0


@pytest.mark.parametrize("data", [3000.0, 0.5, 1.0])
def test_sum_rows_sublinear_tf_beyond_the_lookup_table_and_for_fractions(data):
    """Counts past the log table (4096) and fractional ones take math.log: the same numbers."""
    rows = sp.csr_matrix(np.array([[data, 0, 2 * data], [0, data, 0]], dtype=np.float32))
    block = Block(rows.indptr.astype(np.int64), rows.indices, rows.data, 3, np.array([1.0, 2.0, 3.0]), True)
    ids = np.array([0, 0, 1, 0, 1, 1, 1], dtype=np.int64)
    got = sum_rows(ids, np.array([0, 3, 7]), [block]).toarray()
    summed = np.array([[2 * data, data, 4 * data], [data, 3 * data, 2 * data]])
    np.testing.assert_allclose(got, (np.log(summed) + 1) * [1.0, 2.0, 3.0], rtol=1e-6)


def test_sum_rows_leaves_a_reused_work_area_as_it_found_it():
    rng = np.random.default_rng(3)
    a, b = _random_block(rng, 40, 25), _random_block(rng, 40, 60)
    blocks = [Block(a.indptr.astype(np.int64), a.indices, a.data, 25, rng.random(25) + 1, True),
              Block(b.indptr.astype(np.int64), b.indices, b.data, 60)]
    area = work_area(blocks)
    before = area.copy()
    ids = rng.integers(0, 40, size=300).astype(np.int64)
    doc_indptr = np.array([0, 100, 100, 250, 300])
    first = sum_rows(ids, doc_indptr, blocks, normalize=True, area=area)
    np.testing.assert_array_equal(area, before)  # sums cleared, weights kept
    again = sum_rows(ids, doc_indptr, blocks, normalize=True, area=area)
    fresh = sum_rows(ids, doc_indptr, blocks, normalize=True)
    assert (first != again).nnz == 0 and (first != fresh).nnz == 0
    with pytest.raises(ValueError, match="work area"):
        sum_rows(ids, doc_indptr, blocks[:1], area=area)


def test_sum_rows_gives_a_text_the_same_row_alone_and_in_a_batch():
    rng = np.random.default_rng(7)
    a = _random_block(rng, 50, 300)
    block = Block(a.indptr.astype(np.int64), a.indices, a.data, 300, rng.random(300) + 1, True)
    ids = rng.integers(0, 50, size=200).astype(np.int64)
    together = sum_rows(ids, np.array([0, 60, 130, 200]), [block], normalize=True)
    alone = sum_rows(ids[60:130], np.array([0, 70]), [block], normalize=True)
    assert (together[1] != alone).nnz == 0


# -- character n-grams of new words --------------------------------------------------------------

_CHARS = CharNgrams(ngram_range=(2, 5), min_df=1, max_df=1.0).fit(
    ["سلام كتب ونيه ءأإآ", "كتاب سوريا ويكون", "yx xy سلامي 😀ب"])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(st.sampled_from("سلامكتبونيهءأإآyx😀ق1 "), min_size=1, max_size=12).map(str.strip)
                .filter(bool), max_size=20))
def test_gram_index_equals_the_string_n_grams(words):
    index = GramIndex(_CHARS._keys, len(_CHARS.vocabulary_))
    ours = index.rows(words)
    theirs = count_rows([_CHARS.grams(w) for w in words], _CHARS.gram_index_, len(_CHARS.vocabulary_))
    assert ours.shape == theirs.shape and (ours != theirs).nnz == 0
    assert all(np.all(np.diff(ours.indices[s:e]) > 0) for s, e in zip(ours.indptr[:-1], ours.indptr[1:]))
