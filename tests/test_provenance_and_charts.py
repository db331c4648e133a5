import matplotlib.pyplot as plt
import pytest

from hotline.data import provenance
from hotline.data.loading import quarters_dir
from hotline.pages import charts, circular
from hotline.rules import reconcile

from .conftest import DATA


def test_every_quarter_file_matches_its_recorded_checksum():
    for folder in quarters_dir(DATA).iterdir():
        record = provenance.verify(folder)
        assert set(record.checksums) == set(provenance.TRACKED_FILES)


def test_q1_provenance_names_the_circular(q1):
    record = provenance.read(q1.folder)
    assert record.document_number == q1.document.number
    assert record.document_date == q1.document.date


def test_chart_font_is_the_bundled_cjk_font():
    charts.use_cjk_font()
    from matplotlib import font_manager

    found = font_manager.findfont(font_manager.FontProperties(family=["sans-serif"]), fallback_to_default=False)
    assert found == charts.font_path()


def test_a_glyph_missing_from_the_font_fails_instead_of_drawing_a_box():
    charts.use_cjk_font()
    figure, axes = plt.subplots()
    axes.set_title("\U00013000")  # an Egyptian hieroglyph: not in Noto Sans CJK
    with pytest.raises(UserWarning, match="missing from"):
        charts.render_png(figure)


def test_charts_render_byte_identical_twice(q1):
    first = charts.problems_by_unit(q1.units, q1.id.zh).png
    assert charts.problems_by_unit(q1.units, q1.id.zh).png == first


def test_a_unit_name_with_markup_is_escaped(q1):
    from dataclasses import replace

    units = q1.units.copy()
    units.loc[units["unit"] == "市场局", "unit"] = "<script>alert(1)</script>"
    named = tuple(("<script>alert(1)</script>", n) if u == "市场局" else (u, n) for u, n in q1.published_top_volume)
    hostile = replace(
        q1,
        units=units,
        published_top_volume=named,
        published_best_units=tuple(
            "<script>alert(1)</script>" if u == "市场局" else u for u in q1.published_best_units
        ),
        headline=replace(q1.headline, outstanding=()),
    )
    checks = reconcile.reconcile(hostile)
    rendered = (
        circular.basic_situation(hostile, checks)
        + circular.discrepancy_summary(checks)
        + circular.attachment_table(hostile, "department")
        + "".join(circular.reconciliation_table(checks, g) for g in reconcile.GROUP_TITLES)
    )
    assert "<script>" not in rendered
    assert "&lt;script&gt;" in rendered
