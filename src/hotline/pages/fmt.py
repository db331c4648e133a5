"""Numbers written the way the circular writes them: 1615件, 99.8%, 96.5."""

from __future__ import annotations

import math


def count(value: int) -> str:
    return f"{int(value)}件"


def number(value: float | int | None) -> str:
    """Shortest form: 100, 96.5, 0.93 (never 100.0 or 96.50000001)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    text = f"{float(value):.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def pct(value: float | None) -> str:
    return "—" if value is None else f"{number(value)}%"


def decimals(value: float) -> int:
    """How many decimals a published number was printed with (99.8 → 1, 1.56 → 2, 100 → 0)."""
    text = number(value)
    return len(text.split(".")[1]) if "." in text else 0


def round_like(value: float, published: float) -> float:
    """Round a computed value to the precision of the published one, so they can be compared fairly."""
    return round(value, decimals(published))


def join_units(names: list[str]) -> str:
    return "、".join(names)
