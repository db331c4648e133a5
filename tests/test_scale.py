"""What keeps the site readable and the build fast with many units and quarters."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from bs4 import BeautifulSoup

from hotline.data import schema
from hotline.examples import generate as examples
from hotline.pages import charts
from hotline.rules.history import History

from .conftest import FULL, LABELS, shared


def _large(folder):
    made = examples.generate_benchmark(folder / "data", quarters=14, units=300)
    history = History.build(folder / "data")
    return history, history.result(str(made[-1]))


@pytest.fixture(scope="session")
def large(tmp_path_factory, worker_id):
    """14 generated quarters of 300 units, the size of a city rather than a county (made once for
    both test workers)."""
    return shared(tmp_path_factory, worker_id, "large", _large)


def _height(chart: charts.Chart) -> int:
    return chart.size[1]


@pytest.fixture(scope="session")
def large_quarter_charts(large, tmp_path_factory, worker_id):
    _, quarter = large

    def draw(folder):
        return [
            charts.work_orders_by_unit(quarter.units, quarter.id.zh, LABELS),
            charts.composite_scores(quarter.ranking, quarter.id.zh, FULL, LABELS),
            charts.problems_by_unit(quarter.units, quarter.id.zh),
        ]

    return shared(tmp_path_factory, worker_id, "large-quarter-charts", draw)


def test_quarter_charts_of_many_units_show_sixty_and_say_so(large, large_quarter_charts):
    _, quarter = large
    drawn = large_quarter_charts
    tallest = (0.3 * charts.MAX_BARS + 1.4) * 96
    for chart in drawn:
        assert _height(chart) <= tallest
    assert "共300个单位，图中为工单量最多的60个，全部见表格" in drawn[0].caption
    assert "排名最后的60个" in drawn[1].caption and "排名最后的60个" in drawn[1].alt
    largest = quarter.units.sort_values("work_orders", ascending=False).iloc[0]
    assert f"{largest['unit']}{largest['work_orders']}件" in drawn[0].alt


def test_the_real_quarter_charts_show_every_unit(q1_result):
    chart = charts.work_orders_by_unit(q1_result.units, q1_result.id.zh, LABELS)
    assert "共" not in chart.caption
    assert f"{len(q1_result.units)}个单位" in chart.alt


def test_heatmap_over_many_quarters_shows_the_latest_twelve_and_the_lowest_units(large):
    history, _ = large
    matrix = history.score_matrix()
    assert matrix.shape[1] == 14 and len(matrix) > charts.MAX_BARS
    chart = charts.score_heatmap(matrix, [], FULL)
    assert chart.caption.startswith("各单位最近12个季度综合得分")
    assert f"图中为平均得分最低的{charts.MAX_BARS}个" in chart.caption
    assert "在12个季度（列）" in chart.alt


def test_trend_chart_of_many_quarters_stays_one_screen_high(large):
    history, _ = large
    from hotline.pages.comparison import TREND_LABELS

    chart = charts.headline_trends(history.headline(), TREND_LABELS)
    assert _height(chart) < 800


def test_unit_history_of_one_quarter_is_not_one_wide_bar():
    rows = pd.DataFrame({"quarter": ["2024Q1"], "work_orders": [81], "composite_score": [100.0]})
    chart = charts.unit_history(rows, "城关街道办", FULL)
    colour = charts.KIND_COLOURS[schema.TOWN].lower()
    bar = next(p for p in BeautifulSoup(chart.svg, "xml").find_all("path") if f"fill: {colour}" in p.get("style", ""))
    xs = [float(x) for x in re.findall(r"([\d.]+) [\d.]+", bar["d"])]
    assert max(xs) - min(xs) < chart.size[0] * 3 / 4 / 4  # in points: under a quarter of the width


@pytest.mark.parametrize("count", [charts.MAX_VALUE_LABELS + 1, 40])
def test_many_quarter_bars_drawn_as_one_collection_look_as_bars_do(count):
    """A long history's bars are one collection (for speed): drawn, they are the bars, pixel for pixel."""
    import matplotlib.pyplot as plt

    values = [(n * 37) % 90 + 5 for n in range(count)]
    colour = charts.KIND_COLOURS[schema.TOWN]

    def pixels(draw, *, scaled=False):
        figure, axis = plt.subplots(figsize=(6, 2), dpi=100)
        draw(axis)
        axis.set_xlim(-0.5, count - 0.5)
        if scaled:  # the axis scaled to the bars, as matplotlib does: from 0, like axis.bar's
            axis.autoscale_view()
        else:
            axis.set_ylim(0, 100)
        figure.canvas.draw()
        image = bytes(figure.canvas.buffer_rgba())
        plt.close(figure)
        return image

    expected = pixels(lambda axis: axis.bar(range(count), values, color=colour, width=0.5))
    assert pixels(lambda axis: charts._quarter_bars(axis, list(range(count)), values, colour)) == expected
    assert (
        pixels(lambda axis: charts._quarter_bars(axis, list(range(count)), [v + 1 for v in values], colour)) != expected
    )
    bars = pixels(lambda axis: axis.bar(range(count), values, color=colour, width=0.5), scaled=True)
    assert pixels(lambda axis: charts._quarter_bars(axis, list(range(count)), values, colour), scaled=True) == bars


def test_a_sixty_bar_chart_weighs_well_under_a_hundred_kilobytes(large_quarter_charts):
    """Three of them and the page stay within what a phone on a slow network loads quickly."""
    for chart in large_quarter_charts:
        assert len(chart.svg) < 100_000, (chart.name, len(chart.svg))
