"""Stage 2: the scoring and ranking rules, every check of the published figures (as numbers), the
quarter's results and the history, each computed once."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import pytest

from hotline.data import schema
from hotline.data.circular import Acknowledgement
from hotline.data.files import DataFolder
from hotline.data.quarter_id import QuarterId
from hotline.examples import generate as examples
from hotline.rules import checks, extremes, full_marks, moves, periods, results, scoring, totals
from hotline.rules.history import History

from .conftest import CIRCULAR, DATA, FULL

EXAMPLE_QUARTERS = ["2024Q2", "2024Q3", "2024Q4"]


# --- scoring and ranking ------------------------------------------------------------------------


def test_rule_reproduces_all_49_published_scores_but_gongxiao(q1_result):
    published = q1_result.ranking[q1_result.ranking["published_score"].notna()]
    assert len(published) == 49
    differing = published[~published["score_agrees"]]
    assert differing["unit"].tolist() == ["供销联社"]
    assert (differing.iloc[0]["composite_score"], differing.iloc[0]["published_score"]) == (95.5, 96.5)


def test_sub_unit_points_count_towards_parent(q1_result):
    row = q1_result.ranking.set_index("unit").loc["住建局"]
    assert row["combined_work_orders"] == 112 + 98
    assert row["composite_score"] == pytest.approx(97.7)
    assert q1_result.ranking.set_index("unit").loc["农业农村局", "composite_score"] == 80


def test_score_is_capped_at_100_and_a_missing_published_score_never_disagrees():
    units = pd.DataFrame(
        {"kind": ["town"], "unit": ["甲镇"], "parent": [""], "work_orders": [1], "bonus": [9.0], "penalty": [1.0]}
        | {"published_score": [float("nan")]}
    )
    scored = scoring.composite_scores(units, CIRCULAR)
    assert scored["composite_score"].tolist() == [100.0]
    assert scored["score_agrees"].tolist() == [True]


def test_ties_on_score_are_broken_by_combined_work_orders(q1_result):
    order = q1_result.ranking[q1_result.ranking["kind"] == schema.DEPARTMENT]["unit"].tolist()
    assert order[:3] == ["人社局", "市场局", "公安局"]
    # 自然资源局 has 15 of its own but 25 with sub-units, so it ranks above 卫健局 (22).
    assert order.index("自然资源局") < order.index("卫健局")


def test_best_units_are_as_published(q1_result, q1):
    assert q1_result.best_units == ("城关街道办", "尧禾镇", "人社局", "市场局", "公安局")
    assert q1_result.best_units == q1.published_best_units


def test_most_work_orders_counts_every_unit_and_sub_unit(q1_result):
    assert q1_result.most_work_orders == (("劳动监察大队", 139), ("住建局", 112), ("房管所", 98), ("市场局", 95))


# --- checks: numbers, never display text ------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "published", "computed", "operands", "agrees"),
    [
        ("received", 1615, 1615, (56, 389, 1170), True),
        ("completed", 1612, 1612, (1615, 3), True),
        ("completion_rate", 99.8, 99.8, (1612, 1615), True),
        ("assigned_towns", 389, 389, (389,), True),
        ("assigned_departments", 1170, 1170, (1170,), True),
        ("extended", 14, 7, (4, 3), False),
        ("redone", 13, 12, (4, 8), False),
        ("overdue", 15, 6, (0, 6), False),
        ("overdue_rate", 1.56, 0.93, (15, 1615), False),
        ("score.O09", 96.5, 95.5, (1.5, 6.0), False),  # 供销联社
        (
            "best_units",
            ("城关街道办", "尧禾镇", "人社局", "市场局", "公安局"),
            ("城关街道办", "尧禾镇", "人社局", "市场局", "公安局"),
            (),
            True,
        ),
    ],
)
def test_each_check_holds_the_numbers_it_compared(q1_result, registry, key, published, computed, operands, agrees):
    check = q1_result.check(key)
    assert (check.published, check.computed, check.operands, check.agrees) == (published, computed, operands, agrees)


def test_the_gongxiao_score_check_is_about_gongxiao(q1_result, registry):
    check = q1_result.check(f"score.{registry.by_name['供销联社'].id}")
    assert (check.unit, check.kind, check.agrees) == ("供销联社", schema.DEPARTMENT, False)


def test_six_published_figures_disagree_with_the_tables(q1_result):
    assert [c.key for c in q1_result.differences] == [
        "extended",
        "redone",
        "overdue",
        "overdue_rate",
        "top_volume",
        "score.O09",
    ]


def test_every_total_row_and_every_named_unit_count_agrees(q1_result):
    totals = [c for c in q1_result.checks if c.group == checks.TOTALS]
    assert len(totals) == 8 and all(c.agrees for c in totals)
    named = [c for c in q1_result.checks if c.key.startswith("top_volume.")]
    assert [(c.unit, c.published, c.computed) for c in named] == [
        ("劳动监察大队", 139, 139),
        ("市场局", 95, 95),
        ("城关街道办", 81, 81),
        ("交通局", 71, 71),
    ]


def test_the_top_volume_list_is_not_the_top_four_and_says_who_was_passed_over(q1_result):
    listing = q1_result.check("top_volume")
    assert not listing.agrees
    assert checks.passed_over(listing, q1_result.units) == (("住建局", 112), ("房管所", 98), ("煤炭事务中心", 87))


def test_a_wrong_total_row_is_caught(q1, registry):
    totals = {kind: dict(values) for kind, values in q1.published_totals.items()}
    totals["town"]["work_orders"] = 390
    result = results.compute(replace(q1, published_totals=totals), registry, CIRCULAR)
    check = result.check("totals.town.work_orders")
    assert (check.published, check.computed, check.agrees) == (390, 389, False)


def test_a_draft_that_leaves_a_figure_out_has_no_check_of_it_and_keeps_its_reasons(q1, registry):
    headline = replace(q1.headline, extended=None, overdue_rate_pct=None)
    reason = Acknowledgement("平台口径含跨季度工单", 13, 12)  # the numbers it was given for (make explain)
    draft = replace(q1, headline=headline, status="draft", acknowledged={"redone": reason})
    result = results.compute(draft, registry, CIRCULAR)
    assert result.check("extended") is None and result.check("overdue_rate") is None
    assert result.check("redone").acknowledged == "平台口径含跨季度工单"


@pytest.mark.parametrize(
    ("published", "computed", "holds"),
    [(13, 12, True), (13.0, 12, True), (13, 11, False), (14, 12, False), (None, None, True)],
)
def test_a_reason_holds_only_for_the_numbers_it_was_given_for(q1, registry, published, computed, holds):
    reason = Acknowledgement("平台口径含跨季度工单", published, computed)
    check = results.compute(replace(q1, acknowledged={"redone": reason}), registry, CIRCULAR).check("redone")
    assert (check.acknowledged, check.outdated_reason) == (
        ("平台口径含跨季度工单", "") if holds else ("", "平台口径含跨季度工单")
    )


def test_check_decimals_follow_the_published_precision():
    assert checks.decimals(99.8) == 1 and checks.decimals(1.56) == 2 and checks.decimals(100) == 0
    assert checks.rate(1612, 1615, 99.8) == 99.8


# --- computed once ----------------------------------------------------------------------------------


def test_a_quarters_data_is_read_once_and_ranked_once_per_build(monkeypatch, tmp_path):
    data = tmp_path / "data"
    examples.generate(DATA, data)
    calls = []
    real = scoring.rank
    monkeypatch.setattr(scoring, "rank", lambda scored, circular: calls.append(1) or real(scored, circular))
    folder = DataFolder(data)
    built = History.build(folder)
    assert len(calls) == len(built.results) == 4
    assert set(folder.reads.values()) == {1}
    for result in built.results:  # every page reads these results; nothing ranks again
        assert result.ranking["rank"].notna().all()


# --- history over several quarters ---------------------------------------------------------------------


@pytest.fixture(scope="session")
def demo(tmp_path_factory) -> History:
    target = tmp_path_factory.mktemp("demo") / "data"
    made = examples.generate(DATA, target)
    assert [str(q) for q in made] == EXAMPLE_QUARTERS
    return History.build(target)


def test_examples_never_touch_the_real_data_folder(demo):
    assert sorted(p.name for p in (DATA / "quarters").iterdir()) == ["2024Q1"]
    assert "示例" not in (DATA / "unit_aliases.csv").read_text(encoding="utf-8")


def test_a_renamed_unit_is_one_unit_across_quarters(demo):
    rows = demo.units[demo.units["unit_id"] == "D07"]
    assert rows["quarter"].tolist() == ["2024Q1", *EXAMPLE_QUARTERS]
    assert rows["unit"].tolist() == ["城管局", "城管局", "城管局", "城市管理执法局"]
    assert demo.score_matrix().loc["D07"].notna().all()
    assert demo.current_name("D07") == "城市管理执法局"


def test_ranks_follow_each_unit_and_show_new_and_gone_units(demo, registry):
    ranks = demo.ranks()
    armed = registry.by_name["人民武装部"].id
    assert pd.notna(ranks.loc[armed, "2024Q3"]) and pd.isna(ranks.loc[armed, "2024Q4"])
    assert pd.isna(ranks.loc["E90", "2024Q1"]) and pd.notna(ranks.loc["E90", "2024Q4"])
    towns_first = [demo.kind_of(uid) for uid in ranks.index]
    assert towns_first == sorted(towns_first, key=lambda kind: kind != schema.TOWN)


def test_changes_are_numbers_from_the_previous_quarter(demo):
    values, deltas = demo.changes()
    received = values.loc["received"]
    assert deltas.loc["received", "2024Q2"] == received["2024Q2"] - received["2024Q1"]
    assert pd.isna(deltas.loc["received", "2024Q1"])
    assert deltas.loc["satisfaction_change_pts"].isna().all()


def test_below_full_marks_lists_runs_of_two_or_more(demo):
    matrix = demo.score_matrix()
    found = demo.below_full_marks()
    assert found
    for unit_id, quarters in found:
        assert len(quarters) >= 2 and all(matrix.loc[unit_id, q] < 100 for q in quarters)


def test_the_history_survives_being_saved_for_the_notebooks(demo, tmp_path):
    again = History.open(DATA, demo.save(tmp_path / "history.pickle"))
    assert again.units.equals(demo.units)
    assert [r.checks for r in again.results] == [r.checks for r in demo.results]


# --- derived rules, each written once (rules.totals, periods, moves, extremes, full_marks) ---------------


def test_sums_over_kinds_are_the_sums_of_each_attachment(q1_result):
    sums = q1_result.sums
    assert totals.by_kind(sums, "work_orders") == (389, 1170)
    assert totals.overall(sums, "work_orders") == 1559
    assert totals.overall(sums, "overdue") == sum(totals.by_kind(sums, "overdue")) == 6
    only_towns = totals.attachment_sums(q1_result.units[q1_result.units["kind"] == schema.TOWN])
    assert only_towns[schema.DEPARTMENT] == {c.key: 0 for c in schema.COUNT_COLUMNS}


def test_the_checks_and_a_drafts_headline_use_the_same_sums(q1, q1_result, registry):
    assert q1_result.check("received").operands == (56, *totals.by_kind(q1_result.sums, "work_orders"))
    assert q1_result.check("redone").operands == totals.by_kind(q1_result.sums, "redone")
    draft = replace(q1, headline=replace(q1.headline, redone=None), status="draft")
    assert results.compute(draft, registry, CIRCULAR).headline.redone == totals.overall(q1_result.sums, "redone") == 12


Q = QuarterId.parse


@pytest.mark.parametrize(
    ("earlier", "later", "missing"),
    [
        ("2023Q4", "2024Q1", ()),
        ("2023Q3", "2024Q1", ("2023Q4",)),
        ("2023Q1", "2024Q1", ("2023Q2", "2023Q3", "2023Q4")),
        ("2024Q1", "2024Q1", ()),
    ],
)
def test_the_quarters_missing_between_two(earlier, later, missing):
    assert periods.missing_between(Q(earlier), Q(later)) == tuple(Q(m) for m in missing)
    assert periods.consecutive(Q(earlier), Q(later)) is (Q(later).previous == Q(earlier))


def test_a_quarter_is_compared_with_the_latest_earlier_one_with_data():
    quarters = [Q("2023Q2"), Q("2023Q3"), Q("2024Q1"), Q("2024Q2")]
    assert periods.previous(quarters, 0) is None
    assert periods.previous(quarters, 1) == periods.Previous(Q("2023Q2"), 0, ())
    gap = periods.previous(quarters, 2)
    assert (gap.period, gap.index, gap.skipped, gap.adjacent) == (Q("2023Q3"), 1, (Q("2023Q4"),), False)
    assert periods.previous(quarters, 3).adjacent
    with pytest.raises(ValueError, match="out of order"):
        periods.previous([Q("2024Q2"), Q("2024Q1")], 1)


def test_rank_moves_are_numbers_against_the_quarter_compared_with():
    quarters = [Q("2023Q3"), Q("2024Q1"), Q("2024Q2")]  # 2023Q4 missing
    ranks = pd.DataFrame(
        {"2023Q3": [1, 2, pd.NA, 3], "2024Q1": [2, 1, 3, pd.NA], "2024Q2": [2, pd.NA, 1, pd.NA]},
        index=["A", "B", "C", "D"],
        dtype="Int64",
    )
    found = moves.rank_moves(ranks, quarters)
    status = {unit: [m.status for m in row] for unit, row in found.items()}
    assert status == {
        "A": [moves.FIRST, moves.DOWN, moves.SAME],
        "B": [moves.FIRST, moves.UP, moves.GONE],
        "C": [moves.ABSENT, moves.NEW, moves.UP],
        "D": [moves.FIRST, moves.GONE, moves.ABSENT],
    }
    a_in_2024q1 = found["A"][1]
    assert (a_in_2024q1.rank, a_in_2024q1.before, a_in_2024q1.places) == (2, 1, 1)
    assert a_in_2024q1.compared_with.skipped == (Q("2023Q4"),)  # across the gap, and it knows it
    assert found["C"][2].places == 2


def test_the_lowest_is_every_unit_with_the_lowest_score_in_the_given_order():
    frame = pd.DataFrame({"unit": ["甲", "乙", "丙", "丁"], "score": [90.0, 70.0, 95.0, 70.0]})
    assert extremes.lowest(frame, "score")["unit"].tolist() == ["乙", "丁"]
    assert extremes.lowest(frame.iloc[0:0], "score").empty
    assert extremes.largest(frame, "score", 2)["unit"].tolist() == ["丙", "甲"]
    assert extremes.smallest(frame, "score", 3)["unit"].tolist() == ["乙", "丁", "甲"]
    matrix = pd.DataFrame({"q1": [90.0, 100.0, 80.0], "q2": [float("nan"), 90.0, 100.0]}, index=["甲", "乙", "丙"])
    assert extremes.lowest_average(matrix, 2).tolist() == ["甲", "丙"]  # both 90 (甲 over one quarter): matrix order


def test_below_full_marks_lowest_first_counted_by_kind(q1_result):
    below = full_marks.below(q1_result.ranking, FULL)
    assert (below["composite_score"] < FULL).all()
    assert below["composite_score"].is_monotonic_increasing
    counts = full_marks.count_by_kind(q1_result.ranking, FULL)
    assert list(counts) == [schema.TOWN, schema.DEPARTMENT] and sum(counts.values()) == len(below)
    matrix = pd.DataFrame({"a": [100.0, 99.0], "b": [float("nan"), 80.0]})
    assert full_marks.count(matrix, FULL) == 2


def test_a_run_below_full_marks_is_broken_by_a_missing_quarter():
    quarters = [Q("2023Q2"), Q("2023Q3"), Q("2024Q1"), Q("2024Q2")]  # 2023Q4 missing
    matrix = pd.DataFrame(
        {
            "2023Q2": [90.0, 100.0, 90.0],
            "2023Q3": [90.0, 95.0, 90.0],
            "2024Q1": [90.0, 95.0, 100.0],
            "2024Q2": [100.0, 95.0, 90.0],
        },
        index=["A", "B", "C"],
    )
    assert full_marks.runs(matrix, quarters, FULL) == [
        ("A", ("2023Q2", "2023Q3")),
        ("B", ("2024Q1", "2024Q2")),
        ("C", ("2023Q2", "2023Q3")),
    ]
    assert full_marks.runs(matrix, quarters, FULL, 3) == []
    no_gap = [Q("2023Q1"), Q("2023Q2"), Q("2023Q3"), Q("2023Q4")]  # the same columns, had they been consecutive
    assert full_marks.runs(matrix, no_gap, FULL, 3) == [
        ("A", ("2023Q2", "2023Q3", "2024Q1")),
        ("B", ("2023Q3", "2024Q1", "2024Q2")),
    ]


def test_changes_and_moves_after_a_gap_are_from_the_latest_earlier_quarter(demo):
    gapped = without(demo, "2024Q3")
    values, deltas = gapped.changes()
    assert deltas.loc["received", "2024Q4"] == values.loc["received", "2024Q4"] - values.loc["received", "2024Q2"]
    ((quarter, before),) = gapped.gaps()
    assert (str(quarter), str(before.period), before.skipped) == ("2024Q4", "2024Q2", (Q("2024Q3"),))
    ranks = gapped.ranks()
    for unit_id, row in gapped.rank_moves().items():
        move = row[-1]
        assert move.before == (None if pd.isna(ranks.loc[unit_id, "2024Q2"]) else int(ranks.loc[unit_id, "2024Q2"]))


def without(history: History, quarter: str) -> History:
    """A history with one quarter left out: a gap."""
    kept = tuple(r for r in history.results if str(r.id) != quarter)
    units = history.units[history.units["quarter"] != quarter].reset_index(drop=True)
    return replace(history, results=kept, units=units)
