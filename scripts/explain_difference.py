"""Keep one difference that make check lists as it is, with the reason why.

Usage:
  make explain Q=2024Q2 ITEM=1 WHY="平台统计口径含跨季度延期工单"
  .venv/bin/python scripts/explain_difference.py 2024Q2 1 --reason "…" [--data data/]

ITEM is the difference's number in make check's list (or the key shown in brackets). The reason
is written into the quarter's circular.toml with the numbers it was given for; if either number
changes later, make check and make issue ask for it to be confirmed again.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from hotline.data.errors import DataError
from hotline.format import load as load_format
from hotline.pages import checks as says
from hotline.staff.explain import explain

REPO = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="说明保留一处差异的原因")
    parser.add_argument("quarter", help="季度编号，如 2024Q2")
    parser.add_argument("item", help="差异的序号（make check 列出的）")
    parser.add_argument("--reason", required=True, help="保留这处差异的原因")
    parser.add_argument("--data", type=Path, default=REPO / "data", help="数据文件夹（默认 data/）")
    args = parser.parse_args(argv)
    try:
        done = explain(args.data, args.quarter, args.item, args.reason)
    except DataError as exc:
        print(f"没有记录说明，文件未改动。\n{exc}", file=sys.stderr)
        return 1
    check = done.check
    circular = load_format.load(args.data)  # read and checked by the command just now
    said = f"通报写的 {says.published(check)}，按附件/规则 {says.computed(check, circular)}"
    print(f"已记录：{says.label(check, circular)}（{said}）")
    print(f"原因：{check.acknowledged}")
    if done.logged:
        print(f"这是已印发的通报：这一说明已作为更正公开登记在更正记录中：{done.logged}")
    print(f"运行 make check Q={args.quarter} 查看其余差异。")
    return 0


if __name__ == "__main__":
    sys.exit(main())
