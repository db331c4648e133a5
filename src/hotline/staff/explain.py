"""``make explain``: a difference between what the circular states and what the tables or the
rule give, kept as typed with staff's reason, written into circular.toml's ``[acknowledged]``
with the two numbers it was given for (see :class:`hotline.data.circular.Acknowledgement`).

Staff pick the difference by its number in ``make check``'s list, or by the key shown in
brackets; they never type a TOML key.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from hotline.data import provenance, schema, toml_edit, values
from hotline.data.errors import DataError
from hotline.data.quarter_id import QuarterId, quarters_dir
from hotline.data.quarters import load_quarter
from hotline.data.registry import Registry
from hotline.format import load as load_format
from hotline.pages import checks as says
from hotline.rules import results
from hotline.rules.checks import Check

SECTION = "acknowledged"
REASON_LIMIT = 500


def load_result(data: Path, quarter: str) -> results.QuarterResult:
    """A quarter's results as a staff command sees them: a draft with its text still to write is
    read, its figures checked (the text is checked when it is issued)."""
    registry = Registry.load(data)
    quarter_data = load_quarter(data, quarter, registry, verify=False, drafting=True)
    return results.compute(quarter_data, registry, load_format.load(data))


def pick(result: results.QuarterResult, item: str) -> Check:
    """The difference numbered ``item`` in make check's list, or the one with that key."""
    differences = result.differences
    item = item.strip()
    if item.isdigit() and 1 <= int(item) <= len(differences):
        return differences[int(item) - 1]
    found = next((c for c in differences if c.key == item), None)
    if found is None:
        listed = (
            "；".join(f"{n}. {says.label(c, result.format)}" for n, c in enumerate(differences, start=1)) or "没有差异"
        )
        raise DataError(
            result.quarter.folder / schema.CIRCULAR_FILE,
            f"没有第“{item}”处差异（make check Q={result.id} 列出的差异：{listed}）：ITEM 请填差异的序号",
        )
    return found


@dataclass(frozen=True)
class Explained:
    check: Check
    logged: str = ""  # for an issued quarter: the public corrections-log line the change needed


def explain(data: Path, quarter: str, item: str, reason: str) -> Explained:
    """Record staff's reason for one difference. A draft's file is simply changed; an issued
    quarter's change is public, logged in 更正记录 like any correction, and only when nothing
    else of the quarter is changed (a pending edit is never swept into this line)."""
    result = load_result(data, quarter)
    folder = result.quarter.folder
    if not result.quarter.is_draft:
        pending = provenance.changed_files(folder)
        if pending:
            raise DataError(
                folder,
                f"{quarter} 已经印发，且 {'、'.join(pending)} 有尚未登记的改动：请先用 make correct 登记（或撤销）"
                "这些改动，再说明差异；印发后的说明会作为一条更正公开登记",
            )
    reason = values.check_text(
        " ".join(reason.split()), folder / schema.CIRCULAR_FILE, None, "原因", limit=REASON_LIMIT
    )
    check = pick(result, item)
    path = folder / schema.CIRCULAR_FILE
    text = path.read_text(encoding="utf-8")
    given = tomllib.loads(text).get(SECTION, {})
    given[check.key] = {
        "reason": reason,
        "published": _plain(check.published),
        "computed": _plain(check.computed),
    }
    body = [f"{toml_edit.toml_value(key)} = {toml_edit.toml_value(value)}" for key, value in given.items()]
    written = toml_edit.replace_section(text, SECTION, body)
    path.write_text(written, encoding="utf-8")
    logged = ""
    try:
        explained = load_result(data, quarter).check(check.key)
        if not result.quarter.is_draft:  # an issued quarter's file changes only through the log
            from hotline.staff.correct import correct

            logged, _ = correct(data, quarter, f"说明数据核对中“{says.label(check, result.format)}”的差异", reason)
    except BaseException:
        path.write_text(text, encoding="utf-8")  # never leave a file that does not validate
        raise
    if explained is None or explained.acknowledged != reason:
        raise DataError(path, "说明未能记录：请把这条信息告诉技术支持")
    return Explained(explained, logged)


def _plain(value):
    """Tuples as lists, for TOML."""
    return [_plain(v) for v in value] if isinstance(value, list | tuple) else value


def quarter_folder(data: Path, quarter: str) -> Path:
    try:
        return quarters_dir(data) / str(QuarterId.parse(quarter))
    except ValueError as exc:
        raise DataError(quarters_dir(data) / quarter, str(exc)) from None
