"""Whether a quarter may be issued: the check before issuing.

A quarter already issued (like 2024 Q1) is published as it was issued; its differences are listed
on its page, never blocked. A quarter being drafted (``status = "draft"`` in its circular.toml)
gets its official document, and its page, only when the figures staff typed agree with the tables
and the scoring rule, or each difference is acknowledged with a reason (``[acknowledged]``), which
the page then shows beside the difference.
"""

from __future__ import annotations

from hotline.data import schema
from hotline.data.errors import DataError
from hotline.rules.checks import Check
from hotline.rules.results import QuarterResult


def unacknowledged(result: QuarterResult) -> tuple[Check, ...]:
    """The differences a draft still has to correct or explain (none for an issued quarter)."""
    if not result.quarter.is_draft:
        return ()
    return tuple(c for c in result.differences if not c.acknowledged)


def check_issuable(results) -> None:
    """Stop the build at the first draft that is not ready, naming its file and what to do."""
    for result in results:
        pending = unacknowledged(result)
        if pending:
            keys = "、".join(f"“{c.key}”" for c in pending)
            raise DataError(
                result.quarter.folder / schema.CIRCULAR_FILE,
                f"{result.id} 是草稿，有{len(pending)}处数字与附件表格或计分规则不一致、尚未说明（{keys}）："
                f"运行 make check Q={result.id} 查看每一处；更正数据，或在本文件的 [acknowledged] 中逐项写明原因",
                column="acknowledged",
                item="项",
            )
