"""The check before issuing: every place where a quarter's typed figures disagree with its own
tables or the scoring rule, in Chinese (the same checks as the quarter page's 数据核对).

Usage:
  make check Q=2024Q2
  .venv/bin/python scripts/check_quarter.py 2024Q2 [--data data/]

Exit status: 0 when the quarter may be issued (no difference, each one acknowledged with a
reason, or a quarter already issued, whose differences are listed, never blocked); 1 when a draft
still has unexplained differences or its files have an error.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from hotline.data.errors import DataError
from hotline.data.registry import Registry
from hotline.pages import checks as says
from hotline.rules import issuing, results

REPO = Path(__file__).resolve().parents[1]


def report(result: results.QuarterResult) -> list[str]:
    """The lines to print: one per difference, numbered (make explain takes the number), with what
    was published, what the tables say and why."""
    quarter = result.quarter
    state = "草稿，尚未印发" if quarter.is_draft else "已印发"
    differences = result.differences
    lines = [f"{quarter.id.zh}通报（{state}）：核对{len(result.checks)}项，{len(differences)}处不一致。"]
    for n, check in enumerate(differences, start=1):
        lines.append(f"{n}. {says.label(check, result.format)}")
        lines.append(f"   通报写的：{says.published(check)}；按附件/规则：{says.computed(check, result.format)}")
        note = says.note(check, result.units)
        if note:
            lines.append(f"   {note}")
        if check.acknowledged:
            lines.append(f"   已说明原因：{check.acknowledged}")
        if check.outdated_reason:
            lines.append(f"   原来的说明“{check.outdated_reason}”是针对当时的数字写的，数字已经变了，须重新说明")
    pending = issuing.unacknowledged(result)
    if quarter.is_draft and pending:
        first = differences.index(pending[0]) + 1
        lines.append(
            f"尚有{len(pending)}处未说明，还不能印发：请更正录入表后重新导入（make import … ），"
            f'或逐处说明保留的原因，如：\n  make explain Q={quarter.id} ITEM={first} WHY="保留这处差异的原因"'
        )
    elif quarter.is_draft:
        lines.append(f"数字核对无误（差异均已说明）。写好叙述部分后预览：make preview；印发：make issue Q={quarter.id}")
    elif differences:
        lines.append("这是已印发的通报：网站按原样公布，并在数据核对中列出以上差异。")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="印发前核对：列出通报数字与附件表格、计分规则不一致之处")
    parser.add_argument("quarter", help="季度编号，如 2024Q2")
    parser.add_argument("--data", type=Path, default=REPO / "data", help="数据文件夹（默认 data/）")
    args = parser.parse_args(argv)
    from hotline.data.quarters import load_quarter
    from hotline.format import load as load_format

    try:
        circular = load_format.load(args.data)
        registry = Registry.load(args.data)
        quarter = load_quarter(args.data, args.quarter, registry, verify=False, drafting=True)
    except DataError as exc:
        print(f"无法核对：\n{exc}", file=sys.stderr)
        return 1
    result = results.compute(quarter, registry, circular)
    print("\n".join(report(result)))
    return 1 if issuing.unacknowledged(result) else 0


if __name__ == "__main__":
    sys.exit(main())
