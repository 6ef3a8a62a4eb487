"""Topic quality, timelines, guided topics, choose-K and the bad inputs of each, on corpora made
for them (the Arabic words are written for these tests, in ``made_up``; no corpus text)."""

from __future__ import annotations

import numpy as np
import pytest

from akhbar.corpus import Document
from akhbar.topics.choose import ChooseKError, choose_k, parse_range
from akhbar.topics.labels import NamesError, read_names
from akhbar.topics.quality import diversity, npmi, presence
from akhbar.topics.seeded import SeedError, read_seed_topics
from akhbar.topics.timeline import parse_date, timeline
from made_up import GROUPS, planted


def test_npmi_is_one_together_minus_one_apart_and_diversity_counts_repeats():
    docs = presence([["a", "b"], ["a", "b"], ["c"], ["d"]], ["a", "b", "c", "d"])
    assert npmi([[0, 1]], docs)[0] == pytest.approx(1.0, abs=1e-9) or npmi([[0, 1]], docs)[0] > 0.99
    assert npmi([[2, 3]], docs)[0] == -1.0
    assert diversity([[0, 1], [1, 2]]) == 0.75


def test_timeline_prevalence_weighted_by_counts_is_the_share_of_dated_articles():
    rng = np.random.default_rng(1)
    theta = rng.dirichlet(np.ones(4), size=50)
    dates = [f"2024-{1 + i % 5:02d}-{1 + i % 27:02d}" for i in range(45)] + [None, "", "not a date", None, "x"]
    result = timeline(theta, dates, "month")
    assert result["undated"] == 5 and len(result["periods"]) == 5
    weighted = result["prevalence"] @ np.asarray(result["documents"]) / sum(result["documents"])
    np.testing.assert_allclose(weighted, theta[:45].mean(axis=0))


def test_dates_in_feed_shapes_are_read_and_nonsense_is_not():
    assert str(parse_date("Sun, 18 Feb 2018 21:35:43 +0400")) == "2018-02-18"
    assert str(parse_date("2015/07/21")) == "2015-07-21"
    assert parse_date("yesterday") is None and parse_date("2018-13-40") is None


def test_choose_k_finds_the_planted_number_of_topics():
    result = choose_k(planted(4), [2, 3, 4, 5, 6], seed=0, passes=10, no_below=2, no_above=0.9)
    assert abs(result["chosen"] - 4) <= 1
    assert len(result["coherence"]) == 5 and "K=" in result["why"]


@pytest.mark.parametrize("text, message", [("60..10", "must go from 2"), ("ten", "must look like"),
                                           ("2..500:1", "at most 40"), ("10..200", "half the articles")])
def test_k_out_of_range_is_refused_with_the_reason(text, message):
    with pytest.raises(ChooseKError, match=message):
        parse_range(text, n_docs=100)


def test_seed_file_lines_and_malformed_ones(tmp_path):
    path = tmp_path / "seeds.txt"
    path.write_text("# guided\nرياضة: كرة، هدف ملعب\nطاقة نفط غاز\n", encoding="utf-8")
    topics = read_seed_topics(path)
    assert [(t.name, t.words, t.line) for t in topics] == [("رياضة", ["كرة", "هدف", "ملعب"], 2),
                                                            ("طاقة", ["نفط", "غاز"], 3)]
    path.write_text("رياضة:\n", encoding="utf-8")
    with pytest.raises(SeedError, match="seeds.txt:1"):
        read_seed_topics(path)


def test_names_file_refuses_unknown_ids_and_repeats(tmp_path):
    path = tmp_path / "names.txt"
    path.write_text("0 رياضة\n2 اقتصاد\n", encoding="utf-8")
    assert read_names(path, 3) == {0: "رياضة", 2: "اقتصاد"}
    for text, line in (("3 خطأ\n", 1), ("0 أ\n0 ب\n", 2), ("x اسم\n", 1)):
        path.write_text(text, encoding="utf-8")
        with pytest.raises(NamesError, match=f"names.txt:{line}"):
            read_names(path, 3)


def _seeded_docs() -> list[Document]:
    """Two mixed subjects in every article, so unseeded LDA has no reason to keep them apart."""
    rng = np.random.default_rng(3)
    docs = []
    for d in range(200):
        a, b = GROUPS[d % 3], GROUPS[3 + d % 3]
        words = list(rng.choice(a, 20)) + list(rng.choice(b, 20))
        docs.append(Document(text=" ".join(words), label="x" if d % 2 else "y", id=str(d)))
    return docs


def test_guided_topics_put_their_seed_words_in_their_top_words():
    from akhbar.text import Analyzer, normalize
    from akhbar.topics.fitting import TopicPlan, begin

    analyzer = Analyzer()
    docs = _seeded_docs()
    tokens = [analyzer.tokens_from_normalized(normalize(d.text)) for d in docs]
    seeds = [{"name": "هواتف", "words": GROUPS[5][:4]}, {"name": "مسرح", "words": GROUPS[2][:4] + ["كلمةغائبة"]}]
    plan = TopicPlan(topics=6, k_range=None, passes=10, iterations=50, no_below=2, no_above=0.9, keep_n=50_000,
                     seed=0, parallel=False, filler=False, seed_topics=seeds)
    messages = []
    job = begin(tokens, plan, analyzer, messages.append)
    topics, summary, record = job.finish(docs, lambda vocabulary: list(vocabulary))
    hits = [s["in_top_10"] for s in record["seed_topics"]]
    assert hits == [4, 4]
    assert record["seed_topics"][1]["unknown"] == ["كلمةغائبة"]
    assert any("كلمةغائبة" in m and "line 2" in m for m in messages)
    assert len(summary["labels"]) == 6 and abs(sum(summary["share"]) - 1) < 1e-6
