"""The scoring rule and the ranking rule, applied as the place's format file declares them
(data/format.toml: the score rule, full marks, the tie-break columns, how many units are named), the
only place either is applied.

The site's methodology page quotes these docstrings, so they are written for the public.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from hotline.data.errors import DataError
from hotline.data.schema import ATTACHMENT_FILE, PUBLISHED_SCORE
from hotline.format.model import CircularFormat
from hotline.rules import extremes

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


def composite_scores(units: pd.DataFrame, circular: CircularFormat) -> pd.DataFrame:
    """综合得分按通报格式中的计分规则计算，加分值、减分值的合计范围为单位本身及其全部下属单位；
    通报格式规定只采用通报公布的得分时，综合得分就是通报公布的得分，不重新计算。

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
    top = units[units["parent"] == ""].set_index("unit")
    if circular.score.published_only:
        score = top["published_score"].reindex(scored.index).astype(float)
    else:
        score = pd.Series(circular.score.compute(scored["bonus_total"], scored["penalty_total"]), index=scored.index)
    values = score.to_numpy(dtype=float)
    with np.errstate(invalid="ignore"):
        shown = np.round(values, SCORE_DECIMALS)  # as kept: floating point's noise is not a breach
        outside = ~np.isfinite(values) | (shown < 0) | (shown > circular.score.full_marks)
    if outside.any() and circular.score.published_only:  # refused, by file and line, by check_published
        raise ValueError(f"published scores missing or outside 0…full marks: {list(score.index[outside])}")
    if outside.any():  # a rule that divides by zero, or leaves 0…full marks: said before any page is made
        rule, units_named = circular.score, score.index[outside]
        names = "、".join(map(str, units_named[:3])) + ("等" if len(units_named) > 3 else "")
        raise DataError(
            rule.path,
            f"计分规则“{rule.rule.text}”对{names}算不出0到{rule.full_marks:g}分之间的得分"
            "（例如除以0，或没有以满分为上限）：请修改计分规则",
            line=rule.line,
            column="score.rule",
            item="项",
        )
    scored["composite_score"] = score.astype(float).round(SCORE_DECIMALS)
    scored["published_score"] = top["published_score"].reindex(scored.index)
    if "unit_id" in units:
        scored.insert(0, "unit_id", top["unit_id"].reindex(scored.index))
    scored["score_agrees"] = [
        score_agrees(p, c) for p, c in zip(scored["published_score"], scored["composite_score"], strict=True)
    ]
    return scored.rename_axis("unit").reset_index()


def check_published(units: pd.DataFrame, circular: CircularFormat, folder: Path) -> None:
    """A published score above the format's full marks is refused, and where the format takes the
    published scores as the scores, so is a top-level unit without one (it could not be ranked);
    named by file, line and column, as the data's own checks name a value."""
    full = circular.score.full_marks
    for row in units[units["parent"] == ""].itertuples():
        path = folder / ATTACHMENT_FILE[row.kind]
        if pd.notna(row.published_score) and row.published_score > full:
            raise DataError(
                path,
                f"综合得分“{row.published_score:g}”超出0–{full:g}的范围（满分见 format.toml）",
                line=row.source_line,
                column=PUBLISHED_SCORE.zh,
            )
        if pd.isna(row.published_score) and circular.score.published_only:
            raise DataError(
                path,
                f"{row.unit}没有综合得分：通报格式规定采用通报公布的得分（format.toml 的 score.source），"
                "每个单位（下属单位除外）都要填写",
                line=row.source_line,
                column=PUBLISHED_SCORE.zh,
            )


def score_agrees(published: float, computed: float) -> bool:
    """A published score agrees with the rule when it is the same to two decimals; a unit with no
    published score has nothing to disagree with."""
    return bool(pd.isna(published) or round(float(published), SCORE_DECIMALS) == round(float(computed), SCORE_DECIMALS))


def rank(scored: pd.DataFrame, circular: CircularFormat) -> pd.DataFrame:
    """排名：同组单位（各组分别排名）按综合得分从高到低，得分相同时依次按通报格式列出的列从多到少；
    仍相同的，按通报格式的规定：按附件中的先后顺序排出名次，或名次并列（下一名次空出相应的位数）。

    Adds ``rank`` (1 = best) within each kind and returns the rows in ranking order.
    """
    attachment = {g.key: g.attachment for g in circular.groups}
    ties = list(circular.tie_break)
    ordered = scored.assign(_attachment=scored["kind"].map(attachment), _order=range(len(scored))).sort_values(
        ["_attachment", "composite_score", *ties, "_order"],
        ascending=[True, False, *[False] * len(ties), True],
        kind="stable",
    )
    ordered["rank"] = ordered.groupby("kind").cumcount() + 1
    if circular.ties == "shared":  # 并列: every unit of a tie takes the tie's best rank
        ordered["rank"] = ordered.groupby(["kind", "composite_score", *ties])["rank"].transform("min")
    return ordered.drop(columns=["_attachment", "_order"]).reset_index(drop=True)


def best_units(ranking: pd.DataFrame, circular: CircularFormat) -> list[str]:
    """综合成绩较好的单位：各组排名靠前的单位，每组点名几个由通报格式规定（按附件顺序，各组依次列出）。"""
    best = []
    for group in circular.groups:
        of_kind = ranking[ranking["kind"] == group.key].sort_values("rank")
        best += of_kind["unit"].head(group.best_named).tolist()
    return best


def most_work_orders(units: pd.DataFrame, count: int) -> list[tuple[str, int]]:
    """工单量最多的单位：每个单位（含下属单位，各自计）按本身承办工单量从多到少；相同按附件顺序。"""
    top = extremes.largest(units, "work_orders", count)
    return list(zip(top["unit"], top["work_orders"].astype(int), strict=True))
