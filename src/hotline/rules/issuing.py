"""Whether a quarter may be issued: the check before issuing.

A quarter already issued (like 2024 Q1) is published as it was issued; its differences are listed
on its page, never blocked. A quarter being drafted (``status = "draft"`` in its circular.toml) is
issued (``make issue``, :mod:`hotline.staff.issue`) only when the figures staff typed agree with the
tables and the scoring rule, or each difference is explained with a reason for its very numbers
(``make explain``), which the page then shows beside the difference.
"""

from __future__ import annotations

from hotline.rules.checks import Check
from hotline.rules.results import QuarterResult


def unacknowledged(result: QuarterResult) -> tuple[Check, ...]:
    """The differences a draft still has to correct or explain (none for an issued quarter)."""
    if not result.quarter.is_draft:
        return ()
    return tuple(c for c in result.differences if not c.acknowledged)
