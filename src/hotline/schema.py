"""Column names, kinds of unit and Chinese labels: the one place every other module imports them from."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

ColumnType = Literal["name", "count", "points", "score"]


@dataclass(frozen=True)
class Column:
    key: str  # name used in code and in the open-data tables
    zh: str  # header in the data files and on the site, as printed in the circular
    type: ColumnType
    description_zh: str
    description_en: str


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
    "kind", "类别", "name", "镇办（附件1）或部门（附件2）。", "Town office (attachment 1) or department (attachment 2)."
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
RANK = Column("rank", "排名", "count", "在同类单位（镇办或部门）中的名次。", "Rank among units of the same kind.")

DERIVED_COLUMNS: tuple[Column, ...] = (QUARTER, KIND, PARENT, COMBINED_WORK_ORDERS, COMPOSITE_SCORE, RANK)

BY_KEY: dict[str, Column] = {c.key: c for c in FILE_COLUMNS + DERIVED_COLUMNS}

# Kinds of unit: which attachment a unit is scored in.
TOWN = "town"
DEPARTMENT = "department"
KIND_ZH = {TOWN: "镇办", DEPARTMENT: "部门"}
ATTACHMENT_NO = {TOWN: 1, DEPARTMENT: 2}
ATTACHMENT_FILE = {TOWN: "towns.csv", DEPARTMENT: "departments.csv"}
ATTACHMENT_TITLE = {TOWN: "各镇办工单办理情况", DEPARTMENT: "各部门工单办理情况"}


def zh(key: str) -> str:
    """Chinese label of a column key."""
    return BY_KEY[key].zh
