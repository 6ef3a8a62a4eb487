"""Outlets without a section: should their articles count against that label?

    python experiments/sections.py --data ../shared/data --out experiments/sections.md

Each ant2 outlet files under its own sections. AlArabiya has no middleEast, CNN and SkyNews no
culture, France24 no technology (not one article each). So an AlArabiya article about Syria is
filed under internationalNews, and a classifier fitted on every outlet learns that Syria stories
are *not* middleEast from AlArabiya's articles while learning that they are from the others'.
BBC files under all six labels, which is why this matters for the cross-outlet evaluation.

Treated as partial labels, an article of an outlet without section L tells nothing about L: its
true label is its filed label *or* L. The one-vs-rest SVMs here (LinearSVC's multiclass
strategy, written out so each binary problem can weigh its negatives) give such articles weight
*w* as negatives for L and full weight everywhere else; w = 1 is plain one-vs-rest, w = 0 drops
them from L's problem. Class balance as in the default (every article weighs
n / (labels x its label's count), positives and negatives alike; LinearSVC's own
``class_weight`` weighs only the positives of each problem, the first row). Features are
akhbar's default rows (``ceiling.featurize``), C is ``TrainConfig().C``. The outlet of a
*training* article is used to know which sections it lacks, never as a feature; test articles'
outlets only split the random evaluation's score by outlet.

These rows are scored on the three evaluations' test sets: an exploration of one idea, kept as
a record of what it does, not a way to choose a setting (nothing here is a default). Leave-one-
outlet-out inside the train split (``outlets.py``) cannot judge it: every outlet but BBC lacks a
section, so its held-out articles are filed by the very convention this removes.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
from sklearn.metrics import f1_score
from sklearn.svm import LinearSVC

from akhbar.bench.data import SHARED_LABELS, _read
from ceiling import CONFIG, featurize, full_text

WEIGHTS = (1.0, 0.5, 0.25, 0.0)


def one_vs_rest(X, y, outlet, X_test, labels, weight: float) -> np.ndarray:
    """Decision values of balanced one-vs-rest SVMs; an article whose outlet has no article under
    label L weighs *weight* as a negative for L."""
    counts = np.array([(y == label).sum() for label in labels])
    balanced = y.size / (labels.size * counts[np.searchsorted(labels, y)])
    has = {o: set(y[outlet == o]) for o in np.unique(outlet)}
    scores = np.zeros((X_test.shape[0], labels.size))
    for k, label in enumerate(labels):
        lacks = np.array([label not in has[o] for o in outlet])
        w = balanced * np.where(lacks, weight, 1.0)
        keep = np.flatnonzero(w > 0)
        svm = LinearSVC(C=CONFIG.C, random_state=CONFIG.seed)
        svm.fit(X[keep], y[keep] == label, sample_weight=w[keep])
        scores[:, k] = svm.decision_function(X_test)
    return scores


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", default="../shared/data")
    parser.add_argument("--out", default="experiments/sections.md")
    args = parser.parse_args()
    ant2 = _read(Path(args.data) / "ant2.jsonl.gz")
    ant1 = [r for r in _read(Path(args.data) / "ant1.jsonl.gz") if r["label"] in SHARED_LABELS]
    evaluations = {
        "ant2-random": ([r for r in ant2 if r["split"] == "train"], [r for r in ant2 if r["split"] == "test"]),
        "ant2-cross-outlet": ([r for r in ant2 if r["outlet"] != "BBC"], [r for r in ant2 if r["outlet"] == "BBC"]),
        "ant2-to-ant1": (ant2, ant1),
    }
    rows, by_outlet = {}, {}
    for name, (fit, test) in evaluations.items():
        t = time.perf_counter()
        X, X_test = featurize([full_text(r) for r in fit], [full_text(r) for r in test])
        y, y_test = np.array([r["label"] for r in fit]), np.array([r["label"] for r in test])
        outlet, test_outlet = np.array([r["outlet"] for r in fit]), np.array([r["outlet"] for r in test])
        labels, present = np.unique(y), sorted(set(y_test))
        lacking = {o: sorted(set(labels) - set(y[outlet == o])) for o in np.unique(outlet)}
        print(f"{name}: features {time.perf_counter() - t:.0f} s; sections lacking: {lacking}", flush=True)
        predictions = {"LinearSVC, class_weight='balanced' (the default)":
                       LinearSVC(C=CONFIG.C, class_weight="balanced", random_state=CONFIG.seed).fit(X, y).predict(X_test)}
        for w in WEIGHTS:
            predictions[f"one-vs-rest, lacking outlets' articles as negatives x{w:g}"] = \
                labels[one_vs_rest(X, y, outlet, X_test, labels, w).argmax(axis=1)]
        for variant, predicted in predictions.items():
            score = f1_score(y_test, predicted, labels=present, average="macro")
            rows.setdefault(variant, {})[name] = score
            if name == "ant2-random":
                by_outlet[variant] = {o: f1_score(y_test[test_outlet == o], predicted[test_outlet == o],
                                                  labels=sorted(set(y_test[test_outlet == o])), average="macro")
                                      for o in np.unique(test_outlet)}
            print(f"  {variant}: macro-F1 {score:.4f}", flush=True)
    names, outlets = list(evaluations), sorted(next(iter(by_outlet.values())))
    lines = ["# Outlets without a section (partial labels)", "",
             "Produced by `python experiments/sections.py`; see its docstring. Macro-F1 on each evaluation's",
             f"test set (transfer: over its five labels); akhbar's default features, C={CONFIG.C}.", "",
             "| variant | " + " | ".join(names) + " |", "|---|" + "---:|" * len(names)]
    lines += [f"| {v} | " + " | ".join(f"{r[n]:.4f}" for n in names) + " |" for v, r in rows.items()]
    lines += ["", "The random split's test articles by outlet (macro-F1 over the labels each outlet has):", "",
              "| variant | " + " | ".join(outlets) + " |", "|---|" + "---:|" * len(outlets)]
    lines += [f"| {v} | " + " | ".join(f"{r[o]:.4f}" for o in outlets) + " |" for v, r in by_outlet.items()]
    Path(args.out).write_text("\n".join(lines) + "\n", encoding="utf-8")
    Path(args.out).with_suffix(".json").write_text(json.dumps({"macro_f1": rows, "random_by_outlet": by_outlet},
                                                              indent=1) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
