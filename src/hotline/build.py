"""Build the public site: validate data/, run the notebooks with papermill, assemble with Jupyter Book.

Fast and safe for staff who rebuild every quarter and after every correction:

- Nothing changed (same data, notebooks, package and book files, by content hash): nothing runs.
- A notebook runs again only when its inputs changed: its template, the package, and the data it
  reads (a quarter's own folder and the unit registry; every quarter for the pages that span them).
  Executed notebooks are cached by that hash, and the ones that must run go in parallel.
- The Jupyter Book source folder persists between builds and only changed files are rewritten, so
  Sphinx re-reads only what changed.
- Nothing is published unless every step succeeds: the new site is assembled beside the published
  one and swapped in at the end, so a failed build leaves the previous site byte for byte.

Usage: ``python -m hotline.build [--data DIR] [--output DIR] [--rerun 2024Q1] [--demo]``.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

# Only light modules here: `make site` with nothing changed should not wait for pandas, and the
# forkserver should start importing before this process does. The rest is imported where used.
from . import parallel
from .errors import DataError
from .quarter import quarters_dir
from .registry import ALIASES_FILE, UNITS_FILE

if TYPE_CHECKING:
    import nbformat

    from .loading import Quarter

REPO = Path(__file__).resolve().parents[2]
PACKAGE = Path(__file__).resolve().parent
BOOK_FILES = ("_config.yml", "_toc.yml")
BOOK_DIRS = ("_static",)
SEARCH_DICT = Path("_search") / "units.dict.txt"  # relative to the book; named in _config.yml
GLYPH_WARNING = re.compile(r"Glyph \d+ .*missing from", re.IGNORECASE)
SPANNING_PAGES = (("home", "index"), ("comparison", "comparison"), ("methodology", "methodology"))
# Longest first (quarters are 1), so that no worker is left with a long notebook at the end.
RUN_ORDER = {"comparison": 0, "home": 2, "methodology": 3}


PHASE_LABELS = {
    "validate": "校验数据",
    "notebooks": "运行笔记本",
    "unit_pages": "单位页面与图表（与笔记本同时进行，此处为多等的时间）",
    "sphinx": "Jupyter Book",
    "pdf": "打印版PDF",
    "publish": "发布",
}


class BuildError(RuntimeError):
    """A build step failed; the message says which and where its log is."""


@dataclass(frozen=True)
class BuildResult:
    output: Path
    log: Path | None
    quarters: list[str]
    seconds: float
    executed: list[str] = field(default_factory=list)  # notebooks that ran (the others came from the cache)
    up_to_date: bool = False
    phases: dict[str, float] = field(default_factory=dict)  # seconds per step, for staff and the benchmark


# --- content hashes -----------------------------------------------------------------------------


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts)


def digest(named_files: Iterable[tuple[str, Path]], *extra: str) -> str:
    """sha256 over names and contents (never paths or times), so a key means the same everywhere."""
    hasher = hashlib.sha256()
    for name, path in named_files:
        hasher.update(name.encode() + b"\0" + path.read_bytes() + b"\0")
    for text in extra:
        hasher.update(text.encode() + b"\0")
    return hasher.hexdigest()


def _tree(folder: Path, prefix: str) -> list[tuple[str, Path]]:
    return [(f"{prefix}/{p.relative_to(folder).as_posix()}", p) for p in _files(folder)]


def code_files(root: Path) -> list[tuple[str, Path]]:
    """What every page depends on besides data: the package and the pinned environment."""
    return [*_tree(PACKAGE, "hotline"), ("requirements.txt", root / "requirements.txt")]


def site_key(root: Path, data_dir: Path) -> str:
    named = code_files(root) + _tree(data_dir, "data") + _tree(root / "notebooks", "notebooks")
    named += [(name, root / name) for name in BOOK_FILES]
    for folder in BOOK_DIRS:
        named += _tree(root / folder, folder)
    return digest(named)


# --- notebooks ----------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Job:
    name: str  # what staff call it: a quarter id, or home / comparison / methodology
    template: Path
    page: str  # path of the executed notebook in the book, e.g. quarters/2024Q1.ipynb
    parameters: dict
    key: str
    title: str | None = None


def notebook_jobs(root: Path, data_dir: Path, quarters: list[Quarter]) -> list[Job]:
    from .circular import page_title

    code = code_files(root)
    registry = [(name, data_dir / name) for name in (UNITS_FILE, ALIASES_FILE)]
    jobs = []
    for quarter in quarters:
        template = root / "notebooks" / "quarter.ipynb"
        inputs = code + registry + _tree(quarters_dir(data_dir) / str(quarter.id), "quarter") + [("t", template)]
        jobs.append(
            Job(
                str(quarter.id),
                template,
                f"quarters/{quarter.id}.ipynb",
                {"quarter": str(quarter.id), "data_dir": str(data_dir)},
                digest(inputs, str(quarter.id)),
                page_title(quarter),
            )
        )
    everything = code + _tree(data_dir, "data")
    for template_name, page in SPANNING_PAGES:
        template = root / "notebooks" / f"{template_name}.ipynb"
        key = digest([*everything, ("t", template)], template_name)
        jobs.append(Job(template_name, template, f"{page}.ipynb", {"data_dir": str(data_dir)}, key))
    return jobs


def hide_injected_parameters(notebook: nbformat.NotebookNode) -> None:
    """papermill tags the cell it adds but does not hide it; the public never sees parameters."""
    for cell in notebook.cells:
        tags = cell.metadata.setdefault("tags", [])
        if "injected-parameters" in tags:
            cell.id = "injected-parameters"  # papermill gives it a random id on every run
            if "remove-cell" not in tags:
                tags.append("remove-cell")


def strip_run_metadata(notebook: nbformat.NotebookNode) -> None:
    """Drop papermill's timestamps and durations so the same data gives the same bytes."""
    notebook.metadata.pop("papermill", None)
    for cell in notebook.cells:
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)


def retitle(notebook: nbformat.NotebookNode, title: str, path: Path) -> None:
    """Replace the template's placeholder heading with the page's real title."""
    first = notebook.cells[0]
    if first.cell_type != "markdown" or not first.source.startswith("# "):
        raise BuildError(f"{path}: 模板的第一个单元格应是一级标题")
    first.source = f"# {title}"


_kernel = None  # the kernel of this worker process, kept for the notebooks it runs next

# Before each notebook: a new IPython session (empty namespace, execution counts from 1) in the
# notebook's own folder. Only the imported modules stay, which is what saves the time.
FRESH_SESSION = """get_ipython().reset(new_session=True)
import os as _os
_os.chdir({workdir!r})
del _os
"""


def _worker_kernel():
    """Starting a kernel and importing pandas and matplotlib in it costs about a second per
    notebook; a worker starts one kernel and runs each of its notebooks in a fresh session of it."""
    from multiprocessing.util import Finalize

    from jupyter_client.manager import AsyncKernelManager
    from jupyter_core.utils import run_sync

    global _kernel
    if _kernel is None or not run_sync(_kernel.is_alive)():
        _kernel = AsyncKernelManager(kernel_name="python3")
        run_sync(_kernel.start_kernel)()
        Finalize(_kernel, run_sync(_kernel.shutdown_kernel), kwargs={"now": True}, exitpriority=10)
    return _kernel


def _fresh_session(kernel, workdir: str) -> None:
    from jupyter_core.utils import run_sync

    client = kernel.client()
    client.start_channels()
    try:
        run_sync(client.wait_for_ready)(timeout=60)
        reply = run_sync(client.execute_interactive)(FRESH_SESSION.format(workdir=workdir), timeout=60)
    finally:
        client.stop_channels()
    if reply["content"]["status"] != "ok":
        raise RuntimeError(f"内核未能开始新的会话：{reply['content'].get('evalue', '')}")


def _discard_kernel() -> None:
    global _kernel
    if _kernel is not None:
        from jupyter_core.utils import run_sync

        with contextlib.suppress(Exception):  # a dead kernel has nothing to shut down
            run_sync(_kernel.shutdown_kernel)(now=True)
    _kernel = None


def _run_in_worker(template: str, workdir: str, parameters: dict) -> dict | None:
    """Run one notebook (in a worker process); report an error as data rather than raising.

    An error in a cell is the notebook's and is reported at once. A kernel that died or did not
    start is replaced and the notebook run once more before that is reported."""
    import papermill

    for attempt in (1, 2):
        try:
            kernel = _worker_kernel()
            _fresh_session(kernel, workdir)
            papermill.execute_notebook(
                template,
                str(Path(workdir) / "page.ipynb"),
                parameters=parameters,
                kernel_name="python3",
                progress_bar=False,
                log_output=False,
                km=kernel,  # passed on to nbclient, which then leaves the kernel running
            )  # no cwd: the kernel already runs, and the fresh session moved it to workdir
            return None
        except papermill.PapermillExecutionError as exc:
            return {"cell": exc.exec_count, "error": f"{exc.ename}: {exc.evalue}"}
        except Exception as exc:  # the kernel died, or could not start
            _discard_kernel()
            if attempt == 2:
                return {"cell": None, "error": f"{type(exc).__name__}: {exc}"}
    return None  # not reached: the second attempt returns


def _failed_source(path: Path) -> str:
    """The first line of the cell that raised, so staff can find it in the template."""
    import nbformat

    notebook = nbformat.read(path, as_version=4)
    for cell in notebook.cells:
        if any(output.get("output_type") == "error" for output in cell.get("outputs", [])):
            return f"“{cell.source.strip().splitlines()[0][:80]}”"
    return ""


def run_notebooks(jobs: list[Job], cache: Path, log_dir: Path, workers: int, rerun: Iterable[str] = ()) -> list[str]:
    """Execute the notebooks whose inputs changed (and those named in ``rerun``), in parallel."""
    import nbformat

    rerun = set(rerun)
    pending = [job for job in jobs if job.name in rerun or not (cache / job.key).is_dir()]
    if not pending:
        return []
    pending.sort(key=lambda job: RUN_ORDER.get(job.name, 1))
    failures = []
    with parallel.process_pool(min(workers, len(pending))) as pool:
        started = {}
        for job in pending:
            work = cache / f"{job.key}.running"
            shutil.rmtree(work, ignore_errors=True)
            work.mkdir(parents=True)
            started[job] = (work, pool.submit(_run_in_worker, str(job.template), str(work), job.parameters))
        for job, (work, future) in started.items():
            error = future.result()
            if error:
                kept = log_dir / f"{job.name}.ipynb"
                cell = f"第{error['cell']}个代码单元格（含papermill注入的参数格）" if error["cell"] else "内核"
                if (work / "page.ipynb").exists():
                    shutil.copyfile(work / "page.ipynb", kept)
                    cell += _failed_source(kept)
                where = f"{job.name}（{job.template.name}），{cell}"
                failures.append(f"笔记本执行失败：{where}：{error['error']}\n已执行部分保存在 {kept}")
                shutil.rmtree(work, ignore_errors=True)
                continue
            notebook = nbformat.read(work / "page.ipynb", as_version=4)
            hide_injected_parameters(notebook)
            strip_run_metadata(notebook)
            if job.title:
                retitle(notebook, job.title, job.template)
            nbformat.write(notebook, work / "page.ipynb")
            shutil.rmtree(cache / job.key, ignore_errors=True)
            work.rename(cache / job.key)
    if failures:
        raise BuildError("\n".join(failures))
    return [job.name for job in pending]


# --- assembling the book ------------------------------------------------------------------------


def expand_quarter_navigation(toc: Path, quarters: list[Quarter]) -> None:
    """List the quarter pages newest first in place of the glob, so adding a quarter updates the
    navigation without anyone editing _toc.yml."""
    text = toc.read_text(encoding="utf-8")
    entries = "\n".join(f"      - file: quarters/{q.id}" for q in reversed(quarters))
    if "      - glob: quarters/*" not in text:
        raise BuildError(f"{toc.name} 中应有一行“      - glob: quarters/*”，用来放季度通报页面")
    toc.write_text(text.replace("      - glob: quarters/*", entries), encoding="utf-8")


def write_search_dictionary(quarters: list[Quarter], book: Path) -> Path:
    """A jieba user dictionary of every unit name, so search indexes 劳动监察大队 as one word."""
    names = sorted({name for q in quarters for name in q.units["unit"]})
    path = book / SEARCH_DICT
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(f"{name} 100000 nt\n" for name in names), encoding="utf-8")
    return path


def _copy_executed(job: Job, cache: Path, book: Path) -> None:
    """The executed notebook and the files it wrote (charts, downloads), beside each other."""
    source = cache / job.key
    target = book / job.page
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source / "page.ipynb", target)
    for path in _files(source):
        if path.name != "page.ipynb":
            destination = target.parent / path.relative_to(source)
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, destination)


def sync_tree(source: Path, target: Path, keep: Iterable[str] = ("_build",)) -> int:
    """Make ``target`` hold exactly the files of ``source``, rewriting only files whose bytes
    differ, so Sphinx's incremental build sees unchanged pages as unchanged. Returns files written."""
    keep = set(keep)
    wanted = {p.relative_to(source) for p in _files(source)}
    written = 0
    for path in _files(target):
        relative = path.relative_to(target)
        if relative.parts[0] not in keep and relative not in wanted:
            path.unlink()
    for relative in sorted(wanted):
        new, old = source / relative, target / relative
        data = new.read_bytes()
        if old.is_file() and old.read_bytes() == data:
            continue
        old.parent.mkdir(parents=True, exist_ok=True)
        old.write_bytes(data)
        written += 1
    return written


def static_is_stale(book: Path) -> bool:
    """Whether a file of _static/ differs from the copy in Sphinx's last output. Sphinx does not
    notice a changed stylesheet or script by itself (and every page names the stylesheet's
    checksum), so then every page is written again."""
    html = book / "_build" / "html"
    for folder in BOOK_DIRS:
        for path in _files(book / folder):
            copy = html / path.relative_to(book)
            if not copy.is_file() or copy.read_bytes() != path.read_bytes():
                return True
    return False


def _jupyter_book(book: Path, log: Path, workers: int, every_page: bool = False) -> None:
    command = [sys.executable, "-m", "hotline.jupyterbook", ".", str(workers), *(["--all"] if every_page else [])]
    env = os.environ | {"PYTHONHASHSEED": "0", "SOURCE_DATE_EPOCH": "1704067200", "MPLBACKEND": "Agg"}
    result = subprocess.run(command, cwd=book, env=env, capture_output=True, text=True)
    log.write_text(result.stdout + result.stderr, encoding="utf-8")
    if result.returncode != 0:
        tail = "\n".join((result.stdout + result.stderr).strip().splitlines()[-15:])
        raise BuildError(f"Jupyter Book 构建失败，完整日志见 {log}：\n{tail}")
    glyphs = [line for line in log.read_text(encoding="utf-8").splitlines() if GLYPH_WARNING.search(line)]
    if glyphs:
        raise BuildError(f"图表中有字体缺字（会显示为方框），见 {log}：\n" + "\n".join(glyphs[:5]))


def _article_key(html: Path) -> str:
    """What a printed page shows: its article, the stylesheet and the images it draws."""
    text = html.read_text(encoding="utf-8")
    article = re.search(r"<article.*?</article>", text, re.S)
    images = re.findall(r'<img[^>]+src="([^"]+)"', article.group(0) if article else "")
    named = [(src, (html.parent / src).resolve()) for src in images]
    named.append(("css", html.parents[1] / "_static" / "hotline.css"))
    return digest(named, article.group(0) if article else text)


def print_quarters(html: Path, quarters: list[Quarter], cache: Path, workers: int) -> None:
    """A PDF of every quarter page at pdf/<quarter>.pdf, printed again only when the page changed."""
    from . import pdf

    browser = pdf.chromium()
    if browser is None:
        raise BuildError(
            "找不到 Chromium，无法生成打印版 PDF：请用 make site 构建（会自动安装），或安装 chromium 与 fonts-noto-cjk"
        )
    cache.mkdir(parents=True, exist_ok=True)
    ids = [str(q.id) for q in quarters]
    pages = {q: html / "quarters" / f"{q}.html" for q in ids}
    keys = {q: cache / f"{_article_key(page)}.pdf" for q, page in pages.items()}
    missing = [(pages[q], keys[q]) for q in ids if not keys[q].exists()]
    if missing:
        shares = [missing[i::workers] for i in range(min(workers, len(missing)))]  # one Chromium each
        with parallel.process_pool(len(shares)) as pool:
            for future in [pool.submit(pdf.print_pages, share, browser) for share in shares]:
                try:
                    future.result()
                except RuntimeError as exc:
                    raise BuildError(f"打印版 PDF 生成失败：{exc}") from None
    for quarter in ids:
        target = html / "pdf" / f"{quarter}.pdf"
        target.parent.mkdir(exist_ok=True)
        shutil.copyfile(keys[quarter], target)


def _publish(built: Path, output: Path) -> None:
    """Swap the new site in; the old one is removed only after the new one is in place."""
    previous = output.with_name(output.name + ".previous")
    if previous.exists():
        shutil.rmtree(previous)
    if output.exists():
        output.rename(previous)
    built.rename(output)
    if previous.exists():
        shutil.rmtree(previous)


def validate(data_dir: Path) -> list[Quarter]:
    """Load every quarter and verify its checksums; the first problem stops the build."""
    from . import provenance
    from .loading import load_all

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
    key = site_key(root, data_dir)
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
        expand_quarter_navigation(source / "_toc.yml", quarters)
        # The unit pages, charts and open data need the data only, not the notebooks: they are
        # written (in a thread; the kernels are other processes) while the notebooks run.
        with ThreadPoolExecutor(max_workers=1) as side:
            from . import site_pages
            from .history import History

            history = History.load(data_dir)
            pages = side.submit(site_pages.write_all, history, data_dir, source, work / "charts", workers)
            executed = run_notebooks(jobs, work / "notebooks", log_dir, workers, rerun)
            lap("notebooks")
            pages.result()
        for job in jobs:
            _copy_executed(job, work / "notebooks", source)
        write_search_dictionary(quarters, source)
        sync_tree(source, book)
    lap("unit_pages")
    log = log_dir / f"jupyter-book-{output.name}.log"
    _jupyter_book(book, log, workers, every_page=static_is_stale(book))
    lap("sphinx")
    staged = output.parent / f".publish-{output.name}"
    shutil.rmtree(staged, ignore_errors=True)
    try:
        shutil.copytree(book / "_build" / "html", staged)
        print_quarters(staged, quarters, work / "pdf", workers)
        lap("pdf")
        _publish(staged, output)
    finally:
        shutil.rmtree(staged, ignore_errors=True)
    key_file.write_text(key)
    lap("publish")
    return BuildResult(output, log, [str(q.id) for q in quarters], time.monotonic() - started, executed, phases=phases)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="校验 data/ 并构建网站到 _build/html")
    parser.add_argument("--data", type=Path, default=REPO / "data", help="数据文件夹（默认 data/）")
    parser.add_argument("--output", type=Path, help="网站输出文件夹（默认 _build/html；--demo 时为 _build/demo/html）")
    parser.add_argument(
        "--rerun", action="append", default=[], help="无论有无改动都重新运行这个季度（如 2024Q1）的笔记本"
    )
    parser.add_argument(
        "--demo", action="store_true", help="在真实数据之外加上3个程序生成的示例季度（标注“示例数据”），只用于演示"
    )
    args = parser.parse_args(argv)
    try:
        data_dir = args.data
        if args.demo:
            from . import examples

            data_dir = REPO / "_build" / "demo" / "data"
            made = examples.generate(args.data, data_dir)
            print(f"示例季度已生成到 {data_dir}：{'、'.join(map(str, made))}（不写入 data/）")
        default = REPO / "_build" / ("demo/html" if args.demo else "html")
        result = build(data_dir, args.output or default, rerun=args.rerun)
    except (DataError, BuildError) as exc:
        print(f"构建失败，网站未更新。\n{exc}", file=sys.stderr)
        return 1
    if result.up_to_date:
        print(f"数据和代码都没有改动，网站已是最新：{result.output}（用时 {result.seconds:.1f} 秒）")
        return 0
    ran = "、".join(result.executed) or "无（全部取自缓存）"
    quarters = "、".join(result.quarters)
    print(f"网站已构建：{result.output}（季度：{quarters}；重新运行的笔记本：{ran}；用时 {result.seconds:.0f} 秒）")
    print("各步用时（秒）：" + "，".join(f"{PHASE_LABELS[name]} {sec:.1f}" for name, sec in result.phases.items()))
    print("本地预览：make serve，然后打开 http://127.0.0.1:8000/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
