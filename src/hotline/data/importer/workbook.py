"""Read a quarter from an .xlsx workbook: the attachment sheets (附件1, 附件2) laid out as the
circular prints them, and, in the entry workbook made by ``make new-quarter``, the 主要数字 sheet
of figures only the platform knows, with its two small tables (尚未办结的工单, 月度满意率).

A cell holding a formula is read through its cached result (Excel, WPS and LibreOffice store one),
or, where the workbook has none (it was written by a program or never opened in a spreadsheet),
by evaluating the formula from the workbook's own cells (see :mod:`hotline.data.importer.formulas`).
A total is never invented: a formula that cannot be evaluated is an error naming the cell, and a
cached error value (#DIV/0!, #REF! …) is one too.

In the entry workbook, a figure that can be computed from the tables is a formula; left as it is,
the figure is computed for the quarter, not recorded as typed. Typed over, the typed value is
recorded as the circular's figure and checked against the tables like any other.

The workbook is read as staff see it, and whatever could make what is imported differ from what
is on screen is refused, naming the sheet, the row, the unit and the column:

- sheets are found by name, in any order; a missing one is named with the sheets there are, and a
  hidden 附件1, 附件2 or 主要数字 is refused (a copy may be the one on screen);
- merged cells inside a table are refused (only the top-left cell of a merge holds a value, so
  the other rows would silently read as blank);
- a number stored as text (“12”, “ 12 ”, full-width “１２”) in any count, points, score or
  主要数字 number cell is refused: Excel and WPS leave text out of SUM and of the score formula,
  so the sheet's own totals and scores would not be what is imported;
- a unit's row deleted is not an error (that unit simply has no row this quarter); the import's
  ``notes`` say which units of the workbook's 单位名单 are missing and which rows name a unit
  that was not in it (the unit registry decides later, when the files are checked);
- a sheet whose content reaches far beyond a table, a formula too long, too deep or reading too
  many cells, and a workbook too large to unpack are refused, never run out of memory or time.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

from openpyxl.utils.cell import coordinate_to_tuple, get_column_letter

from hotline.data import schema, values
from hotline.data.errors import PLACEHOLDER, DataError, SheetRow
from hotline.data.importer import formulas
from hotline.data.importer.formulas import FormulaError
from hotline.data.importer.tables import (
    Imported,
    Table,
    attachment_columns,
    attachment_header,
    clean_name,
    parse_table,
)
from hotline.data.quarter_id import QuarterId

HEADLINE_SHEET = "主要数字"
INSTRUCTIONS_SHEET = "填写说明"
UNITS_SHEET = "单位名单"  # hidden: the units of 附件1 and 附件2 when the workbook was made (the drop-down list)
UNITS_NAME = "单位列表"  # the workbook's defined name for that list, which the drop-down cells refer to
ATTACHMENT_SHEETS = {kind: f"附件{schema.ATTACHMENT_NO[kind]}" for kind in schema.ATTACHMENT_FILE}
NUMBER_KEYS = {c.key for c in (*schema.COUNT_COLUMNS, *schema.POINT_COLUMNS, schema.PUBLISHED_SCORE)}

# Limits that keep a hostile or broken workbook from exhausting memory or time (each is far above
# what a county's circular needs: about 60 units, 9 columns).
MAX_UNPACKED_BYTES = 200_000_000  # the workbook's parts, unpacked
MAX_ROWS = 5_000  # rows holding anything, per sheet
MAX_COLUMNS = 60  # the last column a row of a read sheet may use
MAX_CHAIN = 200  # formulas each waiting for the next (A1 = A2, A2 = A3 …)
MAX_READS = 5_000_000  # cell reads by all the formulas evaluated for one workbook
ERROR_VALUES = ("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA", "#SPILL!")


@dataclass(frozen=True)
class Field:
    """A row of the 主要数字 sheet: the circular.toml key it fills, its label, what it holds."""

    key: str
    label: str
    type: str  # text, list, int, float, date, quarter
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
    Field("headline.extended", "延期（件）", "int", "按附件延期量合计计算", computed=True),
    Field("headline.redone", "重办（件）", "int", "按附件重办量合计计算", computed=True),
    Field("headline.overdue", "逾期（件）", "int", "按附件逾期量合计计算", computed=True),
    Field("headline.overdue_rate_pct", "逾期率（%）", "float", "按逾期÷受理计算，保留两位小数", computed=True),
    Field("headline.satisfaction_change_pts", "满意率较上季度变化（百分点）", "float", "下降填负数；可留空", False),
    Field("headline.satisfaction_compared_with", "满意率与哪个季度相比", "quarter", "如 2024Q1；可留空", False),
    Field("lists.top_volume", "工单量较多的单位", "list", "留空则按附件中承办工单量最多的4个单位", False),
    Field("lists.best_units", "综合成绩较好的单位", "list", "留空则按排名规则（前2个镇办、前3个部门）", False),
)
KEY_COLUMN = "D"  # the sheet's hidden, locked column of keys; staff see the labels, never the keys

# The two small tables below the fields on 主要数字: a key in the key column marks each input row.
OUTSTANDING_KEY = "headline.outstanding[]"  # A: 单位名称 (drop-down), B: 尚未办结（件）
OUTSTANDING_UNIT, OUTSTANDING_COUNT = "单位名称", "尚未办结（件）"
MONTHLY_KEY = "headline.monthly_satisfaction[{month}]"  # A: the month (locked), B: 满意率（%）
MONTHLY_MONTH, MONTHLY_PCT = "月份", "满意率（%）"
_MONTHLY_KEY = re.compile(r"^headline\.monthly_satisfaction\[(\d{4}-\d{2})\]$")
# Keys of the first entry workbooks, whose lists were one cell of text (林皋镇2、市场局1).
_FREE_TEXT_KEYS = {"headline.outstanding": "尚未办结的单位及件数", "headline.monthly_satisfaction": "月度满意率"}


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, float):
        return f"{value:.6f}".rstrip("0").rstrip(".")
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def _shown(formula: str) -> str:
    """A formula as an error message shows it: whole, unless it is too long to read."""
    return formula if len(formula) <= 80 else f"{formula[:80]}…（共{len(formula)}个字符）"


def _check_typed_number(value, path: Path, where: SheetRow, column: str, item: str = "列") -> None:
    """Refuse a number stored as text (see the module's docstring); other text is left to the
    cell's own rule, which says what it should be."""
    if not isinstance(value, str) or not value.strip():
        return
    text = value.strip()
    wide = unicodedata.normalize("NFKC", text)
    if not re.fullmatch(r"[-+]?(\d+(\.\d*)?|\.\d+)", wide, re.ASCII):
        return
    if wide != text:
        raise DataError(
            path,
            f"“{value}”是全角数字，存成了文本：请删去后用半角数字重新输入（输入法切换到英文或半角）",
            line=where,
            column=column,
            item=item,
        )
    raise DataError(
        path,
        f"“{value}”是存成文本的数字（单元格左上角有绿色小三角）：表中的求和、得分公式不计入文本，"
        "导入的就会与表中看到的不一致。请选中这个单元格，点旁边的感叹号选“转换为数字”，或删去后重新输入，保存后再导入",
        line=where,
        column=column,
        item=item,
    )


class _Cells:
    """The cells of a workbook as staff see them, each formula resolved (see the module's docstring)."""

    def __init__(self, path: Path, labels: dict[str, str] | None = None):
        from openpyxl import load_workbook

        self.path = path
        self.labels = labels  # the format's column labels, which head the attachment sheets
        self.headers = {kind: attachment_header(kind, labels) for kind in ATTACHMENT_SHEETS}
        try:
            with zipfile.ZipFile(path) as archive:
                unpacked = sum(info.file_size for info in archive.infolist())
        except (OSError, zipfile.BadZipFile, ValueError) as exc:
            raise DataError(path, f"无法作为 .xlsx 工作簿打开：{type(exc).__name__}") from None
        if unpacked > MAX_UNPACKED_BYTES:
            raise DataError(
                path,
                f"工作簿解压后有{unpacked // 1_000_000} MB，远大于一季度的录入表：可能有大量多余的内容，"
                "请只保留录入表的工作表后再导入",
            )
        try:
            self.formulas = load_workbook(path, data_only=False)
            self.cached = load_workbook(path, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
            raise DataError(path, f"无法作为 .xlsx 工作簿打开：{type(exc).__name__}") from None
        self._occupied: dict[str, dict[int, list[int]]] = {}
        self._memo: dict[tuple[str, str], object] = {}
        self._parsed: dict[tuple[str, str], formulas.Formula] = {}
        self._reads = 0

    # --- sheets -----------------------------------------------------------------------------------

    def has(self, sheet: str) -> bool:
        return sheet in self.formulas.sheetnames

    def sheet(self, name: str, expected: list[str]):
        """The visible sheet ``name``; a missing or hidden one is an error saying what there is."""
        names = self.formulas.sheetnames
        if name not in names:
            there = "、".join(f"“{n}”" for n in names)
            guess = next((n for n in names if n not in expected and self._looks_like(n, name)), None)
            hint = (
                f"工作表“{guess}”的内容像是{name}：如果是它被改了名，请改回“{name}”"
                if guess
                else f"如果改过工作表的名称，请改回“{name}”"
            )
            raise DataError(
                self.path,
                f"找不到名为“{name}”的工作表。本工作簿的工作表：{there}；应有：{'、'.join(expected)}。{hint}，保存后再导入",
            )
        if self.formulas[name].sheet_state != "visible":
            alike = [n for n in names if n != name and (name in n or n in name) and self._visible(n)]
            besides = f"（另有可见的工作表“{'”“'.join(alike)}”）" if alike else ""
            raise DataError(
                self.path,
                f"工作表“{name}”是隐藏的{besides}：程序不导入隐藏的工作表，以免导入的不是屏幕上看到的表。"
                "请右键点工作表标签选“取消隐藏”，确认要导入的是哪一张，删去或改名另一张，保存后再导入",
            )
        return self.formulas[name]

    def _visible(self, name: str) -> bool:
        return self.formulas[name].sheet_state == "visible"

    def _looks_like(self, candidate: str, name: str) -> bool:
        """Whether a sheet holds what the sheet ``name`` should: its table header, or 主要数字's keys."""
        sheet = self.formulas[candidate]
        rows = self.occupied(candidate)
        if name == HEADLINE_SHEET:
            column = coordinate_to_tuple(f"{KEY_COLUMN}1")[1]
            return any(self._raw(sheet, r, column) == "quarter" for r in list(rows)[:5])
        header = self.headers.get(next((k for k, v in ATTACHMENT_SHEETS.items() if v == name), ""), [])
        for row in list(rows)[:10]:
            cells = [clean_name(_cell_text(self._raw(sheet, row, c))) for c in range(1, len(header) + 1)]
            if header and cells == header:
                return True
        return False

    # --- cells, without creating any (openpyxl adds a cell to the sheet on every access) ------------

    @staticmethod
    def _raw(sheet, row: int, column: int):
        cell = sheet._cells.get((row, column))
        if cell is None:
            return None
        value = cell.value
        text = getattr(value, "text", None)  # an array formula: its formula text
        return text if isinstance(text, str) else value

    def occupied(self, name: str) -> dict[int, list[int]]:
        """Row number → the columns holding anything, in order (blank cells, styled or not, left out)."""
        if name not in self._occupied:
            rows: dict[int, list[int]] = {}
            for (row, column), cell in self.formulas[name]._cells.items():
                if cell.value is not None and cell.value != "":
                    rows.setdefault(row, []).append(column)
            self._occupied[name] = {r: sorted(rows[r]) for r in sorted(rows)}
        return self._occupied[name]

    def extent(self, name: str) -> tuple[int, int]:
        if name not in self.formulas.sheetnames:
            return 0, 0
        rows = self.occupied(name)
        return (max(rows), max(c[-1] for c in rows.values())) if rows else (0, 0)

    def is_formula(self, sheet: str, coordinate: str) -> bool:
        row, column = coordinate_to_tuple(coordinate)
        value = self._raw(self.formulas[sheet], row, column)
        return isinstance(value, str) and value.startswith("=")

    def place(self, sheet: str, coordinate: str) -> tuple[SheetRow, str | None, str]:
        """Where a cell is, said as staff see it: its row (with the unit, in a table) and the label of
        its column (a 主要数字 field's label, called an item, 项)."""
        row, column = coordinate_to_tuple(coordinate)
        if sheet not in self.formulas.sheetnames:
            return SheetRow(sheet, row), None, "列"
        ws = self.formulas[sheet]
        if sheet == HEADLINE_SHEET:
            key = self._raw(ws, row, coordinate_to_tuple(f"{KEY_COLUMN}1")[1])
            if key == OUTSTANDING_KEY:
                return SheetRow(sheet, row), (OUTSTANDING_UNIT if column == 1 else OUTSTANDING_COUNT), "列"
            if isinstance(key, str) and _MONTHLY_KEY.match(key):
                return SheetRow(sheet, row, _cell_text(self._raw(ws, row, 1))), MONTHLY_PCT, "列"
            field = next((f for f in HEADLINE_FIELDS if f.key == key), None)
            return SheetRow(sheet, row), (field.label if field else _cell_text(self._raw(ws, row, 1)) or None), "项"
        kind = next((k for k, v in ATTACHMENT_SHEETS.items() if v == sheet), None)
        if kind is None:
            return SheetRow(sheet, row), get_column_letter(column), "列"
        header = self.headers[kind]
        unit = clean_name(_cell_text(self._raw(ws, row, 1)))
        if kind == schema.DEPARTMENT:
            unit = clean_name(_cell_text(self._raw(ws, row, 2))) or unit
        if unit == header[0] or unit.startswith("="):
            unit = ""
        label = header[column - 1] if column <= len(header) else get_column_letter(column)
        return SheetRow(sheet, row, unit), label, "列"

    def value(self, sheet: str, coordinate: str):
        """A cell's value as the sheet shows it: a formula's result, "" read as blank (None)."""
        if sheet not in self.formulas.sheetnames:
            raise FormulaError(f"没有名为“{sheet}”的工作表")
        row, column = coordinate_to_tuple(coordinate)
        raw = self._raw(self.formulas[sheet], row, column)
        if not (isinstance(raw, str) and raw.startswith("=")):
            if raw is not None and not isinstance(raw, str | int | float | dt.date | dt.datetime | dt.time):
                raise DataError(
                    self.path,
                    f"单元格 {coordinate} 的内容不是数值或文字（可能是模拟运算表）：请改为数值",
                    **self._at(sheet, coordinate),
                )
            return None if raw == "" else raw
        cached = self._raw(self.cached[sheet], row, column)
        result = self._evaluated((sheet, coordinate)) if cached is None else cached
        if isinstance(result, str) and result in ERROR_VALUES:
            raise DataError(
                self.path,
                f"单元格 {coordinate} 的公式 {_shown(raw)} 的结果是错误值 {result}：请在表中改正公式"
                "（常见原因：引用的行或工作表被删去、除数为空），或直接填写数值",
                **self._at(sheet, coordinate),
            )
        if isinstance(result, float):
            result = int(result) if result.is_integer() and abs(result) < 1e15 else round(result, 6)
        return None if result == "" else result

    def _at(self, sheet: str, coordinate: str) -> dict:
        where, column, item = self.place(sheet, coordinate)
        return {"line": where, "column": column, "item": item}

    # --- formulas without a cached result ---------------------------------------------------------

    def _formula(self, key: tuple[str, str]) -> formulas.Formula:
        if key not in self._parsed:
            sheet, coordinate = key
            row, column = coordinate_to_tuple(coordinate)
            text = self._raw(self.formulas[sheet], row, column)
            try:
                self._parsed[key] = formulas.parse(text, sheet)
            except FormulaError as exc:
                raise self._formula_error(key, text, exc) from None
        return self._parsed[key]

    def _formula_error(self, key: tuple[str, str], text: str, exc: FormulaError) -> DataError:
        sheet, coordinate = key
        if isinstance(exc, formulas.Unsupported):
            advice = "请在 Excel 或 WPS 中打开并保存后再导入（保存时会存下公式的结果），或直接填写数值"
            what = "没有计算结果，程序也不能计算"
        else:
            advice = "请改正公式或直接填写数值"
            what = "算不出结果"
        return DataError(
            self.path,
            f"单元格 {coordinate} 的公式 {_shown(text)} {what}：{exc}。{advice}",
            **self._at(sheet, coordinate),
        )

    def _pending(self, key: tuple[str, str]) -> bool:
        """Whether a cell is a formula with no result yet (neither cached nor evaluated)."""
        sheet, coordinate = key
        if key in self._memo or sheet not in self.formulas.sheetnames or not self.is_formula(sheet, coordinate):
            return False
        row, column = coordinate_to_tuple(coordinate)
        return self._raw(self.cached[sheet], row, column) is None

    def _evaluated(self, key: tuple[str, str]):
        """Evaluate a formula and, first, every formula it depends on, one at a time from a stack
        (no recursion from cell to cell, however long the chain)."""
        if key in self._memo:
            return self._memo[key]
        stack: list[list] = [[key, None]]
        path = {key}
        while stack:
            frame = stack[-1]
            here = frame[0]
            if frame[1] is None:
                formula = self._formula(here)
                try:
                    cells = formulas.references(formula, self.extent)
                except FormulaError as exc:
                    raise self._formula_error(here, formula.text, exc) from None
                self._count(len(cells), here)
                frame[1] = iter(cells)
            for dependency in frame[1]:
                if not self._pending(dependency):
                    continue
                if dependency in path:
                    chain = [k for k, _ in stack[[k for k, _ in stack].index(dependency) :]]
                    cells = " → ".join(f"{s}!{c}" for s, c in [*chain, dependency])
                    raise DataError(
                        self.path,
                        f"公式循环引用：{cells}。请改正公式，使它不引用自己",
                        **self._at(*dependency),
                    )
                if len(stack) >= MAX_CHAIN:
                    sheet, cell = dependency
                    raise DataError(
                        self.path,
                        f"公式一个接一个地引用下去，超过{MAX_CHAIN}层（到工作表“{sheet}”单元格 {cell}）："
                        "录入表用不到这样的公式，请直接填写数值",
                        **self._at(*key),
                    )
                stack.append([dependency, None])
                path.add(dependency)
                break
            else:
                formula = self._formula(here)
                try:
                    self._memo[here] = formulas.evaluate_parsed(formula, self._lookup, self.extent)
                except FormulaError as exc:
                    raise self._formula_error(here, formula.text, exc) from None
                stack.pop()
                path.discard(here)
        return self._memo[key]

    def _lookup(self, sheet: str, coordinate: str):
        """A cell's value inside a formula being evaluated (its own formulas are evaluated already)."""
        self._count(1, None)
        key = (sheet, coordinate)
        if key in self._memo:
            result = self._memo[key]
            return None if result == "" else result
        return self.value(sheet, coordinate)

    def _count(self, reads: int, key: tuple[str, str] | None) -> None:
        self._reads += reads
        if self._reads > MAX_READS:
            where = self._at(*key) if key else {}
            raise DataError(
                self.path,
                f"工作簿的公式一共要读取超过{MAX_READS}个单元格，远多于录入表所需：请检查公式中的区域是否过大",
                **where,
            )

    # --- rows -------------------------------------------------------------------------------------

    def rows(self, name: str) -> dict[int, list[int]]:
        """The rows of a sheet that is read (see :meth:`occupied`), refused when its content reaches
        far beyond any table (a stray value at row 1,048,576 would otherwise be read for ever)."""
        rows = self.occupied(name)
        if len(rows) > MAX_ROWS:
            raise DataError(
                self.path, f"工作表“{name}”有{len(rows)}行有内容，远多于一张表：请删去表格以外的内容后再导入"
            )
        for row, columns in rows.items():
            if columns[-1] > MAX_COLUMNS:
                cell = f"{get_column_letter(columns[-1])}{row}"
                raise DataError(
                    self.path,
                    f"单元格 {cell} 有内容，远在表格右侧：请删去表格以外的内容后再导入",
                    line=self.place(name, cell)[0],
                )
        return rows

    def grid(self, name: str) -> list[tuple[int, list]]:
        """Each row holding anything: its number and its values from column A to its last value."""
        return [
            (row, [self.value(name, f"{get_column_letter(c)}{row}") for c in range(1, columns[-1] + 1)])
            for row, columns in self.rows(name).items()
        ]


def _check_merged(cells: _Cells, name: str, first_row: int, last_column: int) -> None:
    """Refuse merged cells in the part of a sheet that is read (see the module's docstring)."""
    sheet = cells.formulas[name]
    for merged in sorted(sheet.merged_cells.ranges, key=lambda r: (r.min_row, r.min_col)):
        if merged.max_row < first_row or merged.min_col > last_column:
            continue
        top, _, _ = cells.place(name, f"{get_column_letter(merged.min_col)}{merged.min_row}")
        bottom, _, _ = cells.place(name, f"{get_column_letter(merged.max_col)}{merged.max_row}")
        span = ""
        if merged.max_row > merged.min_row:
            span = f"（一直到第{merged.max_row}行" + (f"（{bottom.unit}）" if bottom.unit else "") + "）"
        raise DataError(
            cells.path,
            f"合并了单元格 {merged.coord}{span}：合并后只有左上角的单元格有内容，其余的会被当作空白。"
            "请选中它点“合并后居中”取消合并，每格填写各自的内容，保存后再导入",
            line=top,
        )


def _table(cells: _Cells, kind: str, expected: list[str]) -> Table:
    name = ATTACHMENT_SHEETS[kind]
    cells.sheet(name, expected)
    grid = cells.grid(name)
    header = cells.headers[kind]
    header_row = next((r for r, v in grid if v and clean_name(_cell_text(v[0])) == header[0]), None)
    if header_row is not None:
        _check_merged(cells, name, header_row, len(header))
    total_row = next(
        (
            r
            for r, v in grid
            if header_row is not None and r > header_row and v and clean_name(_cell_text(v[0])) == "总计"
        ),
        None,
    )
    numbers = [i for i, column in enumerate(attachment_columns(kind)) if column.key in NUMBER_KEYS]
    lines = []
    for row, raw in grid:
        if total_row is not None and row > total_row and any(_cell_text(v) for v in raw):
            raise DataError(
                cells.path,
                f"“总计”行（第{total_row}行）下面还有内容：单位应列在“总计”行之上；"
                "表格下面的说明文字请删去，或写在别的工作表中",
                line=SheetRow(name, row, clean_name(_cell_text(raw[0]))),
            )
        where = SheetRow(name, row)
        if header_row is not None and row > header_row:
            unit = clean_name(_cell_text(raw[1] if kind == schema.DEPARTMENT and len(raw) > 1 else None))
            unit = unit or clean_name(_cell_text(raw[0] if raw else None))
            for i in numbers:
                if i < len(raw):
                    _check_typed_number(raw[i], cells.path, SheetRow(name, row, unit), header[i])
        lines.append((where, [_cell_text(v) for v in raw]))
    return parse_table(kind, lines, cells.path, cells.labels)


def _units_list(cells: _Cells) -> list[tuple[str, str]]:
    """(name, sheet) of every unit the entry workbook was made with (its hidden 单位名单), if it has one."""
    if not cells.has(UNITS_SHEET):
        return []
    return [
        (clean_name(_cell_text(raw[0])), _cell_text(raw[1]) if len(raw) > 1 else "")
        for row, raw in cells.grid(UNITS_SHEET)
        if row > 1 and raw and _cell_text(raw[0])
    ]


def _notes(cells: _Cells, tables: dict[str, Table]) -> list[str]:
    """What staff should know about the tables but need not fix: units of the workbook's list whose
    rows are gone, rows naming a unit that was not in it, hidden rows (imported all the same)."""
    notes = []
    listed = _units_list(cells)
    if listed:
        names = {name for name, _ in listed}
        present = {}
        for table in tables.values():
            for row, place in zip(table.rows, table.places, strict=True):
                present[row[1] or row[0]] = place
        for name, sheet in listed:
            if name not in present:
                notes.append(
                    f"工作表“{sheet}”中没有“{name}”这一行（录入表生成时有）：本季度不记录这个单位的数据。"
                    "如果它本季度有工单，请补回这一行后重新导入"
                )
        for name, place in present.items():
            if name not in names:
                notes.append(
                    f"{place}：“{name}”不在生成录入表时的单位名单中；导入时按单位名录（data/units.csv）核对，"
                    "新设或改名的单位须先在名录中登记"
                )
    for table in tables.values():
        for place in table.places:
            if cells.formulas[place.sheet].row_dimensions[place.row].hidden:
                notes.append(f"{place}是隐藏的行，已照常导入；如果这个单位本季度不应列入，请删去这一行")
    return notes


def _check_duplicates(tables: dict[str, Table], path: Path) -> None:
    """A unit listed twice, named at both rows (the registry check later would name files staff never wrote)."""
    seen: dict[str, object] = {}
    for table in tables.values():
        for row, place in zip(table.rows, table.places, strict=True):
            name = row[1] or row[0]
            if name in seen:
                raise DataError(
                    path,
                    f"单位“{name}”出现了两次（另一次在{seen[name]}）：每个单位只填一行，请删去或合并其中一行",
                    line=place,
                    column=schema.SUB_UNIT.zh if row[1] else schema.UNIT.zh,
                )
            seen[name] = place


def _convert(field: Field, raw, path: Path, where: SheetRow):
    """A 主要数字 field's cell, read as its type; errors name the row and the field's label."""
    text = _cell_text(raw)

    def fail(what: str):
        raise DataError(path, f"“{text}”{what}", line=where, column=field.label, item="项")

    if field.type in ("int", "float"):
        _check_typed_number(raw, path, where, field.label, item="项")
    if field.type == "int":
        try:
            return values.parse_count(text, path, where, field.label)
        except DataError as problem:
            problem.item = "项"
            raise
    if field.type == "float":
        if not re.fullmatch(r"-?\d+(\.\d+)?", text, re.ASCII):
            fail("应为数字")
        return float(text)
    if field.type == "date":
        if isinstance(raw, int | float) and not isinstance(raw, bool) and 30000 < raw < 80000:
            from openpyxl.utils.datetime import from_excel

            return from_excel(raw).date()  # a date typed in a cell without a date format: Excel's day number
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
    return text


def _closest(name: str, names: list[str]) -> str:
    close = difflib.get_close_matches(name, names, n=3, cutoff=0.4)
    return f"（最接近的：{'、'.join(close)}）" if close else ""


def _outstanding(cells: _Cells, row: int, units: list[str], listed: dict[str, SheetRow]) -> dict | None:
    """A row of 尚未办结的工单: {"unit", "count"}, or None when it is blank or its count is 0."""
    path = cells.path
    unit = clean_name(_cell_text(cells.value(HEADLINE_SHEET, f"A{row}")))
    count = cells.value(HEADLINE_SHEET, f"B{row}")
    if not unit and not _cell_text(count):
        return None
    where = SheetRow(HEADLINE_SHEET, row, unit)
    if not unit:
        raise DataError(path, "填了件数，没有选单位：请从下拉列表中选择单位", line=where, column=OUTSTANDING_UNIT)
    if not _cell_text(count):
        raise DataError(path, f"选了“{unit}”，没有填件数：请填写尚未办结的件数", line=where, column=OUTSTANDING_COUNT)
    _check_typed_number(count, path, where, OUTSTANDING_COUNT)
    number = values.parse_count(_cell_text(count), path, where, OUTSTANDING_COUNT)
    if unit not in units:
        raise DataError(
            path,
            f"“{unit}”不是附件1、附件2中的单位{_closest(unit, units)}：请从下拉列表中选择",
            line=where,
            column=OUTSTANDING_UNIT,
        )
    if unit in listed:
        raise DataError(
            path,
            f"“{unit}”已经在{listed[unit]}列出：每个单位只填一行，请把件数合并到一行",
            line=where,
            column=OUTSTANDING_UNIT,
        )
    listed[unit] = where
    return {"unit": unit, "count": number} if number else None  # 0: nothing outstanding, as if blank


def _monthly(cells: _Cells, row: int, month: str, quarter: QuarterId | None) -> dict | None:
    """A row of 月度满意率: {"month": "2024-06", "satisfaction_pct"}, or None when it is blank."""
    path = cells.path
    value = cells.value(HEADLINE_SHEET, f"B{row}")
    text = _cell_text(value)
    if not text:
        return None  # not published for that month
    where = SheetRow(HEADLINE_SHEET, row, _cell_text(cells.value(HEADLINE_SHEET, f"A{row}")))
    _check_typed_number(value, path, where, MONTHLY_PCT)
    if not re.fullmatch(r"\d+(\.\d+)?", text, re.ASCII) or not 0 <= float(text) <= 100:
        raise DataError(path, f"“{text}”应为0到100之间的数（百分数，不写%）", line=where, column=MONTHLY_PCT)
    year, number = (int(p) for p in month.split("-"))
    if quarter is not None and (year != quarter.year or number not in quarter.months):
        raise DataError(
            path,
            f"这一行的月份不在“季度”一项所填的{quarter.zh}之内：“季度”一项请勿改动；"
            "如果录入表的季度不对，请用 make new-quarter 重新生成",
            line=where,
            column=MONTHLY_MONTH,
        )
    return {"month": month, "satisfaction_pct": round(float(text), 6)}


def _headline(cells: _Cells, tables: dict[str, Table], expected: list[str]) -> tuple[dict, list[str]]:
    """circular.toml values from the 主要数字 sheet; formula cells left as formulas are not recorded
    (nor evaluated: a figure the tables determine is computed from the tables)."""
    path = cells.path
    cells.sheet(HEADLINE_SHEET, expected)
    _check_merged(cells, HEADLINE_SHEET, 2, 2)
    found: dict = {"document": {}, "headline": {}, "lists": {}}
    missing: list[str] = []
    by_key = {f.key: f for f in HEADLINE_FIELDS}
    units = [row[1] or row[0] for table in tables.values() for row in table.rows]
    outstanding: list[dict] = []
    listed: dict[str, SheetRow] = {}
    monthly: list[dict] = []
    for row in cells.rows(HEADLINE_SHEET):
        if row < 2:
            continue
        key = cells.value(HEADLINE_SHEET, f"{KEY_COLUMN}{row}")
        where = SheetRow(HEADLINE_SHEET, row)
        if key in _FREE_TEXT_KEYS and _cell_text(cells.value(HEADLINE_SHEET, f"B{row}")):
            raise DataError(
                path,
                f"这是早先版本的录入表，“{_FREE_TEXT_KEYS[key]}”写在一格里；新版改为逐行填写的表格。"
                "请用 make new-quarter 生成新版录入表，把填好的内容复制过去后再导入",
                line=where,
                column=_FREE_TEXT_KEYS[key],
                item="项",
            )
        if key == OUTSTANDING_KEY:
            if item := _outstanding(cells, row, units, listed):
                outstanding.append(item)
            continue
        month = _MONTHLY_KEY.match(key) if isinstance(key, str) else None
        if month:
            if item := _monthly(cells, row, month.group(1), found.get("quarter")):
                monthly.append(item)
            continue
        if key not in by_key:
            continue
        field = by_key[key]
        if field.computed and cells.is_formula(HEADLINE_SHEET, f"B{row}"):
            continue  # left as the workbook's formula: computed from the tables
        raw = cells.value(HEADLINE_SHEET, f"B{row}")
        if not _cell_text(raw):
            if field.required:
                missing.append(key)
            continue
        if key == "quarter":
            found["quarter"] = QuarterId.parse(_convert(field, raw, path, where))
            continue
        section, name = key.split(".", 1)
        found[section][name] = _convert(field, raw, path, where)
    if outstanding:
        found["headline"]["outstanding"] = outstanding
    if monthly:
        found["headline"]["monthly_satisfaction"] = sorted(monthly, key=lambda m: m["month"])
    return found, missing


def parse_workbook(path: Path, labels: dict[str, str] | None = None) -> Imported:
    """The attachment sheets, and the 主要数字 sheet when there is one (an entry workbook: a draft).

    ``Imported.circular["headline"]`` then holds, from 主要数字's two tables, ``outstanding`` =
    ``[{"unit": "林皋镇", "count": 2}, …]`` (rows in sheet order, blank and 0 rows left out) and
    ``monthly_satisfaction`` = ``[{"month": "2024-06", "satisfaction_pct": 89.96}, …]`` (months
    in order, blank ones left out); each key is absent when its table is empty. ``labels``: the
    format's column labels by key (the entry workbook heads its attachment sheets with them)."""
    cells = _Cells(Path(path), labels)
    entry = cells.has(INSTRUCTIONS_SHEET) or cells.has(UNITS_SHEET) or cells.has(HEADLINE_SHEET)
    expected = ([HEADLINE_SHEET] if entry else []) + list(ATTACHMENT_SHEETS.values())
    tables = {kind: _table(cells, kind, expected) for kind in ATTACHMENT_SHEETS}
    _check_duplicates(tables, cells.path)
    notes = _notes(cells, tables)
    narrative = {k: f"{PLACEHOLDER}：请按通报原文录入。\n" for k in schema.NARRATIVE_FILES}
    missing = [f"narrative.{k}" for k in schema.NARRATIVE_FILES]
    if not entry:
        missing = ["document", "headline", "lists", *missing]
        circular = {"document": {}, "headline": {}, "lists": {}}
        return Imported(None, tables, circular, narrative, missing, notes=notes)
    circular, absent = _headline(cells, tables, expected)
    quarter = circular.pop("quarter", None)
    for kind, table in tables.items():  # 总计 rows the workbook computes are not recorded as typed
        sheet = ATTACHMENT_SHEETS[kind]
        total = next((r for r, v in cells.grid(sheet) if v and clean_name(_cell_text(v[0])) == "总计"), None)
        if total is not None and any(
            cells.is_formula(sheet, f"{get_column_letter(c)}{total}") for c in cells.occupied(sheet)[total]
        ):
            table.totals = {}
    return Imported(quarter, tables, circular, narrative, absent + missing, status="draft", notes=notes)
