"""Run the page notebooks with papermill: only those whose inputs changed, in parallel worker processes.

Each worker keeps one Jupyter kernel and gives every notebook a fresh IPython session in it, which
saves starting a kernel and importing pandas and matplotlib for every page. An executed notebook is
cached under the hash of its inputs (template, package, the data it reads).
"""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from hotline.data.quarter_id import quarters_dir
from hotline.data.registry import ALIASES_FILE, UNITS_FILE
from hotline.site import keys, parallel
from hotline.site.errors import BuildError

if TYPE_CHECKING:
    import nbformat

    from hotline.data.loading import Quarter

SPANNING_PAGES = (("home", "index"), ("comparison", "comparison"), ("methodology", "methodology"))
# Longest first (quarters are 1), so that no worker is left with a long notebook at the end.
RUN_ORDER = {"comparison": 0, "home": 2, "methodology": 3}


@dataclass(frozen=True, eq=False)
class Job:
    name: str  # what staff call it: a quarter id, or home / comparison / methodology
    template: Path
    page: str  # path of the executed notebook in the book, e.g. quarters/2024Q1.ipynb
    parameters: dict
    key: str
    title: str | None = None


def notebook_jobs(root: Path, data_dir: Path, quarters: list[Quarter]) -> list[Job]:
    from hotline.pages.circular import page_title

    code = keys.code_files(root)
    registry = [(name, data_dir / name) for name in (UNITS_FILE, ALIASES_FILE)]
    jobs = []
    for quarter in quarters:
        template = root / "notebooks" / "quarter.ipynb"
        inputs = code + registry + keys.tree(quarters_dir(data_dir) / str(quarter.id), "quarter") + [("t", template)]
        jobs.append(
            Job(
                str(quarter.id),
                template,
                f"quarters/{quarter.id}.ipynb",
                {"quarter": str(quarter.id), "data_dir": str(data_dir)},
                keys.digest(inputs, str(quarter.id)),
                page_title(quarter),
            )
        )
    everything = code + keys.tree(data_dir, "data")
    for template_name, page in SPANNING_PAGES:
        template = root / "notebooks" / f"{template_name}.ipynb"
        key = keys.digest([*everything, ("t", template)], template_name)
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


def run_in_worker(template: str, workdir: str, parameters: dict) -> dict | None:
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
            started[job] = (work, pool.submit(run_in_worker, str(job.template), str(work), job.parameters))
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
