"""Run the Jupyter Book (Sphinx) build of the assembled book in a subprocess, and check its log.

The subprocess is started early (:func:`start`, while the notebooks run): it imports Sphinx,
MyST-NB and the book's extensions (about a second) and then waits for the book to be ready, so
that the Sphinx step itself begins with the build (:func:`run_jupyter_book`). A build that fails
before that step closes the waiting process's input, and it ends (:func:`stop`).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from hotline.site import jupyterbook
from hotline.site.errors import BuildError

GLYPH_WARNING = re.compile(r"Glyph \d+ .*missing from", re.IGNORECASE)
TIMEOUT = 1800  # seconds; 40 quarters × 300 units take about 40


def start(cwd: Path) -> subprocess.Popen:
    """A Jupyter Book process that imports what it needs, then waits for :func:`run_jupyter_book`.

    Started from the build's main thread: it dies with the thread that started it (see
    :mod:`hotline.site.lifetime`)."""
    command = [sys.executable, "-m", "hotline.site.jupyterbook", jupyterbook.WAIT]
    env = os.environ | {"PYTHONHASHSEED": "0", "SOURCE_DATE_EPOCH": "1704067200", "MPLBACKEND": "Agg"}
    env[jupyterbook.PARENT] = str(os.getpid())  # the run ties itself to this process (see there)
    return subprocess.Popen(
        command,
        cwd=cwd,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def stop(process: subprocess.Popen) -> None:
    """End a process from :func:`start` that was not given a book (or has finished with it)."""
    if process.poll() is None:
        try:
            process.communicate("", timeout=10)  # no book: it ends at once
        except (subprocess.TimeoutExpired, OSError, ValueError):
            process.kill()
            process.wait()


def run_jupyter_book(
    book: Path, log: Path, workers: int, every_page: bool = False, started: subprocess.Popen | None = None
) -> None:
    """Build ``book`` with ``workers`` processes, in the process from :func:`start` if given."""
    timeout = TIMEOUT
    process = started or start(book)
    request = json.dumps({"book": str(book.resolve()), "jobs": workers, "every_page": every_page})
    try:
        stdout, stderr = process.communicate(request + "\n", timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        stdout, stderr = process.communicate()
        log.write_text((stdout or "") + (stderr or ""), encoding="utf-8")
        raise BuildError(f"Jupyter Book 运行超过 {timeout} 秒仍未结束，已停止；已有的日志见 {log}") from None
    log.write_text(stdout + stderr, encoding="utf-8")
    if process.returncode != 0:
        tail = "\n".join((stdout + stderr).strip().splitlines()[-15:])
        raise BuildError(f"Jupyter Book 构建失败，完整日志见 {log}：\n{tail}")
    glyphs = [line for line in log.read_text(encoding="utf-8").splitlines() if GLYPH_WARNING.search(line)]
    if glyphs:
        raise BuildError(f"图表中有字体缺字（会显示为方框），见 {log}：\n" + "\n".join(glyphs[:5]))
