"""The search page: a form and a list of results, filled by ``_static/hotline-search.js`` from the
site's own search data (see :mod:`hotline.site.indexes`). Only this page loads either."""

from __future__ import annotations

from hotline.pages import links
from hotline.pages.safe import html
from hotline.pages.units import markdown_page

SEARCH_DATA = "search-data.js"


def search_page() -> str:
    here = links.SEARCH
    body = html(
        '<div class="search-page">'
        '<form action="{action}" method="get" role="search">'
        '<label for="search-query" class="visually-hidden">搜索本站</label>'
        '<input id="search-query" name="q" type="search" autocomplete="off" '
        'placeholder="单位名称、季度或内容，如 尧禾镇满意率">'
        '<button type="submit">搜索</button></form>'
        '<p id="search-status" role="status" aria-live="polite">输入单位名称或内容后按“搜索”。</p>'
        '<ol class="search-results" id="search-results"></ol>'
        "<p>可以直接输入不带空格的词，如“尧禾镇满意率”“供销联社得分”；单位的曾用名和带县名的写法（如“白水县劳动监察大队”）也能找到。</p>"
        '<script src="{data}"></script><script src="{script}"></script>'
        "</div>",
        action=links.href(links.SEARCH, here),
        data=links.file_href(SEARCH_DATA, here),
        script=links.file_href("_static/hotline-search.js", here),
    )
    return markdown_page("搜索", body, orphan=True)
