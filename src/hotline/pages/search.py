"""The search page: a form and a list of results, filled by ``_static/hotline-search.js`` from the
site's own search data (see :mod:`hotline.site.indexes`). Only this page loads either.

Its hint names what a reader can type, with examples taken from the unit registry (a unit's full
name and a word citizens use for it), so it never offers an example the site cannot find.
"""

from __future__ import annotations

from hotline.pages import links
from hotline.pages.safe import html, join
from hotline.pages.units import markdown_page
from hotline.rules.history import History

SEARCH_DATA = "search-data.js"
RESULTS_SHOWN = 10  # a word on many pages lists the ten most about it first (the script says so)


def _examples(history: History | None) -> list[str]:
    """A full name and a citizen's word from the registry, of units that have a page."""
    if history is None:
        return []
    present = set(history.units["unit_id"])
    units = [u for u in history.registry.units.values() if u.id in present]
    full = next((u.full_name for u in units if u.full_name and u.full_name != u.name), None)
    term = next((u.search_terms[0] for u in units if u.search_terms), None)
    return [f"“{word}”" for word in (full, term) if word]


def search_page(history: History | None = None) -> str:
    here = links.SEARCH
    examples = _examples(history)
    also = html("单位的全称和常用叫法（如{}）也能找到。", join(examples, "")) if examples else ""
    body = html(
        '<div class="search-page">'
        '<form action="{action}" method="get" role="search">'
        '<label for="search-query" class="visually-hidden">搜索本站</label>'
        '<input id="search-query" name="q" type="search" autocomplete="off" '
        'placeholder="单位名称、季度或内容，如 尧禾镇满意率">'
        '<button type="submit">搜索</button></form>'
        '<p id="search-status" role="status" aria-live="polite">输入单位名称或内容后按“搜索”。</p>'
        '<ol class="search-results" id="search-results"></ol>'
        '<p id="search-more" class="search-more" hidden></p>'
        "<p>可以直接输入不带空格的词，如“尧禾镇满意率”“供销联社得分”；单位的曾用名和带县名的写法（如“白水县劳动监察大队”）也能找到。"
        "{also}常用的词（如“逾期”“得分”）先列出最相关的{shown}个页面。"
        '常见的问题见<a href="{faq}">常见问题</a>，全部页面见<a href="{site_map}">网站地图</a>。</p>'
        '<script src="{data}"></script><script src="{script}"></script>'
        "</div>",
        action=links.href(links.SEARCH, here),
        also=also,
        shown=RESULTS_SHOWN,
        faq=links.href(links.FAQ, here),
        site_map=links.href(links.SITE_MAP, here),
        data=links.file_href(SEARCH_DATA, here),
        script=links.file_href("_static/hotline-search.js", here),
    )
    return markdown_page("搜索", body, orphan=True)
