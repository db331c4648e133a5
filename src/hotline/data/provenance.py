"""Where each quarter's data came from, and a checksum per file so silent edits are caught."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from hotline.data import schema
from hotline.data.errors import DataError
from hotline.data.loading import CIRCULAR_FILE, NARRATIVE_FILES

PROVENANCE_FILE = "provenance.toml"
CORRECTIONS_FILE = "corrections.csv"  # in data/, one log for all quarters
CORRECTIONS_HEADER = ["日期", "季度", "文件", "改动内容", "原因"]
TRACKED_FILES = (CIRCULAR_FILE, *schema.ATTACHMENT_FILE.values(), *NARRATIVE_FILES.values())


@dataclass(frozen=True)
class Provenance:
    document_number: str
    document_date: dt.date
    source: str
    entered_by: str
    entered_on: dt.date
    notes: str
    corrections: int  # how many corrections-log entries for this quarter the checksums account for
    checksums: dict[str, str]
    source_checksum: str | None = None  # of the source document kept in data/sources/, if any


@dataclass(frozen=True)
class Correction:
    date: dt.date
    quarter: str
    file: str
    change: str
    reason: str


def read_corrections(data_dir: Path) -> list[Correction]:
    """The public log of every change made to a quarter after it was first entered."""
    import csv
    import io

    from hotline.data.quarter_id import QuarterId

    path = Path(data_dir) / CORRECTIONS_FILE
    if not path.is_file():
        raise DataError(path, "缺少更正记录文件")
    reader = csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig")))
    if [h.strip() for h in next(reader, [])] != CORRECTIONS_HEADER:
        raise DataError(path, f"表头应为：{','.join(CORRECTIONS_HEADER)}", line=1)
    log = []
    for line, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(CORRECTIONS_HEADER):
            raise DataError(path, f"这一行有{len(cells)}个单元格，表头有{len(CORRECTIONS_HEADER)}个", line=line)
        date, quarter, file, change, reason = (c.strip() for c in cells)
        try:
            parsed = dt.date.fromisoformat(date)
        except ValueError:
            raise DataError(path, f"日期“{date}”应写成 2024-05-11 的格式", line=line, column="日期") from None
        try:
            QuarterId.parse(quarter)
        except ValueError as exc:
            raise DataError(path, str(exc), line=line, column="季度") from None
        for value, column in ((change, "改动内容"), (reason, "原因")):
            if not value:
                raise DataError(path, f"须写明{column}", line=line, column=column)
        log.append(Correction(parsed, quarter, file, change, reason))
    return log


def sha256(path: Path) -> str:
    return "sha256:" + hashlib.sha256(path.read_bytes()).hexdigest()


def read(folder: Path) -> Provenance:
    path = folder / PROVENANCE_FILE
    if not path.is_file():
        raise DataError(path, "缺少来源记录文件（provenance.toml）")
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    try:
        return Provenance(
            document_number=data["document_number"],
            document_date=data["document_date"],
            source=data["source"],
            entered_by=data["entered_by"],
            entered_on=data["entered_on"],
            notes=data.get("notes", ""),
            corrections=data.get("corrections", 0),
            checksums=dict(data["checksums"]),
            source_checksum=data.get("source_checksum"),
        )
    except KeyError as exc:
        raise DataError(path, f"缺少必填项“{exc.args[0]}”", column=exc.args[0], item="项") from None


def _logged(folder: Path) -> int:
    return sum(1 for c in read_corrections(folder.parents[1]) if c.quarter == folder.name)


def verify(folder: Path) -> Provenance:
    """Every data file must match the checksum recorded when it was entered or last corrected,
    and every correction logged for the quarter must have been recorded with its checksums."""
    record = read(folder)
    logged = _logged(folder)
    if logged != record.corrections:
        raise DataError(
            folder / PROVENANCE_FILE,
            f"data/corrections.csv 中本季度有{logged}条更正记录，来源记录中登记的是{record.corrections}条："
            f"请运行 scripts/record_checksums.py {folder.name}",
            column="corrections",
            item="项",
        )
    for name in TRACKED_FILES:
        recorded = record.checksums.get(name)
        if recorded is None:
            raise DataError(folder / PROVENANCE_FILE, f"没有记录 {name} 的校验值", column=name, item="项")
        if sha256(folder / name) != recorded:
            raise DataError(
                folder / name,
                "文件内容与来源记录中的校验值不一致：改动已发布的数据须先在 data/corrections.csv 登记"
                f"改动内容和原因，再运行 scripts/record_checksums.py {folder.name} 更新校验值",
            )
    return record


def record_checksums(folder: Path) -> str:
    """Rewrite the [checksums] table of provenance.toml from the files as they are now.

    A change to a quarter that already has checksums is refused unless a new entry in
    data/corrections.csv explains it: published numbers never change silently.
    """
    path = folder / PROVENANCE_FILE
    record = read(folder)
    logged = _logged(folder)
    changed = [
        name for name in TRACKED_FILES if record.checksums.get(name, sha256(folder / name)) != sha256(folder / name)
    ]
    if changed and logged <= record.corrections:
        raise DataError(
            Path(folder.parents[1]) / CORRECTIONS_FILE,
            f"{folder.name} 的 {'、'.join(changed)} 已改动，但更正记录中没有新的登记：请先写明改动内容和原因",
        )
    text = path.read_text(encoding="utf-8")
    head = re.sub(r"(?m)^corrections = \d+\n", "", text.split("[checksums]")[0]).rstrip()
    head += f"\ncorrections = {logged}\n\n[checksums]\n"
    lines = [f'"{name}" = "{sha256(folder / name)}"' for name in TRACKED_FILES]
    path.write_text(head + "\n".join(lines) + "\n", encoding="utf-8")
    return path.read_text(encoding="utf-8")
