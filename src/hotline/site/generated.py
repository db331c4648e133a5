"""Pages and files generated straight from the history (no notebook): the unit pages and index,
the downloads, corrections, search, 常见问题 and 网站地图 pages into the book (:func:`write_pages`,
before Sphinx runs); the unit charts, and the open data and feed (:func:`write_downloads`, while Sphinx runs) as assets,
which the publish step adds to the site beside Sphinx's output.

A unit's chart is drawn again only when its rows, its name or the chart code changed; drawing is
most of the cost of the unit pages, so missing charts are drawn over worker processes, even one:
the workers have matplotlib already (the forkserver imported it), the builder would import it.
"""

from __future__ import annotations

import functools
import hashlib
from importlib.metadata import version
from importlib.util import find_spec
from pathlib import Path

import pandas as pd

from hotline.opendata import package as opendata
from hotline.pages import faq, feed, info, links, search, site_map, units
from hotline.pages.figures import Chart
from hotline.rules.history import History
from hotline.site import keys
from hotline.site.parallel import process_pool


@functools.cache
def _chart_code() -> bytes:
    """What a unit chart is drawn by: the chart code and the modules its words and numbers come
    from, read without importing them (and matplotlib: charts are drawn in workers), and the
    versions of the libraries that draw (a chart is redrawn after a matplotlib upgrade)."""
    modules = ("hotline.pages.charts", "hotline.pages.figures", "hotline.data.schema", "hotline.circular.fmt")
    code = b"".join(Path(find_spec(name).origin).read_bytes() for name in modules)
    return code + "".join(f"{name}={version(name)};" for name in ("matplotlib", "pandas", "numpy")).encode()


# What a unit chart shows of a unit's rows (see hotline.pages.charts.unit_history): the chart is
# given these columns only, so its cache key needs no more.
CHART_COLUMNS = ["quarter", "work_orders", "composite_score"]


def chart_rows(rows: pd.DataFrame) -> pd.DataFrame:
    return rows[CHART_COLUMNS]


def _chart_files(rows: pd.DataFrame, name: str, full: float, label: str, cache: Path) -> tuple[Path, Path]:
    """Where a unit's chart is cached: keyed by its rows (the columns it shows, as plain values:
    a unit's rows are keyed on every rebuild, and writing them out as CSV took most of that),
    its name, full marks, the work orders' label (the format's) and the chart code."""
    values = repr([rows[column].tolist() for column in CHART_COLUMNS])
    drawn = f"{name}\0{full!r}\0{label}\0{values}".encode()
    key = hashlib.sha256(_chart_code() + drawn).hexdigest()
    return cache / f"{key}.svg", cache / f"{key}.txt"


def _draw_into_cache(rows: pd.DataFrame, name: str, full: float, label: str, svg: Path, text: Path) -> None:
    from hotline.pages import charts

    chart = charts.unit_history(rows, name, full, work_orders=label)
    svg.parent.mkdir(parents=True, exist_ok=True)
    keys.write_whole(svg, chart.svg)
    keys.write_whole(text, f"{chart.caption}\n{chart.alt}".encode())  # last: the pair is whole


def unit_charts(history: History, cache: Path, workers: int) -> dict[str, Chart]:
    """Every unit's chart, from the cache or drawn now (in parallel when there are many)."""
    wanted = {}
    full, label = history.format.score.full_marks, history.format.label_of("work_orders")
    for unit_id in dict.fromkeys(history.units["unit_id"]):
        rows = chart_rows(history.rows_of(unit_id))
        name = history.current_name(unit_id)
        wanted[unit_id] = (rows, name, full, label, *_chart_files(rows, name, full, label, cache))
    missing = [w for w in wanted.values() if not (w[4].is_file() and w[5].is_file())]
    if missing:
        with process_pool(min(workers, len(missing))) as pool:
            list(pool.map(_draw_into_cache, *zip(*missing, strict=True), chunksize=8))
    found = {}
    for unit_id, (*_, svg, text) in wanted.items():
        caption, alt = text.read_text(encoding="utf-8").split("\n", 1)
        found[unit_id] = Chart("history", svg.read_bytes(), alt, caption)
    return found


def write_pages(history: History, book: Path, assets: Path, chart_cache: Path, workers: int) -> None:
    """Write the generated pages into the book, and the unit charts they show into ``assets``."""
    drawn = unit_charts(history, chart_cache, workers)
    (book / "units").mkdir(parents=True, exist_ok=True)
    for unit_id, chart in drawn.items():
        (book / f"{links.unit_page(unit_id)}.md").write_text(units.unit_page(history, unit_id, chart), "utf-8")
        target = assets / units.chart_path(unit_id)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(chart.svg)
    (book / f"{links.UNIT_INDEX}.md").write_text(units.unit_index(history), encoding="utf-8")
    (book / f"{links.DOWNLOADS}.md").write_text(info.downloads_page(history), encoding="utf-8")
    (book / f"{links.CORRECTIONS}.md").write_text(info.corrections_page(history), encoding="utf-8")
    (book / f"{links.SEARCH}.md").write_text(search.search_page(history), encoding="utf-8")
    (book / f"{links.FAQ}.md").write_text(faq.faq_page(history), encoding="utf-8")
    (book / f"{links.SITE_MAP}.md").write_text(site_map.site_map_page(history), encoding="utf-8")


def write_downloads(history: History, assets: Path, *, base_url: str, site_name: str) -> None:
    """Write the files no page is made from (the open data and the feed) into ``assets``: the
    build writes them while Sphinx runs, when the notebooks no longer want the processor."""
    assets.mkdir(parents=True, exist_ok=True)
    (assets / feed.FEED).write_text(feed.atom_feed(history, base_url, site_name), encoding="utf-8")
    opendata.write(history, assets / "data")
