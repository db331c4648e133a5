"""The built site as a reader sees it: headless Chromium (Debian's, installed by `make test`)
driven by Playwright against the site served on localhost."""

from __future__ import annotations

import functools
import http.server
import re
import threading
import unicodedata
import urllib.request
from pathlib import Path

import pytest
from pypdf import PdfReader

from hotline.site import printing as pdf

from .conftest import REPO
from .test_site import site  # noqa: F401  (the session-wide built site)

pytestmark = pytest.mark.site
ARTIFACTS = REPO / "test-artifacts"


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def base_url(site):  # noqa: F811
    handler = functools.partial(_QuietHandler, directory=str(site.output))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    executable = pdf.chromium()
    if executable is None:
        pytest.fail("Chromium is missing: `make test` installs Debian's chromium; run it instead of pytest alone")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=pdf.CHROMIUM_FLAGS[1:-1])
        yield launched
        launched.close()


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
    page.locator("article").get_by_role("link", name="2024年第一季度", exact=True).click()
    page.wait_for_load_state("load")
    assert page.url.endswith("/quarters/2024Q1.html")
    images = page.eval_on_selector_all("article img", "els => els.map(e => [e.getAttribute('src'), e.naturalWidth])")
    assert len(images) == 3
    assert all(width > 0 for _, width in images), images
    assert "共受理事项1615件" in page.inner_text("article")
    _shot(page, "q1-desktop")
    assert page.errors == []


def _search(page, base_url: str, query: str) -> list[str]:
    page.goto(f"{base_url}search.html?q={query}")
    page.wait_for_selector("#search-results p.search-summary, #search-results ul.search li", timeout=15_000)
    page.wait_for_function("() => !document.querySelector('#search-progress')?.textContent.includes('...')")
    return page.eval_on_selector_all("#search-results ul.search li a", "els => els.map(e => e.getAttribute('href'))")


def test_searching_a_unit_name_finds_the_circular_and_the_unit_page(page, base_url):
    found = _search(page, base_url, "劳动监察大队")
    assert any(href.startswith("quarters/2024Q1.html") for href in found), found
    assert any(href.startswith("units/unit-D02.html") for href in found), found
    assert page.errors == []


@pytest.mark.parametrize(
    ("query", "terms"), [("城管局满意率", ["城管局", "满意率"]), ("白水县劳动监察大队", ["白水县", "劳动监察大队"])]
)
def test_an_unspaced_query_is_segmented_and_finds_the_circular(page, base_url, query, terms):
    found = _search(page, base_url, query)
    assert page.evaluate(f"splitQuery('{query}')") == terms
    assert any(href.startswith("quarters/2024Q1.html") for href in found), found


@pytest.mark.parametrize("path", ["index.html", "quarters/2024Q1.html", "units/unit-D02.html", "comparison.html"])
def test_phone_screen_has_no_horizontal_page_scroll(browser, base_url, path):
    context = browser.new_context(viewport={"width": 375, "height": 812}, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(base_url + path)
    page.wait_for_load_state("load")
    overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    if path in ("index.html", "quarters/2024Q1.html"):
        _shot(page, f"phone-{Path(path).stem}")
    context.close()
    assert overflow <= 0, f"{path} scrolls sideways by {overflow}px on a 375px screen"


def test_no_broken_internal_link_anywhere(site, base_url):  # noqa: F811
    targets = set()
    for html in site.output.rglob("*.html"):
        if "_static" in html.parts:
            continue
        folder = html.parent.relative_to(site.output).as_posix()
        for link in re.findall(r'(?:href|src)="([^"#?]+)', html.read_text(encoding="utf-8")):
            if not re.match(r"^(?:[a-z]+:|//)", link):
                targets.add(urllib.request.urljoin(f"{base_url}{folder}/" if folder != "." else base_url, link))
    broken = []
    for url in sorted(targets):
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                if response.status != 200:
                    broken.append((url, response.status))
        except OSError as exc:
            broken.append((url, str(exc)))
    assert len(targets) > 100
    assert broken == []


# Chromium's PDFs map some shared glyphs of Noto Sans CJK back to CJK radical code points
# (⺠ for 民); NFKC folds the Kangxi radicals, this table the supplement ones that occur here.
RADICALS = str.maketrans("⺠⻅⻔⻓⻚⻝⻢⻋⻛⻜⻥⻉⻄⻆⻘⻰⻬⻮⻤", "民见门长页饣马车风飞鱼贝西角青龙齐齿龟")


def test_the_q1_pdf_reads_like_the_circular(site, q1):  # noqa: F811
    raw = (site.output / "pdf" / "2024Q1.pdf").read_bytes()
    assert b"staging" not in raw and b"/URI" not in raw  # no links to paths on the build machine
    reader = PdfReader(site.output / "pdf" / "2024Q1.pdf")
    box = reader.pages[0].mediabox
    assert abs(box.width - 595) < 2 and abs(box.height - 842) < 2  # A4 (in points), like the circular
    headings = [item.title for item in reader.outline if not isinstance(item, list)]
    assert headings and headings[0] == "2024年第一季度工单办理情况通报"  # a bookmark per heading
    text = unicodedata.normalize("NFKC", "".join(p.extract_text() for p in reader.pages)).translate(RADICALS)
    text = re.sub(r"\s+", "", text)
    assert q1.document.title in text
    assert q1.document.number.replace(" ", "") in text
    for section in ["一、基本情况", "二、存在问题", "三、工作要求", "附件1", "附件2"]:
        assert section in text
    missing = [unit for unit in q1.units["unit"] if unit not in text]
    assert missing == []
