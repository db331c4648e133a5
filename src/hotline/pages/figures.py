"""A chart as the site shows it: its SVG, what it shows in words (alt text) and its caption.

Apart from :mod:`hotline.pages.charts`, which draws charts with matplotlib, so that what only
places charts in pages (the unit pages, written by the build while the notebooks run) need not
import matplotlib.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Chart:
    name: str  # file stem, e.g. work-orders
    svg: bytes
    alt: str  # what the chart shows, for readers who cannot see it
    caption: str

    @property
    def size(self) -> tuple[int, int]:
        """Width and height to show it at, in CSS pixels (an SVG point is 4/3 of a pixel)."""
        found = re.search(rb'width="([\d.]+)pt" height="([\d.]+)pt"', self.svg)
        return round(float(found.group(1)) * 4 / 3), round(float(found.group(2)) * 4 / 3)

    def _repr_mimebundle_(self, include=None, exclude=None):
        """Shown as an image in Jupyter; the site build reads the alt text and caption from the
        output's metadata (see hotline.site.notebooks)."""
        width, height = self.size
        data = {"image/svg+xml": self.svg.decode("utf-8"), "text/plain": self.alt}
        metadata = {
            "image/svg+xml": {"width": width, "height": height},
            "hotline": {"alt": self.alt, "caption": self.caption},
        }
        return data, metadata


def numbered(chart: Chart, number: int) -> Chart:
    """The chart as figure ``number`` of its page: 图1　…"""
    return Chart(chart.name, chart.svg, chart.alt, f"图{number}　{chart.caption}")
