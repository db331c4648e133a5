"""The open-data workbook, written as the smallest Office Open XML spreadsheet that Excel, WPS and
LibreOffice open: one sheet per table, the header row bold and frozen, every text an inline string
(never a formula, a link or a number), numbers as numbers, a missing value as an empty cell.

Written in one pass with fixed entry times and document date, so the same data give the same bytes.
A general writer (XlsxWriter) spent about ten microseconds on each cell, which is seconds in every
rebuild of a history of many units; a row here is one string join.

Characters XML cannot carry (and a carriage return, which XML readers turn into a line feed) are
stored as the format's ``_xHHHH_`` escapes, which Excel, WPS and LibreOffice decode; Python's
openpyxl and pandas show the escapes as they are.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal
from numbers import Integral, Real
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

import numpy as np

from hotline.reproducible import write_zip

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE_RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"
_SPREADSHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

# Style 0: the default; style 1: the header row as spreadsheet programs write one (bold, boxed,
# centred, at the top of the cell).
_STYLES = f"""{_XML}<styleSheet xmlns="{_MAIN}">\
<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>\
<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>\
<fills count="2"><fill><patternFill patternType="none"/></fill>\
<fill><patternFill patternType="gray125"/></fill></fills>\
<borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border>\
<border><left style="thin"><color auto="1"/></left><right style="thin"><color auto="1"/></right>\
<top style="thin"><color auto="1"/></top><bottom style="thin"><color auto="1"/></bottom><diagonal/></border></borders>\
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>\
<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>\
<xf numFmtId="0" fontId="1" fillId="0" borderId="1" xfId="0" applyFont="1" applyBorder="1" applyAlignment="1">\
<alignment horizontal="center" vertical="top"/></xf></cellXfs>\
<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>"""

# XML 1.0 cannot carry these characters, and its readers turn a carriage return into a line feed;
# spreadsheets store them as _xHHHH_ (and a text that already holds such a sequence keeps it by
# escaping its underscore, _x005F_).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0d\x0e-\x1f\ufffe\uffff]|_(?=x[0-9A-Fa-f]{4}_)")


def _text(value: str) -> str:
    if _NOT_XML.search(value):
        value = _NOT_XML.sub(lambda m: f"_x{ord(m.group()):04X}_", value)
    return escape(value)


def _column_letters(count: int) -> list[str]:
    letters = []
    for number in range(1, count + 1):
        name = ""
        while number:
            number, rest = divmod(number - 1, 26)
            name = chr(65 + rest) + name
        letters.append(name)
    return letters


def _cell(reference: str, value) -> str:
    """A cell's XML; "" (no cell) for a missing value or an empty text, as spreadsheets leave them."""
    kind = type(value)  # the common types first, by identity: an ABC check per cell is slow
    if kind is str:
        if not value:
            return ""
        return f'<c r="{reference}" t="inlineStr"><is><t xml:space="preserve">{_text(value)}</t></is></c>'
    if value is None:
        return ""
    if kind is bool or isinstance(value, bool | np.bool_):
        return f'<c r="{reference}" t="b"><v>{int(value)}</v></c>'
    if kind is int or isinstance(value, Integral):
        return f'<c r="{reference}"><v>{int(value)}</v></c>'
    if kind is float or isinstance(value, Real | Decimal):
        number = float(value)
        return f'<c r="{reference}"><v>{number!r}</v></c>' if math.isfinite(number) else ""
    return _cell(reference, str(value))


def _sheet(header: Sequence[str], rows: Iterable[Sequence], first: bool) -> str:
    letters = _column_letters(len(header))
    head = "".join(
        f'<c r="{c}1" s="1" t="inlineStr"><is><t xml:space="preserve">{_text(str(h))}</t></is></c>'
        for c, h in zip(letters, header, strict=True)
    )
    lines = [f'<row r="1">{head}</row>']
    for number, row in enumerate(rows, start=2):
        cells = "".join(_cell(f"{c}{number}", v) for c, v in zip(letters, row, strict=True))
        lines.append(f'<row r="{number}">{cells}</row>')
    selected = ' tabSelected="1"' if first else ""
    view = (
        f'<sheetViews><sheetView workbookViewId="0"{selected}>'
        '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
        '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>'
    )
    return f'{_XML}<worksheet xmlns="{_MAIN}">{view}<sheetData>{"".join(lines)}</sheetData></worksheet>'


def write(path: Path, sheets: dict[str, tuple[Sequence[str], Iterable[Sequence]]], created: dt.datetime) -> Path:
    """An .xlsx of ``sheets`` (name → header and rows of plain values), dated ``created``."""
    count = len(sheets)
    stamp = created.strftime("%Y-%m-%dT%H:%M:%SZ")
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="{_SPREADSHEET}.worksheet+xml"/>'
        for n in range(1, count + 1)
    )
    parts = {
        "[Content_Types].xml": f"""{_XML}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
<Default Extension="xml" ContentType="application/xml"/>\
<Override PartName="/xl/workbook.xml" ContentType="{_SPREADSHEET}.sheet.main+xml"/>\
{overrides}\
<Override PartName="/xl/styles.xml" ContentType="{_SPREADSHEET}.styles+xml"/>\
<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>\
</Types>""",
        "_rels/.rels": f"""{_XML}<Relationships xmlns="{_PACKAGE_RELATIONSHIPS}">\
<Relationship Id="rId1" Type="{_RELATIONSHIPS}/officeDocument" Target="xl/workbook.xml"/>\
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" \
Target="docProps/core.xml"/></Relationships>""",
        "docProps/core.xml": f"""{_XML}<cp:coreProperties \
xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" \
xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" \
xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\
<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>\
<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified></cp:coreProperties>""",
        # The workbook's own view (Excel misbehaves on printing and copying without one).
        "xl/workbook.xml": f"""{_XML}<workbook xmlns="{_MAIN}" xmlns:r="{_RELATIONSHIPS}">\
<bookViews><workbookView activeTab="0"/></bookViews><sheets>"""
        + "".join(f'<sheet name={quoteattr(name)} sheetId="{n}" r:id="rId{n}"/>' for n, name in enumerate(sheets, 1))
        + "</sheets></workbook>",
        "xl/_rels/workbook.xml.rels": f'{_XML}<Relationships xmlns="{_PACKAGE_RELATIONSHIPS}">'
        + "".join(
            f'<Relationship Id="rId{n}" Type="{_RELATIONSHIPS}/worksheet" Target="worksheets/sheet{n}.xml"/>'
            for n in range(1, count + 1)
        )
        + f'<Relationship Id="rId{count + 1}" Type="{_RELATIONSHIPS}/styles" Target="styles.xml"/></Relationships>',
        "xl/styles.xml": _STYLES,
    }
    for n, (header, rows) in enumerate(sheets.values(), 1):
        parts[f"xl/worksheets/sheet{n}.xml"] = _sheet(header, rows, first=n == 1)
    path.parent.mkdir(parents=True, exist_ok=True)
    return write_zip(path, {name: xml.encode("utf-8") for name, xml in parts.items()}, created)
