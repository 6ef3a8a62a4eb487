"""The classify benchmark: the standard evaluations, both systems, one run; its Markdown table."""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path


from akhbar.bench.data import EVALUATIONS, load_evaluation
from akhbar.bench.jobs import (_new_process_seconds, _ratio, akhbar_job, baseline_job, machine, stream_job,
                              write_result)
from akhbar.bench.process import _in_child


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
    return write_result(out, name, result, render_classify(result))


def render_classify(result: dict) -> str:
    m = result["machine"]
    lines = [f"# Classification benchmark ({result['created']})", "",
             "Command: `python -m akhbar.bench classify --data ../shared/data --out experiments`", "",
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


