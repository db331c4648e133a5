"""One build at a time per output folder: two builds writing the same caches and book at once
would corrupt both, so the second stops at once with a message naming the first."""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import os
from pathlib import Path

from hotline.site.errors import BuildError


@contextlib.contextmanager
def build_lock(folder: Path, name: str):
    """Hold ``folder/.<name>.lock`` for the duration of a build. The operating system releases it
    when the process ends, however it ends, so a killed build never leaves a stale lock."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f".{name}.lock"
    handle = open(path, "a+", encoding="utf-8")  # noqa: SIM115 - held open for the whole build
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "未知进程"
            raise BuildError(f"另一个构建正在进行（{holder}），输出到同一个文件夹 {folder}：请等它结束后再试") from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"进程 {os.getpid()}，开始于 {dt.datetime.now():%Y-%m-%d %H:%M:%S}")
        handle.flush()
        yield
    finally:
        handle.close()
