"""``make correct``: a correction to an issued quarter, logged in one step.

Staff edit the quarter's files (a number in towns.csv, a sentence in problems.md), then run the
command with what changed and why. It finds the changed files by their checksums, validates the
corrected quarter, appends one line to the public corrections log (更正记录) and records the new
checksums. The issued documents are not touched: the site's pages and downloads follow the
corrected data, the documents stay as issued, and the quarter's page lists the corrections made
since.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from hotline.data import provenance, values
from hotline.data.circular import ISSUED
from hotline.data.errors import DataError
from hotline.data.files import read_regular
from hotline.data.quarter_id import QuarterId
from hotline.data.quarters import load_quarter
from hotline.data.registry import Registry
from hotline.data.status import peek_status
from hotline.format import load as load_format
from hotline.rules import results
from hotline.rules.checks import Check
from hotline.staff.explain import quarter_folder


def correct(data: Path, quarter: str, change: str, reason: str, day: dt.date | None = None) -> tuple[str, list[Check]]:
    """Log and record a correction; returns the log line and the differences whose earlier reason
    no longer fits their numbers (staff confirm them again with make explain)."""
    data = Path(data).resolve()
    folder = quarter_folder(data, quarter)
    log = data / provenance.CORRECTIONS_FILE
    change = values.check_text(" ".join(change.split()), log, None, "改动内容")
    reason = values.check_text(" ".join(reason.split()), log, None, "原因")
    if not folder.is_dir():
        raise DataError(folder, f"没有 {quarter} 的数据")
    if peek_status(data, QuarterId.parse(folder.name)) != ISSUED:
        raise DataError(folder, f"{quarter} 还是草稿：草稿直接修改即可，不登记更正；印发用 make issue Q={quarter}")
    provenance.read(data, folder)  # the record itself is sound
    changed = provenance.changed_files(folder)
    if not changed:
        provenance.verify(data, folder)  # a changed issued document is named, not "nothing changed"
        raise DataError(
            folder,
            "没有发现改动的文件：请先改好本季度的数据文件（如 towns.csv、departments.csv、problems.md），"
            "再运行 make correct 登记",
        )
    registry = Registry.load(data)
    quarter_data = load_quarter(data, quarter, registry, verify=False)  # the corrected files must validate
    before = read_regular(log, data) if log.exists() or log.is_symlink() else None  # never a FIFO's wait
    (line,) = provenance.append_corrections(
        data, [[(day or dt.date.today()).isoformat(), quarter, "、".join(changed), change, reason]]
    )
    try:
        provenance.record_checksums(folder)
        load_quarter(data, quarter, registry)
    except BaseException:
        if before is None:
            log.unlink(missing_ok=True)
        else:
            log.write_bytes(before)
        raise
    computed = results.compute(quarter_data, registry, load_format.load(data))
    outdated = [c for c in computed.checks if c.outdated_reason]
    return line, outdated
