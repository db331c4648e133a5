"""The attachment tables of a quarter (``towns.csv`` = 附件1, ``departments.csv`` = 附件2), read and
validated cell by cell.

A file keeps the circular's columns and Chinese headers. A blank count is 0, as in the circular.
A sub-unit row names its parent in 办理部门 and itself in 下属单位, comes after its parent, and has
no score of its own.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd

from hotline.data import schema, values
from hotline.data.errors import DataError
from hotline.data.files import DataFolder


def _check_header(header: list[str], path: Path) -> None:
    expected = [c.zh for c in schema.FILE_COLUMNS]
    header = [h.strip() for h in header]
    missing = [h for h in expected if h not in header]
    extra = [h for h in header if h not in expected]
    if missing:
        raise DataError(
            path, f"缺少列「{'」「'.join(missing)}」；表头应为：{','.join(expected)}", line=1, column=missing[0]
        )
    if extra:
        raise DataError(
            path, f"多出未知的列「{'」「'.join(extra)}」；表头应为：{','.join(expected)}", line=1, column=extra[0]
        )
    if header != expected:
        raise DataError(path, f"列的顺序不对；表头应为：{','.join(expected)}", line=1)


def load_attachment(folder: DataFolder, path: Path, kind: str) -> pd.DataFrame:
    """One attachment table: a row per unit or sub-unit, sub-units naming their parent.

    Columns: ``kind`` (one of :data:`schema.KINDS`), ``unit``, ``parent`` (empty for scored
    units), the count and point columns (blank read as 0), ``published_score`` (NaN where none is
    printed), ``source_line`` (for errors found later).
    """
    text = folder.read_text(path)
    if not text.strip():
        raise DataError(path, "文件为空，至少应有表头行")
    reader = csv.reader(io.StringIO(text))
    try:
        header = next(reader)
        _check_header(header, path)
        width = len(header)
        rows: list[dict] = []
        top_level: set[str] = set()
        for line, cells in enumerate(reader, start=2):
            if not any(c.strip() for c in cells):
                continue
            if len(cells) != width:
                raise DataError(
                    path, f"这一行有{len(cells)}个单元格，表头有{width}个：可能有单元格错位或多余的逗号", line=line
                )
            rows.append(_row(dict(zip((c.key for c in schema.FILE_COLUMNS), cells, strict=True)), kind, path, line))
            row = rows[-1]
            if row["parent"]:
                if row["parent"] not in top_level:
                    raise DataError(
                        path,
                        f"上级部门“{row['parent']}”不在本表之前的行中：下属单位须写在其上级部门之后，"
                        "且上级部门名称须与其所在行一致",
                        line=line,
                        column=schema.UNIT.zh,
                    )
            else:
                top_level.add(row["unit"])
    except csv.Error as exc:
        raise DataError(path, f"CSV 格式错误：{exc}（常见原因：引号不成对）", line=reader.line_num) from None
    if not rows:
        raise DataError(path, "只有表头，没有任何单位的数据", line=2)
    frame = pd.DataFrame(rows)
    frame["published_score"] = frame["published_score"].astype("float64")
    return frame


def _row(value: dict[str, str], kind: str, path: Path, line: int) -> dict:
    raw_name, raw_sub = value["unit"].strip(), value["sub_unit"].strip()
    if not raw_name:
        message = "单位名称为空" if not raw_sub else f"下属单位“{raw_sub}”的上级部门为空：请在本列填写上级部门"
        raise DataError(path, message, line=line, column=schema.UNIT.zh)
    name = values.check_name(raw_name, path, line, schema.UNIT.zh)
    sub_unit = values.check_name(raw_sub, path, line, schema.SUB_UNIT.zh) if raw_sub else ""
    if sub_unit and kind == schema.TOWN:
        raise DataError(path, "镇办表（附件1）不应有下属单位", line=line, column=schema.SUB_UNIT.zh)
    row: dict = {"kind": kind, "unit": sub_unit or name, "parent": name if sub_unit else ""}
    for column in schema.COUNT_COLUMNS:
        row[column.key] = values.parse_count(value[column.key].strip(), path, line, column.zh)
    for column in schema.POINT_COLUMNS:
        row[column.key] = values.parse_number(value[column.key].strip(), path, line, column.zh) or 0.0
    raw_score = value["published_score"].strip()
    score = values.parse_number(raw_score, path, line, schema.PUBLISHED_SCORE.zh)
    if score is not None and sub_unit:
        raise DataError(
            path, "下属单位没有单独的综合得分，请留空（得分计入上级部门）", line=line, column=schema.PUBLISHED_SCORE.zh
        )
    # A negative score is refused as every negative number is; one above full marks by the rules,
    # which know the format's full marks (hotline.rules.scoring.check_published). More than two
    # decimals: a circular prints one or two, and the scores are kept to two (a published 99.999
    # would be shown, ranked and checked as 100).
    if score is not None and round(score, 2) != score:
        raise DataError(
            path, f"综合得分“{raw_score}”的小数太多：最多两位小数", line=line, column=schema.PUBLISHED_SCORE.zh
        )
    row["published_score"] = score
    row["source_line"] = line
    return row
