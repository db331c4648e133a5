"""Numbers and dates written the way the circular writes them: 1615件, 99.8%, 96.5, 2024年5月11日.

Pages format; rules never do. Every number a page shows passes through here.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd


def number(value: float | int | None) -> str:
    """Shortest form: 100, 96.5, 0.93 (never 100.0 or 96.50000001); "—" for no value."""
    if value is None or pd.isna(value):
        return "—"
    text = f"{float(value):.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def count(value: int) -> str:
    return f"{int(value)}件"


def pct(value: float | None) -> str:
    return "—" if value is None else f"{number(value)}%"


def points(value: float) -> str:
    """A change in percentage points, as the circular says it (上升0.5个百分点)."""
    return f"{number(abs(value))}个百分点"


def date(value: dt.date) -> str:
    """2024年5月11日: full year, month and day without leading zeros (GB/T 9704)."""
    return f"{value.year}年{value.month}月{value.day}日"


def month_day(value: dt.date) -> str:
    return f"{value.month}月{value.day}日"


def month(text: str) -> str:
    """``2024-03`` as 2024年3月."""
    year, number_ = text.split("-")
    return f"{year}年{int(number_)}月"


def join(names) -> str:
    """Names listed the Chinese way: 城关街道办、尧禾镇、人社局."""
    return "、".join(str(n) for n in names)
