"""Read and validate one quarter's files from ``data/quarters/<quarter>/``.

Everything is checked before anything is built, and every problem is reported as a
:class:`DataError` naming the file, the line and the column, so staff can fix the cell.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from hotline.data import schema
from hotline.data.errors import DataError
from hotline.data.quarter_id import QuarterId, quarters_dir
from hotline.data.registry import Registry

CIRCULAR_FILE = "circular.toml"
NARRATIVE_FILES = {
    "preamble": "preamble.md",
    "quality_remark": "quality_remark.md",
    "problems": "problems.md",
    "requirements": "requirements.md",
}

_COUNT = re.compile(r"^[0-9]+$")
_NUMBER = re.compile(r"^-?[0-9]+(\.[0-9]+)?$")
_FULL_WIDTH = re.compile(r"[\uff10-\uff19\uff0e\uff0d]")


@dataclass(frozen=True)
class Document:
    number: str
    title: str
    issuer: str
    addressees: str
    date: dt.date
    cc: tuple[str, ...]
    copies_printed: int | None = None


@dataclass(frozen=True)
class Outstanding:
    unit: str
    count: int


@dataclass(frozen=True)
class Headline:
    """The headline figures exactly as the circular publishes them."""

    received: int
    completed: int
    completed_as_of: dt.date
    completion_rate_pct: float
    extended: int
    redone: int
    overdue: int
    answered_directly: int
    assigned_towns: int
    assigned_departments: int
    joint_dispatch: int
    joint_dispatch_outstanding: int
    overdue_rate_pct: float | None
    satisfaction_change_pts: float | None
    satisfaction_compared_with: str | None
    outstanding: tuple[Outstanding, ...]
    monthly_satisfaction: tuple[tuple[str, float], ...]


@dataclass(frozen=True)
class Quarter:
    id: QuarterId
    folder: Path
    document: Document
    headline: Headline
    units: pd.DataFrame  # one row per unit and sub-unit, in file order (see load_attachment)
    published_totals: dict[str, dict[str, int]]  # kind -> column key -> 总计 row value
    published_top_volume: tuple[tuple[str, int], ...]
    published_best_units: tuple[str, ...]
    narrative: dict[str, str] = field(default_factory=dict)
    example: bool = False  # synthetic data made by hotline.examples: every page says so


# --- attachment tables -------------------------------------------------------------------------


def _decode(path: Path) -> str:
    raw = path.read_bytes()
    if not raw.strip():
        raise DataError(path, "文件为空，至少应有表头行")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        hint = ""
        try:
            raw.decode("gb18030")
            hint = "看起来是 Excel 保存的 GBK 编码；"
        except UnicodeDecodeError:
            pass
        raise DataError(
            path, f"文件不是 UTF-8 编码，{hint}请在 Excel 中“另存为 → CSV UTF-8”后再提交", line=line
        ) from None


def _parse_count(text: str, path: Path, line: int, column: schema.Column) -> int:
    if text == "":
        return 0
    if _FULL_WIDTH.search(text):
        raise DataError(path, f"“{text}”含全角数字或符号，请改用半角数字", line=line, column=column.zh)
    if not _NUMBER.match(text):
        raise DataError(path, f"“{text}”不是数字，应填非负整数（空白记为0）", line=line, column=column.zh)
    if text.startswith("-"):
        raise DataError(path, f"“{text}”是负数，工单数量不能为负", line=line, column=column.zh)
    if not _COUNT.match(text):
        raise DataError(path, f"“{text}”不是整数，工单数量应为整数", line=line, column=column.zh)
    return int(text)


def _parse_number(text: str, path: Path, line: int, column: schema.Column) -> float | None:
    if text == "":
        return None
    if _FULL_WIDTH.search(text):
        raise DataError(path, f"“{text}”含全角数字或符号，请改用半角数字", line=line, column=column.zh)
    if not _NUMBER.match(text):
        raise DataError(path, f"“{text}”不是数字", line=line, column=column.zh)
    value = float(text)
    if value < 0:
        raise DataError(path, f"“{text}”是负数，分值不能为负", line=line, column=column.zh)
    return value


def _check_header(header: list[str], path: Path) -> None:
    expected = [c.zh for c in schema.FILE_COLUMNS]
    header = [h.strip() for h in header]
    missing = [h for h in expected if h not in header]
    extra = [h for h in header if h not in expected]
    if missing:
        raise DataError(
            path, f"缺少列「{'」「'.join(missing)}」；表头应为：{','.join(expected)}", line=1, column=missing[0]
        )
    if extra:
        raise DataError(
            path, f"多出未知的列「{'」「'.join(extra)}」；表头应为：{','.join(expected)}", line=1, column=extra[0]
        )
    if header != expected:
        raise DataError(path, f"列的顺序不对；表头应为：{','.join(expected)}", line=1)


def load_attachment(path: Path, kind: str) -> pd.DataFrame:
    """One attachment table: a row per unit or sub-unit, sub-units naming their parent.

    Columns: ``kind, unit, parent`` (empty for top-level units), the count and point columns
    (blank read as 0), ``published_score`` (NaN where none is printed), ``source_line``.
    """
    reader = csv.reader(io.StringIO(_decode(path)))
    header = next(reader)
    _check_header(header, path)
    width = len(header)
    rows: list[dict] = []
    top_level: set[str] = set()
    for line, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != width:
            raise DataError(
                path, f"这一行有{len(cells)}个单元格，表头有{width}个：可能有单元格错位或多余的逗号", line=line
            )
        value = dict(zip((c.key for c in schema.FILE_COLUMNS), (c.strip() for c in cells), strict=True))
        name, sub_unit = value["unit"], value["sub_unit"]
        if not name:
            column = schema.UNIT.zh
            message = "单位名称为空" if not sub_unit else f"下属单位“{sub_unit}”的上级部门为空：请在本列填写上级部门"
            raise DataError(path, message, line=line, column=column)
        row = {"kind": kind, "unit": sub_unit or name, "parent": name if sub_unit else ""}
        if sub_unit:
            if kind == schema.TOWN:
                raise DataError(path, "镇办表（附件1）不应有下属单位", line=line, column=schema.SUB_UNIT.zh)
            if name not in top_level:
                raise DataError(
                    path,
                    f"上级部门“{name}”不在本表之前的行中：下属单位须写在其上级部门之后，且上级部门名称须与其所在行一致",
                    line=line,
                    column=schema.UNIT.zh,
                )
        else:
            top_level.add(name)
        for column in schema.COUNT_COLUMNS:
            row[column.key] = _parse_count(value[column.key], path, line, column)
        for column in schema.POINT_COLUMNS:
            row[column.key] = _parse_number(value[column.key], path, line, column) or 0.0
        score = _parse_number(value["published_score"], path, line, schema.PUBLISHED_SCORE)
        if score is not None and sub_unit:
            raise DataError(
                path,
                "下属单位没有单独的综合得分，请留空（得分计入上级部门）",
                line=line,
                column=schema.PUBLISHED_SCORE.zh,
            )
        if score is not None and not 0 <= score <= 100:
            raise DataError(
                path,
                f"综合得分“{value['published_score']}”超出0–100的范围",
                line=line,
                column=schema.PUBLISHED_SCORE.zh,
            )
        row["published_score"] = score
        row["source_line"] = line
        rows.append(row)
    if not rows:
        raise DataError(path, "只有表头，没有任何单位的数据", line=2)
    frame = pd.DataFrame(rows)
    frame["published_score"] = frame["published_score"].astype("float64")
    return frame


def _check_unique(units: pd.DataFrame, folder: Path) -> None:
    seen: dict[str, tuple[str, int]] = {}
    for row in units.itertuples():
        file = schema.ATTACHMENT_FILE[row.kind]
        if row.unit in seen:
            first_file, first_line = seen[row.unit]
            raise DataError(
                folder / file,
                f"单位“{row.unit}”在本季度重复出现（第一次在 {first_file} 第{first_line}行）",
                line=row.source_line,
                column=schema.SUB_UNIT.zh if row.parent else schema.UNIT.zh,
            )
        seen[row.unit] = (file, row.source_line)


def _assign_ids(units: pd.DataFrame, registry: Registry, folder: Path, quarter: QuarterId) -> pd.DataFrame:
    """Map each published name to its registry id; an unknown name is an error with suggestions."""
    ids = []
    for row in units.itertuples():
        unit = registry.resolve(row.unit, quarter)
        column = schema.SUB_UNIT.zh if row.parent else schema.UNIT.zh
        path = folder / schema.ATTACHMENT_FILE[row.kind]
        if unit is None:
            close = registry.closest(row.unit)
            hint = f"最接近的名称：{'、'.join(close)}" if close else "名录中没有相近的名称"
            raise DataError(
                path,
                f"单位“{row.unit}”不在单位名录 data/units.csv 中（{hint}）。"
                "若是新单位，请在名录中添加；若是改名，请在 data/unit_aliases.csv 中登记曾用名",
                line=row.source_line,
                column=column,
            )
        if (unit.category == "镇办") != (row.kind == schema.TOWN):
            where = "附件1（镇办）" if row.kind == schema.TOWN else "附件2（部门）"
            raise DataError(
                path,
                f"单位“{row.unit}”在名录中的类别是{unit.category}，不应出现在{where}",
                line=row.source_line,
                column=column,
            )
        if unit.id in ids:
            other = units.iloc[ids.index(unit.id)]["unit"]
            raise DataError(
                path, f"“{row.unit}”与“{other}”在名录中是同一单位（{unit.id}）", line=row.source_line, column=column
            )
        ids.append(unit.id)
    return units.assign(unit_id=ids)


# --- circular.toml -----------------------------------------------------------------------------


def _type_zh(types: type | tuple[type, ...]) -> str:
    names = {
        int: "整数（不带单位）",
        float: "数字",
        str: "文字（加引号）",
        dt.date: "日期（如 2024-05-11）",
        list: "列表",
    }
    types = types if isinstance(types, tuple) else (types,)
    return "或".join(dict.fromkeys(names.get(t, t.__name__) for t in types))


class _Toml:
    """Typed access to circular.toml that reports the key and its line on error."""

    def __init__(self, path: Path):
        self.path = path
        text = _decode(path)
        try:
            self.data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            line = getattr(exc, "lineno", None)
            raise DataError(path, f"TOML 格式错误：{exc}", line=line) from None
        self.lines = text.splitlines()

    def _line_of(self, key: str) -> int | None:
        leaf = key.rsplit(".", 1)[-1]
        pattern = re.compile(rf"^\s*{re.escape(leaf)}\s*=")
        for number, text in enumerate(self.lines, start=1):
            if pattern.match(text):
                return number
        return None

    def get(self, key: str, types: type | tuple[type, ...], *, optional: bool = False, table: dict | None = None):
        node = self.data if table is None else table
        for part in key.split("."):
            if not isinstance(node, dict) or part not in node:
                if optional:
                    return None
                raise DataError(self.path, f"缺少必填项“{key}”", column=key, item="项")
            node = node[part]
        if isinstance(node, bool) or not isinstance(node, types):
            line = self._line_of(key)
            if node == "待填写":
                raise DataError(
                    self.path, "尚未填写（导入时未能从原文识别）：请按通报原文填写", line=line, column=key, item="项"
                )
            raise DataError(self.path, f"值“{node}”应为{_type_zh(types)}", line=line, column=key, item="项")
        if isinstance(node, int | float) and node < 0 and not key.endswith("change_pts"):
            raise DataError(self.path, f"“{key}”不能为负数", line=self._line_of(key), column=key, item="项")
        return node


def _load_circular(path: Path, quarter: QuarterId) -> tuple[Document, Headline, dict, tuple, tuple, bool]:
    toml = _Toml(path)
    example = toml.data.get("example", False)
    if not isinstance(example, bool):
        raise DataError(
            path, "example 只能是 true 或 false", line=toml._line_of("example"), column="example", item="项"
        )
    declared = toml.get("quarter", str)
    if declared != str(quarter):
        raise DataError(
            path,
            f"quarter = “{declared}”与所在文件夹 {quarter} 不一致",
            line=toml._line_of("quarter"),
            column="quarter",
            item="项",
        )

    def doc(key, types, **kw):
        return toml.get(f"document.{key}", types, **kw)

    document = Document(
        number=doc("number", str),
        title=doc("title", str),
        issuer=doc("issuer", str),
        addressees=doc("addressees", str),
        date=doc("date", dt.date),
        cc=tuple(doc("cc", list)),
        copies_printed=doc("copies_printed", int, optional=True),
    )

    def head(key, types=int, **kw):
        return toml.get(f"headline.{key}", types, **kw)

    outstanding = tuple(
        Outstanding(toml.get("unit", str, table=item), toml.get("count", int, table=item))
        for item in head("outstanding", list, optional=True) or []
    )
    monthly = tuple(
        (toml.get("month", str, table=item), float(toml.get("satisfaction_pct", (int, float), table=item)))
        for item in head("monthly_satisfaction", list, optional=True) or []
    )
    number = (int, float)
    headline = Headline(
        received=head("received"),
        completed=head("completed"),
        completed_as_of=head("completed_as_of", dt.date),
        completion_rate_pct=float(head("completion_rate_pct", number)),
        extended=head("extended"),
        redone=head("redone"),
        overdue=head("overdue"),
        answered_directly=head("answered_directly"),
        assigned_towns=head("assigned_towns"),
        assigned_departments=head("assigned_departments"),
        joint_dispatch=head("joint_dispatch"),
        joint_dispatch_outstanding=head("joint_dispatch_outstanding"),
        overdue_rate_pct=head("overdue_rate_pct", number, optional=True),
        satisfaction_change_pts=head("satisfaction_change_pts", number, optional=True),
        satisfaction_compared_with=head("satisfaction_compared_with", str, optional=True),
        outstanding=outstanding,
        monthly_satisfaction=monthly,
    )
    totals = {
        kind: {c.key: toml.get(f"totals.{kind}.{c.key}", int) for c in schema.COUNT_COLUMNS}
        for kind in (schema.TOWN, schema.DEPARTMENT)
    }
    top_volume = tuple(
        (toml.get("unit", str, table=item), toml.get("work_orders", int, table=item))
        for item in toml.get("lists.top_volume", list)
    )
    best_units = tuple(toml.get("lists.best_units", list))
    return document, headline, totals, top_volume, best_units, example


def _check_named_units(quarter: Quarter, path: Path) -> None:
    known = set(quarter.units["unit"])
    named = [o.unit for o in quarter.headline.outstanding]
    named += [unit for unit, _ in quarter.published_top_volume] + list(quarter.published_best_units)
    for unit in named:
        if unit not in known:
            raise DataError(path, f"通报中点名的单位“{unit}”不在附件表格中", column=unit, item="项")


# --- quarters ----------------------------------------------------------------------------------


def discover_quarters(data_dir: Path) -> list[QuarterId]:
    """Every quarter folder under ``data/quarters``, oldest first; a misnamed folder is an error."""
    found = []
    folder = quarters_dir(data_dir)
    if not folder.is_dir():
        raise DataError(folder, "找不到季度数据文件夹")
    for child in sorted(folder.iterdir()):
        if not child.is_dir() or child.name.startswith("."):
            continue
        try:
            found.append(QuarterId.parse(child.name))
        except ValueError as exc:
            raise DataError(child, str(exc)) from None
    if not found:
        raise DataError(folder, "没有任何季度的数据")
    return sorted(found)


def load_quarter(data_dir: Path, quarter: QuarterId | str, registry: Registry | None = None) -> Quarter:
    registry = registry or Registry.load(data_dir)
    if isinstance(quarter, str):
        folder = quarters_dir(data_dir) / quarter
        try:
            quarter = QuarterId.parse(quarter)
        except ValueError as exc:
            raise DataError(folder, str(exc)) from None
    folder = quarters_dir(data_dir) / str(quarter)
    for name in [CIRCULAR_FILE, *schema.ATTACHMENT_FILE.values(), *NARRATIVE_FILES.values()]:
        if not (folder / name).is_file():
            raise DataError(folder / name, "缺少此文件")
    units = pd.concat(
        [load_attachment(folder / file, kind) for kind, file in schema.ATTACHMENT_FILE.items()],
        ignore_index=True,
    )
    _check_unique(units, folder)
    units = _assign_ids(units, registry, folder, quarter)
    document, headline, totals, top_volume, best_units, example = _load_circular(folder / CIRCULAR_FILE, quarter)
    narrative = {key: (folder / file).read_text(encoding="utf-8-sig").strip() for key, file in NARRATIVE_FILES.items()}
    loaded = Quarter(quarter, folder, document, headline, units, totals, top_volume, best_units, narrative, example)
    _check_named_units(loaded, folder / CIRCULAR_FILE)
    return loaded


def load_all(data_dir: Path) -> list[Quarter]:
    """Validate and load every quarter: the first error stops everything."""
    registry = Registry.load(data_dir)
    return [load_quarter(data_dir, quarter, registry) for quarter in discover_quarters(data_dir)]
