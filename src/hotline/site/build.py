"""Build the public site: validate data/, compute the results once, run the notebooks with
papermill, assemble with Jupyter Book, print, and publish exactly this build's output.

Fast and safe for staff who rebuild every quarter and after every correction:

- Nothing changed (same data, notebooks, package and book files, by content hash) and the
  published site still matches its manifest: nothing runs.
- The data are read and validated once; every quarter's results (scores, ranks, checks) and the
  history are computed once and saved for the notebooks, which never read the data files.
- A notebook runs again only when its inputs changed (see :mod:`hotline.site.notebooks`).
- The Jupyter Book source folder persists between builds and only changed files are rewritten, so
  Sphinx re-reads only what changed (see :mod:`hotline.site.book`).
- Nothing is published unless every step succeeds, and what is published is exactly this build's
  site (see :mod:`hotline.site.publish`); a failed build leaves the previous site byte for byte.
- One build at a time per output folder (:mod:`hotline.site.lock`).
"""

from __future__ import annotations

import contextlib
import json
import os
import pickle
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
from hotline.data.files import DataFolder
from hotline.data.quarter_id import quarters_dir
from hotline.data.status import draft_quarters
from hotline.site import book as book_source
from hotline.site import keys, parallel, publish, sphinx_run
from hotline.site.config import SiteConfig
from hotline.site.errors import BuildError
from hotline.site.keys import BOOK_DIRS, BOOK_FILES, REPO, Inputs
from hotline.site.lock import build_lock
from hotline.site.notebooks import SPANNING_PAGES, Job, run_notebooks, warm_up

if TYPE_CHECKING:
    from hotline.rules.history import History

# Sphinx's parallel mode starts worker processes and hands each a copy of its environment (a few
# seconds for a site of hundreds of pages); for a rebuild of a few pages one process is faster.
SERIAL_SPHINX_PAGES = 40

PHASE_LABELS = {
    "validate": "校验数据与计算",
    "notebooks": "运行笔记本",
    "unit_pages": "单位页面与图表（与笔记本同时进行，此处为多等的时间）",
    "sphinx": "Jupyter Book",
    "pdf": "公文（PDF、Word）与下载数据（与 Jupyter Book 同时进行，此处为多等的时间）",
    "publish": "检查与发布",
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


def notebook_jobs(root: Path, inputs: Inputs, history: History, results: Path) -> list[Job]:
    """A job per quarter page and per page over every quarter; each reads the results saved in
    ``results`` (named by the key of what they were computed from)."""
    from hotline.circular.wording import page_title

    results.mkdir(parents=True, exist_ok=True)
    data_dir = str(inputs.data.root)
    jobs = []
    for result in history.results:
        quarter = str(result.id)
        key = inputs.quarter_key(quarter)
        saved = results / f"{quarter}-{key[:16]}.pickle"
        if not saved.is_file():
            keys.write_whole(saved, pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))
        parameters = {"quarter": quarter, "data_dir": data_dir, "saved": str(saved)}
        template = root / "notebooks" / "quarter.ipynb"
        jobs.append(Job(quarter, template, f"quarters/{quarter}.ipynb", parameters, key, page_title(result)))
    saved = results / f"history-{inputs.data_key()[:16]}.pickle"
    if not saved.is_file():
        keys.write_whole(saved, pickle.dumps(history, protocol=pickle.HIGHEST_PROTOCOL))
    for template_name, page in SPANNING_PAGES:
        template = root / "notebooks" / f"{template_name}.ipynb"
        parameters = {"data_dir": data_dir, "saved": str(saved)}
        jobs.append(Job(template_name, template, f"{page}.ipynb", parameters, inputs.spanning_key(template_name)))
    return jobs


def _write_pages(*args) -> None:
    """:func:`hotline.site.generated.write_pages`, imported in the thread that runs it (pandas and
    the page modules take a second to import, and the notebooks need not wait for that)."""
    from hotline.site import generated

    generated.write_pages(*args)


def _kept_charts(folder: Path, code_key: str) -> tuple[str, str]:
    """Where the notebooks keep the charts they draw (see :func:`hotline.pages.charts.keep_drawn_in`):
    a folder per version of the code; those of other versions are of no more use and are removed."""
    kept = folder / code_key[:16]
    if folder.is_dir():
        for other in folder.iterdir():
            if other != kept:
                shutil.rmtree(other, ignore_errors=True)
    return str(kept), code_key


def _static_key(inputs: Inputs) -> str:
    """What fills Sphinx's _static folder: the book's _static files and the pinned packages."""
    return keys.digest([named for named in inputs.book if named[0].startswith("_static/")] + inputs.code[-1:])


def _current(output: Path, state: Path, key: str) -> bool:
    if not (output.is_dir() and state.is_file()):
        return False
    try:
        recorded = json.loads(state.read_text(encoding="utf-8"))
    except ValueError:
        return False
    return recorded.get("key") == key and publish.matches_manifest(output, recorded.get("manifest", ""))


def build(
    data_dir: Path = REPO / "data",
    output: Path = REPO / "_build" / "html",
    root: Path = REPO,
    *,
    rerun: Iterable[str] = (),
    workers: int | None = None,
    preview: bool = False,
) -> BuildResult:
    """Build the public site of the issued quarters, or with ``preview`` the staff's preview, which
    shows the drafts too (marked 草稿 on every page and document, never in search, feed or sitemap)."""
    data_dir, output = Path(data_dir).resolve(), Path(output).resolve()
    publish.check_output(output, data_dir, Path(root).resolve())
    try:
        with build_lock(output.parent, output.name):
            publish.recover(output)
            for leftover in output.parent.glob(f".next-{output.name}-*"):  # of a build killed outright
                shutil.rmtree(leftover, ignore_errors=True)
            return _build(data_dir, output, root, list(rerun), workers, preview)
    except OSError as exc:
        raise publish.os_error("构建", exc) from None


def _build(
    data_dir: Path, output: Path, root: Path, rerun: list[str], workers: int | None, preview: bool
) -> BuildResult:
    started = time.monotonic()
    phases: dict[str, float] = {}
    since = started

    def lap(name: str) -> None:
        nonlocal since
        now = time.monotonic()
        phases[name] = round(now - since, 2)
        since = now

    work = output.parent / f".work-{output.name}"  # caches and the book source, kept between builds
    state = work / "site.json"
    folder = DataFolder(data_dir)
    inputs = Inputs(root, folder, leave_out=() if preview else map(str, draft_quarters(folder)))
    key = keys.digest([], inputs.site_key(), f"preview={preview}")
    if not rerun and _current(output, state, key):
        names = sorted(p.name for p in quarters_dir(data_dir).iterdir() if p.is_dir())
        return BuildResult(output, None, names, time.monotonic() - started, up_to_date=True)
    state.unlink(missing_ok=True)  # from here on, the published site is not known to be current
    config = SiteConfig.load(root)
    workers = workers or os.cpu_count() or 1
    parallel.start_early()
    warm_up(workers)
    from hotline.site import validated  # pandas: not needed when nothing changed

    history = validated.history(folder, inputs, work / "validated", drafts=preview)
    lap("validate")
    known = set(history.quarter_ids) | {name for name, _ in SPANNING_PAGES}
    unknown = set(rerun) - known
    if unknown:
        raise BuildError(f"没有这样的季度或页面：{'、'.join(sorted(unknown))}")
    log_dir = output.parent / "logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    jobs = notebook_jobs(root, inputs, history, work / "results")
    book = work / "book"
    # Sphinx imports its extensions while the notebooks run, then waits for the book.
    sphinx = sphinx_run.start(output.parent)
    with contextlib.ExitStack() as ending:
        ending.callback(sphinx_run.stop, sphinx)
        scratch = ending.enter_context(tempfile.TemporaryDirectory(prefix=f".next-{output.name}-", dir=output.parent))
        source, assets = Path(scratch) / "book", Path(scratch) / "assets"
        source.mkdir()
        for name in BOOK_FILES:
            shutil.copy2(root / name, source / name)
        if preview:
            book_source.mark_preview(source / "_config.yml")
        for name in BOOK_DIRS:
            shutil.copytree(root / name, source / name)
        book_source.expand_quarter_navigation(source / "_toc.yml", history.quarter_ids)
        # The unit pages and their charts need the results only, not the notebooks: they are
        # written (in a thread; the kernels are other processes) while the notebooks run.
        with ThreadPoolExecutor(max_workers=1) as side:
            pages = side.submit(_write_pages, history, source, assets, work / "charts", workers)
            kept_charts = _kept_charts(work / "page-charts", keys.digest(inputs.code))
            executed = run_notebooks(jobs, work / "notebooks", log_dir, workers, rerun, kept_charts)
            lap("notebooks")
            pages.result()
        for job in jobs:
            book_source.copy_executed(job, work / "notebooks", source)
        changed_files = book_source.sync_tree(source, book)
        lap("unit_pages")
        # The official documents and the downloads need the results only: they are made (in
        # threads; Chromium and the workers are other processes) while Sphinx builds the book.
        from hotline.site import documents, generated, indexes

        with ThreadPoolExecutor(max_workers=3) as printer:
            made = printer.submit(documents.make_documents, history, inputs.quarter_key, work / "documents", workers)
            downloads = printer.submit(
                generated.write_downloads, history, assets, base_url=config.base_url, site_name=config.site_name
            )
            printer.submit(indexes.prepare, history)  # the search data's word splitter, taken below
            static_key = _static_key(inputs)
            static_state = work / "static.key"
            restyled = not static_state.is_file() or static_state.read_text() != static_key
            if restyled:  # _static is refilled from scratch, so it holds no file of an older theme
                shutil.rmtree(book / "_build" / "html" / "_static", ignore_errors=True)
                static_state.unlink(missing_ok=True)
            # Every page shows the site's navigation: when pages come or go, every page is written again,
            # or an unchanged page would keep a link to a removed quarter.
            navigation = book_source.navigation_key(book)
            navigation_state = work / "navigation.key"
            renavigated = not navigation_state.is_file() or navigation_state.read_text() != navigation
            navigation_state.unlink(missing_ok=True)
            log = log_dir / f"jupyter-book-{output.name}.log"
            every_page = restyled or renavigated or book_source.static_is_stale(book)
            many = every_page or changed_files > SERIAL_SPHINX_PAGES or not book_source.has_sphinx_state(book)
            sphinx_run.run_jupyter_book(book, log, workers if many else 1, every_page=every_page, started=sphinx)
            static_state.write_text(static_key)
            navigation_state.write_text(navigation)
            lap("sphinx")
            staged = output.parent / f".publish-{output.name}"
            try:
                downloads.result()
                publish.stage(book / "_build" / "html", assets, staged)
                indexes.write_search_data(staged, history, work / "search", config.county)
                indexes.write_sitemap(staged, config.base_url, indexes.draft_ids(history))
                documents.copy_documents(made.result(), staged)
                from hotline.pages import info  # each download's format, pages and size, now the files exist

                info.fill_file_facts(staged)
                lap("pdf")
                kind = publish.PREVIEW if preview else publish.DEMO if history.has_examples else publish.PUBLIC
                manifest = publish.write_manifest(staged, kind)
                publish.check_links(staged, work / "links.json")
                publish.publish(staged, output)
            finally:
                shutil.rmtree(staged, ignore_errors=True)
    state.write_text(json.dumps({"key": key, "manifest": manifest}), encoding="utf-8")
    lap("publish")
    return BuildResult(output, log, history.quarter_ids, time.monotonic() - started, executed, phases=phases)
