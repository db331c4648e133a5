"""GB/T 9704-2012 layout numbers of the official document, in one place so that the .docx writer,
the PDF printer's measurements and the tests agree; see the project's GB/T 9704 summary
(gbt9704-layout.md) for where each number comes from.
"""

from __future__ import annotations

import math
import re

PT_PER_MM = 72 / 25.4

# Page and text block (版心): A4, 156 × 225 mm.
PAGE_WIDTH_MM = 210.0
PAGE_HEIGHT_MM = 297.0
MARGIN_TOP_MM = 37.0  # 天头
MARGIN_LEFT_MM = 28.0  # 订口
MARGIN_RIGHT_MM = 26.0
MARGIN_BOTTOM_MM = 35.0
TEXT_WIDTH_MM = PAGE_WIDTH_MM - MARGIN_LEFT_MM - MARGIN_RIGHT_MM  # 156
TEXT_HEIGHT_MM = PAGE_HEIGHT_MM - MARGIN_TOP_MM - MARGIN_BOTTOM_MM  # 225

# Grid: 22 lines of 28 characters of 3号 (16 pt) text fill the text block.
LINES_PER_PAGE = 22
CHARS_PER_LINE = 28
LINE_PITCH_MM = TEXT_HEIGHT_MM / LINES_PER_PAGE  # ≈ 10.23 mm ≈ 28.99 pt

# Type sizes (pt): 2号 = 22, 3号 = 16, 4号 = 14, 小四 = 12.
BODY_PT = 16.0
TITLE_PT = 22.0
RECORD_PT = 14.0  # 版记 and page numbers
TABLE_PT = 12.0  # 小四
TABLE_HEAD_PT = 10.5  # 五号, so column heads fit narrow number columns
MASTHEAD_MAX_PT = 36.0  # 发文机关标志; shrunk for long issuer names
MASTHEAD_MAX_WIDTH_MM = 150.0  # stay clear of the 156 mm text block edge

# Head (版头).
MASTHEAD_TOP_OFFSET_MM = 35.0  # GB/T 9704-2012 7.2.4: 标志 top edge 35 mm below the text block top
RED_RULE_GAP_MM = 4.0  # rule 4 mm under the 发文字号
RED_RULE_MM = 0.5  # thickness of the red rule (not fixed by the standard)
RED = "FF0000"

# Record (版记) rules: the first and last thick, the one between thin. Word measures borders in
# eighths of a point, so the thin rule is drawn 0.75 pt (0.265 mm), the nearest it can.
RECORD_THICK_MM = 0.35
RECORD_THIN_MM = 0.25

# Signature and date (7.3.5.1, a document issued with a seal): the date four characters from the
# right, the issuer centred over it, two blank lines under the body for the seal.
SEAL_DATE_RIGHT_CHARS = 4
SEAL_LINES_ABOVE = 2
# The title two blank lines under the red rule (7.3.1).
TITLE_LINES_BELOW_RULE = 2

# Page numbers: "— N —", dash about 7 mm under the text block, one character in.
PAGE_NUMBER_GAP_MM = 7.0

# Font names a .docx asks for (licensed fonts installed on office machines).
DOCX_LATIN = "Times New Roman"
DOCX_FANGSONG = "仿宋_GB2312"
DOCX_XIAOBIAOSONG = "方正小标宋简体"
DOCX_HEITI = "黑体"
DOCX_KAITI = "楷体_GB2312"
DOCX_SONG = "宋体"

# What Word and WPS show on a PC without the GB2312-era fonts (the font table's altName; the panose
# and the GB2312 charset make the substitute a Chinese face of the same style); and the open fonts
# that stand in for each in the PDF (LibreOffice, through the project's fontconfig file).
FONT_FALLBACKS = {
    DOCX_FANGSONG: ("仿宋", "02010609060101010101"),
    DOCX_XIAOBIAOSONG: ("华文中宋", "02010600040101010101"),
    DOCX_HEITI: ("SimHei", "02010609060101010101"),
    DOCX_KAITI: ("楷体", "02010609060101010101"),
    DOCX_SONG: ("SimSun", "02010600030101010101"),
}
OPEN_FONTS = {
    DOCX_FANGSONG: "FandolFang",
    DOCX_XIAOBIAOSONG: "FandolSong",
    DOCX_HEITI: "FandolHei",
    DOCX_KAITI: "FandolKai",
    DOCX_SONG: "Noto Serif CJK SC",  # the page numbers' dashes
}


def masthead_pt(text: str) -> float:
    """Size of the 发文机关标志: large, but never wider than the text block."""
    fitting = MASTHEAD_MAX_WIDTH_MM * PT_PER_MM / max(len(text), 1)
    return round(min(MASTHEAD_MAX_PT, fitting), 1)


def text_width_chars(text: str) -> float:
    """Width of ``text`` in full-width characters (ASCII counts as half)."""
    return sum(0.5 if ord(ch) < 0x2000 else 1.0 for ch in text)


# Attachment tables: 小四 unit names, a cell's left and right padding (points each).
CELL_PAD_PT = 2.25
CHAR_SPACING_PT = -0.25  # every character is set this much tighter (28 characters a line)
# Where a unit name may break when it is longer than its column: after the parts of an
# administrative or company name, never inside a word.
NAME_BREAKS = re.compile(r"(?<=省|市|县|区|镇|团|司|局|委|办|队|心|所|站|会)")


def name_lines(name: str, limit: int) -> tuple[str, ...]:
    """``name`` as the lines of its cell: whole when it has at most ``limit`` characters, else
    broken at its natural parts (陕西省水务集团 / 白水有限公司), each line as full as it can be."""
    if len(name) <= limit:
        return (name,)
    parts = [part for part in NAME_BREAKS.split(name) if part]
    lines: list[str] = []
    for part in parts:
        if lines and len(lines[-1]) + len(part) <= limit:
            lines[-1] += part
        else:
            lines.append(part)
    if max(map(len, lines)) > limit:  # no natural part fits: fall back to whole characters
        return tuple(name[i : i + limit] for i in range(0, len(name), limit))
    return tuple(lines)


def is_name_column(index: int, name: str) -> bool:
    return index == 0 or name in ("办理部门", "下属单位")


def name_limit(header: tuple[str, ...]) -> int:
    """Characters a unit name may have on one line of its column: what the number columns leave at
    their narrowest (a head of two characters a line in 五号) shared by the name columns, at most 8.
    The name columns then take only what their longest line needs, the number columns the rest."""
    names = sum(1 for i, h in enumerate(header) if is_name_column(i, h))
    numbers = len(header) - names
    number_pt = 2 * (TABLE_HEAD_PT + CHAR_SPACING_PT) + 2 * CELL_PAD_PT + 4
    left = TEXT_WIDTH_MM * PT_PER_MM - numbers * number_pt
    per_name = left / max(names, 1) - 2 * CELL_PAD_PT
    return max(4, min(8, math.floor(per_name / (TABLE_PT + CHAR_SPACING_PT))))


def column_widths(header: tuple[str, ...], names: list[list[str]] | None = None) -> list[float]:
    """Relative column widths: each unit-name column as wide as its longest line (names longer
    than :func:`name_limit` are broken at their natural parts), number columns share the rest.

    ``names`` holds each name column's cells, in the order of the name columns."""
    limit = name_limit(header)
    total = TEXT_WIDTH_MM * PT_PER_MM
    columns = iter(names or [])
    widths: list[float | None] = []
    for index, head in enumerate(header):
        if is_name_column(index, head):
            cells = next(columns, []) or [head]
            longest = max(max(map(len, name_lines(c, limit))) for c in [*cells, head])
            widths.append(longest * (TABLE_PT + CHAR_SPACING_PT) + 2 * CELL_PAD_PT + 2)
        else:
            widths.append(None)
    numbers = widths.count(None)
    rest = (total - sum(w for w in widths if w)) / max(numbers, 1)
    filled = [w if w is not None else rest for w in widths]
    return [w / sum(filled) for w in filled]
