"""Sums over the attachment tables, written once: per kind (each attachment's 总计 row) and over all
kinds (the county's figure the circular's text states: 附件1 + 附件2).

The headline checks, a draft's computed headline, the circular's sentences, the charts and the
example data all need the same sums. Each used to add the town offices and the departments itself,
in four places; one of them could have summed other rows (a sub-unit left out, a third group of
units forgotten) and nothing would have said so.
"""

from __future__ import annotations

import pandas as pd

from hotline.data import schema

#: The kinds of unit in attachment order: the order of the operands of every sum over kinds.
KINDS = schema.KINDS


def attachment_sums(units: pd.DataFrame) -> dict[str, dict[str, int]]:
    """Per kind, the sum of each count column over all its rows (sub-units included): what each
    attachment's 总计 row should say. A kind with no rows sums to 0."""
    keys = [c.key for c in schema.COUNT_COLUMNS]
    sums = units.groupby("kind")[keys].sum()
    return {kind: {key: int(sums.loc[kind, key]) if kind in sums.index else 0 for key in keys} for kind in KINDS}


def by_kind(sums: dict[str, dict[str, int]], key: str) -> tuple[int, ...]:
    """One column's sum in each attachment, in attachment order: the operands a check shows."""
    return tuple(sums[kind][key] for kind in KINDS)


def overall(sums: dict[str, dict[str, int]], key: str) -> int:
    """One column's sum over every attachment: the county's figure (延期 = 附件1延期 + 附件2延期)."""
    return sum(by_kind(sums, key))
