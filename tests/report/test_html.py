"""Unit tests of the report renderer on synthetic payloads (no browser)."""

import json
import re
import xml.etree.ElementTree as ET

import pytest
from payloads import make_payload as build_payload

from akhbar.report import svg
from akhbar.report.html import render_html


@pytest.fixture
def payload():
    return build_payload()


@pytest.fixture
def make_payload():
    """The builder itself, for tests that need a variant (no dates, 30 topics...)."""
    return build_payload


SVG_RE = re.compile(r"<svg\b.*?</svg>", re.S)
DATA_RE = re.compile(r'<script id="akhbar-data" type="application/json">(.*?)</script>', re.S)


def test_rtl_and_arabic_font(payload):
    page = render_html(payload)
    assert page.startswith("<!DOCTYPE html>")
    assert '<html lang="ar" dir="rtl">' in page
    assert '"Noto Naskh Arabic"' in page and "Tahoma" in page


def test_no_external_references(payload):
    page = render_html(payload)
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    assert "@import" not in page and "url(" not in page
    # the only xmlns URI is the SVG namespace, which browsers never fetch
    assert set(re.findall(r"https?://[^\"' <]+", page)) <= {"http://www.w3.org/2000/svg"}


def test_script_title_is_escaped(payload):
    page = render_html(payload)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "A &amp; B &lt;i&gt;x&lt;/i&gt;" in page      # warnings are escaped too


def test_json_data_cannot_close_script(payload):
    page = render_html(payload)
    assert page.count("<script") == 2 and page.count("</script>") == 2
    raw = DATA_RE.search(page).group(1)
    assert "<" not in raw and ">" not in raw and "&" not in raw
    data = json.loads(raw)
    assert "</script><script>alert(2)</script>" in data["0"]["w"]


def test_every_topic_label_and_first_word(payload):
    page = render_html(payload)
    for topic in payload["topics"]:
        assert svg.esc(topic["label"]) in page
        assert f"<bdi>{svg.esc(topic['words'][0][0])}</bdi>" in page
        assert f'id="rel-{topic["id"]}"' in page


def test_summary_seed_and_warnings(payload):
    page = render_html(payload)
    assert "ant2" in page and "12345" in page and "0.081" in page and "0.87" in page
    assert "sport-seed" in page and "كلمات البذرة" in page
    assert 'class="warnings"' in page and "مقالة بلا تاريخ" in page


def test_sections_degrade_without_data(make_payload):
    payload = make_payload(n_categories=0, n_periods=0, choose_k=False)
    payload["map"] = None
    payload["warnings"] = []
    for topic in payload["topics"]:
        topic["categories"], topic["timeline"] = {}, {}
    page = render_html(payload)
    assert "لا توجد تواريخ في هذه المدونة" in page and "the corpus has no dates" in page
    assert "the corpus has no categories" in page
    assert "no choose-K run" in page and "no topic map" in page
    assert 'class="warnings"' not in page
    _check_svgs(page)


def test_missing_optional_keys():
    page = render_html({"model": "m", "topics": [{"id": 0, "words": [["كلمة", 0.1]]}]})
    assert "كلمة" in page and "topic 0" in page
    assert render_html({})  # nothing at all still renders a page


def _check_svgs(page):
    found = SVG_RE.findall(page)
    for block in found:
        root = ET.fromstring(block)
        assert root.tag == "{http://www.w3.org/2000/svg}svg"
    return found


def test_svgs_are_well_formed(make_payload):
    page = render_html(make_payload(n_topics=30, n_articles=10, n_periods=12, n_categories=6))
    found = _check_svgs(page)
    # prevalence, map, heatmap, timeline, choose-K, and one sparkline per topic
    assert len(found) == 5 + 30


def test_svg_helpers_escape_and_format():
    nasty = 'a<b>&"c\x01'
    for block in (svg.bar_chart([(nasty, 0.5)]), svg.heatmap([nasty], [nasty], [[0.3]]),
                  svg.lines(["p1", "p2"], [(nasty, [0.1, 0.2])]),
                  svg.scatter_map([[0, 0], [1, 1]], [0.2, 0.1], [nasty, nasty]),
                  svg.k_curve([10, 20], [0.1, None], [0.9, 0.8], 20),
                  svg.sparkline([0.1, 0.3], [nasty, nasty])):
        ET.fromstring(block)
        assert "<b>" not in block
    assert svg.num(0.123456) == "0.123" and svg.num(12345) == "12345"
    assert svg.num(None) == "–" and svg.num(0) == "0" and svg.num(1e-5) == "0.00001"


def test_page_size_30_topics(make_payload):
    page = render_html(make_payload(n_topics=30, n_articles=10, n_periods=12, n_categories=6))
    assert len(page.encode("utf-8")) < 300_000
