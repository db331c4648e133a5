"""HTML tables that a reader can read on any screen: one builder for every table on the site.

- Numbers are right-aligned, everywhere (class ``num``), so digits line up.
- The first column names the row (a ``<th scope="row">``: usually the unit); on a narrow screen it
  stays put while the numbers scroll sideways (see ``hotline.css``).
- A table wider than the screen scrolls inside a box that keyboard users can reach (it is
  focusable) and that screen readers announce by the table's caption.
- A long table (more than ``LONG`` rows) is never taller than most of the screen: it scrolls
  inside the same box, and its header row stays at the top of it (``position: sticky`` works
  inside a scroll box, not across it), so a reader far down 附件2 still sees what each column is.
- A table with columns marked ``more`` (the attachments' counts and points) shows, on a phone,
  only its other columns (the unit, its score and its rank), so that every row answers "how did
  my unit do" without scrolling sideways; a ``<details>`` before the table brings back every
  column, in the circular's order, one tap away. It is the same table, in CSS only: no JavaScript
  is needed to read it and no second copy of the table weighs on the page.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from hotline.pages.safe import Source, between, html, join


@dataclass(frozen=True)
class Column:
    title: str | Source
    numeric: bool = False
    more: bool = False  # a detail a phone shows only on request (see the module's docstring)


Cell = str | Source | int | float

LONG = 20  # rows; a shorter table is seldom taller than a screen, and is not boxed in


def table(
    name: str,
    caption: str | Source,
    columns: Sequence[Column],
    rows: Iterable[Sequence[Cell]],
    *,
    css: str = "",
    row_classes: Sequence[str] | None = None,
    row_ids: Sequence[str | None] | None = None,
    footer: Sequence[Cell] | None = None,
    header_column: bool = True,
    brief: str = "主要列",
) -> Source:
    """A captioned table whose ``name`` (unique on its page) labels its scroll region.

    Cells are escaped unless they are already :class:`Source`; the first cell of each row is the
    row's header when ``header_column`` is set. ``brief`` names what a phone shows of a table
    with ``more`` columns (its switch reads 只显示{brief}).
    """
    rows = list(rows)
    classes = list(row_classes or [""] * len(rows))
    ids = list(row_ids or [None] * len(rows))

    def markup(tag_first: str) -> list[tuple[str, str]]:
        """Each column's cell as its opening and closing tags (static markup only: tags and classes)."""
        out = []
        for n, column in enumerate(columns):
            tag = tag_first if n == 0 else "td"
            scope = ' scope="row"' if tag == "th" else ""
            out.append((f"<{tag}{scope}{_class_attribute(column)}>", f"</{tag}>"))
        return out

    def cells(values: Sequence[Cell], *, tag_first: str) -> Source:
        return between(markup_of[tag_first], values)

    markup_of = {tag: markup(tag) for tag in ("th", "td")}
    head = join(html('<th scope="col"{}>{}</th>', Source(_class_attribute(c)), c.title) for c in columns)
    first = "th" if header_column else "td"
    body = join(
        html(
            "<tr{id}{cls}>{cells}</tr>",
            id=html(' id="{}"', row_id) if row_id else Source(""),
            cls=html(' class="{}"', row_class) if row_class else Source(""),
            cells=cells(row, tag_first=first),
        )
        for row, row_class, row_id in zip(rows, classes, ids, strict=True)
    )
    foot = html("<tfoot><tr>{}</tr></tfoot>", cells(footer, tag_first=first)) if footer is not None else Source("")
    return more_columns(columns, brief) + html(
        '<div class="table-scroll{long}" role="region" tabindex="0" aria-labelledby="{name}-caption">'
        '<table class="{css}" id="{name}"><caption id="{name}-caption">{caption}</caption>'
        "<thead><tr>{head}</tr></thead><tbody>{body}</tbody>{foot}</table></div>",
        name=name,
        long=Source(" long") if len(rows) > LONG else Source(""),
        css=" ".join(filter(None, ["data", css])),
        caption=caption,
        head=head,
        body=body,
        foot=foot,
    )


def _class_attribute(column: Column) -> str:
    names = [name for name, on in (("num", column.numeric), ("more", column.more)) if on]
    return f' class="{" ".join(names)}"' if names else ""


def more_columns(columns: Sequence[Column], brief: str = "主要列") -> Source:
    """The phone's switch between the table's main columns and all of them (nothing when every
    column is a main one). The stylesheet shows it on narrow screens only, and the words of the
    closed or the open state only: ``.more-columns:not([open]) + .table-scroll .more`` is hidden."""
    more = [c.title for c in columns if c.more]
    if not more:
        return Source("")
    return html(
        '<details class="more-columns"><summary><span class="closed">显示全部列（{}）</span>'
        '<span class="opened">只显示{}</span></summary>'
        "<p>表格较宽：左右滑动查看各列，单位名称固定在左侧。</p></details>",
        join(more, "、"),
        brief,
    )


def link(text: Cell, url: str) -> Source:
    return html('<a href="{}">{}</a>', url, text)
