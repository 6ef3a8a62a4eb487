"""``python -m akhbar.bench classify|memory …`` (see :mod:`akhbar.bench`)."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path


from akhbar.bench.classify import run_classify
from akhbar.bench.data import EVALUATIONS
from akhbar.bench.memory import run_memory


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m akhbar.bench", description="Benchmarks: akhbar against the plain scikit-learn/gensim route, in one run.")
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
