"""Single cells of staff files, checked for meaning: counts, points, scores, names, quarter ids, dates.

One place for each rule, so an attachment table, the registry, the corrections log and the
importer all accept and refuse the same things with the same words.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from pathlib import Path

from hotline.data.errors import DataError
from hotline.data.files import hidden_character
from hotline.data.quarter_id import QuarterId

_COUNT = re.compile(r"^[0-9]+$")
_NUMBER = re.compile(r"^-?[0-9]+(\.[0-9]+)?$")
_FULL_WIDTH = re.compile(r"[\uff10-\uff19\uff0e\uff0d]")
MAX_NAME = 60  # characters; the longest real unit name is 13
# The largest count any figure of a county's quarter can have (Baishui received 1,615 work orders
# in 2024 Q1; a city of ten million, a few hundred thousand): anything larger is a typing error,
# and a number of 20 or 5,000 digits must never reach the arithmetic (it overflowed there).
MAX_COUNT = 10_000_000


def parse_count(text: str, path: Path, line: int | str, column: str) -> int:
    """A count of work orders: a non-negative whole number; blank is 0, as in the circular."""
    if text == "":
        return 0
    if _FULL_WIDTH.search(text):
        raise DataError(path, f"“{text}”含全角数字或符号，请改用半角数字", line=line, column=column)
    if not _NUMBER.match(text):
        raise DataError(path, f"“{text}”不是数字，应填非负整数（空白记为0）", line=line, column=column)
    if text.startswith("-"):
        raise DataError(path, f"“{text}”是负数，工单数量不能为负", line=line, column=column)
    if not _COUNT.match(text):
        raise DataError(path, f"“{text}”不是整数，工单数量应为整数", line=line, column=column)
    if len(text) > len(str(MAX_COUNT)) or int(text) > MAX_COUNT:
        shown = text if len(text) <= 20 else f"{text[:12]}…（共{len(text)}位）"
        raise DataError(path, f"“{shown}”大得不合理（上限{MAX_COUNT}），请检查是否多打了数字", line=line, column=column)
    return int(text)


def parse_number(text: str, path: Path, line: int | str, column: str) -> float | None:
    """Points or a score: a non-negative decimal number; blank is ``None``."""
    if text == "":
        return None
    if _FULL_WIDTH.search(text):
        raise DataError(path, f"“{text}”含全角数字或符号，请改用半角数字", line=line, column=column)
    if not _NUMBER.match(text):
        raise DataError(path, f"“{text}”不是数字", line=line, column=column)
    if len(text) > 12:
        raise DataError(path, f"“{text[:12]}…”大得不合理，请检查是否多打了数字", line=line, column=column)
    value = float(text)
    if value < 0:
        raise DataError(path, f"“{text}”是负数，分值不能为负", line=line, column=column)
    if not math.isfinite(value) or value > 1000:
        raise DataError(path, f"“{text}”大得不合理，请检查是否多打了数字", line=line, column=column)
    return value


def check_name(
    text: str, path: Path, line: int | str | None, column: str, item: str = "列", limit: int = MAX_NAME
) -> str:
    """A unit's or an office's name (or another one-line text): one line, not empty, of a sensible length."""
    name = text.strip()
    if not name:
        raise DataError(path, "名称为空", line=line, column=column, item=item)
    if "\n" in name or "\r" in name or "\t" in name:
        raise DataError(path, "名称中有换行或制表符：名称应写在一行内", line=line, column=column, item=item)
    if len(name) > limit:
        raise DataError(
            path,
            f"名称过长（{len(name)}字，上限{limit}字）：可能粘贴了多余的内容",
            line=line,
            column=column,
            item=item,
        )
    return name


def check_text(text: str, path: Path, line: int | str | None, column: str, item: str = "列", limit: int = 500) -> str:
    """A one-line text staff typed in a command or a cell (a reason, a change): not empty, no
    hidden or direction character, of a sensible length."""
    found = hidden_character(text.replace("\t", " "))
    if found is not None:
        raise DataError(
            path,
            f"含有不可见的字符（U+{ord(found):04X}，第{text.index(found) + 1}个字符）：请删去后重新输入",
            line=line,
            column=column,
            item=item,
        )
    value = text.strip()
    if not value:
        raise DataError(path, f"{column}不能为空", line=line, column=column, item=item)
    if "\n" in value or "\r" in value or "\t" in value:
        raise DataError(path, f"{column}应写在一行内（不能有换行或制表符）", line=line, column=column, item=item)
    if len(value) > limit:
        raise DataError(path, f"{column}过长（{len(value)}字，上限{limit}字）", line=line, column=column, item=item)
    return value


def parse_quarter(text: str, path: Path, line: int | str | None, column: str, item: str = "列") -> QuarterId:
    try:
        return QuarterId.parse(text.strip())
    except ValueError as exc:
        raise DataError(path, str(exc), line=line, column=column, item=item) from None


def parse_date(text: str, path: Path, line: int | str | None, column: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise DataError(path, f"日期“{text}”应写成 2024-05-11 的格式", line=line, column=column) from None
