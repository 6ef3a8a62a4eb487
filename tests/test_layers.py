"""The package's layers, bottom to top, and a walk over every import that fails on one running upward.

A module may import from its own layer and the layers below it, never above. Imports inside
functions count (a lazy import is still a dependency); imports under ``if TYPE_CHECKING:`` do not
(they never run). ``from akhbar import __version__`` reads a constant of the root package and is
allowed everywhere; anything else from the root (its lazy ``load``/``predict``) is the top layer.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "akhbar"

LAYERS = [
    ["akhbar.text", "akhbar.corpus"],   # Arabic text, and readers of corpora: no other akhbar import
    ["akhbar.fast"],                    # the compiled path's kernels, word table and featurizer
    ["akhbar.features"],                # the feature blocks, fitted halves and their estimators
    ["akhbar.classify"],                # the classifier, its estimator and metrics
    ["akhbar.topics"],                  # topic quality, choosing K, guided topics, timelines
    ["akhbar.train"],                   # TrainConfig, Model, train()
    ["akhbar.bundle"],                  # the model folder
    ["akhbar.predictor"],               # load(), Predictor, Prediction
    ["akhbar.report"],                  # topic reports (Markdown, JSON, HTML)
    ["akhbar.engines"],                 # other engines (Spark)
    ["akhbar.estimators", "akhbar.topic_commands", "akhbar.cli", "akhbar.bench", "akhbar.experiments",
     "akhbar"],  # entry points
]


def layer_of(module: str) -> int:
    """The index in :data:`LAYERS` of the longest prefix that names *module*."""
    best, depth = None, -1
    for i, names in enumerate(LAYERS):
        for name in names:
            if (module == name or module.startswith(name + ".")) and name.count(".") > depth:
                best, depth = i, name.count(".")
    if best is None:
        raise KeyError(f"{module} is in no layer: add it to tests/test_layers.py LAYERS")
    return best


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _type_checking_nodes(tree: ast.AST) -> set[int]:
    """ids of the nodes under ``if TYPE_CHECKING:``."""
    skip = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and getattr(node.test, "id", getattr(node.test, "attr", None)) == "TYPE_CHECKING":
            skip.update(id(n) for child in node.body for n in ast.walk(child))
    return skip


def imports_of(path: Path) -> list[tuple[int, str]]:
    """(line, imported akhbar module) for every import in the file that runs."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip, found = _type_checking_nodes(tree), []
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names if a.name.split(".")[0] == "akhbar"]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module and node.module.split(".")[0] == "akhbar":
            if node.module == "akhbar":
                found += [(node.lineno, f"akhbar.{a.name}") for a in node.names if a.name != "__version__"]
            else:
                found.append((node.lineno, node.module))
    return found


def upward_imports() -> list[str]:
    problems = []
    for path in sorted(PACKAGE.rglob("*.py")):
        here = module_name(path)
        for line, target in imports_of(path):
            if target == "akhbar":
                target = "akhbar.__init__"
            if layer_of(target) > layer_of(here):
                problems.append(f"{path.relative_to(PACKAGE.parent)}:{line}: {here} (layer {layer_of(here)}) "
                                f"imports {target} (layer {layer_of(target)})")
    return problems


def test_every_module_has_a_layer():
    for path in PACKAGE.rglob("*.py"):
        layer_of(module_name(path))


def test_no_import_runs_upward():
    assert upward_imports() == []


def test_the_check_sees_an_upward_import(tmp_path):
    """The walk is not vacuous: a text module importing the predictor is caught, lazily or not,
    and the same import under TYPE_CHECKING is not."""
    fake = tmp_path / "akhbar"
    (fake / "text").mkdir(parents=True)
    (fake / "text" / "bad.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from akhbar.bundle import save\n"
        "def f():\n    from akhbar.predictor import load\n", encoding="utf-8")
    globals()["PACKAGE"], saved = fake, PACKAGE
    try:
        problems = upward_imports()
    finally:
        globals()["PACKAGE"] = saved
    assert len(problems) == 1 and "akhbar.predictor" in problems[0] and ":5:" in problems[0]
