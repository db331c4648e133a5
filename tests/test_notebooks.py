"""The notebooks are real notebooks: run as a researcher would run them in Jupyter (from
notebooks/, on ../data), they show their charts and their data, and write nothing beside themselves."""

from __future__ import annotations

import nbformat
import pytest
from nbclient import NotebookClient

from .conftest import REPO, shared

NOTEBOOKS = REPO / "notebooks"


def _listing() -> list[str]:
    return sorted(p.relative_to(NOTEBOOKS).as_posix() for p in NOTEBOOKS.rglob("*"))


def _run(name: str) -> nbformat.NotebookNode:
    notebook = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
    NotebookClient(
        notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOKS)}}
    ).execute()
    return notebook


def _outputs(notebook):
    return [output for cell in notebook.cells if cell.cell_type == "code" for output in cell.outputs]


@pytest.fixture(scope="session")
def quarter_notebook(tmp_path_factory, worker_id):
    def run(folder):
        before = _listing()
        notebook = _run("quarter")
        assert _listing() == before  # no chart, CSV or cache written into notebooks/
        return notebook

    return shared(tmp_path_factory, worker_id, "quarter-notebook", run)  # run once for both test workers


@pytest.mark.external
def test_the_quarter_notebook_shows_each_chart_as_an_image(quarter_notebook):
    images = [o for o in _outputs(quarter_notebook) if "image/svg+xml" in o.get("data", {})]
    assert len(images) == 3
    assert all(o["metadata"]["hotline"]["alt"] for o in images)


@pytest.mark.external
def test_the_quarter_notebook_shows_its_data_step_as_dataframes(quarter_notebook):
    frames = [
        o
        for o in _outputs(quarter_notebook)
        if "<table" in o.get("data", {}).get("text/html", "") and "dataframe" in o["data"]["text/html"]
    ]
    assert len(frames) == 2  # the units and the checks
    assert "劳动监察大队" in frames[0]["data"]["text/html"]


def test_the_data_step_is_hidden_on_the_site_and_every_template_hides_its_code():
    for path in NOTEBOOKS.glob("*.ipynb"):
        notebook = nbformat.read(path, as_version=4)
        assert "parameters" in notebook.cells[1].metadata.get("tags", []), path.name
        for cell in notebook.cells:
            tags = cell.metadata.get("tags", [])
            if cell.cell_type == "code" and path.stem != "research":
                assert "remove-input" in tags or "remove-cell" in tags, (path.name, cell.source)
            if "page.units()" in cell.source or "page.checks()" in cell.source:
                assert "remove-cell" in tags


@pytest.mark.external
def test_the_research_notebook_loads_every_quarter_in_one_call_and_runs_its_examples():
    before = _listing()
    notebook = _run("research")
    assert _listing() == before
    outputs = _outputs(notebook)
    assert not [o for o in outputs if o.output_type == "error"]
    assert any("image/png" in o.get("data", {}) for o in outputs)  # matplotlib's own inline figure
    assert any("相关系数" in o.get("text", "") for o in outputs)
    loading = next(c for c in notebook.cells if "load_units(" in c.source)
    assert loading.source.count("\n") <= 3  # one call


def test_the_research_notebooks_visible_cells_need_nothing_but_the_data_folder():
    """A reader who copies the cells the site shows needs no build plumbing: the results the build
    hands over (``saved``) are taken in a cell the site does not show, and each table is one call."""
    notebook = nbformat.read(NOTEBOOKS / "research.ipynb", as_version=4)
    shown = [
        c.source for c in notebook.cells if c.cell_type == "code" and "remove-cell" not in c.metadata.get("tags", [])
    ]
    assert shown and not any("saved" in source for source in shown)
    for call in ("load_units(data_dir)", "load_headline(data_dir)", "load_checks(data_dir)", "load_format(data_dir)"):
        assert any(call in source for source in shown), call


def test_one_call_each_gives_the_units_the_headline_and_the_checks_of_any_data_folder(data_copy, history):
    import hotline

    units, headline, checks = (f(data_copy) for f in (hotline.load_units, hotline.load_headline, hotline.load_checks))
    assert units.equals(history.units) and set(units["quarter"]) == {"2024Q1"}
    assert headline.loc[0, "received"] == 1615
    assert len(checks[~checks["agrees"]]) == 6  # the six differences of the 2024 Q1 circular
    assert hotline.load_format(data_copy).labels == {"town": "镇办", "department": "部门"}


def test_the_research_calls_validate_a_folder_once_while_it_stays_the_same(data_copy, monkeypatch):
    import hotline
    from hotline.rules.history import History

    built = []
    real = History.build
    monkeypatch.setattr(History, "build", lambda data, *a, **k: built.append(1) or real(data, *a, **k))
    hotline.load_units(data_copy), hotline.load_headline(data_copy), hotline.load_checks(data_copy)
    assert len(built) == 1
    path = data_copy / "format.toml"
    path.write_text(path.read_text(encoding="utf-8").replace("best_named = 2", "best_named = 3"), encoding="utf-8")
    checks = hotline.load_checks(data_copy)  # a changed folder is read again
    assert len(built) == 2 and not checks.set_index("key").loc["best_units", "agrees"]
