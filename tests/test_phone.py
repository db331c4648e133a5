"""The 2024 Q1 page read on a phone, in Chromium, as a reader comes for "how did my unit do": every
unit's score and rank in view without scrolling sideways (375 and 320 pixels), the header row in
view while scrolling a long table, the whole circular table one tap away, a way back to the top and
to 附件1/附件2 from anywhere; a header that fits at 150% and 200% text with a menu that leaves the
search box alone, closes on a tap outside or Escape and starts with 首页; the large-text mode
(大字版) remembered from page to page; ✗ flags that read as links."""

from __future__ import annotations

import pytest

from .conftest import ARTIFACTS

pytestmark = pytest.mark.site

Q1 = "quarters/2024Q1.html"
SCORES = ("综合得分（通报）", "综合得分（按规则）", "排名")


def _open(browser, base_url, path, *, width=375, scheme="light", script=True):
    context = browser.new_context(
        locale="zh-CN",
        viewport={"width": width, "height": 812 if width < 600 else 900},
        is_mobile=width < 600,
        has_touch=width < 600,
        color_scheme=scheme,
        java_script_enabled=script,
    )
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.goto(base_url + path)
    page.wait_for_load_state("load")
    return context, page


@pytest.fixture
def phone(browser, base_url):
    context, page = _open(browser, base_url, Q1)
    yield page
    assert page.errors == []
    context.close()


def _shot(page, name: str, *, full_page: bool = False) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=full_page)


def _page_overflow(page) -> int:
    return page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")


# Each scored unit's row brought into view as a reader scrolls to it (down the page and down the
# table's box, never sideways): where its name, scores and rank are, and what is on top of them.
SCORED_ROWS = """
([names]) => [...document.querySelectorAll('table.attachment')].flatMap(table => {
  const heads = [...table.querySelectorAll('thead th')].map(th => th.textContent);
  const wanted = ['单位', ...names].map(name => heads.indexOf(name));
  const box = table.closest('.table-scroll');
  return [...table.querySelectorAll('tbody tr.unit')].map(row => {
    row.scrollIntoView({block: 'center'});
    const cells = wanted.map(n => row.children[n]);
    return {
      table: table.id,
      unit: cells[0].textContent,
      texts: cells.map(c => c.textContent),
      boxes: cells.map(c => { const r = c.getBoundingClientRect(); return [r.left, r.right, r.top, r.bottom]; }),
      seen: cells.map(c => {
        const r = c.getBoundingClientRect();
        const found = document.elementFromPoint((r.left + r.right) / 2, (r.top + r.bottom) / 2);
        return found !== null && c.contains(found);
      }),
      sideways: box.scrollLeft + document.documentElement.scrollLeft,
    };
  });
})
"""


@pytest.mark.parametrize("width", [375, 320])
def test_on_a_phone_every_unit_shows_its_score_and_rank_without_scrolling_sideways(browser, base_url, width):
    context, page = _open(browser, base_url, Q1, width=width)
    rows = page.evaluate(SCORED_ROWS, [list(SCORES)])
    boxes = page.eval_on_selector_all(
        "div.table-scroll:has(table.attachment)", "boxes => boxes.map(b => b.scrollWidth - b.clientWidth)"
    )
    _shot(page, f"phone-{width}-attachment-2")
    overflow = _page_overflow(page)
    context.close()
    assert {row["table"] for row in rows} == {"attachment-1", "attachment-2"}
    assert len(rows) >= 40
    assert boxes == [0, 0], "a table still scrolls sideways"
    assert overflow <= 0
    for row in rows:
        unit, score, rule, rank = row["texts"]
        assert unit and score and rule and rank.isdigit(), row
        assert row["sideways"] == 0, row
        for left, right, top, bottom in row["boxes"]:
            assert left >= 0 and right <= width and top >= 0 and bottom <= 812, row
        assert all(row["seen"]), f"{row['unit']}: its name, score or rank is covered ({row['seen']})"


def test_the_header_row_stays_in_view_while_scrolling_down_a_long_table(phone):
    """附件2 is taller than the screen: it scrolls in its box, whose top a reader brings into view
    (附件2 in the bar at the foot of the screen does), and its header row stays at the top."""
    phone.get_by_role("navigation", name="本页跳转").get_by_role("link", name="附件2").tap()
    box = phone.locator("div.table-scroll:has(#attachment-2)")
    frame = box.bounding_box()
    assert 0 <= frame["y"] < 812 / 3
    rows = phone.locator("#attachment-2 tbody tr")
    phone.mouse.move(frame["x"] + frame["width"] / 2, frame["y"] + frame["height"] / 2)
    end = "b => b.scrollTop + b.clientHeight >= b.scrollHeight - 1"
    for _ in range(40):  # the reader's thumb on the table, down to its last row
        if box.evaluate(end):
            break
        phone.mouse.wheel(0, 150)
        phone.wait_for_timeout(60)
    assert box.evaluate(end), "the table did not scroll to its end"
    assert box.bounding_box()["y"] == pytest.approx(frame["y"], abs=1), "the page moved instead of the table"
    last = rows.last.bounding_box()
    assert 0 < last["y"] + last["height"] <= 812
    names = phone.evaluate(
        """() => [...document.querySelectorAll('#attachment-2 thead th')].filter(th => th.offsetParent)
              .map(th => { const r = th.getBoundingClientRect();
                           return document.elementFromPoint((r.left + r.right) / 2, (r.top + r.bottom) / 2)
                                  === th ? [th.textContent, r.top] : null; })"""
    )
    assert [name for name, _ in names] == ["单位", *SCORES, "核对"], names
    assert all(top == pytest.approx(frame["y"], abs=1) for _, top in names), (names, frame)
    _shot(phone, "phone-attachment-2-header-row")


def test_every_column_of_the_circular_table_is_one_tap_away(phone):
    switch = phone.locator("details.more-columns").nth(1)
    assert switch.locator("summary").inner_text().startswith("显示全部列（承办工单量")
    assert not phone.locator("#attachment-2 thead th", has_text="承办工单量").is_visible()
    switch.locator("summary").tap()
    assert phone.locator("#attachment-2 thead th", has_text="承办工单量").is_visible()
    assert switch.locator("summary").inner_text() == "只显示得分和排名"
    phone.locator("#attachment-2 tfoot").scroll_into_view_if_needed()
    assert phone.locator("#attachment-2 tfoot th").inner_text() == "总计"
    # the whole table scrolls sideways in its box, and each unit's name stays put
    box = phone.locator("div.table-scroll:has(#attachment-2)")
    first = phone.locator("#attachment-2 tbody tr:first-child th")
    first.scroll_into_view_if_needed()
    before = first.bounding_box()["x"]
    box.evaluate("b => { b.scrollLeft = 300; }")
    assert box.evaluate("b => b.scrollLeft") > 0 and abs(first.bounding_box()["x"] - before) < 1
    _shot(phone, "phone-attachment-2-every-column")
    switch.locator("summary").tap()
    assert not phone.locator("#attachment-2 thead th", has_text="承办工单量").is_visible()


def test_a_bar_leads_back_to_the_top_and_to_each_attachment_from_anywhere(phone):
    bar = phone.get_by_role("navigation", name="本页跳转")
    assert [link.inner_text() for link in bar.get_by_role("link").all()] == ["回到顶部", "附件1", "附件2"]
    for y in (0, 5000, 12000):  # at the foot of the screen wherever the reader is
        phone.evaluate(f"window.scrollTo(0, {y})")
        frame = bar.bounding_box()
        assert frame["y"] + frame["height"] == pytest.approx(812, abs=1) and frame["height"] >= 44
    bar.get_by_role("link", name="附件2").tap()
    phone.wait_for_url("**#attachment-2")
    caption = phone.locator("#attachment-2 caption").bounding_box()
    assert 0 <= caption["y"] < 812 / 2
    bar.get_by_role("link", name="附件1").focus()  # a plain link: the keyboard reaches it
    phone.keyboard.press("Enter")
    phone.wait_for_url("**#attachment-1")
    assert 0 <= phone.locator("#attachment-1 caption").bounding_box()["y"] < 812 / 2
    bar.get_by_role("link", name="回到顶部").tap()
    phone.wait_for_function("() => window.scrollY === 0")


def test_pages_without_the_attachments_have_no_bar(browser, base_url):
    context, page = _open(browser, base_url, "index.html")
    assert page.locator("nav.jump-bar").count() == 0
    context.close()


# --- header and menu ---------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["100%", "150%", "200%"])
@pytest.mark.parametrize("width", [375, 320])
def test_the_search_box_and_its_button_fit_the_screen_at_any_text_size(browser, base_url, text, width):
    context, page = _open(browser, base_url, Q1, width=width)
    page.add_style_tag(content=f"html {{ font-size: {text} !important; }}")
    found = {
        name: page.locator(selector).bounding_box()
        for name, selector in (("box", "#site-search-query"), ("button", ".site-search button"))
    }
    button = page.locator(".site-search button")
    clipped = button.evaluate("b => b.scrollWidth > b.clientWidth")
    overflow = _page_overflow(page)
    _shot(page, f"phone-{width}-header-{text.rstrip('%')}")
    context.close()
    for name, frame in found.items():
        assert frame["x"] >= 0 and frame["x"] + frame["width"] <= width, (name, frame)
    assert found["box"]["width"] >= 80, "the search box is too narrow to type in"
    assert not clipped and overflow <= 0


def test_the_menu_opens_below_the_search_box_and_closes_on_a_tap_outside_or_escape(phone):
    menu = phone.locator("details.site-menu")
    phone.locator("details.site-menu > summary").tap()
    nav = phone.locator("details.site-menu nav")
    assert nav.is_visible()
    search = phone.locator(".site-search").bounding_box()
    assert nav.bounding_box()["y"] >= search["y"] + search["height"] - 1, "the menu covers the search box"
    links = nav.get_by_role("link").all()
    assert links[0].inner_text() == "首页" and links[0].get_attribute("href") == "../index.html"
    phone.locator("#site-search-query").tap()  # a tap outside the menu: on the search box it left in view
    assert menu.get_attribute("open") is None
    phone.locator("details.site-menu > summary").tap()
    phone.touchscreen.tap(200, 800 - 60)  # on the page below the menu
    assert menu.get_attribute("open") is None
    phone.locator("details.site-menu > summary").tap()
    assert nav.is_visible()
    phone.keyboard.press("Escape")
    assert menu.get_attribute("open") is None
    assert phone.evaluate("() => document.activeElement.matches('details.site-menu > summary')")
    phone.locator("details.site-menu > summary").tap()
    nav.get_by_role("link", name="首页").tap()
    phone.wait_for_url("**/index.html")


# --- 大字版 (large text) -------------------------------------------------------------------------------------


def _root_size(page) -> float:
    return page.evaluate("() => parseFloat(getComputedStyle(document.documentElement).fontSize)")


def test_the_large_text_mode_is_a_toggle_in_the_header_remembered_from_page_to_page(phone, base_url):
    assert _root_size(phone) == 16
    large = phone.get_by_role("link", name="大字版")
    assert large.is_visible() and large.bounding_box()["x"] + large.bounding_box()["width"] <= 375
    large.tap()
    assert _root_size(phone) == 20
    assert phone.get_by_role("link", name="标准版").is_visible() and not large.is_visible()
    assert _page_overflow(phone) <= 0
    _shot(phone, "phone-large-text-q1")
    phone.goto(base_url + "units/index.html")  # the next page remembers it
    assert _root_size(phone) == 20 and _page_overflow(phone) <= 0
    phone.goto(base_url + Q1)
    assert _root_size(phone) == 20
    rows = phone.evaluate(SCORED_ROWS, [list(SCORES)])
    assert all(all(row["seen"]) for row in rows) and all(row["sideways"] == 0 for row in rows)
    phone.get_by_role("link", name="标准版").tap()
    assert _root_size(phone) == 16 and phone.get_by_role("link", name="大字版").is_visible()
    phone.goto(base_url + "index.html")
    assert _root_size(phone) == 16


def test_without_javascript_the_large_text_link_still_works_on_its_page(browser, base_url):
    context, page = _open(browser, base_url, Q1, script=False)
    page.get_by_role("link", name="大字版").tap()
    page.wait_for_url("**#large-text")
    assert _root_size(page) == 20 and page.get_by_role("link", name="标准版").is_visible()
    assert _page_overflow(page) <= 0
    page.get_by_role("link", name="标准版").tap()
    assert _root_size(page) == 16
    context.close()


@pytest.mark.parametrize("path", ["index.html", Q1])
@pytest.mark.parametrize(("mode", "width"), [("large-text", 375), ("200%", 375), ("200%", 1280)])
def test_no_serious_accessibility_violation_in_large_text(browser, base_url, path, mode, width):
    """Axe as tests/test_browser.py runs it, in 大字版 and at 200% text; the page holds (no sideways scroll)."""
    from axe_playwright_python.sync_playwright import Axe

    context, page = _open(browser, base_url, path, width=width)
    if mode == "large-text":
        page.get_by_role("link", name="大字版").click()
    else:
        page.add_style_tag(content="html { font-size: 200% !important; }")
    overflow = _page_overflow(page)
    violations = Axe().run(page).response["violations"]
    context.close()
    serious = [
        (v["id"], [n["target"] for n in v["nodes"]][:3]) for v in violations if v["impact"] in ("serious", "critical")
    ]
    assert serious == [] and overflow <= 0, (serious, overflow)


# --- ✗ flags ------------------------------------------------------------------------------------------------


def _luminance(rgb: str) -> float:
    channels = [int(part) / 255 for part in rgb[rgb.index("(") + 1 : rgb.index(")")].split(",")[:3]]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(a: str, b: str) -> float:
    light, dark = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_a_cross_flag_is_underlined_and_stands_apart_from_the_text(browser, base_url, scheme):
    context, page = _open(browser, base_url, Q1, scheme=scheme)
    flag = page.locator("main p a.flag sup").first
    style = flag.evaluate(
        """sup => { const s = getComputedStyle(sup), p = getComputedStyle(sup.closest('p'));
                    const page = getComputedStyle(document.body).backgroundColor;
                    return [s.textDecorationLine, s.color, p.color, page]; }"""
    )
    context.close()
    decoration, color, text, background = style
    assert "underline" in decoration
    assert _contrast(color, text) >= 3, (color, text)
    assert _contrast(color, background) >= 4.5, (color, background)
