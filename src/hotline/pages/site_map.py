"""网站地图: every page of the site on one page, in the order of the site's menu, with every unit's
page under the unit index (a government site links it from every page's footer).

It is written from the history like the other generated pages, so it lists exactly the quarters
and units the build publishes (a preview's drafts too, titled 草稿 as everywhere). The titles of the
notebook pages are named here; a test compares every link's text with its page's heading. It is
kept out of the search data: it names every unit and would be a result of every unit's name.
"""

from __future__ import annotations

from hotline.circular.wording import page_title
from hotline.data.registry import CATEGORIES
from hotline.pages import faq, feed, links
from hotline.pages.safe import Source, html, join
from hotline.pages.units import markdown_page
from hotline.rules.history import History

TITLE = "网站地图"
# The pages made by notebooks, and their headings (a test compares them with the built pages).
HOME_TITLE = "首页"
COMPARISON_TITLE = "历史比较"
UNIT_INDEX_TITLE = "单位索引"
DOWNLOADS_TITLE = "数据下载"
RESEARCH_TITLE = "研究者指南：用 Python 分析全部季度"
METHODOLOGY_TITLE = "计算方法与数据说明"
CORRECTIONS_TITLE = "更正记录"
SEARCH_TITLE = "搜索"


def _item(label: str, target: str, here: str, nested: Source | str = "") -> Source:
    return html('<li><a href="{}">{}</a>{}</li>', links.href(target, here), label, nested)


def _units(history: History, here: str) -> Source:
    present = set(history.units["unit_id"])
    groups = []
    for category in CATEGORIES:
        units = [u for u in history.registry.units.values() if u.category == category and u.id in present]
        if not units:
            continue
        items = []
        for unit in (u for u in units if not u.parent_id or u.parent_id not in present):
            subs = [u for u in units if u.parent_id == unit.id]
            nested = html("<ul>{}</ul>", join(_item(s.name, links.unit_page(s.id), here) for s in subs)) if subs else ""
            items.append(_item(unit.name, links.unit_page(unit.id), here, nested))
        groups.append(html("<li>{}<ul>{}</ul></li>", category, join(items)))
    return html("<ul>{}</ul>", join(groups))


def site_map_page(history: History) -> str:
    here = links.SITE_MAP
    quarters = join(_item(page_title(r), links.quarter_page(r.id), here) for r in reversed(history.results))
    history_part = join(
        [
            _item(COMPARISON_TITLE, links.COMPARISON, here),
            _item(UNIT_INDEX_TITLE, links.UNIT_INDEX, here, _units(history, here)),
        ]
    )
    about = join(
        [
            _item(DOWNLOADS_TITLE, links.DOWNLOADS, here),
            _item(RESEARCH_TITLE, links.RESEARCH, here),
            _item(METHODOLOGY_TITLE, links.METHODOLOGY, here),
            _item(CORRECTIONS_TITLE, links.CORRECTIONS, here),
            _item(faq.TITLE, links.FAQ, here),
        ]
    )
    other = join(
        [
            _item(SEARCH_TITLE, links.SEARCH, here),
            html('<li><a href="{}">订阅新通报（Atom 订阅源）</a></li>', links.file_href(feed.FEED, here)),
        ]
    )
    return markdown_page(
        TITLE,
        html(
            '<p>本网站的全部页面。</p><ul class="site-map"><li><a href="{}">{}</a></li></ul>',
            links.href(links.HOME, here),
            HOME_TITLE,
        ),
        ("季度通报", html('<ul class="site-map">{}</ul>', quarters)),
        ("历史与单位", html('<ul class="site-map">{}</ul>', history_part)),
        ("数据与说明", html('<ul class="site-map">{}</ul>', about)),
        ("其他", html('<ul class="site-map">{}</ul>', other)),
        orphan=True,
    )
