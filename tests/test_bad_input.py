"""Each kind of bad input gives a DataError naming the file, the line and the column."""

import pytest

from hotline.data.errors import DataError
from hotline.data.loading import load_all, load_quarter

from .conftest import edit_line

HEADER = "办理部门,下属单位,承办工单量,延期量,重办量,逾期量,加分值,减分值,综合得分"


def _load(data):
    return load_quarter(data, "2024Q1")


@pytest.mark.parametrize(
    ("file", "line", "text", "column", "message"),
    [
        ("towns.csv", 1, HEADER.replace(",逾期量", ""), "逾期量", "缺少列"),
        ("towns.csv", 1, HEADER + ",备注", "备注", "多出未知的列"),
        ("towns.csv", 3, "尧禾镇,,六十四,,,,3.4,1,100", "承办工单量", "不是数字"),
        ("towns.csv", 3, "尧禾镇,,-64,,,,3.4,1,100", "承办工单量", "负数"),
        ("towns.csv", 3, "尧禾镇,,64.5,,,,3.4,1,100", "承办工单量", "不是整数"),
        ("towns.csv", 3, "尧禾镇,,６４,,,,3.4,1,100", "承办工单量", "全角"),
        ("towns.csv", 3, "尧禾镇,,64,,,,3.4,-1,100", "减分值", "负数"),
        ("towns.csv", 3, "尧禾镇,,64,,,,3.4,1,101", "综合得分", "超出0–100"),
        ("towns.csv", 3, "城关街道办,,64,,,,3.4,1,100", "办理部门", "重复"),
        ("departments.csv", 3, "人设局,劳动监察大队,139,,,,4.8,,", "办理部门", "上级部门“人设局”不在本表之前的行中"),
        ("departments.csv", 3, ",劳动监察大队,139,,,,4.8,,", "办理部门", "上级部门为空"),
        ("departments.csv", 3, "人社局,劳动监察大队,139,,,,4.8,,100", "综合得分", "下属单位没有单独的综合得分"),
    ],
)
def test_bad_cell_is_named(data_copy, file, line, text, column, message):
    path = data_copy / "quarters" / "2024Q1" / file
    edit_line(path, line, text)
    with pytest.raises(DataError) as caught:
        _load(data_copy)
    error = caught.value
    assert (error.path, error.line, error.column) == (path, line, column)
    assert message in str(error)
    assert f"{path} 第{line}行「{column}」列" in str(error)


def test_shifted_cells_name_the_line(data_copy):
    path = data_copy / "quarters" / "2024Q1" / "towns.csv"
    edit_line(path, 4, "雷牙镇,,48,1,,,4,2,100,")
    with pytest.raises(DataError, match=r"第4行.*10个单元格"):
        _load(data_copy)


def test_sub_unit_before_its_parent(data_copy):
    path = data_copy / "quarters" / "2024Q1" / "departments.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[1], lines[2] = lines[2], lines[1]  # 劳动监察大队 now comes before 人社局
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(DataError) as caught:
        _load(data_copy)
    assert (caught.value.line, caught.value.column) == (2, "办理部门")


def test_duplicate_across_attachments_names_both_places(data_copy):
    path = data_copy / "quarters" / "2024Q1" / "departments.csv"
    edit_line(path, 4, "城关街道办,,95,,,,4,2,100")
    with pytest.raises(DataError, match=r"departments.csv 第4行.*towns.csv 第2行"):
        _load(data_copy)


def test_empty_file(data_copy):
    path = data_copy / "quarters" / "2024Q1" / "towns.csv"
    path.write_text("", encoding="utf-8")
    with pytest.raises(DataError, match="文件为空"):
        _load(data_copy)


def test_gbk_file_is_named_as_such(data_copy):
    path = data_copy / "quarters" / "2024Q1" / "towns.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("gbk"))
    with pytest.raises(DataError, match=r"不是 UTF-8 编码.*GBK"):
        _load(data_copy)


def test_utf8_bom_from_excel_is_accepted(data_copy, q1):
    path = data_copy / "quarters" / "2024Q1" / "towns.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert _load(data_copy).units.equals(q1.units)


@pytest.mark.parametrize("name", ["2024Q5", "2024-Q1", "24Q1"])
def test_malformed_quarter_folder(data_copy, name):
    (data_copy / "quarters" / "2024Q1").rename(data_copy / "quarters" / name)
    with pytest.raises(DataError, match=rf"{name}.*季度编号“{name}”格式不对"):
        load_all(data_copy)


def test_quarter_id_inside_the_file_must_match_its_folder(data_copy):
    path = data_copy / "quarters" / "2024Q1" / "circular.toml"
    path.write_text(path.read_text(encoding="utf-8").replace('quarter = "2024Q1"', 'quarter = "2024Q2"'), "utf-8")
    with pytest.raises(DataError, match=r"circular.toml 第6行「quarter」项"):
        _load(data_copy)


def test_headline_figure_of_the_wrong_type(data_copy):
    path = data_copy / "quarters" / "2024Q1" / "circular.toml"
    text = path.read_text(encoding="utf-8").replace("received = 1615", 'received = "1615件"')
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataError, match=r"「headline.received」项：值“1615件”应为整数"):
        _load(data_copy)


def test_unit_named_by_the_circular_must_be_in_the_tables(data_copy):
    path = data_copy / "quarters" / "2024Q1" / "circular.toml"
    path.write_text(path.read_text(encoding="utf-8").replace('unit = "林皋镇"', 'unit = "林皋"'), "utf-8")
    with pytest.raises(DataError, match=r"林皋.*不在附件表格中"):
        _load(data_copy)
