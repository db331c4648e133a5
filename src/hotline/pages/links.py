"""Where each page is, and relative links between them.

Pages are named by document path without suffix (``quarters/2024Q1``, ``units/unit-D05``,
``index``); the site is plain HTML, so a link is the relative path to ``<page>.html``. The build
checks every internal link of the finished site, so a wrong one fails the build.
"""

from __future__ import annotations

import functools
import posixpath

HOME = "index"
COMPARISON = "comparison"
UNIT_INDEX = "units/index"
DOWNLOADS = "downloads"
METHODOLOGY = "methodology"
CORRECTIONS = "corrections"
RESEARCH = "research"
SEARCH = "search"
FAQ = "faq"  # 常见问题
SITE_MAP = "site-map"  # 网站地图 (sitemap.xml is the machines' one)


def quarter_page(quarter: object) -> str:
    return f"quarters/{quarter}"


def unit_page(unit_id: str) -> str:
    return f"units/unit-{unit_id}"


def href(target: str, here: str, *, suffix: str = ".html", anchor: str = "") -> str:
    """The relative URL of page (or file) ``target`` from page ``here``."""
    path = _relative(target, posixpath.dirname(here) or ".") + suffix
    return path + (f"#{anchor}" if anchor else "")


@functools.lru_cache(maxsize=65536)
def _relative(target: str, folder: str) -> str:
    """``posixpath.relpath``, remembered: the unit pages ask for the same few thousand links
    (each quarter, the index, the methodology) some fourteen thousand times a build."""
    return posixpath.relpath(target, folder)


def file_href(target: str, here: str) -> str:
    """The relative URL of a published file (``data/…``, ``pdf/2024Q1.pdf``) from page ``here``."""
    return href(target, here, suffix="")
