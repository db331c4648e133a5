import pandas as pd
import pytest

from hotline.data import schema
from hotline.rules import scoring


@pytest.fixture(scope="module")
def ranking(q1):
    return scoring.ranked_units(q1.units)


def test_rule_reproduces_all_49_published_scores_but_gongxiao(ranking):
    published = ranking[ranking["published_score"].notna()]
    assert len(published) == 49
    differing = published[published["published_score"] != published["composite_score"]]
    assert differing["unit"].tolist() == ["供销联社"]
    assert differing.iloc[0]["composite_score"] == 95.5
    assert differing.iloc[0]["published_score"] == 96.5


def test_sub_unit_points_count_towards_parent(ranking):
    row = ranking.set_index("unit").loc["住建局"]
    assert row["combined_work_orders"] == 112 + 98
    assert row["composite_score"] == pytest.approx(97.7)
    assert ranking.set_index("unit").loc["农业农村局", "composite_score"] == 80


def test_score_is_capped_at_100():
    units = pd.DataFrame(
        {"kind": ["town"], "unit": ["甲镇"], "parent": [""], "work_orders": [1], "bonus": [9.0], "penalty": [1.0]}
        | {"published_score": [100.0]}
    )
    assert scoring.composite_scores(units)["composite_score"].tolist() == [100.0]


def test_ties_on_score_are_broken_by_combined_work_orders(ranking):
    departments = ranking[ranking["kind"] == schema.DEPARTMENT]
    assert departments["unit"].head(3).tolist() == ["人社局", "市场局", "公安局"]
    # 自然资源局 has 15 of its own but 25 with sub-units, so it ranks above 卫健局 (22).
    order = departments["unit"].tolist()
    assert order.index("自然资源局") < order.index("卫健局")


def test_best_units_are_as_published(ranking, q1):
    assert scoring.best_units(ranking) == ["城关街道办", "尧禾镇", "人社局", "市场局", "公安局"]
    assert scoring.best_units(ranking) == list(q1.published_best_units)


def test_most_work_orders_counts_every_unit_and_sub_unit(q1):
    assert scoring.most_work_orders(q1.units, 4) == [
        ("劳动监察大队", 139),
        ("住建局", 112),
        ("房管所", 98),
        ("市场局", 95),
    ]
