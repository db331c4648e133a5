"""Where Debian's Chromium is (the Makefile installs it; nothing is downloaded), and the flags it
runs with here: headless, no sandbox (the build may run as root), and none of the background
connections a closed network would refuse."""

from __future__ import annotations

import os
import shutil

from hotline.document.pdf_writer import CHROMIUM_ARGS as ARGS  # the documents' printer's flags, for every launch

__all__ = ["ARGS", "executable"]


def executable() -> str | None:
    return os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
