"""Worker processes for the build's independent tasks (notebooks, unit charts, PDFs).

The build runs some of these at the same time from two threads, and forking a process while
another thread holds a lock can hang the child; so workers start from a clean forkserver process
instead of copying the builder. The forkserver imports the heavy libraries once, so each worker
starts with them loaded.
"""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import forkserver

PRELOAD = [
    "hotline.site.forkserver_init",
    "papermill",
    "hotline.pages.charts",
    "hotline.document.pdf_writer",
    "playwright.sync_api",
]


def _context():
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)
    return context


def start_early() -> None:
    """Start the forkserver now: it imports its libraries (about a second) while the builder
    validates the data, instead of when the first notebook is due."""
    _context()
    forkserver.ensure_running()


def process_pool(workers: int) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(max_workers=max(1, workers), mp_context=_context())
