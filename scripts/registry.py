"""Change the unit registry: rename a unit from the next quarter on, or add a new unit.

Usage:
  make rename FROM=市场局 TO=市场监督管理局
  make add-unit NAME=数据局 KIND=部门 [PARENT=上级部门]
  .venv/bin/python scripts/registry.py rename 市场局 市场监督管理局 [--data data/]
  .venv/bin/python scripts/registry.py add 数据局 --kind 部门 [--parent 上级部门] [--data data/]

Issued quarters keep the names they printed; the next entry workbook (make new-quarter) lists the
new name or the new unit.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from hotline.data.errors import DataError
from hotline.staff import registry_edit

REPO = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="单位名录：改名或新增单位")
    parser.add_argument("--data", type=Path, default=REPO / "data", help="数据文件夹（默认 data/）")
    commands = parser.add_subparsers(dest="command", required=True)
    renaming = commands.add_parser("rename", help="单位改名（从下一季度起使用新名称）")
    renaming.add_argument("old", help="现用名称")
    renaming.add_argument("new", help="新名称")
    adding = commands.add_parser("add", help="新增单位")
    adding.add_argument("name", help="单位名称")
    adding.add_argument("--kind", required=True, help="类别：镇办、部门、企业或其他")
    adding.add_argument("--parent", default="", help="下属单位的上级部门（现用名称）")
    args = parser.parse_args(argv)
    try:
        if args.command == "rename":
            unit_id, last, drafts = registry_edit.rename(args.data, args.old, args.new)
            kept = f"{last}及以前已印发的通报仍用“{args.old}”（不作改动）；" if last else ""
            print(f"已改名：{args.old} → {args.new}（单位编号 {unit_id}）。{kept}此后的录入表列出新名称。")
            for draft in drafts:
                print(
                    f"注意：草稿 {draft} 中仍是“{args.old}”：请用 make new-quarter 重新生成录入表，"
                    "或在录入表中改用新名称后重新导入。"
                )
        else:
            unit_id = registry_edit.add(args.data, args.name, args.kind, args.parent)
            print(f"已新增单位：{args.name}（{args.kind}，编号 {unit_id}）。此后的录入表会列出这个单位。")
    except DataError as exc:
        print(f"单位名录没有改动。\n{exc}", file=sys.stderr)
        return 1
    print('请把 data/ 提交到版本库：git add data && git commit -m "单位名录变更"')
    return 0


if __name__ == "__main__":
    sys.exit(main())
