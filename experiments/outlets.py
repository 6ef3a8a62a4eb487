"""Which classifier settings carry over to an outlet never seen in training (leave one outlet out).

    python experiments/outlets.py --data ../shared/data --out experiments/outlets.md

The cross-outlet evaluation holds out BBC; choosing settings on it would tune on its test set.
This runs the same kind of test *inside* ant2's train split without BBC: each of the other
outlets is held out in turn, the classifier is fit on the rest, and macro-F1 is taken over the
labels the held-out outlet has (AlArabiya files nothing under middleEast); two random validation
splits of the same articles sit beside it, since a setting that travels better may lose at home.
Each row changes one thing against the default (word TF-IDF over light-stemmed tokens + char
2-5-grams over ``char_view`` text with ``max_df=0.03``, LinearSVC C=0.2 balanced).
"""

from __future__ import annotations

import argparse
import gzip
import json
import time
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from sklearn.metrics import f1_score
from sklearn.model_selection import train_test_split
from sklearn.svm import LinearSVC

from akhbar.features import CharNgrams, WordTfidf
from akhbar.text import Analyzer, char_view, normalize

VARIANTS = {
    "default": {},
    "chars over normalized text": {"view": "normalized"},
    "C=0.1": {"C": 0.1},
    "C=0.05": {"C": 0.05},
    "char max_df=0.05": {"max_df": 0.05},
    "words only": {"chars": False},
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", default="../shared/data")
    parser.add_argument("--out", default="experiments/outlets.md")
    args = parser.parse_args()
    with gzip.open(Path(args.data) / "ant2.jsonl.gz", "rt", encoding="utf-8") as f:
        records = [r for r in map(json.loads, f) if r["split"] == "train" and r["outlet"] != "BBC"]
    raw = [f"{r['title']}\n{r['text']}" for r in records]
    y = np.array([r["label"] for r in records])
    outlet = np.array([r["outlet"] for r in records])
    analyzer = Analyzer()
    tokens = [analyzer(t) for t in raw]
    views = {"written": [char_view(t) for t in raw], "normalized": [normalize(t) for t in raw]}
    outlets = sorted(set(outlet))
    # the outlets held out one at a time, then two random 10% validation splits for comparison
    splits = [(o, np.flatnonzero(outlet != o), np.flatnonzero(outlet == o)) for o in outlets]
    for seed in (0, 1):
        fit, val = train_test_split(np.arange(len(y)), test_size=0.1, random_state=seed, stratify=y)
        splits.append((f"random {seed}", np.sort(fit), np.sort(val)))
    scores: dict[str, dict[str, float]] = {name: {} for name in VARIANTS}
    for held, fit, test in splits:
        words = WordTfidf(ngram_range=(1, 1), min_df=2, max_df=0.9)
        W_fit, W_test = words.fit_transform([tokens[i] for i in fit]), words.transform([tokens[i] for i in test])
        char_blocks = {}
        for name, options in VARIANTS.items():
            t = time.perf_counter()
            X_fit, X_test = W_fit, W_test
            if options.get("chars", True):
                view, max_df = options.get("view", "written"), options.get("max_df", 0.03)
                if (view, max_df) not in char_blocks:
                    chars = CharNgrams(ngram_range=(2, 5), min_df=2, max_df=max_df, max_features=300_000)
                    char_blocks[view, max_df] = (chars.fit_transform([views[view][i] for i in fit]),
                                                 chars.transform([views[view][i] for i in test]))
                C_fit, C_test = char_blocks[view, max_df]
                X_fit = sp.hstack([W_fit, C_fit], format="csr", dtype=np.float64)
                X_test = sp.hstack([W_test, C_test], format="csr", dtype=np.float64)
            svm = LinearSVC(C=options.get("C", 0.2), class_weight="balanced", random_state=0).fit(X_fit, y[fit])
            present = sorted(set(y[test]))
            f1 = f1_score(y[test], svm.predict(X_test), labels=present, average="macro")
            scores[name][held] = f1
            print(f"{held} ({len(test)}): {name}: macro-F1 {f1:.4f} ({time.perf_counter() - t:.0f} s)", flush=True)
    counts = {o: int((outlet == o).sum()) for o in outlets}
    lines = ["# Leave one outlet out (ant2 train split, BBC never used)", "",
             "Produced by `python experiments/outlets.py`; see its docstring. Macro-F1 on each held-out",
             "outlet over the labels it has (the outlet mean weighs outlets equally), then on two random",
             "10% validation splits of the same articles for comparison.", "",
             "| variant | " + " | ".join(f"{o} ({counts[o]})" for o in outlets)
             + " | **outlet mean** | random 0 | random 1 | **random mean** |",
             "|---|" + "---:|" * (len(outlets) + 4)]
    for name, row in scores.items():
        held_out = [row[o] for o in outlets]
        random = [row["random 0"], row["random 1"]]
        lines.append(f"| {name} | " + " | ".join(f"{v:.4f}" for v in held_out)
                     + f" | **{np.mean(held_out):.4f}** | {random[0]:.4f} | {random[1]:.4f} | **{np.mean(random):.4f}** |")
    Path(args.out).write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
