"""Writing tables people open in Excel: UTF-8 with a byte-order mark (so a double-click shows the
Chinese correctly), and no cell that Excel would run as a formula.

Names and texts come from staff-edited files. Following OWASP's guidance on CSV injection, a
text cell that starts with = + - @, a tab or a carriage return (or their full-width forms, which
Chinese input methods type) is written with a leading apostrophe in CSV files, which Excel shows
as text; the workbook writes such cells as strings, never as formulas.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from hotline.data import schema

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")


def neutralise(value):
    """A text cell Excel cannot run: a leading apostrophe before a formula character."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_text_cells(table: pd.DataFrame) -> pd.DataFrame:
    out = table.copy()
    for name in out.columns:
        if out[name].dtype == object or pd.api.types.is_string_dtype(out[name]):
            out[name] = out[name].map(neutralise)
    return out


def chinese(table: pd.DataFrame, columns: dict[str, schema.Column], kinds: dict[str, str]) -> pd.DataFrame:
    """The table as a Chinese reader sees it: Chinese headers, kinds (as the format labels them,
    ``kinds``) and flags as words."""
    out = table.copy()
    for key, column in columns.items():
        if key in out and column.type in ("kind", "flag"):
            out[key] = out[key].map(lambda value, c=column: schema.label(c, value, kinds))
    return out.rename(columns={key: c.zh for key, c in columns.items()})


def write_csv(table: pd.DataFrame, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    safe_text_cells(table).to_csv(path, index=False, encoding="utf-8-sig", lineterminator="\n")
    return path


def _values(table: pd.DataFrame):
    """Each row as plain Python values, a missing value as None (an empty cell)."""
    cells = table.astype(object).where(table.notna(), None)
    return cells.itertuples(index=False, name=None)


def write_workbook(path: Path, sheets: dict[str, pd.DataFrame], created: dt.datetime) -> Path:
    """An .xlsx with one sheet per table (see :mod:`hotline.opendata.xlsx`): every text cell a
    string, never a formula."""
    from hotline.opendata import xlsx

    return xlsx.write(path, {name: ([str(c) for c in t.columns], _values(t)) for name, t in sheets.items()}, created)
