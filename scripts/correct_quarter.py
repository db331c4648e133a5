"""Log a correction to an issued quarter, after its files were edited, and record its checksums.

Usage:
  make correct Q=2024Q1 WHAT="尧禾镇承办工单量64改为65" WHY="平台数据复核更正"
  .venv/bin/python scripts/correct_quarter.py 2024Q1 --change "…" --reason "…" [--data data/]

The line goes to the public corrections log (更正记录); the issued documents stay as issued.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from hotline.data.errors import DataError
from hotline.format import load as load_format
from hotline.pages import checks as says
from hotline.staff.correct import correct

REPO = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="登记对已印发季度数据的更正")
    parser.add_argument("quarter", help="季度编号，如 2024Q1")
    parser.add_argument("--change", required=True, help="改动内容")
    parser.add_argument("--reason", required=True, help="更正的原因")
    parser.add_argument("--data", type=Path, default=REPO / "data", help="数据文件夹（默认 data/）")
    args = parser.parse_args(argv)
    try:
        line, outdated = correct(args.data, args.quarter, args.change, args.reason)
    except DataError as exc:
        print(f"没有登记更正。\n{exc}", file=sys.stderr)
        return 1
    print(f"已登记到更正记录：{line}")
    circular = load_format.load(args.data)  # read and checked by the command just now
    print("印发的公文保持原样；运行 make site 更新网站（本季度页面会列出这次更正），再 make publish 发布。")
    for check in outdated:
        numbers = f"通报 {says.published(check)}，按附件/规则 {says.computed(check, circular)}"
        print(
            f"注意：“{says.label(check, circular)}”的差异数字已变（{numbers}），"
            f"原来的说明“{check.outdated_reason}”不再显示："
            f"如仍适用，请重新说明（make explain Q={args.quarter} ITEM=序号 WHY=…）"
        )
    print('请把 data/ 提交到版本库：git add data && git commit -m "更正"')
    return 0


if __name__ == "__main__":
    sys.exit(main())
