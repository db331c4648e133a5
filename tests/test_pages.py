"""Stage 3: page source and charts. HTML is read with a parser; whatever came from data is shown
literally in every context a page puts it in (a property-based test with every special character)."""

from __future__ import annotations

import re
from dataclasses import replace

import matplotlib
import matplotlib.pyplot as plt
import pytest
from bs4 import BeautifulSoup
from docutils import nodes
from docutils.core import publish_doctree
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from myst_parser.parsers.docutils_ import Parser

from hotline.circular import wording
from hotline.data import narrative
from hotline.data.circular import Acknowledgement
from hotline.data.errors import DataError
from hotline.examples import generate as examples
from hotline.pages import charts, links
from hotline.pages.comparison import ComparisonPage
from hotline.pages.home import HomePage
from hotline.pages.methodology import MethodologyPage
from hotline.pages.narrative import render
from hotline.pages.quarter import QuarterPage
from hotline.pages.safe import html, text
from hotline.pages.units import markdown_page, unit_index, unit_page
from hotline.rules import results
from hotline.rules.history import History

from .conftest import CIRCULAR, DATA, FULL, LABELS

# Every character with a meaning in HTML, Markdown or MyST, a few whole constructs, Chinese, Latin.
SPECIAL = "&<>\"'`{}[]()*_$|\\#!:~%^=+-@.,;/\n\t\r 　"
CONSTRUCTS = [
    "{download}`x <../../etc/passwd>`",
    "```{raw} html\n<script>alert(1)</script>\n```",
    ":::{include} /etc/passwd\n:::",
    "<img src=x onerror=alert(1)>",
    "[点我](javascript:alert(1))",
    "{{ site }}",
    "$$x$$",
    "**粗**",
    "<!-- x -->",
    "&amp;&#60;",
    "# 标题",
    "| a | b |",
    '=HYPERLINK("http://x")',
]
texts = st.lists(
    st.one_of(st.text(alphabet=SPECIAL + "白水县镇局ab12", max_size=12), st.sampled_from(CONSTRUCTS)), max_size=6
).map("".join)


def _doctree(source: str) -> nodes.document:
    return publish_doctree(source, parser=Parser(), settings_overrides={"report_level": 5, "halt_level": 5})


def _squash(value: str) -> str:
    return " ".join(value.split())


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts)
def test_data_shows_literally_in_html_text_and_attributes(value):
    soup = BeautifulSoup(str(html('<p title="{}">{}</p>', value, value)), "html.parser")
    (paragraph,) = soup.find_all(True)
    assert paragraph.name == "p" and paragraph.find_all(True) == []
    shown = value.replace("\r\n", "\n").replace("\r", "\n")
    assert _squash(paragraph.get_text()) == _squash(shown)  # browsers collapse white space anyway
    assert _squash(paragraph["title"]) == _squash(shown)


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts)
def test_data_shows_literally_in_myst_titles_and_paragraphs(value):
    document = _doctree(f"# {text(value)}\n\n{text(value)}\n")
    kinds = {type(node).__name__ for node in document.findall()}
    assert kinds <= {"document", "section", "title", "paragraph", "Text"}, kinds
    shown = [node.astext() for node in document.findall(nodes.Text)]
    assert all(_squash(part) == _squash(value) for part in shown)


@settings(deadline=None)
@given(texts)
def test_staff_text_is_refused_with_its_line_or_shown_as_typed(value):
    try:
        parsed = narrative.parse(value, DATA / "problems.md")
    except DataError as error:
        assert error.line is not None and str(error.path).endswith("problems.md")
        return
    soup = BeautifulSoup(str(render(parsed)), "html.parser")
    assert {tag.name for tag in soup.find_all(True)} <= {"p", "strong", "span", "ul", "ol", "li", "a"}
    for anchor in soup.find_all("a"):
        assert anchor["href"].startswith(("http://", "https://"))
    assert "*" not in parsed.plain or soup.get_text().count("*") == parsed.plain.count("*")


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("```{raw} html\n<script>alert(1)</script>\n```", "不支持代码块或 MyST 指令"),
        (":::{include} ../../../../etc/passwd\n:::", "不支持 MyST 指令"),
        ("见{download}`附件 <../../../etc/passwd>`", "不支持 MyST 角色"),
        ("请看<script>alert(1)</script>", "不支持 HTML 标签"),
        ("![图](https://x/y.png)", "不支持图片"),
        ("[文件](file:///etc/passwd)", "链接只能指向 http:// 或 https://"),
        ("[点我](javascript:alert(1))", "链接只能指向"),
        ("# 一、标题", "不支持 # 标题"),
        ("> 引用", "不支持引用块"),
        ("| a | b |", "不支持表格"),
        ("**没有配对的粗体", "粗体标记 ** 没有成对出现"),
        ("{{ 替换 }}", "不支持 {{ }} 替换"),
    ],
)
def test_markup_in_staff_text_is_refused_with_what_to_write_instead(typed, message):
    with pytest.raises(DataError, match=re.escape(message)) as caught:
        narrative.parse(f"第一段。\n\n{typed}\n", DATA / "problems.md")
    assert caught.value.line == 3


def test_allowed_formatting_is_laid_out():
    parsed = narrative.parse(
        "**（一）标题句。** 正文见 https://www.baishui.gov.cn 和 [门户](https://www.baishui.gov.cn/a)。\n\n"
        "- 第一项\n- 第二项\n\n1. 甲\n2. 乙\n\n1<2 且 a*b 按原样显示。",
        DATA / "problems.md",
    )
    soup = BeautifulSoup(str(render(parsed)), "html.parser")
    assert soup.select_one("p.point strong.point").get_text() == "（一）标题句。"
    assert [a["href"] for a in soup.find_all("a")] == ["https://www.baishui.gov.cn", "https://www.baishui.gov.cn/a"]
    assert [li.get_text() for li in soup.select("ul li")] == ["第一项", "第二项"]
    assert [li.get_text() for li in soup.select("ol li")] == ["甲", "乙"]
    assert soup.find_all("p")[-1].get_text() == "1<2 且 a*b 按原样显示。"


# --- the quarter page ------------------------------------------------------------------------------


def _html(block) -> BeautifulSoup:
    return BeautifulSoup(block.data, "html.parser")


@pytest.fixture(scope="session")
def q1_page(history) -> QuarterPage:
    return QuarterPage(history.result("2024Q1"))


@pytest.mark.parametrize("kind", ["town", "department"])
def test_every_unit_in_an_attachment_links_to_its_page_and_every_cross_to_its_check(q1_page, kind):
    soup = _html(q1_page.attachment(kind))
    rows = soup.select("tbody tr")
    units = q1_page.result.units[q1_page.result.units["kind"] == kind]
    assert len(rows) == len(units)
    for row, unit in zip(rows, wording.attachment_rows(q1_page.result, kind), strict=True):
        link = row.find("a", href=links.href(links.unit_page(unit.unit_id), q1_page.here))
        assert link is not None and link.get_text() == unit.unit
    checks = {
        row["id"]
        for group in ("headline", "totals", "lists", "scores")
        for row in _html(q1_page.reconciliation(group)).select("tr[id]")
    }
    crosses = [a for a in soup.find_all("a") if a.get_text() == "✗"]
    assert all(a["href"].lstrip("#") in checks for a in crosses)
    if kind == "department":
        assert [a["href"] for a in crosses] == ["#check-score-O09"]


def test_numbers_are_right_aligned_and_the_scroll_box_is_reachable_and_named(q1_page):
    soup = _html(q1_page.attachment("department"))
    box = soup.select_one("div.table-scroll")
    assert box["tabindex"] == "0" and box["role"] == "region"
    assert soup.find(id=box["aria-labelledby"]).name == "caption"
    headers = [th.get_text() for th in soup.select("thead th")]
    numeric = [th.get_text() for th in soup.select("thead th.num")]
    assert headers[0] == "单位" and numeric == headers[1:-1]
    for row in soup.select("tbody tr"):
        cells = row.find_all(["td", "th"])
        assert cells[0].name == "th" and cells[0]["scope"] == "row"  # the unit names the row, and stays put on a phone
        assert all("num" in cells[i].get("class", []) for i in range(1, 10))


def test_the_basic_situation_flags_each_figure_the_tables_do_not_bear_out(q1_page):
    first = _html(q1_page.basic_situation()).find("p")
    flags = first.select("a.flag")
    assert [a["href"] for a in flags] == ["#check-extended", "#check-redone", "#check-overdue"]
    assert "共受理事项1615件" in first.get_text()
    assert "按附件/规则为4 + 3 = 7件" in flags[0].get_text()


def test_the_summary_lists_the_six_differences_with_links(q1_page):
    items = _html(q1_page.summary()).select("li")
    assert len(items) == 6
    assert items[0].a["href"] == "#check-extended"
    assert "通报为 96.5，按附件/规则为 95.5" in items[-1].get_text()


def test_the_reconciliation_says_each_check_from_its_numbers(q1_page):
    rows = _html(q1_page.reconciliation("headline")).select("tbody tr")
    row = next(r for r in rows if r["id"] == "check-received")
    assert [c.get_text() for c in row.find_all(["th", "td"])][:4] == [
        "受理 = 电话直接答复 + 交办镇办（附件1合计）+ 交办部门（附件2合计）",
        "1615件",
        "56 + 389 + 1170 = 1615件",
        "✓",
    ]


def test_a_drafts_reason_for_a_difference_is_shown_beside_it(q1, registry):
    draft = replace(q1, status="draft", acknowledged={"redone": Acknowledgement("平台统计口径含跨季度工单", 13, 12)})
    page = QuarterPage(results.compute(draft, registry, CIRCULAR))
    rows = {row["id"]: row for row in _html(page.reconciliation("headline")).select("tbody tr")}
    assert "起草时的说明：平台统计口径含跨季度工单" in rows["check-redone"].find_all("td")[-1].get_text()
    assert "起草时的说明" not in rows["check-extended"].get_text()  # only the difference it was given for


def test_hostile_names_in_every_block_are_shown_as_text(q1, registry):
    hostile = "<script>alert(1)</script>{doc}`x`"
    units = q1.units.copy()
    units.loc[units["unit"] == "市场局", "unit"] = hostile
    named = tuple((hostile, n) if u == "市场局" else (u, n) for u, n in q1.published_top_volume)
    best = tuple(hostile if u == "市场局" else u for u in q1.published_best_units)
    document = replace(q1.document, issuer=hostile, title=hostile, cc=(hostile,))
    headline = replace(q1.headline, outstanding=())
    quarter = replace(
        q1, units=units, published_top_volume=named, published_best_units=best, document=document, headline=headline
    )
    page = QuarterPage(results.compute(quarter, registry, CIRCULAR))
    blocks = [page.header(), page.summary(), page.basic_situation(), page.closing(), page.attachment("department")]
    blocks += [page.reconciliation(g) for g in ("headline", "totals", "lists", "scores")]
    for block in blocks:
        soup = _html(block)
        assert soup.find("script") is None
    assert hostile in _html(page.attachment("department")).get_text()
    assert hostile in _html(page.header()).get_text()


# --- pages over all quarters --------------------------------------------------------------------------


@pytest.fixture(scope="session")
def demo(tmp_path_factory) -> History:
    target = tmp_path_factory.mktemp("demo") / "data"
    examples.generate(DATA, target)
    return History.build(target)


def test_the_comparison_tables_link_every_unit_and_say_moves(demo):
    page = ComparisonPage(demo)
    soup = _html(page.rank_moves())
    rows = soup.select("tbody tr")
    assert len(rows) == len(demo.ranks())
    assert all(row.find("a")["href"].startswith("units/unit-") for row in rows)
    texts = soup.get_text()
    assert "（新增）" in texts and "退出" in texts
    changes = _html(page.changes()).get_text()
    assert "↑" in changes or "↓" in changes


def test_with_one_quarter_the_comparison_page_says_comparisons_start_later(history):
    page = ComparisonPage(history)
    assert "比较将在添加第二个季度后开始" in _html(page.introduction()).get_text()
    assert "排名变化将在添加第二个季度后列出" in _html(page.rank_moves()).get_text()


def test_the_home_page_leads_with_the_latest_circular_in_three_lines(history):
    soup = _html(HomePage(history).latest_summary())
    assert soup.h2.get_text() == "最新一期：2024年第一季度通报"
    assert soup.select_one(".latest-date").get_text() == "白政办发〔2024〕29号　2024年5月11日印发"
    lines = [li.get_text() for li in soup.select(".latest-lines li")]
    assert lines == [
        "受理1615件，办结率99.8%。",
        "综合成绩较好：城关街道办、尧禾镇、人社局、市场局、公安局。",
        "通报中有6处数字与附件表格或计分规则不一致。",
    ]


def test_the_home_page_reads_the_computed_overdue_rate_as_a_number(history):
    from hotline.rules.checks import Check

    latest = history.latest
    known = replace(latest.check("overdue_rate"), computed=0.42, agrees=False)
    doctored = replace(latest, checks=tuple(known if c.key == "overdue_rate" else c for c in latest.checks))
    page = HomePage(replace(history, results=(doctored,)))
    assert "按逾期÷受理计算为0.42%" in _html(page.key_figures()).get_text()
    assert isinstance(known, Check)


def test_the_methodology_page_names_no_code(history):
    page = MethodologyPage(history)
    shown = "".join(_html(block).get_text() for block in (page.scoring_rule(), page.ranking_rule(), page.staff_text()))
    for code in ("hotline", "scoring.py", "circular.toml", "scripts/", "import_quarter"):
        assert code not in shown
    assert "综合得分 = min(100, 100 + 加分值合计 − 减分值合计)" in shown


def test_unit_pages_are_titled_escaped_and_link_every_quarter(demo):
    page = unit_page(demo, "D07", None)
    assert page.startswith("---\norphan: true\n---\n\n# 城市管理执法局\n")
    soup = BeautifulSoup(page.split("\n", 6)[-1], "html.parser")
    quarters = [a["href"] for a in soup.select("table a")]
    assert quarters == [f"../quarters/{q}.html" for q in demo.quarter_ids]
    assert "曾用名：城管局（2024年第三季度及以前）" in soup.get_text()
    assert "承办工单量" in soup.select_one("p.latest").get_text()


def test_a_generated_page_keeps_its_html_block_whole():
    with pytest.raises(ValueError, match="blank line"):
        markdown_page("标题", html("<p>a</p>\n\n<p>b</p>"))
    assert "\n\n" not in markdown_page("a\n\nb", text("x\n\ny")).split("\n", 2)[-1].strip("\n")


def test_the_unit_index_lists_every_category_and_sub_units_under_parents(history):
    page = unit_index(history)
    for category in ("## 镇办", "## 部门", "## 企业", "## 其他"):
        assert category in page
    soup = BeautifulSoup(page, "html.parser")
    nested = soup.select("ul.unit-list > li > ul > li > a")
    assert "劳动监察大队" in [a.get_text() for a in nested]


# --- charts ---------------------------------------------------------------------------------------------


def test_chart_font_is_the_bundled_cjk_font():
    charts.use_cjk_font()
    from matplotlib import font_manager

    found = font_manager.findfont(font_manager.FontProperties(family=["sans-serif"]), fallback_to_default=False)
    assert found == charts.font_path()


def test_a_glyph_missing_from_the_font_fails_instead_of_drawing_a_box():
    charts.use_cjk_font()
    figure, axes = plt.subplots()
    axes.set_title("\U00013000")  # an Egyptian hieroglyph: not in Noto Sans CJK
    with pytest.raises(UserWarning, match="missing from"):
        charts.render(figure)


def test_charts_are_svg_with_real_text_byte_identical_twice(q1_result, q1_charts):
    chart = q1_charts["problems"]
    svg = BeautifulSoup(chart.svg, "xml")
    words = [t.get_text() for t in svg.find_all("text")]
    assert "有延期、重办、逾期的单位" not in words and any("延期" in w for w in words)
    assert any("房管所" in w for w in words)  # a unit name, as text a reader can copy and a screen reader can read
    assert charts.problems_by_unit(q1_result.units, "2024年第一季度").svg == chart.svg
    data, metadata = chart._repr_mimebundle_()
    assert set(data) == {"image/svg+xml", "text/plain"} and metadata["hotline"]["alt"] == chart.alt
    assert metadata["image/svg+xml"]["width"] == chart.size[0]


def test_a_chart_drawn_from_the_same_inputs_is_taken_from_the_kept_ones(q1_result, q1_charts, tmp_path, monkeypatch):
    """The build keeps the notebooks' charts: the same inputs and code give the kept chart without
    drawing; other inputs or another code key are drawn."""
    units, zh = q1_result.units, q1_result.id.zh
    try:
        charts.keep_drawn_in(str(tmp_path / "kept"), "code-1")
        assert charts.problems_by_unit(units, zh) == q1_charts["problems"]  # drawn, and kept
        assert len(list((tmp_path / "kept").iterdir())) == 1

        def no_drawing(*args, **kwargs):
            raise AssertionError("drawn again")

        monkeypatch.setattr(charts.plt, "subplots", no_drawing)
        assert charts.problems_by_unit(units, zh) == q1_charts["problems"]  # kept: not drawn
        changed = units.assign(extended=units["extended"] + 1)
        for again in (lambda: charts.problems_by_unit(changed, zh), lambda: charts.problems_by_unit(units, "另一季度")):
            with pytest.raises(AssertionError, match="drawn again"):
                again()
        charts.keep_drawn_in(str(tmp_path / "kept"), "code-2")
        with pytest.raises(AssertionError, match="drawn again"):
            charts.problems_by_unit(units, zh)
        charts.keep_drawn_in(str(tmp_path / "kept"), "code-1")
        with matplotlib.rc_context({"axes.grid": True}), pytest.raises(AssertionError, match="drawn again"):
            charts.problems_by_unit(units, zh)  # a notebook changed a style: not the kept chart
        (kept,) = (tmp_path / "kept").iterdir()
        kept.write_bytes(kept.read_bytes()[:100])  # cut short, as by a crash while it was written
        with pytest.raises(AssertionError, match="drawn again"):
            charts.problems_by_unit(units, zh)
    finally:
        charts.keep_drawn_in(None)


def test_charts_are_laid_out_for_a_phone(q1_charts):
    """About 480 CSS pixels wide with labels of at least 11 points: shown at 343 pixels on a
    375-pixel phone, a label is still about 10 pixels high."""
    for chart in q1_charts.values():
        width, _ = chart.size
        assert 420 <= width <= 560, (chart.name, width)
        sizes = [float(s) * 4 / 3 for s in re.findall(rb"font-size: ([\d.]+)px", chart.svg)]  # points to CSS pixels
        assert max(sizes) * 343 / width >= 9.5, (chart.name, max(sizes))


def test_a_dollar_in_a_unit_name_is_drawn_as_a_dollar_not_as_maths(q1_result):
    units = q1_result.units.head(3).copy()  # a few bars are enough
    units.loc[units.index[0], "unit"] = "$\\alpha$镇"
    chart = charts.work_orders_by_unit(units, "2024年第一季度", LABELS)  # mathtext would raise or draw α
    assert "$\\alpha$镇" in chart.alt
    words = [t.get_text() for t in BeautifulSoup(chart.svg, "xml").find_all("text")]
    assert any("$\\alpha$镇" in w for w in words)  # drawn as typed


def test_a_sub_units_chart_does_not_promise_a_score_line(history):
    rows = history.units[history.units["unit"] == "劳动监察大队"]
    chart = charts.unit_history(rows, "劳动监察大队", FULL)
    assert "综合得分" not in chart.caption.split("（")[0]


def test_figures_are_numbered_per_page(q1_page, q1_charts, monkeypatch):
    functions = {
        "work_orders": "work_orders_by_unit",
        "composite_scores": "composite_scores",
        "problems": "problems_by_unit",
    }
    for name, function in functions.items():  # numbering, not drawing: the charts drawn once
        monkeypatch.setattr(charts, function, lambda *args, drawn=q1_charts[name], **_: drawn)
    page = QuarterPage(q1_page.result)
    assert [page.chart(name).caption[:2] for name in ("work_orders", "composite_scores", "problems")] == [
        "图1",
        "图2",
        "图3",
    ]


# --- charts drawn for a phone (issue 22) ----------------------------------------------------------------


def _chart_words(chart) -> list[str]:
    return [t.get_text() for t in BeautifulSoup(chart.svg, "xml").find_all("text")]


def _contrast_with_white(colour: str) -> float:
    """WCAG contrast ratio of an #rrggbb colour against the charts' white background."""
    channels = [int(colour[n : n + 2], 16) / 255 for n in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 1.05 / (0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2] + 0.05)


@pytest.fixture(scope="session")
def demo_charts(demo) -> dict:
    """The comparison page's two charts over the demo's four quarters, and two units' charts."""
    page = ComparisonPage(demo)
    return {
        "trends": page.trends(),
        "heatmap": page.heatmap(),
        "unit": charts.unit_history(demo.rows_of("T02"), demo.current_name("T02"), FULL),
        "sub-unit": charts.unit_history(demo.rows_of("D02"), demo.current_name("D02"), FULL),
    }


def test_every_word_of_every_chart_is_12_pixels_or_more_on_a_375_pixel_phone(q1_charts, demo_charts):
    """A page shows a chart in its column, at most 343 CSS pixels wide on a 375-pixel phone, scaled
    from its own width; a point of the SVG is 4/3 of a CSS pixel at its own size."""
    for name, chart in {**q1_charts, **demo_charts}.items():
        width, _ = chart.size
        sizes = [float(s) * 4 / 3 * 343 / width for s in re.findall(rb"font-size: ([\d.]+)px", chart.svg)]
        assert sizes and min(sizes) >= 12, (name, min(sizes))


def test_a_chart_is_titled_by_its_caption_not_by_a_title_a_phone_cuts(q1_charts, demo_charts):
    for name, chart in {**q1_charts, **demo_charts}.items():
        assert not any(w.startswith(("2024年第一季度", "各单位", "各季度主要数字")) for w in _chart_words(chart)), name
    assert q1_charts["composite_scores"].caption.startswith("2024年第一季度各单位综合得分，按排名顺序")
    assert q1_charts["problems"].caption.startswith("2024年第一季度有延期、重办、逾期工单的单位")
    assert "满分100" in _chart_words(q1_charts["composite_scores"])  # the axis says it, clear of any other text
    assert "95.5（通报96.5）" in _chart_words(q1_charts["composite_scores"])


def test_what_colour_means_is_in_a_legend_and_every_colour_has_3_to_1_against_white(q1_charts, demo_charts):
    palette = [
        *charts.KIND_COLOURS.values(),
        *charts.PROBLEM_COLOURS.values(),
        charts.MISMATCH_COLOUR,
        charts.SCORE_COLOUR,
        charts.RULE_COLOUR,
    ]
    assert all(_contrast_with_white(c) >= 3 for c in palette), [(c, round(_contrast_with_white(c), 2)) for c in palette]
    drawn = {**q1_charts, **demo_charts}
    legends = {
        "work_orders": ["镇办", "部门"],
        "composite_scores": ["按计分规则的得分", "与通报公布得分不一致"],
        "problems": ["延期量", "重办量", "逾期量"],
        "trends": ["通报公布", "示例数据"],
        "unit": ["承办工单量（件，左轴）", "综合得分（分，右轴）"],
        "sub-unit": ["承办工单量（件）"],
        "heatmap": ["综合得分（按计分规则）：颜色越深，得分越低"],
    }
    for name, entries in legends.items():
        assert set(entries) <= set(_chart_words(drawn[name])), name
    guides = {"#ffffff", charts.GUIDE_COLOUR.lower(), charts.STRIPE_COLOUR.lower()}  # background and guides
    for name, chart in drawn.items():
        if name == "heatmap":  # a colour scale, with its number in every cell
            continue
        colours = {c.decode() for c in re.findall(rb"(?:fill|stroke): (#[0-9a-f]{6})", chart.svg)} - guides
        assert colours and all(_contrast_with_white(c) >= 3 for c in colours), (name, colours)


def test_quarters_are_named_as_readers_say_them_under_an_axis(demo_charts):
    assert charts.quarter_name("2024Q1") == "2024年\n一季度" and charts.quarter_name("2024Q3", 1) == "2024年三季度"
    words = _chart_words(demo_charts["unit"])
    assert "四季度" in words and not any("Q" in w for w in words)
    assert "2024年一季度工单64件" in demo_charts["unit"].alt


def test_a_heatmap_of_many_quarters_puts_at_most_four_side_by_side():
    import pandas as pd

    quarters = ["2021Q4"] + [f"{year}Q{n}" for year in (2022, 2023, 2024) for n in (1, 2, 3, 4)]
    scores = [[100.0 - (row + column) % 7 for column in range(len(quarters))] for row in range(6)]
    chart = charts.score_heatmap(pd.DataFrame(scores, index=[f"单位{n}" for n in range(6)], columns=quarters), [], FULL)
    headers = [t for t in BeautifulSoup(chart.svg, "xml").find_all("text") if t.get_text() in ("一季度", "四季度")]
    assert len(headers) == 6  # the latest twelve quarters: 2021年四季度 is left out
    assert len({t["x"] for t in headers}) == 2  # three panels of four columns, one below another
    assert chart.caption.startswith("各单位最近12个季度综合得分") and "在12个季度（列）" in chart.alt


def test_a_long_unit_name_takes_two_lines_of_a_bar_chart_and_the_bar_its_width(q1_result):
    units = q1_result.units.head(3).copy()
    long = "陕西省水务集团白水有限公司" * 2
    units.loc[units.index[0], ["unit", "parent"]] = [long, ""]
    lines = [w for w in _chart_words(charts.work_orders_by_unit(units, "2024年第一季度", LABELS)) if w and w in long]
    assert len(lines) == 2 and "".join(lines) == long


def test_with_one_quarter_the_comparison_page_draws_no_chart_of_nothing(history):
    page = ComparisonPage(history)
    trends, heatmap = page.trends(), page.heatmap()
    assert not isinstance(trends, charts.Chart) and not isinstance(heatmap, charts.Chart)
    assert "得分热力图将在添加第二个季度后画出" in _html(heatmap).get_text()
    assert "变化图将在添加第二个季度后画出" in _html(trends).get_text()
    assert page.figures == 0


def test_every_checked_relation_is_said_on_the_methodology_page_as_each_check_says_it(history):
    """The relations are worded once (pages.checks): a check's label on a quarter page is the very
    sentence the methodology page lists, so the two cannot drift apart."""
    from bs4 import BeautifulSoup

    from hotline.pages import checks as says

    listed = BeautifulSoup(MethodologyPage(history).reconciliation_rules().data, "html.parser").get_text()
    result = history.latest
    headline = [c for c in result.checks if c.key in says.HEADLINE_RELATIONS]
    assert {c.key for c in headline} >= {"received", "completed", "completion_rate", "overdue_rate"}
    for check in headline:
        assert says.label(check, result.format) in listed, check.key
    assert says.TOTALS_RELATION in listed
