"""``make rename`` and ``make add-unit``: the unit registry changed through a command, so that staff
never edit an issued quarter to follow a rename.

A rename changes the unit's current name in ``data/units.csv`` and records the old one in
``data/unit_aliases.csv`` for every quarter up to the latest issued one: issued quarters keep the
names they printed (their files and documents are untouched), the unit's page follows it by its
id, and the next entry workbook lists the new name. A new unit gets the next free id of its
category. Both validate the registry and every issued quarter against it before anything is
written in place.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from hotline.data import values
from hotline.data.errors import DataError
from hotline.data.files import DataFolder
from hotline.data.quarters import load_quarter
from hotline.data.registry import (
    ALIAS_HEADER,
    ALIASES_FILE,
    CATEGORIES,
    UNIT_HEADER,
    UNITS_FILE,
    Registry,
    same_name,
    unit_columns,
)
from hotline.data.status import discover_quarters, draft_quarters

ID_PREFIX = {"镇办": "T", "部门": "D", "企业": "E", "其他": "O"}


def _same(a: str, b: str) -> bool:
    """Names that read the same (full-width and half-width forms, spaces) are the same name."""
    return same_name(a) == same_name(b)


def _rows(path: Path, header: list[str]) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    found = [c.strip() for c in rows[0]] if rows else []
    if not (unit_columns(found) if header == UNIT_HEADER else found == header):  # units.csv: optional columns too
        raise DataError(path, f"表头应为：{','.join(header)}", line=1)
    return rows


def _write(path: Path, rows: list[list[str]]) -> None:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def _name_taken(registry: Registry, name: str) -> str | None:
    for unit in registry.units.values():
        if _same(unit.name, name):
            return f"名录中已有单位“{unit.name}”（{unit.id}）"
    for alias in registry.aliases:
        if _same(alias.name, name):
            return f"“{alias.name}”是“{registry.units[alias.unit_id].name}”（{alias.unit_id}）的曾用名"
    return None


def _validated(data: Path, changes: dict[Path, list[list[str]]]) -> None:
    """Write the changed registry files, then check the registry and every issued quarter; on any
    problem put the files back as they were and raise."""
    before = {path: path.read_bytes() if path.is_file() else None for path in changes}
    try:
        for path, rows in changes.items():
            _write(path, rows)
        folder = DataFolder(data)
        registry = Registry.load(folder)
        for quarter in discover_quarters(folder, drafts=False):
            load_quarter(folder, quarter, registry, verify=False)
    except BaseException:
        for path, raw in before.items():
            if raw is None:
                path.unlink(missing_ok=True)
            else:
                path.write_bytes(raw)
        raise


def rename(data: Path, old: str, new: str) -> tuple[str, str, list[str]]:
    """Rename a unit from the quarter after the latest issued one; returns (unit id, last quarter
    that keeps the old name, drafts that still print the old name)."""
    data = Path(data).resolve()
    units_path, aliases_path = data / UNITS_FILE, data / ALIASES_FILE
    registry = Registry.load(data)
    old = values.check_text(old, units_path, None, "名称", limit=values.MAX_NAME)
    new = values.check_text(new, units_path, None, "名称", limit=values.MAX_NAME)
    unit = next((u for u in registry.units.values() if u.name == old), None)
    if unit is None:
        alias = next((a for a in registry.aliases if a.name == old), None)
        if alias is not None:
            raise DataError(
                units_path, f"“{old}”是“{registry.units[alias.unit_id].name}”的曾用名，不是现用名称：请用现用名称"
            )
        close = [n for n in registry.closest(old) if n != old]
        hint = f"最接近的名称：{'、'.join(close)}" if close else "名录中没有相近的名称"
        raise DataError(units_path, f"单位名录中没有现用名称为“{old}”的单位（{hint}）")
    if _same(old, new):
        raise DataError(units_path, f"新名称“{new}”与原名称相同")
    taken = _name_taken(registry, new)
    if taken:
        raise DataError(units_path, f"不能改为“{new}”：{taken}")
    issued = discover_quarters(data, drafts=False) if (data / "quarters").is_dir() else []
    last = issued[-1] if issued else None
    units = _rows(units_path, UNIT_HEADER)
    for row in units[1:]:
        if row and row[0].strip() == unit.id:
            row[1] = new
    aliases = _rows(aliases_path, ALIAS_HEADER) if aliases_path.is_file() else [ALIAS_HEADER]
    aliases.append(
        [old, unit.id, "", str(last) if last else "", f"{last.zh if last else ''}及以前的名称，此后改为“{new}”"]
    )
    _validated(data, {units_path: units, aliases_path: aliases})
    drafts = [str(q) for q in draft_quarters(data)] if (data / "quarters").is_dir() else []
    return unit.id, str(last) if last else "", drafts


def add(data: Path, name: str, category: str, parent: str = "") -> str:
    """Add a unit (a sub-unit when ``parent`` names its department); returns its new id."""
    data = Path(data).resolve()
    units_path = data / UNITS_FILE
    registry = Registry.load(data)
    name = values.check_text(name, units_path, None, "名称", limit=values.MAX_NAME)
    if category not in CATEGORIES:
        raise DataError(units_path, f"类别“{category}”不对：应为{'、'.join(CATEGORIES)}之一")
    taken = _name_taken(registry, name)
    if taken:
        raise DataError(units_path, f"不能添加“{name}”：{taken}")
    parent_id = ""
    if parent.strip():
        owner = next((u for u in registry.units.values() if u.name == parent.strip()), None)
        if owner is None:
            raise DataError(units_path, f"上级部门“{parent}”不在单位名录中（请用现用名称）")
        if owner.parent_id:
            raise DataError(units_path, f"“{owner.name}”本身是下属单位：下属单位只有一级")
        parent_id = owner.id
    prefix = ID_PREFIX[category]
    numbers = [int(uid[1:]) for uid in registry.units if uid.startswith(prefix)]
    new_id = f"{prefix}{max(numbers, default=0) + 1:02d}"
    units = _rows(units_path, UNIT_HEADER)
    units.append([new_id, name, category, parent_id, ""] + [""] * (len(units[0]) - len(UNIT_HEADER)))
    _validated(data, {units_path: units})
    return new_id
