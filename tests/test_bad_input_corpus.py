"""The bad-input corpus (tests/bad_inputs/cases.toml): every kind of bad quarter data staff may
hand in, each with the exact message it must give. Run through the real command: the build
must stop with that message, no traceback, and nothing published."""

from __future__ import annotations

import shutil
import tomllib
from pathlib import Path

import pytest

from hotline.data import provenance
from hotline.site import cli

from .conftest import DATA

CASES = tomllib.loads((Path(__file__).parent / "bad_inputs" / "cases.toml").read_text(encoding="utf-8"))["case"]


def apply(case: dict, data: Path) -> None:
    """Break a copy of data/ as the case says; unless ``record = false``, record the checksums so
    that the case is caught by its own check rather than by the checksum check."""
    folder = data / "quarters" / "2024Q1"
    path = folder / case.get("file", "towns.csv")
    if "line" in case:
        lines = path.read_text(encoding="utf-8").splitlines()
        lines[case["line"] - 1] = case["text"]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    if "content" in case:
        path.write_text(case["content"], encoding="utf-8")
    if "replace" in case:
        old, new = case["replace"]
        path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    if "encoding" in case:
        path.write_bytes(path.read_text(encoding="utf-8").encode(case["encoding"]))
    if case.get("record", True) and "rename_quarter" not in case:
        record = provenance.read(folder)
        text = (folder / provenance.PROVENANCE_FILE).read_text(encoding="utf-8")
        for name in provenance.TRACKED_FILES:
            text = text.replace(record.checksums[name], provenance.sha256(folder / name))
        (folder / provenance.PROVENANCE_FILE).write_text(text, encoding="utf-8")
    if "rename_quarter" in case:
        folder.rename(folder.with_name(case["rename_quarter"]))


def test_the_corpus_covers_at_least_fifteen_kinds():
    assert len(CASES) >= 15
    assert len({c["name"] for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_bad_input_gives_its_exact_error_and_publishes_nothing(case, tmp_path, capsys):
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    apply(case, data)
    output = tmp_path / "_build" / "html"
    assert cli.main(["--data", str(data), "--output", str(output)]) == 1
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    lines = captured.err.strip().splitlines()
    assert lines[0] == "构建失败，网站未更新。"
    assert "\n".join(lines[1:]) == case["error"].replace("{data}", str(data))
    assert not output.exists()
