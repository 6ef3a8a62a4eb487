"""Shared fixtures: a small model trained once per session on the built-in seeds, and the path to
the real corpora in ``../shared/data`` (``AKHBAR_DATA``), which CI must have."""

from __future__ import annotations

import gzip
import json
import os
from pathlib import Path

import pytest
from hypothesis import settings

# In CI the property tests replay the same examples every run (derandomize), so a green run stays
# green; locally they explore new random examples each time.
settings.register_profile("ci", derandomize=True, deadline=None)
if os.environ.get("CI"):
    settings.load_profile("ci")

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"


def shared_data_dir() -> Path:
    return Path(os.environ.get("AKHBAR_DATA", ROOT.parent / "shared" / "data"))


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The real corpora. Missing data fails the run in CI (CI=true) and skips elsewhere."""
    path = shared_data_dir()
    if not (path / "ant2.jsonl.gz").exists():
        message = f"shared corpora not found at {path} (set AKHBAR_DATA)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path


def read_jsonl_gz(path: Path, limit: int | None = None, where=None) -> list[dict]:
    out = []
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            if where is None or where(d):
                out.append(d)
                if limit and len(out) >= limit:
                    break
    return out


@pytest.fixture(scope="session")
def seed_docs():
    from akhbar.corpus import read_corpus

    return list(read_corpus(SEEDS))


@pytest.fixture(scope="session")
def small_config():
    from akhbar.train import TrainConfig

    return TrainConfig(topics=6, lda_passes=5, seed=0)


@pytest.fixture(scope="session")
def trained_dir(tmp_path_factory, seed_docs, small_config) -> Path:
    """A model trained on the seeds and saved: the overfit-save-reload subject."""
    from akhbar.bundle import save
    from akhbar.train import train

    model = train(seed_docs, small_config)
    return save(model, tmp_path_factory.mktemp("models") / "seeds")


@pytest.fixture(scope="session")
def predictor(trained_dir):
    import akhbar

    return akhbar.load(trained_dir)
