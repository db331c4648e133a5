"""Pages only say what the rules found (rules.extremes, full_marks, periods, moves): the two bugs
that came from pages working rules out for themselves, and what a page says after a missing quarter.

- The score chart's alt text named the last unit below full marks in ranking order (the last
  department) but quoted the lowest score of all (a town office's): "最低的是乙局（70分）" for a
  town office at 70 and a department at 95.
- The comparison page showed rank moves across a missing quarter as if from the quarter before.
  It now compares with the latest earlier quarter that has data and says so above the table
  ("2024年第四季度的变化是与2024年第二季度相比（2024年第三季度无数据）"): a gap should neither hide
  every move of the quarter after it nor pass for the quarter before. The changes table and the
  home page's key figures follow the same rule.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import pytest
from bs4 import BeautifulSoup

from hotline.examples import generate as examples
from hotline.pages import charts
from hotline.pages.comparison import ComparisonPage
from hotline.pages.home import HomePage
from hotline.rules import scoring
from hotline.rules.history import History

from .conftest import CIRCULAR, DATA, FULL, LABELS

NOTE = "2024年第四季度的变化是与2024年第二季度相比（2024年第三季度无数据）。"


def _text(block) -> str:
    return BeautifulSoup(block.data, "html.parser").get_text()


def _ranking(rows: list[tuple[str, str, float]]) -> pd.DataFrame:
    """A ranking of units (kind, name, penalty points) as the rules make it."""
    units = pd.DataFrame(
        {
            "kind": [kind for kind, _, _ in rows],
            "unit": [name for _, name, _ in rows],
            "parent": [""] * len(rows),
            "work_orders": [10] * len(rows),
            "bonus": [0.0] * len(rows),
            "penalty": [penalty for _, _, penalty in rows],
            "published_score": [float("nan")] * len(rows),
        }
    )
    return scoring.rank(scoring.composite_scores(units, CIRCULAR), CIRCULAR)


def test_the_score_charts_alt_text_names_the_unit_whose_score_it_quotes():
    ranking = _ranking(
        [("town", "甲镇", 0), ("town", "丙镇", 30), ("department", "丁局", 0), ("department", "乙局", 5)]
    )
    assert ranking["unit"].tolist() == ["甲镇", "丙镇", "丁局", "乙局"]  # the department at 95 is last
    alt = charts.composite_scores(ranking, "2024年第一季度", FULL, LABELS).alt
    assert "2个单位低于100分，最低的是丙镇（70分）。" in alt
    assert "乙局（70" not in alt


def test_units_that_share_the_lowest_score_are_all_named_and_none_below_says_so():
    tied = _ranking([("town", "甲镇", 20), ("department", "乙局", 20), ("department", "丁局", 5)])
    assert "最低的是甲镇、乙局（80分）。" in charts.composite_scores(tied, "2024年第一季度", FULL, LABELS).alt
    full = _ranking([("town", "甲镇", 0), ("department", "乙局", 0)])
    alt = charts.composite_scores(full, "2024年第一季度", FULL, LABELS).alt
    assert "所有单位均为满分100分。" in alt and "nan" not in alt


@pytest.fixture(scope="session")
def demo(tmp_path_factory) -> History:
    target = tmp_path_factory.mktemp("derived-demo") / "data"
    examples.generate(DATA, target)
    return History.build(target)


def without(history: History, quarter: str) -> History:
    """A history with one quarter left out: a gap."""
    kept = tuple(r for r in history.results if str(r.id) != quarter)
    units = history.units[history.units["quarter"] != quarter].reset_index(drop=True)
    return replace(history, results=kept, units=units)


def test_rank_moves_after_a_missing_quarter_are_from_the_quarter_before_it_and_say_so(demo):
    gapped = without(demo, "2024Q3")
    soup = BeautifulSoup(ComparisonPage(gapped).rank_moves().data, "html.parser")
    assert NOTE in soup.get_text()
    ranks = gapped.ranks()
    header = [th.get_text() for th in soup.select("thead th")]
    column = header.index("2024Q4（示例）")
    moved = 0
    for row in soup.select("tbody tr"):
        cells = [td.get_text() for td in row.find_all(["th", "td"])]
        unit_id = row.find("a")["href"].removeprefix("units/unit-").removesuffix(".html")
        before, now = ranks.loc[unit_id, "2024Q2"], ranks.loc[unit_id, "2024Q4"]
        if pd.notna(before) and pd.notna(now) and before != now:
            arrow = "↑" if before > now else "↓"
            assert cells[column] == f"{now}（{arrow}{abs(before - now)}）", unit_id
            moved += 1
    assert moved


def test_the_changes_table_after_a_missing_quarter_compares_with_the_quarter_before_it(demo):
    gapped = without(demo, "2024Q3")
    text = _text(ComparisonPage(gapped).changes())
    assert NOTE in text
    received = gapped.headline().set_index("quarter")["received"]
    change = int(received["2024Q4"] - received["2024Q2"])
    arrow = "持平" if change == 0 else f"{'↑' if change > 0 else '↓'}{abs(change)}"
    assert f"{int(received['2024Q4'])}（{arrow}）" in text


def test_without_a_gap_nothing_is_said_about_one(demo):
    page = ComparisonPage(demo)
    assert "无数据" not in _text(page.rank_moves()) and "无数据" not in _text(page.changes())


def test_the_home_page_compares_across_a_gap_and_says_with_what(demo):
    gapped = without(demo, "2024Q3")
    text = _text(HomePage(gapped).key_figures())
    change = int(gapped.result("2024Q4").headline.received - gapped.result("2024Q2").headline.received)
    moved = "持平" if change == 0 else f"{'增加' if change > 0 else '减少'}{abs(change)}件"
    said = f"{'与' if change == 0 else '较'}2024年第二季度{moved}（2024年第三季度无数据）"
    assert said in text
    assert "较上季度" in _text(HomePage(demo).key_figures())
