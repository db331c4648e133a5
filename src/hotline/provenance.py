"""Where each quarter's data came from, and a checksum per file so silent edits are caught."""

from __future__ import annotations

import datetime as dt
import hashlib
import tomllib
from dataclasses import dataclass
from pathlib import Path

from . import schema
from .errors import DataError
from .loading import CIRCULAR_FILE, NARRATIVE_FILES

PROVENANCE_FILE = "provenance.toml"
TRACKED_FILES = (CIRCULAR_FILE, *schema.ATTACHMENT_FILE.values(), *NARRATIVE_FILES.values())


@dataclass(frozen=True)
class Provenance:
    document_number: str
    document_date: dt.date
    source: str
    entered_by: str
    entered_on: dt.date
    notes: str
    checksums: dict[str, str]


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
            checksums=dict(data["checksums"]),
        )
    except KeyError as exc:
        raise DataError(path, f"缺少必填项“{exc.args[0]}”", column=exc.args[0], item="项") from None


def verify(folder: Path) -> Provenance:
    """Every data file must match the checksum recorded when it was entered or last corrected."""
    record = read(folder)
    for name in TRACKED_FILES:
        recorded = record.checksums.get(name)
        if recorded is None:
            raise DataError(folder / PROVENANCE_FILE, f"没有记录 {name} 的校验值", column=name, item="项")
        if sha256(folder / name) != recorded:
            raise DataError(
                folder / name,
                "文件内容与来源记录中的校验值不一致：改动已发布的数据须在 provenance.toml 中说明，"
                "然后运行 scripts/record_checksums.py 更新校验值",
            )
    return record


def record_checksums(folder: Path) -> str:
    """Rewrite the [checksums] table of provenance.toml from the files as they are now."""
    path = folder / PROVENANCE_FILE
    text = path.read_text(encoding="utf-8")
    head = text.split("[checksums]")[0].rstrip() + "\n\n[checksums]\n"
    lines = [f'"{name}" = "{sha256(folder / name)}"' for name in TRACKED_FILES]
    path.write_text(head + "\n".join(lines) + "\n", encoding="utf-8")
    return path.read_text(encoding="utf-8")
