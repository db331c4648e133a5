"""A quarter's official document (公文), composed from the same results and the same wording as
its web page (:mod:`hotline.circular.wording`): one source, two layouts.

An issued circular is reproduced as it was published, differences and all (the web page shows
them; the document is the record of what was issued). A quarter being drafted gets its document
only once every difference is acknowledged (see :mod:`hotline.rules.issuing`), and it is marked as
a draft until staff mark it issued.
"""

from __future__ import annotations

from hotline.circular import wording
from hotline.data import narrative, schema
from hotline.document.model import AttachmentTable, Block, Heading, Inline, OfficialDocument, Paragraph, Point, Row
from hotline.rules.results import QuarterResult

DRAFT_NOTE = "草稿（尚未印发）"
SECTIONS = (("一、基本情况", None), ("二、存在问题", "problems"), ("三、工作要求", "requirements"))


def _inline(part: narrative.Inline) -> Inline:
    if isinstance(part, narrative.Strong):
        return Inline(part.text, bold=True)
    if isinstance(part, narrative.Link) and part.text != part.url:
        return Inline(f"{part.text}（{part.url}）")
    return Inline(part.text)


def narrative_blocks(text: narrative.Narrative) -> list[Block]:
    blocks: list[Block] = []
    for block in text.blocks:
        if isinstance(block, narrative.Point):
            lead = block.label + narrative.plain_inlines(block.heading)
            blocks.append(Point(lead, tuple(_inline(p) for p in block.inlines)))
        elif isinstance(block, narrative.ListBlock):
            for number, item in enumerate(block.items, start=1):
                marker = f"{number}. " if block.ordered else ""
                blocks.append(Paragraph((Inline(marker), *(_inline(p) for p in item))))
        else:
            blocks.append(Paragraph(tuple(_inline(p) for p in block.inlines)))
    return blocks


def _sentence(parts: wording.Sentence) -> Paragraph:
    runs = []
    for part in parts:
        if isinstance(part, wording.Figure):
            runs.append(Inline(part.text))
        elif isinstance(part, str):
            runs.append(Inline(part))
        else:
            runs.append(_inline(part))
    return Paragraph(tuple(runs))


def title_lines(title: str, issuer: str) -> str:
    """A long title broken as a trapezoid: the issuer on its own line, the rest in lines of at most
    about twenty characters, broken after 平台 or 季度 where it can be (never inside a word)."""
    lines = []
    rest = title
    if title.startswith(issuer) and len(title) > 22:
        lines.append(issuer)
        rest = title[len(issuer) :]
    while len(rest) > 22:
        cut = max((rest.rfind(word, 0, 23) + len(word) for word in ("平台", "季度", "关于")), default=-1)
        cut = cut if cut > 6 else 20
        lines.append(rest[:cut])
        rest = rest[cut:]
    lines.append(rest)
    return "\n".join(lines)


def _attachment(result: QuarterResult, kind: str) -> AttachmentTable:
    subs = wording.has_sub_units(result, kind)
    rows = []
    for row in wording.attachment_rows(result, kind, as_printed=True):
        names = ("", row.unit) if row.sub_unit else (row.unit, "")
        rows.append(Row((*names[: 2 if subs else 1], *row.cells, row.published_score), sub_unit=row.sub_unit))
    totals = wording.attachment_totals(result, kind)
    total = Row(("总计", *([""] if subs else []), *totals, "", "", ""))
    return AttachmentTable(
        number=schema.ATTACHMENT_NO[kind],
        title=wording.attachment_titles(result)[kind],
        subtitle=wording.attachment_subtitle(result),
        header=wording.attachment_header(result, kind),
        rows=tuple(rows),
        total=total,
    )


def official_document(result: QuarterResult) -> OfficialDocument:
    quarter, d = result.quarter, result.quarter.document
    body: list[Block] = narrative_blocks(quarter.narrative["preamble"])
    for heading, section in SECTIONS:
        body.append(Heading(heading))
        if section is None:
            body += [_sentence(s) for s in wording.basic_situation(result)]
        else:
            body += narrative_blocks(quarter.narrative[section])
    kinds = (schema.TOWN, schema.DEPARTMENT)
    titles = wording.attachment_titles(result)
    return OfficialDocument(
        issuer=d.issuer,
        number=d.number,
        title=title_lines(d.title, d.issuer),
        addressees=d.addressees.rstrip("：:") + "：",  # GB/T 9704: the last addressee ends with a full-width colon
        body=tuple(body),
        attachment_titles=tuple(titles[k] for k in kinds),
        signature=d.issuer,
        date=d.date,
        cc=d.cc,
        printed_by=d.issuer,
        printed_on=d.date,
        copies=d.copies_printed,
        copies_note=wording.copies_note(result),
        sealed=d.sealed,
        attachments=tuple(_attachment(result, k) for k in kinds),
        draft_note=DRAFT_NOTE if quarter.is_draft else None,
    )
