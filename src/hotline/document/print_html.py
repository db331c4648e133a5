"""Print layout of a circular as one self-contained HTML page (for Chromium).

The page follows GB/T 9704-2012 with CSS paged media: ``@page`` sets A4 and
the 版心 margins, margin boxes carry the page numbers, body text sits on a grid
of 22 lines × 28 characters, and attachments start on new pages with repeated
table headers.  Fonts are referenced with ``file://`` URLs of the derived
copies made by :mod:`hotline.document.fonts`, so the HTML must be opened from a
``file://`` URL (``pdf_writer`` does this); nothing is fetched from a network.

Every string of the document is untrusted staff-edited text: it is passed
through :func:`html.escape` and never used to build markup, CSS or URLs.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path

from hotline.circular import fmt
from hotline.document import layout as L
from hotline.document.fonts import (
    FALLBACK_FAMILIES,
    PdfFonts,
    covered_codepoints,
    fallback_font,
)
from hotline.document.layout import RecordPosition
from hotline.document.model import (
    AttachmentTable,
    Heading,
    Inline,
    OfficialDocument,
    Paragraph,
    Point,
    Row,
    all_text,
    cc_text,
)

# Link target of the probe that pdf_writer uses to find where the 版记 ended.
RECORD_PROBE_URI = "https://record-probe.invalid/end"
# Height of the (invisible) element closing the 版记; the probe has the same height.
RECORD_END_MM = 0.5

FAMILY = {"song": "OD Song", "fang": "OD Fang", "hei": "OD Hei", "kai": "OD Kai"}


@dataclass(frozen=True)
class RecordPlacement:
    """Where the 版记 goes and how much space pushes it to the page foot.

    ``spacer_mm`` is measured by ``pdf_writer`` from a first print; ``probe``
    turns the end of the 版记 into a link so that print can be measured.
    """

    position: RecordPosition = "end"
    spacer_mm: float = 0.0
    probe: bool = False


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _font_faces(fonts: PdfFonts, fallbacks: dict[str, Path]) -> str:
    faces = []
    for role, path in fonts.by_role().items():
        faces.append(
            f'@font-face{{font-family:"{FAMILY[role]}";src:url("{path.as_uri()}") format("truetype");'
            "font-weight:400;font-style:normal;}"
        )
    for role, path in fallbacks.items():
        faces.append(
            f'@font-face{{font-family:"{FAMILY[role]} Fallback";src:url("{path.as_uri()}") '
            'format("truetype");font-weight:400;font-style:normal;}'
        )
    latin_range = "unicode-range:U+0020-007E,U+00A0-00FF;"
    if fonts.latin:
        faces.append(
            f'@font-face{{font-family:"OD Latin";src:url("{fonts.latin.as_uri()}") format("truetype");'
            f"font-weight:400;font-style:normal;{latin_range}}}"
        )
    if fonts.latin_bold:
        faces.append(
            f'@font-face{{font-family:"OD Latin";src:url("{fonts.latin_bold.as_uri()}") format("truetype");'
            f"font-weight:700;font-style:normal;{latin_range}}}"
        )
    return "\n".join(faces)


def _stack(role: str, fonts: PdfFonts, fallbacks: dict[str, Path]) -> str:
    """Font stack: Latin first (numbers in a Times New Roman look), then Fandol, then Noto."""
    names = []
    if fonts.latin:
        names.append('"OD Latin"')
    names.append(f'"{FAMILY[role]}"')
    if role in fallbacks:
        names.append(f'"{FAMILY[role]} Fallback"')
    system, generic = FALLBACK_FAMILIES[role]
    names.append(f'"{system}"')
    names.append(generic)
    return ",".join(names)


def _css(document: OfficialDocument, fonts: PdfFonts, fallbacks: dict[str, Path]) -> str:
    masthead_pt = L.masthead_pt(document.masthead)
    stacks = {role: _stack(role, fonts, fallbacks) for role in FAMILY}
    return f"""
{_font_faces(fonts, fallbacks)}
:root {{
  --pitch: calc({L.TEXT_HEIGHT_MM}mm / {L.LINES_PER_PAGE});
  --char: calc({L.TEXT_WIDTH_MM}mm / {L.CHARS_PER_LINE});
  --song: {stacks["song"]};
  --fang: {stacks["fang"]};
  --hei: {stacks["hei"]};
  --kai: {stacks["kai"]};
}}
@page {{
  size: A4;
  margin: {L.MARGIN_TOP_MM}mm {L.MARGIN_RIGHT_MM}mm {L.MARGIN_BOTTOM_MM}mm {L.MARGIN_LEFT_MM}mm;
}}
/* Page numbers "— N —": odd (right-hand) pages right, even pages left, one character in. */
@page :right {{
  @bottom-right {{
    content: "— " counter(page) " —";
    font-family: var(--fang); font-size: {L.RECORD_PT}pt; line-height: {L.RECORD_PT}pt;
    text-align: right; vertical-align: top;
    padding-top: calc({L.PAGE_NUMBER_GAP_MM}mm - {L.RECORD_PT / 2}pt); padding-right: 1em;
    word-spacing: 0.25em; /* a space pdftotext can see between dash and number */
  }}
}}
@page :left {{
  @bottom-left {{
    content: "— " counter(page) " —";
    font-family: var(--fang); font-size: {L.RECORD_PT}pt; line-height: {L.RECORD_PT}pt;
    text-align: left; vertical-align: top;
    padding-top: calc({L.PAGE_NUMBER_GAP_MM}mm - {L.RECORD_PT / 2}pt); padding-left: 1em;
    word-spacing: 0.25em;
  }}
}}
html {{ -webkit-print-color-adjust: exact; print-color-adjust: exact; }}
body {{
  margin: 0; color: #000;
  font-family: var(--fang); font-size: {L.BODY_PT}pt; line-height: var(--pitch);
  /* 28 full-width characters fill 156 mm; a hair less so rounding never drops one. */
  letter-spacing: calc(var(--char) - {L.BODY_PT}pt - 0.01pt);
  text-align: justify; orphans: 1; widows: 1;
  font-kerning: none; font-variant-east-asian: normal;
}}
p, h1, h2, div {{ margin: 0; padding: 0; font-weight: normal; font-size: inherit; }}
b, strong {{ font-weight: 700; }}
.draft-note {{
  height: var(--pitch); overflow: hidden; white-space: nowrap;
  color: #{L.RED}; font-family: var(--hei); font-size: {L.RECORD_PT}pt; text-align: left;
}}
.draft-mark {{
  position: fixed; top: 90mm; left: 0; right: 0; text-align: center;
  font-family: var(--hei); font-size: 110pt; letter-spacing: 20mm; line-height: 1;
  color: rgba(255, 0, 0, 0.13); transform: rotate(-30deg); z-index: -1;
}}
.masthead {{
  margin-top: {L.MASTHEAD_TOP_OFFSET_MM}mm; color: #{L.RED};
  font-family: var(--song); font-size: {masthead_pt}pt; line-height: 1.25; letter-spacing: 0;
  text-align: center; white-space: nowrap;
}}
.has-draft .masthead {{ margin-top: calc({L.MASTHEAD_TOP_OFFSET_MM}mm - var(--pitch)); }}
.doc-number {{ margin-top: calc(2 * var(--pitch)); text-align: center; letter-spacing: 0; }}
/* Red rule 4 mm under the glyphs of the 发文字号 (half the leading sits below them). */
.red-rule {{
  margin-top: calc({L.RED_RULE_GAP_MM}mm - (var(--pitch) - {L.BODY_PT}pt) / 2);
  border-top: {L.RED_RULE_MM}mm solid #{L.RED}; height: 0;
}}
.title {{
  margin-top: calc(var(--pitch) - {L.RED_RULE_MM}mm);
  font-family: var(--song); font-size: {L.TITLE_PT}pt; line-height: var(--pitch);
  letter-spacing: 0; text-align: center;
}}
.addressees {{ margin-top: var(--pitch); }}
.para, .heading {{ text-indent: calc(2 * var(--char)); }}
.heading {{ font-family: var(--hei); break-after: avoid; }}
.lead {{ font-family: var(--kai); }}
.attachment-note {{ margin-top: var(--pitch); }}
.attachment-note p {{ padding-left: var(--note-indent); text-indent: var(--note-hang); }}
.attachment-note .label, .attachment-note .num {{
  display: inline-block; text-indent: 0; letter-spacing: 0; white-space: nowrap;
}}
.attachment-note .label {{ width: calc(3 * var(--char)); }}
.attachment-note .num {{ width: var(--num-width); }}
.signoff {{ margin-top: var(--pitch); text-align: right; padding-right: calc(2 * var(--char)); break-inside: avoid; }}
.signoff-box {{ display: inline-block; text-align: left; }}
.signoff .date {{ padding-left: calc(2 * var(--char)); }}
.record-block {{ break-inside: avoid; }}
.record {{
  font-size: {L.RECORD_PT}pt; line-height: var(--pitch); letter-spacing: 0;
  border-top: {L.RECORD_THICK_MM}mm solid #000; border-bottom: {L.RECORD_THICK_MM}mm solid #000;
}}
.record .cc {{
  padding-left: 4em; text-indent: -3em; padding-right: 1em;
  border-bottom: {L.RECORD_THIN_MM}mm solid #000;
}}
.record .issued {{ display: flex; justify-content: space-between; padding: 0 1em; }}
.copies {{ font-size: {L.RECORD_PT}pt; text-align: right; padding-right: 1em; letter-spacing: 0; }}
.record-end {{ display: block; height: {RECORD_END_MM}mm; }}
.attachment {{ break-before: page; }}
.attachment-label {{ font-family: var(--hei); text-align: left; }}
.attachment-title {{
  margin-top: var(--pitch); font-family: var(--song); font-size: {L.TITLE_PT}pt;
  line-height: var(--pitch); letter-spacing: 0; text-align: center;
}}
.attachment-subtitle {{ text-align: center; letter-spacing: 0; }}
table {{
  width: 100%; margin-top: calc(var(--pitch) / 2); border-collapse: collapse; table-layout: fixed;
  font-size: {L.TABLE_PT}pt; line-height: 1.3; letter-spacing: 0; text-align: center;
}}
thead {{ display: table-header-group; }}
th, td {{
  border: 0.5pt solid #000; padding: 0.4mm 0.8mm; height: 6.5mm; box-sizing: border-box; vertical-align: middle;
}}
th {{ font-family: var(--hei); font-weight: normal; font-size: {L.TABLE_HEAD_PT}pt; text-wrap: balance; }}
tr {{ break-inside: avoid; }}
tr.total td {{ font-family: var(--hei); }}
"""


def _runs(runs: tuple[Inline, ...]) -> str:
    return "".join(f"<strong>{_e(r.text)}</strong>" if r.bold else _e(r.text) for r in runs)


def _body_block(block: object) -> str:
    if isinstance(block, Heading):
        return f'<h2 class="heading">{_e(block.text)}</h2>'
    if isinstance(block, Point):
        return f'<p class="para"><span class="lead">{_e(block.lead)}</span>{_runs(block.runs)}</p>'
    if isinstance(block, Paragraph):
        return f'<p class="para">{_runs(block.runs)}</p>'
    raise TypeError(f"unknown body block {type(block).__name__}")


def _attachment_note(titles: tuple[str, ...]) -> str:
    """附件说明: "附件：1. 标题", later items and wrapped lines aligned under the first title."""
    if not titles:
        return ""
    numbered = len(titles) > 1
    digits = len(str(len(titles)))
    num_chars = (digits + 1) * 0.5 + 0.5 if numbered else 0.0  # "1." plus a half-width gap
    style = f"--num-width:calc({num_chars} * var(--char));--note-indent:calc({5 + num_chars} * var(--char));"
    items = []
    for index, title in enumerate(titles, start=1):
        num = f'<span class="num">{index}.</span>' if numbered else ""
        if index == 1:
            hang = f"--note-hang:calc(-{3 + num_chars} * var(--char))"
            items.append(f'<p style="{hang}"><span class="label">附件：</span>{num}{_e(title)}</p>')
        else:
            hang = f"--note-hang:calc(-{num_chars} * var(--char))"
            items.append(f'<p style="{hang}">{num}{_e(title)}</p>')
    return f'<div class="attachment-note" style="{style}">{"".join(items)}</div>'


def _row(row: Row, cell_tag: str = "td", css_class: str | None = None) -> str:
    classes = [c for c in (css_class, "sub-unit" if row.sub_unit else None) if c]
    attr = f' class="{" ".join(classes)}"' if classes else ""
    cells = "".join(f"<{cell_tag}>{_e(cell)}</{cell_tag}>" for cell in row.cells)
    return f"<tr{attr}>{cells}</tr>"


def _attachment(table: AttachmentTable) -> str:
    cols = "".join(f'<col style="width:{w * 100:.3f}%">' for w in L.column_widths(table.header))
    head = "<tr>" + "".join(f'<th scope="col">{_e(h)}</th>' for h in table.header) + "</tr>"
    body = "".join(_row(row) for row in table.rows)
    if table.total:
        body += _row(table.total, css_class="total")
    subtitle = f'<p class="attachment-subtitle">{_e(table.subtitle)}</p>' if table.subtitle else ""
    return (
        f'<section class="attachment">'
        f'<p class="attachment-label">附件{table.number}</p>'
        f'<h2 class="attachment-title">{_e(table.title)}</h2>{subtitle}'
        f"<table><colgroup>{cols}</colgroup><thead>{head}</thead><tbody>{body}</tbody></table>"
        f"</section>"
    )


def _record(document: OfficialDocument, placement: RecordPlacement) -> str:
    spacer = f'<div class="record-spacer" style="height:{placement.spacer_mm:.3f}mm"></div>'
    cc = f'<p class="cc">{_e(cc_text(document.cc))}</p>' if document.cc else ""
    issued = (
        f'<div class="issued"><span>{_e(document.printed_by)}</span>'
        f"<span>{_e(fmt.date(document.printed_on))}印发</span></div>"
    )
    copies = f'<p class="copies">（共印{document.copies}份）</p>' if document.copies else ""
    end = (
        f'<a class="record-end" href="{RECORD_PROBE_URI}" aria-hidden="true"></a>'
        if placement.probe
        else '<div class="record-end"></div>'
    )
    return (
        f'<div class="record-block">{spacer}'
        f'<footer class="record" aria-label="版记">{cc}{issued}</footer>{copies}{end}</div>'
    )


def fallback_fonts_for(document: OfficialDocument, fonts: PdfFonts, cache_dir: Path | None) -> dict[str, Path]:
    """Noto subsets for characters the Fandol fonts lack, by role (usually none)."""
    text = {ch for ch in all_text(document) if ord(ch) > 0x7F}
    fallbacks: dict[str, Path] = {}
    for role, path in fonts.by_role().items():
        missing = "".join(sorted(ch for ch in text if ord(ch) not in covered_codepoints(path)))
        if missing:
            found = fallback_font(role, missing, cache_dir)
            if found:
                fallbacks[role] = found
    return fallbacks


def build_html(
    document: OfficialDocument,
    fonts: PdfFonts,
    fallbacks: dict[str, Path] | None = None,
    placement: RecordPlacement = RecordPlacement(),
) -> str:
    """The print page of ``document``, with fonts already prepared (see
    :func:`hotline.document.fonts.prepare_pdf_fonts`): they are linked as absolute ``file://``
    URLs, so the HTML can be written anywhere."""
    fallbacks = fallbacks or {}
    title_html = "<br>".join(_e(line) for line in document.title_lines)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN">',
        "<head>",
        '<meta charset="utf-8">',
        f"<title>{_e(document.number)} {_e(' '.join(document.title_lines))}</title>",
        f"<style>{_css(document, fonts, fallbacks)}</style>",
        "</head>",
        f'<body class="{"has-draft" if document.draft_note else ""}">',
    ]
    if document.draft_note:
        parts.append('<div class="draft-mark" aria-hidden="true">草稿</div>')
        parts.append(f'<p class="draft-note">草稿：{_e(document.draft_note)}</p>')
    parts += [
        "<header>",
        f'<p class="masthead">{_e(document.masthead)}</p>',
        f'<p class="doc-number">{_e(document.number)}</p>',
        '<div class="red-rule" role="presentation"></div>',
        "</header>",
        "<main>",
        f'<h1 class="title">{title_html}</h1>',
        f'<p class="addressees">{_e(document.addressees)}</p>',
        *(_body_block(block) for block in document.body),
        _attachment_note(document.attachment_titles),
        '<div class="signoff"><div class="signoff-box">'
        f'<p class="signature">{_e(document.signature)}</p>'
        f'<p class="date">{_e(fmt.date(document.date))}</p>'
        "</div></div>",
        "</main>",
    ]
    record = _record(document, placement)
    if placement.position == "after_body":
        parts.append(record)
    parts.extend(_attachment(table) for table in document.attachments)
    if placement.position == "end":
        parts.append(record)
    parts += ["</body>", "</html>"]
    return "\n".join(parts) + "\n"
