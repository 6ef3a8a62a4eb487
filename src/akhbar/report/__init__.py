"""Topic reports people read: one payload (``build``) drawn as a right-to-left HTML page with
inline SVG plots (``html``, ``svg``, ``assets``), a JSON file for programs and a Markdown table
(``markdown``). ``akhbar report`` and ``akhbar train`` write them."""

from akhbar.report.build import build_payload, corpus_summary
from akhbar.report.html import render_html
from akhbar.report.markdown import render_markdown, topic_table, write_report, write_topic_report

__all__ = ["build_payload", "corpus_summary", "render_html", "render_markdown", "topic_table",
           "write_report", "write_topic_report"]
