"""Highest and lowest, with one rule for ties: the most work orders, the lowest scores.

Pages, charts and the circular's lists each sorted for themselves (and one chart's alt text named
the last unit in ranking order as the lowest while quoting the lowest score of all, which a town
office at 70 and a department at 95 showed to be two different units). Here every "the most" and
"the lowest" is one sort, stable, so units that tie keep the order they were given in (file order,
or ranking order), and the unit named is always the unit whose value is quoted.
"""

from __future__ import annotations

import pandas as pd


def largest(frame: pd.DataFrame, column: str, count: int) -> pd.DataFrame:
    """The ``count`` rows with the largest ``column``, largest first; ties in the frame's order."""
    return frame.sort_values(column, ascending=False, kind="stable").head(count)


def smallest(frame: pd.DataFrame, column: str, count: int) -> pd.DataFrame:
    """The ``count`` rows with the smallest ``column``, smallest first; ties in the frame's order."""
    return frame.sort_values(column, kind="stable").head(count)


def lowest(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    """Every row that has the lowest ``column`` (several when they tie), in the frame's order; none
    for an empty frame. A sentence naming "the lowest" names these rows and quotes their value."""
    values = frame[column]
    if values.isna().all():
        return frame.iloc[0:0]
    return frame[values == values.min()]


def lowest_average(matrix: pd.DataFrame, count: int) -> pd.Index:
    """The labels of the ``count`` rows of a matrix with the lowest average over its columns (blank
    cells left out), lowest first; ties in the matrix's order."""
    return matrix.mean(axis=1).sort_values(kind="stable").index[:count]
