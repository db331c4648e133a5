import pytest

from hotline.rules import reconcile


@pytest.fixture(scope="module")
def checks(q1):
    return reconcile.by_key(reconcile.reconcile(q1))


@pytest.mark.parametrize(
    ("key", "published", "computed"),
    [
        ("received", "1615件", "56 + 389 + 1170 = 1615件"),
        ("completed", "1612件", "1615 − 3 = 1612件"),
        ("completion_rate", "99.8%", "1612 ÷ 1615 = 99.8%"),
        ("assigned_towns", "389件", "389件"),
        ("assigned_departments", "1170件", "1170件"),
        ("best_units", "城关街道办、尧禾镇、人社局、市场局、公安局", "城关街道办、尧禾镇、人社局、市场局、公安局"),
    ],
)
def test_figures_that_agree(checks, key, published, computed):
    check = checks[key]
    assert (check.published, check.computed, check.agrees) == (published, computed, True)


@pytest.mark.parametrize(
    ("key", "published", "computed"),
    [
        ("extended", "14件", "4 + 3 = 7件"),
        ("redone", "13件", "4 + 8 = 12件"),
        ("overdue", "15件", "0 + 6 = 6件"),
        ("overdue_rate", "1.56%", "15 ÷ 1615 = 0.93%"),
        ("score.供销联社", "96.5", "min(100, 100 + 1.5 − 6) = 95.5"),
    ],
)
def test_figures_that_disagree_are_flagged_with_a_note(checks, key, published, computed):
    check = checks[key]
    assert (check.published, check.computed, check.agrees, check.mark) == (published, computed, False, "✗")
    assert check.note


def test_every_total_row_agrees(checks):
    totals = [c for c in checks.values() if c.group == reconcile.TOTALS]
    assert len(totals) == 8
    assert all(c.agrees for c in totals)


def test_every_published_score_is_checked_and_only_gongxiao_fails(checks):
    scores = [c for c in checks.values() if c.group == reconcile.SCORES]
    assert len(scores) == 49
    assert [c.key for c in scores if not c.agrees] == ["score.供销联社"]


def test_top_volume_counts_agree_but_the_list_is_not_the_top_four(checks):
    for unit in ["劳动监察大队", "市场局", "城关街道办", "交通局"]:
        assert checks[f"top_volume.{unit}"].agrees
    listing = checks["top_volume"]
    assert not listing.agrees
    assert "住建局（112）" in listing.note and "房管所（98）" in listing.note


def test_a_wrong_total_row_is_caught(q1):
    from dataclasses import replace

    totals = {kind: dict(values) for kind, values in q1.published_totals.items()}
    totals["town"]["work_orders"] = 390
    found = reconcile.by_key(reconcile.reconcile(replace(q1, published_totals=totals)))
    assert not found["town.work_orders"].agrees
