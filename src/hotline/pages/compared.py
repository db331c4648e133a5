"""How a page says what a figure is compared with (:mod:`hotline.rules.periods` decides which
quarter): "上季度" when it is the quarter before, else that quarter, and the quarters without data
beside it, so a reader never takes a comparison across a gap for one with the quarter before."""

from __future__ import annotations

from hotline.rules.periods import Previous


def missing(before: Previous) -> str:
    """The quarters skipped, as a page says it: 2023年第四季度无数据 (several joined with 、)."""
    return "、".join(q.zh for q in before.skipped) + "无数据"


def than(before: Previous) -> str:
    """What "较…" compares with: "上季度", or the quarter itself ("2023年第三季度")."""
    return "上季度" if before.adjacent else before.period.zh


def aside(before: Previous) -> str:
    """What follows a comparison across a gap: "（2023年第四季度无数据）" ("" for the quarter before)."""
    return "" if before.adjacent else f"（{missing(before)}）"


def gap_note(quarter_zh: str, before: Previous) -> str:
    """A sentence for a table with a column after a gap."""
    return f"{quarter_zh}的变化是与{before.period.zh}相比（{missing(before)}）。"
