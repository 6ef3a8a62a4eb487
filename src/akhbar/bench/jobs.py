"""Train, save, load and time each system: the baseline route, akhbar, and a larger stream."""

from __future__ import annotations

import json
import os
import pickle
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from akhbar.bench.data import _docs, _read, _sample


def _metrics(y_true, y_pred, labels):
    from akhbar.train import evaluate_predictions

    from sklearn.metrics import f1_score

    m = evaluate_predictions(y_true, y_pred, labels)
    return {"accuracy": round(m["accuracy"], 4), "macro_f1": round(m["macro_f1"], 4),
            # scikit-learn's default averages over every label in truth *or* predictions: in the
            # transfer test a wrong "middleEast" then adds a zero-F1 class to the average
            "macro_f1_all_predicted_labels": round(f1_score(y_true, y_pred, average="macro", zero_division=0), 4),
            "per_label_f1": {k: round(v["f1"], 4) for k, v in m["per_label"].items()}}


def _latency_ms(predict_one, texts, n=200) -> float:
    times = []
    for text in (texts * (n // max(len(texts), 1) + 1))[:n]:
        t = time.perf_counter()
        predict_one(text)
        times.append(time.perf_counter() - t)
    return round(1000 * statistics.median(times), 3)


def _first_pass(path, texts, **options) -> float:
    """Seconds of ``predict(texts, **options)`` on a freshly loaded model, the load not counted
    (the full pass does not count it either; load time has its own column)."""
    import gc

    import akhbar

    gc.collect()  # the caller's last model is gone before this one loads
    predictor = akhbar.load(path)
    t = time.perf_counter()
    predictor.predict(texts, **options)
    return time.perf_counter() - t


def baseline_job(train, test, labels, topics: int, passes: int, seed: int) -> dict:
    """TfidfVectorizer + LinearSVC, and gensim LdaMulticore, as a user would glue them."""
    from gensim.corpora import Dictionary
    from gensim.models import LdaMulticore
    from gensim.utils import simple_preprocess
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.svm import LinearSVC

    texts = [d.full_text for d in train]
    t0 = time.perf_counter()
    vec = TfidfVectorizer()
    svm = LinearSVC(random_state=seed).fit(vec.fit_transform(texts), [d.label for d in train])
    t_cls = time.perf_counter() - t0
    t1 = time.perf_counter()
    if topics:
        tokens = [simple_preprocess(t) for t in texts]
        dictionary = Dictionary(tokens)
        dictionary.filter_extremes(no_below=5, no_above=0.5)
        LdaMulticore([dictionary.doc2bow(t) for t in tokens], id2word=dictionary, num_topics=topics,
                     passes=passes, workers=1, random_state=seed)
    t_lda = time.perf_counter() - t1
    test_texts = [d.full_text for d in test]
    t2 = time.perf_counter()
    pred = svm.predict(vec.transform(test_texts))
    t_pred = time.perf_counter() - t2
    return {
        "train_seconds": round(t_cls + t_lda, 2), "classifier_seconds": round(t_cls, 2),
        "topics_seconds": round(t_lda, 2),
        "predict_docs_per_second": round(len(test) / t_pred, 1),
        "latency_ms": _latency_ms(lambda t: svm.predict(vec.transform([t])), test_texts[:50]),
        **_metrics([d.label for d in test], list(pred), labels),
        "fitted": pickle.dumps((vec, svm)),  # timed again beside akhbar's passes (not written out)
    }


def _reference_seconds(fitted: bytes | None, texts: list[str]):
    """A function timing the baseline's ``transform + predict`` on *texts* in this process, or
    None without a fitted baseline."""
    if fitted is None:
        return None
    vec, svm = pickle.loads(fitted)

    def seconds() -> float:
        t = time.perf_counter()
        svm.predict(vec.transform(texts))
        return time.perf_counter() - t
    return seconds


def _new_process_seconds(setup: str, runs: int = 3) -> float:
    """Median wall time, in a new Python process each run, of *setup* (code that may use
    ``time`` and must leave its start in ``t``), imports included: what a user's script or the
    CLI pays before its first prediction, against a load timed in a process that has already
    imported scikit-learn, scipy and numba for training."""
    code = "import time\nt = time.perf_counter()\n" + setup + "\nprint(time.perf_counter() - t)\n"
    times = []
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
        times.append(float(out.stdout.split()[-1]))
    return round(statistics.median(times), 3)


def akhbar_job(train, test, labels, config_values: dict, baseline_fitted: bytes | None = None,
               keep: Path | None = None, repeats: int = 3) -> dict:
    """akhbar.train with the defaults (plus *config_values*), saved, reloaded, predicting.

    The model is saved under *keep* (else a temporary folder), so the caller can time loading it
    in new processes once this job's memory is no longer being measured.

    With *baseline_fitted* (the baseline's pickled vectorizer and SVM), the baseline's
    ``transform + predict`` on the same texts is timed in this process just before and after
    each of akhbar's prediction passes: the host's speed drifts by up to a quarter between runs
    here, and ratios of timings taken side by side do not carry that drift. Each kind of pass
    runs *repeats* times, each on a freshly loaded model, and the median of its paired ratios
    is reported: a single pair still moved by ±15 % from one run to the next (run 7 against
    run 8 of ``experiments/classify.md``), too much to tell 1.9× from 2.1×.
    """
    import akhbar
    from akhbar.bundle import save
    from akhbar.train import TrainConfig, train as fit

    t0 = time.perf_counter()
    model = fit(train, TrainConfig.from_dict(config_values))
    t_train = time.perf_counter() - t0
    with tempfile.TemporaryDirectory() as tmp:
        path = save(model, Path(keep or tmp) / "model")
        size = sum(f.stat().st_size for f in path.iterdir())
        t1 = time.perf_counter()
        predictor = akhbar.load(path)
        t_load = time.perf_counter() - t1
        test_texts = [d.full_text for d in test]
        reference = _reference_seconds(baseline_fitted, test_texts)
        t2 = time.perf_counter()
        results = predictor.predict(test_texts)
        t_pred = time.perf_counter() - t2
        latency = _latency_ms(predictor.predict_one, test_texts[:50])
        del predictor  # one loaded model at a time, as a user holds one
        # then each kind of pass (full, labels only, both on every core) *repeats* times, each
        # on a freshly loaded model (its load not timed), the baseline timed between passes
        passes: dict[str, list[dict]] = {}
        for key, options in (("full", {}), ("label_only", dict(top_topics=0, top_terms=0)),
                             ("all_cores", dict(n_jobs=-1)),
                             ("label_only_all_cores", dict(top_topics=0, top_terms=0, n_jobs=-1))):
            runs = passes[key] = []
            before = reference() if reference else None
            for _ in range(repeats):
                seconds = _first_pass(path, test_texts, **options)
                run = {"docs_per_second": round(len(test) / seconds, 1)}
                if reference:  # against the mean of the baseline timings just before and after it
                    after = reference()
                    run["baseline_docs_per_second"] = round(len(test) / ((before + after) / 2), 1)
                    run["ratio"] = round(run["docs_per_second"] / run["baseline_docs_per_second"], 3)
                    before = after
                runs.append(run)
        del reference
    pred = [r.label if r.label is not None else "<error>" for r in results]

    def median(key: str, field: str):
        values = [run[field] for run in passes[key] if field in run]
        return round(statistics.median(values), 2 if field == "ratio" else 1) if values else None

    return {
        "train_seconds": round(t_train, 2), "stage_seconds": model.training.get("stage_seconds"),
        "predict_docs_per_second": round(len(test) / t_pred, 1),
        **{f"{key}_docs_per_second": median(key, "docs_per_second") for key in passes},
        "latency_ms": latency,
        "model_mb": round(size / 2**20, 2), "load_seconds": round(t_load, 3),
        "baseline_docs_per_second_beside": {key: median(key, "baseline_docs_per_second") for key in passes
                                            if median(key, "baseline_docs_per_second")},
        "paired_ratios": {key: median(key, "ratio") for key in passes if median(key, "ratio")},
        "throughput_passes": passes,
        **_metrics([d.label for d in test], pred, labels),
    }


def stream_job(model: Path, fitted: bytes, data: Path, sample: int | None, seed: int) -> dict:
    """Throughput on a larger corpus of articles no model has seen: SaudiNewsNet (29,904
    unlabelled Saudi articles, from another country and years than ant2), labelled by the
    ant2-random model, labels only and full ``predict()``, each a first pass on a freshly loaded
    model, against the baseline's ``transform + predict`` on the same texts timed just before
    and after.

    Why: a test split of 3,000-6,000 articles is mostly what a freshly loaded model meets for the
    first time (the words its table lacks); users label tens of thousands to millions. numba's
    compiled code is loaded first by a throwaway predictor on 20 of the articles, as it would
    be in a long-running process; the timed predictor starts with an empty table of new words.
    """
    import gc

    import akhbar

    records = _sample(_read(data / "saudinewsnet.jsonl.gz"), sample, seed)
    texts = [d.full_text for d in _docs(records)]
    akhbar.load(model).predict(texts[:20])
    reference = _reference_seconds(fitted, texts)
    beside = [reference()]
    passes, words = {}, {}
    for key, options in (("label_only", dict(top_topics=0, top_terms=0)), ("full", {})):
        gc.collect()
        predictor = akhbar.load(model)
        t = time.perf_counter()
        predictor.predict(texts, **options)
        passes[key] = time.perf_counter() - t
        seeded = predictor.model.word_table
        words[key] = len(predictor._featurizer._table.words) - (len(seeded.words) if seeded is not None else 0)
        del predictor
        beside.append(reference())
    return {"articles": len(texts),
            **{f"{key}_docs_per_second": round(len(texts) / seconds, 1) for key, seconds in passes.items()},
            "baseline_docs_per_second_beside": {key: round(len(texts) / ((beside[i] + beside[i + 1]) / 2), 1)
                                                for i, key in enumerate(passes)},
            "new_words_in_the_last_table": words["full"]}


def machine() -> dict:
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = None
    try:
        mem = round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1)
    except (ValueError, OSError):
        pass
    import gensim
    import sklearn

    from akhbar import __version__
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gb": mem, "python": platform.python_version(),
            "platform": platform.platform(), "numpy": np.__version__, "scikit-learn": sklearn.__version__,
            "gensim": gensim.__version__, "akhbar": __version__}


def write_result(out: Path, name: str, result: dict, markdown: str) -> dict:
    """Write a benchmark's ``out/NAME.json`` (every figure) and ``out/NAME.md`` (for people)."""
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{name}.json").write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    (out / f"{name}.md").write_text(markdown, encoding="utf-8")
    return result


def _ratio(a, b):
    return round(a / b, 2) if a and b else None


