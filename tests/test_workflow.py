"""The staff workflow and its faults: incremental rebuilds, exact publishing, failures that publish
nothing and name what failed, one build at a time, no process left behind, no network needed.

Each test works on its own copy of the data and of the session site's caches (``workspace``)."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import nbformat
import pytest

from hotline.data.errors import DataError
from hotline.examples import generate as examples
from hotline.site import build, cli, jupyterbook, lifetime, lock, notebooks, publish, sphinx_run
from hotline.site.errors import BuildError

from .conftest import DATA, REPO, correct, project_copy, serve

pytestmark = pytest.mark.site


def _digest(folder: Path) -> str:
    hasher = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        hasher.update(str(path.relative_to(folder)).encode())
        if path.is_file():
            hasher.update(path.read_bytes())
    return hasher.hexdigest()


def _with_cell(root: Path, source: str, markdown: bool = False) -> Path:
    template = root / "notebooks" / "quarter.ipynb"
    notebook = nbformat.read(template, as_version=4)
    cell = nbformat.v4.new_markdown_cell(source) if markdown else nbformat.v4.new_code_cell(source)
    cell.id = "added"
    notebook.cells.insert(6, cell)
    nbformat.write(notebook, template)
    return root


def test_the_first_build_runs_every_notebook_and_a_rebuild_with_nothing_changed_runs_none(built, workspace):
    assert sorted(built.executed) == ["2024Q1", "comparison", "home", "methodology", "research"]
    data, output = workspace
    again = build.build(data, output)
    assert again.up_to_date and again.executed == []


def test_rerun_executes_only_the_named_quarter(workspace):
    data, output = workspace
    assert build.build(data, output, rerun=["2024Q1"]).executed == ["2024Q1"]


def test_a_changed_quarter_reruns_it_and_the_pages_across_quarters_only(workspace):
    data, output = workspace
    correct(data, "quality_remark.md", "大部分群众诉求", "多数群众诉求")
    result = build.build(data, output)
    assert sorted(result.executed) == ["2024Q1", "comparison", "home", "methodology", "research"]
    assert "多数群众诉求" in (output / "quarters" / "2024Q1.html").read_text(encoding="utf-8")


def test_a_notebook_error_names_the_quarter_cell_and_exception_and_publishes_nothing(workspace, tmp_path):
    data, output = workspace
    before = _digest(output)
    with pytest.raises(BuildError) as caught:
        build.build(data, output, _with_cell(project_copy(tmp_path), 'raise ValueError("测试：这一格出错")'))
    message = str(caught.value)
    assert "2024Q1（quarter.ipynb）" in message
    assert '代码单元格（含papermill注入的参数格）“raise ValueError("测试：这一格出错")”' in message
    assert "ValueError: 测试：这一格出错" in message
    kept = output.parent / "logs" / "2024Q1.ipynb"
    assert kept.is_file() and str(kept) in message
    assert _digest(output) == before
    assert not _waiting_sphinx()  # started while the notebooks ran, ended with the failed build


def _waiting_sphinx() -> list[int]:
    """This process's children that are Jupyter Book runs (see hotline.site.sphinx_run.start)."""
    found = []
    for pid in lifetime.descendants():
        try:
            if b"hotline.site.jupyterbook" in Path(f"/proc/{pid}/cmdline").read_bytes():
                found.append(pid)
        except OSError:
            pass
    return found


def test_a_cell_that_runs_too_long_is_stopped_and_named(workspace, tmp_path, monkeypatch):
    data, output = workspace
    monkeypatch.setattr(notebooks, "CELL_TIMEOUT", 3)
    with pytest.raises(BuildError, match="有一个单元格运行超过 3 秒，已停止"):
        build.build(data, output, _with_cell(project_copy(tmp_path), "import time\ntime.sleep(60)"))


def test_a_sphinx_run_that_takes_too_long_is_stopped_and_named(workspace, tmp_path, monkeypatch):
    data, output = workspace
    before = _digest(output)
    monkeypatch.setattr(sphinx_run, "TIMEOUT", 1)
    with pytest.raises(BuildError, match=r"Jupyter Book 运行超过 1 秒仍未结束，已停止"):
        build.build(data, output, _with_cell(project_copy(tmp_path), "变更", markdown=True))  # something to rebuild
    assert _digest(output) == before


def test_a_page_referencing_a_file_outside_the_book_fails_the_build_and_copies_nothing(workspace, tmp_path):
    data, output = workspace
    before = _digest(output)
    secret = tmp_path / "secret.txt"
    secret.write_text("服务器上的秘密", encoding="utf-8")
    page_folder = output.parent / f".work-{output.name}" / "book" / "quarters"
    outside = os.path.relpath(secret, page_folder)  # ../../../../secret.txt
    root = _with_cell(project_copy(tmp_path), f"{{download}}`下载 <{outside}>`\n\n![图]({outside})", markdown=True)
    with pytest.raises(BuildError, match="引用了网站源文件以外的文件"):
        build.build(data, output, root)
    assert _digest(output) == before
    leaked = [p for p in tmp_path.rglob("secret.txt") if p != secret]
    assert leaked == []


def test_bad_data_after_a_good_build_keeps_the_published_site(workspace, capsys):
    data, output = workspace
    before = _digest(output)
    towns = data / "quarters" / "2024Q1" / "towns.csv"
    towns.write_text(towns.read_text(encoding="utf-8").replace("尧禾镇,,64", "尧禾镇,,abc"), encoding="utf-8")
    with pytest.raises(DataError, match="不是数字"):
        build.build(data, output)
    assert cli.main(["--data", str(data), "--output", str(output)]) == 1
    error = capsys.readouterr().err
    assert "构建失败，网站未更新" in error and "towns.csv 第3行「承办工单量」列" in error and "Traceback" not in error
    assert _digest(output) == before


def test_an_unrecorded_change_to_published_data_stops_the_build(workspace):
    data, output = workspace
    towns = data / "quarters" / "2024Q1" / "towns.csv"
    towns.write_text(towns.read_text(encoding="utf-8").replace("尧禾镇,,64", "尧禾镇,,65"), encoding="utf-8")
    with pytest.raises(DataError, match="校验值不一致"):
        build.build(data, output)


def test_a_removed_quarter_is_gone_from_the_site_after_the_next_build(workspace, browser):
    data, output = workspace
    examples.generate(DATA, data, count=1)  # 2024Q1 as it is, and an example 2024Q2
    build.build(data, output)
    gone = ["quarters/2024Q2.html", "pdf/2024Q2.pdf", "data/quarters/2024Q2-units.csv"]
    assert all((output / name).is_file() for name in gone)
    base, server = serve(output)  # with two circulars, search lists the newest first
    page = browser.new_page()
    page.goto(base + "search.html?q=工单办理情况通报")
    page.wait_for_selector("#search-results li")
    found = page.eval_on_selector_all("#search-results li a", "links => links.map(a => a.getAttribute('href'))")
    page.close()
    server.shutdown()
    quarters = [href for href in found if href.startswith("quarters/")]
    assert quarters == ["quarters/2024Q2.html", "quarters/2024Q1.html"], found
    shutil.rmtree(data / "quarters" / "2024Q2")
    build.build(data, output)
    assert not any((output / name).exists() for name in gone)
    assert "2024Q2" not in (output / "index.html").read_text(encoding="utf-8")
    listed = (output / publish.MANIFEST).read_text(encoding="utf-8")
    assert "2024Q2" not in listed
    assert {p.relative_to(output).as_posix() for p in output.rglob("*") if p.is_file()} == set(
        publish.file_list(output)
    ) | {publish.MANIFEST, publish.SUMS}


def test_a_published_site_that_was_tampered_with_is_rebuilt_not_called_up_to_date(workspace):
    data, output = workspace
    (output / "extra.html").write_text("<p>不应出现在网站上</p>", encoding="utf-8")
    result = build.build(data, output)
    assert not result.up_to_date
    assert not (output / "extra.html").exists()


def test_a_failed_publish_is_a_named_error_and_the_next_run_is_not_called_up_to_date(workspace, capsys, monkeypatch):
    data, output = workspace
    correct(data, "quality_remark.md", "大部分群众诉求", "多数群众诉求")
    before = _digest(output)
    real = os.rename

    def read_only(source, target, *args, **kwargs):  # as a read-only file system answers the swap
        if Path(source) == output:
            raise OSError(30, "Read-only file system", str(source))
        return real(source, target, *args, **kwargs)

    monkeypatch.setattr(os, "rename", read_only)
    assert cli.main(["--data", str(data), "--output", str(output)]) == 1
    error = capsys.readouterr().err
    assert "失败" in error and "文件系统只读" in error and "已发布的网站保持不变" in error and "Traceback" not in error
    monkeypatch.undo()
    assert _digest(output) == before
    again = build.build(data, output)
    assert not again.up_to_date and "多数群众诉求" in (output / "quarters" / "2024Q1.html").read_text("utf-8")


def test_an_unwritable_output_folder_is_a_named_error(workspace, capsys):
    if os.geteuid() == 0:
        pytest.skip("root writes into read-only folders; the named error is shown by the test above")
    data, output = workspace
    correct(data, "quality_remark.md", "大部分群众诉求", "多数群众诉求")
    output.parent.chmod(0o555)
    try:
        assert cli.main(["--data", str(data), "--output", str(output)]) == 1
    finally:
        output.parent.chmod(0o755)
    assert "没有权限" in capsys.readouterr().err


def test_two_builds_at_once_do_not_both_run(workspace):
    data, output = workspace
    busy = r"另一个构建正在进行（进程 \d+，开始于 .*），输出到同一个文件夹"
    with lock.build_lock(output.parent, output.name), pytest.raises(BuildError, match=busy):
        build.build(data, output)


def _tagged(tag: str) -> list[int]:
    """Processes whose environment carries ``tag`` (everything a build started inherits it)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if tag.encode() in (entry / "environ").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                pass
    return found


@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGINT, signal.SIGKILL])
def test_a_second_build_is_refused_and_a_stopped_build_leaves_no_process_behind(workspace, how):
    data, output = workspace
    correct(data, "quality_remark.md", "大部分群众诉求", "多数群众诉求")
    tag = f"HOTLINE_TEST_BUILD={uuid.uuid4().hex}"
    env = os.environ | {"HOTLINE_TEST_BUILD": tag.split("=")[1]}
    command = [sys.executable, "-m", "hotline.site", "--data", str(data), "--output", str(output)]
    build_process = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True
    )
    deadline = time.monotonic() + 60
    while len(_tagged(tag)) < 4 and time.monotonic() < deadline:  # the forkserver, workers and kernels are up
        time.sleep(0.2)
    assert len(_tagged(tag)) >= 4
    second = subprocess.run(command, capture_output=True, text=True, timeout=120)  # while the first runs
    assert second.returncode == 1 and "另一个构建正在进行" in second.stderr
    if how == signal.SIGINT:  # Ctrl-C in a terminal: every process of the group gets it
        os.killpg(build_process.pid, how)
    else:
        build_process.send_signal(how)
    build_process.wait(timeout=30)
    deadline = time.monotonic() + 10
    while _tagged(tag) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _tagged(tag) == []
    if how != signal.SIGKILL:  # one Chinese line, no traceback of any process of the build
        said = build_process.stderr.read().strip()
        assert said.startswith("构建被中止") and "\n" not in said, said


def test_a_build_from_nothing_needs_no_network_and_gives_the_same_bytes_as_another(site, tmp_path):
    """The whole build again, from nothing, in a network namespace that has only loopback: it
    succeeds, and its site is byte for byte the session's (no timestamp or random id anywhere)."""
    command = f"{sys.executable} -m hotline.site --output {tmp_path / '_build' / 'html'}"
    if subprocess.run(["unshare", "-rn", "true"], capture_output=True).returncode == 0:
        result = subprocess.run(
            ["unshare", "-rn", "sh", "-c", f"ip link set lo up && {command}"],
            capture_output=True,
            text=True,
            timeout=600,
        )
    elif os.environ.get("CI"):
        pytest.fail("unshare -rn is not permitted here, so the offline build cannot be proven")
    else:
        result = subprocess.run(["sh", "-c", command], capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    assert _digest(tmp_path / "_build" / "html") == _digest(site)


def test_a_notebook_run_in_a_kernel_that_ran_others_gives_the_same_page(tmp_path, history):
    """Workers reuse their kernel; each notebook must still start from an empty session."""
    saved = history.save(tmp_path / "history.pickle")
    result = tmp_path / "q1.pickle"
    import pickle

    result.write_bytes(pickle.dumps(history.result("2024Q1")))
    quarter = REPO / "notebooks" / "quarter.ipynb"
    parameters = {"quarter": "2024Q1", "data_dir": str(DATA), "saved": str(result)}

    def run(template: Path, work: Path, parameters: dict) -> nbformat.NotebookNode:
        work.mkdir()
        assert notebooks.run_in_worker(str(template), str(work), parameters) is None
        notebook = nbformat.read(work / "page.ipynb", as_version=4)
        notebooks.hide_injected_parameters(notebook)
        notebooks.strip_run_metadata(notebook)
        return notebook

    first = run(quarter, tmp_path / "first", parameters)
    run(REPO / "notebooks" / "comparison.ipynb", tmp_path / "between", {"data_dir": str(DATA), "saved": str(saved)})
    again = run(quarter, tmp_path / "again", parameters)
    assert nbformat.writes(again) == nbformat.writes(first)
    assert next(c.execution_count for c in again.cells if c.cell_type == "code") == 1
    assert sorted(p.name for p in (tmp_path / "again").iterdir()) == ["page.ipynb"]


def test_a_template_without_its_title_is_named_as_the_templates_fault_not_a_dead_kernel(tmp_path):
    """The worker makes the run notebook ready for the book after the run: a template whose first
    cell is not the title it replaces is a BuildError naming the template, raised once, never
    reported as a kernel that died (nor run a second time)."""
    template = tmp_path / "untitled.ipynb"
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(notebook, template)
    (tmp_path / "work").mkdir()
    job = notebooks.Job("2024Q1", template, "quarters/2024Q1.ipynb", {}, "key", "2024年第一季度工单办理情况通报")
    with pytest.raises(BuildError, match="模板的第一个单元格应是一级标题"):
        notebooks.run_in_worker(str(template), str(tmp_path / "work"), {}, job=job)


def _run_in_new_worker(template: str, work: str, parameters: dict, fork: bool) -> tuple[dict | None, str]:
    """A notebook as a fresh notebook worker runs it, with its kernel forked from it or started the
    usual way; and which it was (the process class the kernel's manager holds)."""
    if not fork:
        notebooks._kernels_started = 1  # as a worker whose first kernel died: the next starts the usual way
    error = notebooks.run_in_worker(template, work, parameters)
    kernel = notebooks._worker_kernel()
    return error, type(kernel.provisioner.process).__name__


def test_a_kernel_forked_from_its_worker_gives_the_pages_a_kernel_started_anew_gives(tmp_path, history, capfd):
    """The worker's first kernel is a fork of the worker (pandas and matplotlib imported already);
    what it writes must not tell: tables shown as text as wide as in a new kernel (pandas decides
    that when imported), charts shown by plt.show() inline, no connection banner in the build's output."""
    import concurrent.futures
    import multiprocessing

    saved = history.save(tmp_path / "history.pickle")
    parameters = {"data_dir": str(DATA), "saved": str(saved)}
    pages = {}
    for fork in (True, False):
        work = tmp_path / f"fork-{fork}"
        work.mkdir()
        context = multiprocessing.get_context("spawn")
        with concurrent.futures.ProcessPoolExecutor(1, mp_context=context) as pool:
            template = str(REPO / "notebooks" / "research.ipynb")
            error, process = pool.submit(_run_in_new_worker, template, str(work), parameters, fork).result(timeout=300)
        assert error is None
        assert process == ("ForkedKernel" if fork else "Popen")
        notebook = nbformat.read(work / "page.ipynb", as_version=4)
        notebooks.hide_injected_parameters(notebook)
        notebooks.strip_run_metadata(notebook)
        pages[fork] = notebook
    outputs = [o for c in pages[True].cells for o in c.get("outputs", [])]
    assert any("image/png" in o.get("data", {}) for o in outputs)  # the scatter plot, shown inline
    assert any("..." in o.get("data", {}).get("text/plain", "") for o in outputs)  # 20 columns at most
    assert nbformat.writes(pages[True]) == nbformat.writes(pages[False])
    assert "--existing" not in capfd.readouterr().out  # a kernel that thinks it has no parent says how to reach it


def _what_a_kernel_leaves(fork: bool) -> tuple[list[str], bool]:
    """In a fresh notebook worker: the kernel's open files beyond its standard streams that are not
    its own sockets, and whether a process the kernel started outlives the kernel's shutdown."""
    from jupyter_core.utils import run_sync

    if not fork:
        notebooks._kernels_started = 1
    kernel = notebooks._worker_kernel()
    code = (
        "import os, subprocess\n"
        "child = subprocess.Popen(['sleep', '300']).pid\n"
        "files = []\n"
        "for n in os.listdir('/proc/self/fd'):\n"
        "    try:\n"
        "        files.append(os.readlink(f'/proc/self/fd/{n}'))\n"
        "    except OSError:\n"
        "        pass\n"
        # A folder held open is a passing listing (IPython scans its profile folder as it starts,
        # at its own pace), not a file kept: only files are compared.
        "files = [f for f in files if f.startswith('/') and not f.startswith(('/dev/', '/proc/'))\n"
        "         and not os.path.isdir(f)]\n"
        "print(child, '|'.join(sorted(f for f in files if not f.endswith('-journal'))))\n"
    )
    said = []
    client = kernel.client()
    reply = run_sync(client.execute_interactive)(code, timeout=60, output_hook=lambda m: said.append(m))
    assert reply["content"]["status"] == "ok", reply["content"]
    text = "".join(m["content"].get("text", "") for m in said if m["msg_type"] == "stream").split()
    child, files = int(text[0]), [f for f in (text[1:] or [""])[0].split("|") if f]
    notebooks._discard_kernel()
    deadline = time.monotonic() + 10
    while os.path.exists(f"/proc/{child}") and time.monotonic() < deadline:
        time.sleep(0.1)
    alive = os.path.exists(f"/proc/{child}") and "Z" not in Path(f"/proc/{child}/stat").read_text().split()[2]
    if alive:
        os.kill(child, signal.SIGKILL)
    return files, alive


def test_a_forked_kernel_keeps_none_of_its_workers_files_and_takes_its_processes_with_it():
    """As a kernel started the usual way: the same files open (none of the worker's), and a process
    it started ends at its shutdown (the provisioner signals the kernel's process group)."""
    import concurrent.futures
    import multiprocessing

    left = {}
    for fork in (True, False):
        with concurrent.futures.ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
            left[fork] = pool.submit(_what_a_kernel_leaves, fork).result(timeout=120)
    assert left[True] == left[False]
    assert left[True][1] is False


def test_a_stylesheet_change_alone_reaches_the_published_pages(workspace, tmp_path):
    """Sphinx sees no changed page when only _static/ changed; the build must still publish it."""
    data, output = workspace
    root = project_copy(tmp_path)
    stylesheet = root / "_static" / "hotline.css"
    stylesheet.write_text(stylesheet.read_text(encoding="utf-8") + "\n.restyled { color: #123456; }\n", "utf-8")
    result = build.build(data, output, root)
    assert result.executed == []  # no notebook depends on the stylesheet
    assert ".restyled" in (output / "_static" / "hotline.css").read_text(encoding="utf-8")


def test_a_same_size_edit_of_a_published_page_is_repaired_by_the_next_build(workspace):
    data, output = workspace
    page = output / "quarters" / "2024Q1.html"
    published = page.read_bytes()
    edited = published.replace(b"1615", b"1915", 1)
    assert edited != published and len(edited) == len(published)
    page.write_bytes(edited)
    again = build.build(data, output)
    assert not again.up_to_date and page.read_bytes() == published
    verified = subprocess.run(["sha256sum", "-c", "--quiet", "SHA256SUMS"], cwd=output, capture_output=True)
    assert verified.returncode == 0, verified.stdout


def test_every_module_the_sphinx_process_imports_ahead_exists():
    """The head start skips a module it cannot import (Sphinx imports what it needs anyway), so a
    misspelt or removed name would silently cost a rebuild its seconds again."""
    import importlib

    for name in jupyterbook.PRELOAD:
        importlib.import_module(name)
