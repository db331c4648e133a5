"""Print the circular's .docx to PDF with LibreOffice: the published PDF is the document staff open
in Word or WPS, laid out once (there is no second layout to disagree with it).

LibreOffice runs headless with a profile of its own (two builds or workers never share one) and
the project's fontconfig file (:func:`fontconfig`), which makes the open Fandol fonts answer to the
office font names the .docx uses; it embeds them, writes the text's own characters as the PDF's
Unicode (民 reads back as 民, not as the radical ⺠ that shares its glyph), exports PDF/A-2b
(archivable: fonts embedded, colours defined, metadata in XMP), tagged, with bookmarks from the
outline levels of the title, headings and attachments.

GB/T 9704 puts the 版记 at the foot of the document's last, even page. It is first written at the
foot of a page of its own in a section that starts on an even page
(:class:`~hotline.document.docx_writer.RecordPlacement` ``even_page``): where the content ends on
an odd page, that first layout is the document (and Word or WPS, laying the content out a little
differently, still put the 版记 on an even page). Where the content ends on an even page, the
printer reads from the first layout whether the 版记 fits under it and lays the document out a
second time: the 版记 at the foot of that page, or after a blank page with neither page numbered.
Every final layout is checked (:func:`check`): the 版记 on the last page, an even one, its last rule
on the text block's foot. Each pass converts a worker's whole share in one LibreOffice run, which
is most of the time taken; a document is measured on its last three pages only.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import io
import math
import os
import re
import shutil
import subprocess
import tempfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from pypdf import PdfReader
from pypdf.generic import ContentStream

from hotline.document import layout as L
from hotline.document.docx_writer import RECORD_ROW, RecordPlacement, write_docx
from hotline.document.model import OfficialDocument, cc_text

# PDF/A-2b, tagged, bookmarks from outline levels; images as they are (there are none); the blank
# page LibreOffice inserts before a section that starts on an even page is printed too.
EXPORT_FILTER = (
    'pdf:writer_pdf_Export:{"SelectPdfVersion":{"type":"long","value":"2"},'
    '"UseTaggedPDF":{"type":"boolean","value":"true"},'
    '"ExportBookmarks":{"type":"boolean","value":"true"},'
    '"ExportNotes":{"type":"boolean","value":"false"},'
    '"IsSkipEmptyPages":{"type":"boolean","value":"false"}}'
)

PT_PER_TWIP = 1 / 20
TOP_PT = (L.PAGE_HEIGHT_MM - L.MARGIN_TOP_MM) * L.PT_PER_MM  # the text block's top, from the page foot
FOOT_PT = L.MARGIN_BOTTOM_MM * L.PT_PER_MM  # the text block's foot
# How far above the foot the last rule is aimed: LibreOffice rounds positions to twips, and a rule a
# hair too low would send the whole 版记 to the next page.
SAFETY_PT = 1.0
# A layout is accepted when the last rule is this close to the foot.
TOLERANCE_PT = 3.0
# Layouts of one document at most: the first; the 版记 under the content or after a blank page;
# a correction of its height.
MAX_PASSES = 3


class PrintError(RuntimeError):
    """LibreOffice did not print a document, or the 版记 did not land where it was placed."""


def soffice() -> str | None:
    """LibreOffice (Debian's libreoffice-writer-nogui, installed by the Makefile)."""
    return os.environ.get("SOFFICE") or shutil.which("soffice") or shutil.which("libreoffice")


def fontconfig(fonts_dir: Path) -> str:
    """A fontconfig file: the system's, plus the Fandol fonts under the office names the .docx uses
    (仿宋_GB2312 → FandolFang, 方正小标宋简体 → FandolSong Bold, 黑体 → FandolHei, 楷体_GB2312 →
    FandolKai). Set for the LibreOffice process only (FONTCONFIG_FILE), nothing is installed."""
    aliases = "".join(
        f'  <alias binding="same"><family>{escape(office)}</family><prefer><family>{escape(open_font)}</family>'
        "</prefer></alias>\n"
        for office, open_font in L.OPEN_FONTS.items()
    )
    return (
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n'
        '  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>\n'
        f"  <dir>{escape(str(fonts_dir))}</dir>\n{aliases}</fontconfig>\n"
    )


class Office:
    """One headless LibreOffice set-up (profile, fontconfig file) in a folder of its own; each
    :meth:`convert` is one LibreOffice run over many files."""

    def __init__(self, folder: Path, fonts_dir: Path, executable: str) -> None:
        self.folder, self.executable = folder, executable
        self.conf = folder / "fonts.conf"
        self.conf.write_text(fontconfig(fonts_dir), encoding="utf-8")
        self.profile = folder / "profile"

    def convert(self, sources: list[Path], outdir: Path) -> list[Path]:
        """Each .docx as ``outdir/<stem>.pdf``."""
        outdir.mkdir(parents=True, exist_ok=True)
        # UTC: the print time LibreOffice stamps has one form, which reproducible() overwrites.
        env = {**os.environ, "FONTCONFIG_FILE": str(self.conf), "TZ": "UTC"}
        command = [
            self.executable,
            f"-env:UserInstallation={self.profile.as_uri()}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            EXPORT_FILTER,
            "--outdir",
            str(outdir),
            *map(str, sources),
        ]
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120 + 30 * len(sources))
        made = [outdir / f"{source.stem}.pdf" for source in sources]
        missing = [path.name for path in made if not path.is_file()]
        if done.returncode or missing:
            detail = (done.stderr or done.stdout).strip().splitlines()[-1:] or [f"exit {done.returncode}"]
            raise PrintError(f"LibreOffice 未能生成 PDF（{', '.join(missing) or '全部'}）：{detail[0]}")
        return made


@dataclass(frozen=True)
class Rule:
    """A stroked horizontal line the width of the text block: page (1-based), height above the
    page foot and width, in points."""

    page: int
    y: float
    width: float


@dataclass(frozen=True)
class Layout:
    """What the printer needs to know of a laid-out document: its pages, the 版记's rules, and
    whether the page before the 版记's is blank (then ``content_foot`` is how high above the page
    foot the content ends on the page before that)."""

    pages: int
    rules: tuple[Rule, ...]  # the 版记's, top to bottom
    blank_before: bool = False
    content_foot: float | None = None

    @property
    def record_height(self) -> float:
        """From the first rule to the last, when the 版记 is on one page."""
        first, last = self.rules[0], self.rules[-1]
        return first.y - last.y if first.page == last.page else len(self.rules) * RECORD_ROW * PT_PER_TWIP


def _multiply(a: list[float], b: list[float]) -> list[float]:
    return [
        a[0] * b[0] + a[1] * b[2],
        a[0] * b[1] + a[1] * b[3],
        a[2] * b[0] + a[3] * b[2],
        a[2] * b[1] + a[3] * b[3],
        a[4] * b[0] + a[5] * b[2] + b[4],
        a[4] * b[1] + a[5] * b[3] + b[5],
    ]


@dataclass
class _Ink:
    """What one page draws: its full-width rules, and the lowest point of anything drawn or
    written inside the text block (None on a blank page)."""

    rules: list[Rule]
    lowest: float | None


_PAINT = {b"S", b"s", b"f", b"F", b"f*", b"B", b"B*", b"b", b"b*"}


def _page_ink(reader: PdfReader, number: int) -> _Ink:
    page = reader.pages[number - 1]
    width_pt = L.TEXT_WIDTH_MM * L.PT_PER_MM
    ctm, stack, line_width, start = [1.0, 0, 0, 1.0, 0, 0], [], 1.0, None
    rules: list[Rule] = []
    heights: list[float] = []
    path: list[float] = []
    for operands, operator in ContentStream(page.get_contents(), reader).operations:
        if operator == b"q":
            stack.append((ctm, line_width))
        elif operator == b"Q" and stack:
            ctm, line_width = stack.pop()
        elif operator == b"cm":
            ctm = _multiply([float(v) for v in operands], ctm)
        elif operator == b"w":
            line_width = float(operands[0]) * abs(ctm[3])
        elif operator == b"re":  # ink when filled or stroked; a clipping path is not
            x, y, _, h = (float(v) for v in operands)
            path += [x * ctm[1] + y * ctm[3] + ctm[5], x * ctm[1] + (y + h) * ctm[3] + ctm[5]]
        elif operator in _PAINT:
            heights += path
            path = []
        elif operator == b"n":
            path = []
        elif operator == b"m":
            start = [float(v) for v in operands]
        elif operator == b"l" and start is not None:
            end = [float(v) for v in operands]
            x0, y0 = start[0] * ctm[0] + start[1] * ctm[2] + ctm[4], start[0] * ctm[1] + start[1] * ctm[3] + ctm[5]
            x1, y1 = end[0] * ctm[0] + end[1] * ctm[2] + ctm[4], end[0] * ctm[1] + end[1] * ctm[3] + ctm[5]
            heights += [y0, y1]
            if abs(y1 - y0) < 0.01 and abs(x1 - x0) > 0.95 * width_pt and line_width >= 0.7:
                rules.append(Rule(number, round(y0, 2), round(line_width, 3)))
            start = end

    def text(chunk, cm, tm, _font, size) -> None:
        if chunk.strip():
            heights.append(tm[4] * cm[1] + tm[5] * cm[3] + cm[5] - 0.25 * (size or 0) * abs(cm[3] or 1))

    page.extract_text(visitor_text=text)
    inside = [y for y in heights if y > FOOT_PT - 2]  # the page number is under the text block
    return _Ink(rules, min(inside) if inside else None)


def full_width_rules(pdf: bytes, pages: range | None = None) -> list[Rule]:
    """Every stroked horizontal line at least 0.7 pt thick spanning the text block, in page and
    drawing order (LibreOffice draws table borders as such lines): the 版记's rules are the last.
    ``pages`` (1-based) limits the search."""
    reader = PdfReader(io.BytesIO(pdf))
    numbers = pages or range(1, len(reader.pages) + 1)
    return [rule for number in numbers for rule in _page_ink(reader, number).rules]


def measure(pdf: bytes, record_rules: int = 3) -> Layout:
    """The pages and the 版记's rules (the last ``record_rules`` full-width lines: above and below
    the 抄送 line, and the last) of a layout, read from its last three pages: whether the page
    before the 版记's is blank, and then where the content ends on the page before that."""
    reader = PdfReader(io.BytesIO(pdf))
    pages = len(reader.pages)
    inks = {number: _page_ink(reader, number) for number in range(max(1, pages - 2), pages + 1)}
    rules = [rule for number in sorted(inks) for rule in inks[number].rules]
    if len(rules) < record_rules:
        raise PrintError("版记的分隔线未在 PDF 中找到")
    record = tuple(rules[-record_rules:])
    before = record[0].page - 1
    blank = before in inks and inks[before].lowest is None
    content = inks.get(before - 1) if blank else None
    return Layout(pages, record, blank, content.lowest if content else None)


def record_height_estimate(document: OfficialDocument) -> float:
    """The 版记's height before any layout: a row a line of the grid, the 抄送 row as many 4号
    lines as its text needs (28 characters on the first line, 25 on the others, a little short of
    what fits); the first layout measures it."""
    width = L.text_width_chars(cc_text(document.cc)) if document.cc else 0
    lines = 1 + max(0, math.ceil((width - 28) / 25))
    row = RECORD_ROW * PT_PER_TWIP
    rows = 1 + (1 if document.copies else 0)  # the 印发 line, and the copies printed
    return max(row, lines * L.RECORD_PT * 1.5) + rows * row


def fresh_page_space(record_height: float) -> float:
    """The space above a 版记 alone on its page that puts its last rule on the text block's foot."""
    return TOP_PT - FOOT_PT - 1 - record_height - SAFETY_PT


def first_placement(document: OfficialDocument) -> RecordPlacement:
    """The first try: the 版记 at the foot of the next even page, in a numbered section of its own."""
    return RecordPlacement(space_pt=fresh_page_space(record_height_estimate(document)), even_page=True)


def settled(first: Layout) -> bool:
    """The 版记 on the last page, an even one, its last rule on the text block's foot."""
    last = first.rules[-1]
    return (
        first.pages % 2 == 0
        and {rule.page for rule in first.rules} == {first.pages}
        and abs(last.y - FOOT_PT) <= TOLERANCE_PT
    )


def placement(layout: Layout, tried: RecordPlacement) -> RecordPlacement | None:
    """Where the 版记 goes next, from the layout made with ``tried``; None when that layout is the
    document (the content ended on an odd page, the 版记 on the next, at the foot).

    Content ending on an even page N left a blank page before the 版记 of the even-page section:
    with room under the content, the 版记 goes to N's foot; without, a blank page stays before it
    and neither is numbered (GB/T 9704 7.5). A 版记 on the right page but off the foot (taller
    than reckoned, or a page LibreOffice starts higher, as under a draft's header) is moved by the
    distance measured."""
    height, last = layout.record_height, layout.rules[-1]
    if tried.even_page and layout.blank_before:
        if layout.content_foot is not None:
            space = layout.content_foot - 1 - height - FOOT_PT - SAFETY_PT
            if space >= 0:
                return RecordPlacement(space_pt=space)
        return RecordPlacement(space_pt=fresh_page_space(height), blank_page=True)
    if settled(layout):
        return None
    if layout.pages % 2 == 0 and {rule.page for rule in layout.rules} == {layout.pages}:
        return dataclasses.replace(tried, space_pt=max(0.0, tried.space_pt + last.y - FOOT_PT - SAFETY_PT))
    if not tried.even_page:  # the room measured under the content was not there
        return RecordPlacement(space_pt=fresh_page_space(height), blank_page=True)
    return None  # check() names what is wrong


def check(final: Layout) -> None:
    """The 版记 on the last page, an even one, its last rule on the text block's foot."""
    last = final.rules[-1]
    if not settled(final):
        raise PrintError(
            f"版记未能排在末页（偶数页）底端：共 {final.pages} 页，版记末条线在第 {last.page} 页，"
            f"距版心下边缘 {last.y - FOOT_PT:.1f} 磅"
        )


# -- the same document prints to the same bytes -------------------------------------------------

_XREF_ENTRY = re.compile(rb"(\d{10}) (\d{5}) ([nf])(?: \r| \n|\r\n)")


def _splice(pdf: bytes, edits: list[tuple[int, int, bytes]]) -> bytes:
    """``pdf`` with each ``(start, end, replacement)`` made and its cross-reference table moved to
    match (LibreOffice writes one classic table: entries of ten-digit offsets)."""
    edits = sorted(edits)
    out, cursor = bytearray(), 0
    for start, end, replacement in edits:
        out += pdf[cursor:start] + replacement
        cursor = end
    out += pdf[cursor:]

    def moved(offset: int) -> int:
        return offset + sum(len(new) - (end - start) for start, end, new in edits if end <= offset)

    startxref = re.search(rb"startxref\s+(\d+)\s+%%EOF\s*$", bytes(out))
    if startxref is None:
        raise PrintError("PDF 的交叉引用表未找到")
    table_at = moved(int(pdf[pdf.rindex(b"startxref") :].split()[1]))
    if not out.startswith(b"xref", table_at):
        raise PrintError("PDF 的交叉引用表不是 LibreOffice 常见的格式")
    trailer = out.index(b"trailer", table_at)
    table = bytes(out[table_at:trailer])
    table = _XREF_ENTRY.sub(lambda m: (b"%010d" % moved(int(m[1])) if m[3] == b"n" else m[1]) + m[0][10:], table)
    out[table_at:trailer] = table
    tail = bytes(out[startxref.start() :]).replace(startxref[1], str(table_at).encode(), 1)
    return bytes(out[: startxref.start()]) + tail


def _object_span(pdf: bytes, number: int) -> tuple[int, int]:
    """Where object ``number``'s body is (between ``N 0 obj`` and ``endobj``)."""
    found = re.search(rb"(?:^|[\r\n])%d 0 obj\s*" % number, pdf)
    if found is None:
        raise PrintError(f"PDF 对象 {number} 未找到")
    return found.end(), pdf.index(b"endobj", found.end())


def reproducible(pdf: bytes, day: dt.date) -> bytes:
    """The printed PDF with nothing in it that depends on when it was printed: LibreOffice stamps
    the print time in the document information and the XMP metadata, derives the file's ID and
    checksum from it, and writes the creation time into the sRGB colour profile of the PDF/A output
    intent. All of them are set from the document's own date (the ID from its content), so the
    same document prints to the same bytes, as the site's other files do. Edited in place (the
    cross-reference table moved to match): a rewrite by a PDF library took seconds a document."""
    edits: list[tuple[int, int, bytes]] = []
    stamp = f"{day:%Y%m%d}000000"
    for found in re.finditer(rb"/(?:CreationDate|ModDate)\s*\(D:(\d{14})", pdf):
        edits.append((found.start(1), found.end(1), stamp.encode()))
    xmp_stamp = f"{day:%Y-%m-%d}T00:00:00".encode()
    for found in re.finditer(rb"<xmp:(?:CreateDate|ModifyDate|MetadataDate)>(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)", pdf):
        edits.append((found.start(1), found.end(1), xmp_stamp))
    profile = re.search(rb"/DestOutputProfile\s+(\d+)\s+0\s+R", pdf)
    if profile is not None:
        body_start, body_end = _object_span(pdf, int(profile[1]))
        body = pdf[body_start:body_end]
        head_end = body.index(b"stream") + len(b"stream")
        head_end += 2 if body[head_end : head_end + 2] == b"\r\n" else 1
        data_end = body.rindex(b"endstream")
        data_end -= (
            2 if body[data_end - 2 : data_end] == b"\r\n" else (1 if body[data_end - 1 : data_end] in b"\r\n" else 0)
        )
        icc = bytearray(zlib.decompress(body[head_end:data_end]))
        icc[24:36] = bytes(12)  # the ICC header's creation date and time
        packed = zlib.compress(bytes(icc), 9)
        edits.append((body_start + head_end, body_start + data_end, packed))
        length = re.match(rb"<<.*?/Length\s+(\d+)(\s+0\s+R)?", body, re.S)
        if length is None:
            raise PrintError("PDF 色彩配置的长度未找到")
        if length[2]:
            start, end = _object_span(pdf, int(length[1]))
            edits.append((start, end, b"%d\n" % len(packed)))
        else:
            edits.append((body_start + length.start(1), body_start + length.end(1), b"%d" % len(packed)))
    identity = re.search(rb"/ID\s*\[\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*\]", pdf)
    checksum = re.search(rb"/DocChecksum\s*/([0-9A-Fa-f]{32})", pdf)
    blank = [
        (start, end, b"0" * (end - start))
        for found in (identity, checksum)
        if found
        for start, end in (found.span(n) for n in range(1, found.re.groups + 1))
    ]
    body = _splice(pdf, edits + blank)
    digest = hashlib.md5(body, usedforsecurity=False).hexdigest().upper().encode()
    out = bytearray(body)
    for found in (
        re.search(identity.re, body) if identity else None,
        re.search(checksum.re, body) if checksum else None,
    ):
        if found:
            for group in range(1, found.re.groups + 1):
                start, end = found.span(group)
                out[start:end] = digest[: end - start]
    return bytes(out)


def _write(documents: list[tuple[OfficialDocument, RecordPlacement]], folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for index, (document, place) in enumerate(documents):
        write_docx(document, folder / f"{index}.docx", place)
        paths.append(folder / f"{index}.docx")
    return paths


def make_documents(items: list[tuple[OfficialDocument, Path, Path]], fonts_dir: Path, executable: str) -> None:
    """Write each ``(document, docx, pdf)``: the .docx with its 版记 placed, and its PDF printed by
    LibreOffice (one LibreOffice run for the whole list, one more for those whose content ends
    on an even page, and a last for any 版记 still off the foot)."""
    if not items:
        return
    with tempfile.TemporaryDirectory(prefix="official-doc-") as tmp:
        folder = Path(tmp)
        office = Office(folder, Path(fonts_dir), executable)
        documents = [document for document, _, _ in items]
        tried = [first_placement(document) for document in documents]
        docx = _write(list(zip(documents, tried, strict=True)), folder / "pass1")
        pdfs = office.convert(docx, folder / "pass1-pdf")
        layouts = [measure(pdf.read_bytes()) for pdf in pdfs]
        for attempt in range(2, 2 + MAX_PASSES - 1):
            again = {n: place for n, layout in enumerate(layouts) if (place := placement(layout, tried[n])) is not None}
            if not again:
                break
            written = _write([(documents[n], place) for n, place in again.items()], folder / f"pass{attempt}")
            printed = office.convert(written, folder / f"pass{attempt}-pdf")
            for (n, place), made_docx, made_pdf in zip(again.items(), written, printed, strict=True):
                tried[n], docx[n], pdfs[n], layouts[n] = place, made_docx, made_pdf, measure(made_pdf.read_bytes())
        for (document, docx_path, pdf_path), final, made, layout in zip(items, docx, pdfs, layouts, strict=True):
            check(layout)
            shutil.copyfile(final, docx_path)
            Path(pdf_path).write_bytes(reproducible(made.read_bytes(), document.date))
