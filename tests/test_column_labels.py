"""A column's label is the format's (issue 21): renamed in data/format.toml, it changes on the
pages, in the tables, the downloads, the entry workbook (and its import) and the official document;
the data files keep their headers, which are how the data are stored."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from openpyxl import load_workbook

from hotline.data import schema
from hotline.data.errors import DataError
from hotline.data.importer import parse_workbook
from hotline.data.importer.workbook import ATTACHMENT_SHEETS
from hotline.data.quarter_id import QuarterId
from hotline.data.schema import FORMAT_FILE
from hotline.format import load as load_format
from hotline.rules.history import History

OLD, NEW = "承办工单量", "工单数量"


def relabel(data: Path, key: str, label: str) -> None:
    path = data / FORMAT_FILE
    text, count = re.subn(rf'(?m)^{key} = ".*"$', f'{key} = "{label}"', path.read_text(encoding="utf-8"))
    assert count == 1
    path.write_text(text, encoding="utf-8")


def headers(html: str) -> list[str]:
    table = BeautifulSoup(html, "html.parser").find("table")
    return [th.get_text() for th in table.find("thead").find_all("th")]


def test_a_columns_label_reaches_the_pages_tables_downloads_workbook_and_document(data_copy, tmp_path):
    from hotline.document.compose import official_document
    from hotline.document.entry_workbook import write_entry_workbook
    from hotline.opendata import package
    from hotline.pages import methodology, units
    from hotline.pages.quarter import QuarterPage

    relabel(data_copy, "work_orders", NEW)
    built = History.build(data_copy)
    result = built.latest

    page = headers(QuarterPage(result).attachment("town").data)
    assert NEW in page and OLD not in page
    relabel(data_copy, "bonus", "<b>加分</b>")  # markup typed as a label stays text
    relabel(data_copy, "published_score", "公布得分")
    marked = History.build(data_copy).latest
    scores = BeautifulSoup(QuarterPage(marked).reconciliation("scores").data, "html.parser")
    assert "<b>加分</b>合计" in [th.get_text() for th in scores.find("thead").find_all("th")]
    assert scores.find("b") is None and "由<b>加分</b>合计、减分值合计算出" in scores.get_text()
    assert "公布得分（通报）" in headers(QuarterPage(marked).attachment("town").data)
    unit_id = result.ranking["unit_id"].iloc[0]
    unit_page = units.unit_page(built, unit_id, None)
    assert NEW in headers(unit_page) and OLD not in unit_page

    from hotline.pages import charts
    from hotline.site import generated

    drawn = charts.work_orders_by_unit(result.units, result.id.zh, result.format.labels, work_orders=NEW)
    assert NEW in drawn.alt + drawn.caption and OLD not in drawn.alt + drawn.caption
    assert NEW in BeautifulSoup(QuarterPage(result).reconciliation("headline").data, "html.parser").get_text()
    rows, name = built.rows_of(unit_id), built.current_name(unit_id)
    keyed = generated._chart_files(rows, name, 100, NEW, tmp_path)
    assert keyed != generated._chart_files(rows, name, 100, OLD, tmp_path)  # the unit chart is drawn again
    history = charts.unit_history(rows, name, 100, work_orders=NEW)
    assert NEW in history.svg.decode() and OLD not in history.svg.decode()

    document = official_document(result)
    assert all(NEW in a.header and OLD not in a.header for a in document.attachments)

    opened = package.quarter_csv(built, "2024Q1")
    assert NEW in opened.columns and OLD not in opened.columns
    fields = {f["name"]: f for f in package.datapackage(built)["resources"][0]["schema"]["fields"]}
    assert fields["work_orders"]["title"] == NEW
    dictionary = BeautifulSoup(methodology.MethodologyPage(built).data_dictionary().data, "html.parser")
    rows = [tr for tr in dictionary.find_all("tr") if tr.find("th", scope="row")]
    named = {tr.find("th").get_text(): tr.find("td").get_text() for tr in rows}
    assert named["work_orders"] == NEW

    path = write_entry_workbook(data_copy, QuarterId.parse("2024Q2"), tmp_path / "录入表.xlsx")
    book = load_workbook(path)
    instructions = " ".join(str(c.value) for c in book["填写说明"]["A"])
    assert f"填写{NEW}、延期量" in instructions and OLD not in instructions
    for name in ATTACHMENT_SHEETS.values():
        header = [c.value for c in book[name][3]]
        assert NEW in header and OLD not in header
        book[name].cell(4, header.index(NEW) + 1).value = 7  # staff type the first unit's work orders
    book.save(path)
    labels = dict(load_format.load(data_copy).column_labels)
    imported = parse_workbook(path, labels)
    position = 2 + [c.key for c in schema.COUNT_COLUMNS].index("work_orders")  # data-file column order
    assert all(table.rows[0][position] == "7" for table in imported.tables.values())
    with pytest.raises(DataError, match="表头"):  # the schema's header is not this workbook's
        parse_workbook(path)

    stored = (data_copy / "quarters" / "2024Q1" / "towns.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    assert OLD in stored and NEW not in stored  # how the data are stored does not change


@pytest.mark.parametrize(
    ("key", "label", "refused", "message"),
    [
        ("work_orders", "延期量", "extended", "与 columns.work_orders 相同"),  # the second of two is named
        ("bonus", "", "bonus", "不能为空"),
        ("penalty", "减分值\u0301", "penalty", "看不见"),  # a combining mark (zero-width: refused as a file)
        ("overdue", "十三个字的列名稍微长了一点", "overdue", "太长"),
        ("redone", "重办 量", "redone", "空格"),
        ("work_orders", "=SUM(1)", "work_orders", "当作公式"),
        ("work_orders", "＠工单", "work_orders", "当作公式"),
        ("published_score", "排名", "published_score", "另一列"),  # a download's rank column
        ("published_score", "综合得分（通报公布）", "published_score", "另一列"),
        ("unit", "总计", "unit", "“总计”行"),
        ("overdue", "十二个字的列名刚好不太长", None, None),  # the longest a label may be
    ],
)
def test_a_column_label_that_would_show_wrongly_is_refused_at_its_key(data_copy, key, label, refused, message):
    relabel(data_copy, key, label)
    if refused is None:
        assert load_format.load(data_copy).label_of(key) == label
        return
    with pytest.raises(DataError) as caught:
        load_format.load(data_copy)
    error = caught.value
    assert error.column == f"columns.{refused}" and message in error.message
    assert error.line is not None


def test_an_unknown_column_is_refused_by_name(data_copy):
    path = data_copy / FORMAT_FILE
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("[columns]\n", '[columns]\nsatisfaction = "满意率"\n'), encoding="utf-8")
    with pytest.raises(DataError) as caught:
        load_format.load(data_copy)
    assert caught.value.column == "columns.satisfaction" and "未知的项" in caught.value.message


def test_the_data_dictionary_names_other_columns_by_their_labels(data_copy):
    """A description that names another column (a sub-unit's row names its parent in “办理部门”; the
    combined work orders sum 承办工单量) names it as the format labels it, in one pass."""
    from hotline.opendata import fields

    def described(circular) -> dict[str, str]:
        shown = [*fields.unit_fields(circular), *circular.columns(("unit", "sub_unit"))]  # the dictionary's
        return {c.key: c.description_zh for c in shown}

    assert "“办理部门”" in described(load_format.load(data_copy))["sub_unit"]
    assert "承办工单量之和" in described(load_format.load(data_copy))["combined_work_orders"]
    path = data_copy / FORMAT_FILE
    text = path.read_text(encoding="utf-8")
    text = text.replace('unit = "办理部门"', 'unit = "承办单位"').replace(
        'work_orders = "承办工单量"', 'work_orders = "延期量之外"'
    )
    text = text.replace('extended = "延期量"', 'extended = "延期件数"')
    text = text.replace('published_score = "综合得分"', 'published_score = "考评得分"')
    path.write_text(text, encoding="utf-8")
    after = described(load_format.load(data_copy))
    assert "“承办单位”" in after["sub_unit"] and "办理部门" not in after["sub_unit"]
    assert "延期量之外之和" in after["combined_work_orders"]  # replaced once, not read again as 延期量
    assert after["published_score"].startswith("通报公布的考评得分")  # its own label too
