"""Write the entry workbook for a new quarter, built from the unit registry and the latest quarter.

Usage:
  make new-quarter Q=2024Q2          (writes _build/drafts/2024Q2-录入表.xlsx)
  .venv/bin/python scripts/new_quarter.py 2024Q2 --out 录入表.xlsx

Staff fill it in (Excel or WPS), then import it with scripts/import_quarter.py and check it with
`make check Q=2024Q2`. See the workbook's 填写说明 sheet.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from hotline.data.circular import DRAFT
from hotline.data.errors import DataError
from hotline.data.quarter_id import QuarterId, quarters_dir
from hotline.data.status import peek_status
from hotline.document.entry_workbook import write_entry_workbook

REPO = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="生成新季度的数据录入工作簿")
    parser.add_argument("quarter", help="季度编号，如 2024Q2")
    parser.add_argument("--data", type=Path, default=REPO / "data", help="数据文件夹（默认 data/）")
    parser.add_argument("--out", type=Path, help="工作簿保存到哪里（默认 _build/drafts/<季度>-录入表.xlsx）")
    args = parser.parse_args(argv)
    try:
        try:
            quarter = QuarterId.parse(args.quarter)
        except ValueError as exc:
            raise DataError(Path(args.quarter), str(exc)) from None
        existing = quarters_dir(args.data) / str(quarter)
        redrafting = existing.exists() and peek_status(args.data, quarter) == DRAFT
        if existing.exists() and not redrafting:
            raise DataError(
                existing,
                f"{quarter} 已经印发，不再用录入表：更正已印发的数据请改好文件后运行 make correct Q={quarter} "
                'WHAT="改动内容" WHY="原因"',
            )
        out = args.out or REPO / "_build" / "drafts" / f"{quarter}-录入表.xlsx"
        path = write_entry_workbook(args.data, quarter, out)
    except DataError as exc:
        print(f"没有生成录入表。\n{exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"没有生成录入表：无法写入 {exc.filename}（{exc.strerror}）", file=sys.stderr)
        return 1
    print(f"已生成{quarter.zh}的录入表：{path}")
    if redrafting:
        print(f"{quarter} 已有草稿：这张录入表按现在的单位名录列出单位（数字须重新填写），导入后替换草稿的数字。")
    print(f"填写后导入：make import FILE={path} BY=录入人姓名")
    print(f"导入后核对：make check Q={quarter}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
