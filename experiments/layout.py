"""Did the move into subpackages (issue #18) change prediction's speed? Both trees, one run.

    python experiments/layout.py --data ../shared/data --before c262d6a --out experiments

The code *before* the move is checked out (``git worktree``) beside this one, and the same model
folder, trained once by the current code on ant2's train split (the format did not change, so
both load it), labels ant2's 5,690 test articles in fresh processes, alternating the two trees:
``predict(texts, top_topics=0, top_terms=0)`` (labels only) on a freshly loaded model, first pass
and a second, warm pass. Each tree runs ``--rounds`` times; the table gives every pass and the
ratio of the medians (after / before). The processes also check that both trees give the same
labels, so the ratio compares the same work.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

PASS = r"""
import gc, gzip, hashlib, json, sys, time
sys.path.insert(0, sys.argv[1])
import akhbar
assert akhbar.__file__.startswith(sys.argv[1]), akhbar.__file__
with gzip.open(sys.argv[3], "rt", encoding="utf-8") as f:
    texts = [(r.get("title") or "") + "\n" + r["text"] for r in map(json.loads, f) if r["split"] == "test"]
predictor = akhbar.load(sys.argv[2])
predictor.predict(texts[:2], top_topics=0, top_terms=0)  # numba's compiled code loaded, not timed
gc.collect()
seconds = []
for _ in range(2):
    start = time.perf_counter()
    labels = [p.label for p in predictor.predict(texts, top_topics=0, top_terms=0)]
    seconds.append(time.perf_counter() - start)
print(json.dumps({"docs": len(texts), "seconds": seconds,
                  "labels": hashlib.sha256("\n".join(labels).encode()).hexdigest()}))
"""


def one_pass(src: Path, model: Path, data: Path) -> dict:
    done = subprocess.run([sys.executable, "-c", PASS, str(src), str(model), str(data / "ant2.jsonl.gz")],
                          capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(src)})
    if done.returncode != 0:
        raise SystemExit(done.stderr[-3000:])
    return json.loads(done.stdout.strip().splitlines()[-1])


def train_model(data: Path, folder: Path) -> None:
    from akhbar.bench.data import load_evaluation
    from akhbar.bundle import save
    from akhbar.train import train

    train_docs, _, _ = load_evaluation("ant2-random", data)
    save(train(train_docs), folder, overwrite=True)


def render(result: dict) -> str:
    rows = ["| tree | round | first pass (docs/s) | warm pass (docs/s) |", "|---|---:|---:|---:|"]
    for tree in ("before", "after"):
        for i, run in enumerate(result[tree], 1):
            first, warm = (run["docs"] / s for s in run["seconds"])
            rows.append(f"| {tree} | {i} | {first:,.0f} | {warm:,.0f} |")
    r = result["ratios"]
    return "\n".join([
        "# Prediction speed before and after the move into subpackages (issue #18)", "",
        f"Command: `python experiments/layout.py --data ../shared/data --before {result['before_rev']}"
        f" --rounds {result['rounds']}`. Labels only (`top_topics=0, top_terms=0`), ant2's "
        f"{result['before'][0]['docs']:,} test articles, one freshly loaded model per process, the two trees "
        "alternating; machine: 2 cores, shared with other work during the run, so only the ratio counts.", "",
        *rows, "",
        f"Ratio of the medians, after / before: first pass **{r['first']:.2f}×**, warm pass **{r['warm']:.2f}×**. "
        f"Same labels from both trees: {result['same_labels']}.", ""])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", default=os.environ.get("AKHBAR_DATA", "../shared/data"))
    parser.add_argument("--before", default="c262d6a", help="the commit before the move")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--out", default="experiments")
    args = parser.parse_args(argv)
    data = Path(args.data)
    with tempfile.TemporaryDirectory(prefix="akhbar-layout-") as tmp:
        before = Path(tmp) / "before"
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(before), args.before],
                       check=True, capture_output=True)
        try:
            model = Path(tmp) / "model"
            train_model(data, model)
            runs = {"before": [], "after": []}
            for _ in range(args.rounds):
                runs["before"].append(one_pass(before / "src", model, data))
                runs["after"].append(one_pass(ROOT / "src", model, data))
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(before)], capture_output=True)
    med = {tree: [statistics.median(run["docs"] / run["seconds"][i] for run in runs[tree]) for i in (0, 1)]
           for tree in runs}
    result = {"before_rev": args.before, "rounds": args.rounds, **runs,
              "ratios": {"first": med["after"][0] / med["before"][0], "warm": med["after"][1] / med["before"][1]},
              "same_labels": len({run["labels"] for tree in runs for run in runs[tree]}) == 1}
    out = Path(args.out)
    (out / "layout.json").write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    (out / "layout.md").write_text(render(result), encoding="utf-8")
    print(render(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
