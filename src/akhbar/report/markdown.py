"""Topic reports people read: ``topics/NAME.md`` and the machine-readable ``topics/NAME.json``.

The Markdown page lists each topic's top words (display forms: the most frequent surface word
behind each stem, so a reader sees حكومة rather than the stem حكوم) with their weights, and the
model's validation scores. ``topics.json`` carries the same data for tools. The planned HTML page
with plots, coherence and diversity will be written from the same :func:`topic_table`.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path


def topic_table(predictor, n_words: int = 10) -> list[dict]:
    """[{"id": k, "words": [word, ...], "weights": [float, ...]}] for every topic."""
    topics = predictor.model.topics
    if topics is None:
        return []
    display = topics.display_ or topics.vocabulary_
    index = {w: i for i, w in enumerate(topics.vocabulary_)}
    table = []
    for k, pairs in enumerate(topics.top_words(n_words)):
        table.append({
            "id": k,
            "words": [display[index[w]] for w, _ in pairs],
            "weights": [round(p, 5) for _, p in pairs],
        })
    return table


def _write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def render_markdown(name: str, table: list[dict], manifest: dict) -> str:
    training = manifest.get("training", {})
    lines = [f"# Topics of model `{name}`", ""]
    lines.append(f"{len(table)} LDA topics learned from {training.get('documents', '?')} articles "
                 f"(akhbar {manifest.get('versions', {}).get('akhbar', '?')}, "
                 f"created {manifest.get('created', '?')}, seed {manifest.get('config', {}).get('seed')}).")
    val = manifest.get("metrics", {}).get("validation")
    if val:
        lines.append(f"Classifier on the held-out validation part ({val['documents']} articles): "
                     f"accuracy {val['accuracy']:.3f}, macro-F1 {val['macro_f1']:.3f}.")
    lines += ["", "| topic | top words |", "|---:|---|"]
    for row in table:
        lines.append(f"| {row['id']} | <span dir=\"rtl\">{'، '.join(row['words'])}</span> |")
    return "\n".join(lines) + "\n"


def write_topic_report(predictor, out_dir: str | Path, name: str, n_words: int = 10) -> tuple[Path, Path]:
    """Write ``out_dir/NAME.md`` and ``out_dir/NAME.json``; return both paths."""
    out = Path(out_dir)
    table = topic_table(predictor, n_words)
    md, js = out / f"{name}.md", out / f"{name}.json"
    _write_atomic(md, render_markdown(name, table, predictor.manifest))
    payload = {"model": name, "created": predictor.manifest.get("created"),
               "num_topics": len(table), "topics": table}
    _write_atomic(js, json.dumps(payload, ensure_ascii=False, indent=1) + "\n")
    return md, js
