"""Write a circular as a GB/T 9704-2012 .docx (python-docx plus a little raw XML). The PDF is this
file as LibreOffice lays it out (:mod:`pdf_writer`): one layout.

The file names the fonts offices have installed (方正小标宋简体, 仿宋_GB2312,
黑体, 楷体_GB2312, Times New Roman) on every run, with ``w:eastAsia`` set, so
Word and WPS apply them, and its font table names what to show on a PC without them; the section
carries the 22 × 28 document grid. The 版记 is a table in the flow (staff can edit round it) after
the attachments: where it lands depends on the layout, so the printer lays the document out once,
measures, and has it written again with a :class:`RecordPlacement` that puts the 版记 at the foot
of an even last page. Every string is inserted as plain text (python-docx escapes XML); python-docx's
template leftovers (thumbnail, custom XML, unused styles, "Macintosh Word") are removed.
"""

from __future__ import annotations

import datetime as dt
import math
from copy import deepcopy
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.table import Table
from docx.text.paragraph import Paragraph as DocxParagraph

from hotline.circular import fmt
from hotline.document import layout as L
from hotline.document.model import (
    AttachmentTable,
    Heading,
    Inline,
    OfficialDocument,
    Paragraph,
    Point,
    attachment_note_lines,
    cc_text,
)
from hotline.reproducible import fixed_zip

TWIPS_PER_MM = 1440 / 25.4
PAGE_W = round(L.PAGE_WIDTH_MM * TWIPS_PER_MM)  # 11906
PAGE_H = round(L.PAGE_HEIGHT_MM * TWIPS_PER_MM)  # 16838
MARGIN_TOP = round(L.MARGIN_TOP_MM * TWIPS_PER_MM)
MARGIN_BOTTOM = round(L.MARGIN_BOTTOM_MM * TWIPS_PER_MM)
MARGIN_LEFT = round(L.MARGIN_LEFT_MM * TWIPS_PER_MM)
MARGIN_RIGHT = round(L.MARGIN_RIGHT_MM * TWIPS_PER_MM)
TEXT_W = PAGE_W - MARGIN_LEFT - MARGIN_RIGHT  # 8845 twips ≈ 156 mm
TEXT_H = PAGE_H - MARGIN_TOP - MARGIN_BOTTOM  # 12756 twips ≈ 225 mm
# Word fits floor(TEXT_H / linePitch) lines, so round the pitch down to get 22.
LINE_PITCH = TEXT_H // L.LINES_PER_PAGE  # 579 twips ≈ 28.95 pt
# 28 characters a line: each character is drawn 16 pt wide and set a little tighter (character
# spacing in twentieths of a point, rounded down so that 28 fit in 156 mm). Word's own
# "linesAndChars" grid would do the same in Word, but LibreOffice (and some WPS versions) give
# every glyph wider than the grid pitch two cells, 14 characters a line; explicit spacing is laid
# out alike everywhere. The line grid (22 lines of 28.95 pt) is kept.
CHAR_SPACING = math.floor(TEXT_W / L.CHARS_PER_LINE - L.BODY_PT * 20)  # -5: 15.75 pt a character
CHAR = L.BODY_PT * 20 + CHAR_SPACING  # one character in twips, for indents

# Bottom of the footer line: puts the dash of "— N —" about 7 mm under the text block.
FOOTER_DISTANCE_MM = L.MARGIN_BOTTOM_MM - L.PAGE_NUMBER_GAP_MM - L.RECORD_PT / 2 / L.PT_PER_MM

RED = RGBColor.from_string(L.RED)
RECORD_ROW = LINE_PITCH  # each 版记 line one line of the grid

# Why every paragraph says w:overflowPunct="1": LibreOffice hangs a comma that falls in a line's
# 29th place into the margin and, in a justified line set with the tighter character spacing above,
# then does not draw it at all (优化流程， lost its comma). LibreOffice reads this attribute the
# other way round from Word (overflowPunct="1" turns its hanging punctuation off), so "1" keeps every
# mark in the PDF, inside the 28 characters (the character before it moves down with it, as the
# standard's line wants); Word and WPS, for which "1" is their default, may hang it as they always do.
NO_HANGING_PUNCTUATION = True


@dataclass(frozen=True)
class RecordPlacement:
    """Where the 版记 goes (see :mod:`pdf_writer`, which chooses it).

    ``space_pt`` is the blank space before it on its page (pushing its last rule onto the text
    block's foot). ``even_page`` starts it on the next even page, in a section of its own whose
    pages keep the page numbers: Word, WPS and LibreOffice insert a blank page before it when the
    content ends on an even page, so the 版记 is on an even last page however the program lays
    the content out (the printer's first try, and the file kept whenever the content ends on an odd
    page). ``blank_page`` puts an unnumbered blank page
    before it and leaves its own page unnumbered too (the content ended on an even page with no
    room left). The default sets it straight after the content (on the content's last page, when
    the printer measured room for it there)."""

    space_pt: float = 0.0
    blank_page: bool = False
    even_page: bool = False


def _eighths(mm: float) -> int:
    """Border width in eighths of a point (Word's unit), nearest allowed value."""
    return max(2, round(mm * L.PT_PER_MM * 8))


# Schema order of the children this module adds: Word rejects files whose
# property elements are out of order, so new children are inserted in place.
_ORDER = {
    "w:pPr": "pStyle keepNext keepLines pageBreakBefore framePr widowControl numPr suppressLineNumbers "
    "pBdr shd tabs suppressAutoHyphens kinsoku wordWrap overflowPunct topLinePunct autoSpaceDE "
    "autoSpaceDN bidi adjustRightInd snapToGrid spacing ind contextualSpacing mirrorIndents "
    "suppressOverlap jc textDirection textAlignment textboxTightWrap outlineLvl divId cnfStyle rPr "
    "sectPr pPrChange",
    "w:rPr": "rStyle rFonts b bCs i iCs caps smallCaps strike dstrike outline shadow emboss imprint "
    "noProof snapToGrid vanish webHidden color spacing w kern position sz szCs highlight u effect bdr "
    "shd fitText vertAlign rtl cs em lang eastAsianLayout specVanish oMath",
    "w:tblPr": "tblStyle tblpPr tblOverlap bidiVisual tblStyleRowBandSize tblStyleColBandSize tblW jc "
    "tblCellSpacing tblInd tblBorders shd tblLayout tblCellMar tblLook tblCaption tblDescription",
    "w:tcPr": "cnfStyle tcW gridSpan hMerge vMerge tcBorders shd noWrap tcMar textDirection tcFitText vAlign hideMark",
    "w:tcBorders": "top left start bottom right end insideH insideV tl2br tr2bl",
    "w:tblBorders": "top left start bottom right end insideH insideV",
    "w:pBdr": "top left bottom right between bar",
    "w:sectPr": "headerReference footerReference footnotePr endnotePr type pgSz pgMar paperSrc "
    "pgBorders lnNumType pgNumType cols formProt vAlign noEndnote titlePg textDirection bidi "
    "rtlGutter docGrid printerSettings sectPrChange",
}
_ORDER_INDEX = {
    qn(parent): {qn(f"w:{name}"): i for i, name in enumerate(names.split())} for parent, names in _ORDER.items()
}


def _set(element, tag: str, **attrs: str):
    """Get or create child ``tag`` of ``element`` (in schema order) and set ``w:`` attributes."""
    child = element.find(qn(tag))
    if child is None:
        child = OxmlElement(tag)
        order = _ORDER_INDEX.get(element.tag)
        position = order.get(qn(tag)) if order else None
        successor = None
        if position is not None:
            for sibling in element:
                if order.get(sibling.tag, -1) > position:
                    successor = sibling
                    break
        if successor is not None:
            successor.addprevious(child)
        else:
            element.append(child)
    for key, value in attrs.items():
        child.set(qn(f"w:{key}"), str(value))
    return child


def _fonts(rpr, east_asia: str) -> None:
    """Latin in Times New Roman, Chinese in ``east_asia``; no theme fonts override them."""
    rfonts = _set(rpr, "w:rFonts")
    for attr in list(rfonts.attrib):
        if attr.lower().endswith("theme"):  # asciiTheme … cstheme would override the names
            del rfonts.attrib[attr]
    rfonts.set(qn("w:ascii"), L.DOCX_LATIN)
    rfonts.set(qn("w:hAnsi"), L.DOCX_LATIN)
    rfonts.set(qn("w:cs"), L.DOCX_LATIN)
    rfonts.set(qn("w:eastAsia"), east_asia)
    rfonts.set(qn("w:hint"), "eastAsia")


def _run(
    paragraph: DocxParagraph,
    text: str,
    east_asia: str,
    size_pt: float,
    *,
    bold: bool = False,
    color: RGBColor | None = None,
):
    """A run with explicit Latin and East Asian fonts, size and colour."""
    run = paragraph.add_run(text)
    run.font.size = Pt(size_pt)
    run.font.bold = bold or None
    if color is not None:
        run.font.color.rgb = color
    _fonts(run._r.get_or_add_rPr(), east_asia)
    _set(run._r.get_or_add_rPr(), "w:szCs", val=round(size_pt * 2))
    return run


def _line_break(paragraph: DocxParagraph, east_asia: str, size_pt: float) -> None:
    """A line break in a run of its own that still names the fonts (keeps line height)."""
    _run(paragraph, "", east_asia, size_pt).add_break()


def _format(
    paragraph: DocxParagraph,
    *,
    align: WD_ALIGN_PARAGRAPH | None = WD_ALIGN_PARAGRAPH.JUSTIFY,
    before: int = 0,
    line: int | None = LINE_PITCH,
    first_line_chars: float = 0.0,
    left: float = 0.0,
    hanging: float = 0.0,
    right: float = 0.0,
    snap_to_grid: bool = True,
    keep_next: bool = False,
    page_break_before: bool = False,
) -> DocxParagraph:
    """Paragraph properties in twips; indents in grid characters (``CHAR`` twips)."""
    ppr = paragraph._p.get_or_add_pPr()
    if page_break_before:
        _set(ppr, "w:pageBreakBefore")
    if keep_next:
        _set(ppr, "w:keepNext")
    if not snap_to_grid:
        _set(ppr, "w:snapToGrid", val="0")
    _set(ppr, "w:overflowPunct", val="1")  # see NO_HANGING_PUNCTUATION
    _set(ppr, "w:autoSpaceDE", val="0")
    _set(ppr, "w:autoSpaceDN", val="0")
    spacing = _set(ppr, "w:spacing", before=before, after=0)
    if line is not None:
        spacing.set(qn("w:line"), str(line))
        spacing.set(qn("w:lineRule"), "exact")
    ind = {}
    if first_line_chars:
        ind.update(firstLineChars=round(first_line_chars * 100), firstLine=round(first_line_chars * CHAR))
    if left:
        ind.update(left=round(left * CHAR))
    if hanging:
        ind.update(hanging=round(hanging * CHAR))
    if right:
        ind.update(right=round(right * CHAR))
    if ind:
        _set(ppr, "w:ind", **ind)
    if align is not None:
        paragraph.alignment = align
    return paragraph


def _outline(paragraph: DocxParagraph) -> None:
    """An outline level: Word's navigation pane and the PDF's bookmarks list the paragraph."""
    _set(paragraph._p.get_or_add_pPr(), "w:outlineLvl", val=0)


def _border(parent, side: str, eighths: int, color: str = "000000", space: int = 0) -> None:
    _set(parent, f"w:{side}", val="single", sz=eighths, space=space, color=color)


class _Writer:
    """Builds the document top to bottom; one instance per file."""

    def __init__(self, document: OfficialDocument, placement: RecordPlacement) -> None:
        self.doc = document
        self.placement = placement
        self.out = Document()

    # -- set-up -----------------------------------------------------------
    def setup(self) -> None:
        self._defaults()
        section = self.out.sections[0]
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Mm(L.PAGE_WIDTH_MM), Mm(L.PAGE_HEIGHT_MM)
        section.top_margin, section.bottom_margin = Mm(L.MARGIN_TOP_MM), Mm(L.MARGIN_BOTTOM_MM)
        section.left_margin, section.right_margin = Mm(L.MARGIN_LEFT_MM), Mm(L.MARGIN_RIGHT_MM)
        section.header_distance = Mm(15)
        section.footer_distance = Mm(FOOTER_DISTANCE_MM)
        section.gutter = Mm(0)
        sect_pr = section._sectPr
        _set(sect_pr, "w:docGrid", type="lines", linePitch=LINE_PITCH)
        self.out.settings.odd_and_even_pages_header_footer = True
        self._page_numbers(section)
        if self.doc.draft_note:
            for header in (section.header, section.even_page_header):
                p = header.paragraphs[0]
                _format(p, align=WD_ALIGN_PARAGRAPH.CENTER, line=None, snap_to_grid=False)
                _run(p, "草稿　仅供审核", L.DOCX_HEITI, L.RECORD_PT, color=RED)
        core = self.out.core_properties
        core.title = " ".join(self.doc.title_lines)
        core.subject = self.doc.number
        core.author = self.doc.issuer
        core.comments = ""
        when = dt.datetime.combine(self.doc.date, dt.time())
        core.created = core.modified = core.last_printed = when
        core.last_modified_by = self.doc.issuer
        core.revision = 1
        core.category = "公文"
        core.keywords = "通报"
        core.language = "zh-CN"

    def _defaults(self) -> None:
        """Document defaults: 3号 仿宋_GB2312 / Times New Roman, Chinese language."""
        styles = self.out.styles.element
        rpr_default = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
        _fonts(rpr_default, L.DOCX_FANGSONG)
        _set(rpr_default, "w:spacing", val=CHAR_SPACING)
        _set(rpr_default, "w:sz", val=round(L.BODY_PT * 2))
        _set(rpr_default, "w:szCs", val=round(L.BODY_PT * 2))
        _set(rpr_default, "w:lang", val="en-US", eastAsia="zh-CN", bidi="ar-SA")
        # No automatic gap between Chinese and Latin/digits: the standard sets
        # "2024年5月11日" solid, and the PDF has no such gap either.
        ppr_default = styles.find(qn("w:docDefaults")).find(qn("w:pPrDefault"))
        if ppr_default is None:
            ppr_default = OxmlElement("w:pPrDefault")
            styles.find(qn("w:docDefaults")).append(ppr_default)
        ppr = ppr_default.find(qn("w:pPr"))
        if ppr is None:
            ppr = OxmlElement("w:pPr")
            ppr_default.append(ppr)
        _set(ppr, "w:overflowPunct", val="1")
        _set(ppr, "w:autoSpaceDE", val="0")
        _set(ppr, "w:autoSpaceDN", val="0")
        _set(ppr, "w:spacing", after=0, line=240, lineRule="auto")
        theme_lang = self.out.settings.element.find(qn("w:themeFontLang"))
        if theme_lang is not None:
            theme_lang.set(qn("w:eastAsia"), "zh-CN")
        normal = self.out.styles["Normal"]
        normal.font.size = Pt(L.BODY_PT)
        _fonts(normal.element.get_or_add_rPr(), L.DOCX_FANGSONG)
        normal.paragraph_format.space_after = Pt(0)

    def _page_numbers(self, section) -> None:
        """ "— N —" in 4号: odd pages right, even pages left, one character in."""
        for footer, align in (
            (section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
            (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT),
        ):
            footer.is_linked_to_previous = False
            p = footer.paragraphs[0]
            one_char = L.RECORD_PT * 20 / CHAR
            _format(
                p,
                align=align,
                line=round(L.RECORD_PT * 20),
                snap_to_grid=False,
                left=one_char if align == WD_ALIGN_PARAGRAPH.LEFT else 0.0,
                right=one_char if align == WD_ALIGN_PARAGRAPH.RIGHT else 0.0,
            )
            _run(p, "— ", L.DOCX_SONG, L.RECORD_PT)
            self._field(p, "PAGE", "1")
            _run(p, " —", L.DOCX_SONG, L.RECORD_PT)

    def _field(self, paragraph: DocxParagraph, instruction: str, placeholder: str) -> None:
        for kind, text in (
            ("begin", None),
            ("instr", f" {instruction} "),
            ("separate", None),
            ("text", placeholder),
            ("end", None),
        ):
            run = _run(paragraph, "", L.DOCX_LATIN, L.RECORD_PT)
            if kind == "instr":
                instr = OxmlElement("w:instrText")
                instr.set(qn("xml:space"), "preserve")
                instr.text = text
                run._r.append(instr)
            elif kind == "text":
                t = OxmlElement("w:t")
                t.text = text
                run._r.append(t)
            else:
                fld = OxmlElement("w:fldChar")
                fld.set(qn("w:fldCharType"), kind)
                run._r.append(fld)

    def _p(self) -> DocxParagraph:
        return self.out.add_paragraph()

    # -- head (版头) --------------------------------------------------------
    def head(self) -> None:
        masthead_before = round(L.MASTHEAD_TOP_OFFSET_MM * TWIPS_PER_MM)
        if self.doc.draft_note:
            p = _format(self._p(), align=WD_ALIGN_PARAGRAPH.LEFT, snap_to_grid=False)
            _run(p, f"草稿：{self.doc.draft_note}", L.DOCX_HEITI, L.RECORD_PT, color=RED)
            masthead_before -= LINE_PITCH
        size = L.masthead_pt(self.doc.masthead)
        size = int(size * 2) / 2  # Word sizes are half points; round down to stay narrower
        p = _format(
            self._p(),
            align=WD_ALIGN_PARAGRAPH.CENTER,
            before=max(0, masthead_before),
            line=round(size * 1.25 * 20),
            snap_to_grid=False,
        )
        _run(p, self.doc.masthead, L.DOCX_XIAOBIAOSONG, size, color=RED)
        # 发文字号 two blank lines under the 标志; the red rule is its bottom border,
        # 4 mm under the glyphs (the exact line leaves half its leading below them).
        p = _format(self._p(), align=WD_ALIGN_PARAGRAPH.CENTER, before=2 * LINE_PITCH)
        _run(p, self.doc.number, L.DOCX_FANGSONG, L.BODY_PT)
        half_leading_pt = (LINE_PITCH / 20 - L.BODY_PT) / 2
        gap_pt = max(0, round(L.RED_RULE_GAP_MM * L.PT_PER_MM - half_leading_pt))
        pbdr = _set(p._p.get_or_add_pPr(), "w:pBdr")
        _border(pbdr, "bottom", _eighths(L.RED_RULE_MM), L.RED, space=gap_pt)

    # -- main part (主体) ---------------------------------------------------
    def title(self) -> None:
        p = _format(
            self._p(),
            align=WD_ALIGN_PARAGRAPH.CENTER,
            before=L.TITLE_LINES_BELOW_RULE * LINE_PITCH,
            snap_to_grid=False,
        )
        for index, line in enumerate(self.doc.title_lines):
            if index:
                _line_break(p, L.DOCX_XIAOBIAOSONG, L.TITLE_PT)
            _run(p, line, L.DOCX_XIAOBIAOSONG, L.TITLE_PT)
        p = _format(self._p(), align=WD_ALIGN_PARAGRAPH.JUSTIFY, before=LINE_PITCH)
        _run(p, self.doc.addressees, L.DOCX_FANGSONG, L.BODY_PT)

    def _inlines(self, p: DocxParagraph, runs: tuple[Inline, ...]) -> None:
        for inline in runs:
            _run(p, inline.text, L.DOCX_FANGSONG, L.BODY_PT, bold=inline.bold)

    def body_text(self) -> None:
        for block in self.doc.body:
            if isinstance(block, Heading):
                p = _format(self._p(), first_line_chars=2, keep_next=True)
                _outline(p)
                _run(p, block.text, L.DOCX_HEITI, L.BODY_PT)
            elif isinstance(block, Point):
                p = _format(self._p(), first_line_chars=2)
                _run(p, block.lead, L.DOCX_KAITI, L.BODY_PT)
                self._inlines(p, block.runs)
            elif isinstance(block, Paragraph):
                p = _format(self._p(), first_line_chars=2)
                self._inlines(p, block.runs)
            else:
                raise TypeError(f"unknown body block {type(block).__name__}")

    def attachment_note(self) -> None:
        """ "附件：1. 标题" two characters in; later titles aligned under the first."""
        lines = attachment_note_lines(self.doc.attachment_titles)
        numbered = len(lines) > 1
        num = 1.0 if numbered else 0.0  # "1. " is one full character wide
        for index, line in enumerate(lines):
            first = index == 0
            p = _format(
                self._p(),
                align=WD_ALIGN_PARAGRAPH.LEFT,
                before=LINE_PITCH if first else 0,
                left=2 + 3 + num,
                hanging=(3 + num) if first else num,
            )
            if first:
                _run(p, "附件：", L.DOCX_FANGSONG, L.BODY_PT)
            _run(p, line, L.DOCX_FANGSONG, L.BODY_PT)

    def sign_off(self) -> None:
        """Signature and date. With a seal (7.3.5.1, the default): the date four characters from the
        right, the issuer centred over it, two blank lines under the body for the seal. Without
        (7.3.5.2): the issuer two characters from the right, the date two characters further in."""
        signature = L.text_width_chars(self.doc.signature)
        date_text = fmt.date(self.doc.date)
        date = L.text_width_chars(date_text)
        if self.doc.sealed:
            date_right = L.SEAL_DATE_RIGHT_CHARS
            signature_right = max(0.0, date_right + (date - signature) / 2)
            before = (1 + L.SEAL_LINES_ABOVE) * LINE_PITCH
        else:
            box = max(signature, date + 2)
            signature_right, date_right = 2 + box - signature, 2 + box - 2 - date
            before = LINE_PITCH
        p = _format(self._p(), align=WD_ALIGN_PARAGRAPH.RIGHT, before=before, right=signature_right, keep_next=True)
        _run(p, self.doc.signature, L.DOCX_FANGSONG, L.BODY_PT)
        p = _format(self._p(), align=WD_ALIGN_PARAGRAPH.RIGHT, right=date_right)
        _run(p, date_text, L.DOCX_FANGSONG, L.BODY_PT)

    # -- attachments --------------------------------------------------------
    def attachment(self, table: AttachmentTable) -> None:
        p = _format(self._p(), align=WD_ALIGN_PARAGRAPH.LEFT, page_break_before=True)
        _outline(p)
        _run(p, f"附件{table.number}", L.DOCX_HEITI, L.BODY_PT)
        p = _format(self._p(), align=WD_ALIGN_PARAGRAPH.CENTER, before=LINE_PITCH, keep_next=True, snap_to_grid=False)
        _run(p, table.title, L.DOCX_XIAOBIAOSONG, L.TITLE_PT)
        if table.subtitle:
            p = _format(self._p(), align=WD_ALIGN_PARAGRAPH.CENTER, keep_next=True)
            _run(p, table.subtitle, L.DOCX_FANGSONG, L.BODY_PT)
        # The header, one unit row laid out through python-docx as the pattern of every unit row,
        # and the 总计 row; the unit rows are then copies of the pattern's XML with their own text
        # (python-docx's work per cell took a second for a 300-unit quarter's document).
        grid = self.out.add_table(rows=2 + (1 if table.total else 0), cols=len(table.header))
        name_columns = [i for i, head in enumerate(table.header) if L.is_name_column(i, head)]
        limit = L.name_limit(table.header)
        names = [[row.cells[i] for row in table.rows if row.cells[i]] for i in name_columns]
        self._table_layout(grid, L.column_widths(table.header, names))
        self._table_row(grid, 0, table.header, L.DOCX_HEITI, L.TABLE_HEAD_PT, header=True)
        self._table_row(grid, 1, ("0",) * len(table.header), L.DOCX_FANGSONG, L.TABLE_PT)
        if table.total:
            self._table_row(grid, 2, table.total.cells, L.DOCX_HEITI, L.TABLE_PT)
        pattern = grid.rows[1]._tr
        for row in table.rows:
            copy = deepcopy(pattern)
            for index, (tc, text) in enumerate(zip(copy.iterchildren(qn("w:tc")), row.cells, strict=True)):
                paragraph = DocxParagraph(tc.find(qn("w:p")), grid)
                run = paragraph.runs[0]
                if index in name_columns:
                    text = "\n".join(L.name_lines(text, limit))  # a line break at a natural part
                if text:
                    run.text = text  # as add_run writes it: tabs and line breaks as Word's own
                else:
                    paragraph._p.remove(run._r)
            pattern.addprevious(copy)
        pattern.getparent().remove(pattern)

    def _table_layout(self, table: Table, widths: list[float]) -> None:
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        tbl_pr = table._tbl.tblPr
        _set(tbl_pr, "w:tblW", w=TEXT_W, type="dxa")
        _set(tbl_pr, "w:tblLayout", type="fixed")
        borders = _set(tbl_pr, "w:tblBorders")
        for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
            _border(borders, side, 4)
        margins = _set(tbl_pr, "w:tblCellMar")
        for side in ("left", "right"):
            _set(margins, f"w:{side}", w=round(L.CELL_PAD_PT * 20), type="dxa")
        twips = [round(w * TEXT_W) for w in widths]
        twips[-1] += TEXT_W - sum(twips)
        for column, width in zip(table.columns, twips, strict=True):
            column.width = width * 635  # twips → EMU
        for grid_col, width in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), twips, strict=True):
            grid_col.set(qn("w:w"), str(width))
        for row in table.rows:
            for cell, width in zip(row.cells, twips, strict=True):
                _set(cell._tc.get_or_add_tcPr(), "w:tcW", w=width, type="dxa")

    def _table_row(
        self, table: Table, index: int, cells: tuple[str, ...], east_asia: str, size: float, header: bool = False
    ) -> None:
        row = table.rows[index]
        tr_pr = row._tr.get_or_add_trPr()
        _set(tr_pr, "w:cantSplit")
        _set(tr_pr, "w:trHeight", val=round(6.5 * TWIPS_PER_MM), hRule="atLeast")
        if header:
            _set(tr_pr, "w:tblHeader")  # repeat on every page
        for cell, text in zip(row.cells, cells, strict=True):
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            p = cell.paragraphs[0]
            _format(p, align=WD_ALIGN_PARAGRAPH.CENTER, line=round(size * 1.3 * 20), snap_to_grid=False)
            if text:
                _run(p, text, east_asia, size)

    # -- record (版记) --------------------------------------------------------
    def record(self) -> None:
        """版记 after the attachments, a table in the flow whose borders are its rules (thick, thin,
        thick), placed by :class:`RecordPlacement`: a spacer paragraph of the measured height (which
        also keeps it apart from a table above, or Word merges the two), after a page break or a
        blank unnumbered page when the content ended where an even last page cannot follow."""
        place = self.placement
        if place.blank_page:
            self._unnumbered_section()
            _format(self._p(), line=20, snap_to_grid=False)  # the blank page
        elif place.even_page:
            self._even_page_section()
        spacer = _format(self._p(), line=20, snap_to_grid=False, page_break_before=place.blank_page)
        height = 20 + max(0, math.floor(place.space_pt * 20))
        spacer._p.pPr.find(qn("w:spacing")).set(qn("w:line"), str(min(height, 31680)))
        rows = 2 + (1 if self.doc.copies else 0)
        table = self.out.add_table(rows=rows, cols=2)
        tbl_pr = table._tbl.tblPr
        _set(tbl_pr, "w:tblW", w=TEXT_W, type="dxa")
        _set(tbl_pr, "w:jc", val="center")
        _set(tbl_pr, "w:tblLayout", type="fixed")
        borders = _set(tbl_pr, "w:tblBorders")
        for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
            _set(borders, f"w:{side}", val="nil")
        margins = _set(tbl_pr, "w:tblCellMar")
        for side in ("left", "right"):
            _set(margins, f"w:{side}", w=0, type="dxa")
        half = TEXT_W // 2
        for grid_col in table._tbl.tblGrid.findall(qn("w:gridCol")):
            grid_col.set(qn("w:w"), str(half))
        one = L.RECORD_PT * 20 / CHAR  # one 4号 character, in grid characters
        cc_row, issued_row = table.rows[0], table.rows[1]
        cc_cell = cc_row.cells[0].merge(cc_row.cells[1])
        self._record_cell(cc_cell, top=L.RECORD_THICK_MM, bottom=L.RECORD_THIN_MM)
        p = _format(
            cc_cell.paragraphs[0],
            align=WD_ALIGN_PARAGRAPH.JUSTIFY,
            snap_to_grid=False,
            left=4 * one,
            hanging=3 * one,
            right=one,
            keep_next=True,
        )
        if self.doc.cc:
            _run(p, cc_text(self.doc.cc), L.DOCX_FANGSONG, L.RECORD_PT)
        left, right = issued_row.cells
        last = None if self.doc.copies else L.RECORD_THICK_MM
        self._record_cell(left, bottom=last)
        self._record_cell(right, bottom=last)
        p = _format(left.paragraphs[0], align=WD_ALIGN_PARAGRAPH.LEFT, snap_to_grid=False, left=one, keep_next=True)
        _run(p, self.doc.printed_by, L.DOCX_FANGSONG, L.RECORD_PT)
        p = _format(right.paragraphs[0], align=WD_ALIGN_PARAGRAPH.RIGHT, snap_to_grid=False, right=one, keep_next=True)
        _run(p, f"{fmt.date(self.doc.printed_on)}印发", L.DOCX_FANGSONG, L.RECORD_PT)
        if self.doc.copies:
            # The number printed, inside the 版记 under the 印发 line, so the last rule is its foot.
            copies_row = table.rows[2]
            cell = copies_row.cells[0].merge(copies_row.cells[1])
            self._record_cell(cell, bottom=L.RECORD_THICK_MM)
            p = _format(cell.paragraphs[0], align=WD_ALIGN_PARAGRAPH.RIGHT, snap_to_grid=False, right=one)
            _run(p, self.doc.copies_note or f"（共印{self.doc.copies}份）", L.DOCX_FANGSONG, L.RECORD_PT)
        for row in table.rows:
            tr_pr = row._tr.get_or_add_trPr()
            _set(tr_pr, "w:cantSplit")
            _set(tr_pr, "w:trHeight", val=RECORD_ROW, hRule="atLeast")
            for cell in row.cells:
                cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
                ppr = cell.paragraphs[0]._p.get_or_add_pPr()
                ppr.find(qn("w:spacing")).set(qn("w:line"), str(round(L.RECORD_PT * 1.5 * 20)))

    def _even_page_section(self) -> None:
        """A new section from the next even page on, its page numbers those of the document (no
        header or footer of its own: linked to the previous section's)."""
        section = self.out.add_section(WD_SECTION.EVEN_PAGE)
        sect_pr = section._sectPr
        for reference in sect_pr.findall(qn("w:footerReference")) + sect_pr.findall(qn("w:headerReference")):
            sect_pr.remove(reference)
        # No line grid on the 版记's page: LibreOffice would set the spacer's first line on the grid
        # (half a grid line lower than in the previous section, where it honours snapToGrid="0").
        sect_pr.remove(sect_pr.find(qn("w:docGrid")))

    def _unnumbered_section(self) -> None:
        """A new section from the next page on whose footers are empty: the blank page and the
        版记 page after it carry no page number (GB/T 9704 7.5)."""
        section = self.out.add_section(WD_SECTION.NEW_PAGE)
        sect_pr = section._sectPr
        for reference in sect_pr.findall(qn("w:footerReference")) + sect_pr.findall(qn("w:headerReference")):
            sect_pr.remove(reference)  # the copy python-docx made still points at the numbered footers
        for footer in (section.footer, section.even_page_footer):
            footer.is_linked_to_previous = False
            _format(footer.paragraphs[0], line=round(L.RECORD_PT * 20), snap_to_grid=False)
        if self.doc.draft_note:
            for header in (section.header, section.even_page_header):
                header.is_linked_to_previous = False
                p = header.paragraphs[0]
                _format(p, align=WD_ALIGN_PARAGRAPH.CENTER, line=None, snap_to_grid=False)
                _run(p, "草稿　仅供审核", L.DOCX_HEITI, L.RECORD_PT, color=RED)

    @staticmethod
    def _record_cell(cell, top: float | None = None, bottom: float | None = None) -> None:
        """``cell``: a cell of a python-docx table (its class is private to python-docx, so unnamed here)."""
        tc_pr = cell._tc.get_or_add_tcPr()
        borders = _set(tc_pr, "w:tcBorders")
        for side, width in (("top", top), ("bottom", bottom)):
            if width:
                _border(borders, side, _eighths(width))
            else:
                _set(borders, f"w:{side}", val="nil")
        for side in ("left", "right"):
            _set(borders, f"w:{side}", val="nil")

    def write(self, path: Path) -> None:
        self.setup()
        self.head()
        self.title()
        self.body_text()
        self.attachment_note()
        self.sign_off()
        for table in self.doc.attachments:
            self.attachment(table)
        self.record()
        _clean_package(self.out, self.doc)
        self.out.save(str(path))


def write_docx(document: OfficialDocument, path: Path, placement: RecordPlacement | None = None) -> None:
    """Write ``document`` as a GB/T 9704 .docx to ``path``, byte-reproducibly.

    The 版记 comes after the attachments (GB/T 9704 7.3.7/7.4), placed by ``placement`` (measured
    by :func:`hotline.document.pdf_writer.make_documents`; without it, straight after the content).
    """
    _Writer(document, placement or RecordPlacement()).write(Path(path))
    fixed_zip(Path(path), dt.datetime.combine(document.date, dt.time()))


# -- the package: python-docx's template, cleared of what this document does not use ----------------

_LEFTOVER_RELS = ("customXml", "stylesWithEffects", "webSettings", "numbering", "thumbnail")
# Styles Word expects whatever the document uses: the defaults and those the parts name.
_KEPT_STYLES = {"Normal", "DefaultParagraphFont", "TableNormal", "NoList", "TableGrid", "Header", "Footer"}


def _clean_package(out, document: OfficialDocument) -> None:
    """No template leftovers: the blank thumbnail, custom XML, the unused numbering, web settings,
    stylesWithEffects and styles; app.xml names this program and the issuer, not "Microsoft
    Macintosh Word"; the font table declares the office fonts with what to show without them."""
    package = out.part.package
    for rels in (package.rels, out.part.rels):
        for rid, rel in list(rels.items()):
            if rel.reltype.rsplit("/", 1)[-1] in _LEFTOVER_RELS:
                del rels[rid]
    styles = out.styles.element
    for style in styles.findall(qn("w:style")):
        if style.get(qn("w:styleId")) not in _KEPT_STYLES:
            styles.remove(style)
    for rel in out.part.rels.values():
        kind = rel.reltype.rsplit("/", 1)[-1]
        if kind == "fontTable":
            rel.target_part._blob = _font_table().encode("utf-8")
    for rel in package.rels.values():
        if rel.reltype.endswith("/extended-properties"):
            rel.target_part._blob = _app_xml(document).encode("utf-8")


def _font_table() -> str:
    """Each font the document names, with the GB2312 character set, the style's panose and the
    face Word and WPS should show on a PC without it (仿宋_GB2312 → 仿宋, 方正小标宋简体 → 华文中宋,
    楷体_GB2312 → 楷体, 黑体 → SimHei)."""
    fonts = [
        f'<w:font w:name="{L.DOCX_LATIN}"><w:panose1 w:val="02020603050405020304"/><w:charset w:val="00"/>'
        '<w:family w:val="roman"/><w:pitch w:val="variable"/></w:font>'
    ]
    for name, (alternative, panose) in L.FONT_FALLBACKS.items():
        family = "modern" if name in (L.DOCX_HEITI,) else "roman"
        fonts.append(
            f'<w:font w:name="{escape(name)}"><w:altName w:val="{escape(alternative)}"/>'
            f'<w:panose1 w:val="{panose}"/><w:charset w:val="86"/><w:family w:val="{family}"/>'
            '<w:pitch w:val="variable"/></w:font>'
        )
    return (
        "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
        '<w:fonts xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        + "".join(fonts)
        + "</w:fonts>"
    )


def _app_xml(document: OfficialDocument) -> str:
    return (
        "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
        'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
        "<Application>hotline.document</Application>"
        f"<Company>{escape(document.issuer)}</Company>"
        "<DocSecurity>0</DocSecurity><ScaleCrop>false</ScaleCrop><LinksUpToDate>false</LinksUpToDate>"
        "<SharedDoc>false</SharedDoc><HyperlinksChanged>false</HyperlinksChanged>"
        "</Properties>"
    )
