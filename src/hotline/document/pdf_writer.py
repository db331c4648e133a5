"""Print a circular to PDF with headless Chromium (Playwright).

Two prints are made of one loaded page: the first (untagged, so cheaper) places
the 版记 straight after the content and marks its end with a link whose
rectangle pypdf reads back; then the page's spacer is set to exactly the space
that moves the 版记 to the foot of its page, as GB/T 9704 asks, the probe link
becomes the plain end it stands for, and the second print is the document.
(Chromium has no CSS way to pin a block to the bottom of the last page.)
Date stamps Chromium writes are then replaced by the document's 印发 date so
that the same input always gives the same bytes.
"""

from __future__ import annotations

import io
import re
import tempfile
from pathlib import Path

from pypdf import PdfReader

from hotline.document import layout as L
from hotline.document.fonts import prepare_pdf_fonts
from hotline.document.layout import RecordPosition
from hotline.document.model import OfficialDocument
from hotline.document.print_html import RECORD_PROBE_URI, RecordPlacement, build_html, fallback_fonts_for

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Keep the 版记 this far above the text block's foot so rounding never pushes it over.
RECORD_SAFETY_MM = 0.2

_PDF_DATE = re.compile(rb"D:\d{14}(?:[+\-]\d\d'\d\d'|Z)?")


class RecordProbeMissing(RuntimeError):
    """The first print did not contain the 版记 probe link."""


def normalise_pdf(data: bytes, stamp: str) -> bytes:
    """Replace every ``D:YYYYMMDDhhmmss±hh'mm'`` stamp by ``stamp``, keeping lengths.

    Same-length replacement keeps the xref offsets valid without rewriting the file.
    """

    def replace(match: re.Match[bytes]) -> bytes:
        original = match.group(0)
        fixed = f"D:{stamp}".encode("ascii")
        suffix = original[len(fixed) :]
        if suffix:
            suffix = b"Z" if suffix == b"Z" else b"+00'00'"
        return fixed + suffix

    return _PDF_DATE.sub(replace, data)


def probe_position(pdf: bytes) -> tuple[int, float]:
    """Page index and bottom edge (pt above the page foot) of the 版记 probe link."""
    reader = PdfReader(io.BytesIO(pdf))
    for index, page in enumerate(reader.pages):
        for annot in page.get("/Annots") or []:
            annot = annot.get_object()
            action = annot.get("/A")
            if annot.get("/Subtype") == "/Link" and action and action.get("/URI") == RECORD_PROBE_URI:
                _, y1, _, y2 = (float(v) for v in annot["/Rect"])
                return index, min(y1, y2)
    raise RecordProbeMissing("版记 probe link not found in the first print")


def _load(page, html_text: str, workdir: Path) -> None:
    html_path = workdir / "document.html"
    html_path.write_text(html_text, encoding="utf-8")
    page.goto(html_path.as_uri(), wait_until="load")
    page.evaluate("document.fonts.ready")
    failed = page.evaluate("[...document.fonts].filter(f => f.status === 'error').map(f => f.family)")
    if failed:
        raise RuntimeError(f"fonts failed to load in Chromium: {failed}")


# The measured space before the 版记, and the probe link replaced by the plain end the final
# HTML has (see print_html._record): run in Playwright's own world, as the page runs no script.
_PLACE_RECORD = """spacer => {
    document.querySelector('.record-spacer').style.height = spacer;
    const probe = document.querySelector('a.record-end');
    const end = document.createElement('div');
    end.className = 'record-end';
    probe.replaceWith(end);
}"""


def _print_document(page, document: OfficialDocument, fonts, fallbacks, position: RecordPosition, tmp: Path) -> bytes:
    _load(page, build_html(document, fonts, fallbacks, RecordPlacement(position=position, probe=True)), tmp)
    _, bottom_pt = probe_position(page.pdf(prefer_css_page_size=True, print_background=True))
    gap_mm = bottom_pt / L.PT_PER_MM - L.MARGIN_BOTTOM_MM
    page.evaluate(_PLACE_RECORD, f"{max(0.0, gap_mm - RECORD_SAFETY_MM):.3f}mm")
    return page.pdf(prefer_css_page_size=True, print_background=True, tagged=True, outline=True)


def write_pdfs(
    documents: list[tuple[OfficialDocument, Path]],
    fonts_dir: Path,
    browser_path: str = "/usr/bin/chromium",
    *,
    cache_dir: Path | None = None,
    record_position: RecordPosition = "end",
) -> None:
    """Write each ``(document, path)`` as a GB/T 9704 PDF (byte-reproducible), with one Chromium.

    ``record_position`` "end" puts the 版记 at the foot of the last page, after
    the attachments (GB/T 9704 §7.3.7/§7.4, as the 2024 Q1 circular does);
    "after_body" puts it at the foot of the last page of the body instead.
    """
    from playwright.sync_api import sync_playwright

    fonts = prepare_pdf_fonts(Path(fonts_dir), cache_dir)
    with tempfile.TemporaryDirectory(prefix="official-doc-") as tmp, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=browser_path, args=CHROMIUM_ARGS)
        try:
            # The page runs no script of its own and needs no network: turn both off
            # (Playwright's evaluate still works in its own isolated world).
            context = browser.new_context(java_script_enabled=False, offline=True)
            page = context.new_page()
            for document, path in documents:
                fallbacks = fallback_fonts_for(document, fonts, cache_dir)
                pdf = _print_document(page, document, fonts, fallbacks, record_position, Path(tmp))
                stamp = document.printed_on.strftime("%Y%m%d") + "000000"
                Path(path).write_bytes(normalise_pdf(pdf, stamp))
        finally:
            browser.close()
