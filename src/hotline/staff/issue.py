"""``make issue``: a draft becomes the issued circular, in one step.

It refuses while anything is missing, listing everything at once (a figure, a part of the text
still 待填写, a difference neither corrected nor explained, a reason given for numbers that have
since changed). Otherwise, in a scratch copy first:

- circular.toml says ``status = "issued"`` and states every figure the document printed (the ones
  the draft left to the tables are written in as computed, with the named units and the 总计 rows),
  so the record no longer depends on any later rule or code;
- the attachment files are put in the order the document printed them (the ranking);
- the official .docx and PDF are made once and kept in the quarter's ``issued/`` folder;
- the checksums of every file and of both documents are recorded in provenance.toml.

Only when all of that validates is the quarter folder replaced. From then on the documents never
change (the site serves them byte for byte; a correction changes the data and the pages, and is
logged); every file is protected by its checksum.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from hotline.data import narrative, provenance, schema, toml_edit
from hotline.data.circular import ISSUED
from hotline.data.errors import DataError, Placeholder
from hotline.data.importer.workbook import HEADLINE_FIELDS
from hotline.data.importer.write import staging_data
from hotline.data.quarter_id import quarters_dir
from hotline.data.quarters import load_quarter
from hotline.data.registry import Registry
from hotline.format import load as load_format
from hotline.pages import checks as says
from hotline.rules import issuing, results
from hotline.site import documents
from hotline.staff.explain import load_result, quarter_folder

# The headline figures a draft may leave to the tables; the issued record states them.
STATED = (
    "completion_rate_pct",
    "extended",
    "redone",
    "overdue",
    "assigned_towns",
    "assigned_departments",
    "overdue_rate_pct",
)


class NotReady(DataError):
    """The draft cannot be issued yet; ``problems`` lists every reason, each saying what to do."""

    def __init__(self, folder: Path, problems: list[str]):
        self.problems = problems
        listed = "\n".join(f"{n}. {p}" for n, p in enumerate(problems, start=1))
        super().__init__(folder, f"还不能印发，共{len(problems)}处须先处理：\n{listed}")


@dataclass(frozen=True)
class Issued:
    folder: Path
    documents: tuple[Path, ...]
    stated: list[str]  # what the draft left to the tables, now written as printed (Chinese labels)


def problems(data: Path, quarter: str) -> list[str]:
    """Everything that stops a draft from being issued, all at once (empty: it may be issued)."""
    return _examined(data, quarter)[0]


def _examined(data: Path, quarter: str) -> tuple[list[str], results.QuarterResult | None]:
    """The problems, and the draft's results when it could be read (issuing goes on from them)."""
    folder = quarter_folder(data, quarter)
    if not folder.is_dir():
        return [f"没有 {quarter} 的数据：先用 make new-quarter 生成录入表，填好后 make import 导入"], None
    try:
        result = load_result(data, quarter)
    except DataError as exc:
        return [str(exc)], None
    if not result.quarter.is_draft:
        return [
            f"{quarter} 已经印发（{result.quarter.document.number}）：印发的通报不能再次印发，更正请用 make correct"
        ], result
    found = []
    for name in schema.NARRATIVE_FILES.values():
        path = folder / name
        try:
            text = path.read_text(encoding="utf-8")
            narrative.parse(text, path)
            for line, label in narrative.half_width_labels(text):
                full = "（" + label.strip("()（） ") + "）"
                found.append(f"{path} 第{line}行：编号“{label}”用了半角括号，公文应为全角“{full}”，请改正")
        except Placeholder:
            found.append(f"{schema.QUARTER_FILE_ZH[name]}（{path}）尚未填写：请按通报写好这一部分")
        except DataError as exc:
            found.append(str(exc))
    try:
        provenance.read(data, folder)
    except DataError as exc:
        found.append(str(exc))
    differences = result.differences
    for check in issuing.unacknowledged(result):
        n = differences.index(check) + 1
        said = says.computed(check, result.format)
        what = f"{says.label(check, result.format)}：通报写的 {says.published(check)}，按附件/规则 {said}"
        if check.outdated_reason:
            found.append(
                f"第{n}处差异（{what}）的说明“{check.outdated_reason}”是针对当时的数字写的，数字已经变了："
                f'请核对后重新说明：make explain Q={quarter} ITEM={n} WHY="原因"'
            )
        else:
            found.append(
                f"第{n}处差异未说明（{what}）：请更正录入表后重新导入，"
                f'或说明保留的原因：make explain Q={quarter} ITEM={n} WHY="原因"'
            )
    return found, result


def _stated_circular(text: str, result: results.QuarterResult) -> tuple[str, list[str]]:
    """circular.toml as issued: the status, and every figure the draft left to the tables."""
    entered, stated = result.quarter.headline, result.headline
    filled = {key: getattr(stated, key) for key in STATED if getattr(entered, key) is None}
    text = toml_edit.set_in_section(text, "", {"status": ISSUED})
    if filled:
        text = toml_edit.set_in_section(text, "headline", filled)
    lists = {}
    if result.quarter.published_top_volume is None:
        lists["top_volume"] = [{"unit": unit, "work_orders": count} for unit, count in result.most_work_orders]
    if result.quarter.published_best_units is None:
        lists["best_units"] = list(result.best_units)
    if lists:
        text = toml_edit.set_in_section(text, "lists", lists)
    totals = [kind for kind in result.sums if kind not in result.quarter.published_totals]
    for kind in totals:
        text = toml_edit.set_in_section(text, f"totals.{kind}", result.sums[kind])
    labels = {field.key.split(".")[-1]: field.label for field in HEADLINE_FIELDS}
    said = [labels.get(key, key) for key in (*filled, *lists)]
    said += [f"附件{schema.ATTACHMENT_NO[kind]}总计行" for kind in totals]
    return text, said


def _in_printed_order(path: Path, result: results.QuarterResult, kind: str) -> str:
    """An attachment file with its rows in ranking order (each unit followed by its sub-units),
    the order the issued document prints them in and the issued record keeps."""
    reader = csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig")))
    header, *rows = list(reader)
    groups: dict[str, list[list[str]]] = {}
    for row in rows:
        if any(cell.strip() for cell in row):
            groups.setdefault(row[0], []).append(row)
    ranked = result.ranking[result.ranking["kind"] == kind]["unit"]
    ordered = [row for unit in ranked for row in groups.pop(unit, [])]
    ordered += [row for rest in groups.values() for row in rest]
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([header, *ordered])
    return out.getvalue()


def issue(data: Path, quarter: str) -> Issued:
    """Issue a draft (see the module's docstring); nothing changes unless everything succeeds."""
    data = Path(data).resolve()
    folder = quarter_folder(data, quarter)
    found, draft = _examined(data, quarter)
    if found:
        raise NotReady(folder, found)
    quarters_dir(data).mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=f".issue-{quarter}-", dir=quarters_dir(data)) as scratch:
        staged_data = staging_data(data, Path(scratch), quarter)
        staged = quarters_dir(staged_data) / quarter
        circular = staged / schema.CIRCULAR_FILE
        text, stated = _stated_circular(circular.read_text(encoding="utf-8"), draft)
        circular.write_text(text, encoding="utf-8")
        for kind, name in schema.ATTACHMENT_FILE.items():
            (staged / name).write_text(_in_printed_order(staged / name, draft, kind), encoding="utf-8")
        registry = Registry.load(staged_data)
        issued = results.compute(
            load_quarter(staged_data, quarter, registry, verify=False), registry, load_format.load(staged_data)
        )
        if issued.quarter.is_draft or issuing.unacknowledged(issued):
            raise DataError(circular, "印发后的数据未能通过核对：没有作任何改动，请把这条信息告诉技术支持")
        record = staged / provenance.ISSUED_FOLDER
        shutil.rmtree(record, ignore_errors=True)
        record.mkdir()
        docx, pdf = record / f"{quarter}.docx", record / f"{quarter}.pdf"
        documents.make_one(issued, docx, pdf)
        kept = {path.name: provenance.file_sha256(path) for path in (docx, pdf)}
        record_file = staged / provenance.PROVENANCE_FILE
        record_file.write_text(
            toml_edit.set_in_section(record_file.read_text(encoding="utf-8"), "", {"issued_on": dt.date.today()}),
            encoding="utf-8",
        )
        provenance.record_checksums(staged, issued_documents=kept)
        load_quarter(staged_data, quarter, registry)  # checksums and documents verify as recorded
        backup = folder.with_name(f".before-issue-{quarter}")
        shutil.rmtree(backup, ignore_errors=True)
        folder.rename(backup)
        try:
            shutil.copytree(staged, folder)
            load_quarter(data, quarter)
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            backup.rename(folder)
            raise
        shutil.rmtree(backup)
    return Issued(
        folder, (folder / provenance.ISSUED_FOLDER / docx.name, folder / provenance.ISSUED_FOLDER / pdf.name), stated
    )
