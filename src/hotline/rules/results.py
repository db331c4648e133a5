"""A quarter's results, computed once from its validated data and passed on to every page,
chart, download and document.

Nothing downstream recomputes a score, a rank, a sum or a check: they read them from here.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, replace

import pandas as pd

from hotline.data import schema
from hotline.data.circular import Headline
from hotline.data.quarters import Quarter
from hotline.data.registry import Registry
from hotline.format.model import CircularFormat
from hotline.rules import checks as checking
from hotline.rules import rates, scoring, totals

#: Columns of the tidy per-unit table, in order (the open-data table is exactly this).
UNIT_COLUMNS = (
    "quarter",
    "unit_id",
    "category",
    "kind",
    "unit",
    "parent",
    "work_orders",
    "extended",
    "redone",
    "overdue",
    "bonus",
    "penalty",
    "published_score",
    "composite_score",
    "combined_work_orders",
    "rank",
    "example",
)


@dataclass(frozen=True)
class QuarterResult:
    """Everything computed for one quarter.

    ``units``: every unit and sub-unit in file order, one row each, with its registry id and
    category, its kind (one of :data:`schema.KINDS`), its figures, and for scored (top-level)
    units the rule score, combined work orders and rank (empty for sub-units).
    ``ranking``: the scored units in ranking order (see :func:`scoring.rank`).
    ``sums``: per kind, the sum of each count column over all its rows.
    ``headline``: the headline figures as the circular states them (see :func:`stated_headline`);
    ``quarter.headline`` keeps them as entered.
    ``format``: the place's circular format the results were computed by (data/format.toml).
    """

    quarter: Quarter
    headline: Headline
    units: pd.DataFrame
    ranking: pd.DataFrame
    sums: dict[str, dict[str, int]]
    best_units: tuple[str, ...]
    most_work_orders: tuple[tuple[str, int], ...]
    checks: tuple[checking.Check, ...]
    format: CircularFormat

    @property
    def id(self):
        return self.quarter.id

    def check(self, key: str) -> checking.Check | None:
        return self._checks_by_key.get(key)

    @functools.cached_property
    def _checks_by_key(self) -> dict[str, checking.Check]:
        """The checks by key (the first of a key, as a search in order would find): the quarter page
        asks for one per unit, and searching the whole list each time grew with the square."""
        found: dict[str, checking.Check] = {}
        for c in self.checks:
            found.setdefault(c.key, c)
        return found

    @property
    def differences(self) -> tuple[checking.Check, ...]:
        """The published figures the tables or the rules do not bear out."""
        return tuple(c for c in self.checks if not c.agrees)

    @functools.cached_property
    def member_positions(self) -> dict[str, tuple[int, ...]]:
        """For each scored unit, the positions in ``units`` of its own row and its sub-units' rows
        (file order). Found in one pass, since the attachments ask for every unit's members: one
        filter of the whole table per unit made a 300-unit quarter's tables take seconds."""
        positions: dict[str, list[int]] = {}
        for position, (unit, parent) in enumerate(zip(self.units["unit"], self.units["parent"], strict=True)):
            positions.setdefault(parent or unit, []).append(position)
        return {unit: tuple(rows) for unit, rows in positions.items()}


def stated_headline(quarter: Quarter, sums: dict[str, dict[str, int]]) -> Headline:
    """The headline as the circular states it. An issued circular is reproduced as published,
    differences and all. A draft may leave out what the tables determine: those figures are
    computed from the tables (延期/重办/逾期 totals, 交办 counts) or from the other figures (办结率,
    逾期率), so the draft's document and page state them."""
    headline = quarter.headline
    if not quarter.is_draft:
        return headline
    filled = {
        column.key: totals.overall(sums, column.key)
        for column in (schema.EXTENDED, schema.REDONE, schema.OVERDUE)
        if getattr(headline, column.key) is None
    }
    if headline.assigned_towns is None:
        filled["assigned_towns"] = sums[schema.TOWN]["work_orders"]
    if headline.assigned_departments is None:
        filled["assigned_departments"] = sums[schema.DEPARTMENT]["work_orders"]
    if headline.completion_rate_pct is None:
        filled["completion_rate_pct"] = rates.percentage(
            headline.completed, headline.received, scoring.COMPLETION_RATE_DECIMALS
        )
    if headline.overdue_rate_pct is None:
        overdue = headline.overdue if headline.overdue is not None else filled["overdue"]
        filled["overdue_rate_pct"] = rates.percentage(overdue, headline.received, scoring.OVERDUE_RATE_DECIMALS)
    return replace(headline, **filled)


def compute(quarter: Quarter, registry: Registry, circular: CircularFormat) -> QuarterResult:
    """Score, rank, sum and check a validated quarter by the place's format: the only place any of
    that happens."""
    scoring.check_published(quarter.units, circular, quarter.folder)
    ranking = scoring.rank(scoring.composite_scores(quarter.units, circular), circular)
    scored = ranking.set_index("unit")[["composite_score", "combined_work_orders", "rank"]]
    units = quarter.units.join(scored, on="unit")
    units["rank"] = units["rank"].astype("Int64")
    units["combined_work_orders"] = units["combined_work_orders"].astype("Int64")
    units.insert(0, "quarter", str(quarter.id))
    units["category"] = units["unit_id"].map(lambda uid: registry.units[uid].category)
    units["example"] = quarter.example
    units = units[list(UNIT_COLUMNS)].reset_index(drop=True)
    sums = totals.attachment_sums(units)
    best = tuple(scoring.best_units(ranking, circular))
    size = len(quarter.published_top_volume) if quarter.published_top_volume else circular.top_volume
    largest = tuple(scoring.most_work_orders(units, size))
    found = checking.check_quarter(
        quarter, units, ranking, sums, best, largest, scores=not circular.score.published_only
    )
    headline = stated_headline(quarter, sums)
    return QuarterResult(quarter, headline, units, ranking, sums, best, largest, found, circular)
