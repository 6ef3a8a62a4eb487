"""The memory benchmark: streaming ``akhbar predict`` over inputs of growing size."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path


from akhbar.bench.data import _read
from akhbar.bench.jobs import machine, write_result


def _write_repeated(data: Path, path: Path, n: int) -> None:
    """n JSONL articles made by cycling through the shared corpora (ids made unique)."""
    pool = _read(data / "ant2.jsonl.gz") + _read(data / "saudinewsnet.jsonl.gz")
    with open(path, "w", encoding="utf-8") as f:
        for i in range(n):
            r = pool[i % len(pool)]
            f.write(json.dumps({"id": f"{i}", "title": r.get("title") or "", "text": r["text"]},
                               ensure_ascii=False) + "\n")


def run_memory(data: Path, out: Path, model: Path, sizes=(10_000, 100_000, 1_000_000), name="memory") -> dict:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            src, dst = Path(tmp) / f"in-{n}.jsonl", Path(tmp) / f"out-{n}.jsonl"
            _write_repeated(data, src, n)
            cmd = [sys.executable, "-c",
                   "import resource, sys; from akhbar.cli import main; code = main(sys.argv[1:]); "
                   "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr); sys.exit(code)",
                   "predict", "--model", str(model), "--input", str(src), "--output", str(dst), "--top-topics", "3"]
            t = time.perf_counter()
            proc = subprocess.run(cmd, capture_output=True, text=True)
            seconds = time.perf_counter() - t
            if proc.returncode != 0:
                raise RuntimeError(proc.stderr)
            peak_kb = int(proc.stderr.strip().splitlines()[-1])
            with open(dst, encoding="utf-8") as f:
                lines = sum(1 for _ in f)
            rows.append({"articles": n, "input_mb": round(src.stat().st_size / 2**20, 1),
                         "output_lines": lines, "peak_memory_mb": round(peak_kb / 1024, 1),
                         "seconds": round(seconds, 1), "docs_per_second": round(n / seconds, 1)})
            print(f"[memory] {rows[-1]}", file=sys.stderr)
            src.unlink()
            dst.unlink()
    result = {"created": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "machine": machine(), "model": str(model),
              "results": rows}
    lines = [f"# Streaming memory of `akhbar predict --input … --output …` ({result['created']})", "",
             f"Machine: {result['machine']['cpu']}, {result['machine']['cores']} cores. Input: JSONL built at "
             "run time by cycling through ant2 + SaudiNewsNet articles (not kept).", "",
             "| articles | input MB | output lines | peak memory MB | seconds | docs/s |", "|---:|---:|---:|---:|---:|---:|"]
    lines += [f"| {r['articles']:,} | {r['input_mb']} | {r['output_lines']:,} | {r['peak_memory_mb']} | "
              f"{r['seconds']} | {r['docs_per_second']} |" for r in rows]
    return write_result(out, name, result, "\n".join(lines) + "\n")


