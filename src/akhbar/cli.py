"""The ``akhbar`` command: a thin layer that parses arguments and calls plain functions.

Each command is a function (``train_command``, ``predict_command`` …) that tests call directly;
``main([...])`` is the console script and what tests call to exercise parsing. Errors the user can
fix (a missing file, a foreign model folder, a corpus with one label) print one line on stderr and
exit 1; usage errors, and ``export`` of a model without topics, exit 2; progress bars go to stderr,
results to stdout.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from collections import deque
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, Sequence

from akhbar import __version__
from akhbar.corpus import Document, Fields, ReadReport, read_corpus

DEFAULT_MODEL = Path("models/default")


class CommandError(Exception):
    """A failure to report as one line and exit code 1."""


def default_seeds() -> Path:
    """The built-in corpus: ``./seeds`` if run from a checkout, else the one beside the package."""
    for candidate in (Path.cwd() / "seeds", Path(__file__).resolve().parents[2] / "seeds"):
        if candidate.is_dir():
            return candidate
    raise CommandError("no --corpus given and the built-in seeds/ folder was not found; "
                       "run from the akhbar checkout or pass --corpus")


@dataclass(frozen=True)
class CorpusOptions:
    """How to read a corpus: ``--format``, the ``--*-field`` names and ``--where`` filters."""

    format: str = "auto"
    fields: Fields = field(default_factory=Fields)
    where: tuple = ()

    @classmethod
    def from_args(cls, args) -> "CorpusOptions":
        none = lambda v: None if v in (None, "", "-") else v  # noqa: E731
        fields = Fields(text=args.text_field, title=none(args.title_field), label=none(args.label_field),
                        id=none(args.id_field), date=none(args.date_field))
        return cls(args.format, fields, tuple(args.where))

    def read(self, path, report: ReadReport) -> Iterator[Document]:
        return read_corpus(path, self.format, self.fields, report, self.where)


def _batches(docs: Iterator[Document], size: int) -> Iterator[list[Document]]:
    batch = []
    for doc in docs:
        batch.append(doc)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _progress(iterable, desc, total=None):
    from tqdm import tqdm

    # disable=None: bars only when stderr is a terminal, so logs and CI output stay clean
    return tqdm(iterable, desc=desc, total=total, unit="doc", file=sys.stderr, disable=None,
                leave=False, mininterval=0.5)


@contextmanager
def _atomic_output(path: str | None) -> Iterator:
    """stdout, or a file written under a temporary name and renamed into place when complete."""
    if path is None or path == "-":
        yield sys.stdout
        return
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.partial-", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            yield handle
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _load(model_dir):
    from akhbar.predictor import load

    return load(model_dir)


# --- commands as plain functions -------------------------------------------------------------------


def train_command(corpus=None, out=None, *, topics=None, seed=0, config_path=None,
                  options: CorpusOptions = CorpusOptions(), topics_dir="topics", progress=True,
                  seed_topics=None, k_range=None, topic_sampler=None, topic_sweeps=None) -> dict:
    """Train on *corpus* (default: the built-in seeds) and save to *out*; return a summary."""
    from akhbar.bundle import save
    from akhbar.predictor import load
    from akhbar.report import write_topic_report
    from akhbar.train import TrainConfig, train

    config_values = {}
    if config_path:
        try:
            config_values = json.loads(Path(config_path).read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise CommandError(f"cannot read --config {config_path}: {exc}") from None
        if not isinstance(config_values, dict):
            raise CommandError(f"--config {config_path} must hold a JSON object of training options")
    config_values["seed"] = seed
    if topics is not None:
        config_values["topics"] = topics
    if k_range is not None:
        config_values["topic_k_range"] = k_range
    if topic_sampler is not None:
        config_values["topic_sampler"] = topic_sampler
    if topic_sweeps is not None:
        config_values["topic_sweeps"] = topic_sweeps
    if seed_topics is not None:
        from akhbar.topics.seeded import SeedError, read_seed_topics

        try:
            config_values["seed_topics"] = [{"name": t.name, "words": t.words, "line": t.line}
                                            for t in read_seed_topics(seed_topics)]
        except SeedError as exc:
            raise CommandError(str(exc)) from None
    try:
        config = TrainConfig.from_dict(config_values)
    except (TypeError, ValueError) as exc:
        raise CommandError(str(exc)) from None
    corpus = Path(corpus) if corpus else default_seeds()
    out = Path(out) if out else DEFAULT_MODEL
    report = ReadReport()
    docs = list(_progress(options.read(corpus, report), "read"))
    report.print(limit=10)
    log = (lambda m: print(f"akhbar: {m}", file=sys.stderr)) if progress else None
    model = train(docs, config, progress=progress and sys.stderr.isatty(), log=log)
    save(model, out, overwrite=True)
    predictor = load(out)
    summary = {"model": str(out), "documents": len(docs), "skipped": report.skipped,
               "labels": model.labels,
               "validation": {k: v for k, v in model.metrics.get("validation", {}).items()
                              if k in ("documents", "accuracy", "macro_f1")},
               "seconds": model.training.get("seconds")}
    if model.topics is not None:
        paths = write_topic_report(predictor, topics_dir, out.name)
        summary["topic_report"] = str(paths["html"])
        summary["topics_json"] = str(paths["json"])
        summary["topics_md"] = str(paths["md"])
        quality = (model.topic_summary or {}).get("quality") or {}
        summary["topics"] = {"k": model.training.get("num_topics"), "coherence": quality.get("coherence"),
                             "diversity": quality.get("diversity")}
        if model.training.get("topic_warnings"):
            summary["topic_warnings"] = model.training["topic_warnings"]
    return summary


def predict_command(model_dir, texts=(), input_path=None, output=None, *,
                    options: CorpusOptions = CorpusOptions(), top_topics=3, jobs=1, topic_names=None,
                    label_map=None, labels=None) -> int:
    """Label *texts* or the corpus at *input_path*; one JSON line per article, in input order.

    The input is read and labelled 512 articles at a time, so memory stays flat however large
    the corpus; the output file appears (atomically) only when every article is written. With
    ``jobs > 1`` (``-1``: every core) that many batches are labelled at once, in threads
    (:meth:`Predictor.predict_batches`). *label_map* (``FROM=TO`` texts) and *labels* (names)
    answer in another taxonomy (:meth:`Predictor.predict`); they are checked before anything
    is read or written.
    """
    predictor = _load(model_dir)
    mapping = _label_mapping(predictor, label_map, labels)
    if topic_names is not None:
        from akhbar.topics.labels import NamesError

        try:
            predictor.rename_topics(topic_names)
        except (NamesError, ValueError) as exc:
            raise CommandError(str(exc)) from None
    n = 0
    with _atomic_output(output) as out:
        if input_path is not None:
            report = ReadReport()
            pending: deque = deque()

            def texts_of_batches():
                for batch in _batches(_progress(options.read(input_path, report), "predict"), 512):
                    pending.append(batch)  # the documents wait here for their results
                    yield [d.full_text for d in batch]

            for results in predictor.predict_batches(texts_of_batches(), n_jobs=jobs, top_topics=top_topics,
                                                     label_map=mapping):
                n += _write_rows(pending.popleft(), results, out)
            report.print(limit=10)
        else:
            docs = [Document(text=t) for t in texts]
            n += _write_rows(docs, predictor.predict(texts, top_topics=top_topics, label_map=mapping), out)
    return n


def _label_mapping(predictor, label_map, labels):
    """The checked :class:`akhbar.classify.labelmap.LabelMap` of ``--label-map``/``--labels``
    (None without them); a bad one is a :class:`CommandError` naming what is wrong."""
    if not label_map and labels is None:
        return None
    from akhbar.classify.labelmap import LabelMap

    try:
        return LabelMap.build(predictor.labels, label_map or None, labels)
    except ValueError as exc:
        raise CommandError(str(exc)) from None


def _write_rows(docs, results, out) -> int:
    for doc, res in zip(docs, results):
        row = {"id": doc.id} if doc.id is not None else {}
        row.update(res.to_dict())
        if doc.source and not res.ok:
            row["source"] = doc.source
        line = json.dumps(row, ensure_ascii=False)
        try:
            line.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate (e.g. a cut emoji in an id): escape it
            line = json.dumps(row, ensure_ascii=True)
        out.write(line + "\n")
    return len(docs)


def evaluate_command(model_dir, corpus, *, options: CorpusOptions = CorpusOptions(),
                     label_map=None, labels=None) -> dict:
    """Accuracy, macro-F1, per-label scores and the confusion matrix on a labelled corpus.

    Streams the corpus in batches; articles without a label are not scored. With *label_map*
    and/or *labels* (as for ``predict``) the model answers in the mapped/restricted label set,
    the map applies to the corpus's labels too (a true ``middleEast`` read as what the map
    makes of it), and only articles whose label is in that set are scored: an ANT v2.1 model
    on ANT v1.1 with ``middleEast=internationalNews`` is scored over the five shared labels.
    The articles left out are counted under ``outside_label_set``.
    """
    from akhbar.train import evaluate_predictions

    predictor = _load(model_dir)
    mapping = _label_mapping(predictor, label_map, labels)
    known = predictor.labels if mapping is None else list(mapping.labels)
    outside: dict[str, int] = {}
    report = ReadReport()
    y_true, y_pred, errors = [], [], 0
    for batch in _batches(_progress(options.read(corpus, report), "evaluate"), 2048):
        batch = [d for d in batch if d.label]
        truth = [d.label for d in batch]
        if mapping is not None:
            truth = [mapping.map_label(t) for t in truth]
            for t in truth:
                if t not in mapping.labels:
                    outside[t] = outside.get(t, 0) + 1
            batch = [d for d, t in zip(batch, truth) if t in mapping.labels]
            truth = [t for t in truth if t in mapping.labels]
        results = predictor.predict([d.full_text for d in batch], top_topics=0, top_terms=0, label_map=mapping)
        y_true += truth
        y_pred += [r.label if r.label is not None else "<error>" for r in results]
        errors += sum(r.label is None for r in results)
    report.print(limit=10)
    if not y_true:
        raise CommandError(f"{corpus} has no labelled documents to evaluate on (check --label-field)")
    metrics = evaluate_predictions(y_true, y_pred, known_labels=known)
    metrics["errors"] = errors
    if mapping is not None:
        metrics["label_set"] = known
        metrics["label_map"] = mapping.label_map
        metrics["outside_label_set"] = dict(sorted(outside.items()))
    unknown = sorted(set(y_true) - set(known))
    if unknown:
        metrics["labels_unknown_to_model"] = unknown
    return metrics


def topics_command(model_dir, n_words=10, names_path=None) -> dict:
    """The topics with labels and scores (:func:`akhbar.topic_commands.topics_command`)."""
    from akhbar.topic_commands import topics_command as run

    return run(model_dir, n_words, names_path)


# --- argument parsing --------------------------------------------------------------------------------


def _corpus_options(p: argparse.ArgumentParser) -> None:
    from akhbar.corpus import FORMATS

    g = p.add_argument_group("corpus format")
    g.add_argument("--format", default="auto", choices=FORMATS,
                   help="corpus format (default: guessed from the path)")
    g.add_argument("--text-field", default="text", help="field/column with the article body (default: text)")
    g.add_argument("--title-field", default="title", help="field with the title, '' for none (default: title)")
    g.add_argument("--label-field", default="label", help="field with the label (default: label)")
    g.add_argument("--id-field", default="id", help="field with the article id (default: id)")
    g.add_argument("--date-field", default="date", help="field with the date (default: date)")
    g.add_argument("--where", action="append", default=[], metavar="FIELD=VALUE",
                   help="keep only records whose FIELD equals (or with !=, differs from) VALUE; repeatable")


def _label_map_options(p: argparse.ArgumentParser, scoring: bool = False) -> None:
    g = p.add_argument_group("other taxonomies")
    g.add_argument("--label-map", action="append", default=[], metavar="FROM=TO[,FROM=TO]",
                   help="answer the model's label FROM as TO, its probability summed into TO's "
                        "(e.g. middleEast=internationalNews); repeatable" +
                        ("; the corpus's labels are mapped too" if scoring else ""))
    g.add_argument("--labels", metavar="A,B,C",
                   help="answer only these labels (after --label-map), probabilities renormalised" +
                        ("; only articles labelled with one of them are scored" if scoring else ""))


def _topics_arg(value: str):
    if value == "auto":
        return value
    try:
        k = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of topics or 'auto', not {value!r}") from None
    if k < 0:
        raise argparse.ArgumentTypeError("the number of topics cannot be negative")
    return k


def _engine_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("engine")
    g.add_argument("--engine", choices=("local", "spark"), default="local",
                   help="local (default): this process; spark: Apache Spark (pip install 'akhbar[spark]')")
    g.add_argument("--master", default="local[*]",
                   help="--engine spark: the Spark master, local[*] (default) or a cluster URL; 'submit' "
                        "leaves it to spark-submit")


def _spark():
    """The Spark engine, or a CommandError that says how to install it."""
    try:
        from akhbar.engines import spark
    except ImportError as exc:
        raise CommandError(f"--engine spark needs the spark extra: pip install 'akhbar[spark]' ({exc})") from None
    return spark


def spark_command(args, parser) -> dict:
    """``train``/``predict`` with ``--engine spark``: the Spark engine does the work."""
    spark = _spark()
    master = None if args.master == "submit" else args.master
    if args.command == "train":
        if not args.corpus:
            parser.error("train --engine spark needs --corpus PATH (JSONL, JSONL.gz or Parquet)")
        if args.seed_topics or args.k_range or args.topic_sampler == "gibbs":
            parser.error("--seed-topics, --k-range and --topic-sampler gibbs run on the local engine only")
        log = (lambda m: None) if args.quiet else (lambda m: print(f"akhbar: {m}", file=sys.stderr))
        return spark.spark_train_command(args.corpus, args.out or str(DEFAULT_MODEL), master,
                                         label_field=args.label_field, text_field=args.text_field,
                                         title_field=args.title_field or None, id_field=args.id_field or None,
                                         seed=args.seed, topics=args.topics, config_path=args.config_path, log=log)
    if args.texts or not args.input or not args.output:
        parser.error("predict --engine spark needs --input PATH and --output PATH (no TEXT arguments)")
    if args.label_map or args.labels is not None:
        parser.error("--label-map and --labels run on the local engine only")
    return spark.spark_predict_command(args.model, args.input, args.output, master, fmt=args.output_format,
                                       top_topics=args.top_topics, text_field=args.text_field,
                                       title_field=args.title_field or None, id_field=args.id_field or None)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="akhbar", description="Arabic news: topics, categories, predict().")
    parser.add_argument("--version", action="version", version=f"akhbar {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    p = sub.add_parser("train", help="train a classifier and topic model; save a model folder",
                       description="Train on a corpus (default: the built-in seeds/) and write a model folder.")
    p.add_argument("--corpus", help="corpus path (file or folder); default: the built-in seeds/")
    p.add_argument("--out", help=f"model folder to write (default: {DEFAULT_MODEL})")
    p.add_argument("--topics", type=_topics_arg,
                   help="number of LDA topics (0: none; 'auto': choose by held-out coherence x diversity; "
                        "default: min(30, docs/20))")
    p.add_argument("--k-range", help="the K that --topics auto tries, e.g. 10..60 or 10..60:5")
    p.add_argument("--seed-topics", metavar="FILE",
                   help="guided topics: one a line, 'NAME: seed words ...'; topic i follows line i")
    p.add_argument("--topic-sampler", choices=("variational", "gibbs"),
                   help="how LDA is fitted: tomotopy's Gibbs sampling (default: the most coherent topics "
                        "measured, experiments/topics.md) or gensim's variational Bayes")
    p.add_argument("--topic-sweeps", type=int, help="Gibbs sweeps over the corpus (default: 300)")
    p.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
    p.add_argument("--config", dest="config_path", help="JSON file of training options (see TrainConfig)")
    p.add_argument("--topics-dir", default="topics", help="where the topic report goes (default: topics/)")
    p.add_argument("--quiet", action="store_true", help="no progress messages")
    _engine_options(p)
    _corpus_options(p)

    p = sub.add_parser("predict", help="label articles with a trained model (JSON lines out)",
                       description="Label TEXT arguments or every article of --input; one JSON line each.")
    p.add_argument("--model", default=str(DEFAULT_MODEL), help=f"model folder (default: {DEFAULT_MODEL})")
    p.add_argument("texts", nargs="*", metavar="TEXT", help="article text(s) to label")
    p.add_argument("--input", help="a corpus to label, in any format train reads")
    p.add_argument("--output", help="write JSON lines here (atomically) instead of stdout")
    p.add_argument("--top-topics", type=int, default=3, help="topics per article (default: 3; 0 skips topic inference)")
    p.add_argument("--topic-names", metavar="FILE", help="your topic names (one 'ID NAME' a line) for topic_labels")
    p.add_argument("--jobs", type=int, default=1, help="batches labelled at once, in threads, for --input (default: 1; -1: every core)")
    p.add_argument("--output-format", choices=("parquet", "json"), default="parquet",
                   help="--engine spark: write Parquet (default) or JSON lines")
    _label_map_options(p)
    _engine_options(p)
    _corpus_options(p)

    p = sub.add_parser("evaluate", help="score a model on a labelled corpus (JSON out)",
                       description="Accuracy, macro-F1, per-label precision/recall/F1 and the confusion matrix.")
    p.add_argument("--model", default=str(DEFAULT_MODEL), help=f"model folder (default: {DEFAULT_MODEL})")
    p.add_argument("--corpus", required=True, help="labelled corpus path")
    p.add_argument("--output", help="also write the JSON here")
    _label_map_options(p, scoring=True)
    _corpus_options(p)

    p = sub.add_parser("topics", help="print the top words of each topic",
                       description="Top words of each LDA topic of a model.")
    p.add_argument("--model", default=str(DEFAULT_MODEL), help=f"model folder (default: {DEFAULT_MODEL})")
    p.add_argument("--words", type=int, default=10, help="words per topic (default: 10)")
    p.add_argument("--json", action="store_true", help="JSON instead of text")
    p.add_argument("--names", metavar="FILE", help="your topic names, one 'ID NAME' a line")
    p.add_argument("--choose-k", metavar="RANGE",
                   help="instead: fit every K of RANGE (e.g. 10..60) on --corpus and print the curve")
    p.add_argument("--corpus", help="the corpus --choose-k fits on")
    p.add_argument("--seed", type=int, default=0, help="random seed for --choose-k (default: 0)")
    _corpus_options(p)

    p = sub.add_parser("report", help="write a topic report folder: report.html, topics.json, topics.md",
                       description="Write a self-contained report of a model's topics (offline HTML, right to left).")
    p.add_argument("--model", default=str(DEFAULT_MODEL), help=f"model folder (default: {DEFAULT_MODEL})")
    p.add_argument("--corpus", help="a corpus to see through the model (default: its training articles)")
    p.add_argument("--out", required=True, help="folder to write the report into")
    p.add_argument("--names", metavar="FILE", help="your topic names, one 'ID NAME' a line")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    _corpus_options(p)

    p = sub.add_parser("export", help="export a model's topics for other tools (a gensim LdaModel)",
                       description="Write a model's topics as a gensim LdaModel + Dictionary (for CoherenceModel, "
                                   "pyLDAvis, your own gensim code), with a README on loading them.")
    p.add_argument("--model", default=str(DEFAULT_MODEL), help=f"model folder (default: {DEFAULT_MODEL})")
    p.add_argument("--gensim", metavar="OUT", required=True,
                   help="folder to write lda.gensim, dictionary.gensim, export.json and README.txt into")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    from akhbar.bundle import ModelError
    from akhbar.corpus import CorpusError
    from akhbar.topic_commands import TopicCommandError
    from akhbar.train import TrainingError

    try:
        if getattr(args, "engine", "local") == "spark":
            print(json.dumps(spark_command(args, parser), ensure_ascii=False, indent=1))
        elif args.command == "train":
            summary = train_command(args.corpus, args.out, topics=args.topics, seed=args.seed,
                                    config_path=args.config_path, options=CorpusOptions.from_args(args),
                                    topics_dir=args.topics_dir, progress=not args.quiet,
                                    seed_topics=args.seed_topics, k_range=args.k_range,
                                    topic_sampler=args.topic_sampler, topic_sweeps=args.topic_sweeps)
            print(json.dumps(summary, ensure_ascii=False, indent=1))
            print(f"akhbar: model written to {summary['model']}", file=sys.stderr)
            if "topic_report" in summary:
                print(f"akhbar: topic report in {summary['topic_report']} (and {summary['topics_json']}, "
                      f"{summary['topics_md']})", file=sys.stderr)
        elif args.command == "predict":
            if not args.texts and not args.input:
                parser.error("predict needs TEXT arguments or --input PATH")
            if args.texts and args.input:
                parser.error("give TEXT arguments or --input, not both")
            predict_command(args.model, args.texts, args.input, args.output,
                            options=CorpusOptions.from_args(args), top_topics=args.top_topics, jobs=args.jobs,
                            topic_names=args.topic_names, label_map=args.label_map, labels=args.labels)
        elif args.command == "evaluate":
            metrics = evaluate_command(args.model, args.corpus, options=CorpusOptions.from_args(args),
                                       label_map=args.label_map, labels=args.labels)
            text = json.dumps(metrics, ensure_ascii=False, indent=1)
            if args.output:
                with _atomic_output(args.output) as out:
                    out.write(text + "\n")
            print(text)
        elif args.command == "topics" and args.choose_k:
            if not args.corpus:
                parser.error("--choose-k needs --corpus PATH")
            from akhbar.topic_commands import choose_k_command, render_curve

            curve = choose_k_command(args.corpus, args.choose_k, options=CorpusOptions.from_args(args),
                                     seed=args.seed, log=lambda m: print(f"akhbar: {m}", file=sys.stderr))
            print(json.dumps(curve, ensure_ascii=False, indent=1) if args.json else render_curve(curve))
        elif args.command == "topics":
            from akhbar.topic_commands import render_topics

            result = topics_command(args.model, args.words, args.names)
            if args.json:
                print(json.dumps(result, ensure_ascii=False, indent=1))
            elif not result["topics"]:
                print("this model has no topic model (trained with --topics 0)")
            else:
                print(render_topics(result))
        elif args.command == "report":
            from akhbar.topic_commands import report_command

            done = report_command(args.model, args.out, args.corpus, options=CorpusOptions.from_args(args),
                                  names_path=args.names, progress=not args.quiet)
            for warning in done["warnings"]:
                print(f"akhbar: warning: {warning}", file=sys.stderr)
            print(json.dumps(done, ensure_ascii=False, indent=1))
            print(f"akhbar: report written to {done['report']} ({done['bytes'] / 1024:.0f} KB)", file=sys.stderr)
        elif args.command == "export":
            from akhbar.topic_commands import export_gensim
            from akhbar.topics.export import ExportError

            try:
                done = export_gensim(args.model, args.gensim)
            except ExportError as exc:  # a model without topics: nothing to export
                print(f"akhbar: error: {exc}", file=sys.stderr)
                return 2
            print(json.dumps(done, ensure_ascii=False, indent=1))
            print(f"akhbar: gensim model written to {done['lda']} (dictionary {done['dictionary']}; "
                  f"how to load them: {done['readme']})", file=sys.stderr)
    except (CommandError, ModelError, CorpusError, TrainingError, TopicCommandError) as exc:
        print(f"akhbar: error: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"akhbar: error: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "), file=sys.stderr)
        return 1
    except BrokenPipeError:  # e.g. `akhbar topics | head`: the reader left; stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        print("akhbar: interrupted; nothing half-written was left behind", file=sys.stderr)
        return 130
    return 0


def entry_point() -> None:
    sys.exit(main())
