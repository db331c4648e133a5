"""The entry workbook for a new quarter (``make new-quarter Q=2024Q2``), built from the unit
registry and the latest quarter.

- 附件1 and 附件2 list every current unit in the latest quarter's order (units new to the registry
  after them), sub-units under their parents, laid out as the circular prints the attachments.
  Input cells accept only non-negative whole numbers (counts) and points with at most one
  decimal; headers are locked.
- What the tables determine is a formula, not typed: each unit's 综合得分 (the scoring rule over
  the unit and its sub-units), the 总计 rows, and on 主要数字 the 延期/重办/逾期 totals, 交办 counts,
  办结率 and 逾期率. Left as they are they are computed for the quarter; typed over, the typed
  figure is recorded and ``make check`` lists it if it disagrees.
- 主要数字 holds what only the platform knows (受理, 办结, 直接答复, 联合派单, 满意率 …) and the
  document's details (pre-filled from the latest circular where they carry over).
- 填写说明 says all this in Chinese. Filled in and saved, it imports with ``scripts/import_quarter.py``.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from hotline.data import schema
from hotline.data.importer.workbook import ATTACHMENT_SHEETS, HEADLINE_FIELDS, HEADLINE_SHEET, INSTRUCTIONS_SHEET
from hotline.data.quarter_id import QuarterId
from hotline.data.quarters import discover_quarters, load_quarter
from hotline.data.registry import Registry
from hotline.rules import scoring

BOLD = Font(bold=True)
COMPUTED = PatternFill("solid", fgColor="EAF2E3")  # formula cells: computed, may be typed over
INPUT = PatternFill("solid", fgColor="FFF8DC")
UNLOCKED = Protection(locked=False)
FIRST_ROW = 4  # row 1 title, row 2 (包含联合派单), row 3 header


def _order(data_dir: Path, registry: Registry, quarter: QuarterId) -> tuple[dict[str, list[tuple[str, str]]], object]:
    """Per kind, (name, parent name) rows: the latest earlier quarter's order, then units new to the
    registry; sub-units always under their parent. Also that quarter (or None)."""
    earlier = [q for q in discover_quarters(data_dir) if q < quarter]
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


def _attachment(book: Workbook, kind: str, rows: list[tuple[str, str]], quarter: QuarterId) -> dict[str, str]:
    """One attachment sheet; returns the cells of its 总计 row by column key."""
    sheet = book.create_sheet(ATTACHMENT_SHEETS[kind])
    subs = kind == schema.DEPARTMENT
    columns = [c for c in schema.FILE_COLUMNS if c is not schema.SUB_UNIT or subs]
    letter = {c.key: get_column_letter(n) for n, c in enumerate(columns, start=1)}
    sheet.append([f"{quarter.zh}{schema.ATTACHMENT_TITLE[kind]}"])
    sheet.append(["(包含联合派单)"])
    sheet.append([c.zh for c in columns])
    for cell in sheet[3]:
        cell.font = BOLD
        cell.alignment = Alignment(wrap_text=True, horizontal="center")
    counts = DataValidation(
        type="whole",
        operator="greaterThanOrEqual",
        formula1="0",
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="应为非负整数",
        error="工单数量应填非负整数，空白表示0。",
    )
    first_points = f"{letter['bonus']}{FIRST_ROW}"
    points = DataValidation(
        type="custom",
        formula1=f"=AND(ISNUMBER({first_points}),{first_points}>=0,ROUND({first_points},1)={first_points})",
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="应为分值",
        error="分值应为不小于0的数，最多一位小数，空白表示0。",
    )
    sheet.add_data_validation(counts)
    sheet.add_data_validation(points)
    row = FIRST_ROW
    starts: list[int] = []
    for name, parent in rows:
        if parent:
            values = ["", name] if subs else [name]
        else:
            values = [name, ""] if subs else [name]
            starts.append(row)
        sheet.append(values)
        for column in schema.COUNT_COLUMNS:
            cell = sheet[f"{letter[column.key]}{row}"]
            cell.protection, cell.fill = UNLOCKED, INPUT
            counts.add(cell)
        for column in schema.POINT_COLUMNS:
            cell = sheet[f"{letter[column.key]}{row}"]
            cell.protection, cell.fill = UNLOCKED, INPUT
            points.add(cell)
        row += 1
    last = row - 1
    score = letter["published_score"]
    for n, start in enumerate(starts):
        end = (starts[n + 1] - 1) if n + 1 < len(starts) else last
        bonus, penalty = letter["bonus"], letter["penalty"]
        cell = sheet[f"{score}{start}"]
        cell.value = (  # the scoring rule (hotline.rules.scoring) as a spreadsheet formula
            f"=MIN({scoring.MAX_SCORE:g},{scoring.BASE_SCORE:g}"
            f"+SUM({bonus}{start}:{bonus}{end})-SUM({penalty}{start}:{penalty}{end}))"
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
        totals[column.key] = f"'{sheet.title}'!{letter[column.key]}{total_row}"
    sheet.column_dimensions["A"].width = 24
    if subs:
        sheet.column_dimensions["B"].width = 18
    sheet.freeze_panes = f"B{FIRST_ROW}"
    sheet.protection.sheet = True  # headers and names locked; the figures are the input cells
    return totals


def _headline(book: Workbook, quarter: QuarterId, latest, totals: dict[str, dict[str, str]]) -> None:
    sheet = book.create_sheet(HEADLINE_SHEET, 0)
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
        if field.type == "int":
            rule = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0", allow_blank=True)
        elif field.type == "float" and field.key.endswith("_pct"):
            rule = DataValidation(type="decimal", operator="between", formula1="0", formula2="100", allow_blank=True)
        elif field.type == "date":
            rule = DataValidation(type="date", operator="greaterThan", formula1="36526", allow_blank=True)
        else:
            rule = None
        if rule is not None:
            rule.showErrorMessage = True
            rule.error = f"{field.label}：{field.note or '请按说明填写'}"
            sheet.add_data_validation(rule)
            rule.add(cell)
    towns, departments = totals[schema.TOWN], totals[schema.DEPARTMENT]
    formulas = {
        "headline.completion_rate_pct": f"=ROUND(B{{completed}}/B{{received}}*100,{scoring.COMPLETION_RATE_DECIMALS})",
        "headline.overdue_rate_pct": f"=ROUND(B{{overdue}}/B{{received}}*100,{scoring.OVERDUE_RATE_DECIMALS})",
        "headline.assigned_towns": f"={towns['work_orders']}",
        "headline.assigned_departments": f"={departments['work_orders']}",
        "headline.extended": f"={towns['extended']}+{departments['extended']}",
        "headline.redone": f"={towns['redone']}+{departments['redone']}",
        "headline.overdue": f"={towns['overdue']}+{departments['overdue']}",
    }
    for key, formula in formulas.items():
        places = {k.split(".")[-1]: v for k, v in rows.items()}
        sheet[f"B{rows[key]}"] = formula.format(**places)
        sheet[f"B{rows[key]}"].comment = Comment(
            "由公式按附件表格计算；如通报须写不同的数字，可直接覆盖，make check 会列出差异。", "12345"
        )
    sheet.column_dimensions["A"].width = 30
    sheet.column_dimensions["B"].width = 40
    sheet.column_dimensions["C"].width = 44
    sheet.column_dimensions["D"].hidden = True
    sheet.protection.sheet = True


INSTRUCTIONS = [
    "本工作簿用于录入{quarter}通报的数据，由 make new-quarter 按单位名录生成。",
    "一、附件1、附件2：按各单位本季度的实际情况，填写承办工单量、延期量、重办量、逾期量、加分值、减分值。"
    "空白表示0；分值最多一位小数。",
    "    单位名称按单位名录和上季度通报列出，不要改动；下属单位列在其上级部门之下。公文附件按计分规则排序，"
    "与这里的顺序无关。新设或改名的单位，请先在单位名录（data/units.csv、data/unit_aliases.csv）中登记，再重新生成本表。",
    "    绿色单元格是公式：综合得分按计分规则（100 + 加分合计 − 减分合计，最高100，下属单位计入上级部门）计算，"
    "总计行为各行之和。",
    "二、主要数字：黄色单元格填写平台统计的数字（受理、办结、直接答复、联合派单、满意率等）和文件信息；"
    "绿色单元格由公式计算。",
    "    如通报必须写与公式不同的数字，可以直接覆盖；导入后运行 make check，程序会逐项列出与附件表格、"
    "计分规则不一致之处。",
    "三、填好后保存，运行：.venv/bin/python scripts/import_quarter.py 本工作簿.xlsx --entered-by 录入人姓名",
    "    导入后即可运行 make check Q={id} 核对数字；再按原文写好叙述部分（前言、存在问题、工作要求等，"
    "见季度文件夹中的 .md 文件）。",
    "    每一处差异须更正数据，或在 circular.toml 的 [acknowledged] 中写明原因，才能生成公文；"
    '确认无误、印发后把 status 改为 "issued"。',
]


def write_entry_workbook(data_dir: Path, quarter: QuarterId, path: Path) -> Path:
    registry = Registry.load(data_dir)
    kinds, latest = _order(Path(data_dir), registry, quarter)
    book = Workbook()
    instructions = book.active
    instructions.title = INSTRUCTIONS_SHEET
    for line in INSTRUCTIONS:
        instructions.append([line.format(quarter=quarter.zh, id=quarter)])
    instructions.column_dimensions["A"].width = 120
    totals = {kind: _attachment(book, kind, rows, quarter) for kind, rows in kinds.items()}
    _headline(book, quarter, latest, totals)
    book.active = 0
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path
