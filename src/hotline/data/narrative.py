"""The narrative parts of a circular (``preamble.md``, ``quality_remark.md``, ``problems.md``,
``requirements.md``), read as a small Markdown subset into plain content.

Staff text is content, never code. It is never handed to MyST or to any Markdown engine that
could run directives, read files or pass HTML through: it is parsed here into the few shapes a
circular uses, and the pages and the official document lay those out themselves, escaping every
character. What staff may write:

- paragraphs, separated by a blank line (lines of one paragraph are joined);
- **粗体** (two asterisks on each side);
- the circular's own numbered points: a paragraph that opens with （一）, （二）…, whose heading
  sentence may be in bold: ``**（一）审核把关不严。** 部分承办单位……``;
- lists: lines starting with ``- `` or ``1. ``;
- links: a plain ``https://…`` address, or ``[文字](https://…)``; only http and https.

Anything that looks like markup from elsewhere (HTML tags, MyST directives and roles, code
fences, images, # headings, quotes, tables, links to other kinds of address) is refused with the
file, the line and what to write instead, so nothing a staff member types is silently dropped or
changed. Every other character, ``*``, ``<`` and ``{`` included, is shown exactly as typed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from hotline.data.errors import PLACEHOLDER, DataError, Placeholder


@dataclass(frozen=True)
class Text:
    text: str


@dataclass(frozen=True)
class Strong:
    text: str


@dataclass(frozen=True)
class Link:
    text: str
    url: str  # http or https only, checked here


Inline = Text | Strong | Link


@dataclass(frozen=True)
class Paragraph:
    inlines: tuple[Inline, ...]


@dataclass(frozen=True)
class Point:
    """A numbered point of the circular: （一）审核把关不严。 followed by its text."""

    label: str  # （一）
    heading: tuple[Inline, ...]  # the heading sentence after the label, e.g. 审核把关不严。
    inlines: tuple[Inline, ...]  # the rest of the paragraph


@dataclass(frozen=True)
class ListBlock:
    ordered: bool
    items: tuple[tuple[Inline, ...], ...]


Block = Paragraph | Point | ListBlock


@dataclass(frozen=True)
class Narrative:
    blocks: tuple[Block, ...]

    @property
    def plain(self) -> str:
        """The text without any formatting, paragraphs separated by blank lines (for checks and search)."""
        return "\n\n".join(plain_block(block) for block in self.blocks)


def plain_inlines(inlines: tuple[Inline, ...]) -> str:
    return "".join(i.text for i in inlines)


def plain_block(block: Block) -> str:
    if isinstance(block, Point):
        return block.label + plain_inlines(block.heading) + plain_inlines(block.inlines)
    if isinstance(block, ListBlock):
        return "\n".join(plain_inlines(item) for item in block.items)
    return plain_inlines(block.inlines)


# What is refused, line by line: (pattern, what it is, what to write instead).
_REFUSED_LINES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), message)
    for pattern, message in (
        (r"^\s*(```|~~~)", "不支持代码块或 MyST 指令（``` 开头的块）：请直接写文字"),
        (r"^\s*:::", "不支持 MyST 指令（::: 开头的块）：请直接写文字"),
        (r"^\s{0,3}#{1,6}(\s|$)", "不支持 # 标题：分项标题请写成以“**（一）标题。**”开头的段落"),
        (r"^\s{0,3}>", "不支持引用块（> 开头的行）：请直接写文字"),
        (r"^\s*\|.*\|\s*$", "不支持表格：数字表格请放在附件表格文件中"),
        (r"^\s{0,3}([-*_]\s*){3,}$", "不支持分隔线（---）：段落之间空一行即可"),
        (r"^\s*\.\.\s+\w", "不支持 reStructuredText 指令（.. 开头的行）：请直接写文字"),
    )
)
_REFUSED_INLINE: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), message)
    for pattern, message in (
        (r"<\s*[A-Za-z!/?]", "不支持 HTML 标签（如 <b>、<script>、<!-- -->）：网站只显示文字；需要强调请用 **粗体**"),
        (
            r"\{[A-Za-z][\w:.+-]*\}`",
            "不支持 MyST 角色（如 {download}、{doc}）：网站不会读取文件或引用页面；链接请写 [文字](https://…)",
        ),
        (r"!\[", "不支持图片：网站上的图表由数据生成"),
        (r"\]\((?!https?://)", "链接只能指向 http:// 或 https:// 开头的网址：请写成 [文字](https://…)"),
        (r"\{\{|\}\}", "不支持 {{ }} 替换：请直接写文字"),
        (
            r"(?<![\w/])(?:javascript|data|vbscript|file):",
            "不支持 javascript:、data:、file: 等地址：链接只能是 http(s) 网址",
        ),
    )
)
_POINT = re.compile(r"^(?:\*\*)?\s*([（(]\s*[一二三四五六七八九十]+\s*[）)])")
_BULLET = re.compile(r"^\s*[-*+]\s+(.*)$")
_ORDERED = re.compile(r"^\s*\d{1,2}[.．、]\s+(.*)$")
_LINK = re.compile(r"\[([^\[\]]+)\]\((https?://[^\s()<>\"']+)\)")
_BARE_URL = re.compile(r"https?://[^\s<>\"'\]\[（）()，。；、]+")
_CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]")
MAX_LENGTH = 20_000  # characters; a whole circular is about 5,000


_HALF_WIDTH_LABEL = re.compile(
    r"^(?:\*\*)?\s*(\(\s*[一二三四五六七八九十]+\s*\)|\(\s*[一二三四五六七八九十]+\s*）|（\s*[一二三四五六七八九十]+\s*\))"
)


def half_width_labels(text: str) -> list[tuple[int, str]]:
    """Numbered points whose label uses a half-width bracket, as (line, label). An issued
    circular's text keeps them as printed; a draft follows GB/T 9704's full-width （一）, so
    ``make issue`` asks for them to be corrected (never silently rewritten)."""
    return [(n, m.group(1)) for n, line in enumerate(text.split("\n"), start=1) if (m := _HALF_WIDTH_LABEL.match(line))]


def parse(text: str, path: Path) -> Narrative:
    """Parse staff text (already decoded; see :mod:`hotline.data.files`) into a :class:`Narrative`."""
    if text.lstrip().startswith(PLACEHOLDER):
        raise Placeholder(path, "尚未填写（导入时未能从原文识别）：请按通报原文录入这一部分", line=1)
    if len(text) > MAX_LENGTH:
        raise DataError(path, f"文字过长（{len(text)}字，上限{MAX_LENGTH}字）：请检查是否粘贴了多余的内容")
    lines = text.split("\n")
    for number, line in enumerate(lines, start=1):
        for pattern, message in (*_REFUSED_LINES, *_REFUSED_INLINE):
            found = pattern.search(line)
            if found:
                snippet = line[max(0, found.start() - 8) : found.end() + 8].strip()
                raise DataError(path, f"{message}。原文：“{snippet}”", line=number)
    blocks: list[Block] = []
    paragraph: list[tuple[int, str]] = []
    items: list[tuple[int, str]] = []
    ordered = False

    def flush_paragraph() -> None:
        if paragraph:
            blocks.append(_paragraph(_join(paragraph), path, paragraph[0][0]))
            paragraph.clear()

    def flush_list() -> None:
        if items:
            blocks.append(ListBlock(ordered, tuple(_inlines(t, path, n) for n, t in items)))
            items.clear()

    for number, line in enumerate(lines, start=1):
        if not line.strip():
            flush_paragraph()
            flush_list()
            continue
        bullet, numbered = _BULLET.match(line), _ORDERED.match(line)
        if bullet or numbered:
            flush_paragraph()
            if items and ordered != bool(numbered):
                flush_list()
            ordered = bool(numbered)
            items.append((number, (numbered or bullet).group(1)))
        elif items and line.startswith((" ", "\t")):
            items[-1] = (items[-1][0], _join([items[-1], (number, line)]))  # a list item's continued line
        else:
            flush_list()
            paragraph.append((number, line))
    flush_paragraph()
    flush_list()
    return Narrative(tuple(blocks))


def _join(lines: list[tuple[int, str]]) -> str:
    """Lines of one paragraph joined as one: no space between Chinese characters, one otherwise."""
    out = ""
    for _, line in lines:
        line = line.strip()
        if out and not (_CJK.match(out[-1]) or _CJK.match(line[0])):
            out += " "
        out += line
    return out


def _paragraph(text: str, path: Path, line: int) -> Block:
    match = _POINT.match(text)
    if not match:
        return Paragraph(_inlines(text, path, line))
    # The label as written, brackets and the space after them included: an issued circular's text
    # is reproduced as printed (2024 Q1 has "(四) " among "（一）" "（二）" "（三）").
    label = re.sub(r"\s", "", match.group(1)) + (" " if text[match.end() : match.end() + 1].isspace() else "")
    inlines = _inlines(text, path, line)
    # The heading is the bold run that opens the point, or else its first sentence.
    first = inlines[0]
    if isinstance(first, Strong):
        heading_text = re.sub(r"^[（(]\s*[一二三四五六七八九十]+\s*[）)]\s*", "", first.text.strip())
        rest = inlines[1:]
        if rest and isinstance(rest[0], Text):
            rest = (Text(rest[0].text.lstrip()), *rest[1:]) if rest[0].text.strip() else rest[1:]
        return Point(label, (Strong(heading_text),) if heading_text else (), tuple(rest))
    body = text[match.end() :].lstrip()
    sentence = re.match(r"^[^。！？]*[。！？]", body)
    if not sentence or _LINK.search(sentence.group(0)) or "**" in sentence.group(0):
        return Point(label, (), _inlines(body, path, line))
    return Point(label, (Text(sentence.group(0)),), _inlines(body[sentence.end() :], path, line))


def _check_urls(text: str, path: Path, line: int) -> None:
    """A link shows where it goes: no ``**`` inside an address (bold would cut it short) and no user
    name before the host (https://www.baishui.gov.cn@evil.example/ goes to evil.example)."""
    if re.search(r"https?://[^\s<>\"'（）()，。；、]*\*\*", text):
        raise DataError(
            path, f"网址中不能有 **（粗体标记会把网址截断）：请把网址放在粗体之外。原文：“{text[:40]}”", line=line
        )
    for found in re.finditer(r"https?://[^\s<>\"'\]\[（）()，。；、]+", text):
        parts = urlsplit(found.group(0))
        if "@" in parts.netloc or not parts.hostname:
            raise DataError(
                path,
                f"网址“{found.group(0)[:60]}”的主机名前有“@”或没有主机名：这样的链接会把读者引向别的网站，请写完整的网址",
                line=line,
            )


def _inlines(text: str, path: Path, line: int) -> tuple[Inline, ...]:
    _check_urls(text, path, line)
    if text.count("**") % 2:
        raise DataError(path, f"粗体标记 ** 没有成对出现：每段粗体的前后各写两个星号。原文：“{text[:40]}”", line=line)
    out: list[Inline] = []
    for n, part in enumerate(text.split("**")):
        if not part:
            continue
        if n % 2:
            out.append(Strong(part))
        else:
            out.extend(_links(part))
    merged: list[Inline] = []
    for inline in out:
        if merged and isinstance(inline, Text) and isinstance(merged[-1], Text):
            merged[-1] = Text(merged[-1].text + inline.text)
        else:
            merged.append(inline)
    return tuple(merged)


def _links(text: str) -> list[Inline]:
    out: list[Inline] = []
    position = 0
    for match in _LINK.finditer(text):
        out += _bare_links(text[position : match.start()])
        out.append(Link(match.group(1), match.group(2)))
        position = match.end()
    out += _bare_links(text[position:])
    return out


def _bare_links(text: str) -> list[Inline]:
    out: list[Inline] = []
    position = 0
    for match in _BARE_URL.finditer(text):
        if match.start() > position:
            out.append(Text(text[position : match.start()]))
        out.append(Link(match.group(0), match.group(0)))
        position = match.end()
    if position < len(text):
        out.append(Text(text[position:]))
    return out
