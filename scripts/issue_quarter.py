"""Issue a draft quarter: the official document is made once and kept as the record.

Usage:
  make issue Q=2024Q2
  .venv/bin/python scripts/issue_quarter.py 2024Q2 [--data data/]

It refuses, changing nothing, while anything is missing, and lists every item with what to do.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from hotline.data.errors import DataError
from hotline.site.errors import BuildError
from hotline.staff.issue import issue

REPO = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="印发一个季度的通报（草稿 → 已印发），公文存档")
    parser.add_argument("quarter", help="季度编号，如 2024Q2")
    parser.add_argument("--data", type=Path, default=REPO / "data", help="数据文件夹（默认 data/）")
    args = parser.parse_args(argv)
    try:
        done = issue(args.data, args.quarter)
    except (DataError, BuildError) as exc:
        print(f"没有印发，文件均未改动。\n{exc}", file=sys.stderr)
        return 1
    print(f"{args.quarter} 已印发。")
    if done.stated:
        print("草稿中按附件计算的数字已按公文所印写入 circular.toml：" + "、".join(done.stated))
    print("印发的公文已存档（此后不再改动，网站原样提供）：")
    for path in done.documents:
        print(f"  {path}")
    print("下一步：make site 构建公开网站，make publish 发布到网站服务器；")
    print(f'并把 data/ 提交到版本库：git add data && git commit -m "印发{args.quarter}通报"')
    return 0


if __name__ == "__main__":
    sys.exit(main())
