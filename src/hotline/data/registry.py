"""The unit registry: a stable id for every unit, whatever name a circular printed it under.

``data/units.csv`` lists each unit once under its current name; ``data/unit_aliases.csv`` lists
former names with the quarters they were used in, so a renamed bureau stays one unit over time.

Two optional columns of ``units.csv`` let readers find a unit by the words they use rather than the
short name the circular prints: 全称 (the official full name, 白水县市场监督管理局 for 市场局) and
搜索词 (words citizens type for what the unit handles: 供电, 自来水, 供暖, separated by 、). A file
without them is read as before; a row may leave them out or blank.
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
FULL_NAME, SEARCH_TERMS = "全称", "搜索词"
OPTIONAL_UNIT_COLUMNS = (FULL_NAME, SEARCH_TERMS)  # after the required ones, in either order
ALIAS_HEADER = ["曾用名", "编号", "起始季度", "截止季度", "说明"]
CATEGORIES = ("镇办", "部门", "企业", "其他")
_ID = re.compile(r"^[A-Z][0-9]{2,4}$")
_TERM_SEPARATORS = re.compile(r"[、,，;；\s]+")
MAX_TERMS = 20  # search words of one unit: more is a pasted list, not what citizens say


@dataclass(frozen=True)
class Unit:
    id: str
    name: str
    category: str
    parent_id: str
    note: str
    full_name: str = ""  # 全称: the official name, when the registry gives it
    search_terms: tuple[str, ...] = ()  # 搜索词: words citizens use for the unit


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


def unit_columns(found: list[str]) -> bool:
    """Whether a header row is the registry's: the required columns in order, then any of the
    optional ones, each once."""
    required, rest = found[: len(UNIT_HEADER)], found[len(UNIT_HEADER) :]
    return required == UNIT_HEADER and len(set(rest)) == len(rest) and all(c in OPTIONAL_UNIT_COLUMNS for c in rest)


def unit_rows(folder: DataFolder, path: Path):
    """The rows of ``units.csv`` as (line number, {column: stripped cell}), every optional column
    present (blank when the file has not got it, or a row stops before it). A wrong header or a row
    of the wrong width is a :class:`DataError` naming the file and line."""
    import csv
    import io

    reader = csv.reader(io.StringIO(folder.read_text(path)))
    try:
        header = [h.strip() for h in next(reader, [])]
        if not unit_columns(header):
            optional = "、".join(OPTIONAL_UNIT_COLUMNS)
            raise DataError(path, f"表头应为：{','.join(UNIT_HEADER)}，其后可加可选列{optional}", line=1)
        for line, cells in enumerate(reader, start=2):
            if not any(c.strip() for c in cells):
                continue
            if not len(UNIT_HEADER) <= len(cells) <= len(header):
                raise DataError(path, f"这一行有{len(cells)}个单元格，表头有{len(header)}个", line=line)
            row = dict.fromkeys(OPTIONAL_UNIT_COLUMNS, "")
            row.update(zip(header, (c.strip() for c in cells), strict=False))
            yield line, row
    except csv.Error as exc:
        raise DataError(path, f"CSV 格式错误：{exc}（常见原因：引号不成对）", line=reader.line_num) from None


def _search_terms(text: str, path: Path, line: int) -> tuple[str, ...]:
    """搜索词: words separated by 、 (or commas, semicolons, spaces), each of two or more characters."""
    terms = tuple(dict.fromkeys(t for t in _TERM_SEPARATORS.split(text) if t))
    for term in terms:
        values.check_name(term, path, line, SEARCH_TERMS, limit=values.MAX_NAME)
        if len(term) < 2:
            raise DataError(
                path,
                f"搜索词“{term}”只有一个字：一个字的词会找到太多页面，请写两个字以上的词",
                line=line,
                column=SEARCH_TERMS,
            )
    if len(terms) > MAX_TERMS:
        raise DataError(
            path, f"搜索词有{len(terms)}个，上限{MAX_TERMS}个：请只写群众最常用的叫法", line=line, column=SEARCH_TERMS
        )
    return terms


def _check_search_names(units: list[Unit], lines: dict[str, int], path: Path) -> None:
    """A full name is one unit's only: it may not read the same as another unit's name or full name
    (a reader searching it would be sent to the wrong unit), and a search word may not be another
    unit's name or full name (it would hide that unit)."""
    owner = {same_name(u.name): u for u in units}
    for unit in units:
        if not unit.full_name:
            continue
        other = owner.get(same_name(unit.full_name))
        if other is not None and other.id != unit.id:
            what = "名称" if same_name(other.name) == same_name(unit.full_name) else "全称"
            raise DataError(
                path,
                f"全称“{unit.full_name}”与第{lines[other.id]}行“{other.name}”的{what}相同：每个单位的全称只能属于它自己",
                line=lines[unit.id],
                column=FULL_NAME,
            )
        owner[same_name(unit.full_name)] = unit
    for unit in units:
        for term in unit.search_terms:
            other = owner.get(same_name(term))
            if other is not None and other.id != unit.id:
                raise DataError(
                    path,
                    f"搜索词“{term}”是第{lines[other.id]}行“{other.name}”的名称或全称：搜索它应找到那个单位，请删去",
                    line=lines[unit.id],
                    column=SEARCH_TERMS,
                )


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
        for line, row in unit_rows(folder, path):
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
            full_name = values.check_name(row[FULL_NAME], path, line, FULL_NAME) if row[FULL_NAME] else ""
            terms = _search_terms(row[SEARCH_TERMS], path, line)
            units.append(Unit(uid, name, category, parent, row["说明"], full_name, terms))
        by_id = {u.id: u for u in units}
        _check_search_names(units, seen_ids, path)
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
        for unit in units:
            for alias in aliases:
                if alias.unit_id != unit.id and same_name(alias.name) in {same_name(t) for t in unit.search_terms}:
                    raise DataError(
                        path,
                        f"搜索词“{alias.name}”是“{by_id[alias.unit_id].name}”的曾用名：搜索它应找到那个单位，请删去",
                        line=seen_ids[unit.id],
                        column=SEARCH_TERMS,
                    )
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
        for unit in self.units.values():
            if unit.full_name and same_name(unit.full_name) == same_name(name):
                return (
                    f"“{name}”是“{unit.name}”的全称（见单位名录 data/units.csv 的“全称”列）：附件中请写名录中的名称"
                    f"“{unit.name}”；若单位已改用这个名称，请用 make rename FROM={unit.name} TO={name}"
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

    def search_names_of(self, unit_id: str) -> list[str]:
        """Every name a reader may look a unit up by: its published names, then its full name."""
        unit = self.units[unit_id]
        return list(dict.fromkeys([*self.names_of(unit_id), *([unit.full_name] if unit.full_name else [])]))
