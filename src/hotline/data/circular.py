"""``circular.toml``: a quarter's document details and the figures its circular publishes, each
checked for meaning (types, ranges, dates within the quarter, quarter ids, lists of the right
things, finite numbers) with the key and the line of any problem.

Figures that can be computed from the attachment tables (the 延期/重办/逾期 totals, 逾期率, the
总计 rows, the units with most work orders and the best units) are optional, and a draft may also
leave out 办结率 and the 交办 counts: an issued circular states what it printed and the site checks
it; a quarter being drafted may leave them out and have them computed
(see :func:`hotline.rules.results.stated_headline`).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from hotline.data import schema, values
from hotline.data.quarter_id import QuarterId
from hotline.data.toml_file import TomlFile

ISSUED = "issued"
DRAFT = "draft"
STATUSES = (ISSUED, DRAFT)
_DOCUMENT_NUMBER = re.compile(r"^\S.*〔(\d{4})〕\d+号$")
_MONTH = re.compile(r"^([0-9]{4})-([0-9]{2})$")


@dataclass(frozen=True)
class Document:
    number: str
    title: str
    issuer: str
    addressees: str
    date: dt.date
    cc: tuple[str, ...]
    copies_printed: int | None = None
    # As the issued circular printed them, when it did not follow GB/T's full-width brackets
    # (2024 Q1: "(包含联合派单)", "(共印5份)"); None gives the standard's form.
    attachment_subtitle: str | None = None
    copies_note: str | None = None
    # Issued with a seal (GB/T 9704 7.3.5.1), as a circular like this is; false: 7.3.5.2.
    sealed: bool = True


@dataclass(frozen=True)
class Outstanding:
    unit: str
    count: int


@dataclass(frozen=True)
class Headline:
    """The headline figures exactly as the circular publishes them (``None``: not stated)."""

    received: int
    completed: int
    completed_as_of: dt.date
    completion_rate_pct: float | None
    extended: int | None
    redone: int | None
    overdue: int | None
    answered_directly: int
    assigned_towns: int | None
    assigned_departments: int | None
    joint_dispatch: int
    joint_dispatch_outstanding: int
    overdue_rate_pct: float | None
    satisfaction_change_pts: float | None
    satisfaction_compared_with: QuarterId | None
    outstanding: tuple[Outstanding, ...]
    monthly_satisfaction: tuple[tuple[str, float], ...]  # ("2024-03", 89.96)


@dataclass(frozen=True)
class Acknowledgement:
    """Staff's reason for leaving a difference as typed (``make explain``), with the two numbers it
    was given for: when either has changed since, the reason no longer covers the difference and
    must be confirmed again. A reason typed by hand as plain text carries no numbers."""

    reason: str
    published: object = None
    computed: object = None

    @property
    def pinned(self) -> bool:
        return self.published is not None and self.computed is not None


@dataclass(frozen=True)
class Circular:
    document: Document
    headline: Headline
    totals: dict[str, dict[str, int]]  # kind -> column key -> the 总计 row as printed (absent: not printed)
    top_volume: tuple[tuple[str, int], ...] | None
    best_units: tuple[str, ...] | None
    example: bool = False
    status: str = ISSUED
    acknowledged: dict[str, Acknowledgement] = field(default_factory=dict)  # check key -> staff's reason


TOP_KEYS = {"quarter", "example", "status", "document", "headline", "lists", "totals", "acknowledged"}
DOCUMENT_KEYS = {
    "number",
    "title",
    "issuer",
    "addressees",
    "date",
    "cc",
    "copies_printed",
    "attachment_subtitle",
    "copies_note",
    "sealed",
}
_SUBTITLE = re.compile(r"^[（(][^（）()]{1,30}[）)]$")
_COPIES_NOTE = re.compile(r"^[（(]共印(\d+)份[）)]$")
HEADLINE_KEYS = {
    "received",
    "completed",
    "completed_as_of",
    "completion_rate_pct",
    "extended",
    "redone",
    "overdue",
    "answered_directly",
    "assigned_towns",
    "assigned_departments",
    "joint_dispatch",
    "joint_dispatch_outstanding",
    "overdue_rate_pct",
    "satisfaction_change_pts",
    "satisfaction_compared_with",
    "outstanding",
    "monthly_satisfaction",
}


class _Reader:
    """Typed and ranged access to one circular.toml."""

    def __init__(self, toml: TomlFile):
        self.toml = toml

    def text(self, key: str, *, optional: bool = False, multiline: bool = False, limit: int = 200) -> str | None:
        value = self.toml.get(key, str, optional=optional)
        if value is None:
            return None
        value = value.strip()
        if not value:
            raise self.toml.error(key, "不能为空")
        if not multiline and "\n" in value:
            raise self.toml.error(key, "应写在一行内")
        if len(value) > limit:
            raise self.toml.error(key, f"过长（{len(value)}字，上限{limit}字）")
        return value

    def name(self, key: str) -> str:
        return values.check_name(self.toml.get(key, str), self.toml.path, self.toml.line_of(key), key, item="项")

    def count(self, key: str, *, optional: bool = False, least: int = 0) -> int | None:
        value = self.toml.get(key, int, optional=optional)
        if value is not None and value < least:
            raise self.toml.error(key, f"“{value}”应不小于{least}")
        if value is not None and value > values.MAX_COUNT:
            shown = str(value) if value < 10**20 else f"{str(value)[:12]}…（共{len(str(value))}位）"
            raise self.toml.error(key, f"“{shown}”大得不合理（上限{values.MAX_COUNT}），请检查是否多打了数字")
        return value

    def number(self, key: str, low: float, high: float, *, optional: bool = False) -> float | None:
        value = self.toml.get(key, float, optional=optional)
        if value is None:
            return None
        if not low <= value <= high:
            raise self.toml.error(key, f"“{value}”超出合理范围（{low:g}–{high:g}）")
        return float(value)

    def date(self, key: str, first: dt.date, last: dt.date, what: str) -> dt.date:
        value = self.toml.get(key, dt.date)
        if isinstance(value, dt.datetime):
            raise self.toml.error(key, "只写日期，不写时间（如 2024-05-11）")
        if not first <= value <= last:
            raise self.toml.error(key, f"日期 {value} 不在合理范围内：{what}（{first} 至 {last}）")
        return value

    def items(self, key: str, *, optional: bool = True) -> list:
        value = self.toml.get(key, list, optional=optional)
        return value or []


def load_circular(path: Path, text: str, quarter: QuarterId) -> Circular:
    toml = TomlFile(path, text)
    read = _Reader(toml)
    toml.check_keys("", TOP_KEYS)
    declared = toml.get("quarter", str)
    if declared != str(quarter):
        raise toml.error("quarter", f"quarter = “{declared}”与所在文件夹 {quarter} 不一致")
    example = toml.get("example", bool, optional=True) or False
    status = toml.get("status", str, optional=True) or ISSUED
    if status not in STATUSES:
        raise toml.error("status", f"status 只能是 “{ISSUED}”（已印发）或 “{DRAFT}”（草稿）")
    drafting = status == DRAFT  # a draft may leave out what the tables determine

    toml.check_keys("document", DOCUMENT_KEYS)
    document_date = read.date(
        "document.date", quarter.last_day, quarter.last_day + dt.timedelta(days=730), "通报应在季度结束后印发"
    )
    number = read.text("document.number", limit=40)
    matched = _DOCUMENT_NUMBER.match(number)
    if not matched:
        raise toml.error(
            "document.number", f"发文字号“{number}”格式不对，应如 白政办发〔2024〕29号（年份用六角括号〔〕）"
        )
    if int(matched.group(1)) != document_date.year:
        raise toml.error("document.number", f"发文字号中的年份{matched.group(1)}与发文日期 {document_date} 不一致")
    cc = read.items("document.cc", optional=False)
    document = Document(
        number=number,
        title=read.text("document.title"),
        issuer=read.name("document.issuer"),
        addressees=read.text("document.addressees"),
        date=document_date,
        cc=tuple(read.name(f"document.cc[{n}]") for n in range(len(cc))),
        copies_printed=read.count("document.copies_printed", optional=True, least=1),
        attachment_subtitle=read.text("document.attachment_subtitle", optional=True, limit=32),
        copies_note=read.text("document.copies_note", optional=True, limit=32),
        sealed=toml.get("document.sealed", bool, optional=True) is not False,
    )
    if document.attachment_subtitle and not _SUBTITLE.match(document.attachment_subtitle):
        raise toml.error("document.attachment_subtitle", "应为括号中的一句，如 (包含联合派单)，按原文照录")
    if document.copies_note:
        note = _COPIES_NOTE.match(document.copies_note)
        if not note:
            raise toml.error("document.copies_note", "应如 (共印5份)，按原文照录")
        if int(note.group(1)) != document.copies_printed:
            raise toml.error(
                "document.copies_note", f"印数“{note.group(1)}”与 copies_printed = {document.copies_printed} 不一致"
            )

    toml.check_keys("headline", HEADLINE_KEYS)
    received = read.count("headline.received", least=1)
    completed = read.count("headline.completed")
    if completed > received:
        raise toml.error("headline.completed", f"办结{completed}件多于受理{received}件")
    answered = read.count("headline.answered_directly")
    if answered > received:
        raise toml.error("headline.answered_directly", f"直接答复{answered}件多于受理{received}件")
    joint = read.count("headline.joint_dispatch")
    joint_open = read.count("headline.joint_dispatch_outstanding")
    if joint_open > joint:
        raise toml.error(
            "headline.joint_dispatch_outstanding", f"尚未办结的联合派单{joint_open}件多于联合派单{joint}件"
        )
    compared = None
    if toml.has("headline.satisfaction_compared_with"):
        key = "headline.satisfaction_compared_with"
        compared = values.parse_quarter(toml.get(key, str), path, toml.line_of(key), key, item="项")
        if compared >= quarter:
            raise toml.error(key, f"满意率应与之前的季度相比，{compared}不在{quarter}之前")
    outstanding = []
    for n, _ in enumerate(read.items("headline.outstanding")):
        key = f"headline.outstanding[{n}]"
        toml.check_keys(key, {"unit", "count"})
        outstanding.append(Outstanding(read.name(f"{key}.unit"), read.count(f"{key}.count", least=1)))
    monthly = []
    for n, _ in enumerate(read.items("headline.monthly_satisfaction")):
        key = f"headline.monthly_satisfaction[{n}]"
        toml.check_keys(key, {"month", "satisfaction_pct"})
        month = toml.get(f"{key}.month", str)
        found = _MONTH.match(month)
        if not found:
            raise toml.error(f"{key}.month", f"月份“{month}”应写成 2024-03 的格式")
        if (int(found.group(1)), int(found.group(2))) not in {(quarter.year, m) for m in quarter.months}:
            raise toml.error(f"{key}.month", f"月份 {month} 不在{quarter.zh}之内")
        monthly.append((month, read.number(f"{key}.satisfaction_pct", 0, 100)))
    headline = Headline(
        received=received,
        completed=completed,
        completed_as_of=read.date(
            "headline.completed_as_of", quarter.first_day, document_date, "统计截止日期应在季度开始之后、发文日期之前"
        ),
        completion_rate_pct=read.number("headline.completion_rate_pct", 0, 100, optional=drafting),
        extended=read.count("headline.extended", optional=True),
        redone=read.count("headline.redone", optional=True),
        overdue=read.count("headline.overdue", optional=True),
        answered_directly=answered,
        assigned_towns=read.count("headline.assigned_towns", optional=drafting),
        assigned_departments=read.count("headline.assigned_departments", optional=drafting),
        joint_dispatch=joint,
        joint_dispatch_outstanding=joint_open,
        overdue_rate_pct=read.number("headline.overdue_rate_pct", 0, 100, optional=True),
        satisfaction_change_pts=read.number("headline.satisfaction_change_pts", -100, 100, optional=True),
        satisfaction_compared_with=compared,
        outstanding=tuple(outstanding),
        monthly_satisfaction=tuple(monthly),
    )

    totals: dict[str, dict[str, int]] = {}
    if toml.has("totals"):
        toml.check_keys("totals", set(schema.KINDS))
        for kind in schema.KINDS:
            if toml.has(f"totals.{kind}"):
                toml.check_keys(f"totals.{kind}", {c.key for c in schema.COUNT_COLUMNS})
                totals[kind] = {c.key: read.count(f"totals.{kind}.{c.key}") for c in schema.COUNT_COLUMNS}
    top_volume = best_units = None
    if toml.has("lists"):
        toml.check_keys("lists", {"top_volume", "best_units"})
        if toml.has("lists.top_volume"):
            listed = []
            for n, _ in enumerate(read.items("lists.top_volume", optional=False)):
                key = f"lists.top_volume[{n}]"
                toml.check_keys(key, {"unit", "work_orders"})
                listed.append((read.name(f"{key}.unit"), read.count(f"{key}.work_orders")))
            top_volume = tuple(listed)
        if toml.has("lists.best_units"):
            best = read.items("lists.best_units", optional=False)
            best_units = tuple(read.name(f"lists.best_units[{n}]") for n in range(len(best)))
    acknowledged = {}
    if toml.has("acknowledged"):
        # Keys name checks ("extended", "score.D05"), so they are quoted and may hold dots.
        for key, given in toml.get("acknowledged", dict).items():
            pinned = isinstance(given, dict)
            reason = given.get("reason") if pinned else given
            if pinned and (set(given) - {"reason", "published", "computed"} or "published" not in given):
                raise toml.error(
                    "acknowledged",
                    f"“{key}”的说明由 make explain 写入，请勿手工改动；可删去这一行后重新运行 make explain",
                )
            if not isinstance(reason, str) or not reason.strip() or "\n" in reason.strip() or len(reason) > 500:
                raise toml.error("acknowledged", f"“{key}”的说明应是一行不超过500字的文字（写明为何保留这处差异）")
            acknowledged[key] = Acknowledgement(
                reason.strip(), given.get("published") if pinned else None, given.get("computed") if pinned else None
            )
    return Circular(document, headline, totals, top_volume, best_units, example, status, acknowledged)
