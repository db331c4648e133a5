"""Rank moves: how each unit's rank changed from the quarter it is compared with.

The comparison page worked this out in its own loop, comparing each quarter's column with the one
to its left: across a missing quarter it showed moves as if from the quarter before. Here a move is
numbers only, found against the quarter :func:`periods.previous` gives (which names the quarters
skipped, so the page can say so); the page only words it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from hotline.data.quarter_id import QuarterId
from hotline.rules import periods

UP, DOWN, SAME = "up", "down", "same"
NEW = "new"  # scored in this quarter, not in the one compared with
GONE = "gone"  # scored in the quarter compared with, not in this one
FIRST = "first"  # scored, and no earlier quarter to compare with
ABSENT = "absent"  # not scored in this quarter, nor in the one compared with


@dataclass(frozen=True)
class Move:
    """One unit in one quarter: its ``rank`` (None: not scored), its rank ``before`` in the quarter
    compared with (None: not scored then), and that quarter (None: the first quarter)."""

    rank: int | None
    before: int | None
    compared_with: periods.Previous | None

    @property
    def status(self) -> str:
        if self.rank is None:
            return GONE if self.before is not None else ABSENT
        if self.compared_with is None:
            return FIRST
        if self.before is None:
            return NEW
        return UP if self.before > self.rank else DOWN if self.before < self.rank else SAME

    @property
    def places(self) -> int:
        """How many places it moved, up or down (0 when it did not, or cannot be compared)."""
        return abs(self.before - self.rank) if self.status in (UP, DOWN) else 0


def _rank(value) -> int | None:
    return None if pd.isna(value) else int(value)


def rank_moves(ranks: pd.DataFrame, quarters: Sequence[QuarterId]) -> dict[str, tuple[Move, ...]]:
    """Each unit's move in each quarter. ``ranks``: ranks within kind (rows: units; columns: the
    quarters that have data, in order, NA where a unit was not scored); ``quarters``: those
    columns' quarters."""
    compared = [periods.previous(quarters, n) for n in range(len(quarters))]
    found = {}
    for unit, row in ranks.iterrows():
        values = [_rank(v) for v in row.tolist()]
        found[unit] = tuple(
            Move(rank, values[before.index] if before else None, before)
            for rank, before in zip(values, compared, strict=True)
        )
    return found
