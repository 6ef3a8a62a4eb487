"""Corpus readers: JSONL, CSV, folder-per-label (SANAD), ANT's tagged format and plain text.

Every reader is a generator of :class:`Document`, so a corpus larger than memory streams through.
A malformed record never stops the run and never takes the other records with it: it is logged in
a :class:`ReadReport` with its place (file and line) and skipped, and the report's summary is
printed at the end of every command that reads a corpus.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
import re
import sys
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

FORMATS = ("auto", "jsonl", "csv", "tsv", "folder", "ant", "text")
_MAX_KEPT_PROBLEMS = 1000


@dataclass
class Document:
    """One article. ``text`` is the body; ``title`` is read separately so it can be weighted."""

    text: str
    title: str | None = None
    label: str | None = None
    id: str | None = None
    date: str | None = None
    source: str | None = None  #: where it came from, "file:line", for error messages

    @property
    def full_text(self) -> str:
        """Title and body as one string: what the analyzer sees."""
        return f"{self.title}\n{self.text}" if self.title else self.text


@dataclass
class Problem:
    place: str
    message: str

    def __str__(self) -> str:
        return f"{self.place}: {self.message}"


@dataclass
class ReadReport:
    """What a reader skipped and why. Keeps the first 1,000 problems and counts them all."""

    read: int = 0
    skipped: int = 0
    problems: list[Problem] = field(default_factory=list)

    def skip(self, place: str, message: str) -> None:
        self.skipped += 1
        if len(self.problems) < _MAX_KEPT_PROBLEMS:
            self.problems.append(Problem(place, message))

    def summary(self) -> str:
        return f"read {self.read} documents, skipped {self.skipped} malformed record(s)"

    def print(self, stream=None, limit: int = 20) -> None:
        stream = stream or sys.stderr
        for problem in self.problems[:limit]:
            print(f"skipped {problem}", file=stream)
        if self.skipped > limit:
            print(f"... and {self.skipped - limit} more skipped", file=stream)
        print(self.summary(), file=stream)


@dataclass(frozen=True)
class Fields:
    """Which field of a record holds what (``--text-field``, ``--label-field`` ...)."""

    text: str = "text"
    title: str | None = "title"
    label: str | None = "label"
    id: str | None = "id"
    date: str | None = "date"


@dataclass(frozen=True)
class Condition:
    """A record filter from ``--where FIELD=VALUE`` or ``--where FIELD!=VALUE``."""

    field: str
    value: str
    equal: bool = True

    @classmethod
    def parse(cls, text: str) -> "Condition":
        if "!=" in text:
            name, value = text.split("!=", 1)
            return cls(name.strip(), value, equal=False)
        if "=" in text:
            name, value = text.split("=", 1)
            return cls(name.strip(), value, equal=True)
        raise CorpusError(f"--where takes FIELD=VALUE or FIELD!=VALUE, not {text!r}")

    def __call__(self, record: dict) -> bool:
        return (_str_or_none(record.get(self.field)) == self.value) == self.equal


class CorpusError(Exception):
    """A corpus that cannot be read at all (missing path, unknown format): one-line message."""


def detect_format(path: Path) -> str:
    """Guess the format from the path: a suffix for files, the layout for folders."""
    name = path.name.lower()
    if path.is_dir():
        children = [p for p in path.iterdir() if not p.name.startswith(".")]
        if any(p.is_dir() for p in children):
            return "folder"
        if any(p.name.lower().endswith((".jsonl", ".jsonl.gz", ".json")) for p in children):
            return "jsonl"
        if any(p.name.lower().endswith((".csv", ".csv.gz")) for p in children):
            return "csv"
        return "folder"
    for suffix, fmt in ((".jsonl", "jsonl"), (".json", "jsonl"), (".csv", "csv"), (".tsv", "tsv"),
                        (".xml", "ant"), (".sgml", "ant")):
        if name.endswith(suffix) or name.endswith(suffix + ".gz"):
            return fmt
    return "text"


def _open_text(path: Path, newline: str | None = "\n") -> io.TextIOBase:
    """Open a possibly gzipped file as UTF-8 text; undecodable bytes become U+FFFD, not a crash.

    Strict decoding would lose a whole file to one broken byte. Replaced characters are
    counted per record by the readers, which skip records that are mostly garbage.
    """
    raw = gzip.open(path, "rb") if path.name.lower().endswith(".gz") else open(path, "rb")
    # Lines end at "\n" only: a stray "\r" inside a scraped JSONL record must not split it.
    # The CSV reader passes newline="" as the csv module requires.
    return io.TextIOWrapper(raw, encoding="utf-8-sig", errors="replace", newline=newline)


def _damaged(exc: BaseException, lines_read: int) -> str:
    """The message for a file that breaks off (truncated gzip, I/O error) after some records."""
    reason = "truncated" if isinstance(exc, EOFError) else (getattr(exc, "strerror", None) or str(exc))
    return f"file is damaged ({reason}); the {lines_read} line(s) before this point were read"


def _broken(text: str) -> bool:
    """True where decoding replaced so many bytes that the record is not usable text."""
    bad = text.count("\ufffd")
    return bad > 0 and bad >= max(3, len(text) // 20)


def _files(path: Path, suffixes: tuple[str, ...]) -> list[Path]:
    if path.is_file():
        return [path]
    return sorted(p for p in path.rglob("*") if p.is_file() and p.name.lower().endswith(suffixes))


def _str_or_none(value) -> str | None:
    if value is None:
        return None
    return value if isinstance(value, str) else str(value)


def _make_document(record: dict, fields: Fields, place: str, report: ReadReport,
                   where: tuple = ()) -> Document | None:
    if where and not all(cond(record) for cond in where):
        return None
    text = record.get(fields.text)
    if not isinstance(text, str):
        what = "missing" if text is None else f"not a string ({type(text).__name__})"
        report.skip(place, f"field {fields.text!r} is {what}")
        return None
    if not text.strip():
        report.skip(place, f"field {fields.text!r} is empty")
        return None
    if _broken(text):
        report.skip(place, "text is not valid UTF-8 (broken encoding)")
        return None

    def get(name):
        return _str_or_none(record.get(name)) if name else None

    return Document(text=text, title=get(fields.title), label=get(fields.label), id=get(fields.id),
                    date=get(fields.date), source=place)


def read_jsonl(path: Path, fields: Fields, report: ReadReport, where: tuple = ()) -> Iterator[Document]:
    for file in _files(path, (".jsonl", ".jsonl.gz", ".json", ".json.gz")):
        lineno = 0
        try:
            with _open_text(file) as handle:
                for lineno, line in enumerate(handle, 1):
                    if not line.strip():
                        continue
                    place = f"{file}:{lineno}"
                    try:
                        record = json.loads(line)
                    except json.JSONDecodeError as exc:
                        report.skip(place, f"not valid JSON ({exc.msg})")
                        continue
                    except RecursionError:
                        report.skip(place, "JSON nested too deeply")
                        continue
                    if not isinstance(record, dict):
                        report.skip(place, f"a JSON {type(record).__name__}, not an object")
                        continue
                    doc = _make_document(record, fields, place, report, where)
                    if doc is not None:
                        yield doc
        except (EOFError, OSError, zlib.error) as exc:
            report.skip(f"{file}:{lineno + 1}", _damaged(exc, lineno))


def read_csv(path: Path, fields: Fields, report: ReadReport, where: tuple = (),
             delimiter: str = ",") -> Iterator[Document]:
    csv.field_size_limit(2**31 - 1)
    for file in _files(path, (".csv", ".csv.gz", ".tsv", ".tsv.gz")):
        reader = None
        try:
            with _open_text(file, newline="") as handle:
                reader = csv.reader(handle, delimiter=delimiter)
                yield from _csv_rows(file, reader, fields, report, where)
        except (EOFError, OSError, zlib.error) as exc:
            report.skip(f"{file}:{(reader.line_num if reader else 0) + 1}",
                        _damaged(exc, reader.line_num if reader else 0))


def _csv_rows(file, reader, fields, report, where):
    try:
        header = next(reader)
    except StopIteration:
        report.skip(f"{file}:1", "empty file, no header")
        return
    if fields.text not in header:
        report.skip(f"{file}:1", f"no column {fields.text!r} in the header {header}")
        return
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            report.skip(f"{file}:{reader.line_num}", f"malformed CSV ({exc})")
            continue
        place = f"{file}:{reader.line_num}"
        if not row:
            continue
        if len(row) != len(header):
            report.skip(place, f"{len(row)} columns where the header has {len(header)}")
            continue
        doc = _make_document(dict(zip(header, row)), fields, place, report, where)
        if doc is not None:
            yield doc


def _read_whole(file: Path, report: ReadReport) -> str | None:
    """A whole file as text (one article, or one tagged file), or None with the problem logged."""
    try:
        with _open_text(file) as handle:
            return handle.read()
    except (EOFError, OSError, zlib.error) as exc:
        report.skip(f"{file}:1", f"cannot read ({getattr(exc, 'strerror', None) or exc})")
        return None


def read_folder(path: Path, fields: Fields, report: ReadReport, where: tuple = ()) -> Iterator[Document]:
    """SANAD's layout: ``ROOT/<label>/<article>.txt``; the label is the folder name."""
    for file in _files(path, (".txt",)):
        label = file.parent.name if file.parent != path else None
        text = _read_whole(file, report)
        if text is None:
            continue
        doc = _make_document({"text": text, "label": label, "id": file.stem},
                             Fields(), str(file), report, where)
        if doc is not None:
            yield doc


_DOC_RE = re.compile(r"<doc\b[^>]*>(.*?)</doc\s*>", re.IGNORECASE | re.DOTALL)
_TAG_RES = {
    name: re.compile(rf"<({tags})\b[^>]*>(.*?)</\1\s*>", re.IGNORECASE | re.DOTALL)
    for name, tags in (("title", "title"), ("text", "text|body"), ("id", "id|docno|docid"),
                       ("date", "date"), ("label", "label|category|class"))
}


def read_ant(path: Path, fields: Fields, report: ReadReport, where: tuple = ()) -> Iterator[Document]:
    """ANT's tagged format: ``<DOC><TITLE>…</TITLE><TEXT>…</TEXT></DOC>``, one or many a file.

    Tags are matched case-insensitively; a missing label tag falls back to the parent folder's
    name, as in ANT's folder-per-category releases.
    """
    for file in _files(path, (".txt", ".xml", ".sgml", ".ant")):
        content = _read_whole(file, report)
        if content is None:
            continue
        blocks = [(m.group(1), content.count("\n", 0, m.start()) + 1) for m in _DOC_RE.finditer(content)]
        if not blocks and "<text" in content.lower():
            blocks = [(content, 1)]
        if not blocks:
            report.skip(f"{file}:1", "no <DOC> or <TEXT> element")
            continue
        folder_label = file.parent.name if file.parent != path else None
        for block, lineno in blocks:
            record = {}
            for name, pattern in _TAG_RES.items():
                match = pattern.search(block)
                if match:
                    record[name] = match.group(2).strip()
            record.setdefault("label", folder_label)
            doc = _make_document(record, Fields(), f"{file}:{lineno}", report, where)
            if doc is not None:
                yield doc


def read_text(path: Path, fields: Fields, report: ReadReport, where: tuple = ()) -> Iterator[Document]:
    """A plain text file (or a folder of them) is one article per file, with no label."""
    for file in _files(path, (".txt",)):
        text = _read_whole(file, report)
        if text is None:
            continue
        doc = _make_document({"text": text, "id": file.stem}, Fields(), str(file), report, where)
        if doc is not None:
            yield doc


def read_corpus(path: str | os.PathLike, format: str = "auto", fields: Fields | None = None,
                report: ReadReport | None = None, where=()) -> Iterator[Document]:
    """Stream the documents of a corpus at *path*.

    *where* holds :class:`Condition` filters (or ``"FIELD=VALUE"`` strings) that every record
    must pass, e.g. ``["split=train"]`` or ``["outlet!=BBC"]``; filtered records are not problems.

    Raises :class:`CorpusError` at once for a missing path or an unknown format; malformed
    records inside a readable corpus are skipped and logged in *report*.
    """
    path = Path(path)
    fields = fields or Fields()
    report = report if report is not None else ReadReport()
    if format not in FORMATS:
        raise CorpusError(f"unknown corpus format {format!r}; choose one of {', '.join(FORMATS)}")
    if not path.exists():
        raise CorpusError(f"corpus not found: {path}")
    if not os.access(path, os.R_OK):
        raise CorpusError(f"corpus not readable (permission denied): {path}")
    where = tuple(c if isinstance(c, Condition) else Condition.parse(c) for c in where)
    fmt = detect_format(path) if format == "auto" else format
    readers = {
        "jsonl": read_jsonl, "csv": read_csv, "folder": read_folder, "ant": read_ant,
        "text": read_text,
        "tsv": lambda p, f, r, w: read_csv(p, f, r, w, delimiter="\t"),
    }
    return _counted(readers[fmt](path, fields, report, where), report)


def _counted(docs: Iterator[Document], report: ReadReport) -> Iterator[Document]:
    for doc in docs:
        report.read += 1
        yield doc
