"""A tiny language of numbers, names, + − × ÷, parentheses, min and max, for the rules a format file declares.

A place's format file (data/format.toml) is edited by staff, so a rule written in it is input, never
code: it is read here by a hand-written tokenizer and a recursive-descent parser, and nothing of it
ever reaches eval, exec, compile, ast, format() or a regular expression run over the text. What it
can say is deliberately small: numbers, the names the caller allows (column keys such as ``bonus``,
parameters such as ``full_marks``), the four operations, parentheses, and ``min``/``max`` calls.
There are no attributes, no other calls, no powers (``9**9**9`` cannot be written), no exponents
(``1e309`` cannot be written), so evaluating a rule always takes time proportional to its length.

Grammar (``−`` U+2212, ``×``, ``÷`` and the full-width forms ``（ ） ， ＋ － ＊ ／`` are read as
their ASCII forms, because staff type them with a Chinese input method; any space is ignored)::

    expr  := term (('+' | '-') term)*
    term  := unary (('*' | '/') unary)*
    unary := '-' unary | atom
    atom  := NUMBER | NAME | ('min' | 'max') '(' expr (',' expr)+ ')' | '(' expr ')'

A NUMBER is ASCII digits with an optional decimal part, at most 15 significant digits (beyond that
a float no longer holds the number as typed). A NAME is ``[A-Za-z_][A-Za-z0-9_]*`` and must be one
of the allowed names. Every refusal is an :class:`ExpressionError` whose message says, in Chinese,
what is wrong, where, and what is allowed: a format file with a bad rule stops the build with the
file, the line and the key, and never with a traceback. A rule is at most 300 characters and
nests parentheses, calls and minus signs at most 20 deep, so no input can exhaust the stack.

In words (:meth:`Expression.describe`) a rule reads ``min(100, 100 + 加分值合计 − 减分值合计)``:
names become their Chinese labels (or numbers, to show a worked example), operators are
``+ − × ÷``, and ``min(…)``/``max(…)`` are kept as written, because they are what staff typed and
what the workbook's formula says; :data:`CALLS_EXPLAINED` is the sentence a page prints once to
explain them. As a spreadsheet formula (:meth:`Expression.to_excel`) it reads
``MIN(100,100+SUM(B3:B4)-SUM(C3:C4))``.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import reduce
from typing import Any

import numpy as np
import pandas as pd

from hotline.data.files import hidden_character
from hotline.format.errors import MissingName, UnreadableText

MAX_LENGTH = 300
MAX_DEPTH = 20
MAX_DIGITS = 15
CALLS = ("min", "max")
ALLOWED = "只能使用数字、列名、+ − × ÷、括号、min 和 max"
#: One sentence for the public, printed wherever a rule is shown in words.
CALLS_EXPLAINED = "min(…) 取括号中各项的最小值，max(…) 取最大值。"

__all__ = [
    "ALLOWED",
    "CALLS_EXPLAINED",
    "MAX_DEPTH",
    "MAX_LENGTH",
    "Binary",
    "Call",
    "Expression",
    "ExpressionError",
    "MissingValue",
    "Name",
    "Negate",
    "Number",
    "parse",
]


class ExpressionError(UnreadableText):
    """A rule that cannot be read (see :class:`hotline.format.errors.UnreadableText`)."""


class MissingValue(MissingName):
    """A name the rule uses was given no value (or no cell): a mistake of the calling code, named."""


# The tree. Each node is a frozen dataclass, so a parsed rule is immutable, comparable and picklable.


@dataclass(frozen=True)
class Number:
    value: float
    text: str  # as typed, without leading zeros: how it is shown in words and in a formula


@dataclass(frozen=True)
class Name:
    name: str


@dataclass(frozen=True)
class Negate:
    operand: Node


@dataclass(frozen=True)
class Binary:
    operator: str  # one of + - * /
    left: Node
    right: Node


@dataclass(frozen=True)
class Call:
    function: str  # min or max
    arguments: tuple[Node, ...]


Node = Number | Name | Negate | Binary | Call


@dataclass(frozen=True)
class Expression:
    """A parsed rule: what was typed, the names it uses, and its tree."""

    text: str
    names: frozenset[str]
    tree: Node
    labels: tuple[tuple[str, str], ...]  # (name, Chinese label) of each name used, as given to parse

    @property
    def calls(self) -> frozenset[str]:
        """The functions the rule uses (min, max): a page that shows the rule explains them once."""
        found, pending = set(), [self.tree]
        while pending:
            node = pending.pop()
            if isinstance(node, Call):
                found.add(node.function)
                pending += node.arguments
            elif isinstance(node, Binary):
                pending += [node.left, node.right]
            elif isinstance(node, Negate):
                pending.append(node.operand)
        return frozenset(found)

    def evaluate(self, values: Mapping[str, Any]) -> Any:
        """The rule's value. ``values`` holds a number, a pandas Series or a numpy array for every
        name the rule uses; Series and arrays are computed elementwise (min and max included), and
        numbers alone give a float.

        A division by zero gives NaN (and so does anything computed from it), not an error: a
        format's rule is checked when the format is read, so a zero divisor is a fact of one unit's
        data, and that unit should get no score while the build goes on and says so, rather than a
        build stopping half-way on one cell.
        """
        missing = sorted(self.names - set(values))
        if missing:
            raise MissingValue(missing[0], f"计算规则“{self.text}”缺少名称 {missing[0]} 的值")
        with np.errstate(all="ignore"):
            result = _evaluate(self.tree, values)
        if isinstance(result, pd.Series | np.ndarray):
            return result
        return float(result)

    def describe(self, labels: Mapping[str, str] | None = None) -> str:
        """The rule for the public: ``min(100, 100 + 加分值合计 − 减分值合计)``.

        Each name is replaced by ``labels[name]`` when given (a number, to show a worked example),
        else by the label given to :func:`parse`; a label is inserted as it is. Operators are
        ``+ − × ÷`` with a space either side, a minus sign is ``−``, ``min(a, b)`` and ``max(a, b)``
        stay as typed (explained once by :data:`CALLS_EXPLAINED`), and parentheses are written only
        where the order of operations needs them, plus around a negated right operand
        (``a − (−b)``), which reads better than two signs in a row.
        """
        words = dict(self.labels)
        if labels is not None:
            words.update({name: labels[name] for name in self.names if name in labels})
        return _render(self.tree, words, _WORDS)

    def to_excel(self, cells: Mapping[str, str]) -> str:
        """The rule as the body of a spreadsheet formula (without the leading ``=``), each name
        replaced by ``cells[name]`` (a cell reference, ``SUM(B3:B4)`` or a number, inserted as it
        is): ``MIN(100,100+SUM(B3:B4)-SUM(C3:C4))``. A division by zero shows #DIV/0! in the
        workbook, where staff see it, instead of NaN."""
        missing = sorted(self.names - set(cells))
        if missing:
            raise MissingValue(missing[0], f"计算规则“{self.text}”缺少名称 {missing[0]} 对应的单元格")
        return _render(self.tree, {name: cells[name] for name in self.names}, _EXCEL)


def parse(text: str, names: Mapping[str, str]) -> Expression:
    """The rule ``text`` over the allowed ``names`` (each name with its Chinese label, shown in
    error messages and by :meth:`Expression.describe`), or an :class:`ExpressionError`."""
    for name in names:
        if name in CALLS or not _is_name(name):
            raise ValueError(f"invalid name for an expression: {name!r}")
    if not isinstance(text, str):
        raise ExpressionError(f"应写成文字（用引号括起来的算式），{ALLOWED}")
    if not text.strip():
        raise ExpressionError(f"是空的：请写出算式，{ALLOWED}")
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"太长（{len(text)}个字符，最多{MAX_LENGTH}个）：请简化算式")
    hidden = hidden_character(text)
    if hidden is not None:
        at = text.index(hidden) + 1
        raise ExpressionError(
            f"第{at}个字符是不可见的字符（U+{ord(hidden):04X}）：它会隐藏或颠倒文字的显示，请删去", at
        )
    tokens = _tokens(text, names)
    parser = _Parser(tokens, len(text))
    tree = parser.expression(0)
    parser.finish()
    used = frozenset(_names(tree))
    return Expression(text, used, tree, tuple((name, names[name]) for name in sorted(used)))


# Reading: characters into tokens.

_PLUS, _MINUS, _TIMES, _DIVIDE = "+", "-", "*", "/"
_SYMBOLS = {
    "+": "+",
    "＋": "+",
    "-": "-",
    "−": "-",
    "－": "-",
    "*": "*",
    "×": "*",
    "＊": "*",
    "/": "/",
    "÷": "/",
    "／": "/",
    "(": "(",
    "（": "(",
    ")": ")",
    "）": ")",
    ",": ",",
    "，": ",",
}
_FULL_WIDTH_DIGITS = "０１２３４５６７８９"


@dataclass(frozen=True)
class _Token:
    kind: str  # number, name, + - * / ( ) , or end
    text: str  # as typed
    at: int  # 1-based position of its first character


def _is_ascii_letter(char: str) -> bool:
    return ("a" <= char <= "z") or ("A" <= char <= "Z") or char == "_"


def _is_digit(char: str) -> bool:
    return "0" <= char <= "9"


def _is_name(text: str) -> bool:
    return bool(text) and _is_ascii_letter(text[0]) and all(_is_ascii_letter(c) or _is_digit(c) for c in text)


def _is_cjk(char: str) -> bool:
    return "\u4e00" <= char <= "\u9fff"


def _listed(names: Mapping[str, str]) -> str:
    return "、".join(f"{name}（{label}）" for name, label in names.items())


def _shown(char: str) -> str:
    return f"“{char}”" if char.isprintable() else f"（U+{ord(char):04X}）"


def _tokens(text: str, names: Mapping[str, str]) -> list[_Token]:
    tokens: list[_Token] = []
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        at = i + 1
        if char.isspace():
            i += 1
        elif _is_digit(char):
            start = i
            while i < n and _is_digit(text[i]):
                i += 1
            if i < n and text[i] == ".":
                i += 1
                if i >= n or not _is_digit(text[i]):
                    raise ExpressionError(f"第{i}个字符处的小数点后缺少数字：小数写成 0.5 这样", i)
                while i < n and _is_digit(text[i]):
                    i += 1
            if i < n and _is_ascii_letter(text[i]):
                raise ExpressionError(
                    f"第{i + 1}个字符处：数字后面不能紧跟字母（不支持科学计数法，如 1e5 请写成 100000；"
                    "数与名称相乘请写 ×）",
                    i + 1,
                )
            literal = text[start:i]
            digits = literal.replace(".", "").lstrip("0")
            if len(digits) > MAX_DIGITS:
                raise ExpressionError(f"第{at}个字符起的数字“{literal}”太长：最多{MAX_DIGITS}位有效数字", at)
            tokens.append(_Token("number", literal, at))
        elif _is_ascii_letter(char):
            start = i
            while i < n and (_is_ascii_letter(text[i]) or _is_digit(text[i])):
                i += 1
            word = text[start:i]
            _check_name(word, at, _next_visible(text, i), names)
            tokens.append(_Token("name", word, at))
        elif char in _SYMBOLS:
            if _SYMBOLS[char] == "*" and i + 1 < n and _SYMBOLS.get(text[i + 1]) == "*":
                raise ExpressionError(f"第{at}个字符处的“{text[i : i + 2]}”（乘方）不能使用：{ALLOWED}", at)
            tokens.append(_Token(_SYMBOLS[char], char, at))
            i += 1
        elif char in _FULL_WIDTH_DIGITS:
            raise ExpressionError(f"第{at}个字符“{char}”是全角数字：请改用半角数字 0–9", at)
        elif _is_cjk(char):
            start = i
            while i < n and _is_cjk(text[i]):
                i += 1
            run = text[start:i]
            key = next((name for name, label in names.items() if label == run), None)
            if key is not None:
                raise ExpressionError(f"第{at}个字符起的“{run}”请写成它的名称 {key}", at)
            raise ExpressionError(f"第{at}个字符起的“{run}”不是可用的名称（可用的名称：{_listed(names)}）", at)
        else:
            raise ExpressionError(f"第{at}个字符{_shown(char)}不能使用：{ALLOWED}", at)
    tokens.append(_Token("end", "", n + 1))
    return tokens


def _next_visible(text: str, i: int) -> str:
    while i < len(text) and text[i].isspace():
        i += 1
    return text[i] if i < len(text) else ""


def _check_name(word: str, at: int, following: str, names: Mapping[str, str]) -> None:
    call = _SYMBOLS.get(following) == "("
    if word in names and not call:
        return
    if word.lower() in CALLS and word not in CALLS:
        raise ExpressionError(f"第{at}个字符处的“{word}”请写成小写的 {word.lower()}", at)
    if word in CALLS:
        if not call:
            raise ExpressionError(f"第{at}个字符处的 {word} 后面应是左括号：写成 {word}(a, b)", at)
        return
    if call:
        raise ExpressionError(f"第{at}个字符处的“{word}(”不能使用：只能调用 min 和 max", at)
    if word not in names:
        close = difflib.get_close_matches(word, list(names), n=1)
        hint = f"，是否应为“{close[0]}”？" if close else ""
        raise ExpressionError(f"未知的名称“{word}”{hint}（可用的名称：{_listed(names)}）", at)


# Parsing: tokens into a tree, by recursive descent with a depth limit.


class _Parser:
    def __init__(self, tokens: list[_Token], length: int):
        self.tokens = tokens
        self.index = 0
        self.length = length
        self.open: list[tuple[_Token, bool]] = []  # each open parenthesis, and whether it is a call's

    def peek(self) -> _Token:
        return self.tokens[self.index]

    def take(self) -> _Token:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def deeper(self, depth: int, token: _Token) -> int:
        if depth + 1 > MAX_DEPTH:
            raise ExpressionError(
                f"第{token.at}个字符处嵌套太深（括号、min/max 和负号合计超过{MAX_DEPTH}层）：请简化算式", token.at
            )
        return depth + 1

    def expression(self, depth: int) -> Node:
        node = self.term(depth)
        while self.peek().kind in (_PLUS, _MINUS):
            operator = self.take().kind
            node = Binary(operator, node, self.term(depth))
        return node

    def term(self, depth: int) -> Node:
        node = self.unary(depth)
        while self.peek().kind in (_TIMES, _DIVIDE):
            operator = self.take().kind
            node = Binary(operator, node, self.unary(depth))
        return node

    def unary(self, depth: int) -> Node:
        if self.peek().kind == _MINUS:
            token = self.take()
            return Negate(self.unary(self.deeper(depth, token)))
        return self.atom(depth)

    def atom(self, depth: int) -> Node:
        token = self.take()
        if token.kind == "number":
            return Number(float(token.text), _normalised(token.text))
        if token.kind == "name" and token.text in CALLS:
            inner = self.deeper(depth, token)
            opening = self.take()  # the tokenizer saw that a parenthesis follows
            self.open.append((opening, True))
            if self.peek().kind == ")":
                raise self.too_few(token)
            arguments = [self.expression(inner)]
            while self.peek().kind == ",":
                self.take()
                arguments.append(self.expression(inner))
            self.close()
            if len(arguments) < 2:
                raise self.too_few(token)
            return Call(token.text, tuple(arguments))
        if token.kind == "name":
            return Name(token.text)
        if token.kind == "(":
            inner = self.deeper(depth, token)
            self.open.append((token, False))
            node = self.expression(inner)
            self.close()
            return node
        if token.kind == "end":
            raise ExpressionError("算式不完整：末尾缺少数字或名称", token.at)
        raise ExpressionError(f"第{token.at}个字符“{token.text}”之前缺少数字或名称", token.at)

    def too_few(self, call: _Token) -> ExpressionError:
        return ExpressionError(
            f"第{call.at}个字符处的 {call.text} 至少要有两项，用逗号隔开：写成 {call.text}(a, b)", call.at
        )

    def close(self) -> None:
        token = self.peek()
        if token.kind != ")":
            self.unexpected(token)
        self.take()
        self.open.pop()

    def finish(self) -> None:
        token = self.peek()
        if token.kind != "end":
            self.unexpected(token)

    def unexpected(self, token: _Token) -> None:
        """Where an operator or the end of a group was expected, ``token`` came."""
        if token.kind == "end":
            opening, _ = self.open[-1]
            raise ExpressionError(f"算式末尾缺少右括号“)”，与第{opening.at}个字符的左括号配对", token.at)
        if token.kind == ")":
            raise ExpressionError(f"第{token.at}个字符的右括号“{token.text}”没有对应的左括号", token.at)
        if token.kind == ",":
            raise ExpressionError(f"第{token.at}个字符的逗号只能用在 min(…) 和 max(…) 的括号里，分隔各项", token.at)
        raise ExpressionError(f"第{token.at}个字符“{token.text}”之前缺少运算符（+ − × ÷）", token.at)


def _normalised(literal: str) -> str:
    whole, dot, fraction = literal.partition(".")
    return (whole.lstrip("0") or "0") + dot + fraction


def _names(node: Node):
    match node:
        case Name(name):
            yield name
        case Negate(operand):
            yield from _names(operand)
        case Binary(_, left, right):
            yield from _names(left)
            yield from _names(right)
        case Call(_, arguments):
            for argument in arguments:
                yield from _names(argument)


# Evaluating: numbers, Series and arrays alike.


def _evaluate(node: Node, values: Mapping[str, Any]) -> Any:
    match node:
        case Number(value):
            return np.float64(value)
        case Name(name):
            value = values[name]
            return value if isinstance(value, pd.Series | np.ndarray) else np.float64(value)
        case Negate(operand):
            return -_evaluate(operand, values)
        case Binary(operator, left, right):
            a, b = _evaluate(left, values), _evaluate(right, values)
            if operator == _PLUS:
                return a + b
            if operator == _MINUS:
                return a - b
            if operator == _TIMES:
                return a * b
            return _divide(a, b)
        case Call(function, arguments):
            combine = np.minimum if function == "min" else np.maximum
            return reduce(combine, (_evaluate(argument, values) for argument in arguments))
    raise AssertionError(node)


def _divide(a: Any, b: Any) -> Any:
    """a ÷ b, NaN wherever b is zero (see :meth:`Expression.evaluate` for why)."""
    quotient = a / b
    zero = b == 0
    if np.ndim(zero) == 0:
        return quotient * np.nan if zero else quotient
    if isinstance(quotient, pd.Series):
        return quotient.mask(zero)
    return np.where(zero, np.nan, quotient)


# Writing: in words, or as a spreadsheet formula.


@dataclass(frozen=True)
class _Style:
    operators: Mapping[str, str]
    negate: str
    calls: Mapping[str, str]
    comma: str


_WORDS = _Style({"+": " + ", "-": " − ", "*": " × ", "/": " ÷ "}, "−", {"min": "min", "max": "max"}, ", ")
_EXCEL = _Style({"+": "+", "-": "-", "*": "*", "/": "/"}, "-", {"min": "MIN", "max": "MAX"}, ",")


def _precedence(node: Node) -> int:
    if isinstance(node, Binary):
        return 1 if node.operator in (_PLUS, _MINUS) else 2
    return 3 if isinstance(node, Negate) else 4


def _render(node: Node, words: Mapping[str, str], style: _Style) -> str:
    match node:
        case Number(_, text):
            return text
        case Name(name):
            return words[name]
        case Negate(operand):
            inner = _render(operand, words, style)
            return style.negate + (f"({inner})" if _precedence(operand) < 4 else inner)
        case Binary(operator, left, right):
            own = _precedence(node)
            first, second = _render(left, words, style), _render(right, words, style)
            if _precedence(left) < own:
                first = f"({first})"
            if _precedence(right) <= own or isinstance(right, Negate):
                second = f"({second})"
            return first + style.operators[operator] + second
        case Call(function, arguments):
            listed = style.comma.join(_render(argument, words, style) for argument in arguments)
            return f"{style.calls[function]}({listed})"
    raise AssertionError(node)
