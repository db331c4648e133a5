"""Charts as a phone shows them, measured in Chromium on the demo site (the real 2024 Q1 and three
generated example quarters: every kind of chart, the heatmap and the trends included): every word
and number of every chart at least 12 CSS pixels on a 375-pixel screen, none outside its chart or
over another, no chart wider than its column from 320 to 1280 pixels, and the comparison page of a
single quarter without an empty heatmap."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urljoin

import pytest
from bs4 import BeautifulSoup

from hotline.examples import generate as examples

from .conftest import ARTIFACTS, DATA, serve, shared_build, soup, text_of

pytestmark = pytest.mark.site

MIN_TEXT_PX = 12.0

# Every <text> of the chart opened by itself (at its own size), in CSS pixels: its box (the font's
# ascent and descent, as Chromium lays it out) and its font size as drawn.
_TEXTS = """() => {
  const svg = document.documentElement, frame = svg.getBoundingClientRect();
  return {
    width: frame.width, height: frame.height,
    texts: [...svg.querySelectorAll('text')].filter(t => t.textContent.trim()).map(t => {
      const box = t.getBoundingClientRect(), m = t.getScreenCTM();
      return {
        text: t.textContent, size: parseFloat(getComputedStyle(t).fontSize) * Math.hypot(m.a, m.b),
        left: box.left - frame.left, top: box.top - frame.top,
        right: box.right - frame.left, bottom: box.bottom - frame.top,
      };
    }),
  };
}"""

# Each chart of a page: where it is, how wide the page shows it and how wide its column is.
_CHARTS = """() => [...document.querySelectorAll('main figure img')].map(img => {
  const box = img.getBoundingClientRect(), column = img.closest('figure').parentElement.getBoundingClientRect();
  return {src: img.currentSrc || img.src, loading: img.getAttribute('loading'), left: box.left, right: box.right,
          width: box.width, column: column.width};
})"""


@pytest.fixture(scope="session")
def demo_site(tmp_path_factory, worker_id) -> Path:
    """The demo site (what `make demo` builds), built once per session into the tests' own folder."""

    def data(folder: Path) -> Path:
        examples.generate(DATA, folder / "data")
        return folder / "data"

    return shared_build(tmp_path_factory, worker_id, "demo-site", data).output


@pytest.fixture(scope="session")
def demo_url(demo_site):
    url, server = serve(demo_site)
    yield url
    server.shutdown()


def _chart_pages(site: Path) -> list[str]:
    """Every page of the site that shows a chart."""
    found = []
    for path in sorted(site.rglob("*.html")):
        if "_static" in path.parts:
            continue
        page = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        if page.select("main figure img"):
            found.append(path.relative_to(site).as_posix())
    return found


def _shown_charts(browser, url: str, pages: list[str], width: int) -> dict[str, list[dict]]:
    """Each page's charts as a screen ``width`` pixels wide shows them, every chart scrolled to."""
    context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": 800}, device_scale_factor=1)
    page = context.new_page()
    shown = {}
    try:
        for path in pages:
            page.goto(url + path)
            page.wait_for_load_state("load")
            for image in page.locator("main figure img").all():
                image.scroll_into_view_if_needed()
            page.wait_for_function("() => [...document.querySelectorAll('main figure img')].every(i => i.complete)")
            shown[path] = page.evaluate(_CHARTS)
            scroll = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert scroll <= 0, f"{path} scrolls sideways by {scroll}px at {width}px"
    finally:
        context.close()
    return shown


def _overlapping(texts: list[dict]) -> list[tuple[str, str]]:
    """Pairs of texts whose boxes overlap by more than a quarter of the smaller one's height (a box
    is taller than the letters: two lines set close may touch by their boxes, never more)."""
    found = []
    for n, a in enumerate(texts):
        for b in texts[n + 1 :]:
            across = min(a["right"], b["right"]) - max(a["left"], b["left"])
            down = min(a["bottom"], b["bottom"]) - max(a["top"], b["top"])
            smaller = min(a["bottom"] - a["top"], b["bottom"] - b["top"])
            if across > 1 and down > smaller / 4:
                found.append((a["text"], b["text"]))
    return found


def test_every_chart_of_the_demo_site_is_legible_at_375_pixels_and_nothing_is_cut(browser, demo_site, demo_url):
    pages = _chart_pages(demo_site)
    assert "comparison.html" in pages and "quarters/2024Q1.html" in pages and any(p.startswith("units/") for p in pages)
    shown = _shown_charts(browser, demo_url, pages, 375)
    widths: dict[str, float] = {}
    for path, charts in shown.items():
        for chart in charts:
            assert chart["width"] <= chart["column"] + 0.5 and chart["right"] <= 375, (path, chart)
            widths[chart["src"]] = min(widths.get(chart["src"], chart["width"]), chart["width"])
    assert len(widths) >= len(pages)  # quarters 3 charts each, the comparison 2, a unit 1

    context = browser.new_context(viewport={"width": 1280, "height": 900}, device_scale_factor=1)
    page = context.new_page()
    problems = []
    try:
        for src, width in sorted(widths.items()):
            page.goto(src)
            page.wait_for_load_state("load")
            drawn = page.evaluate(_TEXTS)
            name = src.removeprefix(demo_url)
            scale = width / drawn["width"]  # the page shows the chart scaled to its column
            assert drawn["texts"], name
            for text in drawn["texts"]:
                if text["size"] * scale < MIN_TEXT_PX:
                    problems.append(f"{name}: “{text['text']}” {text['size'] * scale:.1f}px at 375px")
                inside = (
                    text["left"] >= -0.5
                    and text["top"] >= -0.5
                    and text["right"] <= drawn["width"] + 0.5
                    and text["bottom"] <= drawn["height"] + 0.5
                )
                if not inside:
                    problems.append(f"{name}: “{text['text']}” outside the chart {text}")
            problems += [f"{name}: “{a}” overlaps “{b}”" for a, b in _overlapping(drawn["texts"])]
    finally:
        context.close()
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("width", [320, 1280])
def test_no_chart_is_wider_than_its_column_from_320_to_1280_pixels(browser, demo_site, demo_url, width):
    """A chart scales as a whole, so what holds at its own size holds at any width; what remains
    is that the page never crops it nor scrolls sideways because of it."""
    pages = ["quarters/2024Q1.html", "comparison.html", "units/unit-T02.html"]
    for path, charts in _shown_charts(browser, demo_url, pages, width).items():
        assert charts, path
        for chart in charts:
            assert chart["left"] >= 0 and chart["right"] <= width, (path, chart)
            assert chart["width"] <= chart["column"] + 0.5, (path, chart)
            if width == 1280:
                assert chart["width"] >= 470, (path, chart)  # shown at its own size, not shrunk


def test_charts_below_the_first_screen_load_only_when_scrolled_to(browser, demo_site, demo_url):
    """Lazy loading: a phone that opens the 2024 Q1 page fetches none of its charts (they start
    screens below) until the reader scrolls to them."""
    for path in ("quarters/2024Q1.html", "comparison.html"):
        images = soup(demo_site, path).select("main figure img")
        assert images and all(image.get("loading") == "lazy" for image in images), (path, images)
    context = browser.new_context(viewport={"width": 375, "height": 812}, is_mobile=True, device_scale_factor=2)
    page = context.new_page()
    fetched = []
    page.on("request", lambda request: fetched.append(request.url))
    page.goto(demo_url + "quarters/2024Q1.html")
    page.wait_for_load_state("load")
    page.wait_for_timeout(300)
    charts = [
        urljoin(demo_url + "quarters/2024Q1.html", i["src"])
        for i in soup(demo_site, "quarters/2024Q1.html").select("main figure img")
    ]
    assert not set(charts) & set(fetched)
    page.locator("main figure img").first.scroll_into_view_if_needed()
    page.wait_for_function("() => document.querySelector('main figure img').complete")
    assert charts[0] in fetched
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "phone-chart-2024Q1.png"))
    context.close()


def test_the_comparison_page_of_one_quarter_shows_no_heatmap(site):
    """The real site has one quarter: the page says when the comparisons start, and draws no
    chart compared with nothing (it was a 1,104-pixel heatmap of one column on a phone)."""
    page = soup(site, "comparison.html")
    main = page.find("main")
    assert main.select("figure, img") == []
    said = text_of(main)
    assert "得分热力图将在添加第二个季度后画出" in said and "变化图将在添加第二个季度后画出" in said
