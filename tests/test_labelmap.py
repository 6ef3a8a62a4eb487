"""Other taxonomies (issue #21): label maps and subsets of labels, from the pure logic
(:mod:`akhbar.classify.labelmap`) through ``predict()`` and the CLI, and on the real ant1."""

from __future__ import annotations

import json

import numpy as np
import pytest

import akhbar
from akhbar.classify.labelmap import LabelMap, parse_label_map, parse_labels
from akhbar.cli import main
from conftest import SEEDS, read_jsonl_gz

ANT2 = ["culture", "economy", "internationalNews", "middleEast", "sport", "technology"]
NATURAL = {"middleEast": "internationalNews"}
SHARED = ["culture", "economy", "internationalNews", "sport", "technology"]


# --- parsing ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("spec, expected", [
    ("middleEast=internationalNews", NATURAL),
    (" middleEast = internationalNews ", NATURAL),
    ("a=b,c=d", {"a": "b", "c": "d"}),
    (["a=b", "c=d,e=f"], {"a": "b", "c": "d", "e": "f"}),  # a repeated --label-map
    ("a=b,a=b", {"a": "b"}),
    ({"a": "b"}, {"a": "b"}),
    ({}, {}),
])
def test_parse_label_map(spec, expected):
    assert parse_label_map(spec) == expected


@pytest.mark.parametrize("spec, message", [
    ("middleEast", "malformed label map entry 'middleEast'"),
    ("=b", "malformed label map entry '=b'"),
    ("a=", "malformed label map entry 'a='"),
    ("a=b=c", "malformed label map entry 'a=b=c'"),
    ("a=b,,c=d", "malformed label map entry ''"),
    ("", "the label map is empty"),
    ([], "the label map is empty"),
    ("a=b,a=c", "sends 'a' to both 'b' and 'c'"),
    ({"a": ""}, "must map a label name"),
    (3, "not 3"),
])
def test_parse_label_map_rejects(spec, message):
    with pytest.raises(ValueError, match=message):
        parse_label_map(spec)


@pytest.mark.parametrize("spec, expected", [
    ("sport", ["sport"]),
    ("sport, economy", ["sport", "economy"]),
    (["sport", "economy,culture"], ["sport", "economy", "culture"]),
    ("sport,sport", ["sport"]),
])
def test_parse_labels(spec, expected):
    assert parse_labels(spec) == expected


@pytest.mark.parametrize("spec, message", [
    ("", "the subset of labels is empty"), ([], "the subset of labels is empty"),
    (" , ", "the subset of labels is empty"), ("a,,b", "an empty label name"),
])
def test_parse_labels_rejects(spec, message):
    with pytest.raises(ValueError, match=message):
        parse_labels(spec)


# --- checking against the model's labels ----------------------------------------------------------

@pytest.mark.parametrize("label_map, labels, answered", [
    (NATURAL, None, SHARED),
    (None, SHARED, SHARED),
    (None, "sport,culture", ["culture", "sport"]),  # the model's order
    ({"middleEast": "internationalNews", "culture": "technology"}, None,  # in the order labels first map to them
     ["technology", "economy", "internationalNews", "sport"]),
    ({"internationalNews": "world", "middleEast": "world"}, None, ["culture", "economy", "world", "sport", "technology"]),
    ({"sport": "economy", "economy": "sport"}, None, ["culture", "sport", "internationalNews", "middleEast", "economy", "technology"]),
    (NATURAL, "internationalNews,sport", ["internationalNews", "sport"]),  # map first, then the subset
])
def test_build_answers(label_map, labels, answered):
    assert list(LabelMap.build(ANT2, label_map, labels).labels) == answered


def test_build_without_options_is_none():
    assert LabelMap.build(ANT2) is None and LabelMap.build(ANT2, {}) is None


@pytest.mark.parametrize("label_map, labels, message", [
    ({"localNews": "sport"}, None, "names 'localNews', which the model does not have"),
    ({"middleeast": "internationalNews"}, None, "did you mean 'middleEast'"),
    ({"middleEast": "internationalnews"}, None, "differs from the model's 'internationalNews' only by case"),
    (None, [], "the subset of labels is empty"),
    (None, "sport,politic", "label(s) 'politic' not among the model's labels"),
    (NATURAL, "middleEast,sport", "'middleEast' not among the model's labels after the label map"),
    ("middleEast", None, "malformed label map entry"),
])
def test_build_rejects_with_the_name(label_map, labels, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        LabelMap.build(ANT2, label_map, labels)


# --- the probabilities -----------------------------------------------------------------------------

def _softmax(scores):
    e = np.exp(scores - scores.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


@pytest.fixture(scope="module")
def proba():
    rng = np.random.default_rng(0)
    return _softmax(rng.normal(scale=3, size=(200, len(ANT2))))


@pytest.mark.parametrize("label_map, labels", [
    (NATURAL, None), (None, SHARED), (None, ["sport"]), (NATURAL, ["internationalNews", "culture"]),
    ({"internationalNews": "world", "middleEast": "world", "sport": "world"}, None),
    ({"sport": "economy", "economy": "sport"}, None),
])
def test_apply_sums_renormalises_and_recomputes_the_winner(proba, label_map, labels):
    lm = LabelMap.build(ANT2, label_map, labels)
    for out in (lm.apply(proba), lm.apply_log(np.log(proba))):
        assert out.shape == (len(proba), len(lm.labels))
        np.testing.assert_allclose(out.sum(axis=1), 1.0, atol=1e-12)
        mapping = lm.label_map
        kept = [j for j, s in enumerate(ANT2) if mapping.get(s, s) in lm.labels]
        for a, answered in enumerate(lm.labels):
            members = [j for j, s in enumerate(ANT2) if mapping.get(s, s) == answered]
            expected = proba[:, members].sum(axis=1) / proba[:, kept].sum(axis=1)
            np.testing.assert_allclose(out[:, a], expected, rtol=1e-10)  # merged = the sum, renormalised
        best = np.argmax(out, axis=1)
        np.testing.assert_array_equal(lm.leading_source(proba, best) >= 0, True)
        # the winner is the argmax of the new probabilities, and its leading model label belongs to it
        assert all(mapping.get(ANT2[s], ANT2[s]) == lm.labels[b] for s, b in zip(lm.leading_source(proba, best), best))


def test_merge_moves_the_winner():
    # 0.4 for culture, 0.35 + 0.25 for what the map joins: the joined label wins
    lm = LabelMap.build(["culture", "economy", "sport"], {"economy": "money", "sport": "money"})
    out = lm.apply(np.array([[0.4, 0.35, 0.25]]))
    np.testing.assert_allclose(out, [[0.4, 0.6]])
    assert lm.labels[int(np.argmax(out))] == "money"
    assert lm.leading_source(np.array([[0.4, 0.35, 0.25]]), np.array([1]))[0] == 1  # economy leads money


def test_restricting_in_log_space_survives_underflow():
    # the kept probabilities underflow to 0: apply() falls back to uniform, apply_log ranks right
    log_proba = np.array([[0.0, -900.0, -800.0]])
    lm = LabelMap.build(["a", "b", "c"], labels="b,c")
    np.testing.assert_allclose(lm.apply(np.exp(log_proba)), [[0.5, 0.5]])
    np.testing.assert_allclose(lm.apply_log(log_proba), [[np.exp(-100) / (1 + np.exp(-100)), 1 / (1 + np.exp(-100))]])


def test_apply_checks_the_shape():
    with pytest.raises(ValueError, match="expected a \\(documents, 6\\) matrix"):
        LabelMap.build(ANT2, NATURAL).apply(np.ones((2, 5)))


# --- predict() with the session model (trained on seeds/) -----------------------------------------

@pytest.fixture(scope="module")
def seed_texts(seed_docs):
    return [d.full_text for d in seed_docs[::4]] + [None, "hello"]


def test_predict_with_a_map_answers_in_the_mapped_set(predictor, trained_dir, seed_texts):
    manifest = (trained_dir / "manifest.json").read_bytes()
    plain = predictor.predict(seed_texts)
    mapped = predictor.predict(seed_texts, label_map=NATURAL, batch_size=7)
    for p, m in zip(plain, mapped):
        assert m.ok == p.ok
        if not p.ok:
            assert m.label is None and m.probabilities == {}
            continue
        assert m.label in SHARED and list(m.probabilities) == SHARED
        assert sum(m.probabilities.values()) == pytest.approx(1.0)
        assert m.probabilities["internationalNews"] == pytest.approx(
            p.probabilities["internationalNews"] + p.probabilities["middleEast"], abs=1e-12)
        assert m.label == max(m.probabilities, key=m.probabilities.get)
        assert m.label == NATURAL.get(p.label, p.label)  # merging only adds to the winner's group
        assert m.terms == p.terms and m.topics == p.topics
    # batch vs one by one, the streaming path, and the module-level predict()
    one = [predictor.predict_one(t, label_map="middleEast=internationalNews") for t in seed_texts]
    streamed = [r for b in predictor.predict_batches([seed_texts[:5], seed_texts[5:]], label_map=NATURAL, n_jobs=2)
                for r in b]
    module = akhbar.predict(seed_texts, model=trained_dir, label_map=NATURAL)
    for other in (one, streamed, module):
        assert [r.to_dict() for r in other] == [r.to_dict() for r in mapped]
    assert (trained_dir / "manifest.json").read_bytes() == manifest  # the model folder is untouched
    assert predictor.labels == ANT2


def test_predict_with_a_subset_renormalises(predictor, seed_texts):
    plain = [p for p in predictor.predict(seed_texts) if p.ok]
    subset = [p for p in predictor.predict(seed_texts, labels=["economy", "sport"]) if p.ok]
    moved = 0
    for p, s in zip(plain, subset):
        assert list(s.probabilities) == ["economy", "sport"] and s.label in ("economy", "sport")
        assert sum(s.probabilities.values()) == pytest.approx(1.0)
        assert s.label == max(s.probabilities, key=s.probabilities.get)
        if p.label == s.label:
            assert s.terms == p.terms
        else:  # the default word weighting explains the model's own winner only
            moved += 1
            assert s.terms == []
    assert moved  # the seeds have culture, technology … articles: their answers moved
    both = predictor.predict(seed_texts[:3], label_map=NATURAL, labels="internationalNews,sport")
    assert all(set(r.probabilities) == {"internationalNews", "sport"} for r in both)


def test_predict_rejects_bad_options_with_the_name(predictor, seed_texts):
    with pytest.raises(ValueError, match="'politic'"):
        predictor.predict(seed_texts, labels=["politic"])
    with pytest.raises(ValueError, match="'localNews'"):
        predictor.predict(seed_texts, label_map={"localNews": "sport"})
    with pytest.raises(ValueError, match="malformed"):
        predictor.predict_one(seed_texts[0], label_map="middleEast")
    with pytest.raises(ValueError, match="built for the labels a, b"):
        predictor.predict(seed_texts, label_map=LabelMap.build(["a", "b"], {"a": "b"}))


def test_column_weighting_recomputes_terms_for_the_new_winner(seed_docs):
    from akhbar.predictor import Predictor
    from akhbar.train import TrainConfig, train

    model = train(seed_docs, TrainConfig(topics=0, weighting="column", seed=0))
    predictor = Predictor(model, {})
    texts = [d.full_text for d in seed_docs if d.label == "culture"][:5]
    subset = predictor.predict(texts, labels=["economy", "sport"])
    assert all(r.label in ("economy", "sport") and r.terms for r in subset)
    # the terms are those the model gives for the new winner (its weights for that label)
    forced = predictor._driving_terms(predictor._featurizer.transform(texts).X,
                                      np.array([predictor.labels.index(r.label) for r in subset]), 5)
    assert [r.terms for r in subset] == forced


# --- the CLI ---------------------------------------------------------------------------------------

def test_cli_predict_with_a_label_map(trained_dir, capsys):
    text = next(d for d in (json.loads(line) for line in (SEEDS / "middleEast.jsonl").open(encoding="utf-8")))
    assert main(["predict", "--model", str(trained_dir), "--label-map", "middleEast=internationalNews",
                 "--top-topics", "0", text["text"]]) == 0
    row = json.loads(capsys.readouterr().out)
    assert row["label"] == "internationalNews" and set(row["probabilities"]) == set(SHARED)
    assert main(["predict", "--model", str(trained_dir), "--input", str(SEEDS), "--labels", "sport,economy",
                 "--label-map", "culture=economy"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(rows) == 213 and {r["label"] for r in rows} == {"sport", "economy"}


@pytest.mark.parametrize("args, message", [
    (["--label-map", "middleEast"], "malformed label map entry 'middleEast': expected FROM=TO"),
    (["--label-map", "localNews=sport"], "names 'localNews', which the model does not have"),
    (["--labels", ""], "the subset of labels is empty"),
    (["--label-map", "middleEast=internationalNews", "--labels", "middleEast"], "after the label map"),
])
def test_cli_bad_options_are_one_line_errors(trained_dir, tmp_path, capsys, args, message):
    out = tmp_path / "out.jsonl"
    for command in (["predict", "--model", str(trained_dir), "--output", str(out), "نص عربي"],
                    ["evaluate", "--model", str(trained_dir), "--corpus", str(SEEDS)]):
        assert main(command + args) == 1
        err = capsys.readouterr().err
        assert err.startswith("akhbar: error: ") and message in err and err.count("\n") == 1
    assert not out.exists()


def test_cli_evaluate_over_the_mapped_label_set(trained_dir, tmp_path, capsys):
    assert main(["evaluate", "--model", str(trained_dir), "--corpus", str(SEEDS)]) == 0
    plain = json.loads(capsys.readouterr().out)
    assert main(["evaluate", "--model", str(trained_dir), "--corpus", str(SEEDS),
                 "--label-map", "middleEast=internationalNews", "--labels", "internationalNews,sport,economy"]) == 0
    mapped = json.loads(capsys.readouterr().out)
    assert mapped["label_set"] == ["economy", "internationalNews", "sport"]
    assert mapped["label_map"] == NATURAL and set(mapped["outside_label_set"]) == {"culture", "technology"}
    assert set(mapped["per_label"]) == set(mapped["label_set"]) == set(mapped["confusion"]["labels"])
    support = {k: v["support"] for k, v in plain["per_label"].items()}
    assert mapped["per_label"]["internationalNews"]["support"] == support["internationalNews"] + support["middleEast"]
    assert mapped["documents"] == plain["documents"] - sum(mapped["outside_label_set"].values())
    assert "labels_unknown_to_model" not in mapped


# --- the real transfer: ant2 (a sample of its train split) on ant1 ---------------------------------

def test_ant2_sample_model_on_ant1_with_the_natural_map(shared_data, tmp_path_factory):
    from akhbar.bundle import save
    from akhbar.corpus import Document
    from akhbar.train import TrainConfig, train

    rng = np.random.default_rng(0)
    records = read_jsonl_gz(shared_data / "ant2.jsonl.gz", where=lambda d: d["split"] == "train")
    sample = [records[i] for i in rng.choice(len(records), 2000, replace=False)]
    docs = [Document(text=r["text"], title=r["title"], label=r["label"]) for r in sample]
    path = save(train(docs, TrainConfig(topics=0, seed=0)), tmp_path_factory.mktemp("ant2") / "m")
    manifest = (path / "manifest.json").read_bytes()
    ant1 = read_jsonl_gz(shared_data / "ant1.jsonl.gz", limit=600, where=lambda d: d["label"] in SHARED)
    corpus = tmp_path_factory.mktemp("ant1") / "ant1.jsonl"
    corpus.write_text("".join(json.dumps({"text": r["text"], "title": r["title"], "label": r["label"]},
                                         ensure_ascii=False) + "\n" for r in ant1), encoding="utf-8")
    predictor = akhbar.load(path)
    texts = [f"{r['title']}\n{r['text']}" if r["title"] else r["text"] for r in ant1]
    plain = predictor.predict(texts, top_topics=0, top_terms=0)
    mapped = predictor.predict(texts, top_topics=0, top_terms=0, label_map=NATURAL)
    assert any(p.label == "middleEast" for p in plain)  # what the map is for
    assert {m.label for m in mapped} <= set(SHARED)
    truth = [r["label"] for r in ant1]
    right = lambda results: sum(r.label == t for r, t in zip(results, truth))  # noqa: E731
    assert right(mapped) >= right(plain) and right(mapped) / len(truth) > 0.6
    assert main(["evaluate", "--model", str(path), "--corpus", str(corpus), "--label-map",
                 "middleEast=internationalNews", "--output", str(corpus.with_suffix(".json"))]) == 0
    metrics = json.loads(corpus.with_suffix(".json").read_text(encoding="utf-8"))
    assert metrics["label_set"] == SHARED and metrics["documents"] == len(ant1)
    assert metrics["accuracy"] == pytest.approx(right(mapped) / len(truth))
    assert (path / "manifest.json").read_bytes() == manifest


def test_transfer_report_renders_figures_only():
    from akhbar.bench.jobs import machine
    from akhbar.bench.transfer import READINGS, render_transfer

    reading = {"macro_f1": 0.8, "accuracy": 0.79, "macro_f1_all_predicted_labels": 0.7, "answered_middleEast": 0,
               "label_only_docs_per_second": 1000.0, "per_label_f1": {k: 0.5 for k in SHARED}}
    result = {"created": "now", "machine": machine(), "command": "python -m akhbar.bench transfer", "seed": 0,
              "config": "defaults", "labels": SHARED, "label_map": NATURAL,
              "results": [{"train": "train", "train_documents": 10, "train_seconds": 1.0, "test_documents": 5,
                           "readings": {name: reading for name in READINGS}}]}
    md = render_transfer(result)
    assert "| ant2 train split | 10 | 5 | label map middleEast=internationalNews | 0.8000 | 0.7900 |" in md
    assert md.count("| ant2 train split |") == 2 * len(READINGS)
