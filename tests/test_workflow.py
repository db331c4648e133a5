"""The staff workflow: incremental rebuilds, clear failures that publish nothing, offline builds."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from hotline.data import provenance
from hotline.data.errors import DataError
from hotline.site import build, notebooks
from hotline.site.errors import BuildError

from .conftest import DATA, REPO

pytestmark = pytest.mark.site


def _digest(folder: Path) -> str:
    hasher = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        hasher.update(str(path.relative_to(folder)).encode())
        if path.is_file():
            hasher.update(path.read_bytes())
    return hasher.hexdigest()


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    """A private data copy and a site built from it once, for tests that change things."""
    folder = tmp_path_factory.mktemp("workflow")
    data = folder / "data"
    shutil.copytree(DATA, data)
    first = build.build(data, folder / "_build" / "html")
    return folder, data, first


def _correct(data: Path, file: str, old: str, new: str) -> None:
    """A logged correction, as staff would make it."""
    path = data / "quarters" / "2024Q1" / file
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    log = data / provenance.CORRECTIONS_FILE
    log.write_text(log.read_text(encoding="utf-8") + f"2026-12-01,2024Q1,{file},测试更正,测试\n", encoding="utf-8")
    provenance.record_checksums(data / "quarters" / "2024Q1")


def test_first_build_runs_every_notebook_and_a_rebuild_with_nothing_changed_runs_none(workspace):
    folder, data, first = workspace
    assert sorted(first.executed) == ["2024Q1", "comparison", "home", "methodology"]
    again = build.build(data, folder / "_build" / "html")
    assert again.up_to_date and again.executed == []


def test_rerun_executes_only_the_named_quarter(workspace):
    folder, data, _ = workspace
    result = build.build(data, folder / "_build" / "html", rerun=["2024Q1"])
    assert result.executed == ["2024Q1"]


def test_a_changed_quarter_reruns_it_and_the_pages_across_quarters_only(workspace):
    folder, data, _ = workspace
    _correct(data, "quality_remark.md", "大部分群众诉求", "多数群众诉求")
    result = build.build(data, folder / "_build" / "html")
    assert sorted(result.executed) == ["2024Q1", "comparison", "home", "methodology"]
    page = (folder / "_build" / "html" / "quarters" / "2024Q1.html").read_text(encoding="utf-8")
    assert "多数群众诉求" in page


def _project_copy(tmp_path: Path) -> Path:
    """The book files, notebooks and pins of the project, for a test that changes them."""
    root = tmp_path / "root"
    root.mkdir()
    for name in ("_config.yml", "_toc.yml", "requirements.txt"):
        shutil.copy2(REPO / name, root / name)
    for name in ("_static", "notebooks"):
        shutil.copytree(REPO / name, root / name)
    return root


def _broken_root(tmp_path: Path) -> Path:
    root = _project_copy(tmp_path)
    template = root / "notebooks" / "quarter.ipynb"
    notebook = nbformat.read(template, as_version=4)
    failing = nbformat.v4.new_code_cell('raise ValueError("测试：这一格出错")')
    notebook.cells.insert(6, failing)
    nbformat.write(notebook, template)
    return root


def test_a_notebook_error_names_the_quarter_cell_and_exception_and_publishes_nothing(workspace, tmp_path):
    folder, data, _ = workspace
    output = folder / "_build" / "html"
    before = _digest(output)
    with pytest.raises(BuildError) as caught:
        build.build(data, output, _broken_root(tmp_path))
    message = str(caught.value)
    assert "2024Q1（quarter.ipynb）" in message
    assert '第6个代码单元格（含papermill注入的参数格）“raise ValueError("测试：这一格出错")”' in message
    assert "ValueError: 测试：这一格出错" in message
    kept = folder / "_build" / "logs" / "2024Q1.ipynb"
    assert kept.is_file() and str(kept) in message
    assert _digest(output) == before


def test_a_sphinx_warning_fails_the_build_and_publishes_nothing(workspace):
    folder, data, _ = workspace
    output = folder / "_build" / "html"
    before = _digest(output)
    _correct(data, "problems.md", "具体表现在以下几个方面：", "具体表现在以下几个方面（见{doc}`不存在的页面`）：")
    with pytest.raises(BuildError, match="Jupyter Book 构建失败"):
        build.build(data, output)
    assert "不存在的页面" in (folder / "_build" / "logs" / "jupyter-book-html.log").read_text(encoding="utf-8")
    assert _digest(output) == before


def test_bad_data_after_a_good_build_keeps_the_published_site(workspace):
    folder, data, _ = workspace
    output = folder / "_build" / "html"
    before = _digest(output)
    towns = data / "quarters" / "2024Q1" / "towns.csv"
    towns.write_text(towns.read_text(encoding="utf-8").replace("尧禾镇,,64", "尧禾镇,,-64"), encoding="utf-8")
    with pytest.raises(DataError, match="负数"):
        build.build(data, output)
    assert _digest(output) == before


def test_the_build_needs_no_network(tmp_path):
    """Run the whole build in a network namespace that has only loopback."""
    if subprocess.run(["unshare", "-rn", "true"], capture_output=True).returncode != 0:
        if os.environ.get("CI"):
            pytest.fail("unshare -rn is not permitted here, so the offline build cannot be proven")
        pytest.skip("unshare -rn is not permitted on this machine")
    command = f"ip link set lo up && {sys.executable} -m hotline.site --output {tmp_path / 'html'}"
    result = subprocess.run(["unshare", "-rn", "sh", "-c", command], capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    assert (tmp_path / "html" / "quarters" / "2024Q1.html").is_file()
    assert (tmp_path / "html" / "pdf" / "2024Q1.pdf").is_file()


def test_markup_in_a_unit_name_is_shown_as_text_and_a_wrong_total_row_is_flagged(tmp_path):
    """Two inputs that are published, not refused: each must be shown plainly and safely."""
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    hostile = "尧禾镇<script>alert(1)</script>"
    for path in [data / "units.csv", *(data / "quarters" / "2024Q1").iterdir()]:
        if path.suffix in {".csv", ".toml", ".md"} and path.name != provenance.PROVENANCE_FILE:
            path.write_text(path.read_text(encoding="utf-8").replace("尧禾镇", hostile), encoding="utf-8")
    _correct(data, "circular.toml", "[totals.town]\nwork_orders = 389", "[totals.town]\nwork_orders = 390")
    output = build.build(data, tmp_path / "_build" / "html").output
    pages = [p for p in output.rglob("*.html") if "_static" not in p.parts]
    for page in pages:
        assert "<script>alert" not in page.read_text(encoding="utf-8"), page
    shown = ("&lt;script&gt;alert(1)&lt;/script&gt;", "＜script＞alert(1)＜/script＞")  # as text, or in titles
    for page in ["quarters/2024Q1.html", "units/unit-T02.html", "units/index.html", "index.html"]:
        html = (output / page).read_text(encoding="utf-8")
        assert any(form in html for form in shown), page
    q1 = (output / "quarters" / "2024Q1.html").read_text(encoding="utf-8")
    assert "390（✗ 各行之和389）" in q1
    assert '<tr class="mismatch"><td>附件1总计·承办工单量</td><td>390</td><td>389</td>' in q1


def _run_alone(template: Path, work: Path, parameters: dict) -> nbformat.NotebookNode:
    work.mkdir()
    assert notebooks.run_in_worker(str(template), str(work), parameters) is None
    notebook = nbformat.read(work / "page.ipynb", as_version=4)
    notebooks.hide_injected_parameters(notebook)
    notebooks.strip_run_metadata(notebook)
    return notebook


def test_a_notebook_run_in_a_kernel_that_ran_others_gives_the_same_page(tmp_path):
    """Workers reuse their kernel; each notebook must still start from an empty session."""
    quarter = REPO / "notebooks" / "quarter.ipynb"
    parameters = {"quarter": "2024Q1", "data_dir": str(DATA)}
    first = _run_alone(quarter, tmp_path / "first", parameters)
    _run_alone(REPO / "notebooks" / "comparison.ipynb", tmp_path / "between", {"data_dir": str(DATA)})
    again = _run_alone(quarter, tmp_path / "again", parameters)
    assert nbformat.writes(again) == nbformat.writes(first)
    assert next(c.execution_count for c in again.cells if c.cell_type == "code") == 1
    assert sorted(p.name for p in (tmp_path / "again").iterdir()) == ["charts", "downloads", "page.ipynb"]


def _stylesheet_link(page: Path) -> str:
    return re.search(r"hotline\.css\?v=\w+", page.read_text(encoding="utf-8")).group(0)


def test_a_stylesheet_change_alone_reaches_the_published_pages(tmp_path):
    """Sphinx sees no changed page when only _static/ changed; the build must still publish it."""
    root = _project_copy(tmp_path)
    output = tmp_path / "_build" / "html"
    build.build(DATA, output, root)
    before = _stylesheet_link(output / "quarters" / "2024Q1.html")
    stylesheet = root / "_static" / "hotline.css"
    stylesheet.write_text(stylesheet.read_text(encoding="utf-8") + "\n.restyled { color: #123456; }\n", "utf-8")
    result = build.build(DATA, output, root)
    assert result.executed == []  # no notebook depends on the stylesheet
    assert ".restyled" in (output / "_static" / "hotline.css").read_text(encoding="utf-8")
    for page in ("index.html", "quarters/2024Q1.html", "units/unit-T01.html"):  # each names the new checksum
        assert _stylesheet_link(output / page) != before
