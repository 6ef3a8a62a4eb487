"""The Spark-side pieces of training: reading, akhbar's analyzer in Spark, the split, the
classifiers and the topic model, each returning plain numpy arrays for the export."""

from __future__ import annotations

import math

import numpy as np

from .labelling import parse_json_line
from .session import input_kind

DOC_SCHEMA = "id string, title string, body string, text string, label string"
"""A training document: ``text`` is title + body as ``Document.full_text`` makes it."""


def full_text_frame(spark, path: str, fields: tuple[str, str, str, str]):
    """JSONL(.gz) or Parquet → documents (:data:`DOC_SCHEMA`), skipping what akhbar's reader
    skips (unparseable lines, missing/non-string/blank text): a training corpus is a set of
    articles, not a list of results, so a bad record is dropped, not an error row."""
    text_f, title_f, id_f, label_f = fields
    if input_kind(path) == "jsonl":
        source, mode = spark.read.text(path), "jsonl"
    else:
        source, mode = spark.read.parquet(path), "columns"

    def parse(batches):
        import pandas as pd

        for frame in batches:
            records = ([parse_json_line(v)[0] for v in frame["value"].tolist()] if mode == "jsonl"
                       else frame.to_dict("records"))
            rows = []
            for rec in records:
                body = rec.get(text_f) if isinstance(rec, dict) else None
                if not isinstance(body, str) or not body.strip():
                    continue
                title, label, doc_id = (_text(rec.get(f)) if f else None for f in (title_f, label_f, id_f))
                rows.append((doc_id, title, body, f"{title}\n{body}" if title else body, label))
            yield pd.DataFrame(rows, columns=["id", "title", "body", "text", "label"])

    return source.mapInPandas(parse, DOC_SCHEMA)


def _text(value):
    return None if value is None else value if isinstance(value, str) else str(value)


def tokens_frame(docs, config):
    """Adds ``tokens``: akhbar's own Analyzer (normalize, tokenize, stopwords, light stem) run
    in each Python worker, so Spark's vocabulary is made of the tokens local akhbar makes."""
    from akhbar.text import Analyzer

    analyzer_config = config.analyzer_config()

    def analyse(batches):
        analyzer = Analyzer(analyzer_config)  # one per task: its stem cache fills as it goes
        for frame in batches:
            frame["tokens"] = [analyzer(t) for t in frame["text"].tolist()]
            yield frame

    return docs.mapInPandas(analyse, DOC_SCHEMA + ", tokens array<string>")


def stratified_validation(labelled, config):
    """Adds ``is_val``: per label, the first ``validation_fraction`` of its documents in an order
    fixed by a hash of (seed, id, text). Exactly stratified, and independent of partitioning."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    if not config.validation_fraction:
        return labelled.withColumn("is_val", F.lit(False))
    key = F.xxhash64(F.lit(config.seed), F.coalesce("id", F.lit("")), "text")
    rank = F.percent_rank().over(Window.partitionBy("label").orderBy(key))
    return labelled.withColumn("is_val", rank < F.lit(float(config.validation_fraction)))


def label_index(frame, labels: list[str], counts: dict):
    """Adds ``y`` (index into the sorted labels) and ``w`` ("balanced" class weights,
    n / (k × n_label), scikit-learn's rule) as Spark columns."""
    from itertools import chain

    from pyspark.sql import functions as F

    n, k = sum(counts.values()), len(labels)
    index = F.create_map(*chain.from_iterable((F.lit(l), F.lit(float(i))) for i, l in enumerate(labels)))
    weight = F.create_map(*chain.from_iterable((F.lit(l), F.lit(n / (k * counts[l]))) for l in labels))
    return frame.withColumn("y", index[F.col("label")]).withColumn("w", weight[F.col("label")])


def collect_csr(frame, column: str = "features"):
    """A small frame's sparse vectors and labels on the driver, as (CSR matrix, y)."""
    import scipy.sparse as sp

    rows = frame.select(column, "y").collect()
    if not rows:
        return sp.csr_matrix((0, 0)), np.zeros(0, dtype=int)
    size = rows[0][column].size
    indptr = np.cumsum([0] + [len(r[column].indices) for r in rows])
    indices = np.concatenate([r[column].indices for r in rows]).astype(np.int64)
    data = np.concatenate([r[column].values for r in rows])
    return sp.csr_matrix((data, indices, indptr), shape=(len(rows), size)), np.array([int(r["y"]) for r in rows])


def _spark_fit(kind: str, train, k: int, config, n: int):
    """One pyspark.ml fit → (coef K×V, intercept K). L2 strength follows scikit-learn's C:
    sum-of-losses × C + ½|w|² is, divided by C·n, Spark's mean-loss + regParam/2 |w|² with
    regParam = 1/(C·n). No standardization: TF-IDF columns are already on one scale."""
    from pyspark.ml.classification import LinearSVC, LogisticRegression, OneVsRest

    if kind == "logistic":
        lr = LogisticRegression(featuresCol="features", labelCol="y", weightCol="w", family="multinomial",
                                regParam=1.0 / n, standardization=False, maxIter=100, tol=1e-5)
        m = lr.fit(train)
        return m.coefficientMatrix.toArray(), m.interceptVector.toArray()
    svc = LinearSVC(featuresCol="features", labelCol="y", weightCol="w", regParam=1.0 / (config.C * n),
                    standardization=False, maxIter=100, tol=1e-6)
    models = OneVsRest(classifier=svc, featuresCol="features", labelCol="y", weightCol="w",
                       parallelism=2).fit(train).models
    return (np.vstack([m.coefficients.toArray() for m in models]),
            np.array([m.intercept for m in models], dtype=np.float64))


def _binary(coef, intercept):
    """akhbar's binary form: one row, positive for the second label (classify._as_matrix)."""
    if coef.shape[0] == 2:
        return (coef[1] - coef[0])[None, :], np.array([intercept[1] - intercept[0]])
    return coef, intercept


CANDIDATES = ("logistic",)
"""Classifiers tried by default. Measured on 1,500 ant2 articles (local[2]): logistic 0.859
validation macro-F1 in about 1 min, one-vs-rest LinearSVC 0.773 in about 8 min (thousands of
Spark stages: six OWLQN runs); pass ``("logistic", "linear_svc_ovr")`` to measure both again."""


def fit_classifiers(indexed, labels, config, log, candidates=CANDIDATES):
    """Fit logistic regression and one-vs-rest linear SVMs on the fit part; keep the one with the
    higher validation macro-F1 (margins computed on the driver from the exported arrays), fit
    akhbar's temperature on its validation margins, then refit it on every labelled document."""
    from akhbar.classify import fit_temperature
    from akhbar.train import evaluate_predictions

    fit_part = indexed.where(~indexed.is_val).persist()
    val_part = indexed.where(indexed.is_val)
    n_fit = fit_part.count()
    X_val, y_val = collect_csr(val_part)
    scores, fitted = {}, {}
    for kind in candidates:
        coef, intercept = _binary(*_spark_fit(kind, fit_part, len(labels), config, n_fit))
        margins = np.asarray(X_val @ coef.T) + intercept if X_val.shape[0] else None
        f1 = None
        if margins is not None:
            pred = np.argmax(margins, 1) if margins.shape[1] > 1 else (margins[:, 0] > 0).astype(int)
            f1 = evaluate_predictions([labels[i] for i in y_val], [labels[i] for i in pred], labels)["macro_f1"]
        scores[kind], fitted[kind] = f1, (coef, intercept, margins)
        log(f"spark {kind}: validation macro-F1 {f1}")
    kind = max(scores, key=lambda k: -1 if scores[k] is None else scores[k])
    coef, intercept, margins = fitted[kind]
    metrics = {}
    temperature = 1.0
    if margins is not None:
        temperature = fit_temperature(margins[:, 0] if margins.shape[1] == 1 else margins, y_val)
        pred = np.argmax(margins, 1) if margins.shape[1] > 1 else (margins[:, 0] > 0).astype(int)
        metrics["validation"] = evaluate_predictions([labels[i] for i in y_val], [labels[i] for i in pred], labels)
        metrics["validation"]["model"] = f"spark {kind} fit on {n_fit} documents, before the refit"
        metrics["calibration"] = {"method": "temperature scaling", "temperature": temperature,
                                  "fitted_on": "validation"}
    refit_n = n_fit
    if config.refit and X_val.shape[0]:
        refit_n = indexed.count()
        coef, intercept = _binary(*_spark_fit(kind, indexed, len(labels), config, refit_n))
    fit_part.unpersist()
    metrics["classifier"] = {"chosen": kind, "validation_macro_f1": scores, "refit_documents": refit_n,
                             "validation_documents": int(X_val.shape[0])}
    return {"labels": labels, "coef": coef.astype(np.float32), "intercept": intercept,
            "temperature": temperature}, metrics


def lda_state(spark, tokens, n_docs: int, config, log):
    """pyspark.ml online LDA on every document's counts → akhbar's FittedLdaTopics state.

    Spark's ``topicsMatrix()`` of an online-LDA model is the variational λ (V × K, not
    normalized), the same quantity as gensim's ``state.sstats + eta``. So topic_word = λ
    normalized per topic, and exp(E[log β]) = exp(ψ(λ) − ψ(Σ_w λ)), which is what akhbar's
    inference reads. The learning rate is gensim's (offset 1, decay 0.5), not Spark's default
    (1024, 0.51), under which a few mini-batches barely move λ from its random start.
    """
    from pyspark.ml.clustering import LDA
    from pyspark.ml.feature import CountVectorizer
    from scipy.special import psi

    k, passes, no_below = topic_settings(config, n_docs)
    if not k:
        return None, {"num_topics": 0, "lda_passes": 0, "lda_no_below": None}
    tokens = topic_tokens_frame(tokens, config)
    counter = CountVectorizer(inputCol="tokens", outputCol="lda_counts", minDF=float(no_below),
                              maxDF=float(config.lda_no_above), vocabSize=int(config.lda_keep_n)).fit(tokens)
    vocabulary = list(counter.vocabulary)
    if len(vocabulary) < k:
        from akhbar.train import TrainingError

        raise TrainingError(f"only {len(vocabulary)} distinct words survive the frequency filter; too few for {k} topics")
    max_iter, rate = lda_iterations(n_docs, passes)
    log(f"spark online LDA: {k} topics, {passes} passes = {max_iter} mini-batches of {rate:.2f}")
    lda = LDA(k=k, maxIter=max_iter, seed=config.seed, optimizer="online", featuresCol="lda_counts",
              subsamplingRate=rate, learningOffset=1.0, learningDecay=0.5, optimizeDocConcentration=False,
              docConcentration=[1.0 / k] * k, topicConcentration=1.0 / k)
    fitted = lda.fit(counter.transform(tokens).select("lda_counts"))
    lam = fitted.topicsMatrix().toArray().T.astype(np.float64)  # K × V
    alpha = fitted.estimatedDocConcentration().toArray().astype(np.float64)
    state = {"vocabulary": vocabulary, "alpha": alpha, "topic_word": lam / lam.sum(axis=1, keepdims=True),
             "exp_elog_beta": np.exp(psi(lam) - psi(lam.sum(axis=1, keepdims=True))),
             "params": {"num_topics": k, "passes": passes, "iterations": config.lda_iterations,
                        "chunksize": 2000, "no_below": no_below, "no_above": config.lda_no_above,
                        "keep_n": config.lda_keep_n, "workers": 1, "random_state": config.seed}}
    return state, {"num_topics": k, "lda_passes": passes, "lda_no_below": no_below,
                   "lda_vocabulary": len(vocabulary), "topic_filler_dropped": bool(config.topic_filler),
                   "lda_engine": "pyspark.ml.clustering.LDA(optimizer='online')", "lda_max_iter": max_iter,
                   "lda_subsampling_rate": rate}


def topic_settings(config, n_docs: int) -> tuple[int, int, int]:
    """(K, passes, no_below) by the local trainer's rules (:func:`akhbar.topics.fitting.begin`).
    Choosing K, guided topics and Gibbs sampling are local only: refused here by name, not ignored."""
    from akhbar.train import TrainingError

    if config.topics == "auto":
        raise TrainingError("--topics auto (choosing K) runs on the local engine only; give a number of topics")
    if config.seed_topics:
        raise TrainingError("guided topics (--seed-topics) run on the local engine only")
    if config.topic_sampler != "variational":
        raise TrainingError("the gibbs topic sampler runs on the local engine only (Spark's LDA is variational)")
    k = config.topics if config.topics is not None else min(30, max(5, n_docs // 20))
    passes = config.lda_passes if config.lda_passes is not None else max(3, min(50, 20_000 // max(n_docs, 1)))
    return k, passes, min(config.lda_no_below, max(1, n_docs // 50))


def topic_tokens_frame(tokens, config):
    """The tokens the topic model sees, as local training makes them: less topic filler
    (:mod:`akhbar.topics.filler`) when ``config.topic_filler``. Spark's ``array_except`` would
    also drop repeats, which LDA counts, so the filter keeps every other occurrence."""
    from pyspark.sql import functions as F

    if not config.topic_filler:
        return tokens
    from akhbar.text import Analyzer
    from akhbar.topics.filler import filler_stems

    stems = sorted(filler_stems(Analyzer(config.analyzer_config())))
    dropped = F.array(*[F.lit(w) for w in stems])
    return tokens.withColumn("tokens", F.filter("tokens", lambda t: ~F.array_contains(dropped, t)))


def lda_iterations(n_docs: int, passes: int, chunksize: int = 2000) -> tuple[int, float]:
    """(maxIter, subsamplingRate) for Spark's online LDA giving gensim's *passes* over the corpus
    in mini-batches of about *chunksize* documents, as akhbar's local trainer does."""
    rate = min(1.0, chunksize / max(n_docs, 1))
    return max(1, math.ceil(passes / rate)), rate
