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
from pathlib import Path

import numpy as np

from akhbar import __version__
from akhbar.classify import LinearCalibrated
from akhbar.features import CharNgrams, LdaTopics, WordTfidf
from akhbar.train import Model, TrainConfig

FORMAT = "akhbar-model"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
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
    if model.chars is not None:
        c = model.chars.get_state()
        files["chars.vocabulary.json"] = c["vocabulary"]
        files["chars.idf.npy"] = np.asarray(c["idf"], dtype=np.float64)
    k = model.classifier.get_state()
    files["classifier.labels.json"] = k["classes"]
    for name in ("coef", "intercept", "sigmoid_a", "sigmoid_b"):
        files[f"classifier.{name}.npy"] = k[name]
    if model.topics is not None:
        t = model.topics.get_state()
        files["topics.vocabulary.json"] = t["vocabulary"]
        if t["display"] is not None:
            files["topics.display.json"] = t["display"]
        for name in ("alpha", "topic_word", "exp_elog_beta"):
            files[f"topics.{name}.npy"] = np.asarray(t[name], dtype=np.float64)
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
            os.replace(tmp, target)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return target


# --- loading ---------------------------------------------------------------------------------------


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
    if mfile.stat().st_size > _MAX_MANIFEST_BYTES:
        raise ModelError(f"{mfile} is too large to be a manifest")
    try:
        manifest = json.loads(mfile.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ModelError(f"{mfile} is corrupt: not valid JSON ({exc})") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise ModelError(f"{folder} is not an akhbar model folder: {MANIFEST} does not say format {FORMAT!r}")
    version = manifest.get("format_version")
    if not isinstance(version, int):
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


def _load_array(folder: Path, name: str) -> np.ndarray:
    try:
        return np.load(folder / name, allow_pickle=False)
    except ValueError as exc:  # object arrays need pickle: refused
        raise ModelError(f"{folder / name} is not a plain array file ({exc})") from None
    except OSError as exc:
        raise ModelError(f"{folder / name} is not a readable array file ({exc})") from None


def _load_json(folder: Path, name: str):
    try:
        value = json.loads((folder / name).read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ModelError(f"{folder / name} is corrupt: not valid JSON ({exc})") from None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ModelError(f"{folder / name} should be a list of strings")
    return value


def load_model(path: str | os.PathLike) -> tuple[Model, dict]:
    """Load a model folder after checking its manifest and checksums. Runs no code from it."""
    folder = Path(path)
    manifest = verify(folder)
    try:
        config = TrainConfig.from_dict(manifest["config"])
        params = manifest["estimators"]
        words = WordTfidf.from_state(params["words"], {"vocabulary": _load_json(folder, "words.vocabulary.json"),
                                                     "idf": _load_array(folder, "words.idf.npy")})
        chars = None
        if "chars" in params:
            chars = CharNgrams.from_state(params["chars"], {
                "vocabulary": _load_json(folder, "chars.vocabulary.json"),
                "idf": _load_array(folder, "chars.idf.npy")})
        classifier = LinearCalibrated.from_state(params["classifier"], {
            "classes": _load_json(folder, "classifier.labels.json"),
            **{n: _load_array(folder, f"classifier.{n}.npy") for n in ("coef", "intercept", "sigmoid_a", "sigmoid_b")},
        })
        topics = None
        if "topics" in params:
            topics = LdaTopics.from_state(params["topics"], {
                "vocabulary": _load_json(folder, "topics.vocabulary.json"),
                "display": (_load_json(folder, "topics.display.json")
                            if "topics.display.json" in manifest["files"] else None),
                **{n: _load_array(folder, f"topics.{n}.npy") for n in ("alpha", "topic_word", "exp_elog_beta")},
            })
    except ModelError:
        raise
    except (KeyError, TypeError, ValueError) as exc:
        raise ModelError(f"{folder} is inconsistent: {type(exc).__name__}: {exc}") from None
    n_features = len(words.vocabulary_) + (len(chars.vocabulary_) if chars else 0)
    if classifier.coef_.shape != (len(classifier.classes_) if len(classifier.classes_) > 2 else 1, n_features):
        raise ModelError(f"{folder} is inconsistent: classifier weights do not match the vocabularies")
    if topics is not None and topics.exp_elog_beta_.shape != topics.topic_word_.shape:
        raise ModelError(f"{folder} is inconsistent: topic arrays differ in shape")
    model = Model(config=config, words=words, chars=chars, classifier=classifier, topics=topics,
                  metrics=manifest.get("metrics", {}), training=manifest.get("training", {}))
    return model, manifest

