"""Topics over time: each topic's prevalence per month or week, where articles have dates.

News corpora carry dates in many shapes: ISO (``2018-02-18``, ``2018-02-18T21:35:43+04:00``),
RFC 2822 as feeds write them (``Sun, 18 Feb 2018 21:35:43 +0400``), or ``2015/07/21``. A date that
none of these reads is counted as undated, never guessed.

The prevalence of topic k in period p is the mean topic share of the period's articles,
``sum_{d in p} theta_dk / n_p``; weighted by the periods' article counts these add up to the
topic's share of the dated articles (``tests/topics/test_timeline.py`` checks it).
"""

from __future__ import annotations

import datetime as dt
import re
from email.utils import parsedate_to_datetime

import numpy as np

UNITS = ("month", "week")
_ISO = re.compile(r"^\s*(\d{4})[-/](\d{1,2})[-/](\d{1,2})")


def parse_date(text: str | None) -> dt.date | None:
    """The calendar date in *text* (ISO, RFC 2822 or YYYY/MM/DD), or None when it has none."""
    if not text or not isinstance(text, str):
        return None
    match = _ISO.match(text)
    try:
        if match:
            return dt.date(*map(int, match.groups()))
        return parsedate_to_datetime(text).date()
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def period_of(date: dt.date, unit: str = "month") -> str:
    """``YYYY-MM`` for a month, ``YYYY-Www`` (ISO week) for a week."""
    if unit == "month":
        return f"{date.year:04d}-{date.month:02d}"
    if unit == "week":
        year, week, _ = date.isocalendar()
        return f"{year:04d}-W{week:02d}"
    raise ValueError(f"unit must be one of {', '.join(UNITS)}, not {unit!r}")


def choose_unit(dates: list[dt.date]) -> str:
    """Weeks when the dated articles span under about four months (months would be a handful of
    points), else months."""
    if not dates:
        return "month"
    return "week" if (max(dates) - min(dates)).days < 120 else "month"


def timeline(theta: np.ndarray, dates: list[str | None], unit: str | None = None) -> dict:
    """Per period, each topic's prevalence among the period's articles.

    Returns ``{"unit", "periods": [...], "prevalence": (K, P) array, "documents": [n_p ...],
    "undated": n}``; with no readable date, ``periods`` is empty.
    """
    parsed = [parse_date(d) for d in dates]
    dated = [i for i, d in enumerate(parsed) if d is not None]
    unit = unit or choose_unit([parsed[i] for i in dated])
    labels = [period_of(parsed[i], unit) for i in dated]
    periods = sorted(set(labels))
    k = theta.shape[1]
    if not periods:
        return {"unit": unit, "periods": [], "prevalence": np.zeros((k, 0)), "documents": [],
                "undated": len(dates)}
    column = {p: j for j, p in enumerate(periods)}
    where = np.array([column[p] for p in labels], dtype=np.int64)
    sums = np.zeros((len(periods), k))
    np.add.at(sums, where, theta[dated])
    counts = np.bincount(where, minlength=len(periods))
    return {"unit": unit, "periods": periods, "prevalence": (sums / counts[:, None]).T,
            "documents": counts.tolist(), "undated": len(dates) - len(dated)}
