"""Which period a period is compared with: the latest earlier one that has data, and the periods
missing in between.

A site can lack a quarter (a circular not entered yet, or never). Before this rule each page decided
for itself: the home page compared with the quarter before only if it was there, the changes table
showed no change after a gap, and the rank moves compared across the gap as if the quarter before
were there, without saying so. Now every comparison compares with the latest earlier period that has
data and knows which periods it skipped, so that the page can say so ("与2023年第三季度相比
（2023年第四季度无数据）"): a gap never hides a change, and never passes for the quarter before.

Runs of consecutive periods (below full marks two quarters running) are the other question: a gap
breaks a run, since nothing is known of the missing period (see :func:`consecutive`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from hotline.data.quarter_id import QuarterId


@dataclass(frozen=True)
class Previous:
    """What a period is compared with: ``period``, at ``index`` in the sequence it was found in, and
    the periods ``skipped`` between the two (none when ``period`` is the one right before)."""

    period: QuarterId
    index: int
    skipped: tuple[QuarterId, ...] = ()

    @property
    def adjacent(self) -> bool:
        return not self.skipped


def missing_between(earlier: QuarterId, later: QuarterId) -> tuple[QuarterId, ...]:
    """The periods strictly between two periods, oldest first (none for neighbours or for a period
    that is not later)."""
    missing = []
    period = later.previous
    while period > earlier:
        missing.append(period)
        period = period.previous
    return tuple(reversed(missing))


def consecutive(earlier: QuarterId, later: QuarterId) -> bool:
    """Whether ``later`` is the period right after ``earlier``."""
    return later.previous == earlier


def previous(periods: Sequence[QuarterId], index: int) -> Previous | None:
    """What ``periods[index]`` is compared with: the period before it in ``periods`` (the periods
    that have data, oldest first), with the periods missing in between; None for the first."""
    if index <= 0:
        return None
    before, this = periods[index - 1], periods[index]
    if not before < this:
        raise ValueError(f"periods out of order: {before} before {this}")
    return Previous(before, index - 1, missing_between(before, this))
