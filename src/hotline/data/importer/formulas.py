"""Spreadsheet formulas evaluated from the workbook's own cells, for cells that hold a formula
but no cached result.

Excel and WPS store each formula's last result beside it; a workbook written by a program
(openpyxl) or never opened in a spreadsheet has none, and reading such a cell as a value gives
nothing, which must never be taken for 0. The importer evaluates what a circular's tables use
(numbers, cell references on this or another sheet, ranges, + − × ÷, parentheses, SUM, MIN, MAX,
ROUND) and refuses anything else, naming the cell.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from openpyxl.utils import get_column_letter, range_boundaries

_TOKEN = re.compile(
    r"\s*(?:"
    r"(?P<number>\d+(?:\.\d+)?)"
    r"|(?P<ref>(?:(?:'[^']+'|[^\s!'(),:+\-*/=]+)!)?\$?[A-Z]{1,3}\$?\d+(?::\$?[A-Z]{1,3}\$?\d+)?)"
    r"|(?P<name>[A-Z]+)\s*\("
    r"|(?P<op>[-+*/(),])"
    r")"
)
FUNCTIONS: dict[str, Callable[[list[float]], float]] = {
    "SUM": sum,
    "MIN": min,
    "MAX": max,
}


class FormulaError(ValueError):
    """The formula uses something this evaluator does not do (the message says what)."""


Lookup = Callable[[str, str], float]  # (sheet, cell) -> value


def _cells(sheet: str, reference: str) -> list[tuple[str, str]]:
    if "!" in reference:
        sheet, reference = reference.rsplit("!", 1)
        sheet = sheet.strip("'")
    reference = reference.replace("$", "")
    if ":" not in reference:
        return [(sheet, reference)]
    low_col, low_row, high_col, high_row = range_boundaries(reference)
    return [
        (sheet, f"{get_column_letter(c)}{r}")
        for r in range(low_row, high_row + 1)
        for c in range(low_col, high_col + 1)
    ]


def evaluate(formula: str, sheet: str, lookup: Lookup) -> float:
    """The value of ``=formula`` on ``sheet``; ``lookup`` gives any cell's value (evaluating it in turn)."""
    text = formula.lstrip("=").strip().upper() if formula.startswith("=") else formula
    for name in re.findall(r"([A-Z][A-Z0-9.]*)\s*\(", text):
        if name not in FUNCTIONS and name != "ROUND":
            raise FormulaError(f"不支持函数 {name}（只支持 SUM、MIN、MAX、ROUND 和加减乘除）")
    tokens: list[tuple[str, str]] = []
    position = 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if not match or match.end() == position:
            raise FormulaError(f"不能识别“{text[position : position + 12]}”")
        kind = match.lastgroup
        tokens.append((kind, match.group(kind)))
        position = match.end()
    tokens.append(("end", ""))
    index = 0

    def peek() -> tuple[str, str]:
        return tokens[index]

    def take() -> tuple[str, str]:
        nonlocal index
        index += 1
        return tokens[index - 1]

    def values_of(reference: str) -> list[float]:
        return [lookup(s, c) for s, c in _cells(sheet, reference)]

    def expression() -> float:
        value = term()
        while peek() in (("op", "+"), ("op", "-")):
            value = value + term() if take()[1] == "+" else value - term()
        return value

    def term() -> float:
        value = factor()
        while peek() in (("op", "*"), ("op", "/")):
            operator = take()[1]
            other = factor()
            if operator == "/" and other == 0:
                raise FormulaError("除数为0")
            value = value * other if operator == "*" else value / other
        return value

    def arguments() -> list[float]:
        found: list[float] = []
        while True:
            if peek()[0] == "ref" and tokens[index + 1] in (("op", ","), ("op", ")")):
                found += values_of(take()[1])
            else:
                found.append(expression())
            if peek() == ("op", ","):
                take()
                continue
            if take() != ("op", ")"):
                raise FormulaError("括号不成对")
            return found

    def factor() -> float:
        kind, value = take()
        if kind == "number":
            return float(value)
        if kind == "ref":
            cells = values_of(value)
            if len(cells) != 1:
                raise FormulaError(f"区域 {value} 只能用在 SUM、MIN、MAX 中")
            return cells[0]
        if kind == "name":
            if value == "ROUND":
                number, digits = [*arguments(), 0.0][:2]
                return round(number, int(digits))
            if value not in FUNCTIONS:
                raise FormulaError(f"不支持函数 {value}（只支持 SUM、MIN、MAX、ROUND 和加减乘除）")
            found = arguments()
            if not found:
                raise FormulaError(f"{value} 没有参数")
            return float(FUNCTIONS[value](found))
        if (kind, value) == ("op", "-"):
            return -factor()
        if (kind, value) == ("op", "+"):
            return factor()
        if (kind, value) == ("op", "("):
            inner = expression()
            if take() != ("op", ")"):
                raise FormulaError("括号不成对")
            return inner
        raise FormulaError("公式不完整")

    result = expression()
    if peek()[0] != "end":
        raise FormulaError(f"不能识别“{peek()[1]}”")
    return result
