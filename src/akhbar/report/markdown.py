"""The report as files: ``report.html`` for people, ``topics.json`` for programs, ``topics.md`` for a
terminal or a repository, all three drawn from one payload (:mod:`akhbar.report.build`).

Topic words are display forms (the most frequent written word behind each stem, so a reader sees
حكومة rather than the stem حكوم). Files are written atomically: a report being rewritten is
never seen half-written.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from akhbar.report.html import render_html

JSON_TOPIC_KEYS = ("id", "label", "auto_label", "name", "seed", "words", "coherence", "share",
                   "categories", "timeline", "articles")


def topic_table(predictor, n_words: int = 10) -> list[dict]:
    """[{"id", "label", "words": [word, ...], "weights": [...], "coherence", "share"}] per topic,
    labels and scores from the training summary when the model folder keeps one."""
    topics = predictor.model.topics
    if topics is None:
        return []
    summary = predictor.model.topic_summary or {}
    labels = predictor.topic_labels or [None] * topics.topic_word_.shape[0]
    per_topic = (summary.get("quality") or {}).get("per_topic") or [None] * len(labels)
    share = summary.get("share") or [None] * len(labels)
    display = topics.display_ or topics.vocabulary_
    index = {w: i for i, w in enumerate(topics.vocabulary_)}
    return [{"id": k, "label": labels[k], "words": [display[index[w]] for w, _ in pairs],
             "weights": [round(p, 5) for _, p in pairs], "coherence": per_topic[k], "share": share[k]}
            for k, pairs in enumerate(topics.top_words(n_words))]


def _write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.chmod(tmp, 0o644)  # a report is for reading: not mkstemp's owner-only mode
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _cell(text) -> str:
    """Markdown table cell: no pipe or newline can break the row; HTML stays text."""
    return (str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace("|", "\\|").replace("\n", " "))


def _num(x, digits=3) -> str:
    return "–" if x is None else f"{x:.{digits}f}"


def render_markdown(payload: dict) -> str:
    """The report as Markdown: summary, warnings, one table row per topic, seeds, choose-K."""
    corpus = payload.get("corpus") or {}
    topics = payload.get("topics") or []
    lines = [f"# Topics of model `{_cell(payload.get('model', ''))}`", ""]
    lines.append(f"{len(topics)} topics over {corpus.get('documents') or '?'} articles "
                 f"({'the training articles' if corpus.get('source') == 'training' else _cell(corpus.get('path'))}); "
                 f"coherence (NPMI, top 10 words) {_num(payload.get('coherence'))}, "
                 f"diversity (top 25) {_num(payload.get('diversity'))}; "
                 f"akhbar {payload.get('akhbar') or '?'}, model created {payload.get('created') or '?'}.")
    for warning in payload.get("warnings") or []:
        lines.append(f"\n> **warning:** {_cell(warning)}")
    lines += ["", "| topic | label | share | NPMI | top words |", "|---:|---|---:|---:|---|"]
    for t in topics:
        share = "–" if t.get("share") is None else f"{100 * t['share']:.1f}%"
        words = "، ".join(_cell(w) for w, _ in t.get("words", [])[:10])
        lines.append(f"| {t['id']} | <span dir=\"rtl\">{_cell(t.get('label'))}</span> | {share} | "
                     f"{_num(t.get('coherence'))} | <span dir=\"rtl\">{words}</span> |")
    seeded = [t for t in topics if t.get("seed")]
    if seeded:
        lines += ["", "## Seeded topics", ""]
        for t in seeded:
            seed = t["seed"]
            lines.append(f"- topic {t['id']} **{_cell(t.get('name'))}**: {seed.get('found', 0)} of "
                         f"{len(seed.get('words', []))} seed words in its top 10 words")
    choose = payload.get("choose_k")
    if choose:
        lines += ["", "## Choosing K", "", "| K | held-out NPMI | diversity | NPMI × diversity |", "|---:|---:|---:|---:|"]
        for row in zip(choose["k"], choose["coherence"], choose["diversity"], choose["quality"]):
            mark = " **chosen**" if row[0] == choose.get("chosen") else ""
            lines.append(f"| {row[0]}{mark} | {_num(row[1])} | {_num(row[2])} | {_num(row[3])} |")
        lines += ["", _cell(choose.get("why", ""))]
    return "\n".join(lines) + "\n"


def for_programs(payload: dict) -> dict:
    """``topics.json``: the payload without what only the page's slider needs."""
    out = {key: value for key, value in payload.items() if key != "topics"}
    out["num_topics"] = len(payload.get("topics") or [])
    out["topics"] = [{key: t[key] for key in JSON_TOPIC_KEYS if key in t} for t in payload.get("topics") or []]
    return out


def write_report(payload: dict, out_dir: str | Path, stem: str | None = None) -> dict[str, Path]:
    """Write ``report.html``, ``topics.json`` and ``topics.md`` into *out_dir* (or, with *stem*,
    ``STEM.html``, ``STEM.json``, ``STEM.md``); return the paths by kind."""
    out = Path(out_dir)
    paths = {"html": out / (f"{stem}.html" if stem else "report.html"),
             "json": out / (f"{stem}.json" if stem else "topics.json"),
             "md": out / (f"{stem}.md" if stem else "topics.md")}
    _write_atomic(paths["json"], json.dumps(for_programs(payload), ensure_ascii=False, indent=1) + "\n")
    _write_atomic(paths["md"], render_markdown(payload))
    _write_atomic(paths["html"], render_html(payload))
    return paths


def write_topic_report(predictor, out_dir: str | Path, name: str) -> dict[str, Path]:
    """The training report of a freshly trained model: ``out_dir/NAME.{html,json,md}``."""
    from akhbar.report.build import build_payload

    return write_report(build_payload(predictor, name), out_dir, stem=name)
