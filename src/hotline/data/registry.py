"""The unit registry: a stable id for every unit, whatever name a circular printed it under.

``data/units.csv`` lists each unit once under its current name; ``data/unit_aliases.csv`` lists
former names with the quarters they were used in, so a renamed bureau stays one unit over time.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from hotline.data import values
from hotline.data.errors import DataError
from hotline.data.files import DataFolder, csv_rows
from hotline.data.quarter_id import QuarterId

UNITS_FILE = "units.csv"
ALIASES_FILE = "unit_aliases.csv"
UNIT_HEADER = ["编号", "名称", "类别", "上级单位编号", "说明"]
ALIAS_HEADER = ["曾用名", "编号", "起始季度", "截止季度", "说明"]
CATEGORIES = ("镇办", "部门", "企业", "其他")
_ID = re.compile(r"^[A-Z][0-9]{2,4}$")


@dataclass(frozen=True)
class Unit:
    id: str
    name: str
    category: str
    parent_id: str
    note: str


@dataclass(frozen=True)
class Alias:
    name: str
    unit_id: str
    first: QuarterId | None
    last: QuarterId | None
    note: str

    def covers(self, quarter: QuarterId) -> bool:
        return (self.first is None or self.first <= quarter) and (self.last is None or quarter <= self.last)


def same_name(name: str) -> str:
    """A name as a reader sees it: full-width and compatibility forms folded (NFKC), spaces gone.
    Two units whose names are the same this way would show as one on every page."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", name))


def _quarter(text: str, path: Path, line: int, column: str) -> QuarterId | None:
    return values.parse_quarter(text, path, line, column) if text else None


class Registry:
    def __init__(self, units: list[Unit], aliases: list[Alias]):
        self.units = {u.id: u for u in units}
        self.by_name = {u.name: u for u in units}
        self.aliases = aliases

    @classmethod
    def load(cls, data: DataFolder | Path) -> Registry:
        folder = DataFolder.of(data)
        path = folder.path(UNITS_FILE)
        units: list[Unit] = []
        seen_ids: dict[str, int] = {}
        seen_names: dict[str, int] = {}
        for line, row in csv_rows(folder, path, UNIT_HEADER):
            uid, category, parent = row["编号"], row["类别"], row["上级单位编号"]
            if not _ID.match(uid):
                raise DataError(path, f"编号“{uid}”格式不对，应为大写字母加数字，如 D01", line=line, column="编号")
            name = values.check_name(row["名称"], path, line, "名称")
            for key, seen, column in ((uid, seen_ids, "编号"), (same_name(name), seen_names, "名称")):
                if key in seen:
                    alike = "（或看起来相同：全角半角、空格不同的名称在网页上是同一个名称）" if column == "名称" else ""
                    raise DataError(
                        path, f"“{row[column]}”与第{seen[key]}行的{column}重复{alike}", line=line, column=column
                    )
                seen[key] = line
            if category not in CATEGORIES:
                raise DataError(path, f"类别应为{'、'.join(CATEGORIES)}之一", line=line, column="类别")
            units.append(Unit(uid, name, category, parent, row["说明"]))
        by_id = {u.id: u for u in units}
        for unit in units:
            line = seen_ids[unit.id]
            if not unit.parent_id:
                continue
            if unit.parent_id not in by_id:
                raise DataError(path, f"上级单位编号“{unit.parent_id}”不在名录中", line=line, column="上级单位编号")
            if unit.parent_id == unit.id:
                raise DataError(path, "上级单位不能是自己", line=line, column="上级单位编号")
            if (unit.category == "镇办") != (by_id[unit.parent_id].category == "镇办"):
                raise DataError(
                    path,
                    f"“{unit.name}”（{unit.category}）与上级单位“{by_id[unit.parent_id].name}”"
                    f"（{by_id[unit.parent_id].category}）不在同一个附件：镇办与部门不能互为上下级",
                    line=line,
                    column="上级单位编号",
                )
            if by_id[unit.parent_id].parent_id:
                raise DataError(
                    path,
                    f"上级单位“{by_id[unit.parent_id].name}”本身也是下属单位：下属单位只有一级",
                    line=line,
                    column="上级单位编号",
                )
        alias_path = folder.path(ALIASES_FILE)
        aliases = []
        for line, row in csv_rows(folder, alias_path, ALIAS_HEADER):
            name = values.check_name(row["曾用名"], alias_path, line, "曾用名")
            if row["编号"] not in by_id:
                raise DataError(alias_path, f"编号“{row['编号']}”不在单位名录中", line=line, column="编号")
            first = _quarter(row["起始季度"], alias_path, line, "起始季度")
            last = _quarter(row["截止季度"], alias_path, line, "截止季度")
            if first and last and first > last:
                raise DataError(alias_path, f"起始季度 {first} 晚于截止季度 {last}", line=line, column="截止季度")
            aliases.append(Alias(name, row["编号"], first, last, row["说明"]))
        return cls(units, aliases)

    def resolve(self, name: str, quarter: QuarterId) -> Unit | None:
        """The unit a published name meant in a quarter: a former name in its period, else the current name."""
        for alias in self.aliases:
            if alias.name == name and alias.covers(quarter):
                return self.units[alias.unit_id]
        return self.by_name.get(name)

    def closest(self, name: str, count: int = 3) -> list[str]:
        """Registry names like ``name``, never ``name`` itself (an error offering the very name it
        refuses helps nobody)."""
        names = [n for n in dict.fromkeys([*self.by_name, *(a.name for a in self.aliases)]) if n != name]
        return difflib.get_close_matches(name, names, n=count, cutoff=0.3)

    def unknown(self, name: str, quarter: QuarterId) -> str:
        """Why ``name`` names no unit in ``quarter``, and what staff do about it."""
        for alias in self.aliases:
            if alias.name == name:
                period = f"{alias.first or '最早'}至{alias.last or '现在'}"
                return (
                    f"“{name}”是“{self.units[alias.unit_id].name}”的曾用名，登记的使用期间（{period}）不含{quarter}："
                    f"{quarter} 起请用现用名称“{self.units[alias.unit_id].name}”（重新生成录入表：make new-quarter）"
                )
        close = self.closest(name)
        hint = f"最接近的名称：{'、'.join(close)}" if close else "名录中没有相近的名称"
        return (
            f"单位“{name}”不在单位名录 data/units.csv 中（{hint}）。若是新单位，请先登记："
            f"make add-unit NAME={name} KIND=类别（镇办、部门、企业或其他）；"
            f"若是改名，请用 make rename FROM=原名称 TO={name}"
        )

    def names_of(self, unit_id: str) -> list[str]:
        """Every name a unit has been published under, current name first."""
        return [self.units[unit_id].name] + [a.name for a in self.aliases if a.unit_id == unit_id]
