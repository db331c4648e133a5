import nbformat
import papermill
import pytest

from .conftest import DATA, REPO

pytestmark = pytest.mark.site


def test_papermill_runs_the_quarter_template_for_q1(tmp_path):
    output = tmp_path / "2024Q1.ipynb"
    papermill.execute_notebook(
        str(REPO / "notebooks" / "quarter.ipynb"),
        str(output),
        parameters={"quarter": "2024Q1", "data_dir": str(DATA)},
        cwd=str(tmp_path),
        kernel_name="python3",
        progress_bar=False,
    )
    notebook = nbformat.read(output, as_version=4)
    injected = [c for c in notebook.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert len(injected) == 1 and '"2024Q1"' in injected[0].source
    outputs = [o for c in notebook.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    markdown = "".join(o.data.get("text/markdown", "") for o in outputs if "data" in o)
    assert "共受理事项1615件" in markdown
    assert sorted(p.name for p in (tmp_path / "charts").iterdir()) == [
        "2024Q1-composite-scores.png",
        "2024Q1-problems.png",
        "2024Q1-work-orders.png",
    ]


def test_every_code_cell_of_the_templates_is_hidden():
    for name in ["quarter.ipynb", "methodology.ipynb"]:
        notebook = nbformat.read(REPO / "notebooks" / name, as_version=4)
        for cell in notebook.cells:
            if cell.cell_type == "code":
                tags = cell.metadata.get("tags", [])
                assert "remove-input" in tags or "remove-cell" in tags, (name, cell.source)
