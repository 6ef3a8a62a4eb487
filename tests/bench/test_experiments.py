"""The benchmark harness on a small sample of the real corpora, so it cannot rot.

The full run is not a test (it takes minutes); this checks that every evaluation loads, both
systems train and predict, and the tables carry every figure the issue asks for.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from akhbar.bench.classify import run_classify
from akhbar.bench.data import EVALUATIONS, load_evaluation


@pytest.mark.slow
def test_classify_benchmark_on_a_sample(shared_data, tmp_path):
    result = run_classify(shared_data, tmp_path, EVALUATIONS, train_sample=500, test_sample=150,
                          config_values={"topics": 5, "lda_passes": 2}, baseline_topics=5, name="small")
    assert (tmp_path / "small.md").exists()
    assert json.loads((tmp_path / "small.json").read_text(encoding="utf-8")) == json.loads(json.dumps(result))
    assert [r["evaluation"] for r in result["results"]] == list(EVALUATIONS)
    for row in result["results"]:
        for system in ("baseline", "akhbar"):
            r = row[system]
            assert 0 < r["macro_f1"] <= 1 and 0 < r["accuracy"] <= 1
            assert r["train_seconds"] > 0 and r["predict_docs_per_second"] > 0 and r["peak_memory_mb"] > 0
        assert row["akhbar"]["model_mb"] > 0 and row["akhbar"]["load_seconds"] > 0
        for system in ("baseline", "akhbar"):
            r = row[system]
            assert r["new_process_load_seconds"] > 0 and r["new_process_first_prediction_seconds"] > 0
        assert all(v is not None for v in row["akhbar_over_baseline"].values())
        # every pass has the baseline timed beside it, and the fitted baseline is not written out
        assert set(row["akhbar"]["baseline_docs_per_second_beside"]) == {
            "full", "label_only", "all_cores", "label_only_all_cores"}
        assert all(v > 0 for v in row["akhbar"]["baseline_docs_per_second_beside"].values())
        assert "fitted" not in row["baseline"]
        # every kind of pass repeated on fresh models, each paired with its own baseline timing
        for runs in row["akhbar"]["throughput_passes"].values():
            assert len(runs) == 3 and all(r["docs_per_second"] > 0 and r["ratio"] > 0 for r in runs)
        assert row["akhbar_over_baseline"]["throughput_label_only"] == row["akhbar"]["paired_ratios"]["label_only"]
    stream = result["stream"]  # the larger unseen corpus, labelled by the ant2-random model
    assert stream["articles"] == 150
    assert stream["label_only_docs_per_second"] > 0 and stream["full_docs_per_second"] > 0
    assert stream["label_only_ratio"] > 0 and stream["full_ratio"] > 0
    assert stream["new_words_in_the_last_table"] > 0
    transfer = result["results"][2]
    assert set(transfer["akhbar"]["per_label_f1"]) == {"culture", "economy", "internationalNews", "sport", "technology"}
    text = (tmp_path / "small.md").read_text(encoding="utf-8")
    assert "akhbar / baseline" in text and "ant2-cross-outlet" in text and "| saudinewsnet |" in text
    random = result["results"][0]  # the throughput table shows the repeated passes' medians
    assert f"| ant2-random | {random['akhbar']['full_docs_per_second']} (" in text


def test_evaluations_split_as_documented(shared_data):
    train, test, labels = load_evaluation("ant2-cross-outlet", shared_data, train_sample=300, test_sample=100)
    assert len(train) == 300 and len(test) == 100
    assert all(d.id.startswith("BB-") for d in test)  # ANT ids carry the outlet
    assert not any(d.id.startswith("BB-") for d in train)
    _, test, labels = load_evaluation("ant2-to-ant1", shared_data, test_sample=200)
    assert labels == ["culture", "economy", "internationalNews", "sport", "technology"]
    assert {d.label for d in test} <= set(labels)
    with pytest.raises(ValueError, match="unknown evaluation"):
        load_evaluation("nope", shared_data)


def test_tree_memory_counts_a_child_started_after_sampling_began():
    """The sampler refreshes its list of processes as it goes: a worker started later counts."""
    import multiprocessing as mp
    import time

    import numpy as np

    from akhbar.bench.process import TreeMemory

    def worker():
        block = np.ones(300 * 2**20 // 8)  # 300 MB, touched
        time.sleep(2.5)
        del block

    def job():
        time.sleep(0.5)
        child = mp.get_context("fork").Process(target=worker)
        child.start()
        child.join()

    proc = mp.get_context("fork").Process(target=job)
    proc.start()
    with TreeMemory(proc.pid) as memory:
        proc.join()
    assert memory.peak_mb >= 250


@pytest.mark.parametrize("script", sorted(p.name for p in (Path(__file__).parents[2] / "experiments").glob("*.py")))
def test_experiment_scripts_import_and_parse_their_arguments(script):
    """The scripts behind experiments/*.md are not run by the tests (each takes minutes on the
    full corpora), but their imports and argument parsing are: a module they lean on that moves
    must break here, not on the next person to rerun a table."""
    path = Path(__file__).parents[2] / "experiments" / script
    done = subprocess.run([sys.executable, str(path), "--help"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "--data" in done.stdout
