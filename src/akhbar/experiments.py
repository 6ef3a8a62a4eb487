"""``python -m akhbar.experiments``: the benchmark harness under its earlier name (:mod:`akhbar.bench`).

Kept so that the commands written in ``experiments/*.md`` and older notes still run; the names
the experiment scripts import from here are the harness's own.
"""

import sys

from akhbar.bench.__main__ import main
from akhbar.bench.classify import render_classify, run_classify
from akhbar.bench.data import EVALUATIONS, SHARED_LABELS, _read, load_evaluation
from akhbar.bench.memory import run_memory
from akhbar.bench.process import TreeMemory

__all__ = ["EVALUATIONS", "SHARED_LABELS", "TreeMemory", "_read", "load_evaluation", "main", "render_classify",
           "run_classify", "run_memory"]

if __name__ == "__main__":
    sys.exit(main())
