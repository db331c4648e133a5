"""Drafting a new quarter: the entry workbook (``make new-quarter``), its import, and the check
before issuing (``make check``), end to end with 2024 Q1's own numbers typed in as 2024 Q2."""

from __future__ import annotations

import contextlib
import csv
import functools
import importlib.util
import io
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest
from openpyxl import load_workbook

from hotline.data import schema
from hotline.data.importer.workbook import (
    ATTACHMENT_SHEETS,
    HEADLINE_SHEET,
    INSTRUCTIONS_SHEET,
    KEY_COLUMN,
    MONTHLY_KEY,
    OUTSTANDING_KEY,
    UNITS_SHEET,
)

from .conftest import REPO

COUNTS_AND_POINTS = [c.zh for c in (*schema.COUNT_COLUMNS, *schema.POINT_COLUMNS)]


@dataclass
class Ran:
    returncode: int
    stdout: str
    stderr: str


@functools.cache
def _script(name: str):
    spec = importlib.util.spec_from_file_location(f"scripts_{name}", REPO / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run(script: str, *args) -> Ran:
    """A staff command, run in this process (as ``.venv/bin/python scripts/<script> …`` runs it)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = _script(script.removesuffix(".py")).main([str(a) for a in args])
    return Ran(code, out.getvalue(), err.getvalue())


@pytest.fixture
def entry(data_copy, tmp_path) -> Path:
    path = tmp_path / "2024Q2-录入表.xlsx"
    done = run("new_quarter.py", "2024Q2", "--data", data_copy, "--out", path)
    assert done.returncode == 0, done.stderr
    assert "已生成2024年第二季度的录入表" in done.stdout
    return path


def sheet_rows(sheet):
    header = [c.value for c in sheet[3]]
    return header, [row for row in sheet.iter_rows(min_row=4) if row[0].value != "总计"]


def test_workbook_lists_every_unit_in_last_quarters_order(entry, data_copy):
    book = load_workbook(entry)
    assert book.sheetnames == [INSTRUCTIONS_SHEET, HEADLINE_SHEET, *ATTACHMENT_SHEETS.values(), UNITS_SHEET]
    assert book.active.title == INSTRUCTIONS_SHEET and book[UNITS_SHEET].sheet_state == "hidden"
    instructions = "\n".join(row[0].value for row in book[INSTRUCTIONS_SHEET].iter_rows() if row[0].value)
    assert (
        "2024年第二季度" in instructions
        and "make import FILE=" in instructions
        and "make check Q=2024Q2" in instructions
        and "make explain Q=2024Q2" in instructions
        and "make issue Q=2024Q2" in instructions
    )
    for kind, file in schema.ATTACHMENT_FILE.items():
        sheet = book[ATTACHMENT_SHEETS[kind]]
        header, rows = sheet_rows(sheet)
        with (data_copy / "quarters" / "2024Q1" / file).open(encoding="utf-8-sig") as handle:
            last = list(csv.reader(handle))
        subs = kind == schema.DEPARTMENT  # only 附件2 has a 下属单位 column in print
        assert header == [c for c in last[0] if subs or c != schema.SUB_UNIT.zh]
        listed = [[c.value or "" for c in row[: 2 if subs else 1]] for row in rows]
        expected = [line[: 2 if subs else 1] for line in last[1:]]
        if subs:  # a sub-unit's row leaves 办理部门 blank, under its parent
            expected = [["", sub] if sub else [unit, ""] for unit, sub in expected]
        assert listed == expected
        assert sheet.protection.sheet  # names and headers locked
        inputs = [sheet.cell(4, header.index(name) + 1) for name in COUNTS_AND_POINTS]
        assert all(not cell.protection.locked for cell in inputs)
        assert sheet.cell(1, 1).protection.locked
        rules = {str(v.sqref).split()[0][:1]: v for v in sheet.data_validations.dataValidation}
        assert {v.type for v in sheet.data_validations.dataValidation} == {"whole", "custom"}
        assert any(v.type == "whole" and v.operator == "greaterThanOrEqual" for v in rules.values())
        score = sheet.cell(4, header.index("综合得分") + 1).value
        assert score.startswith("=MIN(100,100+SUM(")  # computed by the scoring rule, may be typed over
        total = next(row for row in sheet.iter_rows(min_row=4) if row[0].value == "总计")
        assert total[header.index("承办工单量")].value.startswith("=SUM(")


def test_headline_sheet_computes_what_the_tables_determine(entry):
    sheet = load_workbook(entry)[HEADLINE_SHEET]
    keys = {sheet[f"{KEY_COLUMN}{r}"].value: r for r in range(2, sheet.max_row + 1)}
    assert sheet[f"B{keys['quarter']}"].value == "2024Q2"
    for key in ("headline.extended", "headline.redone", "headline.overdue", "headline.overdue_rate_pct"):
        assert str(sheet[f"B{keys[key]}"].value).startswith("="), key
    assert sheet[f"B{keys['headline.received']}"].value is None  # only the platform knows it
    assert sheet[f"B{keys['document.issuer']}"].value == "白水县人民政府办公室"  # carried over


def fill_with_2024q1(entry: Path, data: Path) -> None:
    """Type 2024 Q1's published figures into the workbook, as staff would from the platform and
    from the circular's draft, including its six figures that disagree with its tables."""
    q1 = data / "quarters" / "2024Q1"
    book = load_workbook(entry)
    for kind, file in schema.ATTACHMENT_FILE.items():
        sheet = book[ATTACHMENT_SHEETS[kind]]
        header, rows = sheet_rows(sheet)
        by_name = {(row[1].value if kind == schema.DEPARTMENT and row[1].value else row[0].value): row for row in rows}
        with (q1 / file).open(encoding="utf-8-sig") as handle:
            for line in csv.DictReader(handle):
                row = by_name[line.get("下属单位") or line["办理部门"]]
                for column in COUNTS_AND_POINTS:
                    if line[column]:
                        row[header.index(column)].value = (
                            float(line[column]) if "." in line[column] else int(line[column])
                        )
                if line["办理部门"] == "供销联社":
                    row[header.index("综合得分")].value = 96.5  # the circular's score; the rule gives 95.5
    circular = tomllib.loads((q1 / "circular.toml").read_text(encoding="utf-8"))
    h = circular["headline"]
    typed = {
        "document.number": "白政办发〔2024〕45号",
        "document.date": "2024-08-10",
        "headline.received": h["received"],
        "headline.completed": h["completed"],
        "headline.completed_as_of": "2024-07-19",
        "headline.answered_directly": h["answered_directly"],
        "headline.joint_dispatch": h["joint_dispatch"],
        "headline.joint_dispatch_outstanding": 0,
        "headline.extended": 14,  # typed over the formula: the tables say 7
        "headline.redone": 13,
        "headline.overdue": 15,
        "headline.overdue_rate_pct": 1.56,
        "lists.top_volume": "劳动监察大队、市场局、城关街道办、交通局",
    }
    sheet = book[HEADLINE_SHEET]
    keys = {sheet[f"{KEY_COLUMN}{r}"].value: r for r in range(2, sheet.max_row + 1)}
    for key, value in typed.items():
        sheet[f"B{keys[key]}"].value = value
    # 尚未办结的工单: a unit (its drop-down) and a count a row; 月度满意率: Q1 published its last month's.
    rows = [r for r in range(2, sheet.max_row + 1) if sheet[f"{KEY_COLUMN}{r}"].value == OUTSTANDING_KEY]
    for row, item in zip(rows, h["outstanding"], strict=False):
        sheet[f"A{row}"], sheet[f"B{row}"] = item["unit"], item["count"]
    for item in h["monthly_satisfaction"]:
        last_month = MONTHLY_KEY.format(month="2024-06")  # typed in as 2024 Q2: March becomes June
        assert item["month"] == "2024-03"
        sheet[f"B{keys[last_month]}"] = item["satisfaction_pct"]
    book.save(entry)


def test_filled_workbook_imports_reproduces_the_tables_and_check_lists_six(entry, data_copy):
    fill_with_2024q1(entry, data_copy)
    imported = run("import_quarter.py", entry, "--entered-by", "测试", "--data", data_copy)
    assert imported.returncode == 0, imported.stderr  # a draft: its text is written next, and issuing checks it
    assert "2024年第二季度草稿已导入" in imported.stdout and "preamble.md" in imported.stdout
    q1, q2 = data_copy / "quarters" / "2024Q1", data_copy / "quarters" / "2024Q2"
    for file in schema.ATTACHMENT_FILE.values():
        assert (q2 / file).read_text(encoding="utf-8") == (q1 / file).read_text(encoding="utf-8-sig"), file
    circular = tomllib.loads((q2 / "circular.toml").read_text(encoding="utf-8"))
    assert circular["status"] == "draft"
    assert circular["headline"]["outstanding"] == [{"unit": "林皋镇", "count": 2}, {"unit": "市场局", "count": 1}]
    assert circular["headline"]["monthly_satisfaction"] == [{"month": "2024-06", "satisfaction_pct": 89.96}]
    assert "completion_rate_pct" not in circular["headline"]  # left as the workbook's formula: computed

    checked = run("check_quarter.py", "2024Q2", "--data", data_copy)
    assert checked.returncode == 1, checked.stderr  # a draft with unexplained differences
    out = checked.stdout
    assert "2024年第二季度通报（草稿，尚未印发）" in out and "6处不一致" in out
    assert _numbered(out) == Q1_DIFFERENCES  # numbered for make explain, in Chinese: no key
    assert "通报写的：14件；按附件/规则：4 + 3 = 7件" in out
    assert "供销联社（部门）" in out and "min(100, 100 + 1.5 − 6) = 95.5" in out
    assert "尚有6处未说明，还不能印发" in out

    # Each difference explained: the draft may now be issued; the site would show the reasons.
    reasons = "".join(
        f'"{key}" = "按平台统计口径"\n'
        for key in ("extended", "redone", "overdue", "overdue_rate", "top_volume", "score.O09")
    )
    with (q2 / "circular.toml").open("a", encoding="utf-8") as handle:
        handle.write(f"\n[acknowledged]\n{reasons}")
    checked = run("check_quarter.py", "2024Q2", "--data", data_copy)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "已说明原因：按平台统计口径" in checked.stdout and "数字核对无误（差异均已说明）" in checked.stdout


def test_check_lists_the_six_differences_of_the_issued_q1_and_does_not_block(data_copy):
    checked = run("check_quarter.py", "2024Q1", "--data", data_copy)
    assert checked.returncode == 0
    assert "2024年第一季度通报（已印发）：核对72项，6处不一致。" in checked.stdout
    assert _numbered(checked.stdout) == Q1_DIFFERENCES
    assert "[" not in checked.stdout and "extended" not in checked.stdout


# The six differences of the 2024 Q1 circular, as make check names them.
Q1_DIFFERENCES = [
    "1. 延期 = 附件1、附件2延期量合计",
    "2. 重办 = 附件1、附件2重办量合计",
    "3. 逾期 = 附件1、附件2逾期量合计",
    "4. 逾期率 = 逾期 ÷ 受理",
    "5. 工单量较多的单位 = 附件中承办工单量最多的4个单位",
    "6. 供销联社（部门）",
]


def _numbered(out: str) -> list[str]:
    return [line for line in out.splitlines() if line[:1].isdigit() and ". " in line[:4]]


def test_check_names_a_bad_quarter_without_a_traceback(data_copy):
    for quarter in ("2024Q9", "2031Q1"):
        checked = run("check_quarter.py", quarter, "--data", data_copy)
        assert checked.returncode == 1 and "Traceback" not in checked.stderr
        assert "无法核对" in checked.stderr


def test_new_quarter_refuses_an_existing_quarter(data_copy, tmp_path):
    done = run("new_quarter.py", "2024Q1", "--data", data_copy, "--out", tmp_path / "x.xlsx")
    assert done.returncode == 1 and not (tmp_path / "x.xlsx").exists()
    assert "2024Q1 已经印发，不再用录入表" in done.stderr and "make correct Q=2024Q1" in done.stderr
