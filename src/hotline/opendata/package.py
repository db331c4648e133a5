"""The open-data downloads: one long table of all quarters and units, the headline figures, each
quarter's own table, an .xlsx of both with a sheet describing every field, and a Frictionless
``datapackage.json`` describing every field in Chinese and English.

All are written from the build's one :class:`~hotline.rules.history.History`; the same data give
the same bytes.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd

from hotline.circular import wording
from hotline.data import schema
from hotline.opendata import fields, tables
from hotline.rules.history import History
from hotline.rules.results import UNIT_COLUMNS

_TYPES = {
    "count": "integer",
    "points": "number",
    "score": "number",
    "name": "string",
    "kind": "string",
    "flag": "boolean",
    "date": "date",
}


def _field(column: schema.Column) -> dict:
    field = {
        "name": column.key,
        "type": _TYPES[column.type],
        "title": column.zh,
        "description": column.description_en,
        "description_zh": column.description_zh,
    }
    if column.type == "kind":
        field["constraints"] = {"enum": list(schema.KINDS)}
    return field


def datapackage(history: History) -> dict:
    examples = [str(r.id) for r in history.results if r.quarter.example]
    county = wording.county_of(history.issuer)  # the issuer's, as the data name it
    description = (
        f"{county}12345快速响应平台季度通报的数据：各单位工单量、延期、重办、逾期、加减分和综合得分，以及各季度主要数字。"
        "以 = + - @ 开头的文字前加有单引号，以免电子表格软件把它当作公式。"
    )
    if examples:
        description += f"其中 {', '.join(examples)} 为程序生成的示例数据（example = true），不是真实通报。"
    return {
        "name": "baishui-12345-circulars",
        "title": f"{county}12345快速响应平台工单办理情况通报数据 / Baishui County 12345 hotline circulars",
        "description": description,
        "licenses": [{"name": "other-pd", "title": "政府公开信息 / Published government information"}],
        "resources": [
            {
                "name": "units",
                "path": fields.UNITS_CSV,
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8-sig",
                "schema": {
                    "fields": [_field(c) for c in fields.unit_fields(history.format)],
                    "primaryKey": ["quarter", "unit_id"],
                },
            },
            {
                "name": "headline",
                "path": fields.HEADLINE_CSV,
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8-sig",
                "schema": {"fields": [_field(c) for c in fields.HEADLINE_FIELDS], "primaryKey": ["quarter"]},
            },
        ],
    }


def quarter_csv(history: History, quarter: str) -> pd.DataFrame:
    """One quarter's table as a reader opening it in Excel sees it: Chinese headers and words."""
    units = history.units[history.units["quarter"] == quarter][list(UNIT_COLUMNS)]
    return tables.chinese(units, {c.key: c for c in fields.unit_fields(history.format)}, history.format.labels)


def write(history: History, folder: Path) -> list[Path]:
    """Every download, into ``folder`` (published as ``data/`` on the site)."""
    folder.mkdir(parents=True, exist_ok=True)
    units = history.units[list(UNIT_COLUMNS)]
    headline = history.headline()[[c.key for c in fields.HEADLINE_FIELDS]]
    written = [
        tables.write_csv(units, folder / fields.UNITS_CSV),
        tables.write_csv(headline, folder / fields.HEADLINE_CSV),
    ]
    for quarter in history.quarter_ids:
        written.append(tables.write_csv(quarter_csv(history, quarter), folder / "quarters" / f"{quarter}-units.csv"))
    when = dt.datetime.combine(max(r.quarter.document.date for r in history.results), dt.time())
    workbook = folder / fields.WORKBOOK
    dictionary = pd.DataFrame(
        [
            {"表": table, "字段": c.key, "中文列名": c.zh, "含义": c.description_zh, "Description": c.description_en}
            for table, columns in (
                ("单位数据", fields.unit_fields(history.format)),
                ("主要数字", fields.HEADLINE_FIELDS),
            )
            for c in columns
        ]
    )
    sheets = {
        "单位数据": tables.chinese(
            units, {c.key: c for c in fields.unit_fields(history.format)}, history.format.labels
        ),
        "主要数字": tables.chinese(headline, {c.key: c for c in fields.HEADLINE_FIELDS}, history.format.labels),
        "字段说明": dictionary,
    }
    tables.write_workbook(workbook, sheets, when)
    written.append(workbook)
    package = folder / fields.DATAPACKAGE
    package.write_text(json.dumps(datapackage(history), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    written.append(package)
    return written
