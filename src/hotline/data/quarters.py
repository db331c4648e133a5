"""Read and validate one quarter's folder, ``data/quarters/<quarter>/``, or all of them.

Everything is checked before anything is built, and every problem is a :class:`DataError` that
names the file, the line and the column or key, so staff can fix the cell.

A quarter is either issued (a record: checksummed, changed only through the corrections log) or a
draft (``status = "draft"``: the staff's working copy, edited freely, no checksums and no log,
never on the public site; see :func:`draft_quarters`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from hotline.data import narrative, provenance, schema
from hotline.data.attachments import load_attachment
from hotline.data.circular import DRAFT, Acknowledgement, Circular, Document, Headline, load_circular
from hotline.data.errors import DataError, Placeholder
from hotline.data.files import DataFolder
from hotline.data.quarter_id import QuarterId, quarters_dir
from hotline.data.registry import Registry
from hotline.data.status import discover_quarters, draft_quarters, peek_status

__all__ = [
    "Quarter",
    "check_no_corrections",
    "check_still_a_draft",
    "discover_quarters",
    "draft_quarters",
    "load_all",
    "load_quarter",
    "peek_status",
]


@dataclass(frozen=True)
class Quarter:
    """A quarter's validated data, as staff entered it (nothing computed)."""

    id: QuarterId
    folder: Path
    document: Document
    headline: Headline
    units: pd.DataFrame  # one row per unit and sub-unit, in file order (see load_attachment), with unit_id
    published_totals: dict[str, dict[str, int]]
    published_top_volume: tuple[tuple[str, int], ...] | None
    published_best_units: tuple[str, ...] | None
    narrative: dict[str, narrative.Narrative] = field(default_factory=dict)
    example: bool = False  # synthetic data made by hotline.examples: every page says so
    status: str = "issued"
    acknowledged: dict[str, Acknowledgement] = field(default_factory=dict)
    provenance: provenance.Provenance | None = None
    corrections: tuple[provenance.Correction, ...] = ()  # logged after the quarter was issued

    @property
    def is_draft(self) -> bool:
        return self.status == DRAFT

    @property
    def issued_record(self) -> dict[str, Path]:
        """The .docx and PDF kept as issued by ``make issue`` (by suffix), which the site serves
        unchanged whatever is corrected later; empty for a quarter entered from its printed text,
        whose documents the site typesets from its data."""
        if self.provenance is None:
            return {}
        folder = self.folder / provenance.ISSUED_FOLDER
        return {Path(name).suffix: folder / name for name in self.provenance.issued_documents}


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
    ids: list[str] = []
    for row in units.itertuples():
        unit = registry.resolve(row.unit, quarter)
        column = schema.SUB_UNIT.zh if row.parent else schema.UNIT.zh
        path = folder / schema.ATTACHMENT_FILE[row.kind]
        if unit is None:
            raise DataError(path, registry.unknown(row.unit, quarter), line=row.source_line, column=column)
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


def _check_named_units(circular: Circular, units: pd.DataFrame, path: Path) -> None:
    known = set(units["unit"])
    named = [o.unit for o in circular.headline.outstanding]
    named += [unit for unit, _ in circular.top_volume or ()] + list(circular.best_units or ())
    for unit in named:
        if unit not in known:
            raise DataError(path, f"通报中点名的单位“{unit}”不在附件表格中", column=unit, item="项")


def load_quarter(
    data: DataFolder | Path,
    quarter: QuarterId | str,
    registry: Registry | None = None,
    *,
    verify: bool = True,
    drafting: bool = False,
) -> Quarter:
    """One quarter, validated; with ``verify``, its files must also match their recorded checksums.

    With ``drafting`` (``make check`` and ``make new-quarter``), a narrative part still marked
    待填写 is read as empty, so the figures of a quarter being entered can be checked before its
    text is written; the site build never passes it, so such a quarter is never published."""
    folder = DataFolder.of(data)
    registry = registry or Registry.load(folder)
    if isinstance(quarter, str):
        try:
            quarter = QuarterId.parse(quarter)
        except ValueError as exc:
            raise DataError(quarters_dir(folder.root) / quarter, str(exc)) from None
    here = quarters_dir(folder.root) / str(quarter)
    for name in schema.QUARTER_FILES:
        if not (here / name).exists() and not (here / name).is_symlink():  # anything else: named when read
            raise DataError(here / name, "缺少此文件")
    units = pd.concat(
        [load_attachment(folder, here / file, kind) for kind, file in schema.ATTACHMENT_FILE.items()],
        ignore_index=True,
    )
    _check_unique(units, here)
    units = _assign_ids(units, registry, here, quarter)
    circular = load_circular(here / schema.CIRCULAR_FILE, folder.read_text(here / schema.CIRCULAR_FILE), quarter)
    _check_named_units(circular, units, here / schema.CIRCULAR_FILE)
    texts = {}
    for key, file in schema.NARRATIVE_FILES.items():
        try:
            texts[key] = narrative.parse(folder.read_text(here / file), here / file)
        except Placeholder:
            if not drafting:
                raise
            texts[key] = narrative.Narrative(())
    if circular.status == DRAFT:
        check_still_a_draft(folder, quarter)
        record = None  # a working copy: no checksums to match yet
    else:
        record = provenance.verify(folder, here) if verify else None
    return Quarter(
        id=quarter,
        folder=here,
        document=circular.document,
        headline=circular.headline,
        units=units,
        published_totals=circular.totals,
        published_top_volume=circular.top_volume,
        published_best_units=circular.best_units,
        narrative=texts,
        example=circular.example,
        status=circular.status,
        acknowledged=circular.acknowledged,
        provenance=record,
        corrections=()
        if record is None
        else tuple(c for c in provenance.read_corrections(folder) if c.quarter == quarter),
    )


def check_still_a_draft(folder: DataFolder, quarter: QuarterId) -> None:
    """A quarter marked draft must never have been issued: setting an issued circular back to
    ``status = "draft"`` would take it off the public site with no trace in the corrections log."""
    here = quarters_dir(folder.root) / str(quarter)
    if provenance.was_issued(folder, here):
        raise DataError(
            here / schema.CIRCULAR_FILE,
            f"{quarter} 已经印发过（来源记录中有校验值或存档的公文），不能改回草稿："
            f'请把 status 恢复为 "issued"；已印发的通报只能更正（make correct Q={quarter}），不能撤回',
            column="status",
            item="项",
        )
    check_no_corrections(folder, quarter)


def check_no_corrections(folder: DataFolder, quarter: QuarterId) -> None:
    """A draft is corrected by editing it: a line in the public corrections log about a quarter
    that was never issued would tell the public of a circular that does not exist."""
    for correction in provenance.read_corrections(folder):
        if correction.quarter == quarter:
            raise DataError(
                folder.path(provenance.CORRECTIONS_FILE),
                f"{quarter} 还是草稿，草稿直接修改即可，不需要也不应登记更正：请删去这一行",
                line=correction.line,
                column="季度",
            )


def load_all(data: DataFolder | Path, *, registry: Registry | None = None, verify: bool = True) -> list[Quarter]:
    """Validate and load every issued quarter: the first error stops everything."""
    folder = DataFolder.of(data)
    registry = registry or Registry.load(folder)
    return [
        load_quarter(folder, quarter, registry, verify=verify) for quarter in discover_quarters(folder, drafts=False)
    ]
