"""Benchmarks: akhbar's default against the plain scikit-learn/gensim route, in one run.

    python -m akhbar.experiments classify --data ../shared/data --out experiments/
    python -m akhbar.experiments memory --data ../shared/data --out experiments/

``classify`` runs the three standard evaluations of ``../shared/data/README.md`` (ant2 random
split, ant2 cross-outlet with BBC held out, ant2 → ant1 transfer on the five shared labels). For
each it trains and tests the *baseline* (``TfidfVectorizer()`` + ``LinearSVC()`` on title and text,
plus gensim ``LdaMulticore`` with 30 topics and 3 passes on the same texts, as a user gluing the
libraries by hand would) and *akhbar* (``akhbar.train`` with its defaults, saved, reloaded). Each
system is trained in its own forked process so its peak memory can be read from the kernel
(the summed PSS of the process and its children, sampled: :class:`TreeMemory`); both run on
the same machine in the same run, and every speed and memory figure is reported beside its ratio
to the baseline. Prediction throughput ratios are taken against the baseline's fitted model timed
again inside akhbar's process, just before and after each pass (see :func:`akhbar_job`).

``memory`` streams ``akhbar predict --input … --output …`` over JSONL files of growing size,
built at run time by repeating the shared corpora (nothing is written into the project), and
records the peak memory of each run: flat memory is what streaming means.

Outputs are ``NAME.md`` and ``NAME.json`` in ``--out``; machine details are recorded with them.
"""

from __future__ import annotations

import argparse
import gzip
import json
import multiprocessing as mp
import os
import pickle
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from akhbar.corpus import Document

SHARED_LABELS = ["culture", "economy", "internationalNews", "sport", "technology"]
EVALUATIONS = ("ant2-random", "ant2-cross-outlet", "ant2-to-ant1")


# --- data ------------------------------------------------------------------------------------------


def _read(path: Path) -> list[dict]:
    with gzip.open(path, "rt", encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def _docs(records) -> list[Document]:
    return [Document(text=r["text"], title=r.get("title"), label=r.get("label"), id=r.get("id")) for r in records]


def _sample(records: list, n: int | None, seed: int) -> list:
    if n is None or n >= len(records):
        return records
    return random.Random(seed).sample(records, n)


def load_evaluation(name: str, data: Path, train_sample: int | None = None, test_sample: int | None = None,
                    seed: int = 0) -> tuple[list[Document], list[Document], list[str] | None]:
    """(train docs, test docs, labels the macro average runs over) for a standard evaluation."""
    ant2 = _read(data / "ant2.jsonl.gz")
    if name == "ant2-random":
        train = [r for r in ant2 if r["split"] == "train"]
        test = [r for r in ant2 if r["split"] == "test"]
        labels = None
    elif name == "ant2-cross-outlet":
        train = [r for r in ant2 if r["outlet"] != "BBC"]
        test = [r for r in ant2 if r["outlet"] == "BBC"]
        labels = None
    elif name == "ant2-to-ant1":
        train = ant2
        test = [r for r in _read(data / "ant1.jsonl.gz") if r["label"] in SHARED_LABELS]
        labels = SHARED_LABELS
    else:
        raise ValueError(f"unknown evaluation {name!r}; choose from {', '.join(EVALUATIONS)}")
    return (_docs(_sample(train, train_sample, seed)), _docs(_sample(test, test_sample, seed + 1)), labels)


# --- measuring in a child process -----------------------------------------------------------------


def _descendants(root: int) -> list[int]:
    """*root* and every process below it, from the parent ids in /proc/*/stat."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        pid, ppid = int(text.split(" ", 1)[0]), int(text.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(pid)
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(children.get(pid, []))
    return out


def _pss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


class TreeMemory:
    """Peak memory of a process *and all its descendants*, sampled as their summed PSS.

    PSS (proportional set size) splits pages shared after a fork between the processes that
    share them, so a forked worker is not counted twice, as adding up RSS (or ``ru_maxrss`` of
    parent and child) would. Sampling every 0.1 s can miss a spike shorter than that. The list
    of descendants is refreshed every tenth sample: scanning ``/proc`` costs four times as much
    as reading the PSS, and on a 2-core machine the sampler shares the cores with the job it
    measures (a worker process lives for many seconds, so none is missed).
    """

    def __init__(self, pid: int, interval: float = 0.1):
        import threading

        self.pid, self.interval, self.peak_kb = pid, interval, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        tick = 0
        while not self._stop.is_set():
            if tick % 10 == 0:
                tree = _descendants(self.pid)
            self.peak_kb = max(self.peak_kb, sum(_pss_kb(p) for p in tree))
            tick += 1
            self._stop.wait(self.interval)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()

    @property
    def peak_mb(self) -> float:
        return round(self.peak_kb / 1024, 1)


def _in_child(fn, *args):
    """Run fn(*args) in a forked process; return its result with the peak memory of its tree."""
    ctx = mp.get_context("fork")
    receive, send = ctx.Pipe(duplex=False)

    def target():
        try:
            result = fn(*args)
            send.send(("ok", result))
        except BaseException as exc:  # pragma: no cover - reported to the parent
            send.send(("error", f"{type(exc).__name__}: {exc}"))
        finally:
            send.close()

    proc = ctx.Process(target=target)
    proc.start()
    send.close()
    with TreeMemory(proc.pid) as memory:
        status, payload = receive.recv()
        proc.join()
    if status != "ok":
        raise RuntimeError(payload)
    payload["peak_memory_mb"] = memory.peak_mb
    return payload


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


def _ratio(a, b):
    return round(a / b, 2) if a and b else None


def run_classify(data: Path, out: Path, evaluations=EVALUATIONS, train_sample=None, test_sample=None,
                 config_values=None, baseline_topics=30, seed=0, name="classify") -> dict:
    """Run every evaluation for both systems; write ``out/NAME.md`` and ``out/NAME.json``."""
    config_values = dict(config_values or {})
    rows, stream = [], None
    for ev in evaluations:
        train, test, labels = load_evaluation(ev, data, train_sample, test_sample, seed)
        print(f"[{ev}] {len(train)} train / {len(test)} test documents", file=sys.stderr)
        base = _in_child(baseline_job, train, test, labels, baseline_topics, 3, seed)
        print(f"[{ev}] baseline macro-F1 {base['macro_f1']}", file=sys.stderr)
        with tempfile.TemporaryDirectory() as keep:
            fitted = base.pop("fitted")
            ours = _in_child(akhbar_job, train, test, labels, config_values, fitted, Path(keep))
            # after the job, so these processes are not in its peak memory
            model, pickled, article = Path(keep) / "model", Path(keep) / "baseline.pkl", Path(keep) / "article.txt"
            load = f"import akhbar\npredictor = akhbar.load({str(model)!r})\n"
            ours["new_process_load_seconds"] = _new_process_seconds(load)
            pickled.write_bytes(fitted)  # as a user would keep it: one pickle
            unpickle = f"import pickle\nwith open({str(pickled)!r}, 'rb') as f:\n    vec, svm = pickle.load(f)\n"
            base["new_process_load_seconds"] = _new_process_seconds(unpickle)
            # and through the first prediction (one test article, read from a file): what a
            # script that loads and labels one article waits for
            article.write_text(test[0].full_text, encoding="utf-8")
            read = f"text = open({str(article)!r}, encoding='utf-8').read()\n"
            ours["new_process_first_prediction_seconds"] = _new_process_seconds(
                f"{read}{load}predictor.predict_one(text)")
            base["new_process_first_prediction_seconds"] = _new_process_seconds(
                f"{read}{unpickle}svm.predict(vec.transform([text]))")
            if ev == "ant2-random":  # its own process, so its texts are in no job's peak memory
                stream = _in_child(stream_job, model, fitted, data, test_sample, seed)
                stream.pop("peak_memory_mb")
                for key in ("label_only", "full"):
                    stream[f"{key}_ratio"] = _ratio(stream[f"{key}_docs_per_second"],
                                                    stream["baseline_docs_per_second_beside"][key])
                print(f"[stream] {stream}", file=sys.stderr)
            del fitted
        print(f"[{ev}] akhbar macro-F1 {ours['macro_f1']}", file=sys.stderr)
        paired = ours["paired_ratios"]
        ratios = {
            "train_time": _ratio(ours["train_seconds"], base["train_seconds"]),
            "throughput": paired.get("full"),
            "throughput_label_only": paired.get("label_only"),
            "throughput_all_cores": paired.get("all_cores"),
            "throughput_label_only_all_cores": paired.get("label_only_all_cores"),
            "latency": _ratio(ours["latency_ms"], base["latency_ms"]),
            "peak_memory": _ratio(ours["peak_memory_mb"], base["peak_memory_mb"]),
            "new_process_load": _ratio(ours["new_process_load_seconds"], base.get("new_process_load_seconds")),
            "new_process_first_prediction": _ratio(ours["new_process_first_prediction_seconds"],
                                                   base.get("new_process_first_prediction_seconds")),
        }
        rows.append({"evaluation": ev, "train_documents": len(train), "test_documents": len(test),
                     "baseline": base, "akhbar": ours, "akhbar_over_baseline": ratios})
    result = {"created": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "machine": machine(),
              "config": config_values or "defaults", "train_sample": train_sample,
              "test_sample": test_sample, "results": rows}
    if stream is not None:
        result["stream"] = stream
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{name}.json").write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    (out / f"{name}.md").write_text(render_classify(result), encoding="utf-8")
    return result


def render_classify(result: dict) -> str:
    m = result["machine"]
    lines = [f"# Classification benchmark ({result['created']})", "",
             f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory_gb']} GB; Python {m['python']}, "
             f"numpy {m['numpy']}, scikit-learn {m['scikit-learn']}, gensim {m['gensim']}, akhbar {m['akhbar']}.",
             f"akhbar config: {result['config']}. Samples: train {result['train_sample'] or 'all'}, "
             f"test {result['test_sample'] or 'all'}.", "",
             "| evaluation | system | macro-F1 | accuracy | train s | predict docs/s | latency ms | peak MB | model MB "
             "| load s | load s, new process | load + first prediction s, new process |",
             "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for row in result["results"]:
        for system in ("baseline", "akhbar"):
            r = row[system]
            lines.append(f"| {row['evaluation']} | {system} | {r['macro_f1']:.4f} | {r['accuracy']:.4f} | "
                         f"{r['train_seconds']} | {r['predict_docs_per_second']} | {r['latency_ms']} | "
                         f"{r['peak_memory_mb']} | {r.get('model_mb', '')} | {r.get('load_seconds', '')} | "
                         f"{r.get('new_process_load_seconds', '')} | {r.get('new_process_first_prediction_seconds', '')} |")
        q = row["akhbar_over_baseline"]
        fresh = f"{q['new_process_load']}×" if q.get("new_process_load") else ""
        first = f"{q['new_process_first_prediction']}×" if q.get("new_process_first_prediction") else ""
        lines.append(f"| {row['evaluation']} | **akhbar / baseline** | | | {q['train_time']}× | "
                     f"{q['throughput']}× | {q['latency']}× | {q['peak_memory']}× | | | {fresh} | {first} |")
    repeats = max((len(v) for row in result["results"] for v in row["akhbar"].get("throughput_passes", {}).values()),
                  default=1)
    lines += ["", f"Throughput: a first pass over the test articles with a freshly loaded model, {repeats} times for "
              "each kind of pass, each paired with the baseline's `transform + predict` on the same texts timed in "
              "the same process just before and after it. Shown: the median of akhbar's docs/s and, in brackets, the "
              "median of the paired ratios; the last column has the median baseline docs/s beside each kind of "
              "pass (every pass is in `classify.json`, under `throughput_passes`). The ratio row of the first table "
              "is the full pass's median ratio; its *predict docs/s* is each system's own first pass in its own "
              "process, which for akhbar includes loading the compiled code from numba's cache:", "",
              "| evaluation | akhbar full `predict()` | labels only (`top_topics=0, top_terms=0`) "
              "| full, `n_jobs=-1` (threads on all cores) | labels only, `n_jobs=-1` | baseline beside each |",
              "|---|---:|---:|---:|---:|---|"]
    for row in result["results"]:
        a, q = row["akhbar"], row["akhbar_over_baseline"]
        beside = ", ".join(str(v) for v in a["baseline_docs_per_second_beside"].values())
        lines.append(f"| {row['evaluation']} | {a.get('full_docs_per_second', a['predict_docs_per_second'])} "
                     f"({q['throughput']}×) | "
                     f"{a['label_only_docs_per_second']} ({q['throughput_label_only']}×) | "
                     f"{a['all_cores_docs_per_second']} ({q['throughput_all_cores']}×) | "
                     f"{a['label_only_all_cores_docs_per_second']} ({q['throughput_label_only_all_cores']}×) | "
                     f"{beside} |")
    if result.get("stream"):
        st = result["stream"]
        lines += ["", f"Throughput on a larger stream of unseen articles: SaudiNewsNet ({st['articles']:,} unlabelled "
                  "Saudi articles), labelled by the ant2-random model, each pass a first pass on a freshly loaded "
                  "model (numba's compiled code already loaded), against the baseline's `transform + predict` "
                  "timed just before and after it (see `stream_job`):", "",
                  "| stream | akhbar labels only | akhbar full `predict()` | baseline beside each | new words met |",
                  "|---|---:|---:|---|---:|",
                  f"| saudinewsnet | {st['label_only_docs_per_second']} ({st['label_only_ratio']}×) | "
                  f"{st['full_docs_per_second']} ({st['full_ratio']}×) | "
                  + ", ".join(str(v) for v in st["baseline_docs_per_second_beside"].values())
                  + f" | {st['new_words_in_the_last_table']:,} |"]
    for row in result["results"]:
        b, a = row["baseline"], row["akhbar"]
        if row["evaluation"] == "ant2-to-ant1" and "macro_f1_all_predicted_labels" in a:
            lines += ["", f"ant2-to-ant1 macro-F1 above is over the five shared labels. With scikit-learn's default "
                      f"averaging (every label in the truth *or* the predictions, so wrong `middleEast` answers add a "
                      f"sixth, zero-F1 class): baseline {b['macro_f1_all_predicted_labels']:.4f}, akhbar "
                      f"{a['macro_f1_all_predicted_labels']:.4f}."]
    lines += ["", "Per-label F1:", "", "| evaluation | system | " + " | ".join(_all_labels(result)) + " |",
              "|---|---|" + "---:|" * len(_all_labels(result))]
    for row in result["results"]:
        for system in ("baseline", "akhbar"):
            f1 = row[system]["per_label_f1"]
            lines.append(f"| {row['evaluation']} | {system} | "
                         + " | ".join(f"{f1[k]:.3f}" if k in f1 else "" for k in _all_labels(result)) + " |")
    lines += ["", "Baseline: `TfidfVectorizer()` + `LinearSVC()` on title + text, and gensim `LdaMulticore` "
              "(30 topics, 3 passes) on `simple_preprocess` tokens; its train time is both together. akhbar: "
              "`akhbar.train` defaults (classifier and topic model), saved and reloaded before predicting. "
              "Throughput in the first table is each system's own first pass in its own process; the ratios "
              "compare akhbar with the baseline timed beside it (medians, see above), against the baseline's "
              "`transform + predict` on one core (scikit-learn's `LinearSVC` and `TfidfVectorizer` have no "
              "`n_jobs`); latency is the median of single-article calls; *load s* is `akhbar.load` in the process "
              "that trained (scikit-learn, scipy and numba already imported), *load s, new process* the median of "
              "three new Python processes each importing akhbar and loading the model (for the baseline: unpickling "
              "its fitted vectorizer and SVM, which imports scikit-learn), and *load + first prediction s, new "
              "process* the same through labelling one test article (for akhbar that includes importing numba "
              "and loading its compiled code from the cache); peak memory is "
              "the summed PSS of the process doing the whole job (training, saving, loading, predicting) and all its "
              "worker processes, sampled every 0.1 s.", ""]
    return "\n".join(lines)


def _all_labels(result) -> list[str]:
    labels = set()
    for row in result["results"]:
        for system in ("baseline", "akhbar"):
            labels |= set(row[system]["per_label_f1"])
    return sorted(labels)


# --- memory while streaming ------------------------------------------------------------------------


def _write_repeated(data: Path, path: Path, n: int) -> None:
    """n JSONL articles made by cycling through the shared corpora (ids made unique)."""
    pool = _read(data / "ant2.jsonl.gz") + _read(data / "saudinewsnet.jsonl.gz")
    with open(path, "w", encoding="utf-8") as f:
        for i in range(n):
            r = pool[i % len(pool)]
            f.write(json.dumps({"id": f"{i}", "title": r.get("title") or "", "text": r["text"]},
                               ensure_ascii=False) + "\n")


def run_memory(data: Path, out: Path, model: Path, sizes=(10_000, 100_000, 1_000_000), name="memory") -> dict:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            src, dst = Path(tmp) / f"in-{n}.jsonl", Path(tmp) / f"out-{n}.jsonl"
            _write_repeated(data, src, n)
            cmd = [sys.executable, "-c",
                   "import resource, sys; from akhbar.cli import main; code = main(sys.argv[1:]); "
                   "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr); sys.exit(code)",
                   "predict", "--model", str(model), "--input", str(src), "--output", str(dst), "--top-topics", "3"]
            t = time.perf_counter()
            proc = subprocess.run(cmd, capture_output=True, text=True)
            seconds = time.perf_counter() - t
            if proc.returncode != 0:
                raise RuntimeError(proc.stderr)
            peak_kb = int(proc.stderr.strip().splitlines()[-1])
            with open(dst, encoding="utf-8") as f:
                lines = sum(1 for _ in f)
            rows.append({"articles": n, "input_mb": round(src.stat().st_size / 2**20, 1),
                         "output_lines": lines, "peak_memory_mb": round(peak_kb / 1024, 1),
                         "seconds": round(seconds, 1), "docs_per_second": round(n / seconds, 1)})
            print(f"[memory] {rows[-1]}", file=sys.stderr)
            src.unlink()
            dst.unlink()
    result = {"created": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "machine": machine(), "model": str(model),
              "results": rows}
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{name}.json").write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    lines = [f"# Streaming memory of `akhbar predict --input … --output …` ({result['created']})", "",
             f"Machine: {result['machine']['cpu']}, {result['machine']['cores']} cores. Input: JSONL built at "
             "run time by cycling through ant2 + SaudiNewsNet articles (not kept).", "",
             "| articles | input MB | output lines | peak memory MB | seconds | docs/s |", "|---:|---:|---:|---:|---:|---:|"]
    lines += [f"| {r['articles']:,} | {r['input_mb']} | {r['output_lines']:,} | {r['peak_memory_mb']} | "
              f"{r['seconds']} | {r['docs_per_second']} |" for r in rows]
    (out / f"{name}.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return result


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m akhbar.experiments", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("classify", help="baseline vs akhbar on the standard evaluations")
    p.add_argument("--data", default=os.environ.get("AKHBAR_DATA", "../shared/data"))
    p.add_argument("--out", default="experiments")
    p.add_argument("--evaluations", nargs="+", default=list(EVALUATIONS), choices=EVALUATIONS)
    p.add_argument("--train-sample", type=int)
    p.add_argument("--test-sample", type=int)
    p.add_argument("--config", help="JSON of TrainConfig overrides (default: none, the defaults)")
    p.add_argument("--name", default="classify")
    p = sub.add_parser("memory", help="peak memory of streaming predict as the input grows")
    p.add_argument("--data", default=os.environ.get("AKHBAR_DATA", "../shared/data"))
    p.add_argument("--out", default="experiments")
    p.add_argument("--model", required=True)
    p.add_argument("--sizes", nargs="+", type=int, default=[10_000, 100_000, 1_000_000])
    p.add_argument("--name", default="memory")
    args = parser.parse_args(argv)
    if args.command == "classify":
        config = json.loads(args.config) if args.config else {}
        run_classify(Path(args.data), Path(args.out), args.evaluations, args.train_sample, args.test_sample,
                     config, name=args.name)
    else:
        run_memory(Path(args.data), Path(args.out), Path(args.model), args.sizes, name=args.name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
