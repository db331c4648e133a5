"""Run the Jupyter Book (Sphinx) build of the assembled book in a subprocess, and check its log."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from hotline.site import jupyterbook
from hotline.site.errors import BuildError

GLYPH_WARNING = re.compile(r"Glyph \d+ .*missing from", re.IGNORECASE)
TIMEOUT = 1800  # seconds; 40 quarters × 300 units take about 40


def run_jupyter_book(book: Path, log: Path, workers: int, every_page: bool = False) -> None:
    timeout = TIMEOUT
    command = [sys.executable, "-m", "hotline.site.jupyterbook", ".", str(workers), *(["--all"] if every_page else [])]
    env = os.environ | {"PYTHONHASHSEED": "0", "SOURCE_DATE_EPOCH": "1704067200", "MPLBACKEND": "Agg"}
    env[jupyterbook.PARENT] = str(os.getpid())  # the run ties itself to this process (see there)
    try:
        result = subprocess.run(command, cwd=book, env=env, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        output = (exc.stdout or b"").decode() if isinstance(exc.stdout, bytes) else (exc.stdout or "")
        log.write_text(output, encoding="utf-8")
        raise BuildError(f"Jupyter Book 运行超过 {timeout} 秒仍未结束，已停止；已有的日志见 {log}") from None
    log.write_text(result.stdout + result.stderr, encoding="utf-8")
    if result.returncode != 0:
        tail = "\n".join((result.stdout + result.stderr).strip().splitlines()[-15:])
        raise BuildError(f"Jupyter Book 构建失败，完整日志见 {log}：\n{tail}")
    glyphs = [line for line in log.read_text(encoding="utf-8").splitlines() if GLYPH_WARNING.search(line)]
    if glyphs:
        raise BuildError(f"图表中有字体缺字（会显示为方框），见 {log}：\n" + "\n".join(glyphs[:5]))
