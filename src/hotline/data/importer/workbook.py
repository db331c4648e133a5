"""Read a quarter from an .xlsx workbook: the attachment sheets (附件1, 附件2) laid out as the
circular prints them, and, in the entry workbook made by ``make new-quarter``, the 主要数字 sheet
of figures only the platform knows.

A cell holding a formula is read through its cached result, or, where the workbook has none (it
was written by a program or never opened in Excel or WPS), by evaluating the formula from the
workbook's own cells (see :mod:`hotline.data.importer.formulas`). A total is never invented: a
formula that cannot be evaluated is an error naming the cell.

In the entry workbook, a figure that can be computed from the tables is a formula; left as it is,
the figure is computed for the quarter, not recorded as typed. Typed over, the typed value is
recorded as the circular's figure and checked against the tables like any other.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from hotline.data import schema
from hotline.data.errors import PLACEHOLDER, DataError
from hotline.data.importer.formulas import FormulaError, evaluate
from hotline.data.importer.tables import Imported, parse_table
from hotline.data.quarter_id import QuarterId

HEADLINE_SHEET = "主要数字"
INSTRUCTIONS_SHEET = "填写说明"
ATTACHMENT_SHEETS = {kind: f"附件{schema.ATTACHMENT_NO[kind]}" for kind in schema.ATTACHMENT_FILE}


@dataclass(frozen=True)
class Field:
    """A row of the 主要数字 sheet: the circular.toml key it fills, its label, what it holds."""

    key: str
    label: str
    type: str  # text, list, int, float, date, quarter, outstanding, month
    note: str = ""
    required: bool = True
    computed: bool = False  # the entry workbook fills it with a formula over the tables


HEADLINE_FIELDS: tuple[Field, ...] = (
    Field("quarter", "季度", "quarter", "由 make new-quarter 填写，请勿改动"),
    Field("document.number", "发文字号", "text", "如 白政办发〔2024〕29号"),
    Field("document.title", "标题", "text"),
    Field("document.issuer", "发文机关", "text"),
    Field("document.addressees", "主送机关", "text"),
    Field("document.date", "成文日期", "date", "日期格式，如 2024-05-11"),
    Field("document.cc", "抄送机关", "list", "用顿号“、”分隔"),
    Field("document.copies_printed", "印数（份）", "int", "可留空", required=False),
    Field("headline.received", "共受理事项（件）", "int", "平台统计"),
    Field("headline.completed", "办结（件）", "int", "平台统计"),
    Field("headline.completed_as_of", "办结统计截止日期", "date", "如 2024-07-19"),
    Field("headline.completion_rate_pct", "办结率（%）", "float", "按办结÷受理计算，保留一位小数", computed=True),
    Field("headline.answered_directly", "电话咨询直接答复（件）", "int", "平台统计"),
    Field("headline.assigned_towns", "交办各镇（办）（件）", "int", "等于附件1承办工单量总计", computed=True),
    Field("headline.assigned_departments", "交办部门和单位（件）", "int", "等于附件2承办工单量总计", computed=True),
    Field("headline.joint_dispatch", "联合派单（件）", "int", "平台统计；已含在镇办、部门数中"),
    Field("headline.joint_dispatch_outstanding", "联合派单尚未办结（件）", "int", "全部办结填0"),
    Field("headline.outstanding", "尚未办结的单位及件数", "outstanding", "如 林皋镇2、市场局1；没有则留空", False),
    Field("headline.extended", "延期（件）", "int", "按附件延期量合计计算", computed=True),
    Field("headline.redone", "重办（件）", "int", "按附件重办量合计计算", computed=True),
    Field("headline.overdue", "逾期（件）", "int", "按附件逾期量合计计算", computed=True),
    Field("headline.overdue_rate_pct", "逾期率（%）", "float", "按逾期÷受理计算，保留两位小数", computed=True),
    Field("headline.satisfaction_change_pts", "满意率较上季度变化（百分点）", "float", "下降填负数；可留空", False),
    Field("headline.satisfaction_compared_with", "满意率与哪个季度相比", "quarter", "如 2024Q1；可留空", False),
    Field("headline.monthly_satisfaction", "月度满意率（%）", "month", "如 6月89.96；可留空", False),
    Field("lists.top_volume", "工单量较多的单位", "list", "留空则按附件中承办工单量最多的4个单位", False),
    Field("lists.best_units", "综合成绩较好的单位", "list", "留空则按排名规则（前2个镇办、前3个部门）", False),
)
KEY_COLUMN = "D"  # the sheet's hidden column of keys; the labels may be edited, the keys not


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, float):
        return f"{value:.6f}".rstrip("0").rstrip(".")
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


class _Cells:
    """Cell values of a workbook, each formula resolved (see the module's docstring)."""

    def __init__(self, path: Path):
        from openpyxl import load_workbook

        self.path = path
        try:
            self.formulas = load_workbook(path, data_only=False)
            self.cached = load_workbook(path, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
            raise DataError(path, f"无法作为 .xlsx 工作簿打开：{type(exc).__name__}") from None
        self._busy: set[tuple[str, str]] = set()

    def has(self, sheet: str) -> bool:
        return sheet in self.formulas.sheetnames

    def is_formula(self, sheet: str, cell: str) -> bool:
        value = self.formulas[sheet][cell].value
        return isinstance(value, str) and value.startswith("=")

    def value(self, sheet: str, cell: str):
        raw = self.formulas[sheet][cell].value
        if not (isinstance(raw, str) and raw.startswith("=")):
            return raw
        cached = self.cached[sheet][cell].value
        if cached is not None:
            return cached
        if (sheet, cell) in self._busy:
            raise DataError(self.path, f"{sheet}!{cell} 的公式引用了它自己（循环引用）")
        self._busy.add((sheet, cell))
        try:
            result = evaluate(raw, sheet, self._number)
        except FormulaError as exc:
            raise DataError(
                self.path,
                f"{sheet}!{cell} 的公式 {raw} 没有计算结果，程序也不能计算：{exc}。"
                "请在 Excel 或 WPS 中打开并保存后再导入，或直接填写数值",
            ) from None
        finally:
            self._busy.discard((sheet, cell))
        return int(result) if float(result).is_integer() else round(result, 6)

    def _number(self, sheet: str, cell: str) -> float:
        if sheet not in self.formulas.sheetnames:
            raise FormulaError(f"没有名为“{sheet}”的工作表")
        value = self.value(sheet, cell)
        if value is None or value == "":
            return 0.0
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise FormulaError(f"{sheet}!{cell} 不是数字（“{value}”）")
        return float(value)

    def rows(self, sheet: str) -> list[tuple[str, list[str]]]:
        out = []
        for row in self.formulas[sheet].iter_rows():
            cells = [_cell_text(self.value(sheet, c.coordinate)) for c in row]
            out.append((f"{sheet}!{row[0].row}", cells))
        return out


def _headline(cells: _Cells, path: Path) -> tuple[dict, list[str]]:
    """circular.toml values from the 主要数字 sheet; formula cells left as formulas are not recorded."""
    sheet = cells.formulas[HEADLINE_SHEET]
    found: dict = {"document": {}, "headline": {}, "lists": {}}
    missing: list[str] = []
    by_key = {f.key: f for f in HEADLINE_FIELDS}
    for row in range(2, sheet.max_row + 1):
        key = sheet[f"{KEY_COLUMN}{row}"].value
        if key not in by_key:
            continue
        field = by_key[key]
        where = f"{HEADLINE_SHEET}!B{row}"
        if field.computed and cells.is_formula(HEADLINE_SHEET, f"B{row}"):
            continue  # left as the workbook's formula: computed from the tables
        text = _cell_text(cells.value(HEADLINE_SHEET, f"B{row}"))
        if not text:
            if field.required:
                missing.append(key)
            continue
        if key == "quarter":
            found["quarter"] = QuarterId.parse(_convert(field, text, path, where))
            continue
        section, name = key.split(".", 1)
        found[section][name] = _convert(field, text, path, where)
    return found, missing


def _convert(field: Field, text: str, path: Path, where: str):
    def fail(what: str):
        raise DataError(path, f"{where}（{field.label}）：“{text}”{what}")

    if field.type == "int":
        if not re.fullmatch(r"\d+", text):
            fail("应为非负整数")
        return int(text)
    if field.type == "float":
        if not re.fullmatch(r"-?\d+(\.\d+)?", text):
            fail("应为数字")
        return float(text)
    if field.type == "date":
        try:
            return dt.date.fromisoformat(text[:10])
        except ValueError:
            fail("应为日期，如 2024-05-11")
    if field.type == "quarter":
        try:
            return str(QuarterId.parse(text))
        except ValueError:
            fail("应为季度编号，如 2024Q1")
    if field.type == "list":
        names = [n.strip() for n in re.split(r"[、，,；;]", text) if n.strip()]
        if field.key == "lists.top_volume":
            return [{"unit": re.sub(r"[（(]\d+[）)]$", "", n), "work_orders": None} for n in names]
        return names
    if field.type == "outstanding":
        items = [re.fullmatch(r"(.+?)\s*(\d+)\s*件?", n.strip()) for n in re.split(r"[、，,；;]", text) if n.strip()]
        if not all(items):
            fail("应写成“单位名称件数”，如 林皋镇2、市场局1")
        return [{"unit": m.group(1), "count": int(m.group(2))} for m in items]
    if field.type == "month":
        items = [re.fullmatch(r"(\d{1,2})\s*月\D*?([\d.]+)%?", n.strip()) for n in re.split(r"[、，,；;]", text)]
        if not all(items):
            fail("应写成“月份满意率”，如 6月89.96")
        return [{"month": int(m.group(1)), "satisfaction_pct": float(m.group(2))} for m in items]
    return text


def parse_workbook(path: Path) -> Imported:
    """The attachment sheets, and the 主要数字 sheet when there is one (an entry workbook: a draft)."""
    cells = _Cells(path)
    tables = {}
    for kind, name in ATTACHMENT_SHEETS.items():
        if not cells.has(name):
            raise DataError(path, f"没有名为“{name}”的工作表（现有：{'、'.join(cells.formulas.sheetnames)}）")
        tables[kind] = parse_table(kind, cells.rows(name), path)
    narrative = {k: f"{PLACEHOLDER}：请按通报原文录入。\n" for k in schema.NARRATIVE_FILES}
    missing = [f"narrative.{k}" for k in schema.NARRATIVE_FILES]
    if not cells.has(HEADLINE_SHEET):
        missing = ["document", "headline", "lists", *missing]
        return Imported(None, tables, {"document": {}, "headline": {}, "lists": {}}, narrative, missing)
    circular, absent = _headline(cells, path)
    quarter = circular.pop("quarter", None)
    for kind, table in tables.items():  # 总计 rows the workbook computes are not recorded as typed
        sheet = ATTACHMENT_SHEETS[kind]
        total_row = next((r for r in cells.formulas[sheet].iter_rows() if r[0].value == "总计"), None)
        if total_row is not None and any(cells.is_formula(sheet, c.coordinate) for c in total_row[1:]):
            table.totals = {}
    return Imported(quarter, tables, circular, narrative, absent + missing, status="draft")
