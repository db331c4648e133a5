"""The public 发布记录: one line for every time the site was published (``make publish``), each
chained to the one before it by a hash.

A line gives when, which quarters, the SHA-256 of the published site's ``manifest.json`` (which
lists every file's SHA-256), the previous line's hash and its own. Anyone who kept an earlier copy
of the site (or only its manifest) can check that it was published, and a published figure that
changed without a logged correction shows as a new manifest with no line in 更正记录 to explain
it. Editing or deleting a past line breaks the chain, and the build names the line.

The log lags one publish: a site cannot list its own manifest's hash, so the line for a publish is
shown from the next build on; the current site's hash is in its own ``manifest.json``.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
from dataclasses import dataclass
from pathlib import Path

from hotline.data.errors import DataError
from hotline.data.files import DataFolder, csv_rows
from hotline.data.quarter_id import QuarterId

PUBLISH_LOG_FILE = "publish_log.csv"  # in data/
HEADER = ["发布时间", "季度", "网站清单SHA256", "上一条的哈希", "本条的哈希"]
FIRST = "0" * 64  # the previous hash of the first line
_HEX = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True)
class Publication:
    when: dt.datetime
    quarters: tuple[QuarterId, ...]
    manifest_sha256: str
    previous: str
    hash: str


def link(previous: str, when: str, quarters: str, manifest: str) -> str:
    return hashlib.sha256("\x1f".join([previous, when, quarters, manifest]).encode("utf-8")).hexdigest()


def read(data: DataFolder | Path) -> list[Publication]:
    """Every publication, the chain checked from the first line (no file: none yet)."""
    folder = DataFolder.of(data)
    path = folder.path(PUBLISH_LOG_FILE)
    if not path.exists() and not path.is_symlink():
        return []
    found: list[Publication] = []
    previous = FIRST
    for line, row in csv_rows(folder, path, HEADER):
        try:
            when = dt.datetime.fromisoformat(row["发布时间"])
            quarters = tuple(QuarterId.parse(q) for q in row["季度"].split("、") if q)
        except ValueError:
            when = None
        ok = (
            when is not None
            and all(_HEX.match(row[c]) for c in HEADER[2:])
            and row["上一条的哈希"] == previous
            and row["本条的哈希"] == link(previous, row["发布时间"], row["季度"], row["网站清单SHA256"])
        )
        if not ok:
            raise DataError(
                path,
                "这一行与前一行的哈希链对不上：发布记录只能由 make publish 追加，已有的行被改动、删除或插入了。"
                "请从版本库（git）恢复 data/publish_log.csv",
                line=line,
            )
        found.append(Publication(when, quarters, row["网站清单SHA256"], previous, row["本条的哈希"]))
        previous = row["本条的哈希"]
    return found


def append(data_dir: Path, when: dt.datetime, quarters: list[str], manifest_sha256: str) -> Publication:
    """One more line at the end (the existing lines are checked first)."""
    past = read(data_dir)
    previous = past[-1].hash if past else FIRST
    stamp = when.isoformat(timespec="seconds")
    listed = "、".join(quarters)
    row = [stamp, listed, manifest_sha256, previous, link(previous, stamp, listed, manifest_sha256)]
    path = Path(data_dir) / PUBLISH_LOG_FILE
    text = path.read_text(encoding="utf-8-sig") if path.is_file() else ",".join(HEADER) + "\n"
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(row)
    path.write_text(text + ("" if text.endswith("\n") else "\n") + out.getvalue(), encoding="utf-8")
    return read(data_dir)[-1]


def check_still_published(data: DataFolder | Path, log: tuple[Publication, ...], issued: list[QuarterId]) -> None:
    """A quarter once published stays published: deleting, renaming or setting back to draft the
    folder of a circular the public has seen would take it off the site without a trace."""
    gone = sorted({quarter for entry in log for quarter in entry.quarters} - set(issued))
    if gone:
        listed = "、".join(str(q) for q in gone)
        raise DataError(
            DataFolder.of(data).path(PUBLISH_LOG_FILE),
            f"发布记录中已经发布过的 {listed} 不在已印发的季度中（文件夹被删除、改名，或改回了草稿）："
            f"已发布的通报不能撤下，请从版本库（git）恢复 data/quarters/{gone[0]}",
        )
