"""Train on Spark, export an ordinary akhbar model folder.

What makes the export honest: local akhbar must compute the features Spark trained on. So the
model is words-only, column-weighted TF-IDF (:func:`spark_train_config`), and Spark computes
exactly akhbar's ``FittedWordTfidf.transform``: akhbar's own Analyzer makes the tokens (inside
``mapInPandas``), ``CountVectorizer`` counts them, tf becomes 1 + log n *before* ``IDF`` (IDF
only multiplies, and its document frequencies are the same for log-counts), and ``Normalizer(p=2)``
normalizes. The idf exported is Spark's own, log((m + 1) / (df + 1)) — not scikit-learn's
smoothed one, which adds 1 — because prediction multiplies by whatever idf the folder holds.
The classifier's margins are checked on the driver from the exported arrays, so the metrics in
the manifest are those of the exported model, not of a Spark object.
"""

from __future__ import annotations

import hashlib
import time

import numpy as np

from .fitting import (fit_classifiers, full_text_frame, label_index, lda_state,
                      stratified_validation, tokens_frame)

FIXED = {"weighting": "column", "char_ngrams": None, "word_ngrams": (1, 1), "table_words": 0, "n_jobs": 1,
         "topic_sampler": "variational"}
"""What a Spark-trained model must be for local prediction to reproduce Spark's features (and
Spark ML's LDA, which is variational: the local default, Gibbs sampling, is not distributed)."""


def spark_train_config(**values):
    """A :class:`akhbar.train.TrainConfig` with :data:`FIXED` applied; refuses a value that
    contradicts it (say ``char_ngrams=(2, 5)``) rather than silently training something else."""
    from akhbar.train import TrainConfig, TrainingError

    for key, fixed in FIXED.items():
        if key in values and values[key] is not None and _plain(values[key]) != _plain(fixed):
            raise TrainingError(f"the Spark engine trains {key}={fixed!r} only (got {values[key]!r})")
    merged = {k: v for k, v in values.items() if k not in FIXED}
    try:
        return TrainConfig.from_dict({**merged, **FIXED})
    except (TypeError, ValueError) as exc:
        raise TrainingError(str(exc)) from None


def _plain(value):
    return list(value) if isinstance(value, tuple) else value


def _fit_tfidf(fit_part, config):
    """CountVectorizer → 1 + log(tf) → IDF → L2, fitted on the fit part: akhbar's column TF-IDF."""
    from pyspark.ml.feature import IDF, CountVectorizer

    counter = CountVectorizer(inputCol="tokens", outputCol="counts", minDF=float(config.min_df),
                              maxDF=float(config.max_df), vocabSize=int(config.max_word_features)).fit(fit_part)
    idf = IDF(inputCol="logtf", outputCol="weighted", minDocFreq=0).fit(_log_tf(counter.transform(fit_part)))
    return counter, idf


def _log_tf(frame):
    """counts → logtf = 1 + log(count) on the non-zeros (scikit-learn's sublinear_tf)."""
    from pyspark.ml.linalg import SparseVector, VectorUDT
    from pyspark.sql import functions as F

    @F.udf(VectorUDT())
    def sublinear(v):
        return SparseVector(v.size, v.indices, 1.0 + np.log(v.values))

    return frame.withColumn("logtf", sublinear("counts"))


def featurize(frame, counter, idf):
    """Rows with tokens → rows with ``features``, the L2-normalized TF-IDF vector."""
    from pyspark.ml.feature import Normalizer

    weighted = idf.transform(_log_tf(counter.transform(frame)))
    return Normalizer(inputCol="weighted", outputCol="features", p=2.0).transform(weighted)


def train_on_spark(spark, input_path, out_dir, config=None, *, label_field="label", text_field="text",
                   title_field="title", id_field="id", partitions: int | None = None, log=print) -> dict:
    """Fit classifier and topics on Spark; save an akhbar model folder at *out_dir*; return a summary."""
    from akhbar.bundle import save

    config = config or spark_train_config()
    started, stages = time.perf_counter(), {}
    clock = [started]

    def lap(name):
        now = time.perf_counter()
        stages[name], clock[0] = round(now - clock[0], 2), now

    partitions = partitions or max(2, 2 * spark.sparkContext.defaultParallelism)
    docs = full_text_frame(spark, str(input_path), (text_field, title_field, id_field, label_field))
    tokens = tokens_frame(docs.repartition(partitions), config).persist()
    n_docs = tokens.count()
    labelled = stratified_validation(tokens.where("label IS NOT NULL"), config).persist()
    counts = {r["label"]: r["count"] for r in labelled.groupBy("label").count().collect()}
    _check_labels(n_docs, counts)
    lap("read_tokenize")
    fit_part = labelled.where(~labelled.is_val)
    counter, idf = _fit_tfidf(fit_part, config)
    lap("tfidf")
    labels = sorted(counts)
    indexed = label_index(featurize(labelled, counter, idf), labels, counts)
    chosen, metrics = fit_classifiers(indexed, labels, config, log)
    lap("classifier")
    topics_state, lda_info = lda_state(spark, tokens, n_docs, config, log)
    lap("topics")
    model = _assemble(config, counter, idf, chosen, topics_state, tokens)
    model.metrics = metrics
    model.training = _training_record(spark, tokens, n_docs, counts, metrics, lda_info, partitions)
    model.training.update({"seconds": round(time.perf_counter() - started, 2), "stage_seconds": stages})
    save(model, out_dir, overwrite=True)
    tokens.unpersist()
    labelled.unpersist()
    return {"model": str(out_dir), "documents": n_docs, "classifier": metrics["classifier"]["chosen"],
            "validation_macro_f1": metrics.get("validation", {}).get("macro_f1"),
            "seconds": model.training["seconds"]}


def _check_labels(n_docs: int, counts: dict) -> None:
    from akhbar.train import TrainingError

    if not n_docs:
        raise TrainingError("the corpus has no documents")
    if len(counts) < 2:
        raise TrainingError(f"need at least two labels to train a classifier, found {len(counts)}; "
                            "check --label-field")
    rare = sorted(lab for lab, n in counts.items() if n < 2)
    if rare:
        raise TrainingError(f"label(s) with a single document cannot be learned: {', '.join(rare)}")


def _assemble(config, counter, idf, chosen, topics_state, tokens):
    """The akhbar :class:`Model`: vocabulary sorted alphabetically (scikit-learn's column order,
    which akhbar's own models have), idf and classifier columns permuted to match."""
    from akhbar.classify import FittedLinearCalibrated
    from akhbar.features import FittedLdaTopics, FittedWordTfidf
    from akhbar.train import DISPLAY_SAMPLE, Model, display_forms

    vocabulary = list(counter.vocabulary)
    order = np.argsort(np.asarray(vocabulary, dtype=object), kind="stable")
    vocabulary = [vocabulary[i] for i in order]
    words = FittedWordTfidf.from_state(
        {"ngram_range": (1, 1), "min_df": config.min_df, "max_df": config.max_df,
         "max_features": config.max_word_features, "sublinear_tf": True},
        {"vocabulary": vocabulary, "idf": idf.idf.toArray()[order]})
    classifier = FittedLinearCalibrated.from_state(
        {"C": config.C, "class_weight": config.class_weight, "calibration_folds": config.calibration_folds,
         "random_state": config.seed},
        {"classes": chosen["labels"], "coef": chosen["coef"][:, order], "intercept": chosen["intercept"],
         "temperature": np.array([chosen["temperature"]])})
    model = Model(config=config, words=words, chars=None, classifier=classifier, topics=None)
    analyzer = model.analyzer
    texts = [r["text"] for r in tokens.select("text").limit(DISPLAY_SAMPLE).collect()]
    unigrams = sorted(set(vocabulary) | set(topics_state["vocabulary"] if topics_state else []))
    readable = dict(zip(unigrams, display_forms(analyzer, texts, unigrams)))
    model.word_display = [readable.get(w, w) for w in vocabulary]
    if topics_state:
        params = topics_state.pop("params")
        topics_state["display"] = [readable.get(w, w) for w in topics_state["vocabulary"]]
        model.topics = FittedLdaTopics.from_state(params, topics_state)
    return model


def _training_record(spark, tokens, n_docs, counts, metrics, lda_info, partitions) -> dict:
    """The manifest's ``training`` section, saying it was Spark (engine, version, master)."""
    import pyspark
    from pyspark.sql import functions as F

    per_doc = tokens.select(F.sha2(F.concat_ws("\u0000", F.coalesce("title", F.lit("")), "body",
                                               F.coalesce("label", F.lit(""))), 256).alias("h"))
    digests = sorted(r["h"] for r in per_doc.collect())
    fingerprint = hashlib.sha256("".join(digests).encode("ascii")).hexdigest()
    sc = spark.sparkContext
    return {
        "engine": "spark", "spark_version": pyspark.__version__, "master": sc.master,
        "partitions": partitions, "default_parallelism": sc.defaultParallelism,
        "documents": n_docs, "labelled_documents": sum(counts.values()),
        "fit_documents": metrics["classifier"]["refit_documents"],
        "validation_documents": metrics["classifier"]["validation_documents"],
        "label_counts": dict(sorted(counts.items())),
        "fingerprint": fingerprint,
        "fingerprint_method": "sha256 over the sorted sha256(title NUL text NUL label) of each document "
                              "(order-free, as Spark reads in no fixed order); not akhbar.train.fingerprint",
        **lda_info,
    }

