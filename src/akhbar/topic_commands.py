"""The topic commands behind the CLI, as plain functions: ``akhbar report`` and ``akhbar topics``.

:func:`report_command` writes the report folder (``report.html``, ``topics.json``,
``topics.md``) of a model, over its training articles or over any corpus; :func:`topics_command`
lists the topics with their labels and scores; :func:`choose_k_command` fits a range of K on a
corpus and prints the curve. ``akhbar.cli`` parses the arguments and calls them.
"""

from __future__ import annotations

import sys
from pathlib import Path

from akhbar.corpus import ReadReport


class TopicCommandError(Exception):
    """A failure of a topic command to report as one line (exit code 1)."""


def _progress(iterable, desc: str):
    from tqdm import tqdm

    return tqdm(iterable, desc=desc, unit="batch", file=sys.stderr, disable=None, leave=False, mininterval=0.5)


def _names(predictor, names_path):
    from akhbar.topics.labels import NamesError

    if names_path is None or predictor.model.topics is None:
        return None
    try:
        predictor.rename_topics(names_path)
    except (NamesError, ValueError) as exc:
        raise TopicCommandError(str(exc)) from None
    return dict(enumerate(predictor.topic_labels))


def report_command(model_dir, out, corpus=None, *, options=None, names_path=None, progress=True) -> dict:
    """Write the report of the model at *model_dir* into the folder *out*; return where and what.

    Without *corpus* it draws the training articles as the model folder keeps them; with one, it
    reads the corpus (``options``: an ``akhbar.cli.CorpusOptions``), infers its topics and draws
    its labels and dates.
    """
    from akhbar.predictor import load
    from akhbar.report import build_payload, corpus_summary, write_report

    predictor = load(model_dir)
    names = _names(predictor, names_path)
    summary, warnings, source, path = None, [], "training", None
    if corpus is not None and predictor.model.topics is not None:
        report = ReadReport()
        docs = list(options.read(corpus, report))
        report.print(limit=10)
        if not docs:
            raise TopicCommandError(f"{corpus} holds no readable article")
        summary, warnings = corpus_summary(predictor, docs, (lambda it: _progress(it, "topics")) if progress else None)
        source, path = "corpus", str(corpus)
    elif corpus is not None:
        warnings = [f"the corpus {corpus} was not read: the model has no topic model"]
    payload = build_payload(predictor, Path(model_dir).name, summary, source=source, path=path,
                            names=names, warnings=warnings)
    paths = write_report(payload, out)
    return {"report": str(paths["html"]), "json": str(paths["json"]), "markdown": str(paths["md"]),
            "topics": len(payload["topics"]), "documents": payload["corpus"].get("documents"),
            "coherence": payload.get("coherence"), "diversity": payload.get("diversity"),
            "warnings": payload["warnings"], "bytes": paths["html"].stat().st_size}


def topics_command(model_dir, n_words=10, names_path=None) -> dict:
    """The topics of a model: label, top words, coherence and share each, and the overall scores."""
    from akhbar.predictor import load
    from akhbar.report import topic_table

    predictor = load(model_dir)
    _names(predictor, names_path)
    quality = (predictor.model.topic_summary or {}).get("quality") or {}
    return {"topics": topic_table(predictor, n_words), "coherence": quality.get("coherence"),
            "diversity": quality.get("diversity"), "counted_over": quality.get("counted_over"),
            "choose_k": predictor.manifest.get("training", {}).get("choose_k")}


def choose_k_command(corpus, k_range: str, *, options=None, seed=0, passes=3, filler=True, log=None) -> dict:
    """Fit every K of *k_range* on *corpus* with the default analyzer; the curve and the pick."""
    from akhbar.text import Analyzer, normalize
    from akhbar.topics.choose import ChooseKError, choose_k, parse_range
    from akhbar.topics.fitting import topic_tokens
    from akhbar.train import TrainConfig

    report = ReadReport()
    docs = list(options.read(corpus, report))
    report.print(limit=10)
    config = TrainConfig(seed=seed)
    analyzer = Analyzer(config.analyzer_config())
    try:
        ks = parse_range(k_range, len(docs))
        tokens = topic_tokens([analyzer.tokens_from_normalized(normalize(d.full_text)) for d in docs], analyzer, filler)
        no_below = min(config.lda_no_below, max(1, len(docs) // 50))
        return choose_k(tokens, ks, seed=seed, passes=passes, no_below=no_below, no_above=config.lda_no_above,
                        sampler=config.topic_sampler, sweeps=config.topic_sweeps, log=log)
    except ChooseKError as exc:
        raise TopicCommandError(str(exc)) from None


def render_topics(result: dict) -> str:
    """``akhbar topics`` for a terminal: one line per topic, then the overall scores."""
    lines = []
    for row in result["topics"]:
        score = "" if row.get("coherence") is None else f"  [NPMI {row['coherence']:.2f}, {100 * row['share']:.1f}%]"
        label = f"  ({row['label']})" if row.get("label") else ""
        lines.append(f"{row['id']:>3}  {' '.join(row['words'])}{label}{score}")
    if result.get("coherence") is not None:
        lines.append(f"coherence (NPMI, top 10) {result['coherence']:.3f}, diversity (top 25) "
                     f"{result['diversity']:.3f}, counted over {result.get('counted_over')}")
    return "\n".join(lines)


def render_curve(result: dict) -> str:
    """The choose-K curve as a terminal table, with a bar per K."""
    lines = ["   K  NPMI   diversity  quality"]
    top = max(max(result["quality"]), 1e-9)
    for k, c, d, q in zip(result["k"], result["coherence"], result["diversity"], result["quality"]):
        bar = "#" * max(0, int(round(20 * q / top))) if q > 0 else ""
        mark = "  <- chosen" if k == result["chosen"] else ""
        lines.append(f"{k:>4}  {c:+.3f}  {d:.3f}      {q:+.3f}  {bar}{mark}")
    lines.append(result["why"])
    return "\n".join(lines)


def export_gensim(model_dir, out_dir) -> dict:
    """``akhbar export --gensim``: load the model folder (its checks first), then write its topics
    as a gensim ``LdaModel`` + ``Dictionary`` (:func:`akhbar.topics.export.write_gensim`); a model
    without topics is refused with :class:`akhbar.topics.export.ExportError`."""
    from akhbar.predictor import load
    from akhbar.topics.export import write_gensim

    return write_gensim(load(model_dir), model_dir, out_dir)
