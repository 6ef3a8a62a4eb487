"""The topics benchmark end to end on a corpus planted with four topics (no shared data):
every model is scored by the same evaluators, the files are written, the planted topics come
back in akhbar's rows, and the report carries no article text, only top words and figures."""

from __future__ import annotations

import json
import random

from akhbar.bench.topics import RECIPES, run_topics, tokenize

TOPICS = [
    "مباراة الفريق اللاعب الهدف الملعب المدرب البطولة الدوري الحارس الجمهور",
    "الحكومة البرلمان الوزير الانتخابات الحزب الرئيس المعارضة الدستور السفير الوزارة",
    "الشركة السوق الأسهم البنك الاستثمار الأسعار التضخم الدولار النفط الاقتصاد",
    "المستشفى الطبيب المرضى العلاج الدواء اللقاح الفيروس الصحة العدوى الجراحة",
]  # four: each word then sits in a quarter of the articles, under the baseline's no_above=0.3
SENTINEL = "جملةفريدةلاتتكرر"  # in every text once: text must not reach the report


def corpus(n, rng):
    texts = []
    for i in range(n):
        words = TOPICS[i % 4].split()
        texts.append(" ".join(rng.choice(words) for _ in range(40)) + f" {SENTINEL}{i}")
    return texts


def test_topics_benchmark_on_a_planted_corpus(tmp_path):
    rng = random.Random(0)
    tokens = tokenize(corpus(240, rng), corpus(60, rng))
    # 240 articles are few for 3 passes: the test's recipes take 50 (ant2 needs no more than 3)
    recipes = {name: {**RECIPES[name], "passes": 50} for name in ("a first model", "b + filler")}
    result = run_topics(tmp_path, tmp_path / "out", k=4, recipes=recipes, chosen="b + filler",
                        tokens=tokens, command="test", log=lambda m: None, choose_range="3..5")
    rows = [result["baseline"], *result["ablation"]]
    assert [r["name"] for r in rows] == ["gensim", "a first model", "b + filler"]
    for r in rows:
        for key in ("c_npmi", "c_npmi_stems", "held_out_npmi", "diversity", "fit_seconds"):
            assert isinstance(r[key], float), (r["name"], key)
        assert len(r["top_words"]) == len(r["top_stems"]) == 4
    # the planted subjects come back in akhbar's chosen row, compared as stems (LDA on 240
    # articles may still merge two of the four, so three distinct subjects are asked for)
    from akhbar.bench.topics import default_analyzer

    analyzer = default_analyzer()
    planted = [set(analyzer(t)) for t in TOPICS]
    found = [max(range(4), key=lambda j: len(set(words[:5]) & planted[j])) for words in result["akhbar"]["top_stems"]]
    assert len(set(found)) >= 3, result["akhbar"]["top_stems"]
    assert all(len(set(words[:5]) & planted[j]) == 5 for words, j in zip(result["akhbar"]["top_stems"], found)
               if j in (0, 3))  # sports and health: every one of the top 5 from its planted list
    written = (tmp_path / "out" / "topics.md").read_text(encoding="utf-8")
    assert "| model | recipe |" in written and "c_npmi stems" in written
    saved = json.loads((tmp_path / "out" / "topics.json").read_text(encoding="utf-8"))
    assert saved["chosen"] == "b + filler" and set(saved["goal"]) >= {"met_c_npmi", "met_diversity"}
    curve = saved["choose_k"]  # the chosen recipe's curve, as akhbar train --topics auto draws it
    assert curve["k"] == [3, 4, 5] and curve["chosen"] in curve["k"] and curve["held_out_documents"] == 48
    assert all(-1 <= c <= 1 for c in curve["coherence"]) and "## Choosing K" in written
    assert SENTINEL not in written and SENTINEL not in json.dumps(saved, ensure_ascii=False)


def test_the_chosen_recipe_is_what_akhbar_train_runs():
    """experiments/topics.md checks the goal on CHOSEN: it must be TrainConfig's defaults."""
    from akhbar.bench.topics import CHOSEN, recipe_of
    from akhbar.train import TrainConfig

    recipe, config = recipe_of(RECIPES[CHOSEN]), TrainConfig()
    assert recipe["filler"] == config.topic_filler
    assert (recipe["no_below"], recipe["no_above"], recipe["keep_n"]) == (
        config.lda_no_below, config.lda_no_above, config.lda_keep_n)
    assert {"tomotopy": "gibbs", "gensim": "variational"}[recipe["engine"]] == config.topic_sampler
    assert recipe["sweeps"] == config.topic_sweeps
