"""Staff's narrative text (parsed by :mod:`hotline.data.narrative`) as HTML: paragraphs, bold, the
circular's （一） points, lists and http(s) links. Every character of it is escaped; nothing staff
wrote is ever interpreted as markup.
"""

from __future__ import annotations

from hotline.data import narrative as text
from hotline.pages.safe import Source, html, join


def inlines(parts: tuple[text.Inline, ...]) -> Source:
    out = []
    for part in parts:
        if isinstance(part, text.Strong):
            out.append(html("<strong>{}</strong>", part.text))
        elif isinstance(part, text.Link):
            out.append(html('<a href="{}" rel="nofollow noopener">{}</a>', part.url, part.text))
        else:
            out.append(html("{}", part.text))
    return join(out)


def block(part: text.Block) -> Source:
    if isinstance(part, text.Point):
        heading = html('<span class="point-label">{}</span>', part.label)
        if part.heading:
            heading = html('<strong class="point">{}{}</strong>', heading, inlines(part.heading))
        return html('<p class="point">{}{}</p>', heading, inlines(part.inlines))
    if isinstance(part, text.ListBlock):
        items = join(html("<li>{}</li>", inlines(item)) for item in part.items)
        return html("<ol>{}</ol>" if part.ordered else "<ul>{}</ul>", items)
    return html("<p>{}</p>", inlines(part.inlines))


def render(narrative: text.Narrative) -> Source:
    return join(block(part) for part in narrative.blocks)
