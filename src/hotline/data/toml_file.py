"""Typed reading of the TOML files staff edit (``circular.toml``, ``provenance.toml``), reporting the
key and its line on any problem.

``tomllib`` gives values without positions, so :func:`key_lines` finds the line of every key from
the text itself: table headers (``[headline]``), arrays of tables (``[[headline.outstanding]]``,
counted, so the second one is ``headline.outstanding[1]``), dotted keys, and the elements of an
inline array of tables (``top_volume = [ { unit = … }, … ]``) each on the line where it opens.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import tomllib
from pathlib import Path
from typing import Any

from hotline.data.errors import PLACEHOLDER, DataError, Placeholder
from hotline.data.files import hidden_character

_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(r"^\s*([A-Za-z0-9_\-\.\s\"]+?)\s*=")


def _dotted(text: str) -> list[str]:
    return [part.strip().strip('"') for part in text.split(".")]


def key_lines(text: str) -> dict[str, int]:
    """The line (1-based) of every key, by its full path: ``headline.outstanding[1].unit``."""
    lines: dict[str, int] = {}
    table: list[str] = []
    counts: dict[str, int] = {}
    open_array: tuple[str, int] | None = None  # an inline array whose elements are being counted
    for number, line in enumerate(text.split("\n"), start=1):
        stripped = line.split("#", 1)[0] if '"' not in line else line
        header = _HEADER.match(line)
        if header and open_array is None:
            path = _dotted(header.group(2))
            if header.group(1) == "[[":
                name = ".".join(path)
                index = counts.get(name, -1) + 1
                counts[name] = index
                path = [*path[:-1], f"{path[-1]}[{index}]"]
            table = path
            lines.setdefault(".".join(table), number)
            continue
        if open_array is not None:
            name, index = open_array
            for _ in re.finditer(r"\{", stripped):
                lines.setdefault(f"{name}[{index}]", number)
                index += 1
            open_array = (name, index)
            if "]" in stripped and "[" not in stripped.split("]")[-1]:
                open_array = None
            continue
        key = _KEY.match(line)
        if key:
            name = ".".join([*table, *_dotted(key.group(1))])
            lines.setdefault(name, number)
            value = line[key.end() :].split("#", 1)[0]
            if value.strip().startswith("["):
                elements = value.count("{")
                for index in range(elements):
                    lines.setdefault(f"{name}[{index}]", number)
                if value.count("[") > value.count("]"):
                    open_array = (name, elements)
    return lines


def _type_zh(types: tuple[type, ...]) -> str:
    names = {
        int: "整数（不带单位、不加引号）",
        float: "数字",
        str: "文字（加引号）",
        dt.date: "日期（如 2024-05-11，不加引号）",
        list: "列表（方括号）",
        dict: "表",
        bool: "true 或 false",
    }
    return "或".join(dict.fromkeys(names.get(t, t.__name__) for t in types))


class TomlFile:
    """A TOML file's values with the line of each key, for errors staff can find."""

    def __init__(self, path: Path, text: str):
        self.path = path
        try:
            self.data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            at = re.search(r"\(at line (\d+)", str(exc))  # Python 3.11's error has no lineno attribute
            line = int(at.group(1)) if at else None
            message = str(exc).split(" (at line")[0]
            raise DataError(
                path, f"TOML 格式错误：{message}（常见原因：文字没有加英文引号，或引号、括号不成对）", line=line
            ) from None
        self.lines = key_lines(text)
        self._check_hidden(self.data, "")

    def _check_hidden(self, node: Any, key: str) -> None:
        """The file's text was checked for hidden characters when it was read; a TOML escape
        (``\\u202e``) can still write one into a value, so every text value is checked again."""
        if isinstance(node, dict):
            for name, value in node.items():
                self._check_hidden(value, f"{key}.{name}" if key else name)
        elif isinstance(node, list):
            for index, value in enumerate(node):
                self._check_hidden(value, f"{key}[{index}]")
        elif isinstance(node, str):
            found = hidden_character(node)
            if found is not None:
                raise self.error(
                    key, f"含有不可见的字符（U+{ord(found):04X}，由转义写入）：它会隐藏或颠倒文字的显示，请删去"
                )

    def line_of(self, key: str) -> int | None:
        """The line of a key, or of the nearest enclosing key or table that has one."""
        while key:
            if key in self.lines:
                return self.lines[key]
            key = re.sub(r"(\.[^.\[\]]+|\[\d+\])$", "", key) if re.search(r"(\.[^.\[\]]+|\[\d+\])$", key) else ""
        return None

    def error(self, key: str, message: str) -> DataError:
        return DataError(self.path, message, line=self.line_of(key), column=key, item="项")

    def node(self, key: str) -> Any:
        node: Any = self.data
        for part in re.findall(r"[^.\[\]]+|\[\d+\]", key):
            node = node[int(part[1:-1])] if part.startswith("[") else node[part]
        return node

    def has(self, key: str) -> bool:
        try:
            self.node(key)
        except (KeyError, IndexError, TypeError):
            return False
        return True

    def get(self, key: str, *types: type, optional: bool = False) -> Any:
        """The value at ``key``, which must be one of ``types``: never a bool for a number, never
        NaN or infinity, never the importer's placeholder."""
        if not self.has(key):
            if optional:
                return None
            raise DataError(self.path, f"缺少必填项“{key}”", line=self.line_of(key), column=key, item="项")
        value = self.node(key)
        if value == PLACEHOLDER:
            raise Placeholder(
                self.path,
                "尚未填写（导入时未能从原文识别）：请按通报原文填写",
                line=self.line_of(key),
                column=key,
                item="项",
            )
        if float in types and int not in types:
            types = (*types, int)
        if (isinstance(value, bool) and bool not in types) or not isinstance(value, types):
            shown = str(value) if not isinstance(value, dict | list) else type(value).__name__
            raise self.error(key, f"值“{shown}”应为{_type_zh(types)}")
        if isinstance(value, float) and not math.isfinite(value):
            raise self.error(key, f"值“{value}”不是有效的数字")
        return value

    def check_keys(self, key: str, allowed: set[str]) -> None:
        """Refuse keys nobody reads: a misspelt key would otherwise be silently ignored."""
        table = self.data if not key else self.node(key)
        if not isinstance(table, dict):
            return
        for name in table:
            if name not in allowed:
                full = f"{key}.{name}" if key else name
                raise self.error(full, f"未知的项“{name}”（可用的项：{'、'.join(sorted(allowed))}）；可能是拼写错误")
