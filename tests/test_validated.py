"""Stage 1 between builds: a quarter's validated results are reused only while everything its
validation and results depend on is unchanged (hotline.site.validated)."""

from __future__ import annotations

import pytest

from hotline.data import provenance
from hotline.data.errors import DataError
from hotline.data.files import DataFolder
from hotline.rules import history as history_module
from hotline.site import keys, validated
from tests.conftest import correct


def _history(data, cache):
    folder = DataFolder(data)
    return validated.history(folder, keys.Inputs(keys.REPO, folder), cache)


def test_an_unchanged_quarter_is_not_read_again_and_gives_the_same_results(data_copy, tmp_path, monkeypatch):
    cache = tmp_path / "validated"
    first = _history(data_copy, cache)

    def not_again(*args, **kwargs):
        raise AssertionError("an unchanged quarter was read and validated again")

    monkeypatch.setattr(history_module, "load_quarter", not_again)
    again = _history(data_copy, cache)
    assert again.quarter_ids == first.quarter_ids
    assert again.units.equals(first.units)
    assert [r.headline for r in again.results] == [r.headline for r in first.results]


def test_a_logged_correction_not_yet_recorded_is_caught_although_the_files_did_not_change(data_copy, tmp_path):
    cache = tmp_path / "validated"
    _history(data_copy, cache)
    log = data_copy / provenance.CORRECTIONS_FILE
    log.write_text(log.read_text(encoding="utf-8") + "2026-12-01,2024Q1,towns.csv,测试更正,测试\n", "utf-8")
    with pytest.raises(DataError, match="更正记录"):
        _history(data_copy, cache)


def test_a_changed_quarter_is_validated_and_computed_again(data_copy, tmp_path):
    cache = tmp_path / "validated"
    first = _history(data_copy, cache)
    towns = data_copy / "quarters" / "2024Q1" / "towns.csv"
    line = towns.read_text(encoding="utf-8").splitlines()[1]  # the first town
    cells = line.split(",")
    unit, work_orders = cells[0], int(cells[2])
    before = first.result("2024Q1").units.set_index("unit")["work_orders"]
    assert before[unit] == work_orders
    cells[2] = str(work_orders + 1)
    correct(data_copy, "towns.csv", line, ",".join(cells))
    after = _history(data_copy, cache).result("2024Q1").units.set_index("unit")["work_orders"]
    assert after[unit] == before[unit] + 1
    assert len(list(cache.glob("2024Q1-*.pickle"))) == 1  # the older results are not kept
