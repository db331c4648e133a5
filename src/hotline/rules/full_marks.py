"""Below full marks: which scores fall short of the maximum, how many in each kind, and runs of
consecutive quarters below it.

"Needing attention" on the home page, the score chart's alt text, the heatmap's count and the
comparison page's runs all ask whether a score is below full marks. Each compared with a literal 100
of its own; now one comparison with the full marks of the place's format (``score.full_marks`` in
data/format.toml) answers them all, so another full score changes every one of them.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence

import pandas as pd

from hotline.data.quarter_id import QuarterId
from hotline.rules import periods
from hotline.rules.totals import KINDS


def is_below(score, full: float) -> bool:
    """Whether a rule score is below full marks ``full`` (a blank score, a unit not scored, is not)."""
    return bool(pd.notna(score) and score < full)


def below(ranking: pd.DataFrame, full: float) -> pd.DataFrame:
    """The scored units below full marks, lowest score first; units with the same score in ranking
    order."""
    found = ranking[[is_below(s, full) for s in ranking["composite_score"]]]
    return found.sort_values("composite_score", kind="stable")


def count_by_kind(ranking: pd.DataFrame, full: float) -> dict[str, int]:
    """How many units of each kind are below full marks (every kind listed, 0 included)."""
    kinds = below(ranking, full)["kind"].value_counts()
    return {kind: int(kinds.get(kind, 0)) for kind in KINDS}


def count(matrix: pd.DataFrame, full: float) -> int:
    """How many cells of a score matrix (units × quarters) are below full marks."""
    return sum(is_below(score, full) for score in matrix.to_numpy().ravel())


def runs(
    matrix: pd.DataFrame, quarters: Sequence[QuarterId], full: float, length: int = 2
) -> list[tuple[Hashable, tuple[str, ...]]]:
    """Units below full marks in ``length`` or more consecutive quarters: (row label, the columns of
    its longest such run, the first one found when two are as long). ``quarters`` are the quarters
    of the matrix's columns, in order. A quarter missing from the data ends a run: nothing is known of
    the unit then, so the quarters on either side are not "consecutive"."""
    found = []
    for label, scores in matrix.iterrows():
        streak: list[str] = []
        best: list[str] = []
        for n, (column, score) in enumerate(scores.items()):
            follows = n > 0 and periods.consecutive(quarters[n - 1], quarters[n])
            streak = ([*streak, column] if follows else [column]) if is_below(score, full) else []
            if len(streak) > len(best):
                best = streak
        if len(best) >= length:
            found.append((label, tuple(best)))
    return found
