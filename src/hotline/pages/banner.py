"""The note above a page built from generated example data, so that no reader takes it for a real
circular (its own module: the unit, download and comparison pages show it too, and need nothing
else of the quarter page)."""

from __future__ import annotations

from hotline.pages.safe import Source, html


def example_banner(text: str) -> Source:
    return html('<div class="admonition warning" role="note"><p class="admonition-title">注意</p><p>{}</p></div>', text)


DRAFT_NOTE = "草稿，尚未印发：本页只在内部预览中显示，仅供核对，公开网站上没有这一期通报。"


def draft_banner() -> Source:
    return html(
        '<div class="admonition warning draft" role="note"><p class="admonition-title">草稿</p><p>{}</p></div>',
        DRAFT_NOTE,
    )
