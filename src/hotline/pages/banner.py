"""The note above a page built from generated example data, so that no reader takes it for a real
circular (its own module: the unit, download and comparison pages show it too, and need nothing
else of the quarter page)."""

from __future__ import annotations

from hotline.pages.safe import Source, html


def example_banner(text: str) -> Source:
    return html('<div class="admonition warning" role="note"><p class="admonition-title">注意</p><p>{}</p></div>', text)
