"""Every tolerance pinned at its boundary: a value just inside is accepted (or agrees), a value just
outside is refused (or differs).

A tolerance tested only far from its edge lets a wider one pass unnoticed: the score agreement
widened to ±0.5, the rate checks to ±0.1 point, a limit moved by one, would all have passed the
suite. The tolerances here are those of the rules (a published score or rate against the one
computed, a reason against the numbers it was given for, full marks) and of the data (the largest
count, points and score, the ranges of rates, the lengths of names and texts).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

from hotline.data import narrative, values
from hotline.data.circular import Acknowledgement
from hotline.data.errors import DataError
from hotline.data.quarters import load_quarter
from hotline.rules import checks, full_marks, rates, results, scoring
from hotline.rules.history import History

from .conftest import CIRCULAR, FULL, correct

HERE = Path("towns.csv")


# --- a published score against the rule: the same to two decimals ------------------------------


@pytest.mark.parametrize(
    ("published", "computed", "agrees"),
    [
        (95.5, 95.5, True),
        (95.5, 95.5 + 1e-9, True),  # binary floating point's noise is no difference
        (95.5, 95.504, True),  # the same to two decimals
        (95.5, 95.51, False),  # one hundredth off
        (95.5, 95.49, False),
        (95.6, 95.5, False),  # a tenth off, as printed
        (96.0, 95.5, False),  # half a point off
        (100, 100.0, True),
        (99.99, 100.0, False),
    ],
)
def test_a_published_score_agrees_only_when_it_is_the_rule_score_to_two_decimals(published, computed, agrees):
    assert scoring.score_agrees(published, computed) is agrees


@pytest.mark.parametrize(("offset", "agrees"), [(0.0, True), (0.01, False), (-0.01, False), (0.1, False), (0.5, False)])
def test_a_score_check_of_the_quarter_flags_a_hundredth(q1, registry, offset, agrees):
    """Through the whole computation: 供销联社's published score (96.5 as printed) set ``offset`` from
    its rule score, 95.5."""
    units = q1.units.copy()
    units.loc[units["unit"] == "供销联社", "published_score"] = 95.5 + offset
    check = results.compute(replace(q1, units=units), registry, CIRCULAR).check(
        f"score.{registry.by_name['供销联社'].id}"
    )
    assert check.computed == 95.5
    assert check.agrees is agrees


# --- a published rate against the counts: the same when rounded half up to its decimals ----------------


@pytest.mark.parametrize(
    ("completed", "received", "published", "agrees"),
    [
        (1612, 1615, 99.8, True),  # 99.814…
        (1612, 1615, 99.9, False),  # a tenth of a point off
        (1612, 1615, 99.7, False),
        (1997, 2000, 99.9, True),  # exactly 99.85: rounded half up, as the circular and a spreadsheet do
        (1997, 2000, 99.8, False),
        (1996, 2000, 99.8, True),  # 99.80
        (1996, 2000, 99.9, False),
        (19969, 20000, 99.8, True),  # 99.845: just below the half
        (19969, 20000, 99.9, False),
        (1615, 1615, 100, True),
    ],
)
def test_the_completion_rate_check_pins_the_last_published_decimal(
    q1, registry, completed, received, published, agrees
):
    headline = replace(q1.headline, completed=completed, received=received, completion_rate_pct=published)
    check = results.compute(replace(q1, headline=headline), registry, CIRCULAR).check("completion_rate")
    assert (check.operands, check.agrees) == ((completed, received), agrees)


@pytest.mark.parametrize(
    ("overdue", "received", "published", "agrees"),
    [
        (15, 1615, 0.93, True),  # 0.9287…
        (15, 1615, 0.92, False),  # a hundredth of a point off
        (15, 1615, 0.94, False),
        (15, 1615, 1.03, False),  # a tenth off
        (1, 800, 0.13, True),  # exactly 0.125: half up (Python's round gives 0.12)
        (1, 800, 0.12, False),
        (6, 1615, 0.37, True),
        (6, 1615, 0.4, True),  # published with one decimal: compared at one decimal
        (6, 1615, 0.3, False),
    ],
)
def test_the_overdue_rate_check_pins_the_last_published_decimal(q1, registry, overdue, received, published, agrees):
    headline = replace(q1.headline, overdue=overdue, received=received, overdue_rate_pct=published)
    check = results.compute(replace(q1, headline=headline), registry, CIRCULAR).check("overdue_rate")
    assert (check.operands, check.agrees) == ((overdue, received), agrees)


@pytest.mark.parametrize(
    ("numerator", "denominator", "places", "rate"),
    [(1997, 2000, 1, 99.9), (19969, 20000, 1, 99.8), (1, 800, 2, 0.13), (1, 1600, 2, 0.06), (0, 9, 1, 0.0)],
)
def test_a_rate_is_rounded_half_up_from_the_exact_counts(numerator, denominator, places, rate):
    assert rates.percentage(numerator, denominator, places) == rate


def test_a_drafts_computed_rates_round_half_up_too(q1, registry):
    headline = replace(
        q1.headline, completed=1997, received=2000, overdue=None, completion_rate_pct=None, overdue_rate_pct=None
    )
    draft = replace(q1, headline=headline, status="draft")
    stated = results.compute(draft, registry, CIRCULAR).headline
    assert stated.completion_rate_pct == 99.9  # 99.85
    assert stated.overdue_rate_pct == rates.percentage(6, 2000, 2) == 0.3  # the tables' 6 of 2000


# --- a reason for a difference holds for its very numbers ---------------------------------------------


@pytest.mark.parametrize(("published", "holds"), [(13, True), (13.0, True), (13.01, False), (12.99, False)])
def test_a_reason_holds_for_exactly_its_numbers(q1, registry, published, holds):
    reason = Acknowledgement("平台口径含跨季度工单", published, 12)
    check = results.compute(replace(q1, acknowledged={"redone": reason}), registry, CIRCULAR).check("redone")
    assert bool(check.acknowledged) is holds


def test_pinned_numbers_compare_exactly():
    assert checks.pinned(13) == checks.pinned(13.0)
    assert checks.pinned(13) != checks.pinned(13.000001)


# --- full marks ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("score", "below"), [(100, False), (100.0, False), (99.99, True), (99.9, True), (0, True), (float("nan"), False)]
)
def test_below_full_marks_is_anything_under_the_maximum(score, below):
    assert full_marks.is_below(score, FULL) is below


@pytest.mark.parametrize(("bonus", "penalty", "score"), [(0.0, 0.0, 100.0), (5.0, 5.1, 99.9), (5.1, 5.0, 100.0)])
def test_the_score_is_capped_at_full_marks_exactly(bonus, penalty, score):
    units = pd.DataFrame(
        {"kind": ["town"], "unit": ["甲镇"], "parent": [""], "work_orders": [1], "bonus": [bonus], "penalty": [penalty]}
        | {"published_score": [float("nan")]}
    )
    assert scoring.composite_scores(units, CIRCULAR)["composite_score"].tolist() == [score]


# --- limits of the data -------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "accepted"), [("10000000", True), ("10000001", False), ("0", True)])
def test_the_largest_count_in_a_table(text, accepted):
    if accepted:
        assert values.parse_count(text, HERE, 3, "承办工单量") == int(text)
    else:
        with pytest.raises(DataError, match="大得不合理"):
            values.parse_count(text, HERE, 3, "承办工单量")


@pytest.mark.parametrize(
    ("text", "accepted"),
    [("1000", True), ("1000.01", False), ("1000.0000000", True), ("1000.00000000", False), ("0", True)],
)
def test_the_largest_points_in_a_table(text, accepted):
    """At most 1000, and at most 12 characters."""
    if accepted:
        assert values.parse_number(text, HERE, 3, "加分值") == float(text)
    else:
        with pytest.raises(DataError, match="大得不合理"):
            values.parse_number(text, HERE, 3, "加分值")


@pytest.mark.parametrize(("score", "accepted"), [("100", True), ("100.01", False), ("0", True), ("-0.01", False)])
def test_a_published_score_is_between_0_and_the_formats_full_marks(data_copy, score, accepted):
    """Negative: refused when the file is read; above the format's full marks (100 here): by the rules."""
    correct(data_copy, "towns.csv", "尧禾镇,,64,,,,3.4,1,100", f"尧禾镇,,64,,,,3.4,1,{score}")
    if accepted:
        units = History.build(data_copy).result("2024Q1").units.set_index("unit")
        assert units.loc["尧禾镇", "published_score"] == float(score)
    else:
        with pytest.raises(DataError, match=r"超出0–100的范围|负数") as caught:
            History.build(data_copy)
        assert (caught.value.path.name, caught.value.line, caught.value.column) == ("towns.csv", 3, "综合得分")


@pytest.mark.parametrize(
    ("old", "new", "accepted"),
    [
        ("received = 1615", "received = 10000000", True),
        ("received = 1615", "received = 10000001", False),
        ("completion_rate_pct = 99.8", "completion_rate_pct = 100", True),
        ("completion_rate_pct = 99.8", "completion_rate_pct = 100.01", False),
        ("completion_rate_pct = 99.8", "completion_rate_pct = 0", True),
        ("completion_rate_pct = 99.8", "completion_rate_pct = -0.01", False),
        ("overdue_rate_pct = 1.56", "overdue_rate_pct = 100", True),
        ("overdue_rate_pct = 1.56", "overdue_rate_pct = 100.01", False),
        ("satisfaction_change_pts = -3.0", "satisfaction_change_pts = -100", True),
        ("satisfaction_change_pts = -3.0", "satisfaction_change_pts = -100.01", False),
        ("satisfaction_change_pts = -3.0", "satisfaction_change_pts = 100", True),
        ("satisfaction_change_pts = -3.0", "satisfaction_change_pts = 100.01", False),
        ("satisfaction_pct = 89.96", "satisfaction_pct = 100", True),
        ("satisfaction_pct = 89.96", "satisfaction_pct = 100.01", False),
    ],
)
def test_the_ranges_of_the_circulars_figures(data_copy, old, new, accepted):
    path = data_copy / "quarters" / "2024Q1" / "circular.toml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    if accepted:
        load_quarter(data_copy, "2024Q1", verify=False)
    else:
        with pytest.raises(DataError, match=r"大得不合理|超出合理范围"):
            load_quarter(data_copy, "2024Q1", verify=False)


@pytest.mark.parametrize(("length", "accepted"), [(values.MAX_NAME, True), (values.MAX_NAME + 1, False)])
def test_the_longest_name(length, accepted):
    name = "镇" * length
    if accepted:
        assert values.check_name(name, HERE, 3, "办理部门") == name
    else:
        with pytest.raises(DataError, match="名称过长"):
            values.check_name(name, HERE, 3, "办理部门")


@pytest.mark.parametrize(("length", "accepted"), [(500, True), (501, False)])
def test_the_longest_reason_or_change_typed_in_a_command(length, accepted):
    if accepted:
        assert values.check_text("因" * length, HERE, None, "原因") == "因" * length
    else:
        with pytest.raises(DataError, match="过长"):
            values.check_text("因" * length, HERE, None, "原因")


@pytest.mark.parametrize(("length", "accepted"), [(narrative.MAX_LENGTH, True), (narrative.MAX_LENGTH + 1, False)])
def test_the_longest_narrative(length, accepted):
    text = "字" * length
    if accepted:
        assert narrative.parse(text, HERE).blocks
    else:
        with pytest.raises(DataError, match="文字过长"):
            narrative.parse(text, HERE)
