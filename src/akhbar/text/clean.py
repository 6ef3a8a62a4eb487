"""Input cleaning and checks: HTML stripped in linear time, how much of a text is Arabic.

What :func:`akhbar.predictor.clean_input` needs before a text is analysed; the compiled checks of
:mod:`akhbar.fast.codes` count the same things in one pass over a batch.
"""

from __future__ import annotations

import re

from akhbar.text.chars import _ARABIC_LETTER, _ARABIC_RUN, CONTROL_RE, SURROGATE_RE  # noqa: F401

_OTHER_LETTER_RUN = re.compile(f"[^\\W\\d_{_ARABIC_LETTER}]+")  # letters outside the Arabic script


def arabic_letters(text: str) -> int:
    """How many Arabic-script letters *text* has (their runs deleted in one C-level pass)."""
    return len(text) - len(_ARABIC_RUN.sub("", text))


def arabic_share(text: str) -> float:
    """Share of the letters in *text* that are Arabic-script letters (0.0 when it has no letters).

    Counted over the whole text, so Arabic after a long English preamble is still seen. The
    Arabic letters are counted by deleting their runs (one C-level pass, no object per word) and
    the other letters by their runs, which are few in an Arabic article.
    """
    arabic = arabic_letters(text)
    total = arabic + sum(map(len, _OTHER_LETTER_RUN.findall(text)))
    return arabic / total if total else 0.0



_TAG_START = re.compile(r"<(?:!--|[a-zA-Z/!?])")
_RAW_ELEMENTS = ("script", "style")


def strip_html(text: str) -> tuple[str, bool]:
    """Remove HTML tags, comments and script/style elements; return (text, whether any was found).

    A single left-to-right scan with ``str.find``: every search starts where the last one ended,
    so time is linear even for hostile input (an unclosed ``<!--`` or ``<script`` repeated
    thousands of times makes a backtracking regex quadratic). An unclosed comment or script
    element runs to the end of the text, as a browser would treat it; a ``<`` that starts no
    tag within 2,000 characters is kept as text.
    """
    out, pos, found = [], 0, False
    lower = None
    while True:
        match = _TAG_START.search(text, pos)
        if match is None:
            out.append(text[pos:])
            break
        start = match.start()
        out.append(text[pos:start])
        if text.startswith("<!--", start):
            end = text.find("-->", start + 4)
            pos = len(text) if end < 0 else end + 3
        else:
            if lower is None:
                lower = text.lower()
            name = next((n for n in _RAW_ELEMENTS if lower.startswith(n, start + 1)), None)
            close = lower.find(">", start, start + 2000)
            if close < 0 or "<" in text[start + 1:close]:
                out.append("<")  # not a tag: keep the character and move on
                pos = start + 1
                continue
            if name is not None:
                end = lower.find(f"</{name}", close)
                end = len(text) if end < 0 else lower.find(">", end)
                pos = len(text) if end < 0 else end + 1
            else:
                pos = close + 1
        found = True
        out.append(" ")
    return "".join(out), found
