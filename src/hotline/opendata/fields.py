"""The fields of the downloadable tables, from the schema: one definition for the CSV files, the
workbook, the datapackage and the site's data dictionary."""

from __future__ import annotations

from dataclasses import replace

from hotline.data import schema
from hotline.format.model import CircularFormat
from hotline.rules.results import UNIT_COLUMNS

UNITS_CSV = "baishui-12345-units.csv"
HEADLINE_CSV = "baishui-12345-headline.csv"
WORKBOOK = "baishui-12345.xlsx"
DATAPACKAGE = "datapackage.json"
HEADLINE_FIELDS = (schema.QUARTER, *schema.HEADLINE_COLUMNS, schema.EXAMPLE)


def unit_fields(circular: CircularFormat) -> list[schema.Column]:
    """The unit table's fields, the attachment columns by the format's labels; the score's says
    whose score it is (the rule's, or as published)."""
    composite = schema.COMPOSITE_SCORE_PUBLISHED if circular.score.published_only else schema.COMPOSITE_SCORE
    labelled = {c.key for c in schema.FILE_COLUMNS}
    fields = [
        circular.column(key)
        if key in labelled
        else circular.described(composite if key == composite.key else schema.BY_KEY[key])
        for key in UNIT_COLUMNS
    ]
    return [_full_marks_in(field, circular.score.full_marks) for field in fields]


def _full_marks_in(column: schema.Column, full: float) -> schema.Column:
    """A column's description with the format's full marks where the schema says 0–100."""
    if "0–100" not in column.description_zh + column.description_en:
        return column
    return replace(
        column,
        description_zh=column.description_zh.replace("0–100", f"0–{full:g}"),
        description_en=column.description_en.replace("0–100", f"0–{full:g}"),
    )
