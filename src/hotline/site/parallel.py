"""Worker processes for the build's independent tasks (notebooks, unit charts, PDFs).

The build runs some of these at the same time from two threads, and forking a process while
another thread holds a lock can hang the child; so workers start from a clean forkserver process
instead of copying the builder. The forkserver imports the heavy libraries once, so each worker
starts with them loaded.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import signal
import threading
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing import forkserver

PRELOAD = [
    "hotline.site.forkserver_init",
    "papermill",
    "hotline.pages.charts",
    "hotline.document.pdf_writer",
]


def _context():
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)
    return context


def start_early() -> None:
    """Start the forkserver now: it imports its libraries (about a second) while the builder
    validates the data, instead of when the first notebook is due.

    It starts with Ctrl-C ignored (a handler set to "ignore" is inherited): the forkserver only
    protects itself from SIGINT once its imports are done, and a Ctrl-C in the terminal during
    them printed a traceback under the build's one line. Its workers inherit that too; the build
    stops them itself (see hotline.site.lifetime)."""
    _context()
    if threading.current_thread() is not threading.main_thread():
        forkserver.ensure_running()
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        forkserver.ensure_running()
    finally:
        signal.signal(signal.SIGINT, previous)


def process_pool(workers: int) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(max_workers=max(1, workers), mp_context=_context())


_warm: dict[str, ProcessPoolExecutor] = {}
_warm_lock = threading.Lock()


@contextlib.contextmanager
def warm_pool(purpose: str, workers: int) -> Iterator[ProcessPoolExecutor]:
    """A pool that outlives one build in the same process, so that its workers keep what they
    started warm (the notebook workers keep their kernels): the test suite and ``make demo`` build
    several times in one process. A pool that broke or was interrupted is shut down and replaced
    next time; the rest end with the process, their workers with the forkserver."""
    with _warm_lock:  # the build asks from two threads (see hotline.site.notebooks.warm_up)
        pool = _warm.get(purpose)
        if pool is None:
            pool = _warm[purpose] = process_pool(workers)
    try:
        yield pool
    except BaseException as exc:
        if isinstance(exc, BrokenProcessPool) or not isinstance(exc, Exception):  # a dead worker, a signal
            _warm.pop(purpose, None)
            pool.shutdown(wait=False, cancel_futures=True)
        raise


def close_warm_pools(wait: bool = True) -> None:
    """Shut the warm pools down, before the command that owns the build stops what is left of its
    processes (otherwise the pools' own shutdown at exit finds its helpers gone, and says so)."""
    while _warm:
        _, pool = _warm.popitem()
        pool.shutdown(wait=wait, cancel_futures=True)
