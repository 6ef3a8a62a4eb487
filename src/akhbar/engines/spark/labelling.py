"""Label a corpus on Apache Spark with the same code as local ``akhbar.load(dir).predict()``.

Why this shape: a Spark job must never be killed by one bad article, and its labels must be the
ones a laptop gives. So the model folder is shipped to the executors as it is (``addFile``, its
files byte for byte) and each Python worker calls :func:`akhbar.predictor.load` on its copy,
which checks the manifest and the SHA-256 of every file exactly as a local load does. Each Arrow
batch is labelled by ``Predictor.predict``; a record that cannot be labelled (no text, not a
string, empty, no Arabic, a JSON line that does not parse) becomes an error row, never an
exception that fails the task.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from .session import read_input

OUTPUT_SCHEMA = ("id string, label string, probabilities map<string,double>, "
                 "topics array<struct<topic:int,weight:double>>, "
                 "terms array<struct<term:string,weight:double>>, error string, warnings array<string>")
"""One row per input record; ``label`` is null exactly when ``error`` is set."""

_PREDICTORS: dict[tuple[str, str], object] = {}
"""Loaded predictors of this Python worker, keyed by (model path, manifest SHA-256): Spark
reuses its Python workers between tasks, so a model is loaded and verified once per worker."""


_SHIPPED: set[tuple[str, str]] = set()
"""(application id, name) of the models this driver has added: ``addFile`` refuses a path it
already has, and one session may label with the same model many times."""


def manifest_hash(model_dir: str | os.PathLike) -> str:
    """SHA-256 of ``manifest.json``: it lists every file's SHA-256, so it names the model's
    content, which lets a shipped copy be named (and cached) by what it holds."""
    return hashlib.sha256((Path(model_dir) / "manifest.json").read_bytes()).hexdigest()


def ship_model(spark, model_dir: str | os.PathLike) -> tuple[str, str]:
    """Check the model locally, then ``addFile`` it (recursively) under a content-addressed name.

    Returns (name under SparkFiles, manifest hash). The name carries the manifest hash, so two
    different models with the same folder name never collide in one SparkContext, and adding
    the same model twice is harmless. Checking here first means a broken folder fails on the
    driver with akhbar's message instead of once per executor.
    """
    from akhbar.bundle import verify

    verify(model_dir)
    digest = manifest_hash(model_dir)
    name = f"akhbar-model-{digest[:16]}"
    staged = Path(tempfile.gettempdir()) / "akhbar-spark-ship" / name
    if not staged.exists():
        staged.parent.mkdir(parents=True, exist_ok=True)
        partial = Path(tempfile.mkdtemp(prefix=f".{name}-", dir=staged.parent))
        for file in Path(model_dir).iterdir():
            if file.is_file():
                shutil.copy2(file, partial / file.name)
        os.replace(partial, staged)
    key = (spark.sparkContext.applicationId, name)
    if key not in _SHIPPED:
        spark.sparkContext.addFile(str(staged), recursive=True)
        _SHIPPED.add(key)
    return name, digest


def worker_predictor(name: str, digest: str):
    """The Predictor of the shipped model *name* in this worker, loaded (and verified) once."""
    from pyspark import SparkFiles

    from akhbar.predictor import load

    path = SparkFiles.get(name)
    key = (path, digest)
    predictor = _PREDICTORS.get(key)
    if predictor is None:
        if manifest_hash(path) != digest:
            from akhbar.bundle import ModelError

            raise ModelError(f"the shipped model at {path} is not the one the driver sent")
        predictor = _PREDICTORS[key] = load(path)  # manifest + every file's SHA-256
    return predictor


def parse_json_line(line):
    """One JSONL line → (record dict, None) or (None, error message), as akhbar's reader words it."""
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        return None, f"not valid JSON ({exc.msg})"
    except RecursionError:
        return None, "JSON nested too deeply"
    if not isinstance(record, dict):
        return None, f"a JSON {type(record).__name__}, not an object"
    return record, None


def full_text(text, title):
    """Title and body as one text, as ``Document.full_text`` (what local training and the CLI
    label). A text that is not a string is passed on unchanged so predict() names the problem."""
    if isinstance(title, str) and title and isinstance(text, str):
        return f"{title}\n{text}"
    return text


def _id(value):
    return None if value is None else value if isinstance(value, str) else str(value)


def _rows(predictions, ids) -> dict:
    """Prediction objects → the columns of :data:`OUTPUT_SCHEMA`."""
    cols = {k: [] for k in ("id", "label", "probabilities", "topics", "terms", "error", "warnings")}
    for doc_id, p in zip(ids, predictions):
        cols["id"].append(doc_id)
        cols["label"].append(p.label)
        cols["probabilities"].append({k: float(v) for k, v in p.probabilities.items()})
        cols["topics"].append([{"topic": int(t), "weight": float(w)} for t, w in p.topics])
        cols["terms"].append([{"term": str(t), "weight": float(w)} for t, w in p.terms])
        cols["error"].append(p.error)
        cols["warnings"].append(list(p.warnings))
    return cols


def label_batches(batches: Iterator, *, name: str, digest: str, mode: str, top_topics: int,
                  top_terms: int, fields: tuple[str, str, str]) -> Iterator:
    """The mapInPandas body: each Arrow batch → one pandas frame of predictions.

    ``mode`` "jsonl": the batch holds raw lines (``value``) and each is parsed here, so a line
    that is not JSON is an error row; "columns": the batch holds id/title/text columns already.
    """
    import pandas as pd

    from akhbar.predictor import Prediction

    text_field, title_field, id_field = fields
    predictor = worker_predictor(name, digest)
    for frame in batches:
        ids, texts, failed = [], [], {}
        if mode == "jsonl":
            for i, line in enumerate(frame["value"].tolist()):
                record, problem = parse_json_line(line) if line is not None and line.strip() else (None, "empty line")
                if problem:
                    failed[i] = problem
                    ids.append(None)
                    texts.append(None)
                    continue
                ids.append(_id(record.get(id_field)))
                texts.append(full_text(record.get(text_field), record.get(title_field)))
        else:
            titles = frame["title"].tolist() if "title" in frame else [None] * len(frame)
            ids = [_id(v) for v in frame["id"].tolist()] if "id" in frame else [None] * len(frame)
            texts = [full_text(t, h) for t, h in zip(frame["text"].tolist(), titles)]
        texts = [None if _missing(t) else t for t in texts]
        predictions = predictor.predict(texts, top_topics=top_topics, top_terms=top_terms)
        for i, problem in failed.items():
            predictions[i] = Prediction(label=None, error=problem)
        yield pd.DataFrame(_rows(predictions, ids))


def _missing(value) -> bool:
    """pandas hands a null of a non-string column over as NaN/NA: that is a missing text."""
    try:
        import pandas as pd

        return value is not None and not isinstance(value, str) and bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


FORMATS = ("parquet", "json")


def predict_frame(spark, model_dir, frame, mode: str, *, top_topics=3, top_terms=5,
                  text_field="text", title_field="title", id_field="id"):
    """Label a DataFrame (see :func:`.session.read_input`) lazily; returns the predictions DataFrame."""
    name, digest = ship_model(spark, model_dir)
    fields = (text_field, title_field, id_field)

    def run(batches):
        return label_batches(batches, name=name, digest=digest, mode=mode, top_topics=top_topics,
                             top_terms=top_terms, fields=fields)

    return frame.mapInPandas(run, OUTPUT_SCHEMA)


def predict_on_spark(spark, model_dir, input_path, output_path, *, fmt="parquet", top_topics=3, top_terms=5,
                     text_field="text", title_field="title", id_field="id", partitions: int | None = None) -> dict:
    """Label every record of *input_path* and write the predictions to *output_path*.

    Returns counts (rows, labelled, errors) read back from what was written, so the caller
    sees what the job produced, not what was planned.
    """
    if fmt not in FORMATS:
        raise ValueError(f"fmt must be one of {', '.join(FORMATS)}, not {fmt!r}")
    frame, mode = read_input(spark, str(input_path), text_field=text_field, title_field=title_field,
                             id_field=id_field)
    if partitions:
        frame = frame.repartition(partitions)
    out = predict_frame(spark, model_dir, frame, mode, top_topics=top_topics, top_terms=top_terms,
                        text_field=text_field, title_field=title_field, id_field=id_field)
    getattr(out.write.mode("overwrite"), fmt)(str(output_path))
    written = getattr(spark.read, fmt)(str(output_path))
    rows = written.count()
    errors = written.where("error IS NOT NULL").count()
    return {"rows": rows, "labelled": rows - errors, "errors": errors, "output": str(output_path)}
