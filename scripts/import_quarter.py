"""Create a quarter's data files from a circular (.txt), its attachments (.xlsx), or the entry
workbook made by ``make new-quarter`` (.xlsx).

Usage:
  .venv/bin/python scripts/import_quarter.py 通报.txt --entered-by 张三
  .venv/bin/python scripts/import_quarter.py 附件.xlsx --quarter 2024Q2 --entered-by 张三
  .venv/bin/python scripts/import_quarter.py 通报.txt --entered-by 张三 --replace --reason "更正附件2第5行"

The new files are validated in a temporary folder first: on any problem nothing is written.
Items that could not be read are written as 待填写, which stops `make site` until filled in.
Re-importing over a published quarter (--replace) lists every cell that would change and is
refused unless data/corrections.csv names each changed file, or --reason is given.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from hotline.data import schema
from hotline.data.errors import DataError
from hotline.data.importer import import_quarter, parse_circular_text, parse_workbook
from hotline.data.quarter_id import QuarterId

REPO = Path(__file__).resolve().parents[1]


def _read(source: Path, data: Path):
    """The workbook or the circular's text, its tables headed by the columns' labels in the format,
    its sentences of 一、基本情况 read by the format's wording."""
    from hotline.format import load as load_format

    circular = load_format.load(data)
    labels, wording = dict(circular.column_labels), circular.wording.pieces()
    if not source.exists():
        raise DataError(source, "找不到这个文件：请检查文件名和所在文件夹")
    if not source.is_file():
        raise DataError(source, "这不是一个文件")
    if source.suffix.lower() == ".xlsx":
        return parse_workbook(source, labels)
    if source.suffix.lower() not in (".txt", ".md"):
        raise DataError(source, "只能导入通报原文（.txt，UTF-8）或工作簿（.xlsx）")
    from hotline.data.files import decode

    return parse_circular_text(decode(source.read_bytes(), source), source, labels, wording)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="从通报原文或工作簿导入一个季度的数据")
    parser.add_argument("source", type=Path, help="通报原文（.txt，UTF-8）或工作簿（.xlsx）")
    parser.add_argument("--quarter", help="季度编号，如 2024Q2（原文标题中能识别时可省略）")
    parser.add_argument("--entered-by", required=True, help="录入人")
    parser.add_argument("--data", type=Path, default=REPO / "data", help="数据文件夹（默认 data/）")
    parser.add_argument("--replace", action="store_true", help="重新导入已有的季度（改动须登记在更正记录中）")
    parser.add_argument("--reason", help="与 --replace 一起使用：改动的原因，由程序逐个文件登记到更正记录")
    args = parser.parse_args(argv)
    try:
        if args.reason and not args.replace:
            raise DataError(args.source, "--reason 只用于 --replace（重新导入已发布的季度）")
        if args.replace and args.reason is not None and not args.reason.strip():
            raise DataError(args.source, "--reason 不能为空：请写明改动的原因")
        imported = _read(args.source, args.data)
        quarter = QuarterId.parse(args.quarter) if args.quarter else imported.quarter
        if quarter is None:
            raise DataError(args.source, "无法从原文标题识别季度，请用 --quarter 指定，如 --quarter 2024Q2")
        outcome = import_quarter(
            imported,
            args.data,
            quarter,
            source=args.source,
            entered_by=args.entered_by,
            replace=args.replace,
            reason=args.reason,
        )
    except (DataError, ValueError) as exc:
        print(f"导入失败，没有写入或改动任何文件。\n{exc}", file=sys.stderr)
        return 1
    data = args.data
    if outcome.unchanged:
        print(f"{quarter.zh}：新导入的数据与已有数据完全相同，没有改动任何文件。")
        return 0
    for kind, table in imported.tables.items():
        counts = {c.zh: sum(int(r[i + 2] or 0) for r in table.rows) for i, c in enumerate(schema.COUNT_COLUMNS)}
        subs = sum(1 for r in table.rows if r[1])
        print(
            f"附件{schema.ATTACHMENT_NO[kind]}：{len(table.rows) - subs}个单位、{subs}个下属单位；各列合计 {counts}；"
            f"总计行 {table.totals or '（无）'}"
        )
        for line in table.skipped:
            print(f"  未作为数据行读取：{line}")
    for note in imported.notes:
        print(f"请注意：{note}")
    if outcome.changes:
        print(f"重新导入 {quarter.zh}，改动了以下文件：")
        for name, cells in outcome.changes.items():
            print(f"  {name}：{'；'.join(cells)}")
        for line in outcome.logged:
            print(f"已登记到更正记录：{line}")
    print("写入的文件：")
    for path in outcome.written:
        print(f"  {path.relative_to(data) if path.is_relative_to(data) else path}")
    if imported.status == "draft":  # an entry workbook: the figures are in, the text comes next
        texts = [
            schema.NARRATIVE_FILES[k.removeprefix("narrative.")] for k in imported.missing if k.startswith("narrative.")
        ]
        print(f"{quarter.zh}草稿已导入（草稿不公开，可随时修改或重新导入）。下一步：make check Q={quarter} 核对数字；")
        if texts:
            print(
                f"叙述部分（{'、'.join(texts)}，在 data/quarters/{quarter}/ 中）标为“待填写”，请写好；"
                f"之后 make preview 预览，make issue Q={quarter} 印发。"
            )
        return 0  # a draft is a working copy: what is still to write is listed by make issue
    elif imported.missing and not outcome.changes:
        print(f"以下项目未能识别，已标为“待填写”，请按原文填写：{'、'.join(imported.missing)}")
    if outcome.incomplete:
        print(f"尚未完成，请填写后再构建网站：\n{outcome.incomplete}", file=sys.stderr)
        return 2
    print("校验通过。运行 make check Q=" + str(quarter) + " 查看与附件表格、计分规则不一致的公布数字。")
    return 0


if __name__ == "__main__":
    sys.exit(main())
