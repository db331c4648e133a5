"""Printable PDFs of the quarter pages, made by headless Chromium from the site's own HTML.

The print stylesheet (_static/hotline.css) lays the page out like the circular. Chromium stamps
the time and per-session node ids into the PDF; both are replaced so that the same site gives
the same bytes.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shutil
from pathlib import Path

from pypdf import PdfReader, PdfWriter
from pypdf.generic import DictionaryObject, NameObject

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-pdf-header-footer",
]


def chromium() -> str | None:
    return os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")


def _without_links(pdf: bytes) -> bytes:
    """Drop link annotations: printed from the staging folder, they point at file:// paths on the
    build machine, which mean nothing to a reader and differ between builds."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    for page in writer.pages:
        if "/Annots" in page:
            del page[NameObject("/Annots")]
    for obj in writer._objects:  # the structure tree still holds the annotations themselves
        if isinstance(obj, DictionaryObject) and obj.get("/Subtype") == "/Link":
            obj.pop(NameObject("/A"), None)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def normalise(pdf: bytes) -> bytes:
    """Fixed dates and node ids (same-length replacements, so the cross-reference offsets stay
    valid), then no link annotations if any are left."""
    pdf = re.sub(rb"D:\d{14}", b"D:20000101000000", pdf)
    ids: dict[bytes, int] = {}

    def renumber(match: re.Match) -> bytes:
        ids.setdefault(match.group(1), len(ids) + 1)
        return b"(node%08d)" % ids[match.group(1)]

    pdf = re.sub(rb"\(node(\d{8})\)", renumber, pdf)
    return _without_links(pdf) if b"/Annots" in pdf else pdf


# A4 like the circular itself; Chromium keeps a heading with what follows it (see hotline.css).
PAGE = {"format": "A4", "margin": {"top": "18mm", "bottom": "18mm", "left": "15mm", "right": "15mm"}}
UNLINK = "document.querySelectorAll('a[href]').forEach(a => a.removeAttribute('href'))"


def print_pages(pages: list[tuple[Path, Path]], browser: str) -> list[Path]:
    """Print each (html, pdf) pair with one Chromium, started once for all of them; if Chromium
    fails, it is started once more for the pages left before the failure is reported.

    Links are taken out before printing: printed from the staging folder they would point at
    file:// paths on the build machine, which mean nothing to a reader and differ between builds.
    The PDF is tagged and has an outline of the page's headings, for screen readers and navigation.
    """
    done: list[Path] = []
    try:
        _print_with_one_browser(pages, browser, done)
    except RuntimeError:
        _print_with_one_browser(pages[len(done) :], browser, done)
    return done


def _print_with_one_browser(pages: list[tuple[Path, Path]], browser: str, done: list[Path]) -> None:
    from playwright.sync_api import Error, sync_playwright

    with sync_playwright() as playwright:
        try:
            chromium = playwright.chromium.launch(executable_path=browser, args=CHROMIUM_FLAGS[1:-1])
        except Error as exc:
            raise RuntimeError(f"Chromium 未能启动：{exc.message.splitlines()[0]}") from None
        try:
            page = chromium.new_page()
            for html, target in pages:
                try:
                    page.goto(html.as_uri(), wait_until="load")
                    page.evaluate(UNLINK)
                    pdf = page.pdf(**PAGE, print_background=True, tagged=True, outline=True)
                except Error as exc:
                    raise RuntimeError(f"Chromium 未能打印 {html.name}：{exc.message.splitlines()[0]}") from None
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(normalise(pdf))
                done.append(target)
        finally:
            with contextlib.suppress(Error):  # a crashed browser is already gone
                chromium.close()
