"""The model folder: ``manifest.json`` plus arrays and JSON, and nothing that can run code.

Why no pickle: a pickle (and so a plain ``joblib`` file) executes whatever its author wrote when
it is loaded, and model folders get passed around. Everything a model is made of is numbers and
strings, so it is saved as ``.npy`` arrays (loaded with ``allow_pickle=False``) and JSON.

Loading checks before it reads anything else: the manifest must say it is an akhbar model of a
format version this code understands, and every file it lists must be present with the size and
SHA-256 it records. A changed, truncated, missing, swapped or extra-large file is refused with a
message naming it.

Saving writes into a temporary folder beside the target and renames it into place at the end,
so an interrupted ``akhbar train`` never leaves a folder that looks complete.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import os
import platform
import shutil
import tempfile
from itertools import chain
from pathlib import Path

import numpy as np

from akhbar import __version__
from akhbar.classify import FittedLinearCalibrated
from akhbar.fast.table import TokenLists, WordTable, block_widths, scoring_blocks, table_records
from akhbar.fast.weighting import record_width
from akhbar.features import FittedCharNgrams, FittedLdaTopics, FittedWordTfidf
from akhbar.text import Analyzer
from akhbar.train import Model, TrainConfig

FORMAT = "akhbar-model"
FORMAT_VERSION = 2
"""2: ``config.weighting`` (a format-1 model predates it and weighs per column), and the word
table's tokens as one flat list cut by ``table.token_counts.npy`` (format 1: a list of lists).
Later additions within format 2 are optional files, which an older reader checksums and leaves
unread: ``table.shown.npy`` with ``table.forms.json`` / ``table.form_rows.npy`` (each table word's
shown form, for explanations; without them they are worked out at predict time), and
``chars.gram_alphabet.npy`` / ``chars.gram_keys.npy`` / ``chars.gram_columns.npy`` (the char
n-grams as integer keys; without them they are built at load) and ``table.records.npy`` (the
table words' scoring records; without it they are worked out at load)."""
MANIFEST = "manifest.json"
_GRAM_KEYS = ("chars.gram_alphabet.npy", "chars.gram_keys.npy", "chars.gram_columns.npy")
_MAX_MANIFEST_BYTES = 10 * 1024 * 1024
_MAX_JSON_BYTES = 512 * 1024 * 1024


class ModelError(Exception):
    """A model folder that cannot be loaded; the message says which file and why."""


def library_versions() -> dict:
    import gensim
    import scipy
    import sklearn

    return {"akhbar": __version__, "python": platform.python_version(), "numpy": np.__version__,
            "scipy": scipy.__version__, "scikit-learn": sklearn.__version__, "gensim": gensim.__version__}


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


# --- saving ----------------------------------------------------------------------------------------


def _component_files(model: Model) -> dict[str, object]:
    """File name → array or JSON-able value, for every part of the model."""
    files: dict[str, object] = {}
    w = model.words.get_state()
    files["words.vocabulary.json"] = w["vocabulary"]
    files["words.idf.npy"] = np.asarray(w["idf"], dtype=np.float64)
    if model.word_display is not None:
        files["words.display.json"] = model.word_display
    if model.chars is not None:
        c = model.chars.get_state()
        files["chars.vocabulary.json"] = c["vocabulary"]
        files["chars.idf.npy"] = np.asarray(c["idf"], dtype=np.float64)
        if "gram_keys" in c:
            for name, values, dtype in zip(_GRAM_KEYS, c["gram_keys"], (np.uint32, np.int64, np.int32)):
                files[name] = np.asarray(values, dtype=dtype)
    k = model.classifier.get_state()
    files["classifier.labels.json"] = k["classes"]
    for name in ("coef", "intercept", "temperature"):
        files[f"classifier.{name}.npy"] = k[name]
    if model.topics is not None:
        t = model.topics.get_state()
        files["topics.vocabulary.json"] = t["vocabulary"]
        if t["display"] is not None:
            files["topics.display.json"] = t["display"]
        for name in ("alpha", "topic_word", "exp_elog_beta"):
            files[f"topics.{name}.npy"] = np.asarray(t[name], dtype=np.float64)
        if model.topic_summary is not None:
            files["topics.summary.json"] = model.topic_summary
    if model.word_table is not None:
        table = model.word_table
        files["table.words.json"] = table.words
        tokens = table.tokens if isinstance(table.tokens, TokenLists) else TokenLists(table.tokens)
        files["table.tokens.json"] = tokens.flat  # one flat list, cut by the counts
        files["table.token_counts.npy"] = tokens.lengths
        for name, (indptr, indices, data) in table.blocks.items():
            files[f"table.{name}.indptr.npy"] = np.asarray(indptr, dtype=np.int64)
            files[f"table.{name}.indices.npy"] = np.asarray(indices, dtype=np.int32)
            files[f"table.{name}.data.npy"] = np.asarray(data, dtype=np.float32)
        if table.shown is not None:
            files["table.shown.npy"] = np.asarray(table.shown, dtype=np.int32)
            files["table.forms.json"] = list(table.forms)
            files["table.form_rows.npy"] = np.fromiter(table.forms.values(), dtype=np.int32, count=len(table.forms))
        if table.records is not None:
            files["table.records.npy"] = np.asarray(table.records, dtype=np.float32)
    return files


def _estimator_params(model: Model) -> dict:
    p = {"words": model.words.get_params(), "classifier": model.classifier.get_params()}
    p["words"].pop("dtype", None)
    if model.chars is not None:
        p["chars"] = model.chars.get_params()
        p["chars"].pop("dtype", None)
    if model.topics is not None:
        p["topics"] = model.topics.get_params()
    return _jsonable(p)


def _jsonable(value):
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    return value


def save(model: Model, path: str | os.PathLike, *, overwrite: bool = False) -> Path:
    """Write *model* to the folder *path* atomically and return the path."""
    target = Path(path)
    if target.exists() and not overwrite:
        if not (target / MANIFEST).exists() and any(target.iterdir()):
            raise ModelError(f"{target} exists and is not an akhbar model folder; choose another --out")
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.partial-", dir=target.parent))
    tmp.chmod(0o755)  # mkdtemp makes it private; a model folder is meant to be shared
    try:
        listing = {}
        for name, value in _component_files(model).items():
            file = tmp / name
            if name.endswith(".npy"):
                np.save(file, np.ascontiguousarray(value), allow_pickle=False)
            else:
                file.write_text(json.dumps(value, ensure_ascii=False), encoding="utf-8")
            listing[name] = {"sha256": _sha256(file), "bytes": file.stat().st_size}
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "created": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
            "versions": library_versions(),
            "labels": model.labels,
            "config": _jsonable(model.config.to_dict()),
            "estimators": _estimator_params(model),
            "training": _jsonable(model.training),
            "metrics": _jsonable(model.metrics),
            "files": listing,
        }
        (tmp / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
        if target.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
            old.rmdir()
            os.replace(target, old)
            try:
                os.replace(tmp, target)
            except BaseException:
                os.replace(old, target)  # put the previous model back before giving up
                raise
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return target


# --- loading ---------------------------------------------------------------------------------------


def _parse_json(file: Path):
    """JSON from *file*, or ModelError for anything that is not readable, valid, sane JSON."""
    try:
        return json.loads(file.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ModelError(f"{file} is corrupt: not valid JSON ({exc})") from None
    except RecursionError:
        raise ModelError(f"{file} is corrupt: JSON nested too deeply") from None
    except OSError as exc:
        raise ModelError(f"{file} cannot be read ({exc.strerror or exc})") from None


def read_manifest(path: str | os.PathLike) -> dict:
    """Read and check ``manifest.json`` of the folder *path* (format, version, file list)."""
    folder = Path(path)
    if not folder.exists():
        raise ModelError(f"model folder not found: {folder}")
    if not folder.is_dir():
        raise ModelError(f"{folder} is a file, not a model folder (expected a folder with {MANIFEST})")
    mfile = folder / MANIFEST
    if not mfile.exists():
        raise ModelError(f"{folder} is not an akhbar model folder: {MANIFEST} is missing")
    if not mfile.is_file():
        raise ModelError(f"{folder} is not an akhbar model folder: {MANIFEST} is not a file")
    if mfile.stat().st_size > _MAX_MANIFEST_BYTES:
        raise ModelError(f"{mfile} is too large to be a manifest")
    manifest = _parse_json(mfile)
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise ModelError(f"{folder} is not an akhbar model folder: {MANIFEST} does not say format {FORMAT!r}")
    version = manifest.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise ModelError(f"{mfile} has no valid format_version")
    if version > FORMAT_VERSION:
        raise ModelError(
            f"{folder} was written by a newer akhbar (model format {version}, this akhbar reads up to "
            f"{FORMAT_VERSION}, version {__version__}); upgrade akhbar to load it"
        )
    if version < 1:
        raise ModelError(f"{folder} has model format {version}, older than any akhbar release; retrain it")
    files = manifest.get("files")
    if not isinstance(files, dict) or not files:
        raise ModelError(f"{mfile} lists no model files")
    for name, entry in files.items():
        if "/" in name or "\\" in name or name.startswith(".") or not isinstance(entry, dict):
            raise ModelError(f"{mfile} lists an invalid file entry {name!r}")
    for key in ("config", "estimators"):
        if not isinstance(manifest.get(key), dict):
            raise ModelError(f"{mfile} has no valid {key!r} section")
    return manifest


def verify(path: str | os.PathLike, manifest: dict | None = None) -> dict:
    """Check every listed file's presence, size and SHA-256; return the manifest."""
    folder = Path(path)
    manifest = manifest or read_manifest(folder)
    for name, entry in manifest["files"].items():
        file = folder / name
        if not file.is_file():
            raise ModelError(f"model file missing: {file}")
        size = file.stat().st_size
        if size != entry.get("bytes"):
            raise ModelError(
                f"model file changed: {file} has {size} bytes, the manifest records {entry.get('bytes')} "
                "(truncated or replaced)"
            )
        if _sha256(file) != entry.get("sha256"):
            raise ModelError(f"model file changed: {file} does not match its SHA-256 in the manifest")
    return manifest


class _Reader:
    """Reads the files of a verified folder, and only files the manifest lists (and so checked)."""

    def __init__(self, folder: Path, manifest: dict):
        self.folder, self.listed = folder, manifest["files"]

    def _file(self, name: str) -> Path:
        if name not in self.listed:
            raise ModelError(f"{self.folder} is incomplete: {name} is not listed in {MANIFEST}")
        return self.folder / name

    def array(self, name: str, ndim: int) -> np.ndarray:
        file = self._file(name)
        try:
            value = np.load(file, allow_pickle=False)
        except ValueError:
            # numpy's own message suggests loading with pickle: never, so say why instead
            raise ModelError(f"{file} holds Python objects (a pickle), which akhbar never loads: "
                             "a model folder must contain plain numeric arrays") from None
        except OSError as exc:
            raise ModelError(f"{file} is not a readable array file ({exc})") from None
        if not isinstance(value, np.ndarray) or value.dtype.kind not in "fiu" or value.ndim != ndim:
            raise ModelError(f"{file} should be a {ndim}-D numeric array")
        if not np.all(np.isfinite(value)):
            raise ModelError(f"{file} contains NaN or infinite values")
        return value

    def strings(self, name: str) -> list[str]:
        file = self._file(name)
        value = _parse_json(file)
        # JSON gives exact types, so a set of types checks a 150,000-word list at C speed
        if not isinstance(value, list) or not set(map(type, value)) <= {str}:
            raise ModelError(f"{file} should be a list of strings")
        return value

    def string_lists(self, name: str) -> list[list[str]]:
        file = self._file(name)
        value = _parse_json(file)
        if (not isinstance(value, list) or not set(map(type, value)) <= {list}
                or not set(map(type, chain.from_iterable(value))) <= {str}):
            raise ModelError(f"{file} should be a list of lists of strings")
        return value

    def topic_summary(self, num_topics: int) -> dict:
        """``topics.summary.json``: checked for the fields reports read, one entry per topic."""
        file = self._file("topics.summary.json")
        value = _parse_json(file)
        ok = isinstance(value, dict) and all(
            isinstance(value.get(key), list) and len(value[key]) == num_topics for key in ("share", "labels", "articles"))
        if not ok or not all(isinstance(x, str) for x in value["labels"]):
            raise ModelError(f"{file} should hold the topics' share, labels and articles, one per topic")
        return value

    def optional_strings(self, name: str, length: int) -> list[str] | None:
        """An optional list of display strings, one per vocabulary entry, if the folder has it."""
        if name not in self.listed:
            return None
        value = self.strings(name)
        _check(len(value) == length, self.folder, f"{name} does not match its vocabulary")
        return value


def _check(condition: bool, folder: Path, what: str) -> None:
    if not condition:
        raise ModelError(f"{folder} is inconsistent: {what}")


def _checked_records(records: np.ndarray, model: Model, widths: dict[str, int], folder: Path) -> np.ndarray:
    """The word table's saved scoring records, if they are the ones its rows and the classifier
    give: the shape, and up to 1,000 records spread over the table worked out again and compared
    (a record depends on its own word alone, so a sample is a fair check of a whole file)."""
    table, k = model.word_table, np.asarray(model.classifier.intercept_).size
    _check(records.shape == (len(table.words), record_width(k)) and records.dtype == np.float32, folder,
           f"table.records.npy is {records.shape} {records.dtype}, the table and classifier need "
           f"{(len(table.words), record_width(k))} float32")
    rows = np.unique(np.linspace(0, len(table.words) - 1, min(len(table.words), 1000)).astype(np.int64))
    expected = table_records(table, scoring_blocks(model.words, model.chars, model.classifier.coef_), widths, rows)
    _check(np.allclose(records[rows], expected, rtol=1e-5, atol=1e-6), folder,
           "table.records.npy does not match the word table and the classifier")
    return records


def load_model(path: str | os.PathLike) -> tuple[Model, dict]:
    """Load a model folder after checking its manifest and checksums. Runs no code from it."""
    folder = Path(path)
    manifest = verify(folder)
    read = _Reader(folder, manifest)
    params = manifest["estimators"]
    try:
        recorded = dict(manifest["config"])
        if manifest["format_version"] < 2:
            recorded.setdefault("weighting", "column")
        config = TrainConfig.from_dict(recorded)
        Analyzer(config.analyzer_config())  # validates the stemmer name and analyzer options
        vocabulary, idf = read.strings("words.vocabulary.json"), read.array("words.idf.npy", 1)
        _check(len(vocabulary) == len(idf), folder, "word vocabulary and idf differ in length")
        words = FittedWordTfidf.from_state(params["words"], {"vocabulary": vocabulary, "idf": idf})
        word_display = read.optional_strings("words.display.json", len(vocabulary))
        n_features = len(vocabulary)
        chars = None
        if "chars" in params:
            vocabulary, idf = read.strings("chars.vocabulary.json"), read.array("chars.idf.npy", 1)
            _check(len(vocabulary) == len(idf), folder, "char vocabulary and idf differ in length")
            state = {"vocabulary": vocabulary, "idf": idf}
            if _GRAM_KEYS[1] in read.listed:  # not in models saved before the keys were
                state["gram_keys"] = tuple(read.array(name, 1) for name in _GRAM_KEYS)
            try:
                chars = FittedCharNgrams.from_state(params["chars"], state)
            except ValueError as exc:
                raise ModelError(f"{folder} is inconsistent: {exc} ({', '.join(_GRAM_KEYS)})") from None
            n_features += len(vocabulary)
        labels = read.strings("classifier.labels.json")
        coef, intercept = read.array("classifier.coef.npy", 2), read.array("classifier.intercept.npy", 1)
        rows = len(labels) if len(labels) > 2 else 1
        _check(len(labels) >= 2 and len(set(labels)) == len(labels), folder, "labels must be two or more, unique")
        _check(coef.shape == (rows, n_features), folder,
               f"classifier weights are {coef.shape}, the labels and vocabularies need {(rows, n_features)}")
        _check(intercept.shape == (rows,), folder, "classifier intercepts do not match the labels")
        classifier = FittedLinearCalibrated.from_state(params["classifier"], {
            "classes": labels, "coef": coef, "intercept": intercept,
            "temperature": read.array("classifier.temperature.npy", 1)})
        topics = topic_summary = None
        if "topics" in params:
            vocabulary = read.strings("topics.vocabulary.json")
            alpha = read.array("topics.alpha.npy", 1)
            topic_word = read.array("topics.topic_word.npy", 2)
            beta = read.array("topics.exp_elog_beta.npy", 2)
            display = read.optional_strings("topics.display.json", len(vocabulary))
            _check(topic_word.shape == (len(alpha), len(vocabulary)) == beta.shape, folder,
                   "topic arrays do not match the topic vocabulary and alpha")
            _check(bool(np.all(alpha > 0)) and bool(np.all(beta > 0)), folder, "topic parameters must be positive")
            topics = FittedLdaTopics.from_state(params["topics"], {
                "vocabulary": vocabulary, "display": display, "alpha": alpha,
                "topic_word": topic_word, "exp_elog_beta": beta})
            if "topics.summary.json" in read.listed:  # not in models saved before topic reports
                topic_summary = read.topic_summary(len(alpha))
        model = Model(config=config, words=words, chars=chars, classifier=classifier, topics=topics,
                      metrics=manifest.get("metrics", {}), training=manifest.get("training", {}),
                      word_display=word_display, topic_summary=topic_summary)
        if "table.words.json" in read.listed:
            widths = block_widths(words, chars, topics)
            if manifest["format_version"] < 2:  # a list of lists
                tokens = TokenLists(read.string_lists("table.tokens.json"))
            else:
                tokens = TokenLists.from_flat(read.strings("table.tokens.json"),
                                              read.array("table.token_counts.npy", 1))
            shown = forms = None
            if "table.shown.npy" in read.listed:  # not in models saved before explanations merged forms
                shown = read.array("table.shown.npy", 1)
                names, rows = read.strings("table.forms.json"), read.array("table.form_rows.npy", 1)
                _check(len(names) == len(rows) == len(set(names)), folder,
                       "table.forms.json and table.form_rows.npy must pair distinct forms with rows")
                forms = dict(zip(names, rows.tolist()))
            model.word_table = WordTable(
                words=read.strings("table.words.json"), tokens=tokens,
                blocks={b: (read.array(f"table.{b}.indptr.npy", 1), read.array(f"table.{b}.indices.npy", 1),
                            read.array(f"table.{b}.data.npy", 1)) for b in widths},
                shown=shown, forms=forms)
            model.word_table.check(widths)  # at load, not at the first predict
            if "table.records.npy" in read.listed:  # not in models saved before the records were
                model.word_table.records = _checked_records(read.array("table.records.npy", 2), model, widths, folder)
    except ModelError:
        raise
    except (KeyError, TypeError, ValueError) as exc:
        raise ModelError(f"{folder} is inconsistent: {type(exc).__name__}: {exc}") from None
    return model, manifest
