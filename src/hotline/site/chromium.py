"""Where Debian's Chromium is (the Makefile installs it; nothing is downloaded), and the flags it
runs with here: headless, no sandbox (the build may run as root), and none of the background
connections a closed network would refuse."""

from __future__ import annotations

import os
import shutil

from hotline.document.pdf_writer import CHROMIUM_ARGS

FLAGS = ["--headless", *CHROMIUM_ARGS]  # the official documents' printer runs with the same ones


def executable() -> str | None:
    return os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
