"""The official document as the site publishes it: ``pdf/2024Q1.pdf`` (linked from the quarter
page) and ``docx/2024Q1.docx`` (on the downloads page), read back with pypdf and pdftotext."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from hotline.document import compose, fonts, pdf_writer
from hotline.document import layout as L

from .conftest import soup
from .test_documents import flat, pdftotext, save_first_page, unit_names

pytestmark = pytest.mark.site
RADICALS = re.compile("[\u2e80-\u2eff\u2f00-\u2fdf]")  # CJK Radicals Supplement, Kangxi Radicals


@pytest.fixture(scope="session")
def pdf(site) -> Path:
    return site / "pdf" / "2024Q1.pdf"


@pytest.fixture(scope="session")
def reader(pdf):
    return PdfReader(str(pdf))


def test_quarter_page_links_the_pdf_and_downloads_the_docx(site):
    quarter = soup(site, "quarters/2024Q1.html")
    assert quarter.find("a", href="../pdf/2024Q1.pdf") is not None
    downloads = soup(site, "downloads.html")
    assert downloads.find("a", href="docx/2024Q1.docx") is not None
    assert downloads.find("a", href="pdf/2024Q1.pdf") is not None


def test_published_docx_is_the_documents(site, q1_result, tmp_path):
    """The same document, its 版记 placed by the same layout, gives the same .docx, byte for byte."""
    expected = tmp_path / "expected.docx"
    document = compose.official_document(q1_result)
    pdf_writer.make_documents(
        [(document, expected, tmp_path / "expected.pdf")], fonts.fonts_dir(), pdf_writer.soffice()
    )
    assert (site / "docx" / "2024Q1.docx").read_bytes() == expected.read_bytes()


def test_a4_pages_numbered_on_alternate_sides(reader, pdf):
    assert 6 <= len(reader.pages) <= 12
    for page in reader.pages:
        assert abs(float(page.mediabox.width) - 595.3) < 1 and abs(float(page.mediabox.height) - 841.9) < 1
    right_edge = (L.PAGE_WIDTH_MM - L.MARGIN_RIGHT_MM) * L.PT_PER_MM
    left_edge = L.MARGIN_LEFT_MM * L.PT_PER_MM
    for number, page in enumerate(reader.pages, start=1):
        pattern = re.compile(rf"—\s*{number}\s*—")
        assert pattern.search(page.extract_text()), f"pypdf, page {number}"
        assert pattern.search(pdftotext(pdf, "-f", str(number), "-l", str(number))), f"pdftotext, page {number}"
        box = pdftotext(pdf, "-f", str(number), "-l", str(number), "-bbox")
        dashes = [
            (float(x0), float(x1))
            for x0, y0, x1 in re.findall(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">—<', box)
            if float(y0) > (L.PAGE_HEIGHT_MM - L.MARGIN_BOTTOM_MM) * L.PT_PER_MM
        ]
        assert len(dashes) == 2, number
        if number % 2:  # odd pages on the right, one character in; even pages on the left
            assert abs(max(x1 for _, x1 in dashes) - (right_edge - L.RECORD_PT)) < 2
        else:
            assert abs(min(x0 for x0, _ in dashes) - (left_edge + L.RECORD_PT)) < 2


@pytest.mark.parametrize("extractor", ["pypdf", "pdftotext"])
def test_text_reads_back_as_the_original_characters(extractor, reader, pdf, q1_result):
    text = "".join(p.extract_text() for p in reader.pages) if extractor == "pypdf" else pdftotext(pdf)
    assert not RADICALS.findall(text)
    assert all(character in text for character in "民门工")
    squashed = flat(text)
    assert not [name for name in unit_names(q1_result) if flat(name) not in squashed]
    for needle in (
        "白水县人民政府办公室文件",
        "白政办发〔2024〕29号",
        "一、基本情况",
        "（一）审核把关不严。",
        "附件：1.2024年第一季度各镇办工单办理情况",
        "抄送：县委办，人大办，政协办，纪委办，人武部政工科。",
        "2024年5月11日印发",
        "总计",
    ):
        assert needle in squashed, needle


def test_open_fonts_are_embedded(reader):
    fonts = {}
    for page in reader.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            font = font.get_object()
            fonts[str(font["/BaseFont"])] = font
    for style in ("FandolFang", "FandolSong", "FandolHei", "FandolKai"):
        assert any(style in name for name in fonts), style
    for name, font in fonts.items():
        descendant = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
        descriptor = descendant["/FontDescriptor"].get_object()
        assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor), name  # embedded
        assert "/ToUnicode" in font, name


def test_only_the_head_is_red_and_first_page_saved(pdf, tmp_path):
    from PIL import Image

    subprocess.run(["pdftoppm", "-png", "-r", "30", "-f", "1", "-l", "2", str(pdf), str(tmp_path / "p")], check=True)

    def red(path: Path) -> int:
        colours = Image.open(path).convert("RGB").getcolors(maxcolors=1 << 24)
        return sum(n for n, (r, g, b) in colours if r > 200 and g < 80 and b < 80)

    first, second = sorted(tmp_path.glob("p-*.png"))
    assert red(first) > 200 and red(second) == 0
    assert save_first_page(pdf, "pdf-page1").is_file()


def test_the_record_sits_at_the_foot_of_the_last_page(reader, pdf):
    """GB/T 9704: the 版记 closes the last page, its last line just above the text block's foot
    (its last rule on it: see test_document_layout)."""
    last = str(len(reader.pages))
    box = pdftotext(pdf, "-f", last, "-l", last, "-bbox")
    foot = (L.PAGE_HEIGHT_MM - L.MARGIN_BOTTOM_MM) * L.PT_PER_MM
    words = [  # the text block's words: the page number sits below it
        (text, float(y1)) for y1, text in re.findall(r'yMax="([\d.]+)">([^<]+)<', box) if float(y1) < foot + 7
    ]
    text, bottom = max(words, key=lambda word: word[1])
    assert "印发" in "".join(t for t, y in words if y > foot - 3 * L.LINE_PITCH_MM * L.PT_PER_MM), words[-6:]
    assert foot - L.LINE_PITCH_MM * L.PT_PER_MM < bottom <= foot + 1, (text, bottom, foot)
