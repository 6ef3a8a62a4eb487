"""Render a topic-report payload into one self-contained, right-to-left HTML page.

Why one file with everything inline: analysts open reports from mail or a
shared folder, often offline; the page must make no request at all (no CDN,
no web font, no image URL).  Plots are inline SVG from ``akhbar.report.svg``;
the small script only re-ranks words for the λ slider and sorts the cards.

Safety: every corpus string goes through ``esc`` (html.escape) and the data
for the script is JSON with ``<``, ``>`` and ``&`` written as ``\\u003c`` etc.,
so a ``</script>`` inside a word cannot end the script element.
"""

import json
import math

from akhbar.report.assets import CSS, JS
from akhbar.report.svg import (bar_chart, esc, heatmap, k_curve, lines, num,
                               scatter_map, sparkline)

LAMBDA = 0.6      # LDAvis' user study found λ≈0.6 the most helpful default
SHOW_WORDS = 12   # words in each ranked list
SOURCES = {"training": "بيانات التدريب / training data", "corpus": "مدونة / corpus"}


def render_html(payload: dict) -> str:
    """Return the complete report page for ``payload`` (schema: module docs of the
    report package).  Missing optional keys degrade to a visible note."""
    topics = list(payload.get("topics") or [])
    categories = list(payload.get("categories") or [])
    periods = list(payload.get("periods") or [])
    title = f"تقرير الموضوعات · {payload.get('model', '')}"
    body = [
        _summary(payload, topics),
        _warnings(payload.get("warnings") or []),
        _nav(),
        _section("prevalence", "انتشار الموضوعات", "topic prevalence", _prevalence(topics)),
        _section("map", "خريطة الموضوعات", "topic distances (2-D)", _map(payload, topics)),
        _section("categories", "الموضوعات حسب الفئة", "topic × category",
                 _categories(topics, categories)),
        _section("timeline", "الموضوعات عبر الزمن", "prevalence over time",
                 _timeline(topics, periods, payload.get("period_unit"))),
        _section("choose-k", "اختيار عدد الموضوعات", "choose K",
                 _choose_k(payload.get("choose_k"))),
        _section("topics", "الموضوعات", "topics", _topics(topics, categories, periods)),
    ]
    return ("<!DOCTYPE html>\n"
            '<html lang="ar" dir="rtl"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{esc(title)}</title><style>{CSS}</style></head><body><main>"
            + "".join(body)
            + f'</main><script id="akhbar-data" type="application/json">'
            f"{_safe_json(_relevance_data(topics))}</script><script>{JS}</script>"
            "</body></html>\n")


def _safe_json(obj) -> str:
    """JSON that is inert inside <script>: no raw <, > or & can appear."""
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
    for raw, code in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                      ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(raw, code)
    return text


def _label(topic: dict) -> str:
    return str(topic.get("label") or f"topic {topic.get('id')}")


def _n(value, percent: bool = False) -> str:
    """A number kept left-to-right inside Arabic text."""
    if percent and value is not None:
        return f'<span class="n">{num(100 * value, 3)}%</span>'
    return f'<span class="n">{num(value)}</span>'


def _note(ar: str, en: str) -> str:
    return f'<p class="note">{esc(ar)} <span lang="en" dir="ltr">/ {esc(en)}</span></p>'


def _section(anchor: str, ar: str, en: str, body: str) -> str:
    return (f'<section id="{anchor}"><h2>{esc(ar)} <small lang="en" dir="ltr">'
            f"{esc(en)}</small></h2>{body}</section>")


def _nav() -> str:
    links = (("prevalence", "الانتشار"), ("map", "الخريطة"), ("categories", "الفئات"),
             ("timeline", "الزمن"), ("choose-k", "عدد الموضوعات"), ("topics", "الموضوعات"))
    return "<nav>" + " · ".join(f'<a href="#{a}">{t}</a>' for a, t in links) + "</nav>"


def _summary(payload: dict, topics: list) -> str:
    """Header with the facts an analyst checks first: which model, on what."""
    corpus = payload.get("corpus") or {}
    source = SOURCES.get(corpus.get("source"), str(corpus.get("source") or "–"))
    path = corpus.get("path")
    rows = [("النموذج", "model", f'<span class="n">{esc(payload.get("model", "–"))}</span>'),
            ("عدد المقالات", "articles", _n(corpus.get("documents"))),
            ("عدد الموضوعات", "topics", _n(len(topics))),
            ("الترابط", "coherence (NPMI)", _n(payload.get("coherence"))),
            ("التنوع", "diversity", _n(payload.get("diversity"))),
            ("المصدر", "source", esc(source)
             + (f' <code dir="ltr">{esc(path)}</code>' if path else "")),
            ("أُنشئ", "created", f'<span class="n">{esc(payload.get("created", "–"))}</span>')]
    cells = "".join(f'<div><dt>{esc(ar)} <small dir="ltr">{esc(en)}</small></dt>'
                    f"<dd>{value}</dd></div>" for ar, en, value in rows)
    return (f'<header><h1>تقرير الموضوعات <small lang="en" dir="ltr">topic report</small>'
            f'</h1><dl class="summary">{cells}</dl></header>')


def _warnings(warnings: list) -> str:
    if not warnings:
        return ""
    items = "".join(f"<li><bdi>{esc(w)}</bdi></li>" for w in warnings)
    return (f'<aside class="warnings" role="alert"><strong>تنبيهات '
            f'<small lang="en">warnings</small></strong><ul>{items}</ul></aside>')


def _by_share(topics: list) -> list:
    return sorted(topics, key=lambda t: -(t.get("share") or 0))


def _prevalence(topics: list) -> str:
    if not topics:
        return _note("لا توجد موضوعات", "no topics")
    items = [(f"#{t.get('id')} {_label(t)}", t.get("share") or 0) for t in _by_share(topics)]
    return f'<div class="plot">{bar_chart(items, title="topic prevalence")}</div>'


def _map(payload: dict, topics: list) -> str:
    points = payload.get("map")
    if not points or len(points) != len(topics):
        return _note("لا توجد خريطة للموضوعات", "no topic map in this report")
    svg = scatter_map(points, [t.get("share") or 0 for t in topics],
                      [_label(t) for t in topics], ids=[t.get("id") for t in topics])
    return (f'<div class="plot">{svg}</div><p class="hint">مساحة الدائرة تتناسب مع حصة '
            "الموضوع؛ القرب يعني التشابه / circle area ∝ share; nearer = more similar</p>")


def _categories(topics: list, categories: list) -> str:
    if not categories or not topics:
        return _note("لا توجد فئات في هذه المدونة", "the corpus has no categories")
    rows = _by_share(topics)
    values = [[(t.get("categories") or {}).get(c, 0) for c in categories] for t in rows]
    svg = heatmap([f"#{t.get('id')} {_label(t)}" for t in rows], categories, values)
    return (f'<div class="plot">{svg}</div><p class="hint">حصة وزن الموضوع في كل فئة / '
            "share of each topic's weight per category</p>")


def _timeline(topics: list, periods: list, unit) -> str:
    if not periods or not topics:
        return _note("لا توجد تواريخ في هذه المدونة", "the corpus has no dates")
    series = [(f"#{t.get('id')} {_label(t)}",
               [(t.get("timeline") or {}).get(p, 0) for p in periods]) for t in _by_share(topics)]
    unit_ar = {"month": "شهري", "week": "أسبوعي"}.get(unit, esc(unit or ""))
    return (f'<p class="hint">{unit_ar} <span dir="ltr">({esc(unit or "")}, '
            f"{esc(periods[0])} → {esc(periods[-1])})</span></p>"
            f'<div class="plot">{lines(periods, series)}</div>')


def _choose_k(choose: dict) -> str:
    if not choose or not choose.get("k"):
        return _note("لم يُجرَ اختيار عدد الموضوعات لهذا النموذج",
                     "no choose-K run for this model")
    svg = k_curve(choose["k"], choose.get("coherence") or [None] * len(choose["k"]),
                  choose.get("diversity") or [None] * len(choose["k"]), choose.get("chosen"))
    why = choose.get("why")
    return (f'<div class="plot">{svg}</div>'
            + (f'<p class="hint"><bdi>{esc(why)}</bdi></p>' if why else ""))


def _rank(rel: dict, lam: float) -> list:
    """LDAvis relevance: λ·log p(w|t) + (1−λ)·log(p(w|t)/p(w)); same as the JS."""
    ranked = []
    for word, pt, pc in zip(rel.get("words", []), rel.get("p_topic", []),
                            rel.get("p_corpus", [])):
        pt, pc = max(pt or 0, 1e-12), max(pc or 0, 1e-12)
        ranked.append((lam * math.log(pt) + (1 - lam) * math.log(pt / pc), word, pt))
    ranked.sort(key=lambda r: -r[0])
    return ranked[:SHOW_WORDS]


def _relevance_data(topics: list) -> dict:
    """Candidates per topic for the slider, rounded to keep the page small."""
    def r(xs):
        return [float(f"{x or 0:.4g}") for x in xs]
    return {str(t.get("id")): {"w": [str(w) for w in rel.get("words", [])],
                               "pt": r(rel.get("p_topic", [])), "pc": r(rel.get("p_corpus", []))}
            for t in topics for rel in [t.get("relevance") or {}]}


def _word_rows(pairs) -> str:
    """<li> rows of word + bar; bar length relative to the list's top weight."""
    pairs = list(pairs)
    top = max([w for _, w in pairs] + [1e-12])
    return "".join(f'<li><bdi>{esc(word)}</bdi><i style="width:{100 * w / top:.0f}%"></i>'
                   f"{_n(w)}</li>" for word, w in pairs)


def _topics(topics: list, categories: list, periods: list) -> str:
    if not topics:
        return _note("لا توجد موضوعات", "no topics")
    control = ('<p class="sort"><label>ترتيب <small dir="ltr">sort</small> <select id="sort">'
               '<option value="id">الرقم / id</option><option value="share">الحصة / share'
               '</option><option value="coh">الترابط / coherence</option></select></label></p>')
    cards = "".join(_card(t, categories, periods) for t in topics)
    return f'{control}<div class="cards" id="cards">{cards}</div>'


def _seed_line(topic: dict) -> str:
    seed, name = topic.get("seed"), topic.get("name")
    if not seed and not name:
        return ""
    parts = [f'البذرة <small dir="ltr">seed</small>: <bdi>{esc(name)}</bdi>' if name else ""]
    if seed:
        words = "، ".join(esc(w) for w in seed.get("words", []))
        parts.append(f'{_n(seed.get("found", 0))} من {_n(len(seed.get("words", [])))} '
                     "كلمات البذرة في أهم الكلمات "
                     '<small dir="ltr">(seed words in the top words)</small>'
                     f' <span class="seedw">{words}</span>')
    return '<p class="seed">' + " · ".join(p for p in parts if p) + "</p>"


def _card(topic: dict, categories: list, periods: list) -> str:
    """One topic: label, words, λ slider, numbers, articles, categories, trend."""
    tid = esc(topic.get("id"))
    words = [(w, x) for w, x in (topic.get("words") or [])][:SHOW_WORDS]
    ranked = _rank(topic.get("relevance") or {}, LAMBDA)
    arts = "".join(f'<li><bdi>{esc(a.get("title", ""))}</bdi> {_n(a.get("weight"))}</li>'
                   for a in topic.get("articles") or [])
    cats = topic.get("categories") or {}
    cat_html = (f'<ol class="words cats">{_word_rows(sorted(cats.items(), key=lambda c: -c[1]))}</ol>'
                if cats else _note("لا توجد فئات", "no categories"))
    timeline = topic.get("timeline") or {}
    trend = (sparkline([timeline.get(p, 0) for p in periods], periods, title="trend")
             if periods and timeline else _note("لا توجد تواريخ", "no dates"))
    return (f'<article class="card" id="topic-{tid}" data-id="{tid}" '
            f'data-share="{num(topic.get("share") or 0, 6)}" '
            f'data-coh="{num(topic.get("coherence") if topic.get("coherence") is not None else -9, 6)}">'
            f'<h3><span class="n tid">#{tid}</span> <bdi>{esc(_label(topic))}</bdi></h3>'
            f"{_seed_line(topic)}"
            f'<p class="stats">الحصة <small dir="ltr">share</small> {_n(topic.get("share"), True)} · '
            f'الترابط <small dir="ltr">NPMI</small> {_n(topic.get("coherence"))}</p>'
            f'<div class="two"><div><h4>أهم الكلمات <small dir="ltr">top words p(w|t)</small></h4>'
            f'<ol class="words">{_word_rows(words)}</ol></div>'
            f'<div><h4>الصلة <small dir="ltr">relevance</small></h4><label class="lam">λ = '
            f'<output id="lam-out-{tid}" class="n">{LAMBDA}</output> <input type="range" '
            f'min="0" max="1" step="0.05" value="{LAMBDA}" data-topic="{tid}" '
            f'aria-label="lambda"></label><ol class="words rel" id="rel-{tid}">'
            f"{_word_rows((w, pt) for _, w, pt in ranked)}</ol></div></div>"
            f'<h4>المقالات الأكثر تمثيلاً <small dir="ltr">most representative articles</small></h4>'
            f'<ol class="arts">{arts}</ol>'
            f'<div class="two"><div><h4>الفئات <small dir="ltr">categories</small></h4>{cat_html}</div>'
            f'<div><h4>عبر الزمن <small dir="ltr">over time</small></h4>{trend}</div></div></article>')
