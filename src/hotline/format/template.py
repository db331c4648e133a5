"""Sentence templates with named placeholders, for the wording a format file declares.

A format file (data/format.toml) is edited by staff, so a template is input, never code: Python's
``str.format`` would let ``{a.__class__}``, ``{a[0]}``, ``{a!r}`` or ``{a:{b}}`` reach into the
values it is given, so templates are read here by a small scanner of their own and rendered by
joining strings. A template is literal text with ``{name}`` placeholders; ``{{`` and ``}}`` are
literal braces. A name is ASCII letters, digits and underscores, or Chinese characters
(U+4E00–U+9FFF) mixed with those, and never starts with a digit. Nothing else may stand between
braces: no attribute, index, conversion or format spec, no space, no empty ``{}`` or numbered
``{0}``; there are no loops and no calls. Every placeholder must be one the caller allows, and
every refusal is a :class:`TemplateError` whose Chinese message says where, what is wrong and what
is allowed, so a bad template stops the build with the file, the line and the key.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass

from hotline.data.files import hidden_character
from hotline.format.errors import MissingName, UnreadableText

MAX_LENGTH = 1000
BRACES = "如要写花括号本身，请写成“{{”和“}}”"

__all__ = ["MAX_LENGTH", "MissingPlaceholder", "Placeholder", "Template", "TemplateError", "parse"]


class TemplateError(UnreadableText):
    """A template that cannot be read (see :class:`hotline.format.errors.UnreadableText`)."""


class MissingPlaceholder(MissingName):
    """A placeholder of the template was given no value: a mistake of the calling code, named."""


@dataclass(frozen=True)
class Placeholder:
    name: str


@dataclass(frozen=True)
class Template:
    """A parsed template: what was typed, its literal pieces and placeholders in order, and the
    names of its placeholders."""

    text: str
    parts: tuple[str | Placeholder, ...]
    names: frozenset[str]

    def render(self, values: Mapping[str, str]) -> str:
        """The sentence, each placeholder replaced by ``values[name]`` (a str, inserted as it is;
        values for names the template does not use are ignored)."""
        pieces = []
        for part in self.parts:
            if isinstance(part, str):
                pieces.append(part)
                continue
            if part.name not in values:
                raise MissingPlaceholder(part.name, f"模板“{self.text}”缺少占位符 {{{part.name}}} 的值")
            value = values[part.name]
            if not isinstance(value, str):
                raise TypeError(f"模板占位符 {{{part.name}}} 的值应为文字（str），实为 {type(value).__name__}")
            pieces.append(value)
        return "".join(pieces)


def parse(text: str, placeholders: Mapping[str, str]) -> Template:
    """The template ``text`` over the allowed ``placeholders`` (each name with a Chinese
    description, shown in error messages), or a :class:`TemplateError`."""
    for name in placeholders:
        if not _is_name(name):
            raise ValueError(f"invalid placeholder name for a template: {name!r}")
    if not isinstance(text, str):
        raise TemplateError("应写成文字（用引号括起来的句子）")
    if len(text) > MAX_LENGTH:
        raise TemplateError(f"太长（{len(text)}个字符，最多{MAX_LENGTH}个）")
    hidden = hidden_character(text)
    if hidden is not None:
        at = text.index(hidden) + 1
        raise TemplateError(f"第{at}个字符是不可见的字符（U+{ord(hidden):04X}）：它会隐藏或颠倒文字的显示，请删去", at)
    parts: list[str | Placeholder] = []
    literal: list[str] = []
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        if text.startswith("{{", i) or text.startswith("}}", i):
            literal.append(char)
            i += 2
        elif char == "}":
            raise TemplateError(f"第{i + 1}个字符的“}}”没有对应的“{{”：{BRACES}", i + 1)
        elif char == "{":
            end = text.find("}", i + 1)
            if end == -1 or "{" in text[i + 1 : end]:  # no "}", or another "{" opens before it
                raise TemplateError(f"第{i + 1}个字符的“{{”没有对应的“}}”：占位符写成 {{名称}}；{BRACES}", i + 1)
            name = text[i + 1 : end]
            _check(name, i + 1, placeholders)
            if literal:
                parts.append("".join(literal))
                literal = []
            parts.append(Placeholder(name))
            i = end + 1
        else:
            literal.append(char)
            i += 1
    if literal:
        parts.append("".join(literal))
    return Template(text, tuple(parts), frozenset(p.name for p in parts if isinstance(p, Placeholder)))


def _is_name_char(char: str) -> bool:
    return ("a" <= char <= "z") or ("A" <= char <= "Z") or ("0" <= char <= "9") or char == "_" or _is_cjk(char)


def _is_cjk(char: str) -> bool:
    return "\u4e00" <= char <= "\u9fff"


def _is_name(text: str) -> bool:
    return bool(text) and not ("0" <= text[0] <= "9") and all(_is_name_char(c) for c in text)


def _allowed(placeholders: Mapping[str, str]) -> str:
    if not placeholders:
        return "此处不能使用占位符"
    return "可用的占位符：" + "、".join(f"{{{name}}}（{about}）" for name, about in placeholders.items())


def _check(name: str, at: int, placeholders: Mapping[str, str]) -> None:
    """``name``, found between the braces that open at character ``at``, is an allowed placeholder."""
    shown = "{" + name + "}"
    if not name:
        raise TemplateError(
            f"第{at}个字符处的“{{}}”是空的占位符：请在花括号中写上名称（{_allowed(placeholders)}）；{BRACES}", at
        )
    bad = next((c for c in name if not _is_name_char(c)), None)
    if bad is not None:
        what = "空格" if bad.isspace() else (f"“{bad}”" if bad.isprintable() else f"字符 U+{ord(bad):04X}")
        raise TemplateError(
            f"第{at}个字符处的占位符“{shown}”含有{what}：花括号中只能写一个名称（{_allowed(placeholders)}）；{BRACES}",
            at,
        )
    if "0" <= name[0] <= "9":
        raise TemplateError(
            f"第{at}个字符处的占位符“{shown}”以数字开头：花括号中只能写一个名称（{_allowed(placeholders)}）", at
        )
    if name not in placeholders:
        close = difflib.get_close_matches(name, list(placeholders), n=1)
        hint = f"，是否应为“{{{close[0]}}}”？" if close else ""
        raise TemplateError(f"第{at}个字符处是未知的占位符“{shown}”{hint}（{_allowed(placeholders)}）", at)
