"""``python -m akhbar.bench classify|memory|topics|spark|transfer …`` (see :mod:`akhbar.bench`)."""

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
    p = sub.add_parser("topics", help="topic coherence and diversity: akhbar's topic recipe vs plain gensim on ant2")
    p.add_argument("--data", default=os.environ.get("AKHBAR_DATA", "../shared/data"))
    p.add_argument("--out", default="experiments")
    p.add_argument("--topics", type=int, default=30, help="K, the number of topics (default 30)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--no-ablation", dest="ablation", action="store_false",
                   help="fit only the chosen recipe beside gensim, not every step of the ablation")
    p.add_argument("--cache", help="folder for the tokenized corpus (default: a folder in the system's temp dir)")
    p.add_argument("--choose-k", default="10..60", metavar="RANGE",
                   help="the K range of the chosen recipe's choose-K curve (default 10..60; 'none': no curve)")
    p.add_argument("--name", default="topics")
    p = sub.add_parser("spark", help="throughput of --engine spark on local[2] against local predict() (SaudiNewsNet)")
    p.add_argument("--data", default=os.environ.get("AKHBAR_DATA", "../shared/data"))
    p.add_argument("--out", default="experiments")
    p.add_argument("--model", required=True, help="a model folder, e.g. trained on ant2's train split")
    p.add_argument("--partitions", type=int, default=4)
    p.add_argument("--name", default="spark")
    p = sub.add_parser("transfer", help="ant2 -> ant1 with akhbar's model as answered, under the label map "
                                        "middleEast=internationalNews, and restricted to the 5 shared labels")
    p.add_argument("--data", default=os.environ.get("AKHBAR_DATA", "../shared/data"))
    p.add_argument("--out", default="experiments")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--train", nargs="+", choices=("all", "train"), default=["all", "train"],
                   help="train on all of ant2 (the standard evaluation), its train split, or both (default)")
    p.add_argument("--name", default="transfer")
    args = parser.parse_args(argv)
    if args.command == "classify":
        config = json.loads(args.config) if args.config else {}
        run_classify(Path(args.data), Path(args.out), args.evaluations, args.train_sample, args.test_sample,
                     config, name=args.name)
    elif args.command == "topics":
        from akhbar.bench.topics import command_line, run_topics

        run_topics(Path(args.data), Path(args.out), k=args.topics, seed=args.seed, ablation=args.ablation,
                   cache=Path(args.cache) if args.cache else None, name=args.name, command=command_line(argv),
                   choose_range=None if args.choose_k.lower() == "none" else args.choose_k)
    elif args.command == "transfer":
        from akhbar.bench.topics import command_line
        from akhbar.bench.transfer import run_transfer

        run_transfer(Path(args.data), Path(args.out), seed=args.seed, trains=args.train, name=args.name,
                     command=command_line(argv))
    elif args.command == "spark":
        from akhbar.bench.spark import run_spark
        from akhbar.bench.topics import command_line

        run_spark(Path(args.data), Path(args.out), Path(args.model), name=args.name, partitions=args.partitions,
                  command=command_line(argv), log=lambda m: print(m, file=sys.stderr, flush=True))
    else:
        run_memory(Path(args.data), Path(args.out), Path(args.model), args.sizes, name=args.name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
