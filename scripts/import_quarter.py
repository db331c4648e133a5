"""Create a quarter's data files from a circular: its text (.txt) or its attachments (.xlsx).

Usage:
  .venv/bin/python scripts/import_quarter.py 通报.txt --entered-by 张三
  .venv/bin/python scripts/import_quarter.py 附件.xlsx --quarter 2024Q2 --entered-by 张三

It writes data/quarters/<quarter>/, validates it and prints what it read. Items it could not
read are left as 待填写 placeholders, which stop `make site` until they are filled in.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

from hotline.data import importer, schema
from hotline.data.errors import DataError
from hotline.data.loading import load_quarter, quarters_dir
from hotline.data.quarter_id import QuarterId
from hotline.rules import reconcile

REPO = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="从通报原文或附件表格导入一个季度的数据")
    parser.add_argument("source", type=Path, help="通报原文（.txt，UTF-8）或附件工作簿（.xlsx，工作表“附件1”“附件2”）")
    parser.add_argument("--quarter", help="季度编号，如 2024Q2（原文标题中能识别时可省略）")
    parser.add_argument("--entered-by", required=True, help="录入人")
    parser.add_argument("--data", type=Path, default=REPO / "data", help="数据文件夹（默认 data/）")
    parser.add_argument("--replace", action="store_true", help="覆盖已有的季度文件夹")
    args = parser.parse_args(argv)
    try:
        if args.source.suffix.lower() == ".xlsx":
            imported = importer.parse_workbook(args.source)
        else:
            imported = importer.parse_circular_text(args.source.read_text(encoding="utf-8-sig"), args.source)
        quarter = QuarterId.parse(args.quarter) if args.quarter else imported.quarter
        if quarter is None:
            raise DataError(args.source, "无法从原文标题识别季度，请用 --quarter 指定，如 --quarter 2024Q2")
        folder = quarters_dir(args.data) / str(quarter)
        if folder.exists() and not args.replace:
            raise DataError(
                folder, "这个季度已经有数据；确需重新导入请加 --replace（改动须登记在 data/corrections.csv）"
            )
        if folder.exists():
            shutil.rmtree(folder)
        written = importer.write_quarter(imported, folder, quarter, source=args.source, entered_by=args.entered_by)
    except (DataError, ValueError) as exc:
        print(f"导入失败，没有写入任何文件。\n{exc}", file=sys.stderr)
        return 1
    print(f"已导入 {quarter.zh}，写入 {folder}：")
    for path in written:
        print(f"  {path.relative_to(args.data)}")
    for kind, table in imported.tables.items():
        counts = {c.zh: sum(int(r[i + 2] or 0) for r in table.rows) for i, c in enumerate(schema.COUNT_COLUMNS)}
        subs = sum(1 for r in table.rows if r[1])
        print(
            f"附件{schema.ATTACHMENT_NO[kind]}：{len(table.rows) - subs}个单位、{subs}个下属单位；各列合计 {counts}；"
            f"总计行 {table.totals or '（无）'}"
        )
        for line in table.skipped:
            print(f"  未作为数据行读取：{line}")
    if imported.missing:
        print(f"以下项目未能从原文识别，已标为“{importer.PLACEHOLDER}”，请按原文填写：{'、'.join(imported.missing)}")
    try:
        loaded = load_quarter(args.data, quarter)
    except DataError as exc:
        print(f"校验未通过，请修改后再构建网站：\n{exc}", file=sys.stderr)
        return 2
    failed = [c for c in reconcile.reconcile(loaded) if not c.agrees]
    print(f"校验通过。与附件表格、计分规则不一致的公布数字：{len(failed)}处（网站会公开列出）。")
    return 0


if __name__ == "__main__":
    sys.exit(main())
