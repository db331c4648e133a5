"""Write an imported quarter into ``data/``: rendered into a temporary folder, validated there,
and only then moved into place.

- A new quarter is written even when some items could not be read: they are marked 待填写 and stop
  the build until staff fill them in. Any other problem (an unknown unit, a bad number) writes
  nothing.
- Re-importing over a published quarter (``replace``) shows every cell that would change. It is
  refused, leaving the quarter as it was, unless the corrections log already has an entry naming
  each changed file, or ``reason`` is given, in which case one entry per changed file is written,
  naming every changed cell. The new files must be complete and valid; then they are swapped in
  and the checksums recorded.

Every function here returns what it wrote; the command prints exactly that.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import shutil
import tempfile
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from hotline.data import provenance, schema, toml_edit, values
from hotline.data.circular import DRAFT
from hotline.data.errors import PLACEHOLDER, DataError, Placeholder
from hotline.data.importer.tables import Imported, Table, locate
from hotline.data.importer.workbook import HEADLINE_FIELDS, HEADLINE_SHEET
from hotline.data.quarter_id import QuarterId, quarters_dir
from hotline.data.registry import ALIASES_FILE, UNITS_FILE
from hotline.data.status import peek_status

_toml_value = toml_edit.toml_value


_HEADLINE_COMMENTS = {
    "received": "共受理事项",
    "completed": "办结",
    "completed_as_of": "截止日期",
    "completion_rate_pct": "办结率",
    "extended": "延期",
    "redone": "重办",
    "overdue": "逾期",
    "answered_directly": "通过电话咨询直接答复",
    "assigned_towns": "交办各镇（办）",
    "assigned_departments": "交办部门和单位",
    "joint_dispatch": "联合派单（已含在镇办、部门数中）",
    "joint_dispatch_outstanding": "联合派单尚未办结（“全部办结”为0）",
    "overdue_rate_pct": "逾期率",
    "satisfaction_change_pts": "满意率较上季度变化（百分数，下降为负）",
    "satisfaction_compared_with": "满意率与哪个季度相比",
}
# What a draft may leave out: the entry workbook's formulas over the tables (see hotline.data.circular).
_FIELDS_BY_KEY = {f.key: f for f in HEADLINE_FIELDS}
_COMPUTABLE = {f.key.removeprefix("headline.") for f in HEADLINE_FIELDS if f.computed}
_DOCUMENT_KEYS = ("number", "title", "issuer", "addressees", "date", "cc", "copies_printed")
# Written only when the source has them (brackets as printed, when not GB/T's).
_AS_PRINTED_KEYS = {"attachment_subtitle": "原文附件副标题，按原文照录", "copies_note": "原文印数一行，按原文照录"}


def _work_orders(imported: Imported) -> dict[str, int]:
    return {(row[1] or row[0]): int(row[2] or 0) for table in imported.tables.values() for row in table.rows}


def render_circular_toml(imported: Imported, quarter: QuarterId) -> str:
    """circular.toml for a quarter; anything not read from the source is a marked placeholder,
    except, for a draft, what can be computed from the tables."""
    c = imported.circular
    draft = imported.status == "draft"
    out = [
        f"# {quarter.zh}通报中公布的文件信息与数字，按原文录入（由 scripts/import_quarter.py 生成）。",
        "# 附件表格见 towns.csv（附件1）与 departments.csv（附件2）；叙述部分见 *.md。",
        "# 本文件中的数字均为“通报公布数”，网站会将其与附件表格逐项核对并公开差异。",
        f"# 标注“{PLACEHOLDER}”的项目未能从录入表读取，须填写后才能构建网站。"
        if draft
        else f"# 标注“{PLACEHOLDER}”的项目未能从原文识别，须按原文填写后才能构建网站。",
        "",
        f'quarter = "{quarter}"',
    ]
    if draft:
        out += [
            'status = "draft"  # 起草中（不公开）：make check 核对，make preview 预览，make issue 印发',
            "",
            '# 保留的差异及原因由 make explain Q=季度 ITEM=序号 WHY="原因" 写入本文件末尾，不必手工编辑。',
        ]
    out += ["", "[document]"]

    def line(section: dict, key: str, comment: str = "") -> str | None:
        if key in section:
            text = f"{key} = {_toml_value(section[key])}"
            return f"{text}  # {comment}" if comment else text
        if draft and (key in _COMPUTABLE or key in ("copies_printed", "satisfaction_change_pts")):
            return None
        if key == "satisfaction_compared_with" and "satisfaction_change_pts" not in section and draft:
            return None
        return f'{key} = "{PLACEHOLDER}"  # {PLACEHOLDER}：{comment or key}'

    out += [text for key in _DOCUMENT_KEYS if (text := line(c["document"], key)) is not None]
    out += [line(c["document"], key, why) for key, why in _AS_PRINTED_KEYS.items() if key in c["document"]]
    out += ["", "[headline]"]
    out += [text for key, comment in _HEADLINE_COMMENTS.items() if (text := line(c["headline"], key, comment))]
    head = c["headline"]
    out += ["", "# 尚未办结的工单（通报：“某单位N件尚未办结”）"]
    for item in head.get("outstanding", []):
        out += ["[[headline.outstanding]]", f"unit = {_toml_value(item['unit'])}", f"count = {item['count']}", ""]
    out += ["# 月度满意率（通报：“某月份热线工单满意率…%”）"]
    for item in head.get("monthly_satisfaction", []):
        month = item["month"] if isinstance(item["month"], str) else f"{quarter.year}-{item['month']:02d}"
        out += [
            "[[headline.monthly_satisfaction]]",
            f"month = {_toml_value(month)}",
            f"satisfaction_pct = {item['satisfaction_pct']}",
            "",
        ]
    out += ["# 通报中点名的单位（公布名单，网站与按数据计算的结果核对）", "[lists]"]
    lists = c["lists"]
    if "top_volume" in lists:
        counts = _work_orders(imported)
        listed = [
            {
                "unit": i["unit"],
                "work_orders": i["work_orders"] if i["work_orders"] is not None else counts.get(i["unit"], 0),
            }
            for i in lists["top_volume"]
        ]
        out += ["top_volume = ["] + [f"  {_toml_value(item)}," for item in listed] + ["]"]
    elif not draft:
        out += [
            f'top_volume = "{PLACEHOLDER}"  # {PLACEHOLDER}：工单量较多的单位，'
            '如 [{ unit = "市场局", work_orders = 95 }]'
        ]
    best = line(lists, "best_units", "综合成绩较好的单位") if "best_units" in lists or not draft else None
    out += [best] if best else []
    tables = [(kind, table) for kind, table in imported.tables.items() if table.totals or not draft]
    if tables:
        out += ["", "# 附件表格“总计”行（空白记为0）"]
    for kind, table in tables:
        out += [f"[totals.{kind}]"]
        for column in schema.COUNT_COLUMNS:
            value = table.totals.get(column.key)
            out += [
                f"{column.key} = {value}" if value is not None else f'{column.key} = "{PLACEHOLDER}"  # {PLACEHOLDER}'
            ]
        out += [""]
    return "\n".join(out).rstrip() + "\n"


def render_table_csv(table: Table) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([c.zh for c in schema.FILE_COLUMNS])
    writer.writerows(table.rows)
    return out.getvalue()


def render_files(imported: Imported, quarter: QuarterId) -> dict[str, str]:
    return {
        schema.CIRCULAR_FILE: render_circular_toml(imported, quarter),
        **{schema.ATTACHMENT_FILE[k]: render_table_csv(t) for k, t in imported.tables.items()},
        **{schema.NARRATIVE_FILES[k]: text for k, text in imported.narrative.items()},
    }


def _provenance_text(imported: Imported, quarter: QuarterId, source_note: str, kept: Path, entered_by: str) -> str:
    document = imported.circular["document"]
    header = (
        [
            "# 本季度数据的来源记录。草稿不记校验值，由 make issue 印发时记录；由程序维护，请勿手工改动。",
            f'# 印发后改动任何数据文件，请用 make correct Q={quarter} WHAT="改动内容" WHY="原因" 登记更正。',
        ]
        if imported.status == DRAFT
        else [
            "# 本季度数据的来源记录。改动任何数据文件后，须在 data/corrections.csv 中登记改动内容和原因，",
            f"# 再运行 `.venv/bin/python scripts/record_checksums.py {quarter}` 更新下面的校验值。",
        ]
    )
    return "\n".join(
        [
            *header,
            "",
            f"document_number = {_toml_value(document.get('number', PLACEHOLDER))}",
            f"document_date = {document['date']}" if "date" in document else f'document_date = "{PLACEHOLDER}"',
            f"source = {_toml_value(source_note)}",
            f'source_checksum = "{provenance.file_sha256(kept)}"',
            f"entered_by = {_toml_value(entered_by)}",
            f"entered_on = {dt.date.today()}",
            'notes = """',
            "由 scripts/import_quarter.py 导入。",
            '"""',
            "",
            "[checksums]",
            "",
        ]
    )


@dataclass
class Outcome:
    """What an import did, for the command to print."""

    folder: Path
    written: list[Path] = field(default_factory=list)
    changes: dict[str, list[str]] = field(default_factory=dict)  # file -> changed cells (replace only)
    logged: list[str] = field(default_factory=list)  # corrections-log lines written
    incomplete: str = ""  # the first placeholder still to fill in, if any
    unchanged: bool = False


def staging_data(data_dir: Path, scratch: Path, quarter: QuarterId | str | None = None) -> Path:
    """A data folder to validate one quarter in before anything is written in place: the circular's
    format, the registry and the log, and no other quarter than ``quarter`` (copied, when given)."""
    target = scratch / "data"
    (target / "quarters").mkdir(parents=True)
    for name in (schema.FORMAT_FILE, UNITS_FILE, ALIASES_FILE, provenance.CORRECTIONS_FILE):
        if (data_dir / name).is_file():
            shutil.copy2(data_dir / name, target / name)
    if quarter is not None:
        shutil.copytree(quarters_dir(data_dir) / str(quarter), quarters_dir(target) / str(quarter))
    return target


def _validate(data_dir: Path, folder: Path, quarter: QuarterId, destination: Path, source: Path | None = None) -> str:
    """Validate the quarter in ``folder`` against the registry; "" or the first placeholder left.
    Errors name the file at its ``destination``, where staff will look for it; a figure of an entry
    workbook (``source``) is named by its sheet and label there, never by a TOML key."""
    from hotline.data.quarters import load_quarter

    try:
        load_quarter(data_dir, quarter, verify=False)
    except DataError as problem:  # name the file where it will be, not in the scratch folder
        field = _FIELDS_BY_KEY.get(re.sub(r"\[\d+\].*$", "", problem.column or ""))
        if source is not None and problem.path.name == schema.CIRCULAR_FILE:
            where = f"工作表“{HEADLINE_SHEET}”" + (f"「{field.label}」" if field is not None else "")
            raise DataError(source, f"{where}：{problem.message}") from None
        if problem.path.is_relative_to(folder):
            problem.path = destination / problem.path.relative_to(folder)
        if isinstance(problem, Placeholder):
            return str(problem)
        raise
    return ""


def _rows(text: str) -> dict[str, dict[str, str]]:
    reader = csv.DictReader(io.StringIO(text))
    return {(row[schema.SUB_UNIT.zh] or row[schema.UNIT.zh]): row for row in reader}


def _flat(value, prefix: str = "") -> dict[str, object]:
    if isinstance(value, dict):
        return {k: v for key, item in value.items() for k, v in _flat(item, f"{prefix}{key}.").items()}
    if isinstance(value, list) and value and isinstance(value[0], dict):
        return {k: v for n, item in enumerate(value) for k, v in _flat(item, f"{prefix[:-1]}[{n}].").items()}
    return {prefix[:-1]: value}


def cell_changes(old: Path, new: Path) -> dict[str, list[str]]:
    """Every changed cell between two versions of a quarter folder, by file: ``尧禾镇「承办工单量」64 → 65``."""
    changes: dict[str, list[str]] = {}
    for name in schema.QUARTER_FILES:
        before, after = (old / name).read_text(encoding="utf-8-sig"), (new / name).read_text(encoding="utf-8-sig")
        if before == after:
            continue
        found: list[str] = []
        if name.endswith(".csv"):
            a, b = _rows(before), _rows(after)
            for unit in [*a, *(u for u in b if u not in a)]:
                if unit not in b:
                    found.append(f"删去单位“{unit}”")
                elif unit not in a:
                    found.append(f"新增单位“{unit}”")
                else:
                    found += [
                        f"{unit}「{column}」{a[unit][column] or '空白'} → {b[unit][column] or '空白'}"
                        for column in a[unit]
                        if a[unit][column] != b[unit][column]
                    ]
            if not found:
                found.append("行的顺序或格式改动")
        elif name.endswith(".toml"):
            try:
                a, b = _flat(tomllib.loads(before)), _flat(tomllib.loads(after))
                found = [
                    f"{key}：{a.get(key, '（无）')} → {b.get(key, '（无）')}"
                    for key in dict.fromkeys([*a, *b])
                    if a.get(key) != b.get(key)
                ]
            except tomllib.TOMLDecodeError:
                found = []
            found = found or ["注释或格式改动"]
        else:
            a_lines, b_lines = before.splitlines(), after.splitlines()
            found = [
                f"第{n}行"
                for n in range(1, max(len(a_lines), len(b_lines)) + 1)
                if (a_lines[n - 1] if n <= len(a_lines) else None) != (b_lines[n - 1] if n <= len(b_lines) else None)
            ]
            found = [f"文字改动（{'、'.join(found[:10])}{'等' if len(found) > 10 else ''}）"]
        changes[name] = found
    return changes


def import_quarter(
    imported: Imported,
    data_dir: Path,
    quarter: QuarterId,
    *,
    source: Path,
    entered_by: str,
    replace: bool = False,
    reason: str | None = None,
) -> Outcome:
    """Write an imported quarter into ``data_dir`` (see the module's docstring)."""
    data_dir = Path(data_dir)
    entered_by = values.check_text(entered_by, source, None, "录入人（--entered-by / BY）", limit=200)
    folder = quarters_dir(data_dir) / str(quarter)
    outcome = Outcome(folder)
    if folder.exists() and not replace:
        if peek_status(data_dir, quarter) == DRAFT and imported.status == DRAFT:
            replace = True  # the draft imported again from its corrected workbook: the working copy is replaced
        else:
            raise DataError(
                folder, "这个季度已经有数据；确需重新导入请加 --replace（改动会逐格列出，并须登记在更正记录中）"
            )
    if replace and not folder.exists():
        raise DataError(folder, "这个季度还没有数据，不需要 --replace")
    redrafting = replace and peek_status(data_dir, quarter) == DRAFT
    if replace and not redrafting and imported.status == DRAFT:
        raise DataError(
            folder,
            f"{quarter} 已经印发，不能再用录入表重新导入为草稿：更正已印发的数据请直接改文件，"
            f"再运行 make correct Q={quarter}（或用通报原文重新导入并加 --reason）",
        )
    files = render_files(imported, quarter)
    quarters_dir(data_dir).mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=f".import-{quarter}-", dir=quarters_dir(data_dir)) as scratch:
        staging = staging_data(data_dir, Path(scratch))
        new = quarters_dir(staging) / str(quarter)
        new.mkdir()
        for name, text in files.items():
            (new / name).write_text(text, encoding="utf-8")
        if redrafting:  # what staff wrote since the first import stays: the text and the explanations
            for name in schema.NARRATIVE_FILES.values():
                shutil.copyfile(folder / name, new / name)
            explained = toml_edit.section((folder / schema.CIRCULAR_FILE).read_text(encoding="utf-8"), "acknowledged")
            if explained:
                circular = new / schema.CIRCULAR_FILE
                circular.write_text(circular.read_text(encoding="utf-8") + "\n" + explained, encoding="utf-8")
        try:
            outcome.incomplete = _validate(staging, new, quarter, folder, source if imported.status == DRAFT else None)
        except DataError as problem:
            raise locate(problem, imported, source) from None  # a workbook's unit row: its sheet and row
        if not replace:
            return _write_new(imported, data_dir, quarter, new, source, entered_by, outcome)
        if outcome.incomplete and not redrafting:
            raise DataError(folder, f"新导入的数据不完整，已有数据保持不变：{outcome.incomplete}")
        outcome.changes = cell_changes(folder, new)
        if not outcome.changes:
            outcome.unchanged = True
            return outcome
        if redrafting:  # a draft is the staff's working copy: replaced as it is, nothing logged
            return _redraft(data_dir, quarter, new, source, outcome, entered_by)
        log = data_dir / provenance.CORRECTIONS_FILE
        log_before = log.read_bytes() if log.is_file() else None
        backup = folder.with_name(f".replaced-{quarter}")
        shutil.rmtree(backup, ignore_errors=True)
        shutil.copytree(folder, backup)
        try:
            _log_changes(data_dir, quarter, folder, outcome, reason)
            for name in outcome.changes:
                shutil.copyfile(new / name, folder / name)
            provenance.record_checksums(folder)
        except BaseException:  # put the quarter and the log back exactly as they were
            shutil.rmtree(folder)
            backup.rename(folder)
            if log_before is not None:
                log.write_bytes(log_before)
            outcome.logged = []
            raise
        shutil.rmtree(backup)
    outcome.written = [folder / name for name in outcome.changes] + [folder / provenance.PROVENANCE_FILE]
    return outcome


def kept_source(data_dir: Path, quarter: QuarterId, source: Path) -> Path:
    """Where the imported file is archived: data/sources/<quarter>-<name>, its name prefixed by the
    quarter only once (the entry workbook is already called 2024Q2-录入表.xlsx)."""
    name = source.name if source.name.startswith(str(quarter)) else f"{quarter}-{source.name}"
    return data_dir / "sources" / name


def _write_new(imported, data_dir, quarter, new, source, entered_by, outcome) -> Outcome:
    folder = outcome.folder
    kept = kept_source(data_dir, quarter, source)
    note = f"{source.name}（原件副本存档于数据仓库 sources 文件夹）"
    (new / provenance.PROVENANCE_FILE).write_text(
        _provenance_text(imported, quarter, note, source, entered_by), encoding="utf-8"
    )
    kept.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, kept)
    shutil.copytree(new, folder)
    if imported.status != DRAFT:  # a draft gets its checksums when it is issued (make issue)
        provenance.record_checksums(folder)
    outcome.written = [folder / name for name in (*schema.QUARTER_FILES, provenance.PROVENANCE_FILE)] + [kept]
    return outcome


def _redraft(data_dir: Path, quarter: QuarterId, new: Path, source: Path, outcome: Outcome, entered_by: str) -> Outcome:
    """A draft imported again (a corrected workbook): its changed files replaced, the archived
    workbook with them, and who entered it and when (narratives and explanations were carried
    over by :func:`import_quarter`)."""
    folder = outcome.folder
    for name in outcome.changes:
        shutil.copyfile(new / name, folder / name)
    record = folder / provenance.PROVENANCE_FILE
    record.write_text(
        toml_edit.set_in_section(
            record.read_text(encoding="utf-8"), "", {"entered_by": entered_by, "entered_on": dt.date.today()}
        ),
        encoding="utf-8",
    )
    kept = kept_source(data_dir, quarter, source)
    kept.parent.mkdir(parents=True, exist_ok=True)
    if kept.resolve() != source.resolve():
        shutil.copyfile(source, kept)
    outcome.written = [folder / name for name in outcome.changes] + [kept]
    return outcome


def _log_changes(data_dir: Path, quarter: QuarterId, folder: Path, outcome: Outcome, reason: str | None) -> None:
    """Make sure each changed file is named in the corrections log, writing the lines from ``reason``."""
    if reason:
        reason = " ".join(reason.split())
        rows = [
            [dt.date.today().isoformat(), str(quarter), name, "重新导入：" + "；".join(cells), reason]
            for name, cells in outcome.changes.items()
        ]
        outcome.logged = provenance.append_corrections(data_dir, rows)
        return
    record = provenance.read(data_dir, folder)
    new_entries = [c for c in provenance.read_corrections(data_dir) if c.quarter == quarter][record.corrections :]
    named = {name for entry in new_entries for name in entry.files}
    unlogged = [name for name in outcome.changes if name not in named]
    if unlogged:
        listed = "\n".join(f"  {name}：{'；'.join(outcome.changes[name])}" for name in unlogged)
        raise DataError(
            data_dir / provenance.CORRECTIONS_FILE,
            f"重新导入会改动已发布的 {quarter}，但更正记录中没有登记这些文件的改动，已有数据保持不变：\n{listed}\n"
            "请先在 data/corrections.csv 中逐个文件登记改动内容和原因，或加 --reason “原因” 由程序登记",
        )
