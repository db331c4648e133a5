"""The Atom feed of circulars, newest first, so readers and other sites learn of a new one.

Written from the history (every quarter published, with its document's date and number); the
addresses in it are absolute, under the site's published address (``html_baseurl``).
"""

from __future__ import annotations

import datetime as dt
from xml.sax.saxutils import escape

from hotline.circular import fmt
from hotline.pages import checks as says
from hotline.pages import links
from hotline.rules.history import History

FEED = "feed.xml"


def _url(base: str, page: str) -> str:
    return base.rstrip("/") + "/" + page


def _stamp(day: dt.date) -> str:
    return dt.datetime.combine(day, dt.time()).isoformat() + "+08:00"


def atom_feed(history: History, base_url: str, site_name: str) -> str:
    """Atom 1.0: one entry per issued circular, newest first, its summary the latest figures and
    differences. An entry's ``updated`` is the date of its latest logged correction, so a reader
    subscribed to the feed learns that a published figure changed; drafts are never in it."""
    entries = []
    updated_days = []
    for result in reversed(history.issued):
        quarter, h = result.quarter, result.headline
        url = _url(base_url, links.href(links.quarter_page(result.id), links.HOME))
        corrections = [c for c in history.corrections if c.quarter == result.id]
        updated = max([quarter.document.date, *(c.date for c in corrections)])
        updated_days.append(updated)
        differences = len(result.differences)
        summary = (
            f"{quarter.document.number}，{fmt.date(quarter.document.date)}印发。受理{fmt.count(h.received)}，"
            f"办结率{fmt.pct(h.completion_rate_pct)}。"
            + (says.disagree(result.format, differences) if differences else "")
            + (f"印发后有{len(corrections)}处更正，最近一次在{fmt.date(updated)}。" if corrections else "")
            + ("（示例数据）" if quarter.example else "")
        )
        entries.append(
            "  <entry>\n"
            f"    <title>{escape(result.id.zh)}工单办理情况通报</title>\n"
            f'    <link rel="alternate" type="text/html" href="{escape(url)}"/>\n'
            f"    <id>{escape(url)}</id>\n"
            f"    <published>{_stamp(quarter.document.date)}</published>\n"
            f"    <updated>{_stamp(updated)}</updated>\n"
            f"    <summary>{escape(summary)}</summary>\n"
            "  </entry>\n"
        )
    home = _url(base_url, "index.html")
    corrections = _url(base_url, links.href(links.CORRECTIONS, links.HOME))
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="zh-CN">\n'
        f"  <title>{escape(site_name)}：新发布的通报</title>\n"
        f'  <link rel="alternate" type="text/html" href="{escape(home)}"/>\n'
        f'  <link rel="self" type="application/atom+xml" href="{escape(_url(base_url, FEED))}"/>\n'
        f'  <link rel="related" type="text/html" title="更正记录与发布记录" href="{escape(corrections)}"/>\n'
        f"  <id>{escape(_url(base_url, FEED))}</id>\n"
        f"  <updated>{_stamp(max(updated_days))}</updated>\n"
        f"  <author><name>{escape(history.issuer)}</name></author>\n" + "".join(entries) + "</feed>\n"
    )
