"""The entry workbook as staff get it and as they may return it: how it opens and prints, its two
small tables (尚未办结的工单, 月度满意率) read into the circular's lists, and every hostile way a
workbook comes back (formulas typed over, rows deleted or added, sheets renamed, reordered or hidden,
merged cells, numbers stored as text, cached values or none, formulas that would never end), each
imported or refused with a Chinese error naming the sheet, the row, the unit and the column."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import load_workbook

from hotline.data import schema
from hotline.data.errors import DataError, SheetRow
from hotline.data.importer import parse_workbook
from hotline.data.importer.tables import locate
from hotline.data.importer.workbook import (
    ATTACHMENT_SHEETS,
    HEADLINE_SHEET,
    INSTRUCTIONS_SHEET,
    KEY_COLUMN,
    MONTHLY_KEY,
    OUTSTANDING_KEY,
    UNITS_NAME,
    UNITS_SHEET,
    _Cells,
)
from hotline.data.importer.write import import_quarter
from hotline.data.quarter_id import QuarterId
from hotline.document.entry_workbook import write_entry_workbook

from .conftest import DATA
from .test_drafting import fill_with_2024q1

Q2 = QuarterId.parse("2024Q2")
Q1_OUTSTANDING = [{"unit": "林皋镇", "count": 2}, {"unit": "市场局", "count": 1}]
Q1_MONTHLY = [{"month": "2024-06", "satisfaction_pct": 89.96}]  # Q1's March rate, typed in as June


@pytest.fixture(scope="session")
def workbooks(tmp_path_factory) -> dict[str, bytes]:
    """The blank entry workbook for 2024 Q2 and the same filled in with 2024 Q1's numbers (made once)."""
    folder = tmp_path_factory.mktemp("entry")
    blank = write_entry_workbook(DATA, Q2, folder / "blank.xlsx")
    filled = folder / "filled.xlsx"
    shutil.copyfile(blank, filled)
    fill_with_2024q1(filled, DATA)
    return {"blank": blank.read_bytes(), "filled": filled.read_bytes()}


@pytest.fixture
def blank(workbooks, tmp_path) -> Path:
    path = tmp_path / "2024Q2-录入表.xlsx"
    path.write_bytes(workbooks["blank"])
    return path


@pytest.fixture
def filled(workbooks, tmp_path) -> Path:
    path = tmp_path / "2024Q2-录入表.xlsx"
    path.write_bytes(workbooks["filled"])
    return path


def keyed_rows(sheet) -> dict[str, list[int]]:
    """主要数字's rows by their hidden key."""
    found: dict[str, list[int]] = {}
    for row in range(1, sheet.max_row + 1):
        key = sheet[f"{KEY_COLUMN}{row}"].value
        if key:
            found.setdefault(key, []).append(row)
    return found


def unit_row(sheet, name: str) -> int:
    return next(r for r in range(4, sheet.max_row + 1) if name in (sheet[f"A{r}"].value, sheet[f"B{r}"].value))


# --- how it opens and prints ---------------------------------------------------------------------


def test_it_opens_on_the_instructions_and_keeps_its_sheets_as_made(blank):
    book = load_workbook(blank)
    assert book.sheetnames == [INSTRUCTIONS_SHEET, HEADLINE_SHEET, *ATTACHMENT_SHEETS.values(), UNITS_SHEET]
    assert book.active.title == INSTRUCTIONS_SHEET
    assert [book[n].sheet_state for n in book.sheetnames] == ["visible"] * 4 + ["hidden"]
    assert book.security.lockStructure  # sheets cannot be renamed, moved, hidden or shown without unprotecting
    assert all(book[n].protection.sheet for n in book.sheetnames)


@pytest.mark.parametrize(
    ("name", "landscape", "titles"),
    [
        (INSTRUCTIONS_SHEET, False, "$1:$1"),
        (HEADLINE_SHEET, True, "$1:$1"),
        ("附件1", False, "$1:$3"),
        ("附件2", True, "$1:$3"),
    ],
)
def test_each_sheet_prints_one_page_wide_on_a4_with_its_header_on_every_page(blank, name, landscape, titles):
    sheet = load_workbook(blank)[name]
    setup = sheet.page_setup
    assert (setup.paperSize, setup.fitToWidth, setup.fitToHeight) == (9, 1, 0)  # 9: A4
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert setup.orientation == ("landscape" if landscape else "portrait")
    assert sheet.print_title_rows == titles


def test_the_keys_stay_hidden_and_locked(blank):
    sheet = load_workbook(blank)[HEADLINE_SHEET]
    assert sheet.column_dimensions[KEY_COLUMN].hidden
    assert sheet.protection.sheet and sheet.protection.formatColumns  # protected: a column cannot be unhidden
    assert all(sheet[f"{KEY_COLUMN}{r}"].protection.locked for r in range(1, sheet.max_row + 1))
    labels = [sheet[f"A{r}"].value for r in range(1, sheet.max_row + 1) if sheet[f"A{r}"].value]
    assert not [label for label in labels if re.search(r"[a-z]+\.[a-z_]+", str(label))]  # no key where staff look


def test_data_validations_are_written_as_excel_writes_them(blank):
    """No leading "=", one range a rule (a custom formula is relative to its range's first cell),
    a list from the workbook's name for the hidden unit list, titles and messages within Excel's limits:
    otherwise Excel offers to repair the file."""
    book = load_workbook(blank)
    for sheet in book.worksheets:
        for rule in sheet.data_validations.dataValidation:
            ranges = str(rule.sqref).split()
            assert len(ranges) == 1, (sheet.title, rule.sqref)
            assert not str(rule.formula1).startswith("="), (sheet.title, rule.formula1)
            assert len(rule.errorTitle or "") <= 32 and len(rule.error or "") <= 255
            assert rule.showErrorMessage
            if rule.type == "custom":
                assert ranges[0].split(":")[0] in rule.formula1
    units = book[UNITS_SHEET]
    listed = [units[f"A{r}"].value for r in range(2, units.max_row + 1)]
    named = book.defined_names[UNITS_NAME].attr_text
    assert named == f"'{UNITS_SHEET}'!$A$2:$A${units.max_row}"
    for kind, title in ATTACHMENT_SHEETS.items():
        sheet = book[title]
        names = [c.value for row in sheet.iter_rows(min_row=4, max_col=2 if kind == schema.DEPARTMENT else 1)
                 for c in row if c.value and c.value != "总计"]  # fmt: skip
        assert [n for n in listed if n in names] == names  # every unit of the tables, in their order
    rules = {r.type: r for r in book[HEADLINE_SHEET].data_validations.dataValidation if r.type == "list"}
    assert rules["list"].formula1 == UNITS_NAME


def test_a_blank_workbook_shows_no_error_value_anywhere(blank):
    """Every formula of the blank workbook evaluated as a spreadsheet would (openpyxl stores no
    results): no #DIV/0!, and the rates are empty until 受理 is filled in."""
    cells = _Cells(blank)
    for sheet in cells.formulas.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    value = cells.value(sheet.title, cell.coordinate)
                    assert not (isinstance(value, str) and value.startswith("#")), (sheet.title, cell.coordinate)
    keys = keyed_rows(cells.formulas[HEADLINE_SHEET])
    for key in ("headline.completion_rate_pct", "headline.overdue_rate_pct"):
        formula = cells.formulas[HEADLINE_SHEET][f"B{keys[key][0]}"].value
        assert formula.startswith("=IF(") and formula.endswith(',"")')
        assert cells.value(HEADLINE_SHEET, f"B{keys[key][0]}") is None  # "" is an empty cell
    assert cells.value("附件1", "H4") == 100  # a unit's score: the rule over blank points


def test_the_lists_are_tables_with_a_drop_down_and_locked_months(blank):
    sheet = load_workbook(blank)[HEADLINE_SHEET]
    keys = keyed_rows(sheet)
    outstanding = keys[OUTSTANDING_KEY]
    assert len(outstanding) >= 5 and outstanding == list(range(outstanding[0], outstanding[-1] + 1))
    assert (
        sheet[f"A{outstanding[0] - 1}"].value == "单位名称"
        and sheet[f"B{outstanding[0] - 1}"].value == "尚未办结（件）"
    )
    assert all(not sheet[f"{c}{r}"].protection.locked for r in outstanding for c in "AB")
    months = [keys[MONTHLY_KEY.format(month=f"2024-{m:02d}")][0] for m in (4, 5, 6)]
    assert [sheet[f"A{r}"].value for r in months] == ["2024年4月", "2024年5月", "2024年6月"]
    assert all(sheet[f"A{r}"].protection.locked and not sheet[f"B{r}"].protection.locked for r in months)
    assert "headline.outstanding" not in keys and "headline.monthly_satisfaction" not in keys  # no free text


# --- the lists, read ------------------------------------------------------------------------------


def test_the_list_rows_import_into_the_circulars_lists(filled):
    imported = parse_workbook(filled)
    assert imported.circular["headline"]["outstanding"] == Q1_OUTSTANDING
    assert imported.circular["headline"]["monthly_satisfaction"] == Q1_MONTHLY
    assert imported.notes == []


def test_blank_lists_are_left_out(blank):
    assert not {"outstanding", "monthly_satisfaction"} & set(parse_workbook(blank).circular["headline"])


def _list_row(path: Path, unit, count=None, *, row_index: int = 2) -> int:
    book = load_workbook(path)
    sheet = book[HEADLINE_SHEET]
    row = keyed_rows(sheet)[OUTSTANDING_KEY][row_index]
    sheet[f"A{row}"], sheet[f"B{row}"] = unit, count
    book.save(path)
    return row


@pytest.mark.parametrize(
    ("unit", "count", "message"),
    [
        ("林皋", 2, "（林皋）「单位名称」列：“林皋”不是附件1、附件2中的单位（最接近的：林皋镇"),
        (None, 2, "「单位名称」列：填了件数，没有选单位"),
        ("交通局", None, "（交通局）「尚未办结（件）」列：选了“交通局”，没有填件数"),
        ("林皋镇", 1, "（林皋镇）「单位名称」列：“林皋镇”已经在工作表“主要数字”第"),
        ("交通局", "3", "（交通局）「尚未办结（件）」列：“3”是存成文本的数字"),
        ("交通局", -1, "（交通局）「尚未办结（件）」列：“-1”是负数"),
        ("交通局", 1.5, "“1.5”不是整数"),
    ],
)
def test_a_wrong_list_row_is_named_by_its_row_and_column(filled, unit, count, message):
    row = _list_row(filled, unit, count)
    with pytest.raises(DataError) as caught:
        parse_workbook(filled)
    assert f"工作表“主要数字”第{row}行" in str(caught.value) and message in str(caught.value)


def test_a_list_row_with_zero_is_nothing_outstanding(filled):
    _list_row(filled, "交通局", 0)
    assert parse_workbook(filled).circular["headline"]["outstanding"] == Q1_OUTSTANDING


@pytest.mark.parametrize(
    ("value", "message"),
    [(101, "“101”应为0到100之间的数"), ("89.5", "“89.5”是存成文本的数字"), ("八十", "“八十”应为0到100之间的数")],
)
def test_a_wrong_monthly_rate_is_named_by_its_month(filled, value, message):
    book = load_workbook(filled)
    sheet = book[HEADLINE_SHEET]
    row = keyed_rows(sheet)[MONTHLY_KEY.format(month="2024-04")][0]
    sheet[f"B{row}"] = value
    book.save(filled)
    with pytest.raises(DataError) as caught:
        parse_workbook(filled)
    assert f"工作表“主要数字”第{row}行（2024年4月）「满意率（%）」列：{message}" in str(caught.value)


def test_a_workbook_of_the_first_version_with_lists_as_text_is_refused_not_dropped(filled):
    book = load_workbook(filled)
    sheet = book[HEADLINE_SHEET]
    row = keyed_rows(sheet)[OUTSTANDING_KEY][0]
    sheet[f"{KEY_COLUMN}{row}"], sheet[f"B{row}"] = "headline.outstanding", "林皋镇2、市场局1"
    book.save(filled)
    with pytest.raises(DataError, match=r"早先版本的录入表.*make new-quarter"):
        parse_workbook(filled)


# --- hostile workbooks ---------------------------------------------------------------------------

_REFERENCE = re.compile(
    r"((?:'(?:[^']|'')+'|[^\s!'\"(),:+\-*/=<>&^%]+)!)?(\$?[A-Z]{1,3}\$?\d+(?::\$?[A-Z]{1,3}\$?\d+)?)"
)


def _move_rows(book, title: str, at: int, by: int) -> None:
    """Insert (by = 1) or delete (by = -1) row ``at`` of a sheet the way Excel does: formulas anywhere
    in the workbook that refer to the rows below follow them (openpyxl moves only the cells)."""

    def shift(number: int, end: bool) -> int:
        if by > 0:
            return number + 1 if number >= at else number
        if number > at or (number == at and end):
            return number - 1
        return number

    def fix(formula: str, here: str) -> str:
        def one(match: re.Match) -> str:
            sheet = (match.group(1) or "").rstrip("!").strip("'") or here
            if sheet != title:
                return match.group(0)
            parts = match.group(2).split(":")
            moved = [
                re.sub(r"(\$?[A-Z]+\$?)(\d+)", lambda m, e=n == 1: f"{m.group(1)}{shift(int(m.group(2)), e)}", p)
                for n, p in enumerate(parts)
            ]
            return (match.group(1) or "") + ":".join(moved)

        return _REFERENCE.sub(one, formula)

    sheet = book[title]
    if by > 0:
        sheet.insert_rows(at)
    else:
        sheet.delete_rows(at)
    for other in book.worksheets:
        for row in other.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    cell.value = fix(cell.value, other.title)


def _typed_over(book):
    sheet = book[HEADLINE_SHEET]
    sheet[f"B{keyed_rows(sheet)['headline.completion_rate_pct'][0]}"] = 99.8


def _check_typed_over(imported):
    assert imported.circular["headline"]["completion_rate_pct"] == 99.8  # typed over the formula: recorded
    assert imported.circular["headline"]["extended"] == 14
    score = next(r for r in imported.tables[schema.DEPARTMENT].rows if r[0] == "供销联社" and not r[1])[-1]
    assert score == "96.5"  # the circular's score typed over the rule's formula


def _delete_yaohe(book):
    _move_rows(book, "附件1", unit_row(book["附件1"], "尧禾镇"), -1)


def _check_yaohe_absent(imported):
    assert "尧禾镇" not in [r[0] for r in imported.tables[schema.TOWN].rows]
    assert len(imported.tables[schema.TOWN].rows) == 7
    assert any("工作表“附件1”中没有“尧禾镇”这一行" in note for note in imported.notes), imported.notes
    town_total = sum(int(r[2] or 0) for r in imported.tables[schema.TOWN].rows)
    assert town_total == 389 - 64  # what was typed for the other towns, nothing invented


def _reorder(book):
    book.move_sheet("附件2", offset=-3)
    book.move_sheet(HEADLINE_SHEET, offset=3)


def _check_same_tables(imported):
    assert [len(t.rows) for t in imported.tables.values()] == [8, 48]
    assert imported.circular["headline"]["outstanding"] == Q1_OUTSTANDING


def _merge_title(book):
    book["附件1"].merge_cells("A1:H1")


def _hidden_row(book):
    sheet = book["附件1"]
    sheet.row_dimensions[unit_row(sheet, "尧禾镇")].hidden = True


def _check_hidden_row_noted(imported):
    assert "尧禾镇" in [r[0] for r in imported.tables[schema.TOWN].rows]
    assert any("（尧禾镇）是隐藏的行，已照常导入" in note for note in imported.notes), imported.notes


def _set(title: str, cell: str, value) -> Callable:
    def change(book):
        book[title][cell] = value

    return change


def _scratch(rows: dict[str, object]) -> Callable:
    """A sheet of staff's own working (not imported), and 附件1 尧禾镇's 承办工单量 a formula reading it."""

    def change(book):
        sheet = book.create_sheet("草稿")
        for cell, value in rows.items():
            sheet[cell] = value
        book["附件1"][f"B{unit_row(book['附件1'], '尧禾镇')}"] = "='草稿'!A1"

    return change


def _chain(length: int) -> dict[str, object]:
    return {**{f"A{n}": f"=A{n + 1}" for n in range(1, length)}, f"A{length}": 64}


def _check_yaohe(work_orders: int) -> Callable:
    def check(imported):
        row = next(r for r in imported.tables[schema.TOWN].rows if r[0] == "尧禾镇")
        assert row[2] == str(work_orders)

    return check


def _rename(old: str, new: str) -> Callable:
    def change(book):
        book[old].title = new

    return change


def _hide_behind_a_copy(book):
    copy = book.copy_worksheet(book["附件1"])
    copy.title = "附件1 (2)"
    book["附件1"].sheet_state = "hidden"


def _count(value) -> Callable:
    """附件1 尧禾镇's 承办工单量 (column B) typed as ``value``."""
    return lambda book: book["附件1"].__setitem__(f"B{unit_row(book['附件1'], '尧禾镇')}", value)


def _points(value) -> Callable:
    """附件1 尧禾镇's 加分值 (column F) typed as ``value``."""
    return lambda book: book["附件1"].__setitem__(f"F{unit_row(book['附件1'], '尧禾镇')}", value)


def _received(value) -> Callable:
    def change(book):
        sheet = book[HEADLINE_SHEET]
        sheet[f"B{keyed_rows(sheet)['headline.received'][0]}"] = value

    return change


YAOHE = "工作表“附件1”第5行（尧禾镇）"
TEXT_NUMBER = "是存成文本的数字（单元格左上角有绿色小三角）：表中的求和、得分公式不计入文本"
HOSTILE: dict[str, tuple[Callable, Callable | str]] = {
    # (what staff did to the filled workbook, what the import checks or the error must contain)
    "formula typed over with a number": (_typed_over, _check_typed_over),
    "a unit's row deleted": (_delete_yaohe, _check_yaohe_absent),
    "sheets reordered": (_reorder, _check_same_tables),
    "the title row merged": (_merge_title, _check_same_tables),
    "a row hidden": (_hidden_row, _check_hidden_row_noted),
    "附件1 renamed": (
        _rename("附件1", "镇办"),
        "找不到名为“附件1”的工作表。本工作簿的工作表：“填写说明”、“主要数字”、“镇办”、“附件2”、“单位名单”；"
        "应有：主要数字、附件1、附件2。工作表“镇办”的内容像是附件1：如果是它被改了名，请改回“附件1”",
    ),
    "主要数字 renamed": (_rename(HEADLINE_SHEET, "Sheet1"), "工作表“Sheet1”的内容像是主要数字"),
    "附件1 hidden behind a visible copy": (
        _hide_behind_a_copy,
        "工作表“附件1”是隐藏的（另有可见的工作表“附件1 (2)”）：程序不导入隐藏的工作表",
    ),
    "counts merged across two units": (
        lambda book: book["附件1"].merge_cells("B5:B6"),
        f"{YAOHE}：合并了单元格 B5:B6（一直到第6行（雷牙镇））：合并后只有左上角的单元格有内容",
    ),
    "a count as text": (_count("12"), f"{YAOHE}「承办工单量」列：“12”{TEXT_NUMBER}"),
    "a count as text with spaces": (_count(" 12 "), f"{YAOHE}「承办工单量」列：“ 12 ”{TEXT_NUMBER}"),
    "a count in full-width digits": (_count("１２"), f"{YAOHE}「承办工单量」列：“１２”是全角数字，存成了文本"),
    "points as text": (_points("1.5"), f"{YAOHE}「加分值」列：“1.5”{TEXT_NUMBER}"),
    "points with spaces": (_points(" 1.5 "), f"{YAOHE}「加分值」列：“ 1.5 ”{TEXT_NUMBER}"),
    "points in full-width digits": (_points("１.５"), f"{YAOHE}「加分值」列：“１.５”是全角数字"),
    "a count as words": (_count("十二"), f"{YAOHE}「承办工单量」列：“十二”不是数字"),
    "a 主要数字 number as text": (_received("1615"), "「共受理事项（件）」项：“1615”" + TEXT_NUMBER),
    "a 主要数字 number in full-width digits": (_received("１６１５"), "「共受理事项（件）」项：“１６１５”是全角数字"),
    "a formula referring to itself": (_count("=B5+1"), f"{YAOHE}「承办工单量」列：公式循环引用：附件1!B5 → 附件1!B5"),
    "a formula dividing by 0": (
        _count("=1/(C5-C5)"),
        f"{YAOHE}「承办工单量」列：单元格 B5 的公式 =1/(C5-C5) 算不出结果：除数为0",
    ),
    "a chain of 150 formulas": (_scratch(_chain(150)), _check_yaohe(64)),
    "a chain of 5000 formulas": (
        _scratch(_chain(5000)),
        "公式一个接一个地引用下去，超过200层（到工作表“草稿”单元格 A200）",
    ),
    "parentheses 60 deep": (_count("=" + "(" * 60 + "1" + ")" * 60), "公式嵌套过深（超过40层括号、函数或正负号）"),
    "signs 500 deep": (_count("=" + "-" * 500 + "1"), "公式嵌套过深"),
    "a formula too long": (
        _count("=" + "1+" * 5000 + "1"),
        "1+1+1…（共10002个字符） 算不出结果：公式过长（10001个字符，上限8192）",
    ),
    "a long flat sum": (_count("=" + "+".join(["1"] * 4000)), _check_yaohe(4000)),
    "a range of the whole sheet, clipped to what is there": (
        _scratch({"A1": "=SUM(B1:XFD1048576)", "B1": 60, "C3": 4}),
        _check_yaohe(64),
    ),
    "a range of the whole sheet with a value in its last cell": (
        _scratch({"A1": "=SUM(B1:XFD1048576)", "B1": 60, "XFD1048576": 4}),
        "区域 B1:XFD1048576 太大",
    ),
    "a huge number": (_count("=ROUND(1," + "9" * 400 + ")"), "太大"),
    "a product beyond a float": (_count("=1E300*1E300"), "计算结果太大，超出了数字的范围"),
    "a function not done": (_count("=SUMPRODUCT(C5:D5)"), "没有计算结果，程序也不能计算：不支持函数 SUMPRODUCT"),
    "a reference outside the sheet": (_count("=A1048577"), "“A1048577”超出了工作表的范围"),
    "a value far to the right": (_set("附件1", "ZZ5", 1), f"{YAOHE}：单元格 ZZ5 有内容，远在表格右侧"),
    "a value far below": (
        _set("附件1", "A1048576", "备注"),
        "工作表“附件1”第1048576行（备注）：“总计”行（第12行）下面还有内容",
    ),
}


@pytest.mark.parametrize("case", list(HOSTILE))
def test_a_hostile_workbook_is_imported_or_refused_by_name(filled, case):
    change, expected = HOSTILE[case]
    book = load_workbook(filled)
    change(book)
    book.save(filled)
    started = time.monotonic()
    if callable(expected):
        expected(parse_workbook(filled))
    else:
        with pytest.raises(DataError) as caught:
            parse_workbook(filled)
        assert expected in str(caught.value)
        assert str(caught.value).startswith(f"数据错误：{filled}")
    assert time.monotonic() - started < 20  # never a hang


def test_a_row_added_with_a_name_not_in_the_registry_is_named_at_its_row(filled, data_copy):
    book = load_workbook(filled)
    _move_rows(book, "附件1", 6, 1)
    book["附件1"]["A6"], book["附件1"]["B6"] = "新设镇", 5
    book.save(filled)
    imported = parse_workbook(filled)
    assert [r[0] for r in imported.tables[schema.TOWN].rows][2] == "新设镇"
    assert any("工作表“附件1”第6行（新设镇）：“新设镇”不在生成录入表时的单位名单中" in n for n in imported.notes)
    with pytest.raises(DataError) as caught:
        import_quarter(imported, data_copy, Q2, source=filled, entered_by="测试")
    problem = locate(caught.value, imported, filled)  # what importer/write.py is to do with it
    assert problem.line == SheetRow("附件1", 6, "新设镇")
    assert str(problem).startswith(
        f"数据错误：{filled} 工作表“附件1”第6行（新设镇）「办理部门」列：单位“新设镇”不在单位名录"
    )
    assert not (data_copy / "quarters" / "2024Q2").exists()


def test_a_unit_listed_twice_is_named_at_both_rows(filled):
    book = load_workbook(filled)
    book["附件1"]["A6"] = "尧禾镇"
    book.save(filled)
    with pytest.raises(DataError) as caught:
        parse_workbook(filled)
    assert (
        "工作表“附件1”第6行（尧禾镇）「办理部门」列：单位“尧禾镇”出现了两次（另一次在工作表“附件1”第5行（尧禾镇））"
        in str(caught.value)
    )


def _with_cached(path: Path, sheet_number: int, formula: str, cached: str) -> None:
    """Store a result beside a formula, as Excel does (openpyxl writes none)."""
    part = f"xl/worksheets/sheet{sheet_number}.xml"
    with zipfile.ZipFile(path) as source:
        parts = {info: source.read(info.filename) for info in source.infolist()}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info, data in parts.items():
            if info.filename == part:
                text = data.decode("utf-8")
                old = f"<f>{formula}</f><v></v>"
                assert old in text, formula
                kind = ' t="e"' if cached.startswith("#") else ""
                text = re.sub(rf'(<c r="[A-Z]+\d+"[^>]*?)(>{re.escape(old)})', rf"\1{kind}\2", text, count=1)
                data = text.replace(old, f"<f>{formula}</f><v>{cached}</v>", 1).encode("utf-8")
            target.writestr(info, data)
    path.write_bytes(out.getvalue())


def test_a_cached_result_is_what_the_sheet_shows_and_a_cached_error_is_named(filled):
    sheet = load_workbook(filled)["附件1"]
    total = unit_row(sheet, "总计")
    formula = f"SUM(B4:B{total - 1})"
    _with_cached(filled, 3, formula, "400")  # sheet3: 附件1 (after 填写说明 and 主要数字)
    cells = _Cells(filled)
    assert cells.value("附件1", f"B{total}") == 400  # the spreadsheet's result, not recomputed (389)
    _with_cached(filled, 3, "MIN(100,100+SUM(F4:F4)-SUM(G4:G4))", "#REF!")
    with pytest.raises(DataError) as caught:
        parse_workbook(filled)
    assert (
        "工作表“附件1”第4行（城关街道办）「综合得分」列："
        "单元格 H4 的公式 =MIN(100,100+SUM(F4:F4)-SUM(G4:G4)) 的结果是错误值 #REF!" in str(caught.value)
    )


def test_a_file_that_is_not_a_workbook_is_named(tmp_path):
    path = tmp_path / "录入表.xlsx"
    path.write_text("不是工作簿", encoding="utf-8")
    with pytest.raises(DataError, match=r"无法作为 \.xlsx 工作簿打开"):
        parse_workbook(path)


# --- saved by LibreOffice ---------------------------------------------------------------------------


def _libreoffice_save(source: Path, folder: Path) -> Path:
    """The workbook opened and saved by LibreOffice Calc, headless: every formula then carries its result."""
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.fail("LibreOffice is missing: `make test` installs Debian's libreoffice-calc-nogui")
    out = folder / "saved"
    done = subprocess.run(
        [soffice, f"-env:UserInstallation=file://{folder}/profile", "--headless", "--convert-to", "xlsx",
         "--outdir", str(out), str(source)],
        capture_output=True, text=True, timeout=180, env={"HOME": str(folder), "PATH": "/usr/bin:/bin"},
    )  # fmt: skip
    saved = out / source.name
    if not saved.is_file():
        pytest.fail(
            "LibreOffice could not convert the workbook (Calc missing? install Debian's libreoffice-calc-nogui): "
            f"{done.stdout} {done.stderr}"
        )
    return saved


@pytest.mark.external
def test_a_workbook_saved_by_libreoffice_imports_the_same(filled, tmp_path):
    saved = _libreoffice_save(filled, tmp_path)
    cached = load_workbook(saved, data_only=True)
    headline = cached[HEADLINE_SHEET]
    keys = keyed_rows(load_workbook(saved)[HEADLINE_SHEET])
    assert headline[f"B{keys['headline.completion_rate_pct'][0]}"].value == pytest.approx(99.8)  # a cached result
    assert load_workbook(saved).sheetnames[:4] == [INSTRUCTIONS_SHEET, HEADLINE_SHEET, *ATTACHMENT_SHEETS.values()]
    original, resaved = parse_workbook(filled), parse_workbook(saved)
    for kind in ATTACHMENT_SHEETS:
        assert resaved.tables[kind].rows == original.tables[kind].rows, kind
    assert resaved.circular == original.circular
    assert resaved.circular["headline"]["outstanding"] == Q1_OUTSTANDING
    assert resaved.circular["headline"]["monthly_satisfaction"] == Q1_MONTHLY
    assert resaved.quarter == Q2 and resaved.missing == original.missing


@pytest.mark.external
def test_a_blank_workbook_saved_by_libreoffice_shows_no_error_value(blank, tmp_path):
    saved = _libreoffice_save(blank, tmp_path)
    book = load_workbook(saved, data_only=True)
    errors = [
        (sheet.title, cell.coordinate, cell.value)
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, str) and cell.value.startswith("#")
    ]
    assert errors == []
    assert book[UNITS_SHEET].sheet_state == "hidden"
    assert [v.type for v in load_workbook(saved)[HEADLINE_SHEET].data_validations.dataValidation].count("list") == 1
