"""GB/T 9704-2012 layout numbers shared by the .docx and the print writers.

Keeping them in one place means the two outputs cannot drift apart; see
/work/shared/reference/gbt9704-layout.md for where each number comes from.
"""

from __future__ import annotations

from typing import Literal

PT_PER_MM = 72 / 25.4

# Where the 版记 goes: "end" = foot of the document's last page, after the
# attachments (GB/T 9704 §7.3.7, and what the 2024 Q1 circular does);
# "after_body" = foot of the last page of the body, before the attachments.
RecordPosition = Literal["end", "after_body"]

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

# Record (版记) rules.
RECORD_THICK_MM = 0.35
RECORD_THIN_MM = 0.25

# Page numbers: "— N —", dash about 7 mm under the text block, one character in.
PAGE_NUMBER_GAP_MM = 7.0

# Font names a .docx asks for (licensed fonts installed on office machines).
DOCX_LATIN = "Times New Roman"
DOCX_FANGSONG = "仿宋_GB2312"
DOCX_XIAOBIAOSONG = "方正小标宋简体"
DOCX_HEITI = "黑体"
DOCX_KAITI = "楷体_GB2312"
DOCX_SONG = "宋体"


def masthead_pt(text: str) -> float:
    """Size of the 发文机关标志: large, but never wider than the text block."""
    fitting = MASTHEAD_MAX_WIDTH_MM * PT_PER_MM / max(len(text), 1)
    return round(min(MASTHEAD_MAX_PT, fitting), 1)


def text_width_chars(text: str) -> float:
    """Width of ``text`` in full-width characters (ASCII counts as half)."""
    return sum(0.5 if ord(ch) < 0x2000 else 1.0 for ch in text)


def column_widths(header: tuple[str, ...]) -> list[float]:
    """Relative table column widths: unit-name columns wide, number columns narrow.

    Number columns whose head has four or more characters (综合得分) get a little
    more room so the head does not leave one character on a line of its own.
    Shared by both writers so a table wraps the same way in Word and in the PDF.
    """
    weights = []
    for index, name in enumerate(header):
        if index == 0 or name in ("办理部门", "下属单位"):
            weights.append(2.1)
        else:
            weights.append(1.3 if len(name) >= 4 else 1.0)
    total = sum(weights)
    return [w / total for w in weights]
