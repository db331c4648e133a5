"""A place that publishes its scores without their rule (issue 21): the format says
``source = "published"``, the published scores are the scores, nothing is recomputed or checked
against a rule, and every page, download and the workbook say whose score it is."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from hotline.data.errors import DataError
from hotline.data.schema import FORMAT_FILE
from hotline.format import load as load_format
from hotline.rules.history import History

from .conftest import DATA, correct

PUBLISHED_SENTENCE = "综合得分由县考评办按月考评后公布，满分{full_marks}分。"


def publish_only(data: Path, explained: str = PUBLISHED_SENTENCE) -> None:
    """The format of ``data`` turned into one that takes the published scores as they are."""
    path = data / FORMAT_FILE
    text = path.read_text(encoding="utf-8")
    text, sources = re.subn(r'(?m)^source = "rule"$', 'source = "published"', text)
    text, removed = re.subn(r"(?m)^(base|rule) = .*\n", "", text)
    text, said = re.subn(r"(?m)^explained = .*$", f'explained = "{explained}"', text)
    assert (sources, removed, said) == (1, 2, 1)
    path.write_text(text, encoding="utf-8")


@pytest.fixture
def published(data_copy) -> History:
    publish_only(data_copy)
    return History.build(data_copy)


def test_the_format_says_the_scores_are_the_published_ones(data_copy):
    publish_only(data_copy)
    score = load_format.load(data_copy).score
    assert score.published_only and (score.base, score.rule) == (None, None)
    assert (score.basis, score.label) == ("通报公布", "综合得分（通报公布）")
    assert score.explained() == "综合得分由县考评办按月考评后公布，满分100分。"
    rule = load_format.load(DATA).score
    assert not rule.published_only and (rule.basis, rule.label) == ("按计分规则", "综合得分（按计分规则）")


@pytest.mark.parametrize(
    ("edit", "key", "message"),
    [
        (
            lambda t: t.replace('source = "published"', 'source = "published"\nrule = "bonus"'),
            "score.rule",
            "不写基础分和计分规则",
        ),
        (
            lambda t: t.replace('source = "published"', 'source = "published"\nbase = 100'),
            "score.base",
            "不写基础分和计分规则",
        ),
        (lambda t: t.replace('source = "published"', 'source = "both"'), "score.source", "“both”不可用"),
        (lambda t: t.replace("满分{full_marks}分", "基础{base}分"), "score.explained", "{base}"),
    ],
)
def test_a_published_format_that_also_names_a_rule_or_a_base_is_refused(data_copy, edit, key, message):
    publish_only(data_copy)
    path = data_copy / FORMAT_FILE
    path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")
    with pytest.raises(DataError) as caught:
        load_format.load(data_copy)
    error = caught.value
    assert (error.path, error.column) == (path, key) and message in error.message
    assert error.line is not None


def test_the_published_scores_rank_the_units_and_nothing_is_checked_against_a_rule(published):
    result = published.result("2024Q1")
    top = result.units[result.units["parent"] == ""]
    assert (top["composite_score"] == top["published_score"]).all()
    assert not [c for c in result.checks if c.key.startswith("score.")]
    # 供销联社: published 96.5, the rule gives 95.5; with the published scores it ranks by 96.5
    row = result.ranking.set_index("unit").loc["供销联社"]
    assert (row["composite_score"], row["published_score"]) == (96.5, 96.5)
    departments = result.ranking[result.ranking["kind"] == "department"]
    assert list(departments["composite_score"]) == sorted(departments["composite_score"], reverse=True)


def test_a_unit_without_a_published_score_is_named_with_file_and_line(data_copy):
    publish_only(data_copy)
    towns = data_copy / "quarters" / "2024Q1" / "towns.csv"
    correct(data_copy, "towns.csv", "城关街道办,,81,2,,,4.8,4,100", "城关街道办,,81,2,,,4.8,4,")
    with pytest.raises(DataError) as caught:
        History.build(data_copy)
    error = caught.value
    assert (error.path, error.line) == (towns, 2) and error.column == "综合得分"
    assert "城关街道办没有综合得分" in error.message and "score.source" in error.message


def test_a_published_score_with_more_than_two_decimals_is_refused_at_its_line(data_copy):
    """Scores are kept to two decimals: 99.999 would be shown, ranked and checked as 100."""
    publish_only(data_copy)
    correct(data_copy, "towns.csv", "城关街道办,,81,2,,,4.8,4,100", "城关街道办,,81,2,,,4.8,4,99.999")
    with pytest.raises(DataError) as caught:
        History.build(data_copy)
    assert (caught.value.path.name, caught.value.line) == ("towns.csv", 2) and "最多两位小数" in caught.value.message
    correct(data_copy, "towns.csv", "城关街道办,,81,2,,,4.8,4,99.999", "城关街道办,,81,2,,,4.8,4,99.99")
    assert (
        History.build(data_copy).result("2024Q1").ranking.set_index("unit").loc["城关街道办", "composite_score"]
        == 99.99
    )


def test_the_data_dictionary_gives_the_formats_full_marks(data_copy):
    from hotline.opendata import fields

    path = data_copy / FORMAT_FILE
    path.write_text(path.read_text(encoding="utf-8").replace("full_marks = 100", "full_marks = 150"), encoding="utf-8")
    score = next(f for f in fields.unit_fields(load_format.load(data_copy)) if f.key == "published_score")
    assert "（0–150）" in score.description_zh and "(0–150)" in score.description_en


@pytest.mark.parametrize(("score", "refused"), [("100", False), ("100.5", True)])
def test_a_published_score_above_the_formats_full_marks_is_refused_at_its_line(data_copy, score, refused):
    """Full marks are the format's (here Baishui's 100, with the rule): the bound is pinned on both sides."""
    towns = data_copy / "quarters" / "2024Q1" / "towns.csv"
    correct(data_copy, "towns.csv", "城关街道办,,81,2,,,4.8,4,100", f"城关街道办,,81,2,,,4.8,4,{score}")
    if not refused:
        History.build(data_copy)
        return
    with pytest.raises(DataError) as caught:
        History.build(data_copy)
    assert (caught.value.path, caught.value.line) == (towns, 2)
    assert "超出0–100的范围" in caught.value.message


def test_every_page_and_download_says_the_score_is_the_published_one(published, data_copy, tmp_path):
    from openpyxl import load_workbook

    from hotline.data.quarter_id import QuarterId
    from hotline.document.entry_workbook import write_entry_workbook
    from hotline.opendata import package
    from hotline.pages import charts, home, methodology, units
    from hotline.pages.quarter import QuarterPage

    result = published.result("2024Q1")
    rule_words = "按计分规则"
    scoring = methodology.MethodologyPage(published)
    said = BeautifulSoup(scoring.scoring_rule().data, "html.parser").get_text()
    assert "采用通报公布的得分（满分100分），本网站不重新计算" in said and "县考评办" in said
    assert rule_words not in said
    checked = BeautifulSoup(scoring.reconciliation_rules().data, "html.parser").get_text()
    assert "公布的综合得分与计分规则" not in checked and "按上述规则计算的得分" not in checked

    page = QuarterPage(result)
    table = BeautifulSoup(page.attachment("department").data, "html.parser").find("table")
    heads = [th.get_text() for th in table.find("thead").find_all("th")]
    assert "综合得分（通报）" in heads and not [h for h in heads if "按规则" in h or h == "核对"]
    widths = {len(tr.find_all(["td", "th"])) for tr in table.find_all("tr")}
    assert widths == {len(heads)}  # every row, the sub-units' and the total's too, as wide as the head
    assert rule_words not in BeautifulSoup(page.summary().data, "html.parser").get_text()
    assert "计分规则" not in BeautifulSoup(page.reconciliation_intro().data, "html.parser").get_text()
    scores = BeautifulSoup(page.reconciliation("scores").data, "html.parser")
    assert "无从核对" in scores.get_text() and scores.find("table") is None

    front = home.HomePage(published)
    assert (
        "综合成绩较好的单位（按公布的得分）" in BeautifulSoup(front.best_and_attention().data, "html.parser").get_text()
    )
    assert rule_words not in BeautifulSoup(front.latest_summary().data, "html.parser").get_text()

    unit_id = result.ranking.set_index("unit").loc["供销联社", "unit_id"]
    unit_page = units.unit_page(published, unit_id, None)
    assert "排名（按公布的得分）" in unit_page and rule_words not in unit_page

    chart = charts.composite_scores(result.ranking, result.id.zh, 100, result.format.labels, published_only=True)
    assert "通报公布的综合得分" in chart.alt and rule_words not in chart.alt + chart.caption

    opened = package.quarter_csv(published, "2024Q1")
    assert "综合得分（通报公布）" in opened.columns and "综合得分（按规则）" not in opened.columns
    fields = {f["name"]: f for f in package.datapackage(published)["resources"][0]["schema"]["fields"]}
    assert fields["composite_score"]["description"].startswith("Composite score as published")

    workbook = load_workbook(write_entry_workbook(data_copy, QuarterId.parse("2024Q2"), tmp_path / "录入表.xlsx"))
    scores = [row[-1] for row in workbook["附件2"].iter_rows(min_row=4) if row[0].value and row[0].value != "总计"]
    assert scores and not [c.coordinate for c in scores if isinstance(c.value, str) and c.value.startswith("=")]
    instructions = " ".join(str(c.value) for c in workbook["填写说明"]["A"])
    assert "综合得分按通报公布的填写" in instructions and rule_words not in instructions


def test_the_rule_formats_workbook_explains_the_formats_own_rule(data_copy, tmp_path):
    """The instructions once said Baishui's rule in fixed words, whatever the format declared."""
    from openpyxl import load_workbook

    from hotline.data.quarter_id import QuarterId
    from hotline.document.entry_workbook import write_entry_workbook

    path = data_copy / FORMAT_FILE
    path.write_text(path.read_text(encoding="utf-8").replace("base = 100", "base = 90"), encoding="utf-8")
    workbook = load_workbook(write_entry_workbook(data_copy, QuarterId.parse("2024Q2"), tmp_path / "录入表.xlsx"))
    instructions = " ".join(str(c.value) for c in workbook["填写说明"]["A"])
    assert "每个单位以90分为基础" in instructions and "100 + 加分合计" not in instructions
