"""Spreadsheet formulas evaluated from the workbook's own cells, for cells that hold a formula
but no cached result.

Excel, WPS and LibreOffice store each formula's last result beside it; a workbook written by a
program (openpyxl, as ``make new-quarter`` writes the entry workbook) or never opened in a
spreadsheet has none, and reading such a cell as a value gives nothing, which must never be taken
for 0. The importer evaluates what a circular's workbooks use: numbers, ``""``, TRUE/FALSE, cell
references on this or another sheet, ranges, + − × ÷, comparisons (= <> < > <= >=), parentheses,
SUM, MIN, MAX, ROUND and IF. Anything else is refused with what it is, and the importer names the
cell (a total is never invented).

The rules are Excel's where a workbook depends on them: a blank cell is 0 in arithmetic and in a
comparison with a number, and "" in a comparison with text; SUM, MIN and MAX skip blank and text
cells of a range (so a number stored as text is left out, as Excel leaves it out); IF evaluates
only the branch it takes, so ``=IF(B9>0,B10/B9*100,"")`` is "" for a blank B9, not a division by 0.

A formula is parsed once into a tree (:func:`parse`), whose references :func:`references` lists
so that the importer can evaluate the cells it depends on first, without recursing from cell to
cell. Hostile input stops with a :class:`FormulaError`, never a RecursionError, MemoryError,
OverflowError or a hang: a formula is at most :data:`MAX_LENGTH` characters and
:data:`MAX_DEPTH` parentheses, functions or signs deep; a range is clipped to the sheet's used
area and may then hold at most :data:`MAX_RANGE_CELLS` cells; every result must be a finite
number.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass

from openpyxl.utils import get_column_letter, range_boundaries

MAX_LENGTH = 8192  # characters, Excel's own limit
MAX_DEPTH = 40  # nested parentheses, function calls and signs (Excel allows 64 levels of functions)
MAX_RANGE_CELLS = 200_000  # cells one formula may read, after clipping its ranges to the used area
MAX_ROW, MAX_COLUMN = 1_048_576, 16_384  # a worksheet's size in Excel
FUNCTIONS = ("SUM", "MIN", "MAX", "ROUND", "IF")
_SUPPORTED = "只支持 SUM、MIN、MAX、ROUND、IF、比较（= <> < > <= >=）和加减乘除"

_TOKEN = re.compile(
    r"\s*(?:"
    r"(?P<number>(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)"
    r'|(?P<string>"(?:[^"]|"")*")'
    r"|(?P<ref>(?:(?:'(?:[^']|'')+'|[^\s!'\"(),:+\-*/=<>&^%]+)!)?\$?[A-Za-z]{1,3}\$?\d+(?::\$?[A-Za-z]{1,3}\$?\d+)?)"
    r"(?![A-Za-z0-9_(])"
    r"|(?P<name>[A-Za-z][A-Za-z0-9._]*)\s*\("
    r"|(?P<bool>TRUE|FALSE)(?![A-Za-z0-9_(])"
    r"|(?P<op><>|<=|>=|[-+*/(),=<>&^%])"
    r")",
    re.IGNORECASE,
)
_COMPARISONS = ("=", "<>", "<", ">", "<=", ">=")

Value = float | str | bool | None  # None: a blank cell
Lookup = Callable[[str, str], Value]  # (sheet, cell) -> the cell's value, blank as None
Extent = Callable[[str], tuple[int, int]]  # sheet -> (last row, last column) holding anything


class FormulaError(ValueError):
    """The formula cannot have a value: it divides by 0, computes with text, is too long, too deep
    or reads too many cells, or is malformed (the message says which, in Chinese, for staff)."""


class Unsupported(FormulaError):
    """The formula uses a function or operator this evaluator does not do; a spreadsheet would
    compute it and store the result, which the importer then reads."""


@dataclass(frozen=True)
class Formula:
    """A parsed formula: its text, the sheet it is on, and its tree (tuples, see :func:`parse`)."""

    text: str
    sheet: str
    tree: tuple


def _split_reference(sheet: str, reference: str) -> tuple[str, str]:
    if "!" in reference:
        sheet, reference = reference.rsplit("!", 1)
        if sheet.startswith("'"):
            sheet = sheet[1:-1].replace("''", "'")
    return sheet, reference.replace("$", "").upper()


def _bounds(reference: str) -> tuple[int, int, int, int]:
    """(first column, first row, last column, last row) of a cell or range, checked against Excel's size."""
    try:
        low_col, low_row, high_col, high_row = range_boundaries(reference)
    except (ValueError, TypeError):
        raise FormulaError(f"“{reference}”不是有效的单元格引用") from None
    if high_col is None or high_row is None:  # a single cell
        high_col, high_row = low_col, low_row
    if not (1 <= low_row <= high_row <= MAX_ROW and 1 <= low_col <= high_col <= MAX_COLUMN):
        raise FormulaError(f"“{reference}”超出了工作表的范围")
    return low_col, low_row, high_col, high_row


def parse(formula: str, sheet: str) -> Formula:
    """The tree of ``=formula`` on ``sheet``; refuses what :func:`evaluate` does not do.

    Nodes: ``("value", v)``, ``("ref", sheet, reference)``, ``("neg", node)``, ``("chain", first,
    ((op, node), …))`` for + − (and × ÷) kept flat, so a long sum is a loop and not deep recursion,
    ``("compare", op, left, right)``, ``("call", NAME, (args…))``."""
    text = formula[1:] if formula.startswith("=") else formula
    if len(text) > MAX_LENGTH:
        raise FormulaError(f"公式过长（{len(text)}个字符，上限{MAX_LENGTH}）")
    tokens: list[tuple[str, str]] = []
    position = 0
    while position < len(text):
        if not text[position:].strip():
            break
        match = _TOKEN.match(text, position)
        if not match or match.end() == position:
            raise Unsupported(f"不能识别“{text[position : position + 12].strip()}”（{_SUPPORTED}）")
        kind = match.lastgroup
        value = match.group(kind)
        if kind == "op" and value in ("&", "^", "%"):
            raise Unsupported(f"不支持运算符 {value}（{_SUPPORTED}）")
        if kind == "name":
            value = value.upper()
            if value not in FUNCTIONS:
                raise Unsupported(f"不支持函数 {value}（{_SUPPORTED}）")
        tokens.append((kind, value))
        position = match.end()
    tokens.append(("end", ""))
    index = 0
    depth = 0

    def peek() -> tuple[str, str]:
        return tokens[index]

    def take() -> tuple[str, str]:
        nonlocal index
        index += 1
        return tokens[index - 1]

    def deeper() -> None:
        nonlocal depth
        depth += 1
        if depth > MAX_DEPTH:
            raise FormulaError(f"公式嵌套过深（超过{MAX_DEPTH}层括号、函数或正负号）")

    def comparison() -> tuple:
        left = additive()
        if peek()[0] == "op" and peek()[1] in _COMPARISONS:
            operator = take()[1]
            right = additive()
            if peek()[0] == "op" and peek()[1] in _COMPARISONS:
                raise FormulaError("一个比较中只能有一个比较符号")
            return ("compare", operator, left, right)
        return left

    def chain(operand, operators: tuple[str, ...]) -> tuple:
        first = operand()
        rest = []
        while peek()[0] == "op" and peek()[1] in operators:
            operator = take()[1]
            rest.append((operator, operand()))
        return ("chain", first, tuple(rest)) if rest else first

    def additive() -> tuple:
        return chain(term, ("+", "-"))

    def term() -> tuple:
        return chain(unary, ("*", "/"))

    def unary() -> tuple:
        nonlocal depth
        if peek() in (("op", "-"), ("op", "+")):
            sign = take()[1]
            deeper()
            inner = unary()
            depth -= 1
            return ("neg", inner) if sign == "-" else ("chain", inner, ())
        return primary()

    def primary() -> tuple:
        nonlocal depth
        kind, value = take()
        if kind == "number":
            number = float(value)
            if not math.isfinite(number):
                raise FormulaError(f"数字 {value[:20]}… 太大")
            return ("value", number)
        if kind == "string":
            return ("value", value[1:-1].replace('""', '"'))
        if kind == "bool":
            return ("value", value.upper() == "TRUE")
        if kind == "ref":
            where, reference = _split_reference(sheet, value)
            _bounds(reference)
            return ("ref", where, reference)
        if kind == "name":
            deeper()
            arguments = []
            if peek() == ("op", ")"):
                take()
            else:
                while True:
                    arguments.append(comparison())
                    separator = take()
                    if separator == ("op", ","):
                        continue
                    if separator != ("op", ")"):
                        raise FormulaError(f"{value}( 的括号不成对")
                    break
            depth -= 1
            return ("call", value, tuple(arguments))
        if (kind, value) == ("op", "("):
            deeper()
            inner = comparison()
            if take() != ("op", ")"):
                raise FormulaError("括号不成对")
            depth -= 1
            return inner
        raise FormulaError("公式不完整")

    tree = comparison()
    if peek()[0] != "end":
        raise FormulaError(f"不能识别“{peek()[1]}”")
    _check_calls(tree)
    return Formula(formula, sheet, tree)


def _check_calls(tree: tuple) -> None:
    """Argument counts, checked once for the whole tree (iteratively: the tree may be deep)."""
    pending = [tree]
    while pending:
        node = pending.pop()
        if node[0] == "call":
            name, arguments = node[1], node[2]
            wanted = {"ROUND": (2, 2), "IF": (2, 3)}.get(name, (1, 255))
            if not wanted[0] <= len(arguments) <= wanted[1]:
                raise FormulaError(f"{name} 的参数个数不对（{len(arguments)}个）")
            pending += arguments
        elif node[0] == "neg":
            pending.append(node[1])
        elif node[0] == "chain":
            pending += [node[1], *(operand for _, operand in node[2])]
        elif node[0] == "compare":
            pending += [node[2], node[3]]


def _cells_of(sheet: str, reference: str, extent: Extent | None) -> list[tuple[str, str]]:
    """The cells of a reference, a range clipped to the sheet's used area (cells beyond it are blank)."""
    low_col, low_row, high_col, high_row = _bounds(reference)
    if ":" not in reference:
        return [(sheet, reference)]
    if extent is not None:
        last_row, last_col = extent(sheet)
        high_row, high_col = min(high_row, last_row), min(high_col, last_col)
    count = max(0, high_row - low_row + 1) * max(0, high_col - low_col + 1)
    if count > MAX_RANGE_CELLS:
        raise FormulaError(f"区域 {reference} 太大（{count}个有内容的单元格，上限{MAX_RANGE_CELLS}）")
    return [
        (sheet, f"{get_column_letter(c)}{r}")
        for r in range(low_row, high_row + 1)
        for c in range(low_col, high_col + 1)
    ]


def references(formula: Formula, extent: Extent | None = None) -> list[tuple[str, str]]:
    """Every cell the formula may read (both branches of an IF), ranges clipped as :func:`evaluate` clips them."""
    found: list[tuple[str, str]] = []
    pending = [formula.tree]
    while pending:
        node = pending.pop()
        kind = node[0]
        if kind == "ref":
            found += _cells_of(node[1], node[2], extent)
            if len(found) > MAX_RANGE_CELLS:
                raise FormulaError(f"公式引用的单元格太多（上限{MAX_RANGE_CELLS}个）")
        elif kind == "neg":
            pending.append(node[1])
        elif kind == "chain":
            pending += [node[1], *(operand for _, operand in node[2])]
        elif kind == "compare":
            pending += [node[2], node[3]]
        elif kind == "call":
            pending += node[2]
    return list(dict.fromkeys(found))


def _number(value: Value, what: str) -> float:
    """A value in arithmetic, as Excel takes it: blank is 0, TRUE is 1, text must read as a number."""
    if value is None:
        return 0.0
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, int | float):
        return float(value)
    if not isinstance(value, str):
        raise FormulaError(f"{what}“{value}”不是数字，不能用来计算")
    text = value.strip()
    if re.fullmatch(r"[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?", text):
        number = float(text)
        if math.isfinite(number):
            return number
    raise FormulaError(f"{what}是文字“{str(value)[:20]}”，不能用来计算")


def _finite(number: float) -> float:
    if not math.isfinite(number):
        raise FormulaError("计算结果太大，超出了数字的范围")
    return number


def _compare(operator: str, left: Value, right: Value) -> bool:
    """Excel's comparison: numbers with numbers, text with text (ignoring case); any number is less
    than any text; a blank takes the other side's kind."""
    if left is None:
        left = "" if isinstance(right, str) else (False if isinstance(right, bool) else 0.0)
    if right is None:
        right = "" if isinstance(left, str) else (False if isinstance(left, bool) else 0.0)

    def rank(value):
        if isinstance(value, bool):
            return (2, value)
        if isinstance(value, str):
            return (1, value.lower())
        if isinstance(value, int | float):
            return (0, float(value))
        raise FormulaError(f"“{value}”不是数字或文字，不能比较")

    a, b = rank(left), rank(right)
    return {"=": a == b, "<>": a != b, "<": a < b, ">": a > b, "<=": a <= b, ">=": a >= b}[operator]


def evaluate_parsed(formula: Formula, lookup: Lookup, extent: Extent | None = None) -> Value:
    """The value of a parsed formula: a number, text ("" is an empty result), or TRUE/FALSE."""

    def value_of(node: tuple) -> Value:
        kind = node[0]
        if kind == "value":
            return node[1]
        if kind == "ref":
            cells = _cells_of(node[1], node[2], extent)
            if len(cells) != 1:
                raise FormulaError(f"区域 {node[2]} 只能用在 SUM、MIN、MAX 中")
            return lookup(*cells[0])
        if kind == "neg":
            return _finite(-_number(value_of(node[1]), "取负的值"))
        if kind == "chain":
            if not node[2]:  # a leading +
                return value_of(node[1])
            total = _number(value_of(node[1]), "参与计算的值")
            for operator, operand in node[2]:
                other = _number(value_of(operand), "参与计算的值")
                if operator == "+":
                    total += other
                elif operator == "-":
                    total -= other
                elif operator == "*":
                    total *= other
                elif other == 0:
                    raise FormulaError("除数为0")
                else:
                    total /= other
                total = _finite(total)
            return total
        if kind == "compare":
            return _compare(node[1], value_of(node[2]), value_of(node[3]))
        return call(node[1], node[2])

    def numbers(arguments: tuple) -> list[float]:
        """SUM, MIN and MAX: a reference contributes its numbers (blank and text cells skipped)."""
        found: list[float] = []
        for argument in arguments:
            if argument[0] == "ref":
                for cell in _cells_of(argument[1], argument[2], extent):
                    value = lookup(*cell)
                    if isinstance(value, int | float) and not isinstance(value, bool):
                        found.append(_finite(float(value)))
            else:
                found.append(_finite(_number(value_of(argument), "参数")))
        return found

    def call(name: str, arguments: tuple) -> Value:
        if name == "IF":
            condition = value_of(arguments[0])
            if isinstance(condition, str):
                raise FormulaError(f"IF 的条件是文字“{condition[:20]}”，不是真或假")
            chosen = arguments[1] if condition else (arguments[2] if len(arguments) > 2 else ("value", False))
            return value_of(chosen)
        if name == "ROUND":
            number = _number(value_of(arguments[0]), "ROUND 的数")
            digits = _number(value_of(arguments[1]), "ROUND 的位数")
            digits = int(max(-400.0, min(400.0, digits)))  # beyond a float's precision either way
            return _finite(float(round(number, digits)))
        found = numbers(arguments)
        if name == "SUM":
            return _finite(math.fsum(found))
        if not found:
            return 0.0  # Excel: MIN and MAX of nothing are 0
        return min(found) if name == "MIN" else max(found)  # each finite already

    return value_of(formula.tree)


def evaluate(formula: str, sheet: str, lookup: Lookup, extent: Extent | None = None) -> Value:
    """The value of ``=formula`` on ``sheet``; ``lookup`` gives any cell's value (blank as None)."""
    return evaluate_parsed(parse(formula, sheet), lookup, extent)
