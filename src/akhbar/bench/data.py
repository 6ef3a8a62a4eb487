"""The standard evaluations of ``../shared/data/README.md``, read as akhbar documents."""

from __future__ import annotations

import gzip
import json
import random
from pathlib import Path


from akhbar.corpus import Document


SHARED_LABELS = ["culture", "economy", "internationalNews", "sport", "technology"]
EVALUATIONS = ("ant2-random", "ant2-cross-outlet", "ant2-to-ant1")


# --- data ------------------------------------------------------------------------------------------


def _read(path: Path) -> list[dict]:
    with gzip.open(path, "rt", encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def _docs(records) -> list[Document]:
    return [Document(text=r["text"], title=r.get("title"), label=r.get("label"), id=r.get("id")) for r in records]


def _sample(records: list, n: int | None, seed: int) -> list:
    if n is None or n >= len(records):
        return records
    return random.Random(seed).sample(records, n)


def load_evaluation(name: str, data: Path, train_sample: int | None = None, test_sample: int | None = None,
                    seed: int = 0) -> tuple[list[Document], list[Document], list[str] | None]:
    """(train docs, test docs, labels the macro average runs over) for a standard evaluation."""
    ant2 = _read(data / "ant2.jsonl.gz")
    if name == "ant2-random":
        train = [r for r in ant2 if r["split"] == "train"]
        test = [r for r in ant2 if r["split"] == "test"]
        labels = None
    elif name == "ant2-cross-outlet":
        train = [r for r in ant2 if r["outlet"] != "BBC"]
        test = [r for r in ant2 if r["outlet"] == "BBC"]
        labels = None
    elif name == "ant2-to-ant1":
        train = ant2
        test = [r for r in _read(data / "ant1.jsonl.gz") if r["label"] in SHARED_LABELS]
        labels = SHARED_LABELS
    else:
        raise ValueError(f"unknown evaluation {name!r}; choose from {', '.join(EVALUATIONS)}")
    return (_docs(_sample(train, train_sample, seed)), _docs(_sample(test, test_sample, seed + 1)), labels)


# --- measuring in a child process -----------------------------------------------------------------


