"""The entry workbook for a new quarter (``make new-quarter Q=2024Q2``), built from the unit
registry and the latest quarter.

- 填写说明 comes first: it is what a workbook opens on, and it says all of this in Chinese.
- 主要数字 holds what only the platform knows (受理, 办结, 直接答复, 联合派单, 满意率 …) and the
  document's details (pre-filled from the latest circular where they carry over), then two small
  tables instead of a private syntax in one cell: 尚未办结的工单 (a unit from a drop-down list of
  the quarter's units, and its count; blank rows are ignored) and 月度满意率 (the quarter's three
  months, locked, each with its rate; blank is not published).
- 附件1 and 附件2 list every current unit in the latest quarter's order (units new to the registry
  after them), sub-units under their parents, laid out as the circular prints the attachments.
  Input cells accept only non-negative whole numbers (counts) and points with at most one
  decimal; names and headers are locked.
- What the tables determine is a formula, not typed: each unit's 综合得分 (the scoring rule over
  the unit and its sub-units), the 总计 rows, and on 主要数字 the 延期/重办/逾期 totals, 交办 counts,
  办结率 and 逾期率 (blank until 受理 is filled in, never #DIV/0!). Left as they are they are
  computed for the quarter; typed over, the typed figure is recorded and ``make check`` lists it if
  it disagrees.
- A hidden, locked sheet 单位名单 lists the units of 附件1 and 附件2: the drop-down list's source,
  and what the importer compares the tables with (a deleted row is then named in its notes).
  主要数字's keys (the circular.toml names the importer reads) are in a hidden, locked column.

Every sheet prints on A4, one page wide, its header rows repeated on each page. The data
validations are written as Excel writes them (no leading "=", one range per rule, anchored at its
first cell, messages within Excel's lengths), so Excel, WPS and LibreOffice open the workbook
without a repair prompt. Filled in and saved, it imports with ``scripts/import_quarter.py``.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation

from hotline.data import schema
from hotline.data.circular import DRAFT
from hotline.data.importer.workbook import (
    ATTACHMENT_SHEETS,
    HEADLINE_FIELDS,
    HEADLINE_SHEET,
    INSTRUCTIONS_SHEET,
    KEY_COLUMN,
    MONTHLY_KEY,
    MONTHLY_MONTH,
    MONTHLY_PCT,
    OUTSTANDING_COUNT,
    OUTSTANDING_KEY,
    OUTSTANDING_UNIT,
    UNITS_NAME,
    UNITS_SHEET,
)
from hotline.data.quarter_id import QuarterId
from hotline.data.quarters import discover_quarters, load_quarter, peek_status
from hotline.data.registry import Registry
from hotline.format import load as load_format
from hotline.format.model import CircularFormat
from hotline.rules import scoring

BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)
COMPUTED = PatternFill("solid", fgColor="EAF2E3")  # formula cells: computed, may be typed over
INPUT = PatternFill("solid", fgColor="FFF8DC")
UNLOCKED = Protection(locked=False)
WRAP = Alignment(wrap_text=True, vertical="top")
FIRST_ROW = 4  # row 1 title, row 2 (包含联合派单), row 3 header
OUTSTANDING_ROWS = 10  # blank rows of 尚未办结的工单; a quarter has named at most a few units


def _order(data_dir: Path, registry: Registry, quarter: QuarterId) -> tuple[dict[str, list[tuple[str, str]]], object]:
    """Per kind, (name, parent name) rows: the latest earlier quarter's order, then units new to the
    registry; sub-units always under their parent. Also that quarter (or None)."""
    earlier = [q for q in discover_quarters(data_dir) if q < quarter and peek_status(data_dir, q) != DRAFT]
    latest = load_quarter(data_dir, earlier[-1], registry, verify=False, drafting=True) if earlier else None
    ordered_ids: list[str] = list(dict.fromkeys(latest.units["unit_id"])) if latest is not None else []
    units = registry.units
    for unit in units.values():
        if unit.id not in ordered_ids:
            ordered_ids.append(unit.id)
    kinds: dict[str, list[tuple[str, str]]] = {schema.TOWN: [], schema.DEPARTMENT: []}
    for uid in ordered_ids:
        unit = units[uid]
        if unit.parent_id:
            continue
        kind = schema.TOWN if unit.category == "镇办" else schema.DEPARTMENT
        kinds[kind].append((unit.name, ""))
        children = [u for u in ordered_ids if units[u].parent_id == uid]
        kinds[kind] += [(units[c].name, unit.name) for c in children]
    return kinds, latest


def _rule(kind: str, title: str, message: str, **options) -> DataValidation:
    """A data validation that refuses what it does not allow, with a Chinese message (Excel limits
    the title to 32 characters and the message to 255; longer ones make it repair the file)."""
    assert len(title) <= 32 and len(message) <= 255, (title, message)
    return DataValidation(
        type=kind,
        allow_blank=True,
        showErrorMessage=True,
        errorStyle="stop",
        errorTitle=title,
        error=message,
        **options,
    )


def _print_setup(sheet, *, title_rows: str | None, landscape: bool) -> None:
    """A4, one page wide and as many pages long as it takes, the header rows on every page."""
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape" if landscape else "portrait"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.horizontalCentered = True
    if title_rows:
        sheet.print_title_rows = title_rows


def _attachment(
    book: Workbook, kind: str, rows: list[tuple[str, str]], quarter: QuarterId, circular: CircularFormat
) -> dict[str, str]:
    """One attachment sheet; returns the cells of its 总计 row by column key."""
    sheet = book.create_sheet(ATTACHMENT_SHEETS[kind])
    subs = kind == schema.DEPARTMENT
    columns = [c for c in schema.FILE_COLUMNS if c is not schema.SUB_UNIT or subs]
    letter = {c.key: get_column_letter(n) for n, c in enumerate(columns, start=1)}
    sheet.append([f"{quarter.zh}{circular.group(kind).title}"])
    sheet["A1"].font = BOLD
    sheet.append(["(包含联合派单)"])
    sheet.append([c.zh for c in circular.columns(columns)])  # the format's labels, which the importer reads
    for cell in sheet[3]:
        cell.font = BOLD
        cell.alignment = Alignment(wrap_text=True, horizontal="center")
    row = FIRST_ROW
    starts: list[int] = []
    for name, parent in rows:
        if parent:
            values = ["", name] if subs else [name]
        else:
            values = [name, ""] if subs else [name]
            starts.append(row)
        sheet.append(values)
        for column in (*schema.COUNT_COLUMNS, *schema.POINT_COLUMNS):
            cell = sheet[f"{letter[column.key]}{row}"]
            cell.protection, cell.fill = UNLOCKED, INPUT
        row += 1
    last = row - 1
    first_count, last_count = letter[schema.COUNT_COLUMNS[0].key], letter[schema.COUNT_COLUMNS[-1].key]
    counts = _rule(
        "whole", "应为非负整数", "工单数量应填非负整数，空白表示0。", operator="greaterThanOrEqual", formula1="0"
    )
    counts.add(f"{first_count}{FIRST_ROW}:{last_count}{last}")
    sheet.add_data_validation(counts)
    for column in schema.POINT_COLUMNS:  # one rule per column: a custom formula is relative to its first cell
        first = f"{letter[column.key]}{FIRST_ROW}"
        points = _rule(
            "custom",
            "应为分值",
            "分值应为不小于0的数，最多一位小数，空白表示0。",
            formula1=f"AND(ISNUMBER({first}),{first}>=0,ROUND({first},1)={first})",
        )
        points.add(f"{first}:{letter[column.key]}{last}")
        sheet.add_data_validation(points)
    score = letter["published_score"]
    if circular.score.published_only:  # the circular's scores are typed as published: no rule to work them out
        full = f"{circular.score.full_marks:g}"
        published = _rule(
            "decimal", "应为得分", f"综合得分应为0到{full}之间的数。", operator="between", formula1="0", formula2=full
        )
        sheet.add_data_validation(published)
    for n, start in enumerate(starts):
        end = (starts[n + 1] - 1) if n + 1 < len(starts) else last
        bonus, penalty = letter["bonus"], letter["penalty"]
        cell = sheet[f"{score}{start}"]
        if circular.score.published_only:
            cell.protection, cell.fill = UNLOCKED, INPUT
            published.add(cell.coordinate)
            continue
        # the format's scoring rule (data/format.toml) as a spreadsheet formula
        cell.value = "=" + circular.score.excel(
            f"SUM({bonus}{start}:{bonus}{end})", f"SUM({penalty}{start}:{penalty}{end})"
        )
        cell.protection, cell.fill = UNLOCKED, COMPUTED
    total_row = last + 1
    sheet[f"A{total_row}"] = "总计"
    sheet[f"A{total_row}"].font = BOLD
    totals = {}
    for column in schema.COUNT_COLUMNS:
        cell = sheet[f"{letter[column.key]}{total_row}"]
        cell.value = f"=SUM({letter[column.key]}{FIRST_ROW}:{letter[column.key]}{last})"
        cell.protection, cell.fill, cell.font = UNLOCKED, COMPUTED, BOLD
        totals[column.key] = f"{quote_sheetname(sheet.title)}!{letter[column.key]}{total_row}"
    sheet.column_dimensions["A"].width = 24
    if subs:
        sheet.column_dimensions["B"].width = 18
    for n in range(2 if subs else 1, len(columns)):
        sheet.column_dimensions[get_column_letter(n + 1)].width = 11
    sheet.freeze_panes = f"{'C' if subs else 'B'}{FIRST_ROW}"
    _print_setup(sheet, title_rows="1:3", landscape=subs)
    sheet.protection.sheet = True  # headers and names locked; the figures are the input cells
    return totals


def _units(book: Workbook, kinds: dict[str, list[tuple[str, str]]]) -> int:
    """The hidden 单位名单 sheet and the workbook name its drop-down lists refer to; returns its last row."""
    sheet = book.create_sheet(UNITS_SHEET)
    sheet.append(["单位名称", "所在工作表", "上级部门"])
    for kind, rows in kinds.items():
        for name, parent in rows:
            sheet.append([name, ATTACHMENT_SHEETS[kind], parent])
    last = max(sheet.max_row, 2)
    book.defined_names[UNITS_NAME] = DefinedName(UNITS_NAME, attr_text=f"{quote_sheetname(UNITS_SHEET)}!$A$2:$A${last}")
    sheet.column_dimensions["A"].width = 24
    sheet.column_dimensions["C"].width = 18
    sheet.sheet_state = "hidden"
    sheet.protection.sheet = True
    return last


def _headline(book: Workbook, quarter: QuarterId, latest, totals: dict[str, dict[str, str]]) -> None:
    sheet = book.create_sheet(HEADLINE_SHEET)
    sheet.append(["项目", "填写", "说明", "键（请勿改动）"])
    for cell in sheet[1]:
        cell.font = BOLD
    previous = latest.document if latest is not None else None
    defaults = {
        "quarter": str(quarter),
        "headline.satisfaction_compared_with": str(quarter.previous),
    }
    if previous is not None:
        defaults |= {
            "document.title": previous.title.replace(latest.id.zh, quarter.zh),
            "document.issuer": previous.issuer,
            "document.addressees": previous.addressees,
            "document.cc": "、".join(previous.cc),
        }
    rows: dict[str, int] = {}
    for n, field in enumerate(HEADLINE_FIELDS, start=2):
        rows[field.key] = n
        sheet.append([field.label, defaults.get(field.key), field.note, field.key])
        cell = sheet[f"B{n}"]
        cell.protection, cell.fill = UNLOCKED, (COMPUTED if field.computed else INPUT)
        cell.alignment = Alignment(horizontal="left")
        message = f"{field.label}：{field.note or '请按说明填写'}"
        if field.type == "int":
            rule = _rule("whole", "应为非负整数", message, operator="greaterThanOrEqual", formula1="0")
        elif field.type == "float" and field.key.endswith("_pct"):
            rule = _rule("decimal", "应为0到100之间的数", message, operator="between", formula1="0", formula2="100")
        elif field.type == "float":
            rule = _rule("decimal", "应为数字", message, operator="between", formula1="-100", formula2="100")
        elif field.type == "date":
            rule = _rule("date", "应为日期", message, operator="greaterThan", formula1="36526")
            cell.number_format = "yyyy-mm-dd"
        else:
            rule = None
        if rule is not None:
            sheet.add_data_validation(rule)
            rule.add(cell)
    towns, departments = totals[schema.TOWN], totals[schema.DEPARTMENT]
    formulas = {  # a rate is blank, not #DIV/0!, until 受理 is filled in
        "headline.completion_rate_pct": (
            f'=IF(B{{received}}>0,ROUND(B{{completed}}/B{{received}}*100,{scoring.COMPLETION_RATE_DECIMALS}),"")'
        ),
        "headline.overdue_rate_pct": (
            f'=IF(B{{received}}>0,ROUND(B{{overdue}}/B{{received}}*100,{scoring.OVERDUE_RATE_DECIMALS}),"")'
        ),
        "headline.assigned_towns": f"={towns['work_orders']}",
        "headline.assigned_departments": f"={departments['work_orders']}",
        "headline.extended": f"={towns['extended']}+{departments['extended']}",
        "headline.redone": f"={towns['redone']}+{departments['redone']}",
        "headline.overdue": f"={towns['overdue']}+{departments['overdue']}",
    }
    places = {k.split(".")[-1]: v for k, v in rows.items()}
    for key, formula in formulas.items():
        sheet[f"B{rows[key]}"] = formula.format(**places)
        sheet[f"B{rows[key]}"].comment = Comment(
            "由公式按附件表格计算；如通报须写不同的数字，可直接覆盖，make check 会列出差异。", "12345"
        )
    row = sheet.max_row + 2
    row = _outstanding_table(sheet, row)
    _monthly_table(sheet, row + 1, quarter)
    sheet.column_dimensions["A"].width = 30
    sheet.column_dimensions["B"].width = 40
    sheet.column_dimensions["C"].width = 52
    sheet.column_dimensions[KEY_COLUMN].hidden = True  # staff never see the keys; the sheet's protection keeps it so
    for line in sheet.iter_rows(min_row=2, min_col=3, max_col=3):
        line[0].alignment = WRAP
    sheet.freeze_panes = "B2"
    _print_setup(sheet, title_rows="1:1", landscape=True)
    sheet.protection.sheet = True


def _section(sheet, row: int, title: str, note: str, header: tuple[str, str]) -> int:
    """A small table's title and header rows; returns its first input row."""
    sheet[f"A{row}"], sheet[f"C{row}"] = title, note
    sheet[f"A{row}"].font = BOLD
    sheet[f"C{row}"].alignment = WRAP
    sheet[f"A{row + 1}"], sheet[f"B{row + 1}"], sheet[f"C{row + 1}"] = (*header, "说明")
    for column in "ABC":
        sheet[f"{column}{row + 1}"].font = BOLD
    return row + 2


def _outstanding_table(sheet, row: int) -> int:
    """尚未办结的工单: rows of a unit (drop-down) and its count; returns the row after it."""
    first = _section(
        sheet,
        row,
        "尚未办结的工单",
        "通报写“某单位N件尚未办结”：每行从下拉列表选一个单位，填尚未办结的件数；全部办结则留空。",
        (OUTSTANDING_UNIT, OUTSTANDING_COUNT),
    )
    last = first + OUTSTANDING_ROWS - 1
    units = _rule("list", "请选择单位", "请从下拉列表中选择本季度附件1、附件2中的单位。", formula1=UNITS_NAME)
    counts = _rule("whole", "应为正整数", "尚未办结的件数应为正整数。", operator="greaterThanOrEqual", formula1="0")
    for n in range(first, last + 1):
        sheet[f"{KEY_COLUMN}{n}"] = OUTSTANDING_KEY
        for column in "AB":
            sheet[f"{column}{n}"].protection, sheet[f"{column}{n}"].fill = UNLOCKED, INPUT
    units.add(f"A{first}:A{last}")
    counts.add(f"B{first}:B{last}")
    sheet.add_data_validation(units)
    sheet.add_data_validation(counts)
    sheet[f"C{first}"] = "下属单位也在列表中；同一单位只填一行。"
    return last + 1


def _monthly_table(sheet, row: int, quarter: QuarterId) -> None:
    """月度满意率: the quarter's three months, locked, each with an input cell for its rate."""
    first = _section(
        sheet,
        row,
        "月度满意率",
        "通报写“某月热线工单满意率…%”：填平台公布的当月满意率（不写%）；没有公布的月份留空。",
        (MONTHLY_MONTH, MONTHLY_PCT),
    )
    rates = _rule(
        "decimal", "应为0到100之间的数", "满意率为百分数，填0到100之间的数，不写%。", operator="between",
        formula1="0", formula2="100",
    )  # fmt: skip
    for n, month in enumerate(quarter.months):
        line = first + n
        sheet[f"A{line}"] = f"{quarter.year}年{month}月"
        sheet[f"{KEY_COLUMN}{line}"] = MONTHLY_KEY.format(month=f"{quarter.year}-{month:02d}")
        sheet[f"B{line}"].protection, sheet[f"B{line}"].fill = UNLOCKED, INPUT
    rates.add(f"B{first}:B{first + len(quarter.months) - 1}")
    sheet.add_data_validation(rates)


INSTRUCTIONS = [
    "{quarter}12345工单办理情况通报 数据录入表 填写说明",
    "本工作簿用于录入{quarter}通报的数据，由 make new-quarter 按单位名录生成。黄色单元格填写，绿色单元格是公式，"
    "其余单元格已锁定。",
    "一、主要数字：黄色单元格填写平台统计的数字（受理、办结、直接答复、联合派单等）和文件信息；"
    "绿色单元格（延期、重办、逾期、交办数、办结率、逾期率）由公式按附件表格计算，受理数填好前办结率、逾期率为空白。",
    "    尚未办结的工单：通报中“某单位N件尚未办结”，每行从下拉列表中选一个单位，填件数；没有则留空。",
    "    月度满意率：本季度三个月已列出，填平台公布的当月满意率（0到100的数，不写%）；没有公布的月份留空。",
    "    如通报必须写与公式不同的数字，可以直接覆盖绿色单元格；导入后运行 make check，程序会逐项列出与{checked}"
    "不一致之处。",
    "二、附件1、附件2：按各单位本季度的实际情况，填写{typed}。"
    "空白表示0；分值最多一位小数。请直接输入数字，不要粘贴成文本，也不要合并单元格。",
    "    单位名称按单位名录和上季度通报列出，不要改动；下属单位列在其上级部门之下。公文附件按{ranked_by}排序，"
    "与这里的顺序无关。本季度没有某个单位时，可在“审阅”中撤销工作表保护（没有密码）后删去它的整行，导入时会列出删去的单位。",
    "    新设或改名的单位，请先登记到单位名录（make add-unit NAME=名称 KIND=部门，或 make rename FROM=原名 TO=新名），"
    "再重新生成本表（make new-quarter Q={id}）。",
    "    {score_cells}总计行为各行之和。",
    "三、工作表的名称不要改动，也不要隐藏工作表；填好后保存（Excel、WPS 或 LibreOffice 均可），导入："
    "make import FILE=本工作簿.xlsx BY=录入人姓名（导入的是草稿，不公开；改正本表后可再次导入）。",
    "    导入后运行 make check Q={id} 核对数字：每一处差异，或改正本表后重新导入，"
    '或说明保留的原因：make explain Q={id} ITEM=差异序号 WHY="原因"。',
    "    再写好叙述部分（前言、办理质量评述、存在问题、工作要求，即 data/quarters/{id}/ 中的 .md 文件），"
    "用 make preview 预览，确认无误后 make issue Q={id} 印发，make site 和 make publish 发布到网站。",
]


def _instructions(book: Workbook, quarter: QuarterId, circular: CircularFormat) -> None:
    """The first sheet: the instructions, with the format's score rule (or its published scores) in them."""
    sheet = book.active
    sheet.title = INSTRUCTIONS_SHEET
    score = circular.score
    if score.published_only:
        said = {
            "checked": "附件表格",
            "ranked_by": "综合得分",
            "score_cells": (
                f"综合得分按通报公布的填写（黄色单元格，0到{score.full_marks:g}分，下属单位留空）。绿色单元格是公式："
            ),
        }
    else:
        said = {
            "checked": "附件表格、计分规则",
            "ranked_by": "计分规则",
            "score_cells": f"绿色单元格是公式。综合得分按计分规则计算：{score.explained()}",
        }
    said["typed"] = "、".join(c.zh for c in circular.columns((*schema.COUNT_COLUMNS, *schema.POINT_COLUMNS)))
    for line in INSTRUCTIONS:
        sheet.append([line.format(quarter=quarter.zh, id=quarter, **said)])
    sheet["A1"].font = TITLE
    for line in sheet.iter_rows(min_row=2):
        line[0].alignment = WRAP
    sheet.column_dimensions["A"].width = 110
    _print_setup(sheet, title_rows="1:1", landscape=False)
    sheet.protection.sheet = True


def write_entry_workbook(data_dir: Path, quarter: QuarterId, path: Path) -> Path:
    circular = load_format.load(Path(data_dir))
    registry = Registry.load(data_dir)
    kinds, latest = _order(Path(data_dir), registry, quarter)
    book = Workbook()
    _instructions(book, quarter, circular)
    totals = {kind: _attachment(book, kind, rows, quarter, circular) for kind, rows in kinds.items()}
    _units(book, kinds)
    _headline(book, quarter, latest, totals)  # written last (it refers to the totals), shown second:
    book.move_sheet(HEADLINE_SHEET, offset=1 - book.sheetnames.index(HEADLINE_SHEET))
    book.active = 0
    book.security = WorkbookProtection(lockStructure=True)  # sheets stay named, ordered and hidden as made
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path
