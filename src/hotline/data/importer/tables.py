"""The attachment tables as a circular prints them, read from any source (text or workbook).

The tables are read the way they appear: blank cells, the header repeated where a table
continues on a new page, sub-unit rows with an empty first column, names broken by a line wrap
(国家税务总局 白水县税务局), and 总计 rows.

Each row keeps where it was read (a line of the text, or a :class:`SheetRow` of a workbook), so a
problem found only later, when the written files are checked against the unit registry, can be
reported where staff typed it (:func:`locate`) rather than at a line of a file they never wrote.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from hotline.data import schema
from hotline.data.errors import DataError, SheetRow
from hotline.data.quarter_id import QuarterId
from hotline.data.values import parse_count, parse_number


def attachment_columns(kind: str) -> list[schema.Column]:
    """An attachment's columns in print order (下属单位 only in 附件2)."""
    return [c for c in schema.FILE_COLUMNS if kind == schema.DEPARTMENT or c is not schema.SUB_UNIT]


def attachment_header(kind: str, labels: dict[str, str] | None = None) -> list[str]:
    """An attachment's header as the circular and the entry workbook print it: the format's column
    labels (``labels``, by key; the caller reads them from the format), else the schema's."""
    return [(labels or {}).get(c.key) or c.zh for c in attachment_columns(kind)]


TOWN_HEADER = attachment_header(schema.TOWN)
DEPARTMENT_HEADER = attachment_header(schema.DEPARTMENT)


@dataclass
class Table:
    kind: str
    rows: list[list[str]] = field(default_factory=list)  # in data-file column order, cells as printed
    totals: dict[str, int] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)  # lines inside the table that were not rows
    places: list[int | str | SheetRow] = field(default_factory=list)  # where each of ``rows`` was read


@dataclass
class Imported:
    quarter: QuarterId | None
    tables: dict[str, Table]
    circular: dict  # parsed document and headline fields; missing ones are absent
    narrative: dict[str, str]
    missing: list[str]  # what could not be read and is left for staff
    status: str = "issued"  # an entry workbook (make new-quarter) makes a draft
    notes: list[str] = field(default_factory=list)  # what staff should know but need not fix (Chinese)


def locate(problem: DataError, imported: Imported, source: Path) -> DataError:
    """``problem`` pointed back at the workbook row it came from, when it names a line of a written
    attachment file (towns.csv, departments.csv) and that row was read from a workbook: the unit
    registry is checked only on the written files, which staff never saw. Text imports keep the
    file's line (the circular's text has no unit rows of its own to point at). Returns ``problem``."""
    for kind, file in schema.ATTACHMENT_FILE.items():
        table = imported.tables.get(kind)
        if table is None or problem.path.name != file or not isinstance(problem.line, int):
            continue
        index = problem.line - 2  # line 1 is the header; the rows follow one a line
        if 0 <= index < len(table.places) and isinstance(table.places[index], SheetRow):
            problem.path, problem.line = Path(source), table.places[index]
    return problem


def _named(where: int | str | SheetRow, unit: str) -> int | str | SheetRow:
    """A workbook row's location with its unit's name, which staff look for more readily than a number."""
    return replace(where, unit=unit) if isinstance(where, SheetRow) and unit else where


def clean_name(text: str) -> str:
    return re.sub(r"\s+", "", text)


def parse_table(
    kind: str, lines: list[tuple[int | str | SheetRow, list[str]]], source: Path, labels: dict[str, str] | None = None
) -> Table:
    """Rows of one attachment, each given with a location (for errors) and its cells; its header
    is the one :func:`attachment_header` gives for ``labels``, and errors name its columns so."""
    expected = attachment_header(kind, labels)
    keys = [c.key for c in attachment_columns(kind)]
    # Each column as the tables head it (下属单位 too, which 附件1 has not but its errors may name).
    every = attachment_columns(schema.DEPARTMENT)
    said = dict(zip([c.key for c in every], attachment_header(schema.DEPARTMENT, labels), strict=True))
    table = Table(kind)
    header_seen = False
    parent = ""
    for where, raw_cells in lines:
        cells = [c.strip() for c in raw_cells]
        while len(cells) > len(expected) and cells[-1] == "":
            cells.pop()
        if not any(cells):
            continue
        if cells[0] == expected[0]:
            if [clean_name(c) for c in cells] != expected:
                raise DataError(source, f"表头应为：{'、'.join(expected)}；实际为：{'、'.join(cells)}", line=where)
            header_seen = True
            continue
        if not header_seen:
            table.skipped.append(" ".join(cells))
            continue
        named = clean_name(cells[1]) if kind == schema.DEPARTMENT and len(cells) > 1 else ""
        where = _named(where, named or clean_name(cells[0]))
        if len(cells) > len(expected):
            raise DataError(
                source, f"这一行有{len(cells)}个单元格，表头只有{len(expected)}个：可能有单元格错位", line=where
            )
        cells += [""] * (len(expected) - len(cells))
        row = dict(zip(keys, cells, strict=True))
        if kind == schema.TOWN:
            row[schema.SUB_UNIT.key] = ""
        first, sub = clean_name(row[schema.UNIT.key]), clean_name(row[schema.SUB_UNIT.key])
        unit_column, sub_column = said[schema.UNIT.key], said[schema.SUB_UNIT.key]
        if first == "总计":
            for column in schema.COUNT_COLUMNS:
                table.totals[column.key] = parse_count(row[column.key], source, where, said[column.key])
            continue
        if first and sub:
            raise DataError(
                source,
                f"一行中“{unit_column}”和“{sub_column}”都有名称，无法确定是哪一种",
                line=where,
                column=sub_column,
            )
        if not first and not sub:
            raise DataError(source, "这一行没有单位名称：可能是单元格错位", line=where, column=unit_column)
        if sub and not parent:
            raise DataError(source, f"下属单位“{sub}”前面没有上级部门", line=where, column=sub_column)
        for column in schema.COUNT_COLUMNS:
            parse_count(row[column.key], source, where, said[column.key])
        for column in (*schema.POINT_COLUMNS, schema.PUBLISHED_SCORE):
            parse_number(row[column.key], source, where, said[column.key])
        if first:
            parent = first
        out = [parent if sub else first, sub]
        out += [row[c.key] for c in schema.FILE_COLUMNS[2:]]
        table.rows.append(out)
        table.places.append(where)
    if not header_seen:
        raise DataError(source, f"没有找到附件{schema.ATTACHMENT_NO[kind]}的表头（{'、'.join(expected)}）")
    if not table.rows:
        raise DataError(source, f"附件{schema.ATTACHMENT_NO[kind]}没有任何单位的数据")
    return table
