"""Baishui County 12345 hotline circulars: data, rules, the public site and the official documents.

For researchers, the two calls a notebook needs (see ``notebooks/research.ipynb``):

- :func:`load_units`: every quarter in one tidy table, one row per unit per quarter;
- :func:`use_chinese_font`: matplotlib draws Chinese labels in the bundled CJK font.
"""

from __future__ import annotations

from pathlib import Path


def load_units(data_dir: str | Path = "data", saved: str | Path | None = None):
    """Validate ``data_dir`` and return every unit of every quarter as one pandas DataFrame, with
    the rule score, combined work orders and rank of each scored unit (see the data dictionary)."""
    from hotline.rules.history import History

    return History.open(Path(data_dir), saved).units.copy()


def use_chinese_font() -> None:
    from hotline.pages.charts import use_cjk_font

    use_cjk_font()
