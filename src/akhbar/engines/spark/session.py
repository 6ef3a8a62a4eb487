"""The Spark session akhbar runs in, and how a corpus is read into it."""

from __future__ import annotations

import os
import sys
from pathlib import Path


def spark_session(master: str | None = "local[*]", app_name: str = "akhbar", conf: dict | None = None):
    """A SparkSession for akhbar. Arrow batches of 2,000 rows: large enough that the
    predictor's per-batch costs vanish, small enough that a worker's batch stays a few MB.
    ``master=None`` leaves the master to ``spark-submit``.

    Python workers run this interpreter (its numpy, pyarrow and akhbar) unless the deployment
    chose one with ``PYSPARK_PYTHON``: on a cluster every node needs the same akhbar installed.
    """
    from pyspark.sql import SparkSession

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = SparkSession.builder.appName(app_name)
    if master:
        builder = builder.master(master)
    settings = {"spark.sql.execution.arrow.maxRecordsPerBatch": "2000",
                "spark.sql.execution.arrow.pyspark.enabled": "true",
                "spark.ui.enabled": "false", "spark.ui.showConsoleProgress": "false",
                "spark.sql.shuffle.partitions": "8"}
    settings.update(conf or {})
    for key, value in settings.items():
        builder = builder.config(key, value)
    return builder.getOrCreate()


def input_kind(path: str) -> str:
    """"parquet" for a .parquet file or a folder of them, else "jsonl" (.jsonl, .jsonl.gz, .json)."""
    p = Path(path)
    if p.suffix == ".parquet" or (p.is_dir() and any(p.glob("*.parquet"))):
        return "parquet"
    return "jsonl"


def read_input(spark, input_path: str, *, text_field="text", title_field="title", id_field="id"):
    """The corpus as (DataFrame, mode) for :func:`.labelling.label_batches`.

    JSONL is read as *text lines* and parsed per row in Python, not with ``spark.read.json``:
    that way a line that does not parse is an error row of its own, a field of the wrong type
    reaches predict() as it is (which names the problem), and no schema inference pass is spent.
    Blank lines are skipped, as akhbar's own reader skips them.
    """
    from pyspark.sql import functions as F

    if input_kind(input_path) == "jsonl":
        lines = spark.read.text(input_path)
        return lines.where(F.trim(F.col("value")) != ""), "jsonl"
    frame = spark.read.parquet(input_path)
    if text_field not in frame.columns:
        raise ValueError(f"{input_path} has no column {text_field!r} (columns: {', '.join(frame.columns)})")
    picked = [F.col(text_field).alias("text")]
    if title_field and title_field in frame.columns:
        picked.append(F.col(title_field).cast("string").alias("title"))
    if id_field and id_field in frame.columns:
        picked.append(F.col(id_field).cast("string").alias("id"))
    return frame.select(*picked), "columns"
