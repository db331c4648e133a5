"""Column names, kinds of unit and Chinese labels: the one place every other module imports them from."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

ColumnType = Literal["name", "count", "points", "score", "kind", "flag", "date"]


@dataclass(frozen=True)
class Column:
    key: str  # name used in code and in the open-data tables
    zh: str  # header in the data files and on the site, as printed in the circular
    type: ColumnType
    description_zh: str
    description_en: str


# Kinds of unit: which attachment a unit is scored in. Data and open data use the keys; pages,
# documents and the Chinese workbook use the labels the circular's format gives them
# (data/format.toml, hotline.format).
TOWN = "town"
DEPARTMENT = "department"
KINDS = (TOWN, DEPARTMENT)  # in attachment order
# The example flag: a boolean in data and open data; 是/否 where a Chinese reader sees it.
FLAG_ZH = {True: "是", False: "否"}


def label(column: Column, value, kinds: dict[str, str]) -> str:
    """What a reader sees for a key or a flag (``kinds[value]``, 镇办 for town; 是 for True); other
    values unchanged."""
    if column.type == "kind":
        return kinds.get(value, value)
    if column.type == "flag":
        return FLAG_ZH[bool(value)]
    return value


UNIT = Column("unit", "办理部门", "name", "承办单位名称（镇办或部门）。", "Handling unit (town office or department).")
SUB_UNIT = Column(
    "sub_unit",
    "下属单位",
    "name",
    "部门的下属单位名称；该行的“办理部门”填其上级部门。",
    "Sub-unit of a department; its row names the parent in the unit column.",
)
WORK_ORDERS = Column(
    "work_orders",
    "承办工单量",
    "count",
    "本季度交由该单位承办的工单数（含联合派单）。空白记为0。",
    "Work orders assigned to the unit this quarter (joint dispatches included). Blank means 0.",
)
EXTENDED = Column(
    "extended",
    "延期量",
    "count",
    "申请延期办理的工单数。空白记为0。",
    "Work orders whose deadline was extended. Blank means 0.",
)
REDONE = Column(
    "redone",
    "重办量",
    "count",
    "因回复不合格被退回重办的工单数。空白记为0。",
    "Work orders sent back to be handled again. Blank means 0.",
)
OVERDUE = Column(
    "overdue",
    "逾期量",
    "count",
    "超过办理时限的工单数。空白记为0。",
    "Work orders answered after the deadline. Blank means 0.",
)
BONUS = Column(
    "bonus",
    "加分值",
    "points",
    "考评加分（分）。空白记为0。",
    "Bonus points in the quarterly assessment. Blank means 0.",
)
PENALTY = Column(
    "penalty",
    "减分值",
    "points",
    "考评减分（分）。空白记为0。",
    "Penalty points in the quarterly assessment. Blank means 0.",
)
PUBLISHED_SCORE = Column(
    "published_score",
    "综合得分",
    "score",
    "通报公布的综合得分（0–100）。下属单位没有单独得分，计入上级部门。",
    "Composite score as published (0–100). Sub-units have none; they count towards their parent.",
)

#: Columns of a quarter's attachment file, in file order.
FILE_COLUMNS: tuple[Column, ...] = (
    UNIT,
    SUB_UNIT,
    WORK_ORDERS,
    EXTENDED,
    REDONE,
    OVERDUE,
    BONUS,
    PENALTY,
    PUBLISHED_SCORE,
)
COUNT_COLUMNS: tuple[Column, ...] = (WORK_ORDERS, EXTENDED, REDONE, OVERDUE)
POINT_COLUMNS: tuple[Column, ...] = (BONUS, PENALTY)

# Columns the project derives; described here so the site's data dictionary covers them too.
QUARTER = Column("quarter", "季度", "name", "季度编号，如 2024Q1。", "Quarter id, e.g. 2024Q1.")
KIND = Column(
    "kind",
    "类别",
    "kind",
    "town（镇办，附件1）或 department（部门，附件2）。",
    "town (town office, attachment 1) or department (attachment 2).",
)
PARENT = Column(
    "parent",
    "上级部门",
    "name",
    "下属单位所属的部门；其他单位为空。",
    "Parent department of a sub-unit; empty otherwise.",
)
COMBINED_WORK_ORDERS = Column(
    "combined_work_orders",
    "合计工单量",
    "count",
    "单位及其下属单位的承办工单量之和，用于排名。",
    "Work orders of a unit and its sub-units together; used for ranking.",
)
COMPOSITE_SCORE = Column(
    "composite_score",
    "综合得分（按规则）",
    "score",
    "按公开规则由加分值、减分值计算的综合得分。",
    "Composite score computed by the published rule from bonus and penalty points.",
)
# The same column where the format takes the circular's published scores as the scores (see
# hotline.format.model.Score): nothing is recomputed, and the column says so.
COMPOSITE_SCORE_PUBLISHED = Column(
    "composite_score",
    "综合得分（通报公布）",
    "score",
    "通报公布的综合得分：通报格式规定采用公布的得分，本网站不按规则重新计算。",
    "Composite score as published: the circular's format takes the published scores as they are.",
)
RANK = Column("rank", "排名", "count", "在同类单位（镇办或部门）中的名次。", "Rank among units of the same kind.")

UNIT_ID = Column(
    "unit_id",
    "单位编号",
    "name",
    "单位名录中的稳定编号，改名后不变。",
    "Stable id from the unit registry; unchanged by renames.",
)
CATEGORY = Column(
    "category",
    "单位类别",
    "name",
    "单位名录中的类别：镇办、部门、企业或其他。",
    "Registry category: town office, department, enterprise or other.",
)
EXAMPLE = Column(
    "example",
    "示例数据",
    "flag",
    "true（是）表示该季度为程序生成的示例数据，不是真实通报。",
    "true marks a synthetic example quarter, not a real circular.",
)

DERIVED_COLUMNS: tuple[Column, ...] = (
    QUARTER,
    UNIT_ID,
    CATEGORY,
    KIND,
    PARENT,
    COMBINED_WORK_ORDERS,
    COMPOSITE_SCORE,
    RANK,
    EXAMPLE,
)

# The headline figures of each quarter, as published (the open-data headline table).
HEADLINE_COLUMNS: tuple[Column, ...] = (
    Column(
        "received", "受理", "count", "通报公布的本季度受理事项数。", "Requests received in the quarter, as published."
    ),
    Column(
        "completed",
        "办结",
        "count",
        "通报公布的截止日期前办结数。",
        "Requests completed by the cut-off date, as published.",
    ),
    Column(
        "completed_as_of", "办结统计截止日期", "date", "办结数的统计截止日期。", "Cut-off date of the completed count."
    ),
    Column("completion_rate_pct", "办结率（%）", "score", "通报公布的办结率。", "Completion rate as published (%)."),
    Column(
        "extended",
        "延期",
        "count",
        "通报正文公布的延期件数。",
        "Extended work orders, as stated in the circular's text.",
    ),
    Column(
        "redone", "重办", "count", "通报正文公布的重办件数。", "Redone work orders, as stated in the circular's text."
    ),
    Column(
        "overdue", "逾期", "count", "通报正文公布的逾期件数。", "Overdue work orders, as stated in the circular's text."
    ),
    Column(
        "answered_directly", "电话直接答复", "count", "通过电话咨询直接答复的件数。", "Answered directly on the phone."
    ),
    Column(
        "assigned_towns",
        "交办各镇（办）",
        "count",
        "交办各镇办的件数（通报公布）。",
        "Assigned to town offices, as published.",
    ),
    Column(
        "assigned_departments",
        "交办部门和单位",
        "count",
        "交办部门和单位的件数（通报公布）。",
        "Assigned to departments, as published.",
    ),
    Column(
        "joint_dispatch",
        "联合派单",
        "count",
        "联合派单件数，已含在镇办、部门数中。",
        "Joint dispatches, included in the assigned counts.",
    ),
    Column(
        "overdue_rate_pct",
        "逾期率（%）",
        "score",
        "通报公布的逾期率，计算口径未说明。",
        "Overdue rate as published (%); its basis is not stated.",
    ),
    Column(
        "satisfaction_change_pts",
        "满意率变化（%）",
        "score",
        "满意率较上季度的变化，下降为负。",
        "Change in satisfaction from the previous quarter; negative is a fall.",
    ),
)

BY_KEY: dict[str, Column] = {c.key: c for c in FILE_COLUMNS + DERIVED_COLUMNS}

ATTACHMENT_NO = {TOWN: 1, DEPARTMENT: 2}
ATTACHMENT_FILE = {TOWN: "towns.csv", DEPARTMENT: "departments.csv"}

# The circular's format, at the top of a data folder (read by hotline.format.load).
FORMAT_FILE = "format.toml"

# The files of a quarter's folder, data/quarters/<quarter>/.
CIRCULAR_FILE = "circular.toml"  # document details and the figures as published
NARRATIVE_FILES = {  # the circular's text, in the Markdown subset of hotline.data.narrative
    "preamble": "preamble.md",
    "quality_remark": "quality_remark.md",
    "problems": "problems.md",
    "requirements": "requirements.md",
}
QUARTER_FILES = (CIRCULAR_FILE, *ATTACHMENT_FILE.values(), *NARRATIVE_FILES.values())  # checksummed
QUARTER_FILE_ZH = {  # how the public pages name them (the corrections log)
    CIRCULAR_FILE: "通报文件信息与数字",
    ATTACHMENT_FILE[TOWN]: "附件1（镇办）",
    ATTACHMENT_FILE[DEPARTMENT]: "附件2（部门）",
    NARRATIVE_FILES["preamble"]: "前言",
    NARRATIVE_FILES["quality_remark"]: "办理质量评述",
    NARRATIVE_FILES["problems"]: "存在问题",
    NARRATIVE_FILES["requirements"]: "工作要求",
}


def zh(key: str) -> str:
    """Chinese label of a column key."""
    return BY_KEY[key].zh
