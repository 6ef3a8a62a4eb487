"""akhbar on Apache Spark: label and train at corpus scale, with models a laptop can load.

:func:`predict_on_spark` labels JSONL(.gz) or Parquet with the local predictor running inside
each Python worker (:mod:`.labelling`); :func:`train_on_spark` fits words-only column-weighted
TF-IDF, a pyspark.ml linear classifier and pyspark.ml online LDA, and exports an ordinary akhbar
model folder (:mod:`.training`, its Spark steps in :mod:`.fitting`). The ``*_command``
functions are the CLI's entry points (``akhbar predict|train --engine spark``): they build and
stop the session, so the CLI stays Spark-free until one of them runs.

Needs ``pip install "akhbar[spark]"`` (pyspark 4, pyarrow, pandas) and Java 17 or 21.
"""

from __future__ import annotations

import json
from pathlib import Path

from .labelling import FORMATS, OUTPUT_SCHEMA, predict_frame, predict_on_spark, ship_model
from .session import input_kind, read_input, spark_session
from .training import spark_train_config, train_on_spark

__all__ = ["predict_on_spark", "predict_frame", "train_on_spark", "spark_predict_command",
           "spark_train_command", "spark_session", "spark_train_config", "read_input", "input_kind",
           "ship_model", "OUTPUT_SCHEMA", "FORMATS"]


def spark_predict_command(model_dir, input_path, output_path, master="local[*]", fmt="parquet",
                          top_topics=3, top_terms=5, text_field="text", title_field="title", id_field="id") -> dict:
    """``akhbar predict --engine spark``: one session, one job, a summary dict for the CLI."""
    spark = spark_session(master, "akhbar predict")
    try:
        return predict_on_spark(spark, model_dir, input_path, output_path, fmt=fmt, top_topics=top_topics,
                                top_terms=top_terms, text_field=text_field, title_field=title_field,
                                id_field=id_field)
    finally:
        spark.stop()


def spark_train_command(corpus, out, master="local[*]", *, label_field="label", text_field="text",
                        title_field="title", id_field="id", seed=0, topics=None, config_path=None, log=print,
                        **config_values) -> dict:
    """``akhbar train --engine spark``: the CLI's options (and a --config JSON file) → a
    TrainConfig fixed to what Spark can reproduce locally (:func:`.training.spark_train_config`)."""
    values = json.loads(Path(config_path).read_text("utf-8")) if config_path else {}
    values.update({k: v for k, v in config_values.items() if v is not None})
    values["seed"] = seed
    if topics is not None:
        values["topics"] = topics
    config = spark_train_config(**values)
    spark = spark_session(master, "akhbar train")
    try:
        return train_on_spark(spark, corpus, out, config, label_field=label_field, text_field=text_field,
                              title_field=title_field, id_field=id_field, log=log)
    finally:
        spark.stop()
