"""Label a corpus whose taxonomy differs from the model's: merge labels, or restrict to a subset.

A model trained on ANT v2.1 knows six labels; ANT v1.1 (JawharaFM) has five of them and no
``middleEast``. Two ways to make the model answer in the corpus's terms, which combine (the map
first, then the subset):

- a **label map** ``{FROM: TO}`` (``"middleEast=internationalNews"`` on the command line): each
  model label FROM is answered as TO, and a TO's probability is the *sum* of the probabilities of
  the model labels mapped to it (a model label the map does not name maps to itself). The map is
  applied once, not chained: ``a=b,b=c`` sends a to b and b to c. FROM must be one of the model's
  labels; TO may be a new name (a rename), unless it differs from a model label only by case,
  which is taken for a typo.
- a **subset** of labels: only those are answered, and their probabilities are renormalised to
  sum to 1 (the model's scores restricted to the subset, through a softmax: :meth:`LabelMap.apply_log`
  renormalises in log space, so a subset whose probabilities all underflowed still ranks right).

Either way the winning label is recomputed from the new probabilities. This module is pure: it
parses and checks the options against a model's labels and maps a matrix of probabilities
(``akhbar.predictor`` and ``akhbar evaluate`` use it; the model itself is never changed).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np


def _near(name: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, list(choices), n=1)
    return f"; did you mean {close[0]!r}?" if close else ""


def parse_label_map(spec) -> dict[str, str]:
    """``"a=b,c=d"``, a list of such strings (a repeated ``--label-map``), or a mapping → ``{FROM: TO}``.

    Raises ``ValueError`` naming the entry for a malformed one (no ``=``, more than one, an empty
    side), for an empty string, and for a FROM mapped to two different labels.
    """
    if isinstance(spec, Mapping):
        items = [(k, v) for k, v in spec.items()]
        for k, v in items:
            if not isinstance(k, str) or not isinstance(v, str) or not k.strip() or not v.strip():
                raise ValueError(f"label map entry {k!r}: {v!r} must map a label name to a label name")
        items = [(k.strip(), v.strip()) for k, v in items]
    else:
        texts = [spec] if isinstance(spec, str) else list(spec) if isinstance(spec, Iterable) else [spec]
        if not all(isinstance(t, str) for t in texts):
            raise ValueError(f"a label map is FROM=TO text or a dict, not {spec!r}")
        entries = [e.strip() for t in texts for e in t.split(",")]
        if not any(entries):
            raise ValueError("the label map is empty; expected FROM=TO[,FROM=TO...]")
        items = []
        for entry in entries:
            parts = entry.split("=")
            if len(parts) != 2 or not parts[0].strip() or not parts[1].strip():
                raise ValueError(f"malformed label map entry {entry!r}: expected FROM=TO, "
                                 "e.g. middleEast=internationalNews")
            items.append((parts[0].strip(), parts[1].strip()))
    out: dict[str, str] = {}
    for source, target in items:
        if out.get(source, target) != target:
            raise ValueError(f"label map sends {source!r} to both {out[source]!r} and {target!r}")
        out[source] = target
    return out


def parse_labels(spec) -> list[str]:
    """``"a,b,c"`` or a list of names (each may itself be comma-separated) → the names, in order,
    without repeats. ``ValueError`` for an empty subset or an empty name (``"a,,b"``)."""
    texts = [spec] if isinstance(spec, str) else list(spec) if isinstance(spec, Iterable) else [spec]
    if not all(isinstance(t, str) for t in texts):
        raise ValueError(f"labels are names (text), not {spec!r}")
    names = [n.strip() for t in texts for n in t.split(",")]
    if not names or not any(names):
        raise ValueError("the subset of labels is empty; name at least one label")
    if not all(names):
        raise ValueError(f"an empty label name in {','.join(texts)!r}")
    return list(dict.fromkeys(names))


@dataclass(frozen=True)
class LabelMap:
    """A checked label map and/or subset for one model's labels (build it with :meth:`build`).

    ``labels`` are the labels answered, in the order the model's labels first map to them;
    ``column[i]`` is where model label ``i`` goes among them, -1 when the subset drops it.
    """

    source: tuple[str, ...]
    labels: tuple[str, ...]
    column: np.ndarray
    renormalise: bool
    mapping: tuple[tuple[str, str], ...] = ()

    @classmethod
    def build(cls, model_labels: Iterable[str], label_map=None, labels=None) -> "LabelMap | None":
        """Check *label_map* (see :func:`parse_label_map`) and *labels* (:func:`parse_labels`)
        against *model_labels*; None when neither is given (or the map is an empty dict and no
        subset), so the caller can skip all of it. ``ValueError`` names what is wrong."""
        source = tuple(str(s) for s in model_labels)
        mapping = parse_label_map(label_map) if label_map is not None else {}
        if not mapping and labels is None:
            return None
        known = set(source)
        for name in mapping:
            if name not in known:
                raise ValueError(f"the label map names {name!r}, which the model does not have "
                                 f"(its labels: {', '.join(source)}){_near(name, source)}")
        folded = {s.casefold(): s for s in source}
        for target in mapping.values():
            if target not in known and target.casefold() in folded:
                raise ValueError(f"the label map sends a label to {target!r}, which differs from the "
                                 f"model's {folded[target.casefold()]!r} only by case")
        mapped = [mapping.get(s, s) for s in source]
        answered = list(dict.fromkeys(mapped))
        if labels is not None:
            subset = parse_labels(labels)
            unknown = [n for n in subset if n not in answered]
            if unknown:
                after = " after the label map" if mapping else ""
                raise ValueError(f"label(s) {', '.join(map(repr, unknown))} not among the model's labels{after} "
                                 f"({', '.join(answered)}){_near(unknown[0], answered)}")
            keep = set(subset)
            answered = [a for a in answered if a in keep]
        index = {a: j for j, a in enumerate(answered)}
        column = np.array([index.get(m, -1) for m in mapped], dtype=np.int64)
        column.setflags(write=False)
        return cls(source, tuple(answered), column, labels is not None, tuple(mapping.items()))

    @property
    def label_map(self) -> dict[str, str]:
        return dict(self.mapping)

    def map_label(self, label: str) -> str:
        """What a label of the model's taxonomy reads as after the map (others pass through):
        for true labels, so that scores compare like with like."""
        return self.label_map.get(label, label)

    def members(self, j: int) -> np.ndarray:
        """Indices of the model labels that make up answered label *j*."""
        return np.flatnonzero(self.column == j)

    def apply(self, proba: np.ndarray) -> np.ndarray:
        """Model probabilities ``(n, len(source))`` → ``(n, len(labels))``: summed per answered
        label, then (with a subset) divided by the row's kept total. A row whose kept total is 0
        (every kept probability underflowed) becomes uniform; :meth:`apply_log` avoids that."""
        proba = np.asarray(proba, dtype=np.float64)
        self._check(proba)
        out = np.column_stack([proba[:, self.members(j)].sum(axis=1) for j in range(len(self.labels))])
        if self.renormalise:
            total = out.sum(axis=1, keepdims=True)
            empty = total[:, 0] <= 0
            out[empty], total[empty] = 1.0, len(self.labels)
            out /= total
        return out

    def apply_log(self, log_proba: np.ndarray) -> np.ndarray:
        """:meth:`apply` from log-probabilities (or any scores a softmax turns into them):
        a log-sum-exp per answered label, renormalised by that of the kept ones, exponentiated.
        Exact where :meth:`apply` would see underflowed zeros."""
        log_proba = np.asarray(log_proba, dtype=np.float64)
        self._check(log_proba)
        parts = []
        for j in range(len(self.labels)):
            values = log_proba[:, self.members(j)]
            top = values.max(axis=1, keepdims=True)
            shift = np.where(np.isfinite(top), top, 0.0)
            with np.errstate(divide="ignore"):
                parts.append(np.log(np.exp(values - shift).sum(axis=1)) + shift[:, 0])
        out = np.column_stack(parts)  # log P(answered label j); -inf where every member is
        if not self.renormalise:
            return np.exp(out)
        row_top = out.max(axis=1, keepdims=True)
        out = np.exp(out - np.where(np.isfinite(row_top), row_top, 0.0))
        total = out.sum(axis=1, keepdims=True)
        empty = total[:, 0] <= 0
        out[empty], total[empty] = 1.0, len(self.labels)
        return out / total

    def leading_source(self, scores: np.ndarray, best: np.ndarray) -> np.ndarray:
        """Per row, the model label (index) with the highest of *scores* (probabilities,
        log-probabilities or margins: any ranking) among those making up answered label
        ``best[row]``: the model label that explains the answer best."""
        scores = np.asarray(scores, dtype=np.float64)
        self._check(scores)
        inside = self.column[None, :] == np.asarray(best)[:, None]
        return np.argmax(np.where(inside, scores, -np.inf), axis=1)

    def _check(self, matrix: np.ndarray) -> None:
        if matrix.ndim != 2 or matrix.shape[1] != len(self.source):
            raise ValueError(f"expected a (documents, {len(self.source)}) matrix over the model's labels, "
                             f"not shape {matrix.shape}")
