"""Rates as the circulars print them: a percentage of two counts, rounded half up at the printed
number of decimals.

办结率 and 逾期率 are computed for a draft and checked for every circular. Python's ``round`` rounds
the binary value half to even: 1997 ÷ 2000 = 99.85% became 99.8 and 1 ÷ 800 = 0.125% became 0.12,
where the circular, the entry workbook's ROUND (Excel, WPS, LibreOffice) and anyone with a
calculator write 99.9 and 0.13, so a correct published rate was flagged as a difference. Here the
percentage is computed exactly from the two counts and rounded half up, once for every caller.
"""

from __future__ import annotations

import math
from fractions import Fraction


def decimals(value: float) -> int:
    """How many decimals a published number was printed with (99.8 → 1, 1.56 → 2, 100 → 0)."""
    text = f"{float(value):.6f}".rstrip("0").rstrip(".")
    return len(text.split(".")[1]) if "." in text else 0


def percentage(numerator: float, denominator: float, places: int) -> float:
    """100 × numerator ÷ denominator, exactly, rounded half away from zero to ``places`` decimals."""
    exact = Fraction(numerator) * 100 / Fraction(denominator)
    scale = 10**places
    rounded = math.floor(abs(exact) * scale + Fraction(1, 2))
    return math.copysign(float(Fraction(rounded, scale)), exact) if rounded else 0.0
