"""Run the page notebooks with papermill: only those whose inputs changed, in parallel workers.

Each worker keeps one Jupyter kernel and gives every notebook a fresh IPython session in it, which
saves starting a kernel and importing pandas and matplotlib for every page; its first kernel is a
fork of the worker, which has them imported already (:class:`ForkedKernel`). An executed notebook is
cached under the hash of its inputs (template, package, the data it reads). The notebooks read the
results the build computed once (a saved file), never the data files.

After a run the worker prepares the notebook for the book: papermill's parameters cell is hidden,
timestamps are dropped, the page gets its title, and each chart's alt text and caption (which the
chart put in its output's metadata) become the figure's alt text and caption.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import os
import pickle
import shutil
import signal
import sys
import tempfile
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from hotline.pages import links
from hotline.site import parallel
from hotline.site.errors import BuildError

if TYPE_CHECKING:
    import nbformat

# Pages over every quarter: (template in notebooks/, page in the book).
SPANNING_PAGES = (
    ("home", links.HOME),
    ("comparison", links.COMPARISON),
    ("methodology", links.METHODOLOGY),
    ("research", links.RESEARCH),
)
# Longest first (quarters are 1), so that no worker is left with a long notebook at the end.
RUN_ORDER = {"comparison": 0, "home": 2, "methodology": 3, "research": 2}
CELL_TIMEOUT = 300  # seconds one cell may run; a page's longest cell takes about two


@dataclass(frozen=True, eq=False)
class Job:
    name: str  # what staff call it: a quarter id, or home / comparison / methodology / research
    template: Path
    page: str  # path of the executed notebook in the book, e.g. quarters/2024Q1.ipynb
    parameters: dict
    key: str
    title: str | None = None


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
    """Replace the template's placeholder heading with the page's real title (escaped: it is data)."""
    from hotline.pages.safe import text

    first = notebook.cells[0]
    if first.cell_type != "markdown" or not first.source.startswith("# "):
        raise BuildError(f"{path}: 模板的第一个单元格应是一级标题")
    first.source = f"# {text(title)}"


def caption_figures(notebook: nbformat.NotebookNode) -> None:
    """Give each chart output its figure caption and alt text, from the chart's own metadata.

    MyST-NB reads both from the cell's metadata; the caption is Markdown to it, so it passes
    :func:`hotline.pages.safe.text` like any other text from data."""
    from hotline.pages.safe import text

    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            chart = output.get("metadata", {}).get("hotline")
            if chart:
                cell.metadata["mystnb"] = {
                    "image": {"alt": chart["alt"], "classes": "chart"},
                    "figure": {"caption": str(text(chart["caption"])), "classes": "chart"},
                }


_kernel = None  # the kernel of this worker process, kept for the notebooks it runs next
_kernels_started = 0  # by this worker process

# Before each notebook: a new IPython session (empty namespace, execution counts from 1) in the
# notebook's own folder. Only the imported modules stay, which is what saves the time. The kernel
# is also tied to its worker: it dies if the worker dies (see hotline.site.lifetime), and told
# where the build keeps drawn charts (see hotline.pages.charts), if it does.
# The folder first: the previous notebook's folder is gone, and IPython's reset needs a current one.
FRESH_SESSION = """import os as _os
_os.chdir({workdir!r})
get_ipython().reset(new_session=True)
from hotline.site.lifetime import die_with_parent as _die
_die()
del _die
from hotline.pages.charts import keep_drawn_in as _keep
_keep(*{kept_charts!r})
del _keep
"""


def _one_client_kernel_manager():
    """A kernel manager whose clients are one client, connected and found ready once.

    A client waits for the kernel to answer before it is used (jupyter_client's
    ``wait_for_ready``: a fifth of a second each time, as it also waits for an IOPub message that
    a connected client may already have read); papermill asks a new client for every notebook and
    the fresh session asks one more. A worker's kernel is alive (checked before each notebook) and
    its one client stays connected, so only its first notebook waits. nbclient leaves the client
    of a kernel manager it was given running, and reads only the messages that answer its own
    requests, so a notebook never reads another's output."""
    from jupyter_client.asynchronous import AsyncKernelClient
    from jupyter_client.manager import AsyncKernelManager

    class ReadyOnceClient(AsyncKernelClient):
        ready = False

        def start_channels(self, *args, **kwargs) -> None:
            if not self.channels_running:
                super().start_channels(*args, **kwargs)

        async def wait_for_ready(self, timeout: float | None = None) -> None:
            if not self.ready:
                await super()._async_wait_for_ready(timeout)
                self.ready = True

    class OneClientKernelManager(AsyncKernelManager):
        the_client = None
        forked: ForkedKernel | None = None  # the process to start the kernel in, if one was forked

        def client(self, **kwargs):
            if self.the_client is None:
                self.client_factory = ReadyOnceClient
                self.the_client = super().client(**kwargs)
            return self.the_client

        async def _async_launch_kernel(self, kernel_cmd: list[str], **kw) -> None:
            """Start the kernel in the forked process (jupyter_client's place for launching a
            kernel differently); the usual way where there is none, or the kernel is not ipykernel's."""
            forked, self.forked = self.forked, None
            if forked is None or not forked.start(kernel_cmd, kw.get("env"), kw.get("cwd")):
                return await super()._async_launch_kernel(kernel_cmd, **kw)
            provisioner = self.provisioner
            # The kernel's own session and group (it calls setsid first thing), which the provisioner
            # signals, so a process the kernel started ends with it; until the group exists the
            # signal fails and the provisioner signals the kernel alone.
            provisioner.process, provisioner.pid, provisioner.pgid = forked, forked.pid, forked.pid
            provisioner.cwd = kw.get("cwd") or os.getcwd()
            self._reconcile_connection_info(provisioner.connection_info)

    return OneClientKernelManager


INLINE_BACKEND = "module://matplotlib_inline.backend_inline"


class ForkedKernel:
    """A worker's kernel as a fork of the worker rather than a new Python.

    A kernel started the usual way is a new Python that imports pandas, matplotlib and the page code
    again (two to three seconds of a processor, twice per build, before the first page can run);
    the worker has them imported already (the forkserver's, see hotline.site.parallel). So, before
    its first kernel, while it runs no other thread, a worker forks this process: it imports
    ipykernel and the pages, then waits on a pipe for the kernel's command line and environment,
    which jupyter_client sends where it would start the kernel
    (:meth:`OneClientKernelManager._async_launch_kernel`); it then runs as that kernel does, with
    matplotlib's inline backend as such a kernel sets it. The manager treats it as its process
    (this class answers as :class:`subprocess.Popen` does). A kernel started again after one died
    is started the usual way."""

    def __init__(self) -> None:
        self.returncode: int | None = None
        self.stdin = self.stdout = self.stderr = None
        read, self._pipe = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:  # the kernel-to-be
            code = 1
            try:
                os.close(self._pipe)
                code = _forked_kernel_main(read)
            finally:
                os._exit(code)
        os.close(read)

    def start(self, kernel_cmd: list[str], env: dict | None, cwd: str | None) -> bool:
        """Hand the forked process its kernel's arguments; False (and it ends) for a kernel that
        is not ipykernel's."""
        launcher = "ipykernel_launcher"
        arguments = kernel_cmd[kernel_cmd.index(launcher) + 1 :] if launcher in kernel_cmd else None
        with os.fdopen(self._pipe, "wb") as pipe:
            if arguments is not None:
                # As jupyter_client's launcher: the kernel watches this process, and ends with it.
                env = {**(env or os.environ), "JPY_PARENT_PID": str(os.getpid())}
                pipe.write(pickle.dumps((arguments, env, cwd)))
        if arguments is None:
            self.wait()
        return arguments is not None

    def abandon(self) -> None:
        """Let the forked process end unused (its kernel could not be started): it reads an empty
        request and exits, and is reaped here."""
        with contextlib.suppress(OSError):
            os.close(self._pipe)
        self.wait()

    def poll(self) -> int | None:
        if self.returncode is None:
            try:
                pid, status = os.waitpid(self.pid, os.WNOHANG)
            except ChildProcessError:  # reaped already
                self.returncode = -1
                return self.returncode
            if pid:
                self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        if self.returncode is None:
            try:
                _, status = os.waitpid(self.pid, 0)
                self.returncode = os.waitstatus_to_exitcode(status)
            except ChildProcessError:
                self.returncode = -1
        return self.returncode

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:
            os.kill(self.pid, signum)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


def _forked_kernel_main(pipe: int) -> int:
    """The forked process (see :class:`ForkedKernel`): import, wait, run the kernel; its exit code."""
    os.setsid()  # as jupyter_client starts a kernel: a session of its own
    # Nothing of the worker's but its standard streams: its pool's pipes and any file it had open
    # are not the kernel's (a kernel started the usual way has only 0, 1 and 2).
    os.closerange(3, pipe)
    os.closerange(pipe + 1, os.sysconf("SC_OPEN_MAX") if hasattr(os, "sysconf") else 1024)
    with contextlib.suppress(Exception):  # imported again, and reported, by the kernel if broken
        exec(PAGE_IMPORTS, {})
        import ipykernel.kernelapp  # noqa: F401
    with os.fdopen(pipe, "rb") as reader:
        request = reader.read()
    if not request:
        return 0  # the worker ended, or starts its kernel the usual way
    arguments, env, cwd = pickle.loads(request)
    import ipykernel_launcher

    sys.argv = [ipykernel_launcher.__file__, *arguments]  # as a kernel started the usual way sees it
    os.environ.clear()
    os.environ.update(env)
    if cwd:
        os.chdir(cwd)
    nothing = os.open(os.devnull, os.O_RDONLY)
    os.dup2(nothing, 0)
    os.close(nothing)
    from ipykernel.kernelapp import IPKernelApp
    from IPython.core.pylabtools import activate_matplotlib
    from matplotlib_inline.backend_inline import configure_inline_support

    # Read from the environment when ipykernel was imported, before this process had the kernel's:
    # the kernel watches its parent, and so prints no connection banner into the build's output.
    app = IPKernelApp.instance(parent_handle=int(env["JPY_PARENT_PID"]))
    app.initialize(arguments)
    # What a new kernel's matplotlib does when first drawn (MPLBACKEND is the inline backend there;
    # here matplotlib was imported, off-screen, before the kernel existed).
    activate_matplotlib(INLINE_BACKEND)
    configure_inline_support(app.shell, INLINE_BACKEND)
    # pandas, imported inside a kernel, shows at most 20 columns of a table as text; imported
    # elsewhere (here: in the worker), as many as the terminal is wide.
    import pandas

    pandas.set_option("display.max_columns", 20)
    app.start()
    return 0


def _worker_kernel():
    """Starting a kernel and importing pandas and matplotlib in it costs about a second per
    notebook; a worker starts one kernel and runs each of its notebooks in a fresh session of it."""
    from multiprocessing.util import Finalize

    from jupyter_core.utils import run_sync

    global _kernel, _kernels_started
    if _kernel is None or not run_sync(_kernel.is_alive)():
        # The first kernel of a worker that runs no other thread is a fork of it (see ForkedKernel).
        forked = ForkedKernel() if _kernels_started == 0 and threading.active_count() == 1 else None
        _kernels_started += 1
        # Local sockets in a private folder rather than TCP ports: no other process on the build
        # machine can reach the kernel, and it says nothing about unencrypted TCP on every start.
        sockets = tempfile.mkdtemp(prefix="hotline-kernel-")
        _kernel = _one_client_kernel_manager()(kernel_name="python3", transport="ipc", ip=os.path.join(sockets, "k"))
        _kernel.forked = forked
        try:
            run_sync(_kernel.start_kernel)()
        finally:
            if _kernel.forked is not None:  # not handed its kernel: it ends rather than wait for the worker's end
                _kernel.forked.abandon()
                _kernel.forked = None
        Finalize(_kernel, run_sync(_kernel.shutdown_kernel), kwargs={"now": True}, exitpriority=10)
        Finalize(_kernel, shutil.rmtree, args=(sockets,), kwargs={"ignore_errors": True}, exitpriority=5)
    return _kernel


# What the page notebooks import (see notebooks/), imported into each worker's kernel before its
# first notebook is due.
# Then what is imported is set aside from the garbage collector's rounds (gc.freeze): IPython's
# fresh session before each notebook collects garbage, which otherwise walks every object of pandas
# and matplotlib each time (a tenth of a second a notebook).
PAGE_IMPORTS = """import hotline, hotline.pages.quarter, hotline.pages.home, hotline.pages.comparison
import hotline.pages.methodology, matplotlib.pyplot
"""
PAGE_MODULES = (
    PAGE_IMPORTS
    + """import gc as _gc
_gc.freeze()
del _gc
"""
)


def _warm_kernel() -> None:
    """Start this worker's kernel and import the page modules in it (a few seconds of a notebook
    worker's first page); a kernel that fails here is started again for the notebook."""
    with contextlib.suppress(Exception):
        _execute(_worker_kernel(), PAGE_MODULES)


def warm_up(workers: int) -> None:
    """Have the notebook workers start their kernels now, while the build validates the data and
    computes the results, rather than when the first notebooks are due. Asked from a thread:
    starting a worker waits for the forkserver to be ready, and the build need not wait with it."""

    def ask() -> None:
        with contextlib.suppress(Exception), parallel.warm_pool("notebooks", workers) as pool:
            for _ in range(workers):
                pool.submit(_warm_kernel)

    threading.Thread(target=ask, name="warm-kernels", daemon=True).start()


def _execute(kernel, code: str) -> dict:
    """Run ``code`` in the kernel (once it is ready) and return the kernel's reply."""
    from jupyter_core.utils import run_sync

    client = kernel.client()  # the kernel's one client (see _one_client_kernel_manager), left open
    client.start_channels()
    run_sync(client.wait_for_ready)(timeout=60)
    return run_sync(client.execute_interactive)(code, timeout=60)


def _fresh_session(kernel, workdir: str, kept_charts: tuple[str, str] | None) -> None:
    reply = _execute(kernel, FRESH_SESSION.format(workdir=workdir, kept_charts=kept_charts or (None,)))
    if reply["content"]["status"] != "ok":
        raise RuntimeError(f"内核未能开始新的会话：{reply['content'].get('evalue', '')}")


def _discard_kernel() -> None:
    global _kernel
    if _kernel is not None:
        from jupyter_core.utils import run_sync

        with contextlib.suppress(Exception):  # a dead kernel has nothing to shut down
            run_sync(_kernel.shutdown_kernel)(now=True)
        if _kernel.the_client is not None:
            _kernel.the_client.stop_channels()
    _kernel = None


def run_in_worker(
    template: str,
    workdir: str,
    parameters: dict,
    timeout: int = CELL_TIMEOUT,
    kept_charts: tuple[str, str] | None = None,
    job: Job | None = None,
) -> dict | None:
    """Run one notebook (in a worker process); report an error as data rather than raising.
    ``kept_charts``: where drawn charts are kept, and the code's key (see hotline.pages.charts).
    With ``job``, the executed notebook is made ready for the book here (:func:`prepare`), from the
    notebook in memory, rather than read again by the builder, whose threads write the unit pages.

    An error in a cell is the notebook's and is reported at once, and so is a cell that runs longer
    than ``timeout`` seconds. A kernel that died or did not start is replaced and the notebook run
    once more before that is reported."""
    import papermill
    from nbclient.exceptions import CellTimeoutError

    for attempt in (1, 2):
        try:
            kernel = _worker_kernel()
            _fresh_session(kernel, workdir, kept_charts)
            executed = papermill.execute_notebook(
                template,
                str(Path(workdir) / "page.ipynb"),
                parameters=parameters,
                kernel_name="python3",
                progress_bar=False,
                log_output=False,
                execution_timeout=timeout,
                # Written once at the end (or at the cell that failed), not after every cell: that
                # rewrote a page of charts and tables some sixty times.
                request_save_on_cell_execute=False,
                km=kernel,  # passed on to nbclient, which then leaves the kernel running
            )  # no cwd: the kernel already runs, and the fresh session moved it to workdir
            break
        except papermill.PapermillExecutionError as exc:
            return {"cell": exc.exec_count, "error": f"{exc.ename}: {exc.evalue}"}
        except CellTimeoutError:
            _discard_kernel()  # it may still be running the cell
            return {"cell": None, "error": f"有一个单元格运行超过 {timeout} 秒，已停止（可能陷入了死循环或数据过大）"}
        except Exception as exc:  # the kernel died, or could not start
            _discard_kernel()
            if attempt == 2:
                return {"cell": None, "error": f"{type(exc).__name__}: {exc}"}
    # Made ready after the run, outside it: a template's own fault (its first cell not a title, a
    # BuildError) reaches the build as raised, and is never taken for a kernel that died.
    if job is not None:
        import nbformat

        prepare(executed, job)
        nbformat.write(executed, Path(workdir) / "page.ipynb")
    return None


def _failed_source(path: Path) -> str:
    """The first line of the cell that raised, so staff can find it in the template."""
    import nbformat

    notebook = nbformat.read(path, as_version=4)
    for cell in notebook.cells:
        if any(output.get("output_type") == "error" for output in cell.get("outputs", [])):
            return f"“{cell.source.strip().splitlines()[0][:80]}”"
    return ""


def prepare(notebook: nbformat.NotebookNode, job: Job) -> None:
    """An executed notebook made ready for the book (see the module's docstring)."""
    hide_injected_parameters(notebook)
    strip_run_metadata(notebook)
    caption_figures(notebook)
    if job.title:
        retitle(notebook, job.title, job.template)


def run_notebooks(
    jobs: list[Job],
    cache: Path,
    log_dir: Path,
    workers: int,
    rerun: Iterable[str] = (),
    kept_charts: tuple[str, str] | None = None,
) -> list[str]:
    """Execute the notebooks whose inputs changed (and those named in ``rerun``), in parallel;
    ``kept_charts`` as for :func:`run_in_worker`."""
    rerun = set(rerun)
    pending = [job for job in jobs if job.name in rerun or not (cache / job.key / "page.ipynb").is_file()]
    if not pending:
        return []
    pending.sort(key=lambda job: RUN_ORDER.get(job.name, 1))
    failures = []
    with parallel.warm_pool("notebooks", workers) as pool:
        started = {}
        for job in pending:
            work = cache / f"{job.key}.running"
            shutil.rmtree(work, ignore_errors=True)
            work.mkdir(parents=True)
            started[job] = (
                work,
                # A notebook staff asked to run again draws its charts again too.
                pool.submit(
                    run_in_worker,
                    str(job.template),
                    str(work),
                    job.parameters,
                    CELL_TIMEOUT,
                    None if job.name in rerun else kept_charts,
                    job,
                ),
            )
        try:
            for job, (work, future) in started.items():
                error = future.result()
                if error:
                    kept = log_dir / f"{job.name}.ipynb"
                    cell = f"第{error['cell']}个代码单元格（含papermill注入的参数格）" if error["cell"] else "内核"
                    saved = ""
                    if (work / "page.ipynb").exists():  # a cell's error: the notebook up to that cell
                        shutil.copyfile(work / "page.ipynb", kept)
                        cell += _failed_source(kept)
                        saved = f"\n已执行部分保存在 {kept}"
                    where = f"{job.name}（{job.template.name}），{cell}"
                    failures.append(f"笔记本执行失败：{where}：{error['error']}{saved}")
                    shutil.rmtree(work, ignore_errors=True)
                    continue
                shutil.rmtree(cache / job.key, ignore_errors=True)
                work.rename(cache / job.key)
        except BaseException:
            # The pool outlives this build (see parallel.warm_pool): none of this build's notebooks
            # may go on running, or writing into its folders, after it has failed.
            for _, future in started.values():
                future.cancel()
            concurrent.futures.wait([future for _, future in started.values()])
            raise
    if failures:
        raise BuildError("\n".join(failures))
    return [job.name for job in pending]
