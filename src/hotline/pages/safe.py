"""Putting data-derived text into MyST Markdown safely: the one place for escaping and figures.

MyST passes raw HTML through, so every name, caption and staff-written text is escaped before it
reaches a page. Page titles need more: the book theme re-renders titles unescaped in its print
header, so angle brackets in a title are replaced by their full-width look-alikes.
"""

from __future__ import annotations

import html

from hotline.pages.charts import Chart


def escape(text) -> str:
    """Text that may contain <, > or &, shown as text (and a | that would split a table cell)."""
    return html.escape(str(text), quote=False).replace("|", "&#124;")


def title(text) -> str:
    """Text for a heading: no character that any template could turn back into markup."""
    return str(text).replace("&", "＆").replace("<", "＜").replace(">", "＞")


def figure(chart: Chart, path: str) -> str:
    """A MyST figure of a chart written to ``path`` (relative to the page), alt text and caption escaped."""
    alt = " ".join(html.escape(chart.alt).split())
    return f"```{{figure}} {path}\n:alt: {alt}\n:width: 100%\n\n{escape(chart.caption)}\n```"
