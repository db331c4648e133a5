"""Build the public site: validate data/, run the notebooks with papermill, assemble with Jupyter Book.

Fast and safe for staff who rebuild every quarter and after every correction:

- Nothing changed (same data, notebooks, package and book files, by content hash): nothing runs.
- A notebook runs again only when its inputs changed (see :mod:`hotline.site.notebooks`).
- The Jupyter Book source folder persists between builds and only changed files are rewritten, so
  Sphinx re-reads only what changed (see :mod:`hotline.site.book`).
- Nothing is published unless every step succeeds: the new site is assembled beside the published
  one and swapped in at the end, so a failed build leaves the previous site byte for byte.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

# Only light modules here: `make site` with nothing changed should not wait for pandas, and the
# forkserver should start importing before this process does. The rest is imported where used.
from hotline.data.quarter_id import quarters_dir
from hotline.site import book as book_source
from hotline.site import keys, parallel
from hotline.site.errors import BuildError
from hotline.site.keys import BOOK_DIRS, BOOK_FILES, REPO
from hotline.site.notebooks import SPANNING_PAGES, notebook_jobs, run_notebooks
from hotline.site.publish import publish
from hotline.site.sphinx_run import run_jupyter_book

if TYPE_CHECKING:
    from hotline.data.loading import Quarter

PHASE_LABELS = {
    "validate": "校验数据",
    "notebooks": "运行笔记本",
    "unit_pages": "单位页面与图表（与笔记本同时进行，此处为多等的时间）",
    "sphinx": "Jupyter Book",
    "pdf": "打印版PDF",
    "publish": "发布",
}


@dataclass(frozen=True)
class BuildResult:
    output: Path
    log: Path | None
    quarters: list[str]
    seconds: float
    executed: list[str] = field(default_factory=list)  # notebooks that ran (the others came from the cache)
    up_to_date: bool = False
    phases: dict[str, float] = field(default_factory=dict)  # seconds per step, for staff and the benchmark


def validate(data_dir: Path) -> list[Quarter]:
    """Load every quarter and verify its checksums; the first problem stops the build."""
    from hotline.data import provenance
    from hotline.data.loading import load_all

    quarters = load_all(data_dir)
    for quarter in quarters:
        provenance.verify(quarters_dir(data_dir) / str(quarter.id))
    return quarters


def build(
    data_dir: Path = REPO / "data",
    output: Path = REPO / "_build" / "html",
    root: Path = REPO,
    *,
    rerun: Iterable[str] = (),
    workers: int | None = None,
) -> BuildResult:
    started = time.monotonic()
    phases: dict[str, float] = {}
    since = started

    def lap(name: str) -> None:
        nonlocal since
        now = time.monotonic()
        phases[name] = round(now - since, 2)
        since = now

    data_dir, output = Path(data_dir).resolve(), Path(output).resolve()
    rerun = list(rerun)
    work = output.parent / f".work-{output.name}"  # cache and book source, kept between builds
    key_file = work / "site.key"
    key = keys.site_key(root, data_dir)
    if not rerun and output.is_dir() and key_file.is_file() and key_file.read_text() == key:
        names = sorted(p.name for p in quarters_dir(data_dir).iterdir() if p.is_dir())
        return BuildResult(output, None, names, time.monotonic() - started, up_to_date=True)
    parallel.start_early()
    quarters = validate(data_dir)
    lap("validate")
    unknown = set(rerun) - {str(q.id) for q in quarters} - {name for name, _ in SPANNING_PAGES}
    if unknown:
        raise BuildError(f"没有这样的季度或页面：{'、'.join(sorted(unknown))}")
    workers = workers or os.cpu_count() or 1
    log_dir = output.parent / "logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    jobs = notebook_jobs(root, data_dir, quarters)
    book = work / "book"
    with tempfile.TemporaryDirectory(prefix=".next-", dir=output.parent) as scratch:
        source = Path(scratch) / "book"
        source.mkdir()
        for name in BOOK_FILES:
            shutil.copy2(root / name, source / name)
        for name in BOOK_DIRS:
            shutil.copytree(root / name, source / name)
        book_source.expand_quarter_navigation(source / "_toc.yml", quarters)
        # The unit pages, charts and open data need the data only, not the notebooks: they are
        # written (in a thread; the kernels are other processes) while the notebooks run.
        with ThreadPoolExecutor(max_workers=1) as side:
            from hotline.pages import units as site_pages
            from hotline.rules.history import History

            history = History.load(data_dir)
            pages = side.submit(site_pages.write_all, history, data_dir, source, work / "charts", workers)
            executed = run_notebooks(jobs, work / "notebooks", log_dir, workers, rerun)
            lap("notebooks")
            pages.result()
        for job in jobs:
            book_source.copy_executed(job, work / "notebooks", source)
        book_source.write_search_dictionary(quarters, source)
        book_source.sync_tree(source, book)
    lap("unit_pages")
    log = log_dir / f"jupyter-book-{output.name}.log"
    run_jupyter_book(book, log, workers, every_page=book_source.static_is_stale(book))
    lap("sphinx")
    staged = output.parent / f".publish-{output.name}"
    shutil.rmtree(staged, ignore_errors=True)
    try:
        shutil.copytree(book / "_build" / "html", staged)
        from hotline.site.printing import print_quarters

        print_quarters(staged, quarters, work / "pdf", workers)
        lap("pdf")
        publish(staged, output)
    finally:
        shutil.rmtree(staged, ignore_errors=True)
    key_file.write_text(key)
    lap("publish")
    return BuildResult(output, log, [str(q.id) for q in quarters], time.monotonic() - started, executed, phases=phases)
