"""Open-data tables: one row per unit per quarter, as CSV that Excel opens correctly."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from . import schema, scoring
from .loading import Quarter

UNIT_TABLE_COLUMNS = ["quarter", "kind", "unit", "parent", "work_orders", "extended", "redone", "overdue"]
UNIT_TABLE_COLUMNS += ["bonus", "penalty", "published_score", "composite_score", "combined_work_orders", "rank"]


def unit_table(quarter: Quarter) -> pd.DataFrame:
    """Every unit and sub-unit with its figures, rule score and rank (the latter only for scored units)."""
    ranking = scoring.ranked_units(quarter.units)[["unit", "composite_score", "combined_work_orders", "rank"]]
    table = quarter.units.merge(ranking, on="unit", how="left")
    table.insert(0, "quarter", str(quarter.id))
    table["kind"] = table["kind"].map(schema.KIND_ZH)
    table["rank"] = table["rank"].astype("Int64")
    table["combined_work_orders"] = table["combined_work_orders"].astype("Int64")
    return table[UNIT_TABLE_COLUMNS]


def write_csv(table: pd.DataFrame, path: Path) -> Path:
    """UTF-8 with BOM and Chinese headers, so a double-click in Excel shows the text correctly."""
    path.parent.mkdir(parents=True, exist_ok=True)
    table.rename(columns=schema.zh).to_csv(path, index=False, encoding="utf-8-sig", lineterminator="\n")
    return path
