from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from hotline.data.loading import load_quarter

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "data"


@pytest.fixture(scope="session")
def q1():
    return load_quarter(DATA, "2024Q1")


@pytest.fixture
def data_copy(tmp_path) -> Path:
    """A private copy of data/ that a test may break."""
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    return target


def edit_line(path: Path, line: int, new_text: str) -> None:
    """Replace line number ``line`` (1 = header) of a data file."""
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[line - 1] = new_text
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
