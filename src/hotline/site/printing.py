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

from hotline.site import keys, parallel
from hotline.site.errors import BuildError

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


def _article_key(html: Path) -> str:
    """What a printed page shows: its article, the stylesheet and the images it draws."""
    text = html.read_text(encoding="utf-8")
    article = re.search(r"<article.*?</article>", text, re.S)
    images = re.findall(r'<img[^>]+src="([^"]+)"', article.group(0) if article else "")
    named = [(src, (html.parent / src).resolve()) for src in images]
    named.append(("css", html.parents[1] / "_static" / "hotline.css"))
    return keys.file_digest(named, article.group(0) if article else text)


def print_quarters(html: Path, quarters: list[str], cache: Path, workers: int) -> None:
    """A PDF of every quarter page at pdf/<quarter>.pdf, printed again only when the page changed."""

    browser = chromium()
    if browser is None:
        raise BuildError(
            "找不到 Chromium，无法生成打印版 PDF：请用 make site 构建（会自动安装），或安装 chromium 与 fonts-noto-cjk"
        )
    cache.mkdir(parents=True, exist_ok=True)
    ids = list(quarters)
    pages = {q: html / "quarters" / f"{q}.html" for q in ids}
    keys = {q: cache / f"{_article_key(page)}.pdf" for q, page in pages.items()}
    missing = [(pages[q], keys[q]) for q in ids if not keys[q].exists()]
    if missing:
        shares = [missing[i::workers] for i in range(min(workers, len(missing)))]  # one Chromium each
        with parallel.process_pool(len(shares)) as pool:
            for future in [pool.submit(print_pages, share, browser) for share in shares]:
                try:
                    future.result()
                except RuntimeError as exc:
                    raise BuildError(f"打印版 PDF 生成失败：{exc}") from None
    for quarter in ids:
        target = html / "pdf" / f"{quarter}.pdf"
        target.parent.mkdir(exist_ok=True)
        shutil.copyfile(keys[quarter], target)
