"""The attachments on a phone, read in page source: a phone first shows each unit with its scores
and its rank (the other columns are marked ``more``), a switch just before the table brings the
others back, and a table without such columns is as it was. How it looks is tested in Chromium
(tests/test_phone.py)."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from hotline.circular import wording
from hotline.pages.quarter import QuarterPage
from hotline.pages.tables import Column, table


def _html(output) -> BeautifulSoup:
    return BeautifulSoup(getattr(output, "data", None) or str(output), "html.parser")


@pytest.fixture(scope="module")
def q1_page(history) -> QuarterPage:
    return QuarterPage(history.result("2024Q1"))


def _more(cell) -> bool:
    return "more" in cell.get("class", [])


@pytest.mark.parametrize("kind", ["town", "department"])
def test_a_phone_first_shows_each_unit_with_its_scores_and_its_rank(q1_page, kind):
    soup = _html(q1_page.attachment(kind))
    headers = soup.select("thead th")
    assert [th.get_text() for th in headers if not _more(th)] == [
        "单位",
        "综合得分（通报）",
        "综合得分（按规则）",
        "排名",
        "核对",
    ]
    assert [th.get_text() for th in headers if _more(th)] == [
        "承办工单量",
        "延期量",
        "重办量",
        "逾期量",
        "加分值",
        "减分值",
    ]
    columns = [_more(th) for th in headers]
    for row in soup.select("tbody tr, tfoot tr"):  # every cell is marked as its column is
        assert [_more(cell) for cell in row.find_all(["th", "td"])] == columns
    shown = {th.get_text(): n for n, th in enumerate(headers)}
    rows = [r for r in wording.attachment_rows(q1_page.result, kind) if not r.sub_unit]
    scored = soup.select("tbody tr.unit")
    assert len(scored) == len(rows)
    for row, unit in zip(scored, rows, strict=True):
        cells = row.find_all(["th", "td"])
        assert cells[shown["单位"]].get_text() == unit.unit
        assert cells[shown["排名"]].get_text() == str(unit.rank)
        assert cells[shown["综合得分（通报）"]].get_text() == unit.published_score
        assert cells[shown["综合得分（按规则）"]].get_text() != ""


def test_the_switch_to_every_column_comes_just_before_the_table_and_names_them(q1_page):
    soup = _html(q1_page.attachment("department"))
    switch = soup.select_one("details.more-columns")
    assert switch.find_next_sibling() is soup.select_one("div.table-scroll")  # the stylesheet's `+`
    closed, opened = switch.summary.select("span.closed, span.opened")
    assert closed.get_text() == "显示全部列（承办工单量、延期量、重办量、逾期量、加分值、减分值）"
    assert opened.get_text() == "只显示得分和排名"
    assert "左右滑动" in switch.p.get_text()


def test_a_table_without_columns_for_later_is_unchanged(q1_page):
    soup = _html(q1_page.reconciliation("scores"))
    assert soup.select("details.more-columns, .more") == []
    source = str(table("t", "标题", [Column("单位"), Column("数", numeric=True)], [["甲", 1]]))
    assert source.startswith('<div class="table-scroll"')
    plain = _html(source)
    assert [c.get("class") for c in plain.select("tr > *")] == [None, ["num"], None, ["num"]]


def test_the_column_names_in_the_switch_are_text_never_markup():
    soup = _html(table("t", "标题", [Column("单位"), Column("<b>数</b>", numeric=True, more=True)], [["甲", 1]]))
    assert soup.select("details b, th b") == []
    assert soup.select_one("details summary .closed").get_text() == "显示全部列（<b>数</b>）"


def test_a_long_table_scrolls_in_its_box_and_a_short_one_does_not(q1_page):
    """More than 20 rows (附件2's 50): the box is at most most of the screen tall and the header row
    stays at its top; 附件1's 10 rows are not boxed in."""
    boxes = {
        kind: _html(q1_page.attachment(kind)).select_one("div.table-scroll")["class"] for kind in ("town", "department")
    }
    assert boxes == {"town": ["table-scroll"], "department": ["table-scroll", "long"]}
