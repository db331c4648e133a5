"""The one boundary between data and page source.

Everything a page shows that came from ``data/`` (unit names, document fields, narratives,
entered-by, corrections, file names) passes :func:`text` before it is placed in page source, and
nothing else turns data into source. The result is inert wherever a page puts it: in HTML text,
in an HTML attribute value, and in MyST Markdown (a page title, a heading, link text). It is the
same text, with every character that means something in any of those languages written as a
numeric character reference (``&#60;`` for ``<``), which HTML and CommonMark both show as the
character itself and neither reads as markup: no tag, no directive, no role, no link, no emphasis.

Page code composes source with :class:`Source` (a :class:`markupsafe.Markup` whose escaping is
:func:`text`): formatting and joining escape every value that is not already source, so data
cannot reach a page without passing here.
"""

from __future__ import annotations

import functools
import string
from collections.abc import Iterable, Sequence

import markupsafe

# Characters with a meaning in HTML (& < > " ') or in MyST/CommonMark inline or block syntax
# (backtick code and roles, {role} and {{substitution}}, [links], *emphasis*, _emphasis_, $math$,
# |tables|, \escapes, # headings, !images, :fences:, ~~strike~~, % comments), and every control
# character, line break and tab: a value stays on one line and one table cell.
_SPECIAL = frozenset("&<>\"'`{}[]*_$|\\#!:~%") | {chr(n) for n in range(32)} | {"\x7f"}


class Source(markupsafe.Markup):
    """Page source: static markup written by page code, with data put in only through :func:`text`."""

    __slots__ = ()

    @classmethod
    def escape(cls, s: object) -> Source:
        if hasattr(s, "__html__"):
            return cls(s.__html__())
        return text(s)


def _encoded(ch: str) -> str:
    return f"&#{ord(ch)};"


_ENCODE = str.maketrans({ch: _encoded(ch) for ch in _SPECIAL})


def text(value: object) -> Source:
    """A value from data as page source that shows it literally, in HTML and in MyST alike.

    Its first character is also encoded unless it is a letter, so that even at the start of a
    Markdown line the value cannot begin a list (``- ``, ``1. ``), a heading underline (``===``)
    or a code block (four spaces); a trailing space is encoded so it cannot make a line break."""
    value = str(value).replace("\r\n", "\n").replace("\r", "\n")  # one kind of line break
    if not value:
        return Source("")
    first, rest = value[0], value[1:]
    head = first if first.isalpha() and first not in _SPECIAL else _encoded(first)
    if rest.endswith(" "):
        return Source(head + rest[:-1].translate(_ENCODE) + _encoded(" "))
    return Source(head + rest.translate(_ENCODE))


def _source(value: object) -> str:
    """A value placed in page source, as :meth:`Source.format` places it (with no format spec)."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return text(format(value, ""))


@functools.lru_cache(maxsize=1024)
def _fields(template: str) -> tuple[tuple[str, int | str | None], ...] | None:
    """A template's literal parts, each with the field after it (a position or a name), or None
    when a field has a conversion, a format spec or an index, which :meth:`Source.format` handles."""
    parts: list[tuple[str, int | str | None]] = []
    automatic = manual = 0
    for literal, field, spec, conversion in string.Formatter().parse(template):
        if field is None:
            parts.append((literal, None))
        elif spec or conversion or not (field == "" or field.isdigit() or field.isidentifier()):
            return None
        elif field == "":
            parts.append((literal, automatic))
            automatic += 1
        else:
            manual += field.isdigit()
            parts.append((literal, int(field) if field.isdigit() else field))
    return None if automatic and manual else tuple(parts)


def html(template: str, *args: object, **kwargs: object) -> Source:
    """``template`` (static markup) with each value escaped by :func:`text` unless it is already source.

    The same as ``Source(template).format(...)``, without its general formatter: the site's tables
    place hundreds of thousands of cells, and that formatter was most of the time of a unit page."""
    fields = _fields(template)
    if fields is None:
        return Source(template).format(*args, **kwargs)
    out = []
    for literal, field in fields:
        out.append(literal)
        if field is not None:
            out.append(_source(args[field] if isinstance(field, int) else kwargs[field]))
    return Source("".join(out))


def between(markup: Sequence[tuple[str, str]], values: Iterable[object]) -> Source:
    """Each value escaped (as by :func:`html`) and placed between its own opening and closing static
    markup, all joined: a table row's cells, without a template to read for every cell."""
    return Source(
        "".join(f"{before}{_source(value)}{after}" for (before, after), value in zip(markup, values, strict=True))
    )


def join(parts, separator: str = "") -> Source:
    return Source(separator.join(map(_source, parts)))


def block(source: Source):
    """Page source as a notebook cell's output: Jupyter shows it, and the book puts it in the page
    as it is (an IPython ``HTML`` object)."""
    from IPython.display import HTML

    return HTML(str(source))
