"""Stage 1: reading and validating what staff edit. Every problem names the file, the line and the
column or key; nothing meaningless passes."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest

from hotline.data import narrative, provenance, schema
from hotline.data.errors import DataError, Placeholder
from hotline.data.files import DataFolder
from hotline.data.quarter_id import QuarterId
from hotline.data.quarters import load_all, load_quarter
from hotline.data.registry import Registry
from hotline.data.toml_file import key_lines

from .conftest import DATA, edit_line, rerecord

HEADER = "办理部门,下属单位,承办工单量,延期量,重办量,逾期量,加分值,减分值,综合得分"


def _load(data):
    return load_quarter(data, "2024Q1", verify=False)


# --- what Q1 says --------------------------------------------------------------------------------


def test_q1_has_every_row_of_both_attachments(q1):
    towns = q1.units[q1.units["kind"] == schema.TOWN]
    departments = q1.units[q1.units["kind"] == schema.DEPARTMENT]
    assert len(towns) == 8
    assert (departments["parent"] == "").sum() == 41
    sub_units = departments[departments["parent"] != ""]
    assert dict(zip(sub_units["unit"], sub_units["parent"], strict=True)) == {
        "劳动监察大队": "人社局",
        "交警大队": "公安局",
        "林业局": "自然资源局",
        "移民办": "自然资源局",
        "房管所": "住建局",
        "煤炭事务中心": "应急管理局",
        "乡村振兴局": "农业农村局",
    }


def test_blank_count_cells_read_as_zero_and_sub_units_have_no_score(q1):
    row = q1.units.set_index("unit").loc["尧禾镇"]
    assert (row["extended"], row["redone"], row["overdue"], row["penalty"]) == (0, 0, 0, 1.0)
    assert q1.units[q1.units["parent"] != ""]["published_score"].isna().all()


def test_published_figures_are_read_as_printed(q1):
    h = q1.headline
    assert (h.received, h.completed, h.completion_rate_pct) == (1615, 1612, 99.8)
    assert (h.extended, h.redone, h.overdue) == (14, 13, 15)
    assert (h.answered_directly, h.assigned_towns, h.assigned_departments, h.joint_dispatch) == (56, 389, 1170, 51)
    assert h.completed_as_of == dt.date(2024, 4, 19)
    assert [(o.unit, o.count) for o in h.outstanding] == [("林皋镇", 2), ("市场局", 1)]
    assert (h.overdue_rate_pct, h.satisfaction_change_pts, h.satisfaction_compared_with) == (
        1.56,
        -3.0,
        QuarterId(2023, 4),
    )
    assert h.monthly_satisfaction == (("2024-03", 89.96),)
    assert (q1.document.number, q1.document.date) == ("白政办发〔2024〕29号", dt.date(2024, 5, 11))
    assert q1.document.cc == ("县委办", "人大办", "政协办", "纪委办", "人武部政工科")
    assert q1.status == "issued" and not q1.is_draft


def test_names_printed_across_a_line_break_are_joined(q1):
    assert "国家税务总局白水县税务局" in set(q1.units["unit"])
    assert not q1.units["unit"].str.contains(r"\s").any()


def test_every_q1_unit_has_a_stable_id(q1, registry):
    assert q1.units["unit_id"].is_unique
    assert set(q1.units["unit_id"]) == set(registry.units)
    sub = q1.units.set_index("unit").loc["劳动监察大队"]
    assert registry.units[sub["unit_id"]].parent_id == registry.by_name["人社局"].id


def test_the_narrative_is_read_into_paragraphs_and_points(q1):
    problems = q1.narrative["problems"]
    points = [b for b in problems.blocks if isinstance(b, narrative.Point)]
    assert [p.label for p in points] == ["（一）", "（二）", "（三）"]
    assert points[0].heading == (narrative.Strong("审核把关不严。"),)
    assert points[0].inlines[0].text.startswith("部分承办单位对热线工作重视程度下滑")
    assert isinstance(problems.blocks[0], narrative.Paragraph)


def test_each_data_file_is_read_from_disk_once_however_often_it_is_used():
    folder = DataFolder(DATA)
    load_all(folder)  # parses each file, and verifies each checksum from the same bytes
    assert folder.reads and set(folder.reads.values()) == {1}
    assert folder.path("quarters", "2024Q1", "towns.csv").resolve() in folder.reads


# --- bad cells in the attachment tables -----------------------------------------------------------


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
        ("towns.csv", 3, "尧禾镇,,64,,,,3.4,1,-1", "综合得分", "负数"),
        ("towns.csv", 3, "尧禾镇,,64,,,,3.4,1,nan", "综合得分", "不是数字"),
        ("towns.csv", 3, "尧禾镇,,64,,,,inf,1,100", "加分值", "不是数字"),
        ("towns.csv", 3, "城关街道办,,64,,,,3.4,1,100", "办理部门", "重复"),
        ("towns.csv", 3, '"尧禾\n镇",,64,,,,3.4,1,100', "办理部门", "换行"),
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


@pytest.mark.parametrize(
    "name",
    ["towns.csv", "circular.toml", "problems.md", "../../units.csv", "../../corrections.csv", "../../unit_aliases.csv"],
)
@pytest.mark.parametrize("encoding", ["gbk", "utf-16"])
def test_a_file_saved_in_another_encoding_is_named_as_such(data_copy, name, encoding):
    path = (data_copy / "quarters" / "2024Q1" / name).resolve()
    path.write_bytes(path.read_text(encoding="utf-8").encode(encoding))
    with pytest.raises(DataError) as caught:
        load_all(data_copy)
    assert caught.value.path == path
    assert "不是 UTF-8 编码" in str(caught.value)
    assert ("GBK" if encoding == "gbk" else "UTF-16") in str(caught.value)


def test_utf8_bom_from_excel_is_accepted(data_copy, q1):
    path = data_copy / "quarters" / "2024Q1" / "towns.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert _load(data_copy).units.equals(q1.units)


@pytest.mark.parametrize("name", ["2024Q5", "2024-Q1", "24Q1"])
def test_malformed_quarter_folder(data_copy, name):
    (data_copy / "quarters" / "2024Q1").rename(data_copy / "quarters" / name)
    with pytest.raises(DataError, match=rf"{name}.*季度编号“{name}”格式不对"):
        load_all(data_copy)


# --- circular.toml: types, ranges, the key and its line -------------------------------------------


def _toml(data, old: str, new: str):
    path = data / "quarters" / "2024Q1" / "circular.toml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(DataError) as caught:
        _load(data)
    return caught.value


@pytest.mark.parametrize(
    ("old", "new", "key", "line", "message"),
    [
        ('quarter = "2024Q1"', 'quarter = "2024Q2"', "quarter", 6, "与所在文件夹 2024Q1 不一致"),
        ("received = 1615", 'received = "1615件"', "headline.received", 20, "值“1615件”应为整数"),
        ("received = 1615", "received = 0", "headline.received", 20, "应不小于1"),
        ("completed = 1612", "completed = 1700", "headline.completed", 21, "办结1700件多于受理1615件"),
        ("completion_rate_pct = 99.8", "completion_rate_pct = 998", "headline.completion_rate_pct", 23, "超出合理范围"),
        (
            "completion_rate_pct = 99.8",
            "completion_rate_pct = nan",
            "headline.completion_rate_pct",
            23,
            "不是有效的数字",
        ),
        ("overdue_rate_pct = 1.56", "overdue_rate_pct = inf", "headline.overdue_rate_pct", 32, "不是有效的数字"),
        (
            "completed_as_of = 2024-04-19",
            "completed_as_of = 2023-04-19",
            "headline.completed_as_of",
            22,
            "不在合理范围内",
        ),
        (
            'satisfaction_compared_with = "2023Q4"',
            'satisfaction_compared_with = "上季度"',
            "headline.satisfaction_compared_with",
            34,
            "季度编号“上季度”格式不对",
        ),
        (
            'satisfaction_compared_with = "2023Q4"',
            'satisfaction_compared_with = "2024Q2"',
            "headline.satisfaction_compared_with",
            34,
            "不在2024Q1之前",
        ),
        ('month = "2024-03"', 'month = "三月"', "headline.monthly_satisfaction[0].month", 47, "应写成 2024-03 的格式"),
        (
            'month = "2024-03"',
            'month = "2024-07"',
            "headline.monthly_satisfaction[0].month",
            47,
            "不在2024年第一季度之内",
        ),
        (
            "satisfaction_pct = 89.96",
            "satisfaction_pct = 189.96",
            "headline.monthly_satisfaction[0].satisfaction_pct",
            48,
            "超出",
        ),
        ('unit = "市场局"\ncount = 1', 'unit = "市场局"\ncount = 0', "headline.outstanding[1].count", 43, "应不小于1"),
        ('cc = ["县委办"', 'cc = [3, "县委办"', "document.cc[0]", 14, "值“3”应为文字"),
        ("date = 2024-05-11", "date = 2024-02-11", "document.date", 13, "应在季度结束后印发"),
        ("date = 2024-05-11", 'date = "2024年5月11日"', "document.date", 13, "应为日期"),
        ('number = "白政办发〔2024〕29号"', 'number = "白政办发[2024]29号"', "document.number", 9, "格式不对"),
        (
            'number = "白政办发〔2024〕29号"',
            'number = "白政办发〔2023〕29号"',
            "document.number",
            9,
            "与发文日期 2024-05-11 不一致",
        ),
        ("received = 1615", "recieved = 1615", "headline.recieved", 20, "未知的项“recieved”"),
        ("work_orders = 389", 'work_orders = "待填写"', "totals.town.work_orders", 62, "尚未填写"),
        ("copies_printed = 5", "copies_printed = true", "document.copies_printed", 15, "应为整数"),
        (
            'copies_note = "(共印5份)"',
            'copies_note = "(共印6份)"',
            "document.copies_note",
            17,
            "与 copies_printed = 5 不一致",
        ),
        ('copies_note = "(共印5份)"', 'copies_note = "共印5份"', "document.copies_note", 17, "按原文照录"),
        (
            'attachment_subtitle = "(包含联合派单)"',
            'attachment_subtitle = "(包含联合派单)<b>"',
            "document.attachment_subtitle",
            16,
            "按原文照录",
        ),
        ("copies_printed = 5", "copies_printed = 5\nsealed = 1", "document.sealed", 16, "应为"),
    ],
)
def test_a_bad_value_in_circular_toml_names_its_key_and_line(data_copy, old, new, key, line, message):
    error = _toml(data_copy, old, new)
    assert (error.column, error.line) == (key, line), str(error)
    assert message in str(error)
    assert f"circular.toml 第{line}行「{key}」项" in str(error)


def test_a_broken_toml_file_names_its_line(data_copy):
    error = _toml(data_copy, 'issuer = "白水县人民政府办公室"', "issuer = 白水县人民政府办公室")
    assert error.line == 11 and "TOML 格式错误" in str(error)


def test_the_line_of_a_nested_key_is_the_line_of_that_key_not_of_its_namesake():
    lines = key_lines((DATA / "quarters" / "2024Q1" / "circular.toml").read_text(encoding="utf-8"))
    assert lines["headline.outstanding[1].unit"] == 42
    assert lines["headline.outstanding[0].unit"] == 38
    assert lines["totals.department.extended"] == 69
    assert lines["totals.town.extended"] == 63
    assert lines["lists.top_volume[2]"] == 55


def test_a_placeholder_left_by_the_importer_is_a_placeholder_error(data_copy):
    (data_copy / "quarters" / "2024Q1" / "problems.md").write_text("待填写：请按原文录入。\n", encoding="utf-8")
    with pytest.raises(Placeholder, match=r"problems.md 第1行：尚未填写"):
        _load(data_copy)


# --- the registry, the log, provenance --------------------------------------------------------------


def test_unknown_unit_names_the_cell_and_the_closest_names(data_copy):
    path = data_copy / "quarters" / "2024Q1" / "departments.csv"
    edit_line(path, 4, "市场监管局,,95,,,,4,2,100")
    with pytest.raises(DataError) as caught:
        _load(data_copy)
    assert (caught.value.line, caught.value.column) == (4, "办理部门")
    assert "“市场监管局”不在单位名录" in str(caught.value) and "市场局" in str(caught.value)


def test_a_former_name_maps_to_the_same_unit_only_in_its_quarters(data_copy):
    aliases = data_copy / "unit_aliases.csv"
    aliases.write_text(aliases.read_text(encoding="utf-8") + "城市管理局,D07,,2023Q4,2024年起改称城管局\n", "utf-8")
    registry = Registry.load(data_copy)
    assert registry.resolve("城市管理局", QuarterId(2023, 4)).name == "城管局"
    assert registry.resolve("城市管理局", QuarterId(2024, 1)) is None
    assert registry.names_of("D07") == ["城管局", "城市管理局"]


@pytest.mark.parametrize(
    ("file", "line", "text", "message"),
    [
        ("units.csv", 3, "T01,尧禾镇,镇办,,", r"units.csv 第3行「编号」列.*重复"),
        ("units.csv", 3, "T02,,镇办,,", r"units.csv 第3行「名称」列：名称为空"),
        ("units.csv", 3, "T02,尧禾镇,乡镇,,", r"units.csv 第3行「类别」列：类别应为"),
        ("units.csv", 3, "T02,尧禾镇,镇办,T02,", r"units.csv 第3行「上级单位编号」列：上级单位不能是自己"),
        (
            "unit_aliases.csv",
            2,
            "城市管理局,D07,2024Q2,2023Q4,",
            r"unit_aliases.csv 第2行「截止季度」列：起始季度 2024Q2 晚于",
        ),
        ("unit_aliases.csv", 2, "城市管理局,D07,,2023年四季度,", r"unit_aliases.csv 第2行「截止季度」列：季度编号"),
        ("corrections.csv", 2, "2026-13-01,2024Q1,circular.toml,改动,原因", r"corrections.csv 第2行「日期」列"),
        (
            "corrections.csv",
            2,
            "2026-11-25,2024Q1,passwd,改动,原因",
            r"corrections.csv 第2行「文件」列：“passwd”不是季度数据文件",
        ),
        ("corrections.csv", 2, "2026-11-25,第一季度,circular.toml,改动,原因", r"corrections.csv 第2行「季度」列"),
        (
            "corrections.csv",
            2,
            "2026-11-25,2024Q1,circular.toml,,原因",
            r"corrections.csv 第2行「改动内容」列：须写明改动内容",
        ),
    ],
)
def test_registry_alias_and_log_rows_are_validated(data_copy, file, line, text, message):
    path = data_copy / file
    lines = path.read_text(encoding="utf-8").splitlines()
    lines += [""] * (line - len(lines))
    lines[line - 1] = text
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(DataError, match=message):
        load_all(data_copy)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('entered_by = "', 'entered_by = 项目组"', "TOML 格式错误"),
        ("corrections = 2", "corrections = -1", "「corrections」项：不能为负数"),
        ("corrections = 2", 'corrections = "一"', "「corrections」项：值“一”应为整数"),
        ('"towns.csv" = "sha256:', '"towns.csv" = "md5:', "「checksums」项：towns.csv 的校验值应为 sha256"),
    ],
)
def test_a_broken_provenance_file_is_a_named_error(data_copy, old, new, message):
    path = data_copy / "quarters" / "2024Q1" / "provenance.toml"
    path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    with pytest.raises(DataError, match=message):
        load_all(data_copy)


def test_every_quarter_file_matches_its_recorded_checksum():
    record = provenance.verify(DATA, DATA / "quarters" / "2024Q1")
    assert set(record.checksums) == set(schema.QUARTER_FILES)


def test_a_change_needs_a_log_line_naming_the_changed_file(data_copy):
    folder = data_copy / "quarters" / "2024Q1"
    towns = folder / "towns.csv"
    towns.write_text(towns.read_text(encoding="utf-8").replace("尧禾镇,,64", "尧禾镇,,65"), "utf-8")
    with pytest.raises(DataError, match="校验值不一致"):
        provenance.verify(data_copy, folder)
    log = data_copy / "corrections.csv"
    log.write_text(log.read_text(encoding="utf-8") + "2026-12-01,2024Q1,departments.csv,别的文件,测试\n", "utf-8")
    with pytest.raises(DataError, match=r"towns.csv 已改动，但更正记录中没有登记这一改动"):
        provenance.record_checksums(folder)  # a log line for another file does not cover this one
    log.write_text(log.read_text(encoding="utf-8") + "2026-12-01,2024Q1,towns.csv,尧禾镇工单量64改为65,测试\n", "utf-8")
    with pytest.raises(DataError, match="更正记录"):
        provenance.verify(data_copy, folder)  # logged but not yet recorded
    provenance.record_checksums(folder)
    assert provenance.verify(data_copy, folder).corrections == 4


def test_rerecorded_checksums_make_a_test_change_pass_only_the_checksum_check(data_copy):
    edit_line(data_copy / "quarters" / "2024Q1" / "towns.csv", 3, "尧禾镇,,65,,,,3.4,1,100")
    rerecord(data_copy)
    assert load_quarter(data_copy, "2024Q1").units.set_index("unit").loc["尧禾镇", "work_orders"] == 65


# --- only regular files inside the data folder are read ----------------------------------------


def test_a_data_file_that_is_a_link_outside_is_refused_before_it_is_read(data_copy):
    import os

    preamble = data_copy / "quarters" / "2024Q1" / "preamble.md"
    preamble.unlink()
    os.symlink("/etc/os-release", preamble)
    with pytest.raises(DataError, match=r"preamble.md 是一个链接（指向 /etc/os-release）") as problem:
        load_all(data_copy)
    assert "PRETTY_NAME" not in str(problem.value)


def test_a_quarter_folder_that_is_a_link_is_refused(data_copy, tmp_path):
    import os

    outside = tmp_path / "elsewhere"
    shutil.copytree(data_copy / "quarters" / "2024Q1", outside)
    shutil.rmtree(data_copy / "quarters" / "2024Q1")
    os.symlink(outside, data_copy / "quarters" / "2024Q1")
    with pytest.raises(DataError, match=r"这是一个链接.*季度文件夹必须是数据文件夹中真实的文件夹"):
        load_all(data_copy)


def test_a_fifo_is_refused_at_once_without_waiting_for_a_writer(data_copy):
    import os
    import time

    towns = data_copy / "quarters" / "2024Q1" / "towns.csv"
    towns.unlink()
    os.mkfifo(towns)
    started = time.monotonic()
    with pytest.raises(DataError, match=r"这不是一个普通文件（是管道或设备等特殊文件）"):
        load_all(data_copy)
    assert time.monotonic() - started < 5


def test_a_full_width_quarter_folder_is_named_not_taken_for_an_ascii_one(data_copy):
    shutil.copytree(data_copy / "quarters" / "2024Q1", data_copy / "quarters" / "２０２４Q1")
    with pytest.raises(DataError, match=r"季度编号“２０２４Q1”格式不对"):
        load_all(data_copy)
