import pytest

from hotline.data.errors import DataError
from hotline.data.loading import load_quarter
from hotline.data.quarter_id import QuarterId
from hotline.data.registry import Registry

from .conftest import DATA, edit_line


@pytest.fixture(scope="module")
def registry():
    return Registry.load(DATA)


def test_every_q1_unit_has_a_stable_id(q1, registry):
    assert q1.units["unit_id"].is_unique
    assert set(q1.units["unit_id"]) == set(registry.units)
    sub = q1.units.set_index("unit").loc["劳动监察大队"]
    assert registry.units[sub["unit_id"]].parent_id == registry.by_name["人社局"].id


def test_unknown_unit_names_the_cell_and_the_closest_names(data_copy):
    path = data_copy / "quarters" / "2024Q1" / "departments.csv"
    edit_line(path, 4, "市场监管局,,95,,,,4,2,100")
    with pytest.raises(DataError) as caught:
        load_quarter(data_copy, "2024Q1")
    assert (caught.value.line, caught.value.column) == (4, "办理部门")
    assert "“市场监管局”不在单位名录" in str(caught.value) and "市场局" in str(caught.value)


def test_a_former_name_maps_to_the_same_unit_only_in_its_quarters(data_copy):
    aliases = data_copy / "unit_aliases.csv"
    aliases.write_text(aliases.read_text(encoding="utf-8") + "城市管理局,D07,,2023Q4,2024年起改称城管局\n", "utf-8")
    registry = Registry.load(data_copy)
    assert registry.resolve("城市管理局", QuarterId(2023, 4)).name == "城管局"
    assert registry.resolve("城市管理局", QuarterId(2024, 1)) is None
    assert registry.names_of("D07") == ["城管局", "城市管理局"]


def test_a_department_in_the_town_table_is_refused(data_copy):
    folder = data_copy / "quarters" / "2024Q1"
    edit_line(folder / "departments.csv", 4, "")  # 市场局 moves from 附件2 to 附件1
    edit_line(folder / "towns.csv", 9, "市场局,,37,,2,,2,6,96")
    with pytest.raises(DataError, match=r"towns.csv 第9行「办理部门」列.*类别是部门.*不应出现在附件1"):
        load_quarter(data_copy, "2024Q1")


def test_registry_rows_are_validated(data_copy):
    path = data_copy / "units.csv"
    edit_line(path, 3, "T01,尧禾镇,镇办,,")
    with pytest.raises(DataError, match=r"units.csv 第3行「编号」列.*重复"):
        Registry.load(data_copy)
