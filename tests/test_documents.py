"""The circular as an official document (GB/T 9704-2012): its content from the quarter's results,
the .docx as Word and WPS read it (python-docx), and the same .docx as LibreOffice lays it out.

The site's PDF of the same document is tested in ``test_document_pdf.py`` (it needs the site).
"""

from __future__ import annotations

import dataclasses
import re
import subprocess
import zipfile
from pathlib import Path

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Length, Mm
from lxml import etree

from hotline.circular import wording
from hotline.document import compose, fonts, pdf_writer
from hotline.document import layout as L
from hotline.document.docx_writer import _ORDER_INDEX, write_docx
from hotline.document.model import Heading, Paragraph, Point
from tests.conftest import ARTIFACTS

TWIPS_PER_PT = 20
OFFICE_FONTS = {L.DOCX_FANGSONG, L.DOCX_XIAOBIAOSONG, L.DOCX_HEITI, L.DOCX_KAITI}


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="session")
def document(q1_result):
    return compose.official_document(q1_result)


@pytest.fixture(scope="session")
def docx_path(tmp_path_factory, document) -> Path:
    path = tmp_path_factory.mktemp("docx") / "2024Q1.docx"
    write_docx(document, path)
    return path


@pytest.fixture(scope="session")
def docx(docx_path):
    return Document(str(docx_path))


def east_asia(run) -> str | None:
    rfonts = run._r.rPr.find(qn("w:rFonts"))
    return rfonts.get(qn("w:eastAsia"))


def paragraph(docx, text: str):
    found = [p for p in docx.paragraphs if p.text == text]
    assert found, f"no paragraph {text!r}"
    return found[0]


def unit_names(result) -> list[str]:
    return list(result.units["unit"])


# --- content: one source, two layouts ------------------------------------------------------------


def test_document_text_is_the_pages_wording(document, q1_result):
    """一、基本情况 is the quarter page's sentences, figure for figure, as published (differences and all)."""
    body = [b for b in document.body]
    start = body.index(Heading("一、基本情况"))
    sentences = wording.basic_situation(q1_result)
    for block, sentence in zip(body[start + 1 : start + 1 + len(sentences)], sentences, strict=True):
        assert isinstance(block, Paragraph)
        text = "".join(run.text for run in block.runs)
        expected = "".join(p if isinstance(p, str) else p.text for p in sentence)
        assert text == expected
    first = "".join(run.text for run in body[start + 1].runs)
    # As the 2024 Q1 circular printed them, though its own tables say 7, 12 and 6.
    assert "延期14件，重办13件，逾期15件" in first
    assert [b for b in body if isinstance(b, Heading)] == [Heading(h) for h, _ in compose.SECTIONS]


def test_document_head_and_record(document):
    assert document.masthead == "白水县人民政府办公室文件"
    assert document.number == "白政办发〔2024〕29号"
    assert document.title_lines == (
        "白水县人民政府办公室",
        "关于2024年第一季度12345快速响应平台",
        "工单办理情况的通报",
    )
    assert document.cc == ("县委办", "人大办", "政协办", "纪委办", "人武部政工科")
    assert document.copies == 5 and document.draft_note is None
    points = [b.lead for b in document.body if isinstance(b, Point)]
    assert points[:3] == ["（一）审核把关不严。", "（二）办件质量不高。", "（三）担当作为不够。"]


def test_attachments_hold_every_unit_in_the_circulars_order(document, q1_result):
    towns, departments = document.attachments
    assert [t.number for t in document.attachments] == [1, 2]
    assert towns.title == "2024年第一季度各镇办工单办理情况"
    assert towns.header[:2] == ("办理部门", "承办工单量") and departments.header[:2] == ("办理部门", "下属单位")
    names = [r.cells[0] for r in towns.rows] + [r.cells[1] or r.cells[0] for r in departments.rows]
    assert names == unit_names(q1_result)
    labour = next(r for r in departments.rows if r.cells[1] == "劳动监察大队")
    assert labour.sub_unit and labour.cells[0] == ""
    assert departments.rows[departments.rows.index(labour) - 1].cells[0] == "人社局"
    assert towns.total.cells[:5] == ("总计", "389", "4", "4", "")
    assert departments.total.cells[:6] == ("总计", "", "1170", "3", "8", "6")
    coop = next(r for r in departments.rows if r.cells[0] == "供销联社")
    assert coop.cells[-1] == "96.5"  # the published score, not the rule's 95.5


def test_a_draft_is_marked_as_one(q1_result):
    draft = dataclasses.replace(q1_result, quarter=dataclasses.replace(q1_result.quarter, status="draft"))
    assert compose.official_document(draft).draft_note == compose.DRAFT_NOTE


# --- the .docx as Word and WPS read it -----------------------------------------------------------


def test_page_size_margins_and_text_block(docx):
    section = docx.sections[0]
    assert abs(section.page_width - Mm(210)) < Mm(0.1) and abs(section.page_height - Mm(297)) < Mm(0.1)
    assert abs(section.top_margin - Mm(37)) < Mm(0.1) and abs(section.left_margin - Mm(28)) < Mm(0.1)
    width = section.page_width - section.left_margin - section.right_margin
    height = section.page_height - section.top_margin - section.bottom_margin
    assert abs(width - Mm(156)) < Mm(0.1) and abs(height - Mm(225)) < Mm(0.1)


def test_22_lines_of_28_characters(docx):
    section = docx.sections[0]
    grid = section._sectPr.find(qn("w:docGrid"))
    pitch = int(grid.get(qn("w:linePitch")))
    height_twips = Length(section.page_height - section.top_margin - section.bottom_margin).twips
    assert height_twips // pitch == 22
    defaults = docx.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    spacing = int(defaults.find(qn("w:spacing")).get(qn("w:val")))
    advance = L.BODY_PT * TWIPS_PER_PT + spacing
    width_twips = Length(section.page_width - section.left_margin - section.right_margin).twips
    assert width_twips // advance == 28


def test_every_run_names_the_office_fonts_for_chinese(docx):
    runs = [r for p in docx.paragraphs for r in p.runs if r.text]
    runs += [r for t in docx.tables for row in t.rows for c in row.cells for p in c.paragraphs for r in p.runs]
    runs = [r for r in runs if r.text]
    assert len(runs) > 300
    for run in runs:
        rfonts = run._r.rPr.find(qn("w:rFonts"))
        assert rfonts.get(qn("w:ascii")) == rfonts.get(qn("w:hAnsi")) == "Times New Roman"
        assert rfonts.get(qn("w:eastAsia")) in OFFICE_FONTS, run.text
        assert rfonts.get(qn("w:hint")) == "eastAsia"
        assert not [a for a in rfonts.attrib if a.lower().endswith("theme")]  # a theme font would win


def test_red_masthead_number_and_red_rule(docx):
    masthead = docx.paragraphs[0]
    assert masthead.text == "白水县人民政府办公室文件"
    assert masthead.alignment == WD_ALIGN_PARAGRAPH.CENTER
    run = masthead.runs[0]
    assert str(run.font.color.rgb) == "FF0000" and east_asia(run) == L.DOCX_XIAOBIAOSONG
    assert run.font.size.pt > 22 and run.font.size.pt * len(masthead.text) / L.PT_PER_MM <= 156
    number = docx.paragraphs[1]
    assert number.text == "白政办发〔2024〕29号" and number.alignment == WD_ALIGN_PARAGRAPH.CENTER
    rule = number._p.pPr.find(qn("w:pBdr")).find(qn("w:bottom"))
    assert rule.get(qn("w:val")) == "single" and rule.get(qn("w:color")) == "FF0000"
    # A paragraph border spans the text block: no indent on the paragraph that carries it.
    assert number._p.pPr.find(qn("w:ind")) is None


def test_title_addressees_body_and_headings(docx, document):
    title = docx.paragraphs[2]
    assert title.text == "\n".join(document.title_lines) and title.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert {(r.font.size.pt, east_asia(r)) for r in title.runs if r.text} == {(22, L.DOCX_XIAOBIAOSONG)}
    addressees = docx.paragraphs[3]
    assert addressees.text == document.addressees and not addressees.paragraph_format.first_line_indent
    # as the circular printed it: the last addressee ends with a full-width colon
    assert addressees.text == "各镇人民政府、城关街道办事处，县政府有关工作部门、直属机构："
    heading = paragraph(docx, "一、基本情况")
    assert (east_asia(heading.runs[0]), heading.runs[0].font.size.pt) == (L.DOCX_HEITI, 16)
    point = next(p for p in docx.paragraphs if p.text.startswith("（一）审核把关不严。"))
    assert point.runs[0].text == "（一）审核把关不严。" and east_asia(point.runs[0]) == L.DOCX_KAITI
    assert (east_asia(point.runs[1]), point.runs[1].font.size.pt) == (L.DOCX_FANGSONG, 16)
    body = next(p for p in docx.paragraphs if p.text.startswith("今年以来"))
    assert body._p.pPr.find(qn("w:ind")).get(qn("w:firstLineChars")) == "200"
    assert (east_asia(body.runs[0]), body.runs[0].font.size.pt) == (L.DOCX_FANGSONG, 16)


def test_attachment_list_signature_and_date(docx):
    first = next(p for p in docx.paragraphs if p.text.startswith("附件："))
    assert first.text == "附件：1. 2024年第一季度各镇办工单办理情况"
    index = next(i for i, p in enumerate(docx.paragraphs) if p._p is first._p)
    following = [p.text for p in docx.paragraphs[index + 1 : index + 4]]
    assert following == ["2. 2024年第一季度各部门工单办理情况", "白水县人民政府办公室", "2024年5月11日"]
    # 7.3.5.1, with a seal: the date four characters from the right, the issuer centred over it
    signature, date = docx.paragraphs[index + 2], docx.paragraphs[index + 3]
    assert date.alignment == signature.alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert date._p.pPr.find(qn("w:ind")).get(qn("w:right")) == str(round(4 * (L.BODY_PT * 20 - 5)))


def test_record_with_its_rules(docx):
    record = docx.tables[-1]
    cc = record.rows[0].cells[0]
    assert cc.text == "抄送：县委办，人大办，政协办，纪委办，人武部政工科。"
    assert cc.paragraphs[0].runs[0].font.size.pt == 14

    def border(cell, side):
        found = cell._tc.tcPr.find(qn("w:tcBorders")).find(qn(f"w:{side}"))
        return found.get(qn("w:val")), int(found.get(qn("w:sz")))

    assert border(cc, "top")[0] == "single" and border(cc, "bottom")[0] == "single"
    assert border(cc, "top")[1] > border(cc, "bottom")[1]  # the first and last rules are the thicker
    issuer, printed = record.rows[1].cells
    assert (issuer.text, printed.text) == ("白水县人民政府办公室", "2024年5月11日印发")
    copies = record.rows[2].cells[0]
    assert copies.text == "(共印5份)"  # as the issued circular printed it
    assert border(copies, "bottom") == border(cc, "top")  # the last rule closes the 版记
    assert record._tbl.tblPr.find(qn("w:tblpPr")) is None  # in the flow, not floating


def test_page_numbers_alternate_sides(docx):
    assert docx.settings.element.find(qn("w:evenAndOddHeaders")) is not None
    section = docx.sections[0]
    for footer, side in (
        (section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
        (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT),
    ):
        number = footer.paragraphs[0]
        assert number.alignment == side
        assert number.text.startswith("— ") and number.text.endswith(" —")
        assert "PAGE" in number._p.xml and 'w:fldCharType="begin"' in number._p.xml
        assert {r.font.size.pt for r in number.runs} == {14}


def test_attachments_are_tables_with_every_unit(docx, document, q1_result):
    for number in (1, 2):
        label = paragraph(docx, f"附件{number}")
        assert label._p.pPr.find(qn("w:pageBreakBefore")) is not None and east_asia(label.runs[0]) == L.DOCX_HEITI
    towns, departments = docx.tables[0], docx.tables[1]
    for table, attachment in zip((towns, departments), document.attachments, strict=True):
        head = table.rows[0]
        assert head._tr.trPr.find(qn("w:tblHeader")) is not None  # repeated on every page
        assert tuple(c.text for c in head.cells) == attachment.header
        assert table.rows[-1].cells[0].text == "总计"
        assert len(table.rows) == 1 + len(attachment.rows) + 1
    cells = {
        c.text.replace("\n", "") for t in (towns, departments) for row in t.rows for c in row.cells
    }  # long names: a line break at a natural part
    assert not [name for name in unit_names(q1_result) if name not in cells]
    labour = next(i for i, row in enumerate(departments.rows) if row.cells[1].text == "劳动监察大队")
    assert departments.rows[labour].cells[0].text == "" and departments.rows[labour - 1].cells[0].text == "人社局"


def test_draft_says_so_in_red(tmp_path, document, docx):
    assert "草稿" not in "".join(p.text for p in docx.paragraphs)
    path = tmp_path / "draft.docx"
    write_docx(dataclasses.replace(document, draft_note=compose.DRAFT_NOTE), path)
    draft = Document(str(path))
    assert "草稿" in draft.sections[0].header.paragraphs[0].text
    assert str(draft.sections[0].header.paragraphs[0].runs[0].font.color.rgb) == "FF0000"


def test_staff_text_is_stored_literally(tmp_path, document):
    odd = '<w:p>&amp; "x" </w:body>{{ x }}'
    path = tmp_path / "odd.docx"
    write_docx(dataclasses.replace(document, addressees=odd), path)
    assert Document(str(path)).paragraphs[3].text == odd


def test_property_elements_are_in_schema_order(docx_path):
    """Word refuses a file whose property children are out of order (LibreOffice does not)."""
    with zipfile.ZipFile(docx_path) as archive:
        for name in [n for n in archive.namelist() if n.startswith("word/") and n.endswith(".xml")]:
            root = etree.fromstring(archive.read(name))
            for parent_tag, order in _ORDER_INDEX.items():
                for parent in root.iter(parent_tag):
                    children = [c.tag for c in parent]
                    assert all(tag in order for tag in children), (name, parent_tag, children)
                    positions = [order[tag] for tag in children]
                    assert positions == sorted(positions), (name, parent_tag, children)


def test_same_document_same_bytes(tmp_path, document, docx_path):
    again = tmp_path / "again.docx"
    write_docx(document, again)
    assert again.read_bytes() == docx_path.read_bytes()


# --- the .docx laid out by an office suite -------------------------------------------------------


@pytest.fixture(scope="session")
def office_pdf(docx_path, tmp_path_factory) -> Path:
    """The .docx (its 版记 not yet placed) converted by LibreOffice (installed by `make test`) as the
    PDF printer sets it up, the Fandol fonts standing in for the office fonts it names."""
    soffice = pdf_writer.soffice()
    if soffice is None:
        pytest.fail("LibreOffice is missing: `make test` installs Debian's libreoffice-writer-nogui")
    folder = tmp_path_factory.mktemp("office")
    (pdf,) = pdf_writer.Office(folder, fonts.fonts_dir(), soffice).convert([docx_path], folder)
    return pdf


def pdftotext(path: Path, *args: str) -> str:
    return subprocess.run(["pdftotext", *args, str(path), "-"], capture_output=True, text=True, check=True).stdout


@pytest.mark.external
def test_office_suite_lays_it_out_as_the_standard_says(office_pdf, q1_result):
    from pypdf import PdfReader

    pages = PdfReader(str(office_pdf)).pages
    assert 6 <= len(pages) <= 12
    assert all(abs(float(p.mediabox.width) - 595.3) < 1 and abs(float(p.mediabox.height) - 841.9) < 1 for p in pages)
    text = pdftotext(office_pdf)
    assert not [name for name in unit_names(q1_result) if name not in flat(text)]
    first = pdftotext(office_pdf, "-f", "1", "-l", "1", "-layout")
    lines = [flat(line) for line in first.splitlines() if flat(line)]
    assert lines[:2] == ["白水县人民政府办公室文件", "白政办发〔2024〕29号"]
    # 28 characters a line: the preamble's first full line of Chinese text.
    preamble = next(line for line in lines if line.startswith("今年以来"))
    following = lines[lines.index(preamble) + 1]
    assert 27 <= len(following) <= 29, following
    for number in range(1, len(pages) + 1):
        assert re.search(rf"—\s*{number}\s*—", pdftotext(office_pdf, "-f", str(number), "-l", str(number)))


def save_first_page(pdf: Path, name: str) -> Path:
    """The first page as a PNG under test-artifacts/documents/, to look at beside the standard."""
    folder = ARTIFACTS / "documents"
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", str(pdf), str(folder / name)],
                   check=True)  # fmt: skip
    return folder / f"{name}.png"


# --- the issued text, exactly ----------------------------------------------------------------------
SOURCE = Path(__file__).resolve().parents[1] / "data" / "sources" / "2024Q1-baishui-circular.txt"


def _docx_blocks(docx) -> list[str | list[list[str]]]:
    """The .docx's body in order: a paragraph's text, or a table as rows of cell texts."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph as DocxParagraph

    blocks: list[str | list[list[str]]] = []
    for element in docx.element.body.iterchildren():
        if element.tag == qn("w:p"):
            blocks.append(DocxParagraph(element, docx).text)
        elif element.tag == qn("w:tbl"):
            table = Table(element, docx)
            blocks.append([[cell.text for cell in row.cells] for row in table.rows])
    return blocks


def test_the_2024q1_document_is_the_issued_circular_character_for_character(docx):
    """Against the issued circular's text (data/sources/): the body, head to 成文日期, character for
    character (line breaks and the spaces a PDF's text extraction leaves aside; the source's
    "- " before 附件 is its list marker), brackets as printed; each attachment cell for cell; the
    版记 line for line."""
    source = SOURCE.read_text(encoding="utf-8")
    head, _, rest = source.partition("附件 1\n")
    blocks = _docx_blocks(docx)
    first_table = next(n for n, block in enumerate(blocks) if isinstance(block, list) and len(block) > 5)
    body = flat("".join(b for b in blocks[:first_table] if isinstance(b, str)).rsplit("附件1", 1)[0])
    assert body == flat(head.replace("\n- 附件：", "\n附件：")), "正文与原文不一致"
    assert "(四)" in body and "（四）" not in body

    # Attachments: the source's tab-separated rows (its repeated header rows left out) against the
    # .docx's rows, cell for cell (the unit names' printed line breaks aside).
    source_rows = [
        [flat(cell) for cell in line.split("\t")]
        for line in rest.splitlines()
        if "\t" in line and not line.startswith("办理部门")
    ]
    docx_rows = [
        [flat(cell) for cell in row]
        for block in blocks
        if isinstance(block, list) and len(block) > 5
        for row in block
        if flat(row[0]) != "办理部门"
    ]
    assert len(docx_rows) == len(source_rows) == 58
    assert docx_rows == source_rows
    for printed in (
        "(包含联合派单)",
        "(共印5份)",
        "抄送：县委办，人大办，政协办，纪委办，人武部政工科。",
        "2024年5月11日印发",
    ):
        assert any(printed in flat(cell) for block in blocks for cell in _cells(block)), printed


def _cells(block) -> list[str]:
    return [block] if isinstance(block, str) else [cell for row in block for cell in row]


def test_a_quarter_issued_without_a_seal_says_so_and_gets_the_no_seal_layout(data_copy):
    """``sealed = false`` in circular.toml: signature and date by GB/T 9704 7.3.5.2."""
    from hotline.data import provenance
    from hotline.rules.history import History

    toml = data_copy / "quarters" / "2024Q1" / "circular.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8").replace("copies_printed = 5\n", "copies_printed = 5\nsealed = false\n"),
        "utf-8",
    )
    provenance.append_corrections(data_copy, [["2026-12-07", "2024Q1", "circular.toml", "无印章", "测试"]])
    provenance.record_checksums(toml.parent)
    result = next(r for r in History.build(data_copy).results if str(r.id) == "2024Q1")
    assert compose.official_document(result).sealed is False
