"""Where Debian's Chromium is (the Makefile installs it; nothing is downloaded), and the flags it
runs with here: headless, no sandbox (the build may run as root), and none of the background
connections a closed network would refuse. The site's browser tests and the page-weight benchmark
use it; the official documents are printed by LibreOffice (see hotline.document.pdf_writer)."""

from __future__ import annotations

import os
import shutil

ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def executable() -> str | None:
    return os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
