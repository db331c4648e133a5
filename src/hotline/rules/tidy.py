"""Open-data tables: one row per unit per quarter, as CSV that Excel opens correctly."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from hotline.data import schema
from hotline.data.loading import Quarter
from hotline.data.registry import Registry
from hotline.rules import scoring

UNIT_TABLE_COLUMNS = ["quarter", "unit_id", "category", "kind", "unit", "parent", "work_orders", "extended", "redone"]
UNIT_TABLE_COLUMNS += [
    "overdue",
    "bonus",
    "penalty",
    "published_score",
    "composite_score",
    "combined_work_orders",
    "rank",
]
UNIT_TABLE_COLUMNS += ["example"]


def unit_table(quarter: Quarter, registry: Registry | None = None) -> pd.DataFrame:
    """Every unit and sub-unit with its figures, rule score and rank (the latter only for scored units)."""
    registry = registry or Registry.load(quarter.folder.parents[1])
    ranking = scoring.ranked_units(quarter.units)[["unit", "composite_score", "combined_work_orders", "rank"]]
    table = quarter.units.merge(ranking, on="unit", how="left")
    table.insert(0, "quarter", str(quarter.id))
    table["category"] = table["unit_id"].map(lambda uid: registry.units[uid].category)
    table["example"] = "是" if quarter.example else "否"
    table["kind"] = table["kind"].map(schema.KIND_ZH)
    table["rank"] = table["rank"].astype("Int64")
    table["combined_work_orders"] = table["combined_work_orders"].astype("Int64")
    return table[UNIT_TABLE_COLUMNS]


def headline_table(quarters: list[Quarter]) -> pd.DataFrame:
    """One row per quarter: the headline figures exactly as each circular published them."""
    rows = []
    for quarter in quarters:
        row = {"quarter": str(quarter.id)}
        row |= {c.key: getattr(quarter.headline, c.key) for c in schema.HEADLINE_COLUMNS}
        row["completed_as_of"] = quarter.headline.completed_as_of.isoformat()
        row["example"] = "是" if quarter.example else "否"
        rows.append(row)
    return pd.DataFrame(rows)


def header_of(key: str) -> str:
    return HEADLINE_BY_KEY[key].zh if key in HEADLINE_BY_KEY else schema.zh(key)


HEADLINE_BY_KEY = {c.key: c for c in schema.HEADLINE_COLUMNS}


def write_csv(table: pd.DataFrame, path: Path, *, chinese_headers: bool = True) -> Path:
    """UTF-8 with BOM, so a double-click in Excel shows the text correctly."""
    path.parent.mkdir(parents=True, exist_ok=True)
    out = table.rename(columns=header_of) if chinese_headers else table
    out.to_csv(path, index=False, encoding="utf-8-sig", lineterminator="\n")
    return path
