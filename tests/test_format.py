"""The circular's format (data/format.toml): read and checked like every staff file, and every rule,
page and workbook that used to carry its own constant reads it instead."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from hotline.data.errors import DataError
from hotline.data.schema import FORMAT_FILE
from hotline.format import load as load_format
from hotline.pages import checks as says
from hotline.pages import faq, methodology
from hotline.rules.history import History

from .conftest import DATA, correct


def set_value(data: Path, key: str, value: str) -> None:
    """Give ``key = …`` (the first line that sets it) a new TOML value."""
    path = data / FORMAT_FILE
    text = path.read_text(encoding="utf-8")
    changed, count = re.subn(rf"(?m)^{re.escape(key)} = .*$", lambda _: f"{key} = {value}", text, count=1)
    assert count == 1, key
    path.write_text(changed, encoding="utf-8")


def refused(data: Path) -> DataError:
    with pytest.raises(DataError) as caught:
        load_format.load(data)
    return caught.value


def line_of(data: Path, start: str) -> int:
    lines = (data / FORMAT_FILE).read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, start=1) if line.startswith(start))


def test_baishuis_format_declares_its_circular():
    circular = load_format.load(DATA)
    assert circular.period == "quarter"
    assert circular.labels == {"town": "镇办", "department": "部门"}
    assert circular.best_named == {"town": 2, "department": 3}
    assert (circular.score.full_marks, circular.score.base) == (100, 100)
    assert circular.tie_break == ("combined_work_orders",)
    assert circular.top_volume == 4
    assert circular.score.compute(4.8, 4) == 100
    assert circular.score.compute(1.5, 6) == pytest.approx(95.5)


def test_the_rule_is_said_to_the_public_from_the_format():
    score = load_format.load(DATA).score
    assert score.in_words() == "min(100, 100 + 加分值合计 − 减分值合计)"
    assert score.with_points("1.5", "6") == "min(100, 100 + 1.5 − 6)"
    assert score.explained().startswith("每个单位以100分为基础")


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("kind", '"month"', "期次“month”不可用"),
        ("best_named", "-1", "值-1应在0到50之间"),
        ("full_marks", "0", "值0应大于0且不大于1000"),
        ("rule", '"min(full_marks, base + bonus - penalti)"', "未知的名称“penalti”"),
        ("rule", "\"__import__('os').system('id')\"", "计分规则"),
        ("rule", '"bonus.__class__"', "计分规则"),
        ("explained", '"满分{full_marks}，基础{base.__class__}"', "计分规则的文字说明有误"),
        ("explained", '"{score}分"', "计分规则的文字说明有误"),
        ("tie_break", '["rank"]', "“rank”不是可用于排名的列"),
        ("top_volume", '"四"', "应为整数"),
        ("label", '"镇办\\u202e"', "不可见的字符"),
    ],
)
def test_a_wrong_value_is_refused_with_file_line_and_key(data_copy, key, value, message):
    line = line_of(data_copy, f"{key} = ")
    set_value(data_copy, key, value)
    error = refused(data_copy)
    assert message in error.message
    assert error.path == data_copy / FORMAT_FILE
    assert error.line == line
    assert error.column is not None and key in error.column


def test_an_unknown_key_a_missing_group_and_a_missing_file_are_named(data_copy):
    path = data_copy / FORMAT_FILE
    original = path.read_text(encoding="utf-8")
    path.write_text(original.replace("[score]\n", "[score]\nmaximum = 100\n"), encoding="utf-8")
    assert "未知的项“maximum”" in refused(data_copy).message
    without_departments = original.replace('key = "department"', 'key = "town"')
    path.write_text(without_departments, encoding="utf-8")
    assert "分组“town”重复了" in refused(data_copy).message
    path.unlink()
    assert "缺少通报格式文件" in refused(data_copy).message


def test_a_format_file_that_is_a_link_is_refused(data_copy, tmp_path):
    outside = tmp_path / "elsewhere.toml"
    outside.write_text((data_copy / FORMAT_FILE).read_text(encoding="utf-8"), encoding="utf-8")
    (data_copy / FORMAT_FILE).unlink()
    (data_copy / FORMAT_FILE).symlink_to(outside)
    assert "链接" in refused(data_copy).message


def test_the_results_follow_the_format(data_copy, history):
    """Another number of named units, full marks and tie-break in the format change the results,
    the checks and the words, with no change of code."""
    before = history.latest
    set_value(data_copy, "best_named", "3")  # the town offices' (the first group)
    set_value(data_copy, "full_marks", "105")
    set_value(data_copy, "tie_break", "[]")
    after = History.build(data_copy).latest
    assert after.best_units[:3] == tuple(after.ranking[after.ranking["kind"] == "town"]["unit"][:3])
    assert len(after.best_units) == len(before.best_units) + 1
    assert not after.check("best_units").agrees  # the circular named two town offices, the format now three
    assert says.label(after.check("best_units"), after.format) == "综合成绩较好的单位（排名前3的镇办、前3的部门）"
    # 100 + 4.8 − 4 is 100.8: under full marks of 105 it is no longer capped
    assert after.ranking.set_index("unit").loc["城关街道办", "composite_score"] == pytest.approx(100.8)
    assert says.computed(after.check("score.T01"), after.format).startswith("min(105, 100 + ")


def test_the_pages_and_the_workbook_say_the_formats_rule(data_copy, tmp_path):
    set_value(data_copy, "full_marks", "120")
    set_value(data_copy, "base", "90")
    set_value(data_copy, "best_named", "1")
    built = History.build(data_copy)
    page = methodology.MethodologyPage(built)
    assert "min(120, 90 + 加分值合计 − 减分值合计)" in page.scoring_rule().data
    assert "每个单位以90分为基础" in page.scoring_rule().data
    assert "排名前1的镇办和前3的部门" in page.ranking_rule().data
    assert "排名前1的镇办和前3的部门" in faq.faq_page(built)

    from openpyxl import load_workbook

    from hotline.data.quarter_id import QuarterId
    from hotline.document.entry_workbook import write_entry_workbook

    path = write_entry_workbook(data_copy, QuarterId.parse("2024Q2"), tmp_path / "录入表.xlsx")
    formulas = [
        cell.value
        for sheet in load_workbook(path).worksheets
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, str) and cell.value.startswith("=MIN(")
    ]
    assert formulas and all(f.startswith("=MIN(120,90+SUM(") for f in formulas)


def test_a_groups_label_and_title_in_the_format_reach_every_place_they_are_shown(data_copy, tmp_path):
    """镇办 called 街镇 and its attachment titled 各街镇工单办理情况 in the format: the quarter page's
    table and chart, the official document, the entry workbook and the open data say so."""
    path = data_copy / FORMAT_FILE
    text = path.read_text(encoding="utf-8")
    text = text.replace('label = "镇办"', 'label = "街镇"').replace("各镇办工单办理情况", "各街镇工单办理情况")
    path.write_text(text, encoding="utf-8")
    built = History.build(data_copy)
    result = built.latest

    from bs4 import BeautifulSoup
    from openpyxl import load_workbook

    from hotline.data.quarter_id import QuarterId
    from hotline.document.compose import official_document
    from hotline.document.entry_workbook import write_entry_workbook
    from hotline.opendata import package
    from hotline.pages import charts
    from hotline.pages.quarter import QuarterPage

    caption = BeautifulSoup(QuarterPage(result).attachment("town").data, "html.parser").find("caption")
    assert "2024年第一季度各街镇工单办理情况" in caption.get_text()
    chart = charts.work_orders_by_unit(result.units, result.id.zh, result.format.labels)
    assert "街镇" in chart.svg.decode() and "镇办" not in chart.svg.decode()
    document = official_document(result)
    assert document.attachments[0].title == "2024年第一季度各街镇工单办理情况"
    workbook = write_entry_workbook(data_copy, QuarterId.parse("2024Q2"), tmp_path / "录入表.xlsx")
    assert load_workbook(workbook)["附件1"]["A1"].value == "2024年第二季度各街镇工单办理情况"
    opened = package.quarter_csv(built, "2024Q1")
    assert set(opened["类别"]) == {"街镇", "部门"}


def test_shared_ties_give_equal_ranks_and_the_pages_say_so(data_copy):
    """并列: with no tie-break column and ties shared, units with the same score share a rank and the
    next rank is left out (1, 2, 2, 4); the methodology and FAQ pages say it."""
    set_value(data_copy, "tie_break", "[]")
    set_value(data_copy, "ties", '"shared"')
    built = History.build(data_copy)
    ranking = built.latest.ranking
    for kind in ("town", "department"):
        group = ranking[ranking["kind"] == kind]
        for score, tied in group.groupby("composite_score"):
            assert tied["rank"].nunique() == 1, (kind, score)
        expected = [1 + sum(group["composite_score"] > s) for s in group["composite_score"]]
        assert group["rank"].tolist() == expected
    assert ranking["rank"].duplicated().any()  # 2024 Q1 has ties: many units at 100
    assert "名次并列" in methodology.ranking_in_words(built.format)
    assert "名次并列" in faq.faq_page(built)


def test_ties_is_one_of_two_words(data_copy):
    line = line_of(data_copy, "ties = ")
    set_value(data_copy, "ties", '"random"')
    error = refused(data_copy)
    assert "“random”不可用" in error.message and error.line == line and error.column == "ranking.ties"


def test_a_rule_that_gives_some_unit_no_score_is_named_before_any_page_is_made(data_copy):
    """bonus ÷ penalty divides by zero for a unit with no penalty: the format is refused when read;
    a rule that leaves 0…full marks (no cap) is refused at the build, naming the units, instead of a
    page or chart failing on a missing or impossible score."""
    line = line_of(data_copy, "rule = ")
    set_value(data_copy, "rule", '"base + bonus / penalty"')
    error = refused(data_copy)
    assert error.line == line and error.column == "score.rule"
    assert "在加分值合计为0、减分值合计为0时算不出得分" in error.message
    set_value(data_copy, "rule", '"base + bonus - penalty"')
    with pytest.raises(DataError) as caught:
        History.build(data_copy)
    error = caught.value
    assert error.path == data_copy / FORMAT_FILE and error.line == line and error.column == "score.rule"
    assert "计分规则“base + bonus - penalty”对城关街道办、尧禾镇、雷牙镇等算不出0到100分之间的得分" in error.message


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("label", '"\\u3164"', "看不见或会改变显示的字符"),
        ("label", '"镇\\u00ad办"', "看不见或会改变显示的字符"),
        ("label", '"镇\\u0301办"', "看不见或会改变显示的字符"),
        ("label", '"镇\\t办"', "看不见或会改变显示的字符"),
        ("title", '"各镇办\\ue000工单办理情况"', "看不见或会改变显示的字符"),
        ("explained", '"   "', "不能为空"),
        ("base", "99.123", "小数太多"),
        ("full_marks", "90", "满分90小于基础分100"),
    ],
)
def test_labels_sentences_and_numbers_that_would_show_wrongly_are_refused(data_copy, key, value, message):
    set_value(data_copy, key, value)
    assert message in refused(data_copy).message


def test_two_groups_with_one_label_are_refused(data_copy):
    path = data_copy / FORMAT_FILE
    path.write_text(path.read_text(encoding="utf-8").replace('label = "部门"', 'label = "镇办"'), encoding="utf-8")
    assert "组名“镇办”与另一组相同" in refused(data_copy).message


def test_a_format_file_that_is_a_folder_is_named_as_such(data_copy):
    (data_copy / FORMAT_FILE).unlink()
    (data_copy / FORMAT_FILE).mkdir()
    assert "不是一个普通文件" in refused(data_copy).message


def test_the_home_pages_about_says_the_issuer_groups_and_checks_from_the_data(data_copy, history):
    """关于本网站 was fixed words naming Baishui's office and its rule: now the issuer is the data's,
    the groups and what the figures are checked against the format's."""
    from bs4 import BeautifulSoup

    from hotline.pages.home import HomePage

    def about(built: History) -> str:
        return BeautifulSoup(HomePage(built).about().data, "html.parser").get_text()

    assert about(history) == (
        "白水县人民政府办公室每季度发布通报，公布12345快速响应平台受理、办结群众诉求的情况，以及各镇办、各部门的"
        "工单量和综合得分。本网站把每期通报整理成可以浏览、检索和下载的网页：网页上的每个数字都由整理后的数据"
        "计算得出，或注明为通报公布数；通报正文与附件表格、计分规则不一致的地方，网站逐项列出，不作修改、不予隐藏。"
    )
    set_value(data_copy, "label", '"乡镇"')
    set_value(data_copy, "published_score", '"考评得分"')
    correct(data_copy, "circular.toml", 'issuer = "白水县人民政府办公室"', 'issuer = "某县人民政府办公室"')
    text = about(History.build(data_copy))
    assert text.startswith("某县人民政府办公室每季度发布通报") and "以及各乡镇、各部门的工单量和考评得分。" in text
