"""Integration on the real corpora in ../shared/data (AKHBAR_DATA): they must be there in CI.

Train on a sample of ANT v2.1's train split, test on a sample of its fixed test split (never on
training articles), and label the one real SyriaNews article.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

import akhbar
from akhbar.bundle import save
from akhbar.cli import main
from akhbar.corpus import Document, read_corpus
from akhbar.train import TrainConfig, evaluate_predictions, train
from conftest import read_jsonl_gz


@pytest.fixture(scope="module")
def ant2_model(shared_data, tmp_path_factory):
    rng = np.random.default_rng(0)
    records = read_jsonl_gz(shared_data / "ant2.jsonl.gz", where=lambda d: d["split"] == "train")
    sample = [records[i] for i in rng.choice(len(records), 3000, replace=False)]
    docs = [Document(text=r["text"], title=r["title"], label=r["label"], id=r["id"]) for r in sample]
    model = train(docs, TrainConfig(topics=10, lda_passes=2))
    return akhbar.load(save(model, tmp_path_factory.mktemp("ant2") / "sample"))


@pytest.fixture(scope="module")
def ant2_test(shared_data):
    records = read_jsonl_gz(shared_data / "ant2.jsonl.gz", where=lambda d: d["split"] == "test")
    rng = np.random.default_rng(1)
    return [records[i] for i in rng.choice(len(records), 1000, replace=False)]


def test_seed_article_is_middle_east_with_a_model_of_ant2_sample(ant2_model, shared_data):
    text = (shared_data / "seed_article_syrianews.txt").read_text(encoding="utf-8")
    result = ant2_model.predict([text])[0]
    assert result.label == "middleEast", result.probabilities


def test_ant2_sample_model_on_held_out_test_articles(ant2_model, ant2_test):
    results = ant2_model.predict([f"{r['title']}\n{r['text']}" for r in ant2_test])
    y_true = [r["label"] for r in ant2_test]
    y_pred = [r.label for r in results]
    metrics = evaluate_predictions(y_true, y_pred)
    # The full train split reaches 0.89 macro-F1 (experiments/); a tenth of it must still be
    # far better than chance (1/6) and than the majority class: 0.75 catches real breakage.
    assert metrics["macro_f1"] > 0.75, metrics
    # calibration: the mean confidence tracks the accuracy
    confidence = np.mean([r.probabilities[r.label] for r in results])
    assert abs(confidence - metrics["accuracy"]) < 0.08, (confidence, metrics["accuracy"])


def test_default_model_on_seeds_labels_the_seed_article(shared_data, tmp_path, capsys):
    out = tmp_path / "models" / "default"
    assert main(["train", "--quiet", "--out", str(out), "--topics-dir", str(tmp_path / "topics")]) == 0
    capsys.readouterr()
    assert main(["predict", "--model", str(out), "--input", str(shared_data / "seed_article_syrianews.txt")]) == 0
    row = json.loads(capsys.readouterr().out)
    assert row["label"] == "middleEast", row["probabilities"]


def test_readers_stream_the_real_corpora(shared_data):
    docs = list(read_corpus(shared_data / "ant1.jsonl.gz", where=["label=culture"]))
    assert len(docs) == 113 and all(d.label == "culture" and d.text for d in docs)
    n = sum(1 for _ in read_corpus(shared_data / "saudinewsnet.jsonl.gz"))
    assert n == 29_904
