"""The downloads: valid Frictionless data, Excel-safe, the same bytes from the same data, and whole
outputs pinned by snapshots (the Q1 tables, the checks, the datapackage)."""

from __future__ import annotations

import datetime as dt
import json
import zipfile
from dataclasses import replace

import pandas as pd
import pytest
from frictionless import validate
from openpyxl import load_workbook

from hotline.circular import wording
from hotline.data import schema
from hotline.opendata import fields, package, tables
from hotline.rules.history import History
from hotline.rules.results import compute

from .conftest import CIRCULAR


@pytest.fixture(scope="session")
def written(history, tmp_path_factory):
    folder = tmp_path_factory.mktemp("opendata")
    package.write(history, folder)
    return folder


def test_the_published_datapackage_is_valid_frictionless_data(written):
    report = validate(written / fields.DATAPACKAGE)
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


def test_downloads_load_back_and_match_the_results(written, history):
    units = pd.read_csv(written / fields.UNITS_CSV, encoding="utf-8-sig")
    assert len(units) == len(history.units) == 56
    assert set(units["kind"]) == {"town", "department"}  # keys in data; labels in the workbook
    assert units["example"].eq(False).all()
    row = units.set_index("unit").loc["供销联社"]
    assert (row["published_score"], row["composite_score"], row["rank"]) == (96.5, 95.5, 37)
    workbook = pd.read_excel(written / fields.WORKBOOK, sheet_name=None)
    assert set(workbook) == {"单位数据", "主要数字", "字段说明"}
    assert set(workbook["单位数据"]["类别"]) == {"镇办", "部门"}
    quarter = pd.read_csv(written / "quarters" / "2024Q1-units.csv", encoding="utf-8-sig")
    assert quarter.loc[quarter["办理部门"] == "供销联社", "综合得分"].item() == 96.5
    assert quarter["承办工单量"].sum() == 389 + 1170


def test_the_same_data_give_the_same_bytes(written, history, tmp_path):
    package.write(history, tmp_path)
    for path in written.rglob("*"):
        if path.is_file():
            assert (tmp_path / path.relative_to(written)).read_bytes() == path.read_bytes(), path.name


def test_every_open_data_column_is_described_in_both_languages():
    from dataclasses import replace

    rule = CIRCULAR
    published = replace(CIRCULAR, score=replace(CIRCULAR.score, base=None, rule=None))
    for circular in (rule, published):
        for column in [*fields.unit_fields(circular), *fields.HEADLINE_FIELDS]:
            assert column.description_zh and column.description_en, column.key


FORMULAS = ['=HYPERLINK("http://x","点我")', "+1+1", "-2+3", "@SUM(1)", "\t=1", "＝1+1"]


@pytest.mark.parametrize("name", FORMULAS)
def test_a_name_that_looks_like_a_formula_is_text_in_csv_and_xlsx(q1, registry, tmp_path, name):
    units = q1.units.copy()
    units.loc[units["unit"] == "市场局", "unit"] = name
    named = tuple((name, n) if u == "市场局" else (u, n) for u, n in q1.published_top_volume)
    best = tuple(name if u == "市场局" else u for u in q1.published_best_units)
    headline = replace(q1.headline, outstanding=tuple(o for o in q1.headline.outstanding if o.unit != "市场局"))
    quarter = replace(q1, units=units, published_top_volume=named, published_best_units=best, headline=headline)
    result = compute(quarter, registry, CIRCULAR)
    history = History((result,), registry, (), result.units, result.format)
    package.write(history, tmp_path)
    raw = (tmp_path / fields.UNITS_CSV).read_text(encoding="utf-8-sig")
    assert f"'{name}" in raw or f"\"'{name}" in raw.replace('""', '"')
    cell = next(
        c for row in load_workbook(tmp_path / fields.WORKBOOK)["单位数据"].iter_rows() for c in row if c.value == name
    )
    assert cell.data_type == "s"  # a string, never a formula


def test_neutralise_leaves_ordinary_text_and_numbers_alone():
    assert tables.neutralise("市场局") == "市场局"
    assert tables.neutralise(-3.0) == -3.0
    assert tables.neutralise("=1") == "'=1"


# --- snapshots of whole outputs -----------------------------------------------------------------------


def test_q1_attachment_tables_snapshot(q1_result, snapshot):
    shown = {
        kind: {
            "header": list(wording.attachment_header(q1_result, kind)),
            "rows": [
                [r.unit, r.sub_unit, *r.cells, r.published_score, r.rank, r.composite_score]
                for r in wording.attachment_rows(q1_result, kind)
            ],
            "totals": list(wording.attachment_totals(q1_result, kind)),
        }
        for kind in schema.ATTACHMENT_FILE
    }
    assert shown == snapshot


def test_q1_checks_snapshot(q1_result, snapshot):
    assert [
        {k: (list(v) if isinstance(v, tuple) else v) for k, v in c.__dict__.items()} for c in q1_result.checks
    ] == snapshot


def test_datapackage_snapshot(written, snapshot):
    assert json.loads((written / fields.DATAPACKAGE).read_text(encoding="utf-8")) == snapshot


def test_the_workbook_keeps_each_value_its_type_and_marks_its_header(tmp_path):
    """The workbook is written by our own small writer: texts stay texts (a formula-like one too),
    numbers numbers, a missing value or an empty text an empty cell; the header row is bold and
    stays in view; characters XML cannot carry are stored as the format's escapes."""
    table = pd.DataFrame(
        {
            "单位": ["尧禾镇", "=1+1", "<a&b>", None],
            "上级": ["", "城关街道办", "", "回\r车"],
            "工单": [64, 7, 0, 3],
            "得分": [99.5, float("nan"), 100.0, 1e-7],
            "示例": pd.Series([True, False, False, True], dtype=bool),
        }
    )
    path = tables.write_workbook(tmp_path / "t.xlsx", {"单位数据": table}, dt.datetime(2024, 4, 1))
    sheet = load_workbook(path)["单位数据"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows == [
        ("单位", "上级", "工单", "得分", "示例"),
        ("尧禾镇", None, 64, 99.5, True),
        ("=1+1", "城关街道办", 7, None, False),
        ("<a&b>", None, 0, 100.0, False),
        (None, "回_x000D_车", 3, 1e-7, True),  # Excel shows the carriage return; openpyxl the escape
    ]
    assert [c.data_type for c in sheet[3]] == ["s", "s", "n", "n", "b"]
    assert all(c.font.b for c in sheet[1]) and not sheet["A2"].font.b
    assert sheet.freeze_panes == "A2"
    with zipfile.ZipFile(path) as archive:
        assert "<bookViews>" in archive.read("xl/workbook.xml").decode()
        assert "<f>" not in archive.read("xl/worksheets/sheet1.xml").decode()  # no formula anywhere
    assert pd.read_excel(path).shape == (4, 5)


def test_the_packages_title_and_description_name_the_issuers_county(data_copy, history):
    """The open data name the county the circular's issuer names (it was a fixed 白水县)."""
    from hotline.opendata.package import datapackage
    from hotline.rules.history import History

    from .conftest import correct

    assert datapackage(history)["title"].startswith("白水县12345快速响应平台工单办理情况通报数据")
    correct(data_copy, "circular.toml", 'issuer = "白水县人民政府办公室"', 'issuer = "某县人民政府办公室"')
    package = datapackage(History.build(data_copy))
    assert package["title"].startswith("某县12345快速响应平台") and package["description"].startswith("某县12345")
