"""Small inline-SVG plots for the topic report.

Why hand-written SVG: the report must open offline in any browser with no
external requests, and a plotting library would add a heavy dependency for a
handful of simple charts.  Every function here is pure: data in, one
``<svg>...</svg>`` string out.  Every string that came from the corpus passes
through :func:`esc`, numbers through :func:`num`, so output is always
well-formed XML and cannot inject markup.

RTL note: the page is right-to-left, but SVG text positioning is explicit.
Arabic labels are drawn with ``direction="rtl"`` and ``text-anchor="start"``,
which anchors the *right* edge of the text at x; numbers and dates use
``direction="ltr"`` so they never reorder.  Categorical axes run right to
left (the reading order); time and K axes run left to right, as numbers do.
"""

import html
import math
import re

_BAD_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
PALETTE = ("#1f6f8b", "#c25b2a", "#4f8a3c", "#8a3c7a", "#b08a1a", "#3c5a8a")
AR = 'direction="rtl" text-anchor="start"'   # right edge at x
LTR_END = 'direction="ltr" text-anchor="end"'
LTR_MID = 'direction="ltr" text-anchor="middle"'


def esc(text) -> str:
    """Escape any value for HTML/XML text or attributes.

    Control characters are removed because a single one makes the SVG
    invalid XML (and corpus titles do contain stray ones)."""
    return html.escape(_BAD_XML.sub("", str(text)), quote=True)


def num(x, digits: int = 3) -> str:
    """Compact number: at most ``digits`` significant digits, no trailing zeros."""
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "–"
    if x == 0:
        return "0"
    text = f"{x:.{digits}g}"
    if "e" in text:
        text = f"{x:.{digits + 2}f}".rstrip("0").rstrip(".")
    return text


def _c(x: float) -> str:
    """Coordinate: one decimal is plenty for the eye and keeps pages small."""
    return f"{x:.1f}".rstrip("0").rstrip(".")


def _short(text, limit: int = 26) -> str:
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _open(width: float, height: float, label: str) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_c(width)} '
            f'{_c(height)}" width="{_c(width)}" height="{_c(height)}" '
            f'role="img" aria-label="{esc(label)}" font-size="12">')


def bar_chart(items, width: int = 640, label_width: int = 200, row: int = 20,
              title: str = "prevalence") -> str:
    """Horizontal bars for (label, value) pairs, in the given order.

    Labels sit on the right and bars grow leftwards, so the chart reads in
    the same direction as the Arabic page around it."""
    items = list(items)
    top = max([v for _, v in items if v] + [1e-12])
    right = width - label_width - 8
    bar_max = right - 56
    height = row * len(items) + 22
    out = [_open(width, height, title)]
    for i, (label, value) in enumerate(items):
        y = 4 + i * row
        length = max(0.0, (value or 0) / top * bar_max)
        tip = f"{esc(label)}: {num(value)}"
        out.append(f'<g><title>{tip}</title>'
                   f'<rect x="{_c(right - length)}" y="{y}" width="{_c(length)}" '
                   f'height="{row - 6}" fill="{PALETTE[0]}"/>'
                   f'<text x="{width - 4}" y="{y + row - 9}" {AR}>{esc(_short(label))}</text>'
                   f'<text x="{_c(right - length - 4)}" y="{y + row - 9}" {LTR_END} '
                   f'fill="#555">{num(value)}</text></g>')
    axis_y = height - 14
    out.append(f'<line x1="{right}" y1="0" x2="{right}" y2="{axis_y}" stroke="#999"/>'
               f'<text x="{right}" y="{height - 2}" {LTR_MID} fill="#555">0</text>'
               f'<text x="{right - bar_max}" y="{height - 2}" {LTR_MID} '
               f'fill="#555">{num(top)}</text></svg>')
    return "".join(out)


def _shade(t: float) -> str:
    """White → dark teal; a single hue reads correctly for any colour vision."""
    t = min(1.0, max(0.0, t))
    r, g, b = (int(255 + (e - 255) * t) for e in (18, 85, 110))
    return f"#{r:02x}{g:02x}{b:02x}"


def heatmap(row_labels, col_labels, values, cell: int = 42,
            label_width: int = 200, title: str = "topic × category") -> str:
    """Grid of rows × columns shaded by value, one scale for the whole grid.

    Row labels on the right; the first column is the rightmost one, so the
    table reads right to left.  Column labels are slanted to avoid overlap."""
    ncol, nrow = len(col_labels), len(row_labels)
    head = 86
    width = label_width + ncol * cell + 12
    height = head + nrow * cell // 2 + 8
    rh = cell // 2
    x0 = width - label_width - 8          # right edge of the grid
    top = max([v or 0 for r in values for v in r] + [1e-12])
    out = [_open(width, height, title),
           f'<text x="4" y="12" direction="ltr" font-size="10" fill="#555">'
           f'0 <tspan fill="{_shade(0.15)}">■</tspan> … <tspan fill="{_shade(1)}">■</tspan>'
           f' {num(top)}</text>']
    for j, col in enumerate(col_labels):
        cx = x0 - j * cell - cell / 2
        out.append(f'<text transform="translate({_c(cx + 4)},{head - 6}) rotate(-50)" '
                   f'direction="ltr" text-anchor="start">{esc(_short(col, 14))}</text>')
    for i, label in enumerate(row_labels):
        y = head + i * rh
        row = [v or 0 for v in values[i]]
        out.append(f'<text x="{width - 4}" y="{y + rh - 4}" {AR}>{esc(_short(label))}</text>')
        for j, v in enumerate(row):
            x = x0 - (j + 1) * cell
            out.append(f'<rect x="{x}" y="{y}" width="{cell - 1}" height="{rh - 1}" '
                       f'fill="{_shade(v / top)}"><title>{esc(label)} · '
                       f'{esc(col_labels[j])}: {num(v)}</title></rect>')
    out.append("</svg>")
    return "".join(out)


def _polyline(values, x0, y0, w, h, top, color, stroke=1.5) -> str:
    n = len(values)
    step = w / max(1, n - 1)
    pts = " ".join(f"{_c(x0 + i * step)},{_c(y0 + h - (v or 0) / top * h)}"
                   for i, v in enumerate(values))
    return f'<polyline points="{pts}" fill="none" stroke="{color}" stroke-width="{stroke}"/>'


def lines(periods, series, columns: int = 5, panel=(150, 58),
          title: str = "prevalence over time") -> str:
    """Small multiples: one panel per (label, values) series, shared y scale.

    Thirty overlapping lines are unreadable; panels with a common scale let
    the eye compare both shape and level.  Time runs left to right."""
    pw, ph = panel
    gap_x, gap_y, label_h = 16, 34, 16
    top = max([v or 0 for _, vals in series for v in vals] + [1e-12])
    rows = max(1, math.ceil(len(series) / columns))
    width = columns * (pw + gap_x)
    head = 16                                   # row for the shared "max" note
    height = head + rows * (ph + gap_y + label_h)
    out = [_open(width, height, title)]
    for k, (label, vals) in enumerate(series):
        # first panel at the top right: RTL reading order of the grid
        col, row = k % columns, k // columns
        x = width - (col + 1) * (pw + gap_x) + gap_x / 2
        y = head + row * (ph + gap_y + label_h) + label_h
        tip = " · ".join(f"{esc(p)}: {num(v)}" for p, v in zip(periods, vals))
        out.append(f'<g><title>{esc(label)} — {tip}</title>'
                   f'<rect x="{_c(x)}" y="{_c(y)}" width="{pw}" height="{ph}" fill="#f6f6f4"/>'
                   f'<text x="{_c(x + pw)}" y="{_c(y - 4)}" {AR}>{esc(_short(label, 22))}</text>'
                   + _polyline(vals, x, y, pw, ph, top, PALETTE[k % len(PALETTE)])
                   + f'<text x="{_c(x)}" y="{_c(y + ph + 12)}" direction="ltr" '
                   f'font-size="10" fill="#555">{esc(periods[0])}</text>'
                   f'<text x="{_c(x + pw)}" y="{_c(y + ph + 12)}" {LTR_END} '
                   f'font-size="10" fill="#555">{esc(periods[-1])}</text></g>')
    out.append(f'<text x="{width - 8}" y="11" {AR} font-size="10" fill="#555">'
               f'المقياس مشترك / shared scale, max = {num(top)}</text></svg>')
    return "".join(out)


def _boxes_overlap(a, b) -> bool:
    return not (a[2] < b[0] or b[2] < a[0] or a[3] < b[1] or b[3] < a[1])


def scatter_map(points, shares, labels, ids=None, width: int = 640,
                height: int = 420, title: str = "topic map") -> str:
    """Circles at 2-D coordinates, area proportional to share.

    Each circle carries its topic number; a text label is added beside it
    only where it does not collide with one already placed (largest topics
    first), so labels never pile up.  Full labels are in the hover title."""
    ids = list(ids) if ids is not None else list(range(len(points)))
    pad, rmax = 40, 34
    xs = [p[0] for p in points] or [0]
    ys = [p[1] for p in points] or [0]
    span_x = (max(xs) - min(xs)) or 1.0
    span_y = (max(ys) - min(ys)) or 1.0
    top = max([s or 0 for s in shares] + [1e-12])

    def place(p):
        return (pad + (p[0] - min(xs)) / span_x * (width - 2 * pad),
                pad + (max(ys) - p[1]) / span_y * (height - 2 * pad))

    order = sorted(range(len(points)), key=lambda i: -(shares[i] or 0))
    circles, texts, taken = [], [], []
    for i in order:    # labels must not cover other circles either
        cx, cy = place(points[i])
        r = max(4.0, rmax * math.sqrt((shares[i] or 0) / top))
        taken.append((cx - r, cy - r, cx + r, cy + r))
    for i in order:
        cx, cy = place(points[i])
        r = max(4.0, rmax * math.sqrt((shares[i] or 0) / top))
        circles.append(f'<g><title>#{ids[i]} {esc(labels[i])}: {num(shares[i])}</title>'
                       f'<circle cx="{_c(cx)}" cy="{_c(cy)}" r="{_c(r)}" fill="{PALETTE[0]}" '
                       f'fill-opacity="0.35" stroke="{PALETTE[0]}"/>'
                       f'<text x="{_c(cx)}" y="{_c(cy + 4)}" {LTR_MID} font-size="11">'
                       f'{ids[i]}</text></g>')
        short = _short(labels[i], 18)
        half = 3.6 * len(short)
        lx = min(max(cx, half + 2), width - half - 2)     # keep the label on the canvas
        for base in (cy + r + 13, cy - r - 4):             # below, else above
            box = (lx - half, base - 12, lx + half, base + 2)
            if box[1] >= 0 and box[3] <= height and not any(
                    _boxes_overlap(box, b) for b in taken):
                taken.append(box)
                texts.append(f'<text x="{_c(lx)}" y="{_c(base)}" direction="rtl" '
                             f'text-anchor="middle" fill="#333">{esc(short)}</text>')
                break
    return _open(width, height, title) + "".join(circles + texts) + "</svg>"


def _panel_axis(x, y, w, h, lo, hi, name) -> str:
    return (f'<rect x="{x}" y="{y}" width="{w}" height="{h}" fill="none" stroke="#ccc"/>'
            f'<text x="{x - 4}" y="{y + 10}" {LTR_END} font-size="10">{num(hi)}</text>'
            f'<text x="{x - 4}" y="{y + h}" {LTR_END} font-size="10">{num(lo)}</text>'
            f'<text x="{x + 4}" y="{y - 5}" direction="ltr" font-weight="bold">{esc(name)}</text>')


def k_curve(ks, coherence, diversity, chosen=None, width: int = 640,
            title: str = "choose K") -> str:
    """Coherence and diversity against K, two stacked panels sharing the K axis.

    The two measures live on different scales, so one panel each beats a
    double y-axis; the chosen K is a dashed vertical line through both."""
    left, right, ph, gap = 52, 16, 100, 34
    w = width - left - right
    height = 2 * ph + 2 * gap + 24
    lo_k, hi_k = min(ks), max(ks)
    span = (hi_k - lo_k) or 1

    def kx(k):
        return left + (k - lo_k) / span * w

    out = [_open(width, height, title)]
    for p, (name, vals, color) in enumerate((("coherence (NPMI)", coherence, PALETTE[0]),
                                             ("diversity", diversity, PALETTE[1]))):
        y = gap + p * (ph + gap)
        clean = [v for v in vals if v is not None] or [0.0]
        lo, hi = min(clean), max(clean)
        if hi == lo:
            lo, hi = lo - 0.5, hi + 0.5
        out.append(_panel_axis(left, y, w, ph, lo, hi, name))
        given = [(k, v) for k, v in zip(ks, vals) if v is not None]
        pts = [(kx(k), y + ph - (v - lo) / (hi - lo) * ph) for k, v in given]
        out.append('<polyline points="' + " ".join(f"{_c(a)},{_c(b)}" for a, b in pts)
                   + f'" fill="none" stroke="{color}" stroke-width="2"/>')
        for (a, b), (k, v) in zip(pts, given):
            out.append(f'<circle cx="{_c(a)}" cy="{_c(b)}" r="3.5" fill="{color}">'
                       f'<title>K={k}: {num(v)}</title></circle>')
    base = height - 20
    for k in ks:
        out.append(f'<text x="{_c(kx(k))}" y="{base + 14}" {LTR_MID} font-size="10">{k}</text>')
    if chosen is not None:
        x = kx(chosen)
        out.append(f'<line x1="{_c(x)}" y1="{gap - 14}" x2="{_c(x)}" y2="{base}" '
                   f'stroke="#c00" stroke-dasharray="4 3"><title>chosen K={chosen}</title></line>'
                   f'<text x="{_c(x + 4)}" y="{gap - 16}" direction="ltr" fill="#c00">'
                   f'K = {chosen}</text>')
    out.append("</svg>")
    return "".join(out)


def sparkline(values, labels=None, width: int = 140, height: int = 28,
              title: str = "trend") -> str:
    """Tiny trend line for a topic card; the hover title lists every value."""
    vals = [v or 0 for v in values]
    top = max(vals + [1e-12])
    labels = list(labels) if labels is not None else [str(i) for i in range(len(vals))]
    tip = " · ".join(f"{esc(p)}: {num(v)}" for p, v in zip(labels, vals))
    body = _polyline(vals, 2, 3, width - 4, height - 6, top, PALETTE[0])
    if vals:
        step = (width - 4) / max(1, len(vals) - 1)
        last = (2 + (len(vals) - 1) * step, 3 + (height - 6) - vals[-1] / top * (height - 6))
        body += f'<circle cx="{_c(last[0])}" cy="{_c(last[1])}" r="2.5" fill="{PALETTE[1]}"/>'
    return (_open(width, height, title) + f"<title>{tip}</title>"
            f'<rect width="{width}" height="{height}" fill="#f6f6f4"/>{body}</svg>')
