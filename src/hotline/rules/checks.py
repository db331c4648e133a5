"""Every figure a circular publishes, checked against its own tables and the published rules.

A disagreement is a finding to publish, never an error. Each :class:`Check` holds numbers only:
the value as published, the value computed from the tables or the rule, and the operands it was
computed from. The pages decide how to say them (``56 + 389 + 1170 = 1615件``); nothing here is
display text, and nothing downstream parses a string back into a number.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from hotline.data import schema
from hotline.data.quarters import Quarter
from hotline.rules import scoring, totals
from hotline.rules.rates import decimals, percentage

HEADLINE = "headline"
TOTALS = "totals"
SCORES = "scores"
LISTS = "lists"
GROUPS = (HEADLINE, TOTALS, LISTS, SCORES)  # the order the page shows them in

Number = int | float
Listing = tuple[str, ...] | tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class Check:
    """One published figure against its computed value.

    ``key`` says which figure (and so which formula ``operands`` feed): ``received`` (answered
    directly, town sum, department sum), ``completed`` (received, outstanding), ``completion_rate``
    and ``overdue_rate`` (numerator, denominator), ``assigned_towns`` / ``assigned_departments``
    (the sum), ``extended`` / ``redone`` / ``overdue`` (town sum, department sum),
    ``totals.<kind>.<column>`` (the sum of the rows), ``score.<unit id>`` (bonus, penalty),
    ``top_volume.<unit id>`` (the unit's work orders), ``top_volume`` and ``best_units`` (lists).
    """

    group: str
    key: str
    published: Number | Listing
    computed: Number | Listing
    operands: tuple[Number, ...] = ()
    agrees: bool = True
    unit: str = ""  # for a check about one unit: its name as published
    unit_id: str = ""
    kind: str = ""  # the kind (schema.TOWN / schema.DEPARTMENT) of a unit or a total
    column: str = ""  # for a total: the count column's key
    acknowledged: str = ""  # the reason staff gave for leaving a difference as it is (make explain)
    outdated_reason: str = ""  # a reason given for other numbers than these: to be confirmed again


def rate(numerator: int, denominator: int, like: float) -> float:
    """A percentage rounded (half up) to the precision of the published one, so that they compare
    fairly: a published rate agrees only when it is the computed one as printed; one off in its
    last decimal is a difference (see :mod:`hotline.rules.rates`)."""
    return percentage(numerator, denominator, decimals(like))


def _headline(quarter: Quarter, sums: dict[str, dict[str, int]]) -> Iterable[Check]:
    h = quarter.headline
    assigned = totals.by_kind(sums, "work_orders")
    received = h.answered_directly + totals.overall(sums, "work_orders")
    yield Check(
        HEADLINE,
        "received",
        h.received,
        received,
        (h.answered_directly, *assigned),
        received == h.received,
    )
    outstanding = sum(o.count for o in h.outstanding)
    completed = h.received - outstanding
    yield Check(HEADLINE, "completed", h.completed, completed, (h.received, outstanding), completed == h.completed)
    if h.completion_rate_pct is not None:  # a draft may leave it out: then it is computed, not checked
        completion = rate(h.completed, h.received, h.completion_rate_pct)
        yield Check(
            HEADLINE,
            "completion_rate",
            h.completion_rate_pct,
            completion,
            (h.completed, h.received),
            completion == h.completion_rate_pct,
        )
    for key, kind in (("assigned_towns", schema.TOWN), ("assigned_departments", schema.DEPARTMENT)):
        published, total = getattr(h, key), sums[kind]["work_orders"]
        if published is not None:
            yield Check(HEADLINE, key, published, total, (total,), published == total, kind=kind)
    for column in (schema.EXTENDED, schema.REDONE, schema.OVERDUE):
        published = getattr(h, column.key)
        if published is None:
            continue
        total = totals.overall(sums, column.key)
        yield Check(
            HEADLINE,
            column.key,
            published,
            total,
            totals.by_kind(sums, column.key),
            published == total,
            column=column.key,
        )
    if h.overdue_rate_pct is not None and h.overdue is not None:
        overdue = rate(h.overdue, h.received, h.overdue_rate_pct)
        yield Check(
            HEADLINE,
            "overdue_rate",
            h.overdue_rate_pct,
            overdue,
            (h.overdue, h.received),
            overdue == h.overdue_rate_pct,
        )


def _totals(quarter: Quarter, sums: dict[str, dict[str, int]]) -> Iterable[Check]:
    for kind, printed in quarter.published_totals.items():
        for column in schema.COUNT_COLUMNS:
            published, total = printed[column.key], sums[kind][column.key]
            yield Check(
                TOTALS,
                f"totals.{kind}.{column.key}",
                published,
                total,
                (total,),
                published == total,
                kind=kind,
                column=column.key,
            )


def _scores(ranking: pd.DataFrame) -> Iterable[Check]:
    for row in ranking[ranking["published_score"].notna()].itertuples():
        yield Check(
            SCORES,
            f"score.{row.unit_id}",
            float(row.published_score),
            float(row.composite_score),
            (float(row.bonus_total), float(row.penalty_total)),
            bool(row.score_agrees),
            unit=row.unit,
            unit_id=row.unit_id,
            kind=row.kind,
        )


def _lists(
    quarter: Quarter, units: pd.DataFrame, best: tuple[str, ...], largest: tuple[tuple[str, int], ...]
) -> Iterable[Check]:
    if quarter.published_best_units is not None:
        published = tuple(quarter.published_best_units)
        yield Check(LISTS, "best_units", published, best, (), published == best)
    if quarter.published_top_volume is None:
        return
    by_name = units.set_index("unit")
    for name, published in quarter.published_top_volume:
        row = by_name.loc[name]
        actual = int(row["work_orders"])
        yield Check(
            LISTS,
            f"top_volume.{row['unit_id']}",
            published,
            actual,
            (actual,),
            actual == published,
            unit=name,
            unit_id=row["unit_id"],
            kind=row["kind"],
        )
    named = tuple((name, int(by_name.loc[name, "work_orders"])) for name, _ in quarter.published_top_volume)
    yield Check(LISTS, "top_volume", named, largest, (), [n for n, _ in named] == [n for n, _ in largest])


def check_quarter(
    quarter: Quarter,
    units: pd.DataFrame,
    ranking: pd.DataFrame,
    sums: dict[str, dict[str, int]],
    best: tuple[str, ...],
    largest: tuple[tuple[str, int], ...],
    *,
    scores: bool = True,
) -> tuple[Check, ...]:
    """Every check of a quarter, in the order the page lists them; staff's acknowledgements attached.
    ``scores``: whether the published scores are checked against the rule (there is none where the
    format takes the published scores as they are)."""
    checks = [
        *_headline(quarter, sums),
        *_totals(quarter, sums),
        *_lists(quarter, units, best, largest),
        *(_scores(ranking) if scores else ()),
    ]
    return tuple(_acknowledged(check, quarter.acknowledged.get(check.key)) for check in checks)


def pinned(value) -> str:
    """A published or computed value as ``make explain`` records it and compares it: lists as
    lists, every number as a float (TOML gives 14 back for 14.0)."""

    def plain(v):
        if isinstance(v, list | tuple):
            return [plain(x) for x in v]
        if isinstance(v, bool) or not isinstance(v, int | float):
            return v
        return float(v)

    return json.dumps(plain(value), ensure_ascii=False)


def _acknowledged(check: Check, given) -> Check:
    """Staff's reason attached to its check, if it was given for these very numbers."""
    if given is None:
        return check
    if given.pinned and (pinned(given.published), pinned(given.computed)) != (
        pinned(check.published),
        pinned(check.computed),
    ):
        return dataclasses.replace(check, outdated_reason=given.reason)
    return dataclasses.replace(check, acknowledged=given.reason)


def passed_over(check: Check, units: pd.DataFrame) -> tuple[tuple[str, int], ...]:
    """For the ``top_volume`` check: units with more work orders than the smallest named one that the
    circular did not name, largest first."""
    named = {name for name, _ in check.published}
    smallest = min(n for _, n in check.published)
    return tuple((u, n) for u, n in scoring.most_work_orders(units, len(units)) if n > smallest and u not in named)
