"""Errors in staff-edited data, worded so that staff can find and fix the cell."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class SheetRow:
    """A row of a workbook sheet, said the way staff find it in Excel or WPS: the sheet's tab, the
    row number at the left edge, and the unit the row is about (a row number alone is easy to
    misread when rows were inserted or the sheet is scrolled)."""

    sheet: str
    row: int
    unit: str = ""

    def __str__(self) -> str:
        return f"工作表“{self.sheet}”第{self.row}行" + (f"（{self.unit}）" if self.unit else "")


class DataError(ValueError):
    """A problem in a data file, located by file, line (1 = header) and column. In a workbook the
    line is a :class:`SheetRow`: ``工作表“附件2”第9行（尧禾镇）「承办工单量」列``."""

    def __init__(
        self,
        path: Path | str,
        message: str,
        *,
        line: int | str | SheetRow | None = None,
        column: str | None = None,
        item: str = "列",
    ):
        self.path = Path(path)
        self.item = item  # what the column is called in this file: a CSV column (列) or a TOML key (项)
        self.line = line
        self.column = column
        self.message = message
        super().__init__(str(self))

    @property
    def where(self) -> str:
        """The file, line (or sheet row) and column, as staff look for them."""
        where = str(self.path)
        if isinstance(self.line, SheetRow):
            where += f" {self.line}"
        elif self.line is not None:
            where += f" 第{self.line}行"
        if self.column is not None:
            where += f"「{self.column}」{self.item}"
        return where

    def __str__(self) -> str:
        return f"数据错误：{self.where}：{self.message}"


# What the importer writes where it could not read a value or a text from the source; a file that
# still holds it is refused (:class:`Placeholder`) until staff fill it in.
PLACEHOLDER = "待填写"


class Placeholder(DataError):
    """An item the importer could not read and marked 待填写 is still not filled in."""
