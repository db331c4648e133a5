"""HTML tables that a reader can read on any screen: one builder for every table on the site.

- Numbers are right-aligned, everywhere (class ``num``), so digits line up.
- The first column names the row (a ``<th scope="row">``: usually the unit); on a narrow screen it
  stays put while the numbers scroll sideways (see ``hotline.css``).
- A table wider than the screen scrolls inside a box that keyboard users can reach (it is
  focusable) and that screen readers announce by the table's caption.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from hotline.pages.safe import Source, between, html, join


@dataclass(frozen=True)
class Column:
    title: str | Source
    numeric: bool = False


Cell = str | Source | int | float


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
) -> Source:
    """A captioned table whose ``name`` (unique on its page) labels its scroll region.

    Cells are escaped unless they are already :class:`Source`; the first cell of each row is the
    row's header when ``header_column`` is set.
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
            css_class = ' class="num"' if column.numeric else ""
            out.append((f"<{tag}{scope}{css_class}>", f"</{tag}>"))
        return out

    def cells(values: Sequence[Cell], *, tag_first: str) -> Source:
        return between(markup_of[tag_first], values)

    markup_of = {tag: markup(tag) for tag in ("th", "td")}
    head = join(
        html(
            '<th scope="col"{cls}>{title}</th>', cls=Source(' class="num"') if c.numeric else Source(""), title=c.title
        )
        for c in columns
    )
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
    return html(
        '<div class="table-scroll" role="region" tabindex="0" aria-labelledby="{name}-caption">'
        '<table class="{css}" id="{name}"><caption id="{name}-caption">{caption}</caption>'
        "<thead><tr>{head}</tr></thead><tbody>{body}</tbody>{foot}</table></div>",
        name=name,
        css=" ".join(filter(None, ["data", css])),
        caption=caption,
        head=head,
        body=body,
        foot=foot,
    )


def link(text: Cell, url: str) -> Source:
    return html('<a href="{}">{}</a>', url, text)
