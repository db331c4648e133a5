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


def text(value: object) -> Source:
    """A value from data as page source that shows it literally, in HTML and in MyST alike.

    Its first character is also encoded unless it is a letter, so that even at the start of a
    Markdown line the value cannot begin a list (``- ``, ``1. ``), a heading underline (``===``)
    or a code block (four spaces); a trailing space is encoded so it cannot make a line break."""
    value = str(value).replace("\r\n", "\n").replace("\r", "\n")  # one kind of line break
    out = [_encoded(ch) if ch in _SPECIAL else ch for ch in value]
    if value and not value[0].isalpha() and not out[0].startswith("&#"):
        out[0] = _encoded(value[0])
    if value and value[-1] == " ":
        out[-1] = _encoded(" ")
    return Source("".join(out))


def html(template: str, *args: object, **kwargs: object) -> Source:
    """``template`` (static markup) with each value escaped by :func:`text` unless it is already source."""
    return Source(template).format(*args, **kwargs)


def join(parts, separator: str = "") -> Source:
    return Source(separator).join(parts)


def block(source: Source):
    """Page source as a notebook cell's output: Jupyter shows it, and the book puts it in the page
    as it is (an IPython ``HTML`` object)."""
    from IPython.display import HTML

    return HTML(str(source))
