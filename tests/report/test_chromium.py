"""The report page in a real browser: Debian's headless Chromium, driven by Playwright.

Opened from a file with the network cut off, the page must load with no console error and no
request but its own, be set right to left, and show every topic's label and first top word. It
is the built-in corpus's report, made the way `akhbar report` makes it; `.ci/run` installs
Chromium when the machine lacks it, so in CI this test runs, never skips.
"""

from __future__ import annotations

import json
import os
import shutil

import pytest

from akhbar.topic_commands import report_command

CHROMIUM = os.environ.get("AKHBAR_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="module")
def browser():
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail(f"headless Chromium not found at {CHROMIUM}; .ci/run installs Debian's chromium")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield chromium
        chromium.close()


def test_report_loads_offline_rtl_with_every_label_and_word(browser, trained_dir, tmp_path):
    done = report_command(trained_dir, tmp_path / "report", progress=False)
    topics = json.loads((tmp_path / "report" / "topics.json").read_text(encoding="utf-8"))["topics"]
    assert topics
    context = browser.new_context(offline=True)
    page = context.new_page()
    errors, requests = [], []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: requests.append(r.url))
    url = (tmp_path / "report" / "report.html").as_uri()
    page.goto(url, wait_until="load")
    assert errors == []
    assert requests == [url]
    assert page.evaluate("document.documentElement.dir") == "rtl"
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    shown = page.inner_text("body")
    for topic in topics:
        assert topic["label"] in shown and topic["words"][0][0] in shown
        assert page.is_visible(f"#topic-{topic['id']}")
    # the λ slider re-ranks a topic's words in the page's own script
    first = page.inner_text(f"#rel-{topics[0]['id']}")
    page.fill(f"input[data-topic='{topics[0]['id']}']", "0")
    page.dispatch_event(f"input[data-topic='{topics[0]['id']}']", "input")
    assert page.inner_text(f"#lam-out-{topics[0]['id']}") == "0"
    assert page.inner_text(f"#rel-{topics[0]['id']}") != first
    assert errors == []
    context.close()
    assert done["bytes"] < 1_000_000
