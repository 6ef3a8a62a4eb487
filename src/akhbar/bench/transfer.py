"""The ant2 → ant1 transfer read three ways: as the model answers, with the natural label map
``middleEast=internationalNews``, and restricted to the five shared labels (issue #21).

ANT v1.1 (JawharaFM) has five of ant2's six labels and no ``middleEast``. ``classify.md`` scores
the transfer over those five labels with the model's own answers, so an article the model calls
``middleEast`` is simply wrong. Here the same kind of model (``akhbar.train`` defaults, saved and
reloaded) labels the same ant1 articles again through ``predict(label_map=...)`` and
``predict(labels=...)``, each scored over the five shared labels: macro-F1, accuracy, and
scikit-learn's default macro (over every label in the truth or the answers). It trains on all of
ant2 (the standard evaluation, as in ``classify.md``) and on ant2's train split alone; ant1 is
never trained on. Only figures are written, never article text.

    python -m akhbar.bench transfer --data ../shared/data --out experiments --seed 0
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

from akhbar.bench.data import SHARED_LABELS, _docs, _read
from akhbar.bench.jobs import _metrics, machine, write_result

NATURAL_MAP = {"middleEast": "internationalNews"}
TRAINS = ("all", "train")  #: all of ant2 (the standard evaluation), or its train split only
READINGS = {  # name → predict() keywords
    "as answered": {},
    "label map middleEast=internationalNews": {"label_map": NATURAL_MAP},
    "restricted to the 5 shared labels": {"labels": SHARED_LABELS},
}


def run_transfer(data: Path, out: Path, seed: int = 0, trains=TRAINS, name: str = "transfer",
                 command: str = "python -m akhbar.bench transfer", log=None) -> dict:
    """Train on ant2 (each of *trains*), label ant1's shared-label articles each way; write
    ``out/NAME.md`` and ``out/NAME.json``."""
    import akhbar
    from akhbar.bundle import save
    from akhbar.train import TrainConfig, train

    log = log or (lambda m: print(m, file=sys.stderr, flush=True))
    ant2 = _read(data / "ant2.jsonl.gz")
    test = _docs([r for r in _read(data / "ant1.jsonl.gz") if r["label"] in SHARED_LABELS])
    texts, truth = [d.full_text for d in test], [d.label for d in test]
    rows = []
    for which in trains:
        records = ant2 if which == "all" else [r for r in ant2 if r["split"] == "train"]
        docs = _docs(records)
        log(f"[transfer] training on {which} of ant2: {len(docs)} articles, seed {seed}")
        t0 = time.perf_counter()
        model = train(docs, TrainConfig.from_dict({"seed": seed}))
        seconds = round(time.perf_counter() - t0, 1)
        del docs
        with tempfile.TemporaryDirectory() as tmp:
            predictor = akhbar.load(save(model, Path(tmp) / "model"))
            del model
            predictor.predict(texts, top_topics=0, top_terms=0)  # warm: ant1's new words join the table
            readings = {}
            for reading, options in READINGS.items():
                times = []
                for _ in range(3):
                    t = time.perf_counter()
                    results = predictor.predict(texts, top_topics=0, top_terms=0, **options)
                    times.append(time.perf_counter() - t)
                took = statistics.median(times)
                answers = [r.label if r.label is not None else "<error>" for r in results]
                readings[reading] = {**_metrics(truth, answers, SHARED_LABELS),
                                     "answered_middleEast": sum(a == "middleEast" for a in answers),
                                     "label_only_docs_per_second": round(len(texts) / took, 1)}
                log(f"[transfer] {which} / {reading}: macro-F1 {readings[reading]['macro_f1']}, "
                    f"accuracy {readings[reading]['accuracy']}")
        rows.append({"train": which, "train_documents": len(records), "train_seconds": seconds,
                     "test_documents": len(test), "readings": readings})
    result = {"created": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "machine": machine(), "command": command,
              "seed": seed, "config": "defaults", "labels": SHARED_LABELS, "label_map": NATURAL_MAP,
              "results": rows}
    return write_result(out, name, result, render_transfer(result))


def render_transfer(result: dict) -> str:
    m = result["machine"]
    trained = {"all": "all of ant2", "train": "ant2 train split"}
    lines = [f"# ant2 → ant1 transfer under a label map ({result['created']})", "",
             f"Command: `{result['command']}`", "",
             f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory_gb']} GB; Python {m['python']}, "
             f"numpy {m['numpy']}, scikit-learn {m['scikit-learn']}, akhbar {m['akhbar']}. "
             f"akhbar config: {result['config']}, seed {result['seed']}.", "",
             "akhbar's model (`akhbar.train` defaults, saved and reloaded) labels the ANT v1.1 (JawharaFM) articles "
             f"whose label is one of the five it shares with ant2 ({', '.join(result['labels'])}), read three ways "
             "through `predict()`: as the model answers (six labels, a `middleEast` answer is wrong), with "
             "`label_map={\"middleEast\": \"internationalNews\"}` (middleEast's probability summed into "
             "internationalNews), and with `labels=` the five shared labels (their probabilities renormalised). "
             "Macro-F1 and accuracy are over the five shared labels; *sklearn macro* is scikit-learn's default "
             "average, over every label in the truth or the answers. ant1 is never trained on.", "",
             "| trained on | train docs | test docs | reading | macro-F1 | accuracy | sklearn macro "
             "| `middleEast` answers | labels-only docs/s |",
             "|---|---:|---:|---|---:|---:|---:|---:|---:|"]
    for row in result["results"]:
        for reading, r in row["readings"].items():
            lines.append(f"| {trained.get(row['train'], row['train'])} | {row['train_documents']} | "
                         f"{row['test_documents']} | {reading} | {r['macro_f1']:.4f} | {r['accuracy']:.4f} | "
                         f"{r['macro_f1_all_predicted_labels']:.4f} | {r['answered_middleEast']} | "
                         f"{r['label_only_docs_per_second']} |")
    lines += ["", "Per-label F1:", "", "| trained on | reading | " + " | ".join(result["labels"]) + " |",
              "|---|---|" + "---:|" * len(result["labels"])]
    for row in result["results"]:
        for reading, r in row["readings"].items():
            lines.append(f"| {trained.get(row['train'], row['train'])} | {reading} | "
                         + " | ".join(f"{r['per_label_f1'][k]:.3f}" for k in result["labels"]) + " |")
    lines += ["", "The docs/s column is the median of three labels-only passes (`top_topics=0, top_terms=0`) of each "
              "reading on the same loaded model, after one untimed pass that puts ant1's words in its table: a rough "
              "check of what the map and the subset cost, not a throughput benchmark (that is `classify.md`).", ""]
    return "\n".join(lines)
