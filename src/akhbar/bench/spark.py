"""The Spark benchmark: ``akhbar predict --engine spark`` on ``local[2]`` against local
``predict()``, the same articles, the same model, one run.

    python -m akhbar.bench spark --data ../shared/data --model models/ant2 --out experiments

The corpus is SaudiNewsNet (29,904 articles, unlabeled: labels are not scored here, only
throughput). Spark's fixed costs are timed apart from its steady rate: the session start (JVM,
Python workers) and shipping the model plus a first 100-row job (each worker loads and verifies
the model once). The steady job reads the gzipped JSONL itself, labels it and writes Parquet,
so its rate includes Spark's I/O; the local rows time ``Predictor.predict`` on texts already in
memory, one thread and two, so the comparison leans toward local. The cluster figure is on
paper: the measured per-core rate times cores, discounted by a stated efficiency.
"""

from __future__ import annotations

import gzip
import json
import shutil
import tempfile
import time
from pathlib import Path

CLUSTER = {"documents": 50_000_000, "nodes": 100, "cores_per_node": 8, "parallel_efficiency": 0.8}
"""The cluster the issue asks about, and the share of ideal speed-up assumed (skew, I/O, stragglers)."""


def run_spark(data: Path, out: Path, model: Path, *, name: str = "spark", partitions: int = 4,
              command: str | None = None, log=print) -> dict:
    import akhbar
    from akhbar.bench.jobs import machine, write_result
    from akhbar.engines.spark import predict_frame, predict_on_spark, spark_session

    source = data / "saudinewsnet.jsonl.gz"
    with gzip.open(source, "rt", encoding="utf-8") as f:
        rows = [json.loads(line) for line in f if line.strip()]
    texts = [f"{r['title']}\n{r['text']}" if r.get("title") else r.get("text") for r in rows]
    n = len(texts)
    t = time.perf_counter()
    predictor = akhbar.load(model)
    load_s = time.perf_counter() - t
    local = {}
    for jobs in (1, 2):
        batches = [texts[i:i + 512] for i in range(0, n, 512)]
        t = time.perf_counter()
        labelled = sum(len(b) for b in predictor.predict_batches(iter(batches), n_jobs=jobs))
        local[jobs] = time.perf_counter() - t
        log(f"local predict, {jobs} thread(s): {n} articles in {local[jobs]:.1f} s")
        assert labelled == n
    del rows, texts

    t = time.perf_counter()
    spark = spark_session("local[2]", "akhbar-bench")
    session_s = time.perf_counter() - t
    tmp = Path(tempfile.mkdtemp(prefix="akhbar-spark-bench-"))  # the output carries corpus ids: tmp only
    try:
        t = time.perf_counter()
        predict_frame(spark, model, spark.read.text(str(source)).limit(100), "jsonl").count()
        first_s = time.perf_counter() - t
        log(f"spark: session {session_s:.1f} s, model shipped + first 100 rows {first_s:.1f} s")
        t = time.perf_counter()
        result = predict_on_spark(spark, model, str(source), str(tmp / "out"), partitions=partitions)
        spark_s = time.perf_counter() - t
        log(f"spark: {result['rows']} rows in {spark_s:.1f} s ({result['errors']} error rows)")
    finally:
        spark.stop()
        shutil.rmtree(tmp, ignore_errors=True)

    cores = 2
    rate = {"local_1": n / local[1], "local_2": n / local[2], "spark": n / spark_s}
    per_core = rate["spark"] / cores
    c = CLUSTER
    cluster_cores = c["nodes"] * c["cores_per_node"]
    cluster_s = c["documents"] / (per_core * cluster_cores * c["parallel_efficiency"])
    result = {
        "command": command, "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "machine": machine(),
        "corpus": "SaudiNewsNet (saudinewsnet.jsonl.gz), every article", "documents": n, "model": str(model),
        "model_load_s": round(load_s, 2),
        "local": {f"{j}_thread": {"seconds": round(local[j], 2), "docs_per_s": round(n / local[j], 1)} for j in (1, 2)},
        "spark_local2": {"session_start_s": round(session_s, 2), "ship_and_first_100_s": round(first_s, 2),
                         "seconds": round(spark_s, 2), "docs_per_s": round(rate["spark"], 1),
                         "docs_per_s_per_core": round(per_core, 1), "partitions": partitions,
                         "rows": result["rows"], "error_rows": result["errors"]},
        "ratios": {"spark_over_local_1_thread": round(rate["spark"] / rate["local_1"], 3),
                   "spark_over_local_2_threads": round(rate["spark"] / rate["local_2"], 3)},
        "cluster_on_paper": {**c, "cores": cluster_cores, "minutes": round(cluster_s / 60, 1),
                             "assumes": "the measured per-core rate of local[2] holds for every executor core; "
                                        "the input is splittable (Parquet, or many JSONL.gz files: one gzip "
                                        "file is one task); the fixed costs above are paid once per executor "
                                        "and are left out; the efficiency covers skew, I/O and stragglers"},
    }
    return write_result(out, name, result, render_spark(result))


def render_spark(r: dict) -> str:
    s, loc, c = r["spark_local2"], r["local"], r["cluster_on_paper"]
    lines = ["# Spark: `--engine spark` on local[2] against local predict()", ""]
    if r.get("command"):
        lines += ["```", r["command"], "```", ""]
    lines += [
        f"Written by `akhbar.bench.spark` on {r['created']}: {r['documents']:,} articles of {r['corpus']}, "
        f"model `{r['model']}` (loaded locally in {r['model_load_s']} s), one run on one machine.",
        "",
        "| run | seconds | articles/s | ratio to local, 1 thread |",
        "| --- | ---: | ---: | ---: |",
        f"| local `predict()`, 1 thread (texts in memory) | {loc['1_thread']['seconds']} | "
        f"{loc['1_thread']['docs_per_s']:.0f} | 1.00 |",
        f"| local `predict()`, 2 threads | {loc['2_thread']['seconds']} | {loc['2_thread']['docs_per_s']:.0f} | "
        f"{loc['2_thread']['docs_per_s'] / loc['1_thread']['docs_per_s']:.2f} |",
        f"| Spark local[2]: read JSONL.gz, label, write Parquet | {s['seconds']} | {s['docs_per_s']:.0f} | "
        f"{r['ratios']['spark_over_local_1_thread']:.2f} |",
        "",
        "Fixed costs, paid once, not in the rows above:",
        "",
        f"- Spark session start (JVM and Python workers): {s['session_start_s']} s",
        f"- shipping the model and labelling a first 100 rows (each worker loads and verifies the model): "
        f"{s['ship_and_first_100_s']} s",
        "",
        f"Spark per core: {s['docs_per_s_per_core']:.0f} articles/s ({s['rows']:,} rows written, "
        f"{s['error_rows']} error rows).",
        "",
        "## On paper: a cluster",
        "",
        f"{c['documents']:,} articles on {c['nodes']} nodes × {c['cores_per_node']} cores = {c['cores']} cores at "
        f"{c['parallel_efficiency']:.0%} efficiency: {c['documents']:,} / ({s['docs_per_s_per_core']:.0f} × "
        f"{c['cores']} × {c['parallel_efficiency']}) s ≈ **{c['minutes']} minutes**. Assumes {c['assumes']}.",
        "",
        "## Machine",
        "",
        ", ".join(f"{k} {v}" for k, v in r["machine"].items()),
        "",
    ]
    return "\n".join(lines)
