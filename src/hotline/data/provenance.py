"""Where each quarter's data came from, a checksum per file so silent edits are caught, and the
public log of every change made to a quarter after it was first entered.

A quarter with recorded checksums is published: changing any of its files needs a line in
``data/corrections.csv`` that names the file, what changed and why, and then a new record of
the checksums (:func:`record_checksums`), which refuses a changed file that no new log line names.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from hotline.data import schema, values
from hotline.data.errors import DataError
from hotline.data.files import DataFolder, csv_rows, decode, read_regular
from hotline.data.quarter_id import QuarterId
from hotline.data.toml_file import TomlFile

PROVENANCE_FILE = "provenance.toml"
ISSUED_FOLDER = "issued"  # in a quarter's folder: the .docx and PDF as issued, kept as the record
ISSUED_TABLE = "issued_documents"
CORRECTIONS_FILE = "corrections.csv"  # in data/, one log for all quarters
CORRECTIONS_HEADER = ["日期", "季度", "文件", "改动内容", "原因"]
TRACKED_FILES = schema.QUARTER_FILES
_CHECKSUM = re.compile(r"^sha256:[0-9a-f]{64}$")
_FILE_SEPARATORS = re.compile(r"[、,，;；\s]+")


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
    issued_documents: dict[str, str] = field(default_factory=dict)  # issued/<file> -> checksum (the record)
    corrections_chain: str | None = None  # the hash chain over those entries (see chain)
    issued_on: dt.date | None = None  # when make issue issued it (its documents are then the record)


@dataclass(frozen=True)
class Correction:
    date: dt.date
    quarter: QuarterId
    files: tuple[str, ...]
    change: str
    reason: str
    line: int = 0  # in data/corrections.csv, for errors that name it


def read_corrections(data: DataFolder | Path) -> list[Correction]:
    """The public log of every change made to a quarter after it was first entered."""
    folder = DataFolder.of(data)
    path = folder.path(CORRECTIONS_FILE)
    log = []
    for line, row in csv_rows(folder, path, CORRECTIONS_HEADER):
        date = values.parse_date(row["日期"], path, line, "日期")
        quarter = values.parse_quarter(row["季度"], path, line, "季度")
        files = tuple(f for f in _FILE_SEPARATORS.split(row["文件"]) if f)
        unknown = [f for f in files if f not in TRACKED_FILES]
        if not files or unknown:
            raise DataError(
                path,
                f"“{row['文件']}”不是季度数据文件：应填 {'、'.join(TRACKED_FILES)} 中的一个或几个（用顿号分隔）",
                line=line,
                column="文件",
            )
        for column in ("改动内容", "原因"):
            if not row[column]:
                raise DataError(path, f"须写明{column}", line=line, column=column)
            if "\n" in row[column]:
                raise DataError(path, f"{column}应写在一行内", line=line, column=column)
        log.append(Correction(date, quarter, files, row["改动内容"], row["原因"], line))
    return log


def read(data: DataFolder | Path, quarter_folder: Path) -> Provenance:
    folder = DataFolder.of(data)
    path = quarter_folder / PROVENANCE_FILE
    if not path.is_file():
        raise DataError(path, "缺少来源记录文件（provenance.toml）")
    toml = TomlFile(path, folder.read_text(path))
    toml.check_keys(
        "",
        {
            "document_number",
            "document_date",
            "source",
            "source_checksum",
            "entered_by",
            "entered_on",
            "notes",
            "corrections",
            "corrections_chain",
            "issued_on",
            "checksums",
            ISSUED_TABLE,
        },
    )

    def text(key: str, optional: bool = False) -> str:
        value = toml.get(key, str, optional=optional)
        if value is not None and not optional and not value.strip():
            raise toml.error(key, "不能为空")
        return value or ""

    checksums = toml.get("checksums", dict)
    for name, value in checksums.items():
        if name not in TRACKED_FILES:
            raise toml.error("checksums", f"“{name}”不是季度数据文件")
        if not isinstance(value, str) or not _CHECKSUM.match(value):
            raise toml.error("checksums", f"{name} 的校验值应为 sha256: 加64位十六进制数字")
    source_checksum = text("source_checksum", optional=True) or None
    if source_checksum and not _CHECKSUM.match(source_checksum):
        raise toml.error("source_checksum", "校验值应为 sha256: 加64位十六进制数字")
    corrections = toml.get("corrections", int, optional=True) or 0
    if corrections < 0:
        raise toml.error("corrections", "不能为负数")
    chained = text("corrections_chain", optional=True) or None
    if chained and not _CHECKSUM.match(chained):
        raise toml.error("corrections_chain", "应为 sha256: 加64位十六进制数字（由 make correct 写入，请勿手工改动）")
    issued = toml.get(ISSUED_TABLE, dict, optional=True) or {}
    for name, value in issued.items():
        if (
            "/" in name
            or "\\" in name
            or name.startswith(".")
            or not isinstance(value, str)
            or not _CHECKSUM.match(value)
        ):
            raise toml.error(
                ISSUED_TABLE, f"“{name}”应是 {ISSUED_FOLDER} 文件夹中的文件名，校验值为 sha256: 加64位十六进制数字"
            )
    return Provenance(
        document_number=text("document_number"),
        document_date=toml.get("document_date", dt.date),
        source=text("source"),
        entered_by=values.check_name(
            text("entered_by"), path, toml.line_of("entered_by"), "entered_by", "项", limit=200
        ),
        entered_on=toml.get("entered_on", dt.date),
        notes=text("notes", optional=True),
        corrections=corrections,
        checksums=dict(checksums),
        source_checksum=source_checksum,
        issued_documents=dict(issued),
        corrections_chain=chained,
        issued_on=toml.get("issued_on", dt.date, optional=True),
    )


def _logged(folder: DataFolder, quarter: str) -> list[Correction]:
    return [c for c in read_corrections(folder) if str(c.quarter) == quarter]


def chain(entries: list[Correction]) -> str:
    """A hash chain over a quarter's log entries, in order: each link hashes the previous link and
    the entry's fields. Recorded with the checksums, it makes the public log tamper-evident: a past
    entry edited or deleted no longer gives the recorded chain; only appending is accepted."""
    link = hashlib.sha256(b"hotline-corrections").hexdigest()
    for entry in entries:
        fields = [entry.date.isoformat(), str(entry.quarter), "、".join(entry.files), entry.change, entry.reason]
        link = hashlib.sha256((link + "\x1f" + "\x1f".join(fields)).encode("utf-8")).hexdigest()
    return "sha256:" + link


def _check_chain(folder: DataFolder, quarter_folder: Path, count: int, recorded: str | None) -> None:
    """The entries the checksums account for are still the ones that were recorded."""
    entries = _logged(folder, quarter_folder.name)
    if recorded is not None and (len(entries) < count or chain(entries[:count]) != recorded):
        raise DataError(
            folder.path(CORRECTIONS_FILE),
            f"{quarter_folder.name} 已登记的{count}条更正记录被改动或删除了：更正记录是公开的记录，只能追加、不能删改。"
            "请从版本库（git）恢复 data/corrections.csv，新的更正用 make correct 追加",
        )


def verify(data: DataFolder | Path, quarter_folder: Path) -> Provenance:
    """Every data file must match the checksum recorded when it was entered or last corrected,
    and every correction logged for the quarter must have been recorded with its checksums."""
    folder = DataFolder.of(data)
    record = read(folder, quarter_folder)
    if record.corrections_chain is None:
        raise DataError(
            quarter_folder / PROVENANCE_FILE,
            "来源记录中没有更正记录的哈希链（corrections_chain）：它是已印发季度的更正记录不被删改的凭据，"
            "不能删去。请从版本库（git）恢复这个文件",
        )
    if record.issued_on is not None and not record.issued_documents:
        raise DataError(
            quarter_folder / PROVENANCE_FILE,
            f"本季度于 {record.issued_on} 由 make issue 印发，来源记录中却没有印发公文的校验值：印发的公文是存档记录，"
            "不能删去。请从版本库（git）恢复这个文件和 issued 文件夹",
        )
    _check_chain(folder, quarter_folder, record.corrections, record.corrections_chain)
    logged = len(_logged(folder, quarter_folder.name))
    if logged != record.corrections:
        raise DataError(
            quarter_folder / PROVENANCE_FILE,
            f"data/corrections.csv 中本季度有{logged}条更正记录，来源记录中登记的是{record.corrections}条："
            "若刚才的 make correct 中途停止，请运行 "
            f".venv/bin/python scripts/record_checksums.py {quarter_folder.name} 补记校验值（不要再登记一次）；"
            "已有的更正记录不能删改",
        )
    issued = quarter_folder / ISSUED_FOLDER
    present = sorted(p.name for p in issued.iterdir()) if issued.is_dir() else []
    for name in sorted(set(present) | set(record.issued_documents)):
        if name not in record.issued_documents:
            raise DataError(
                issued / name, "印发存档文件夹中有来源记录未登记的文件：印发的公文只由 make issue 存档，请移走这个文件"
            )
        if name not in present or folder.sha256(issued / name) != record.issued_documents[name]:
            raise DataError(
                issued / name,
                "印发的公文是存档记录，印发后不能改动或删除：请从版本库（git）中恢复这个文件；"
                "数据的更正登记在更正记录中，公文保持印发时的原样",
            )
    for name in TRACKED_FILES:
        recorded = record.checksums.get(name)
        if recorded is None:
            raise DataError(quarter_folder / PROVENANCE_FILE, f"没有记录 {name} 的校验值", column=name, item="项")
        if folder.sha256(quarter_folder / name) != recorded:
            raise DataError(
                quarter_folder / name,
                "文件内容与来源记录中的校验值不一致：已印发的数据改动后须登记更正，请运行 "
                f'make correct Q={quarter_folder.name} WHAT="改动内容" WHY="原因"（改错了则从版本库恢复这个文件）',
            )
    return record


def _recorded(folder: DataFolder, quarter_folder: Path) -> tuple[int, dict[str, str]]:
    """Only what checksum bookkeeping needs (the corrections count and the checksums), so it also
    works while other items are still placeholders."""
    path = quarter_folder / PROVENANCE_FILE
    if not path.is_file():
        raise DataError(path, "缺少来源记录文件（provenance.toml）")
    toml = TomlFile(path, folder.read_text(path))
    corrections = toml.get("corrections", int, optional=True) or 0
    checksums = toml.get("checksums", dict, optional=True) or {}
    return corrections, {name: value for name, value in checksums.items() if isinstance(value, str)}


def was_issued(data: DataFolder | Path, quarter_folder: Path) -> bool:
    """Whether a quarter has ever been issued: its checksums were recorded, or documents kept as
    issued. Such a quarter is a record and can never become a draft again."""
    folder = DataFolder.of(data)
    if (quarter_folder / ISSUED_FOLDER).exists():
        return True
    if not (quarter_folder / PROVENANCE_FILE).exists():
        return False
    _, checksums = _recorded(folder, quarter_folder)
    return bool(checksums)


def append_corrections(data_dir: Path, rows: list[list[str]]) -> list[str]:
    """Lines at the end of data/corrections.csv (the log is only ever appended to), read as a
    regular file inside the data folder (never a link, never a FIFO's wait); returns them as written."""
    log = Path(data_dir) / CORRECTIONS_FILE
    exists = log.exists() or log.is_symlink()
    text = decode(read_regular(log, Path(data_dir)), log) if exists else ",".join(CORRECTIONS_HEADER) + "\n"
    if not text.endswith("\n"):
        text += "\n"
    lines = []
    for row in rows:
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerow(row)
        lines.append(out.getvalue())
    log.write_text(text + "".join(lines), encoding="utf-8")
    return [line.rstrip("\n") for line in lines]


def file_sha256(path: Path) -> str:
    """The checksum of a file outside a build's data folder (a source document)."""
    return DataFolder(path.parent).sha256(path)


def changed_files(quarter_folder: Path) -> list[str]:
    """The files of a quarter whose bytes differ from their recorded checksums."""
    folder = DataFolder(quarter_folder.parents[1])
    _, checksums = _recorded(folder, quarter_folder)
    return [
        name
        for name in TRACKED_FILES
        if checksums.get(name) is not None and checksums[name] != folder.sha256(quarter_folder / name)
    ]


def unlogged_changes(quarter_folder: Path) -> list[str]:
    """Changed files that no log entry made since the last record names."""
    folder = DataFolder(quarter_folder.parents[1])
    corrections, _ = _recorded(folder, quarter_folder)
    new_entries = _logged(folder, quarter_folder.name)[corrections:]
    named = {name for entry in new_entries for name in entry.files}
    return [name for name in changed_files(quarter_folder) if name not in named]


def record_checksums(quarter_folder: Path, issued_documents: dict[str, str] | None = None) -> str:
    """Rewrite the checksums of provenance.toml from the files as they are now; ``issued_documents``
    (given once, by ``make issue``) records the issued .docx and PDF, which are kept as they are
    ever after.

    A published quarter's changed file is refused unless a new entry in data/corrections.csv
    names it: published numbers never change silently.
    """
    path = quarter_folder / PROVENANCE_FILE
    folder = DataFolder(quarter_folder.parents[1])
    unlogged = unlogged_changes(quarter_folder)
    if unlogged:
        raise DataError(
            folder.path(CORRECTIONS_FILE),
            f"{quarter_folder.name} 的 {'、'.join(unlogged)} 已改动，但更正记录中没有登记这一改动："
            "请先在 data/corrections.csv 加一行，写明日期、季度、文件名、改动内容和原因",
        )
    text = folder.read_text(path)
    toml = TomlFile(path, text)
    recorded = toml.get("corrections_chain", str, optional=True)
    if recorded is None and toml.get("checksums", dict, optional=True):
        raise DataError(
            path,
            "来源记录中没有更正记录的哈希链（corrections_chain），而校验值已经记录过：它不能删去，"
            "请从版本库（git）恢复这个文件",
        )
    _check_chain(folder, quarter_folder, toml.get("corrections", int, optional=True) or 0, recorded)
    entries = _logged(folder, quarter_folder.name)
    logged = len(entries)
    if issued_documents is None:
        issued_documents = toml.get(ISSUED_TABLE, dict, optional=True) or {}
    head = text.split("[checksums]")[0].split(f"[{ISSUED_TABLE}]")[0]
    head = re.sub(r"(?m)^corrections(_chain)? = .*\n", "", head).rstrip()
    head += f'\ncorrections = {logged}\ncorrections_chain = "{chain(entries)}"\n\n'
    if issued_documents:
        head += f"[{ISSUED_TABLE}]\n" + "".join(f'"{n}" = "{v}"\n' for n, v in sorted(issued_documents.items())) + "\n"
    lines = [f'"{name}" = "{folder.sha256(quarter_folder / name)}"' for name in TRACKED_FILES]
    path.write_text(head + "[checksums]\n" + "\n".join(lines) + "\n", encoding="utf-8")
    return path.read_text(encoding="utf-8")
