"""The scoring rule and the ranking rule, the only place either is written down.

The site's methodology page quotes these docstrings, so they are written for the public.
"""

from __future__ import annotations

import pandas as pd

from hotline.data import schema
from hotline.rules import extremes

MAX_SCORE = 100.0
BASE_SCORE = 100.0
BEST_UNITS_PER_KIND = {schema.TOWN: 2, schema.DEPARTMENT: 3}
TOP_VOLUME_COUNT = 4  # units the circular names for most work orders, when a draft computes the list
# Decimals of the rates a draft has computed (as the circulars print them: 99.8%, 1.56%).
COMPLETION_RATE_DECIMALS = 1
OVERDUE_RATE_DECIMALS = 2
# Decimals a rule score is kept to, and to which a published score must equal it: points have one
# decimal, so this only takes away binary floating point's noise (95.49999999 is 95.5), never a
# real difference (a published 95.6 for a computed 95.5 is one).
SCORE_DECIMALS = 2


def top_level_unit(units: pd.DataFrame) -> pd.Series:
    """The unit a row is scored under: itself, or its parent for a sub-unit."""
    return units["parent"].where(units["parent"] != "", units["unit"])


def composite_scores(units: pd.DataFrame) -> pd.DataFrame:
    """综合得分 = min(100, 100 + 加分值合计 − 减分值合计)，合计范围为单位本身及其全部下属单位。

    Returns one row per top-level unit, in file order, with its kind (and registry id, when the
    rows have one), the summed points, the combined work orders (unit plus sub-units), the score,
    rounded to 2 decimals so that binary floating point never shows (the circular prints one
    decimal), the published score and whether the two agree.
    """
    owner = top_level_unit(units)
    grouped = units.assign(owner=owner).groupby("owner", sort=False)
    scored = grouped.agg(
        kind=("kind", "first"),
        bonus_total=("bonus", "sum"),
        penalty_total=("penalty", "sum"),
        combined_work_orders=("work_orders", "sum"),
    )
    raw = BASE_SCORE + scored["bonus_total"] - scored["penalty_total"]
    scored["composite_score"] = raw.clip(upper=MAX_SCORE).round(SCORE_DECIMALS)
    top = units[units["parent"] == ""].set_index("unit")
    scored["published_score"] = top["published_score"].reindex(scored.index)
    if "unit_id" in units:
        scored.insert(0, "unit_id", top["unit_id"].reindex(scored.index))
    scored["score_agrees"] = [
        score_agrees(p, c) for p, c in zip(scored["published_score"], scored["composite_score"], strict=True)
    ]
    return scored.rename_axis("unit").reset_index()


def score_agrees(published: float, computed: float) -> bool:
    """A published score agrees with the rule when it is the same to two decimals; a unit with no
    published score has nothing to disagree with."""
    return bool(pd.isna(published) or round(float(published), SCORE_DECIMALS) == round(float(computed), SCORE_DECIMALS))


def rank(scored: pd.DataFrame) -> pd.DataFrame:
    """排名：同类单位（镇办、部门分别排名）按综合得分从高到低，得分相同按合计工单量（含下属单位）从多到少；
    仍相同的，按附件中的先后顺序。

    Adds ``rank`` (1 = best) within each kind and returns the rows in ranking order.
    """
    ordered = scored.assign(
        _attachment=scored["kind"].map(schema.ATTACHMENT_NO), _order=range(len(scored))
    ).sort_values(
        ["_attachment", "composite_score", "combined_work_orders", "_order"],
        ascending=[True, False, False, True],
        kind="stable",
    )
    ordered["rank"] = ordered.groupby("kind").cumcount() + 1
    return ordered.drop(columns=["_attachment", "_order"]).reset_index(drop=True)


def best_units(ranking: pd.DataFrame) -> list[str]:
    """综合成绩较好的单位：排名前2的镇办和前3的部门（镇办在前）。"""
    best = []
    for kind in (schema.TOWN, schema.DEPARTMENT):
        of_kind = ranking[ranking["kind"] == kind].sort_values("rank")
        best += of_kind["unit"].head(BEST_UNITS_PER_KIND[kind]).tolist()
    return best


def most_work_orders(units: pd.DataFrame, count: int) -> list[tuple[str, int]]:
    """工单量最多的单位：每个单位（含下属单位，各自计）按本身承办工单量从多到少；相同按附件顺序。"""
    top = extremes.largest(units, "work_orders", count)
    return list(zip(top["unit"], top["work_orders"].astype(int), strict=True))
