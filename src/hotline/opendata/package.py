"""The open-data downloads: one long table of all quarters and units, the headline figures,
an .xlsx of both, and a Frictionless datapackage.json describing every field in Chinese and English."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import zipfile
from pathlib import Path

import pandas as pd

from hotline.data import schema
from hotline.rules import tidy as export
from hotline.rules.history import History

UNITS_CSV = "baishui-12345-units.csv"
HEADLINE_CSV = "baishui-12345-headline.csv"
WORKBOOK = "baishui-12345.xlsx"
DATAPACKAGE = "datapackage.json"
_TYPES = {"count": "integer", "points": "number", "score": "number", "name": "string"}
HEADLINE_FIELDS = (schema.QUARTER, *schema.HEADLINE_COLUMNS, schema.EXAMPLE)


def unit_fields() -> list[schema.Column]:
    return [schema.BY_KEY[key] for key in export.UNIT_TABLE_COLUMNS]


def _field(column: schema.Column) -> dict:
    field = {
        "name": column.key,
        "type": _TYPES[column.type],
        "title": column.zh,
        "description": column.description_en,
        "description_zh": column.description_zh,
    }
    if column.key == "completed_as_of":
        field["type"] = "date"
    return field


def datapackage(history: History) -> dict:
    examples = [str(q.id) for q in history.quarters if q.example]
    description = (
        "白水县12345快速响应平台季度通报的数据：各单位工单量、延期、重办、逾期、加减分和综合得分，以及各季度主要数字。"
    )
    if examples:
        description += f"其中 {', '.join(examples)} 为程序生成的示例数据（example = 是），不是真实通报。"
    return {
        "name": "baishui-12345-circulars",
        "title": "白水县12345快速响应平台工单办理情况通报数据 / Baishui County 12345 hotline circulars",
        "description": description,
        "licenses": [{"name": "other-pd", "title": "政府公开信息 / Published government information"}],
        "resources": [
            {
                "name": "units",
                "path": UNITS_CSV,
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8-sig",
                "schema": {"fields": [_field(c) for c in unit_fields()], "primaryKey": ["quarter", "unit_id"]},
            },
            {
                "name": "headline",
                "path": HEADLINE_CSV,
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8-sig",
                "schema": {"fields": [_field(c) for c in HEADLINE_FIELDS], "primaryKey": ["quarter"]},
            },
        ],
    }


def _fixed_zip(path: Path, when: dt.datetime) -> None:
    """Rewrite a zip (an .xlsx) with fixed entry times and a fixed document date, so the same data
    gives the same bytes (the writer stamps the time of saving into docProps/core.xml)."""
    source = zipfile.ZipFile(io.BytesIO(path.read_bytes()))
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)", rb"\g<1>" + stamp + rb"\g<2>", data
                )
            fixed = zipfile.ZipInfo(info.filename, date_time=when.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(fixed, data)
    path.write_bytes(out.getvalue())


def write(history: History, folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    units = history.units[export.UNIT_TABLE_COLUMNS]
    headline = history.headline()[[c.key for c in HEADLINE_FIELDS]]
    written = [
        export.write_csv(units, folder / UNITS_CSV, chinese_headers=False),
        export.write_csv(headline, folder / HEADLINE_CSV, chinese_headers=False),
    ]
    when = dt.datetime.combine(max(q.document.date for q in history.quarters), dt.time())
    workbook = folder / WORKBOOK
    dictionary = pd.DataFrame(
        [
            {"表": table, "字段": c.key, "中文列名": c.zh, "含义": c.description_zh, "Description": c.description_en}
            for table, columns in (("单位数据", unit_fields()), ("主要数字", HEADLINE_FIELDS))
            for c in columns
        ]
    )
    # XlsxWriter writes a history of many units about twice as fast as openpyxl.
    with pd.ExcelWriter(workbook, engine="xlsxwriter") as writer:
        units.rename(columns=export.header_of).to_excel(writer, sheet_name="单位数据", index=False)
        headline.rename(columns=export.header_of).to_excel(writer, sheet_name="主要数字", index=False)
        dictionary.to_excel(writer, sheet_name="字段说明", index=False)
        writer.book.set_properties({"created": when})
    _fixed_zip(workbook, when)
    written.append(workbook)
    package = folder / DATAPACKAGE
    package.write_text(json.dumps(datapackage(history), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    written.append(package)
    return written
