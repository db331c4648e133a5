"""Printable PDFs of the quarter pages, made by headless Chromium from the site's own HTML.

The print stylesheet (_static/hotline.css) lays the page out like the circular. Chromium stamps
the time and per-session node ids into the PDF; both are replaced so that the same site gives
the same bytes.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import tempfile
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
    valid), then no link annotations."""
    pdf = re.sub(rb"D:\d{14}", b"D:20000101000000", pdf)
    ids: dict[bytes, int] = {}

    def renumber(match: re.Match) -> bytes:
        ids.setdefault(match.group(1), len(ids) + 1)
        return b"(node%08d)" % ids[match.group(1)]

    return _without_links(re.sub(rb"\(node(\d{8})\)", renumber, pdf))


def print_page(html: Path, target: Path, browser: str) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as profile:
        command = [browser, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", f"--print-to-pdf={target}", html.as_uri()]
        result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    if result.returncode != 0 or not target.is_file():
        raise RuntimeError(f"Chromium 未能生成 {target.name}：{result.stderr.strip()[-500:]}")
    target.write_bytes(normalise(target.read_bytes()))
    return target
