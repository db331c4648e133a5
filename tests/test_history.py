"""History across quarters, on the real quarter plus generated example quarters."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest

from hotline.data import schema
from hotline.examples import generate as examples
from hotline.opendata import package as opendata
from hotline.rules import tidy as export
from hotline.rules.history import History
from hotline.site import build

from .conftest import DATA

EXAMPLE_QUARTERS = ["2024Q2", "2024Q3", "2024Q4"]


@pytest.fixture(scope="session")
def demo_data(tmp_path_factory):
    target = tmp_path_factory.mktemp("demo") / "data"
    made = examples.generate(DATA, target)
    assert [str(q) for q in made] == EXAMPLE_QUARTERS
    return target


@pytest.fixture(scope="session")
def history(demo_data):
    return History.load(demo_data)


def test_examples_never_touch_the_real_data_folder(demo_data):
    assert sorted(p.name for p in (DATA / "quarters").iterdir()) == ["2024Q1"]
    assert "示例" not in (DATA / "unit_aliases.csv").read_text(encoding="utf-8")


def test_a_renamed_unit_is_one_unit_across_quarters(history):
    rows = history.units[history.units["unit_id"] == "D07"]
    assert rows["quarter"].tolist() == ["2024Q1", *EXAMPLE_QUARTERS]
    assert rows["unit"].tolist() == ["城管局", "城管局", "城管局", "城市管理执法局"]
    matrix = history.score_matrix()
    assert "城管局" not in matrix.index
    assert matrix.loc["城市管理执法局"].notna().all()


def test_rank_moves_show_new_and_gone_units(history):
    moves = history.rank_moves().set_index("单位")
    assert moves.loc["人民武装部", "2024Q4"] == "退出"
    assert moves.loc["新能源公司", "2024Q4"].endswith("（新增）")
    assert moves.loc["新能源公司", "2024Q1"] == "—"
    moved = moves.loc["交通局", "2024Q3"]
    assert re.fullmatch(r"\d+（[↑↓]\d+）|\d+", moved)


def test_changes_say_up_or_down_from_the_previous_quarter(history):
    changes = history.changes().set_index("指标")
    q1, q2 = (history.headline().set_index("quarter").loc[q, "received"] for q in ("2024Q1", "2024Q2"))
    arrow = "↑" if q2 > q1 else "↓"
    assert changes.loc["受理（件）", "2024Q2"] == f"{q2}（{arrow}{abs(q2 - q1)}）"


def test_below_full_marks_lists_runs_of_two_or_more(history):
    table = history.below_full_marks()
    assert (table["连续季度数"] >= 2).all()
    matrix = history.score_matrix()
    for row in table.itertuples():
        quarters = re.findall(r"(\d{4}Q\d)：", row.各季度得分)
        assert all(matrix.loc[row.单位, q] < 100 for q in quarters)


def test_every_open_data_column_is_described_in_both_languages():
    for column in [*opendata.unit_fields(), *opendata.HEADLINE_FIELDS]:
        assert column.description_zh and column.description_en, column.key
    assert [c.key for c in opendata.unit_fields()] == export.UNIT_TABLE_COLUMNS


# --- the demo site ------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def demo_site(demo_data, tmp_path_factory):
    return build.build(demo_data, tmp_path_factory.mktemp("demo-site") / "_build" / "html").output


def _text(path) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", path.read_text(encoding="utf-8")))


@pytest.mark.site
def test_demo_site_has_four_quarters_and_marks_every_example_page(demo_site):
    assert sorted(p.name for p in (demo_site / "quarters").glob("*.html")) == [
        f"{q}.html" for q in ["2024Q1", *EXAMPLE_QUARTERS]
    ]
    assert "示例数据" not in _text(demo_site / "quarters" / "2024Q1.html")
    for page in [*(f"quarters/{q}.html" for q in EXAMPLE_QUARTERS), "comparison.html", "units/index.html"]:
        assert "示例数据" in _text(demo_site / page), page
    assert "示例数据" in _text(demo_site / "downloads.html")
    assert "示例数据" in _text(demo_site / "units" / "unit-D07.html")


@pytest.mark.site
def test_demo_comparison_page_has_trends_rank_moves_and_heatmap(demo_site):
    page = (demo_site / "comparison.html").read_text(encoding="utf-8")
    assert len(re.findall(r"<img alt=\"[^\"]+\" src=", page)) == 2
    text = _text(demo_site / "comparison.html")
    for phrase in ["各季度主要数字及较上季度变化", "（新增）", "退出", "连续两个或以上季度综合得分低于100分的单位"]:
        assert phrase in text


@pytest.mark.site
def test_one_page_per_unit_with_every_quarter_and_links(demo_site, history):
    pages = sorted(p.stem for p in (demo_site / "units").glob("unit-*.html"))
    assert pages == sorted(f"unit-{uid}" for uid in set(history.units["unit_id"]))
    page = (demo_site / "units" / "unit-D07.html").read_text(encoding="utf-8")
    for quarter in ["2024Q1", *EXAMPLE_QUARTERS]:
        assert f'href="../quarters/{quarter}.html"' in page
    assert "曾用名：城管局（2024Q3及以前）" in _text(demo_site / "units" / "unit-D07.html")
    article = re.search(r"<article.*?</article>", (demo_site / "units" / "index.html").read_text("utf-8"), re.S)
    index = re.sub(r"<[^>]+>", "", article.group(0))  # the page itself, not the sidebar
    for category in ["镇办", "部门", "企业", "其他"]:
        assert category in index
    assert index.index("城关街道办") < index.index("人社局")


@pytest.mark.site
def test_downloads_load_back_with_pandas_and_match_the_datapackage(demo_site, history):
    folder = demo_site / "data"
    package = json.loads((folder / opendata.DATAPACKAGE).read_text(encoding="utf-8"))
    for resource in package["resources"]:
        raw = (folder / resource["path"]).read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf")
        table = pd.read_csv(folder / resource["path"], encoding="utf-8-sig", keep_default_na=False)
        fields = resource["schema"]["fields"]
        assert table.columns.tolist() == [f["name"] for f in fields]
        assert not table.duplicated(resource["schema"]["primaryKey"]).any()
        for f in fields:
            assert f["title"] and f["description"] and f["description_zh"]
            values = table[f["name"]].astype(str).replace("", pd.NA).dropna()
            if f["type"] == "integer":
                assert values.str.fullmatch(r"-?\d+").all(), f["name"]
            elif f["type"] == "number":
                pd.to_numeric(values)
            elif f["type"] == "date":
                pd.to_datetime(values, format="%Y-%m-%d")
    units = pd.read_csv(folder / opendata.UNITS_CSV, encoding="utf-8-sig")
    assert len(units) == len(history.units)
    assert set(units.loc[units["example"] == "是", "quarter"]) == set(EXAMPLE_QUARTERS)
    workbook = pd.read_excel(folder / opendata.WORKBOOK, sheet_name=None)
    assert set(workbook) == {"单位数据", "主要数字", "字段说明"}
    assert len(workbook["单位数据"]) == len(units)
    assert workbook["单位数据"].columns[0] == schema.QUARTER.zh


def test_with_one_quarter_the_comparison_page_says_comparisons_start_later():
    from hotline.pages.comparison import ComparisonPage

    page = ComparisonPage.open(DATA)
    assert "比较将在添加第二个季度后开始" in page.introduction().data
    assert "第二个季度" in page.rank_moves().data
