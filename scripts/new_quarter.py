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

from hotline.data.errors import DataError
from hotline.data.quarter_id import QuarterId, quarters_dir
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
        if (quarters_dir(args.data) / str(quarter)).exists():
            raise DataError(
                quarters_dir(args.data) / str(quarter),
                "这个季度已经有数据；要更正已有数据，请直接改文件或用 import_quarter.py --replace",
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
    print("填写后导入：.venv/bin/python scripts/import_quarter.py 录入表.xlsx --entered-by 录入人")
    print(f"导入后核对：make check Q={quarter}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
