"""Document model of one official circular (公文).

Plain frozen dataclasses so a circular can be built from any data source (the
project builds it from the hotline spreadsheets) and handed unchanged to the
.docx writer, whose file LibreOffice prints as the PDF.  Every string here is treated as
untrusted text by the writers: they escape it and never interpret it as markup.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from hotline.circular import fmt


@dataclass(frozen=True)
class Inline:
    """A run of body text; ``bold`` is the only emphasis the standard uses."""

    text: str
    bold: bool = False


@dataclass(frozen=True)
class Heading:
    """Level-1 heading such as ``一、基本情况`` (set in 黑体)."""

    text: str


@dataclass(frozen=True)
class Paragraph:
    """Ordinary body paragraph, first line indented two characters."""

    runs: tuple[Inline, ...]


@dataclass(frozen=True)
class Point:
    """Paragraph opening with a level-2 lead such as ``（一）审核把关不严。``.

    The lead is set in 楷体 and the rest of the paragraph (``runs``) in 仿宋.
    """

    lead: str
    runs: tuple[Inline, ...] = ()


Block = Heading | Paragraph | Point


@dataclass(frozen=True)
class Row:
    """One table row; ``sub_unit`` marks a 下属单位 listed under its parent."""

    cells: tuple[str, ...]
    sub_unit: bool = False


@dataclass(frozen=True)
class AttachmentTable:
    """An attachment (附件) that consists of a title and one table.

    ``total`` is the closing 总计 row; blank cells are empty strings.
    """

    number: int
    title: str
    subtitle: str | None
    header: tuple[str, ...]
    rows: tuple[Row, ...]
    total: Row | None = None

    def __post_init__(self) -> None:
        width = len(self.header)
        for row in (*self.rows, *((self.total,) if self.total else ())):
            if len(row.cells) != width:
                raise ValueError(f"附件{self.number}: row {row.cells!r} has {len(row.cells)} cells, header has {width}")


@dataclass(frozen=True)
class OfficialDocument:
    """One circular, element by element in the order of GB/T 9704-2012.

    ``title`` may contain ``\\n`` to force line breaks: the standard wants long
    titles broken into a trapezoid or diamond without splitting a word, which
    only an editor can judge, so the writers never re-wrap explicit lines.
    The 发文机关标志 is ``issuer + "文件"``.
    """

    issuer: str
    number: str
    title: str
    addressees: str
    body: tuple[Block, ...]
    attachment_titles: tuple[str, ...]
    signature: str
    date: datetime.date
    cc: tuple[str, ...]
    printed_by: str
    printed_on: datetime.date
    copies: int | None = None
    copies_note: str | None = None  # （共印5份）, or as the issued circular printed it
    attachments: tuple[AttachmentTable, ...] = ()
    draft_note: str | None = None
    # Issued with a seal (GB/T 9704 7.3.5.1: the date four characters from the right, the issuer
    # centred over it), as a circular like this is; False lays them out by 7.3.5.2 (no seal).
    sealed: bool = True

    @property
    def masthead(self) -> str:
        """The red 发文机关标志."""
        return f"{self.issuer}文件"

    @property
    def title_lines(self) -> tuple[str, ...]:
        """Title split at the editor's explicit line breaks (empty lines dropped)."""
        return tuple(line.strip() for line in self.title.splitlines() if line.strip())


def cc_text(cc: tuple[str, ...]) -> str:
    """The 抄送 line: bodies separated by ，and closed by 。 as the standard asks."""
    return "抄送：" + "，".join(cc) + "。"


def attachment_note_lines(titles: tuple[str, ...]) -> tuple[str, ...]:
    """``1. title`` items of the 附件说明; a single attachment gets no number."""
    if len(titles) == 1:
        return (titles[0],)
    return tuple(f"{i}. {t}" for i, t in enumerate(titles, start=1))


def all_text(document: OfficialDocument) -> str:
    """Every character a reader can see, used to check font coverage."""
    parts: list[str] = [
        document.masthead,
        document.number,
        document.title,
        document.addressees,
        document.signature,
        fmt.date(document.date),
        cc_text(document.cc),
        document.printed_by,
        fmt.date(document.printed_on) + "印发",
        "附件：",
        "— 0123456789 —草稿",
        document.copies_note or "",
    ]
    parts.extend(attachment_note_lines(document.attachment_titles))
    if document.draft_note:
        parts.append(document.draft_note)
    for block in document.body:
        if isinstance(block, Heading):
            parts.append(block.text)
        elif isinstance(block, Point):
            parts.append(block.lead)
            parts.extend(run.text for run in block.runs)
        else:
            parts.extend(run.text for run in block.runs)
    for table in document.attachments:
        parts.append(f"附件{table.number}")
        parts.append(table.title)
        parts.append(table.subtitle or "")
        parts.extend(table.header)
        for row in (*table.rows, *((table.total,) if table.total else ())):
            parts.extend(row.cells)
    return "".join(parts)
