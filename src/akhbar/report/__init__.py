"""Topic reports people read: ``topics/NAME.md`` and ``topics/NAME.json`` (``markdown``)."""

from akhbar.report.markdown import render_markdown, topic_table, write_topic_report

__all__ = ["render_markdown", "topic_table", "write_topic_report"]
