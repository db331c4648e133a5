"""The official document as LibreOffice lays it out, which is the published PDF (one layout): read
back with pypdf and pdftotext, measured against GB/T 9704-2012. Four documents are made in one
batch, as the build makes them: 2024 Q1, one whose attachments end on an odd page (the 版记 on the
next, numbered), one whose 版记 has no room on the even page the content ends on (a blank page,
then the 版记; both unnumbered), and a draft (its header moves LibreOffice's page top)."""

from __future__ import annotations

import dataclasses
import re
import zipfile
from collections import Counter
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from pypdf import PdfReader

from hotline.document import compose, fonts, pdf_writer
from hotline.document import layout as L
from hotline.document.model import Heading, Paragraph, Point

from .test_documents import flat, pdftotext, save_first_page

pytestmark = pytest.mark.external
PUNCTUATION = set("，。、；：？！“”‘’（）《》〔〕…—·%")
PAGE_NUMBER = re.compile(r"—\s*\d+\s*—")
TOP = (L.PAGE_HEIGHT_MM - L.MARGIN_TOP_MM) * L.PT_PER_MM
FOOT = L.MARGIN_BOTTOM_MM * L.PT_PER_MM
RIGHT = (L.PAGE_WIDTH_MM - L.MARGIN_RIGHT_MM) * L.PT_PER_MM
LINE = L.LINE_PITCH_MM * L.PT_PER_MM


@pytest.fixture(scope="session")
def made(q1_result, tmp_path_factory) -> dict[str, tuple[object, Path, Path]]:
    """name → (document, .docx, PDF), made by the build's printer in one batch."""
    folder = tmp_path_factory.mktemp("made")
    q1 = compose.official_document(q1_result)
    towns, departments = q1.attachments
    variants = {
        "q1": q1,
        "odd": dataclasses.replace(
            q1, attachments=(towns, dataclasses.replace(departments, rows=departments.rows[:5]))
        ),
        "blank": dataclasses.replace(q1, cc=tuple(f"{name}人民政府办公室" for name in "甲乙丙丁戊己庚辛壬癸子丑寅卯")),
        # A draft's header (草稿) makes LibreOffice start the 版记's page higher: measured and moved.
        "draft": dataclasses.replace(q1, draft_note="草稿", body=q1.body[:-3]),
    }
    items = [(document, folder / f"{name}.docx", folder / f"{name}.pdf") for name, document in variants.items()]
    pdf_writer.make_documents(items, fonts.fonts_dir(), pdf_writer.soffice())
    return {name: item for name, item in zip(variants, items, strict=True)}


def pages_text(pdf: Path) -> list[str]:
    return [pdftotext(pdf, "-f", str(n), "-l", str(n)) for n in range(1, len(PdfReader(str(pdf)).pages) + 1)]


def test_the_pdf_is_the_docx_as_libreoffice_lays_it_out(made, tmp_path):
    """One layout: the published .docx opened in LibreOffice gives the published PDF page for page."""
    _, docx, pdf = made["q1"]
    office = pdf_writer.Office(tmp_path, fonts.fonts_dir(), pdf_writer.soffice())
    (again,) = office.convert([docx], tmp_path / "again")
    published, relaid = pages_text(pdf), pages_text(again)
    assert len(published) == len(relaid)
    assert [flat(page) for page in published] == [flat(page) for page in relaid]
    save_first_page(pdf, "pdf-page1")
    save_first_page(again, "docx-libreoffice-page1")


def test_every_punctuation_mark_survives_the_layout(made):
    """LibreOffice once dropped the comma a justified line hung into the margin (优化流程，)."""
    document, _, pdf = made["q1"]
    text = flat(PAGE_NUMBER.sub("", pdftotext(pdf)))
    paragraphs = []
    for block in document.body:
        if isinstance(block, Heading):
            paragraphs.append(block.text)
        elif isinstance(block, Point):
            paragraphs.append(block.lead + "".join(run.text for run in block.runs))
        elif isinstance(block, Paragraph):
            paragraphs.append("".join(run.text for run in block.runs))
    assert not [p for p in paragraphs if flat(p) not in text]
    source = Counter(ch for p in paragraphs for ch in p if ch in PUNCTUATION)
    printed = Counter(ch for ch in text if ch in PUNCTUATION)
    assert not {ch: n for ch, n in source.items() if printed[ch] < n}
    for needle in ("优化流程，", "林皋镇、", "现正在处理，", "同安排、"):
        assert needle in text


@pytest.mark.parametrize("name", ["q1", "odd", "blank", "draft"])
def test_the_record_closes_the_last_even_page(made, name):
    """GB/T 9704: the 版记 on the last, even page, rules 0.35 / 0.25 / 0.35 mm (the thin one drawn at
    Word's nearest, 0.265 mm), the last on the text block's foot."""
    _, _, pdf = made[name]
    layout = pdf_writer.measure(pdf.read_bytes())
    assert layout.pages % 2 == 0
    assert {rule.page for rule in layout.rules} == {layout.pages}
    widths_mm = [rule.width / L.PT_PER_MM for rule in layout.rules]
    assert abs(widths_mm[0] - 0.35) < 0.02 and abs(widths_mm[2] - 0.35) < 0.02 and abs(widths_mm[1] - 0.25) < 0.02
    assert abs(layout.rules[-1].y - FOOT) < 2
    last = pages_text(pdf)[-1]
    assert "印发" in last and "抄送" in last


def test_odd_and_blank_pages_before_the_record(made):
    """Content ending on an odd page: the 版记 alone on the next, numbered. No room on an even
    page: a blank page, then the 版记, neither numbered (GB/T 9704 7.5)."""
    odd = pages_text(made["odd"][2])
    assert PAGE_NUMBER.search(odd[-1]) and flat(PAGE_NUMBER.sub("", odd[-1])).startswith("抄送")
    blank = pages_text(made["blank"][2])
    assert flat(blank[-2]) == "" and not PAGE_NUMBER.search(blank[-1])
    assert PAGE_NUMBER.search(blank[-3])


def _words(pdf: Path, page: int) -> list[tuple[float, float, float, float, str]]:
    box = pdftotext(pdf, "-f", str(page), "-l", str(page), "-bbox")
    return [
        (float(a), float(b), float(c), float(d), t)
        for a, b, c, d, t in re.findall(
            r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]+)<', box
        )
    ]


def test_title_two_lines_under_the_red_rule(made):
    _, _, pdf = made["q1"]
    red = max(r.y for r in pdf_writer.full_width_rules(pdf.read_bytes()) if r.page == 1)  # the red rule
    height = float(PdfReader(str(pdf)).pages[0].mediabox.height)
    title = next(w for w in _words(pdf, 1) if w[4].startswith("白水县人民政府办公室") and height - w[1] < red)
    gap = red - (height - title[1])  # rule to the top of the title's first line
    assert 2 * LINE - 6 <= gap <= 3 * LINE, gap


def test_date_four_characters_from_the_right_signature_centred_over_it(made):
    """7.3.5.1 (issued with a seal): 成文日期右空四字, the issuer centred over it."""
    document, _, pdf = made["q1"]
    page = next(n for n, text in enumerate(pages_text(pdf), start=1) if "2024年5月11日\n" in text.replace(" ", ""))
    words = _words(pdf, page)
    signature = next(w for w in words if w[4] == document.signature)
    below = min(w[1] for w in words if w[1] > signature[1] + 5 and w[1] < TOP)  # the next line: the date
    date_line = [w for w in words if abs(w[1] - below) < 2]
    assert flat("".join(w[4] for w in date_line)) == "2024年5月11日"
    date_right = max(w[2] for w in date_line)
    char = L.BODY_PT + L.CHAR_SPACING_PT
    assert abs((RIGHT - date_right) - 4 * char) < 6, RIGHT - date_right
    date_mid = (min(w[0] for w in date_line) + date_right) / 2
    # Within 10 pt: LibreOffice puts a little space between digits and Chinese (it ignores the
    # .docx's autoSpaceDE="0"), so the date is about 16 pt wider than the writer reckons.
    assert abs((signature[0] + signature[2]) / 2 - date_mid) < 10


def test_no_unit_name_breaks_mid_word(made, q1_result):
    document, _, pdf = made["q1"]
    first_attachment = next(n for n, text in enumerate(pages_text(pdf), start=1) if text.startswith("附件"))
    lines = [flat(line) for line in pdftotext(pdf, "-f", str(first_attachment), "-layout").splitlines()]
    for table in document.attachments:
        limit = L.name_limit(table.header)
        columns = [i for i, head in enumerate(table.header) if L.is_name_column(i, head)]
        for row in table.rows:
            for index in columns:
                for part in L.name_lines(row.cells[index], limit) if row.cells[index] else ():
                    assert any(part in line for line in lines), (row.cells[index], part)
    assert L.name_lines("陕西省水务集团白水有限公司", 8) == ("陕西省水务集团", "白水有限公司")


def test_pdf_a_tagged_fonts_embedded_text_reads_back(made):
    _, _, pdf = made["q1"]
    data = pdf.read_bytes()
    assert b"pdfaid:part" in data and re.search(rb"pdfaid:part(>|=\")2", data)
    reader = PdfReader(str(pdf))
    assert "/StructTreeRoot" in reader.trailer["/Root"] and reader.outline  # tagged, with bookmarks
    titles = [item.title for item in reader.outline if not isinstance(item, list)]
    assert "一、基本情况" in titles and "附件1" in titles
    fonts_seen = {}
    for page in reader.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            font = font.get_object()
            fonts_seen[str(font["/BaseFont"])] = font
    for style in ("FandolFang", "FandolSong", "FandolHei", "FandolKai"):
        assert any(style in name for name in fonts_seen), style
    text = pdftotext(pdf)
    assert not re.findall("[\u2e80-\u2eff\u2f00-\u2fdf]", text) and all(ch in text for ch in "民门工")


def test_docx_has_no_floating_table_fallback_fonts_and_properties(made):
    document, docx_path, _ = made["q1"]
    docx = Document(str(docx_path))
    assert not [t for t in docx.tables if t._tbl.tblPr.find(qn("w:tblpPr")) is not None]
    font_table = zipfile.ZipFile(docx_path).read("word/fontTable.xml").decode()
    for name, (alternative, _) in L.FONT_FALLBACKS.items():
        assert f'w:name="{name}"><w:altName w:val="{alternative}"/>' in font_table
    core = docx.core_properties
    assert core.title == " ".join(document.title_lines) and core.author == document.issuer
    assert core.created.date() == document.date
    with zipfile.ZipFile(docx_path) as archive:
        names = archive.namelist()
        assert not [n for n in names if "thumbnail" in n or "customXml" in n or "stylesWithEffects" in n]
        assert "Macintosh" not in archive.read("docProps/app.xml").decode()
    assert len(docx.styles.element.findall(qn("w:style"))) < 10


def test_the_same_document_prints_to_the_same_bytes(made, tmp_path):
    """The print time LibreOffice stamps (information, XMP, colour profile, ID) is the document's
    own date: printed again a second later, the PDF is byte for byte the same, and every entry of
    its cross-reference table still points at its object."""
    import time

    document, _, pdf = made["q1"]
    time.sleep(1.1)
    again = (document, tmp_path / "again.docx", tmp_path / "again.pdf")
    pdf_writer.make_documents([again], fonts.fonts_dir(), pdf_writer.soffice())
    data = pdf.read_bytes()
    assert again[2].read_bytes() == data
    assert again[1].read_bytes() == made["q1"][1].read_bytes()
    table = data[int(data[data.rindex(b"startxref") :].split()[1]) :]
    entries = re.findall(rb"(\d{10}) (\d{5}) n", table[: table.index(b"trailer")])
    assert len(entries) > 100
    for number, (offset, _) in enumerate(entries, start=1):
        assert re.match(rb"\d+ 0 obj", data[int(offset) : int(offset) + 20]), (number, offset)
    assert b"D:20240511000000" in data and PdfReader(str(pdf), strict=True).pages
