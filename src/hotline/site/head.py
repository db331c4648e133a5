"""Each page's ``<title>`` and ``<meta name="description">``: its own, naming the county and the page.

A search engine, a shared link and a browser tab show these two lines before anything else of the
page; with one description for every page (as before) a list of results showed the same sentence
hundreds of times, and the home page's title did not say which county it is about. The title is
the page's own heading and the site's name (the county added when the name lacks it); the
description is the site's name, the page's and the page's first sentences as a reader sees them (a unit
page's lead with its latest figures, the home page's summary of the latest circular), never a
navigation label, a table cell or the example-data note. Called by :mod:`hotline.site.sphinx_ext`
for every page Sphinx writes; the result is plain text (the template escapes it).
"""

from __future__ import annotations

import html
import re

import lxml.html

DESCRIPTION_LIMIT = 120  # characters: what a result list shows of a description, about two lines
_TAG = re.compile(r"<[^>]+>")
_SKIPPED = {"nav", "table", "figure", "figcaption", "form", "header", "footer", "script", "style", "details"}
_SENTENCE_END = "。！？；"


def plain(fragment: str) -> str:
    """A title as Sphinx hands it to a template (HTML, entities escaped) as plain text."""
    return " ".join(html.unescape(_TAG.sub("", fragment or "")).split())


def with_county(text: str, county: str) -> str:
    return text if not county or county in text else f"{county}{text}"


def page_title(title: str, site_name: str, subtitle: str, county: str, *, home: bool) -> str:
    """The home page: the site's full name (白水县12345热线工单办理情况通报); any other page: its
    heading, then the site's name."""
    if home:
        return with_county(f"{site_name}{subtitle}", county)
    site = with_county(site_name, county)
    return f"{title} · {site}" if title else site


def _skipped(element) -> bool:
    """Not the page's own prose: navigation, a table or figure, a note above the page (example data,
    corrections), or a circular's document header (issuer, number, addressees, downloads)."""
    for node in [element, *element.iterancestors()]:
        classes = (node.get("class") or "").split()
        if node.tag in _SKIPPED or any(c in ("admonition", "visually-hidden") or c.startswith("doc-") for c in classes):
            return True
    return False


def _read(element) -> str:
    """An element's text as a reader sees it; a block of lines (the home page's latest circular):
    its heading, then each line as a sentence."""

    def flat(node) -> str:
        return " ".join("".join(node.itertext()).split())

    lines = [flat(li) for li in element.iter("li")]
    if not lines:
        return flat(element)
    heading = next((flat(h) for h in element.iter("h2", "h3")), "")
    parts = [heading, *lines] if heading else lines
    return "".join(part if part.endswith(tuple(_SENTENCE_END + "：")) else part + "。" for part in parts if part)


def first_sentences(body: str, limit: int = DESCRIPTION_LIMIT) -> str:
    """The page's lead (an element marked ``latest``, else its first paragraph of prose), cut at
    the last sentence end that fits in ``limit`` characters (or with … when one sentence does not)."""
    if not body or not body.strip():
        return ""
    root = lxml.html.fragment_fromstring(body, create_parent="div")
    leads = [e for e in root.iter() if "latest" in (e.get("class") or "").split() and not _skipped(e)]
    paragraphs = [p for p in root.iter("p") if not _skipped(p)]
    for element in [*leads[:1], *paragraphs]:
        text = _read(element)
        if len(text) >= 8 and re.search(r"[\u4e00-\u9fff]", text):
            return _cut(text, limit)
    return ""


def _cut(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    end = max(text.rfind(mark, 0, limit) for mark in _SENTENCE_END)
    return text[: end + 1] if end >= limit // 3 else text[: limit - 1] + "…"


def page_description(
    body: str, title: str, site_name: str, subtitle: str, county: str, publisher: str, *, home: bool
) -> str:
    """``网站名·页面：首句`` (the site's name says the county); a page without prose says what the
    site is."""
    site = with_county(site_name, county)
    about = with_county(f"{site_name}{subtitle}", county) if home else f"{site}·{title}" if title else site
    lead = first_sentences(body)
    if not lead:
        lead = f"{publisher}每季度印发的12345快速响应平台工单办理情况通报及其数据。" if publisher else ""
    return _cut(f"{about}：{lead}" if lead else about, DESCRIPTION_LIMIT + len(about) + 1)


def add_to_context(app, pagename: str, context: dict) -> None:
    """``hotline_title`` and ``hotline_description`` for layout.html, for the page being written."""
    options = app.config.html_theme_options or {}
    site_name, subtitle = str(options.get("site_name", "")), str(options.get("site_subtitle", ""))
    county, publisher = str(options.get("county", "")), str(options.get("publisher", ""))
    home = pagename == app.config.root_doc
    title = plain(str(context.get("title", "")))
    context["hotline_title"] = page_title(title, site_name, subtitle, county, home=home)
    context["hotline_description"] = page_description(
        str(context.get("body", "")), title, site_name, subtitle, county, publisher, home=home
    )
