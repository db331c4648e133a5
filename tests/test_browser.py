"""The built site as a reader sees it: headless Chromium (Debian's, installed by `make test`)
driven by Playwright against the site served on localhost."""

from __future__ import annotations

import re
import unicodedata

import pytest
from pypdf import PdfReader

from .conftest import ARTIFACTS

pytestmark = pytest.mark.site


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    opened = context.new_page()
    opened.errors = []
    opened.on("console", lambda message: message.type == "error" and opened.errors.append(message.text))
    opened.on("pageerror", lambda error: opened.errors.append(str(error)))
    yield opened
    context.close()


def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_home_page_leads_to_the_q1_circular_with_every_chart_loaded(page, base_url):
    page.goto(base_url)
    assert "1615件" in page.inner_text(".key-figures")
    _shot(page, "home-desktop")
    page.locator("main").get_by_role("link", name="2024年第一季度通报").first.click()
    page.wait_for_load_state("load")
    assert page.url.endswith("/quarters/2024Q1.html")
    images = page.eval_on_selector_all("main img", "els => els.map(e => [e.getAttribute('src'), e.naturalWidth])")
    assert len(images) == 3
    assert all(width > 0 for _, width in images), images
    assert "共受理事项1615件" in page.inner_text("main")
    _shot(page, "q1-desktop")
    assert page.errors == []


@pytest.mark.parametrize("path", ["index.html", "quarters/2024Q1.html", "units/unit-D05.html", "comparison.html"])
def test_phone_screen_has_no_horizontal_page_scroll(browser, base_url, path):
    context = browser.new_context(viewport={"width": 375, "height": 812}, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(base_url + path)
    page.wait_for_load_state("load")
    overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    if path in ("index.html", "quarters/2024Q1.html"):
        _shot(page, f"phone-{path.split('/')[-1].removesuffix('.html')}")
    context.close()
    assert overflow <= 0, f"{path} scrolls sideways by {overflow}px on a 375px screen"


# Chromium's PDFs map some shared glyphs of Noto Sans CJK back to CJK radical code points
# (⺠ for 民); NFKC folds the Kangxi radicals, this table the supplement ones that occur here.
RADICALS = str.maketrans("⺠⻅⻔⻓⻚⻝⻢⻋⻛⻜⻥⻉⻄⻆⻘⻰⻬⻮⻤", "民见门长页饣马车风飞鱼贝西角青龙齐齿龟")


def test_the_q1_pdf_reads_like_the_circular(site, q1):
    raw = (site / "pdf" / "2024Q1.pdf").read_bytes()
    assert b"staging" not in raw and b"/URI" not in raw  # no links to paths on the build machine
    reader = PdfReader(site / "pdf" / "2024Q1.pdf")
    box = reader.pages[0].mediabox
    assert abs(box.width - 595) < 2 and abs(box.height - 842) < 2  # A4 (in points), like the circular
    text = unicodedata.normalize("NFKC", "".join(p.extract_text() for p in reader.pages)).translate(RADICALS)
    text = re.sub(r"\s+", "", text)
    assert q1.document.title in text
    for section in ["一、基本情况", "二、存在问题", "三、工作要求", "附件1", "附件2"]:
        assert section in text
    assert [unit for unit in q1.units["unit"] if unit not in text] == []
