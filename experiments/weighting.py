"""The two weightings of the feature blocks against each other, on the three evaluations.

    python experiments/weighting.py --data ../shared/data --out experiments/weighting.md

``"column"`` is scikit-learn's TF-IDF (sublinear tf per column); ``"word"`` takes tf per written
word and sums the words' idf-weighted rows (:data:`akhbar.fast.weighting.WEIGHTINGS`), which lets
``predict()`` score from one record per word. Everything else is ``akhbar.train``'s defaults,
but without the topic model (it plays no part in the label). Each model is trained once per
evaluation and weighting, and scored through ``Predictor.predict`` (the path users call) on the
evaluation's test articles. The validation column is the trainer's own held-out 10 % of the
training articles (before the refit): the figure to choose by, since the test columns must not be.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from akhbar.bench.data import EVALUATIONS, load_evaluation
from akhbar.predictor import Predictor
from akhbar.train import TrainConfig, evaluate_predictions, train


def run(data: Path, evaluation: str, weighting: str) -> dict:
    train_docs, test_docs, labels = load_evaluation(evaluation, data)
    started = time.perf_counter()
    model = train(train_docs, TrainConfig(topics=0, weighting=weighting))
    seconds = time.perf_counter() - started
    results = Predictor(model, {}).predict([d.full_text for d in test_docs], top_topics=0, top_terms=0)
    test = evaluate_predictions([d.label for d in test_docs], [r.label for r in results], labels=labels)
    return {"evaluation": evaluation, "weighting": weighting, "train_seconds": round(seconds, 1),
            "validation_macro_f1": model.metrics["validation"]["macro_f1"],
            "test_macro_f1": test["macro_f1"], "test_accuracy": test["accuracy"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--out", type=Path, default=Path("experiments/weighting.md"))
    args = parser.parse_args()
    rows = []
    for evaluation in EVALUATIONS:
        for weighting in ("column", "word"):
            rows.append(run(args.data, evaluation, weighting))
            print(json.dumps(rows[-1]), flush=True)
    lines = ["# Column against word weighting (`TrainConfig.weighting`)", "",
             "Produced by `python experiments/weighting.py`; see its docstring. Macro-F1 (the transfer",
             "evaluation over its five shared labels); validation is the trainer's held-out 10 % of the",
             "training articles. Train seconds are for orientation only (timings are in `classify.md`).", "",
             "| evaluation | weighting | validation macro-F1 | test macro-F1 | test accuracy | train s |",
             "|---|---|---:|---:|---:|---:|"]
    for r in rows:
        lines.append(f"| {r['evaluation']} | {r['weighting']} | {r['validation_macro_f1']:.4f} | "
                     f"{r['test_macro_f1']:.4f} | {r['test_accuracy']:.4f} | {r['train_seconds']} |")
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    args.out.with_suffix(".json").write_text(json.dumps(rows, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
