"""The circular's own sentences and tables, worded from a quarter's results.

One source, two layouts: the quarter's web page and its official document both lay out what is
composed here. A sentence is a tuple of segments: plain text, a :class:`Figure` (a figure the
circular states, with the check that tests it, so the web page can flag a difference), or a run
of staff narrative (:mod:`hotline.data.narrative` inlines).

An issued circular is reproduced as it was published. A quarter being drafted may leave a figure
that the tables determine unstated; then the computed value is used (``result.headline``).
"""

from __future__ import annotations

from dataclasses import dataclass

from hotline.circular import fmt
from hotline.data import narrative, schema
from hotline.format.template import MissingPlaceholder, Template
from hotline.rules import totals
from hotline.rules.checks import Check
from hotline.rules.results import QuarterResult


@dataclass(frozen=True)
class Figure:
    """A figure as the circular states it (``text``), and the check of it (``None``: not checkable)."""

    text: str
    check: Check | None = None

    @property
    def disagrees(self) -> bool:
        return self.check is not None and not self.check.agrees


Segment = str | Figure | narrative.Inline
Sentence = tuple[Segment, ...]


def county_of(issuer: str) -> str:
    """The county in an issuer's name (白水县 in 白水县人民政府办公室): the saved files' names and the
    open data's title say it."""
    return issuer.partition("人民政府")[0] or issuer


def page_title(result: QuarterResult) -> str:
    """The quarter page's title (a draft's says so wherever the title is shown: the preview's menu too)."""
    return f"{result.id.zh}工单办理情况通报{'（草稿）' if result.quarter.is_draft else ''}"


def basic_situation(result: QuarterResult) -> tuple[Sentence, ...]:
    """一、基本情况: three paragraphs, as the circular writes them."""
    quarter, h = result.quarter, result.headline
    check = result.check
    sums = result.sums
    kind_of = dict(zip(result.units["unit"], result.units["kind"], strict=True))

    def not_completed(kind: str) -> tuple[Segment, ...]:
        return tuple(f"，{o.unit}{outstanding(o.count)}" for o in h.outstanding if kind_of[o.unit] == kind)

    def problem(column: schema.Column) -> Figure:
        stated = getattr(h, column.key)  # a draft's is computed (see results.stated_headline)
        if stated is None:  # an issued circular that did not state it: the tables' sum
            stated = totals.overall(sums, column.key)
        return Figure(fmt.count(stated), check(column.key))

    joint = "全部办结" if h.joint_dispatch_outstanding == 0 else outstanding(h.joint_dispatch_outstanding)
    wording = result.format.wording
    first = _filled(
        wording.headline,
        period=quarter.id.zh_short,
        received=Figure(fmt.count(h.received), check("received")),
        completed_as_of=fmt.month_day(h.completed_as_of),
        completed=Figure(fmt.count(h.completed), check("completed")),
        completion_rate=Figure(fmt.pct(h.completion_rate_pct), check("completion_rate")),
        extended=problem(schema.EXTENDED),
        redone=problem(schema.REDONE),
        overdue=problem(schema.OVERDUE),
        answered_directly=fmt.count(h.answered_directly),
        assigned_towns=Figure(fmt.count(h.assigned_towns), check("assigned_towns")),
        towns_outstanding=not_completed(schema.TOWN),
        assigned_departments=Figure(fmt.count(h.assigned_departments), check("assigned_departments")),
        departments_outstanding=not_completed(schema.DEPARTMENT),
        joint_dispatch=fmt.count(h.joint_dispatch),
        joint_outstanding=joint,
    )
    remark = _paragraph_inlines(quarter.narrative.get("quality_remark"))
    return (first, (*top_volume_sentence(result), *remark), best_units_sentence(result))


def outstanding(count: int) -> str:
    """Work orders not yet completed, as the circular says it: 2件尚未办结."""
    return f"{count}件尚未办结"


def top_volume_listed(result: QuarterResult) -> tuple[tuple[str, str], ...]:
    """The units the circular names for most work orders (as published, or the draft's), each
    with how it is listed: 劳动监察大队（139）, the work orders from the tables."""
    listed = result.quarter.published_top_volume or tuple(result.most_work_orders)
    work_orders = dict(zip(result.units["unit"], result.units["work_orders"], strict=True))
    return tuple((unit, f"{unit}（{work_orders[unit]}）") for unit, _ in listed)


def best_listed(result: QuarterResult) -> tuple[str, ...]:
    """The units the circular names for the best scores (as published, or the draft's)."""
    return tuple(result.quarter.published_best_units or result.best_units)


def top_volume_sentence(result: QuarterResult) -> Sentence:
    """The units with most work orders, each with its work orders, in the format's sentence."""
    named = fmt.join(entry for _, entry in top_volume_listed(result))
    return _filled(
        result.format.wording.top_volume,
        period=result.id.zh_short,
        top_volume=Figure(named, result.check("top_volume")),
    )


def best_units_sentence(result: QuarterResult) -> Sentence:
    """The units with the best scores, in the format's sentence."""
    return _filled(
        result.format.wording.best_units,
        period=result.id.zh_short,
        best_units=Figure(fmt.join(best_listed(result)), result.check("best_units")),
    )


def _filled(template: Template, **values: Segment | tuple[Segment, ...]) -> Sentence:
    """A sentence of the format's ``template``, each placeholder filled with its segment (or
    segments): a figure keeps its check, so the page can flag it wherever the format puts it.
    A text value and the template's text around it are one segment (one run of the document);
    segments given as a tuple stay apart, as the circular's parts (尚未办结) always were."""
    out: list[Segment] = []
    joinable = False  # whether the last segment is text that the next text continues
    for part in template.parts:
        if not isinstance(part, str) and part.name not in values:
            raise MissingPlaceholder(part.name, f"通报句子“{template.text}”的占位符 {{{part.name}}} 没有给出内容")
        value = part if isinstance(part, str) else values[part.name]
        if isinstance(value, tuple):
            out.extend(value)
            joinable = False
        elif type(value) is str and joinable:
            out[-1] += value
        elif value != "":
            out.append(value)
            joinable = type(value) is str
    return tuple(out)


def _paragraph_inlines(text: narrative.Narrative | None) -> tuple[narrative.Inline, ...]:
    """A one-paragraph narrative (the quality remark) as runs that continue a sentence."""
    if text is None:
        return ()
    runs: list[narrative.Inline] = []
    for block in text.blocks:
        if isinstance(block, narrative.Paragraph):
            runs += block.inlines
        elif isinstance(block, narrative.Point):
            runs += [narrative.Text(block.label), *block.heading, *block.inlines]
        else:
            runs += [inline for item in block.items for inline in item]
    return tuple(runs)


def published_only(result: QuarterResult) -> tuple[str, ...]:
    """Figures the circular states that no table in it can confirm, as short phrases."""
    h = result.headline
    items = [f"联合派单{fmt.count(h.joint_dispatch)}（已分别计入镇办、部门工单量，附件未单列）"]
    if h.satisfaction_change_pts is not None:
        direction = "下降" if h.satisfaction_change_pts < 0 else "上升"
        previous = h.satisfaction_compared_with.zh if h.satisfaction_compared_with else "上季度"
        items.append(f"满意率与{previous}相较{direction}{fmt.points(h.satisfaction_change_pts)}")
    items += [f"{fmt.month(month)}满意率{fmt.pct(value)}" for month, value in h.monthly_satisfaction]
    return tuple(items)


def attachment_titles(result: QuarterResult) -> dict[str, str]:
    """附件 titles as the circular prints them: 2024年第一季度各镇办工单办理情况."""
    return {group.key: f"{result.id.zh}{group.title}" for group in result.format.groups}


ATTACHMENT_SUBTITLE = "（包含联合派单）"


def attachment_subtitle(result: QuarterResult) -> str:
    """The attachments' subtitle: as the issued circular printed it, else GB/T's full-width form."""
    return result.quarter.document.attachment_subtitle or ATTACHMENT_SUBTITLE


def copies_note(result: QuarterResult) -> str | None:
    """The copies printed, under the 印发 line: as printed, else （共印N份）; None when not stated."""
    d = result.quarter.document
    if d.copies_printed is None:
        return None
    return d.copies_note or f"（共印{d.copies_printed}份）"


@dataclass(frozen=True)
class AttachmentRow:
    """A row of an attachment table as printed: zero counts and points blank, sub-units under
    their parent (``sub_unit`` set), the published score on the scored unit's row."""

    unit: str
    unit_id: str
    sub_unit: bool
    cells: tuple[str, ...]  # the count and point columns, as printed
    published_score: str
    rank: int | None
    composite_score: float | None
    score_agrees: bool


def cell(value, *, blank_zero: bool = True) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if blank_zero and value == 0:
        return ""
    return fmt.number(value)


def attachment_rows(result: QuarterResult, kind: str, *, as_printed: bool = False) -> tuple[AttachmentRow, ...]:
    """附件1 or 附件2, each scored unit followed by its sub-units: in ranking order, or with
    ``as_printed`` in the order the issued circular printed them (its data files keep that order;
    the 2024 Q1 circular sorted by each unit's own work orders, the ranking rule by the unit's and
    its sub-units'). A draft has no printed order yet: it is in ranking order either way."""
    keys = [c.key for c in (*schema.COUNT_COLUMNS, *schema.POINT_COLUMNS)]
    rows = []
    ranking = result.ranking[result.ranking["kind"] == kind]
    if as_printed and not result.quarter.is_draft:
        printed = [u for u, parent in zip(result.units["unit"], result.units["parent"], strict=True) if parent == ""]
        ranked = set(ranking["unit"])
        ranking = ranking.set_index("unit", drop=False).loc[[u for u in printed if u in ranked]]
    units = result.units.to_dict("records")
    for scored in ranking.itertuples():
        for member in (units[position] for position in result.member_positions[scored.unit]):
            parent = member["parent"] == ""
            rows.append(
                AttachmentRow(
                    unit=member["unit"],
                    unit_id=member["unit_id"],
                    sub_unit=not parent,
                    cells=tuple(cell(member[key]) for key in keys),
                    published_score=cell(scored.published_score, blank_zero=False) if parent else "",
                    rank=int(scored.rank) if parent else None,
                    composite_score=float(scored.composite_score) if parent else None,
                    score_agrees=bool(scored.score_agrees) if parent else True,
                )
            )
    return tuple(rows)


def attachment_totals(result: QuarterResult, kind: str) -> tuple[str, ...]:
    """The 总计 row's counts: as printed, or for a draft that leaves them out, the sums."""
    printed = result.quarter.published_totals.get(kind)
    totals = printed if printed is not None else result.sums[kind]
    return tuple(cell(totals[c.key]) for c in schema.COUNT_COLUMNS)


def has_sub_units(result: QuarterResult, kind: str) -> bool:
    units = result.units[result.units["kind"] == kind]
    return bool((units["parent"] != "").any())


def attachment_header(result: QuarterResult, kind: str) -> tuple[str, ...]:
    """The header as the circular prints it (下属单位 only where a table has sub-units)."""
    columns = [c for c in schema.FILE_COLUMNS if c is not schema.SUB_UNIT or has_sub_units(result, kind)]
    return tuple(c.zh for c in result.format.columns(columns))
