"""Print the circular's .docx to PDF with LibreOffice: the published PDF is the document staff open
in Word or WPS, laid out once (there is no second layout to disagree with it).

LibreOffice runs headless with a profile of its own (two builds or workers never share one) and
the project's fontconfig file (:func:`fontconfig`), which makes the open Fandol fonts answer to the
office font names the .docx uses; it embeds them, writes the text's own characters as the PDF's
Unicode (民 reads back as 民, not as the radical ⺠ that shares its glyph), exports PDF/A-2b
(archivable: fonts embedded, colours defined, metadata in XMP), tagged, with bookmarks from the
outline levels of the title, headings and attachments.

GB/T 9704 puts the 版记 at the foot of the document's last, even page. Where that is depends on the
layout, so every document is laid out twice: once with the 版记 straight after the content, to
measure where its rules fall (read back from the PDF's drawing operators), and once with the space,
page break or blank page that puts its last rule on the text block's foot
(:class:`~hotline.document.docx_writer.RecordPlacement`); the second layout is checked the same way.
Each pass converts a worker's whole share in one LibreOffice run, which is most of the time taken.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, ByteStringObject, ContentStream

from hotline.document import layout as L
from hotline.document.docx_writer import LINE_PITCH, RECORD_ROW, RecordPlacement, write_docx
from hotline.document.model import OfficialDocument

# PDF/A-2b, tagged, bookmarks from outline levels; images as they are (there are none).
EXPORT_FILTER = (
    'pdf:writer_pdf_Export:{"SelectPdfVersion":{"type":"long","value":"2"},'
    '"UseTaggedPDF":{"type":"boolean","value":"true"},'
    '"ExportBookmarks":{"type":"boolean","value":"true"},'
    '"ExportNotes":{"type":"boolean","value":"false"}}'
)

PT_PER_TWIP = 1 / 20
TOP_PT = (L.PAGE_HEIGHT_MM - L.MARGIN_TOP_MM) * L.PT_PER_MM  # the text block's top, from the page foot
FOOT_PT = L.MARGIN_BOTTOM_MM * L.PT_PER_MM  # the text block's foot
# How far above the foot the last rule is aimed: LibreOffice rounds positions to twips, and a rule a
# hair too low would send the whole 版记 to the next page.
SAFETY_PT = 1.0
# The second layout is accepted when the last rule is this close to the foot.
TOLERANCE_PT = 3.0


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
        env = {**os.environ, "FONTCONFIG_FILE": str(self.conf)}
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
    """What the printer needs to know of a laid-out document: its pages and the 版记's rules."""

    pages: int
    rules: tuple[Rule, ...]  # the 版记's, top to bottom

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


def full_width_rules(pdf: bytes) -> list[Rule]:
    """Every stroked horizontal line at least 0.7 pt thick spanning the text block, in page and
    drawing order (LibreOffice draws table borders as such lines): the 版记's rules are the last."""
    reader = PdfReader(io.BytesIO(pdf))
    width_pt = L.TEXT_WIDTH_MM * L.PT_PER_MM
    found: list[Rule] = []
    for number, page in enumerate(reader.pages, start=1):
        ctm, stack, line_width, start, segments = [1.0, 0, 0, 1.0, 0, 0], [], 1.0, None, []
        for operands, operator in ContentStream(page.get_contents(), reader).operations:
            if operator == b"q":
                stack.append((ctm, line_width))
            elif operator == b"Q" and stack:
                ctm, line_width = stack.pop()
            elif operator == b"cm":
                ctm = _multiply([float(v) for v in operands], ctm)
            elif operator == b"w":
                line_width = float(operands[0]) * abs(ctm[3])
            elif operator == b"m":
                start = [float(v) for v in operands]
            elif operator == b"l" and start is not None:
                end = [float(v) for v in operands]
                x0, y0 = start[0] * ctm[0] + start[1] * ctm[2] + ctm[4], start[0] * ctm[1] + start[1] * ctm[3] + ctm[5]
                x1, y1 = end[0] * ctm[0] + end[1] * ctm[2] + ctm[4], end[0] * ctm[1] + end[1] * ctm[3] + ctm[5]
                if abs(y1 - y0) < 0.01 and abs(x1 - x0) > 0.95 * width_pt and line_width >= 0.7:
                    segments.append(Rule(number, round(y0, 2), round(line_width, 3)))
                start = end
        found += segments
    return found


def measure(pdf: bytes, record_rules: int = 3) -> Layout:
    """The pages and the 版记's rules (the last ``record_rules`` full-width lines: above and below
    the 抄送 line, and the last) of a layout."""
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    rules = full_width_rules(pdf)
    if len(rules) < record_rules:
        raise PrintError("版记的分隔线未在 PDF 中找到")
    return Layout(pages, tuple(rules[-record_rules:]))


def placement(first: Layout) -> RecordPlacement:
    """Where the 版记 goes, from the layout that set it straight after the content.

    The content ends on page N: the page of the 版记's first rule, or the page before when the 版记
    was pushed, whole, to the top of the next. On an even N with room, it goes to N's foot; on an
    odd N, to the foot of N + 1 (numbered); on an even N without room, after a blank page, to the
    foot of N + 2, both unnumbered (GB/T 9704 7.5)."""
    top, last = first.rules[0], first.rules[-1]
    alone = TOP_PT - top.y < LINE_PITCH * PT_PER_TWIP  # at the top of its page: did not fit before it
    content_ends = top.page - 1 if alone else top.page
    fits = not alone and top.page == last.page
    fresh_page = TOP_PT - FOOT_PT - 1 - first.record_height - SAFETY_PT
    if fits and content_ends % 2 == 0:
        return RecordPlacement(space_pt=last.y - FOOT_PT - SAFETY_PT)
    if content_ends % 2:
        return RecordPlacement(space_pt=fresh_page, new_page=True)
    return RecordPlacement(space_pt=fresh_page, blank_page=True)


def check(final: Layout) -> None:
    """The 版记 on the last page, an even one, its last rule on the text block's foot."""
    last = final.rules[-1]
    if not (last.page == final.pages and final.pages % 2 == 0 and abs(last.y - FOOT_PT) <= TOLERANCE_PT):
        raise PrintError(
            f"版记未能排在末页（偶数页）底端：共 {final.pages} 页，版记末条线在第 {last.page} 页，"
            f"距版心下边缘 {last.y - FOOT_PT:.1f} 磅"
        )


def reproducible(pdf: bytes, day: dt.date) -> bytes:
    """The printed PDF with nothing in it that depends on when it was printed: LibreOffice stamps
    the print time in the document information and the XMP metadata, derives the file's ID from
    it, and writes the creation time into the sRGB colour profile of the PDF/A output intent. All
    of them are set from the document's own date (and the ID from its content), so the same
    document prints to the same bytes, as the site's other files do."""
    reader = PdfReader(io.BytesIO(pdf))
    writer = PdfWriter(clone_from=reader)
    stamp = f"D:{day:%Y%m%d}000000+08'00'"
    xmp_stamp = f"{day:%Y-%m-%d}T00:00:00+08:00"
    writer.add_metadata({"/CreationDate": stamp, "/ModDate": stamp})
    root = writer.root_object
    for intent in root.get("/OutputIntents", []):
        profile = intent.get_object().get("/DestOutputProfile")
        if profile is not None:
            stream = profile.get_object()
            data = bytearray(stream.get_data())
            data[24:36] = bytes(12)  # the ICC header's creation date and time
            stream.set_data(bytes(data))
    metadata = root.get("/Metadata")
    if metadata is not None:
        stream = metadata.get_object()
        text = stream.get_data().decode("utf-8")
        text = re.sub(r"(<xmp:(?:CreateDate|ModifyDate|MetadataDate)>)[^<]*(<)", rf"\g<1>{xmp_stamp}\2", text)
        stream.set_data(text.encode("utf-8"))
    writer._ID = ArrayObject([ByteStringObject(bytes(16)), ByteStringObject(bytes(16))])
    body = io.BytesIO()
    writer.write(body)
    identity = hashlib.md5(body.getvalue(), usedforsecurity=False).digest()
    writer._ID = ArrayObject([ByteStringObject(identity), ByteStringObject(identity)])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def make_documents(items: list[tuple[OfficialDocument, Path, Path]], fonts_dir: Path, executable: str) -> None:
    """Write each ``(document, docx, pdf)``: the .docx with its 版记 placed, and its PDF printed by
    LibreOffice (two LibreOffice runs for the whole list)."""
    if not items:
        return
    with tempfile.TemporaryDirectory(prefix="official-doc-") as tmp:
        folder = Path(tmp)
        office = Office(folder, Path(fonts_dir), executable)
        (folder / "first").mkdir()
        drafts = []
        for index, (document, _, _) in enumerate(items):
            write_docx(document, folder / "first" / f"{index}.docx")
            drafts.append(folder / "first" / f"{index}.docx")
        first = office.convert(drafts, folder / "first-pdf")
        finals = []
        (folder / "final").mkdir()
        for index, ((document, _, _), pdf) in enumerate(zip(items, first, strict=True)):
            final = folder / "final" / f"{index}.docx"
            write_docx(document, final, placement(measure(pdf.read_bytes())))
            finals.append(final)
        printed = office.convert(finals, folder / "final-pdf")
        for (document, docx, pdf), final, made in zip(items, finals, printed, strict=True):
            printed_pdf = made.read_bytes()
            check(measure(printed_pdf))
            shutil.copyfile(final, docx)
            Path(pdf).write_bytes(reproducible(printed_pdf, document.date))
