"""Charts for a quarter page, drawn in a CJK font shipped by a pinned Python package.

A label the font cannot draw raises instead of silently becoming a box: see :func:`render_png`.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from importlib import resources

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib import font_manager

from . import schema

FONT_FILE = "NotoSansCJKsc-Regular.otf"
FONT_FAMILY = "Noto Sans CJK SC"
# Okabe–Ito colours: distinguishable with the common colour-vision deficiencies (no red/green pair).
KIND_COLOURS = {schema.TOWN: "#E69F00", schema.DEPARTMENT: "#0072B2"}
PROBLEM_COLOURS = {"extended": "#56B4E9", "redone": "#E69F00", "overdue": "#000000"}
MISMATCH_COLOUR = "#CC79A7"
DPI = 110
WIDTH_IN = 8.0


@dataclass(frozen=True)
class Chart:
    name: str  # file stem, e.g. work-orders
    png: bytes
    alt: str  # what the chart shows, for readers who cannot see it
    caption: str


def font_path() -> str:
    return str(resources.files("mplfonts") / "fonts" / FONT_FILE)


def use_cjk_font() -> None:
    """Register the bundled Noto Sans CJK SC and make it the default; no system font is consulted."""
    if FONT_FAMILY not in {f.name for f in font_manager.fontManager.ttflist}:
        font_manager.fontManager.addfont(font_path())
    matplotlib.rcParams.update(
        {
            "font.family": "sans-serif",
            "font.sans-serif": [FONT_FAMILY],
            "axes.unicode_minus": False,
            "svg.hashsalt": "hotline",
            "figure.dpi": DPI,
        }
    )


def render_png(figure) -> bytes:
    """PNG bytes of a figure, failing on any glyph the font lacks; byte-identical between runs."""
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=r".*[Gg]lyph .* missing from")
        figure.savefig(buffer, format="png", dpi=DPI, bbox_inches="tight", metadata={"Software": None})
    plt.close(figure)
    return buffer.getvalue()


def _label(row) -> str:
    return f"{row.unit}（{row.parent}）" if row.parent else row.unit


def _bar_height(rows: int) -> float:
    return max(3.0, 0.24 * rows + 1.2)


def work_orders_by_unit(units: pd.DataFrame, quarter_zh: str) -> Chart:
    """Every unit and sub-unit by its own work orders, largest first, coloured by kind."""
    use_cjk_font()
    ordered = units.sort_values("work_orders", ascending=True, kind="stable")
    figure, axes = plt.subplots(figsize=(WIDTH_IN, _bar_height(len(ordered))))
    bars = axes.barh(
        [_label(r) for r in ordered.itertuples()],
        ordered["work_orders"],
        color=[KIND_COLOURS[k] for k in ordered["kind"]],
    )
    axes.bar_label(bars, padding=2, fontsize=8)
    axes.set_xlabel(schema.WORK_ORDERS.zh + "（件）")
    axes.set_title(f"{quarter_zh}各单位承办工单量")
    axes.tick_params(axis="y", labelsize=8)
    axes.margins(y=0.005)
    handles = [plt.Rectangle((0, 0), 1, 1, color=c) for c in KIND_COLOURS.values()]
    axes.legend(handles, [schema.KIND_ZH[k] for k in KIND_COLOURS], loc="lower right")
    axes.spines[["top", "right"]].set_visible(False)
    top = units.sort_values("work_orders", ascending=False, kind="stable").head(3)
    leaders = "、".join(f"{r.unit}{r.work_orders}件" for r in top.itertuples())
    alt = (
        f"横向条形图：{quarter_zh}{len(units)}个单位（含下属单位，括号内为上级部门）的承办工单量，"
        f"从多到少排列，镇办与部门用不同颜色区分。最多的是{leaders}。"
    )
    return Chart("work-orders", render_png(figure), alt, "各单位承办工单量（下属单位单列，括号内为上级部门）")


def composite_scores(ranking: pd.DataFrame, quarter_zh: str) -> Chart:
    """Rule scores of every scored unit in ranking order, with the 100-point line and mismatches marked."""
    use_cjk_font()
    ordered = ranking.iloc[::-1]
    figure, axes = plt.subplots(figsize=(WIDTH_IN, _bar_height(len(ordered))))
    mismatch = ordered["published_score"].notna() & (ordered["published_score"] != ordered["composite_score"])
    colours = [MISMATCH_COLOUR if m else KIND_COLOURS[k] for k, m in zip(ordered["kind"], mismatch, strict=True)]
    labels = [f"{u}（{schema.KIND_ZH[k]}）" for u, k in zip(ordered["unit"], ordered["kind"], strict=True)]
    low = min(ordered["composite_score"].min(), ordered["published_score"].min())
    floor = max(0.0, (low // 5) * 5 - 5)
    bars = axes.barh(labels, ordered["composite_score"] - floor, left=floor, color=colours)
    axes.bar_label(bars, labels=[f"{s:g}" for s in ordered["composite_score"]], padding=2, fontsize=8)
    axes.axvline(100, color="#444444", linestyle="--", linewidth=1)
    axes.text(100, len(ordered) - 0.3, " 满分100", fontsize=8, va="bottom", color="#444444")
    axes.set_xlim(floor, 103)
    axes.set_xlabel("综合得分（按计分规则）")
    axes.set_title(f"{quarter_zh}综合得分（按排名顺序）")
    axes.tick_params(axis="y", labelsize=8)
    axes.margins(y=0.005)
    axes.spines[["top", "right"]].set_visible(False)
    entries = [schema.KIND_ZH[k] for k in KIND_COLOURS]
    handles = [plt.Rectangle((0, 0), 1, 1, color=c) for c in KIND_COLOURS.values()]
    if mismatch.any():
        entries.append("与通报公布得分不一致")
        handles.append(plt.Rectangle((0, 0), 1, 1, color=MISMATCH_COLOUR))
    axes.legend(handles, entries, loc="upper center", bbox_to_anchor=(0.5, -0.06), ncol=3, fontsize=9, frameon=False)
    below = ranking[ranking["composite_score"] < 100]
    alt = (
        f"横向条形图：{quarter_zh}{len(ranking)}个参与考评单位按计分规则算出的综合得分，按排名顺序排列，"
        f"虚线为满分100分。{len(below)}个单位低于100分，最低的是"
        f"{below.iloc[-1]['unit'] if len(below) else '—'}（{below['composite_score'].min():g}分）。"
        + (f"与通报公布得分不一致的单位：{'、'.join(ordered.loc[mismatch, 'unit'][::-1])}。" if mismatch.any() else "")
    )
    return Chart("composite-scores", render_png(figure), alt, "综合得分（虚线为满分100分）")


def problems_by_unit(units: pd.DataFrame, quarter_zh: str) -> Chart:
    """延期、重办、逾期 for every unit that has any, as stacked bars."""
    use_cjk_font()
    keys = [schema.EXTENDED.key, schema.REDONE.key, schema.OVERDUE.key]
    affected = units[units[keys].sum(axis=1) > 0].copy()
    affected["_total"] = affected[keys].sum(axis=1)
    affected = affected.sort_values("_total", ascending=True, kind="stable")
    figure, axes = plt.subplots(figsize=(WIDTH_IN, _bar_height(max(len(affected), 4))))
    labels = [_label(r) for r in affected.itertuples()]
    left = pd.Series(0, index=affected.index)
    for key in keys:
        axes.barh(labels, affected[key], left=left, color=PROBLEM_COLOURS[key], label=schema.zh(key))
        left = left + affected[key]
    axes.set_xlabel("工单数（件）")
    axes.xaxis.get_major_locator().set_params(integer=True)
    axes.set_title(f"{quarter_zh}延期、重办、逾期工单（按单位）")
    axes.legend(loc="lower right")
    axes.spines[["top", "right"]].set_visible(False)
    totals = {schema.zh(k): int(units[k].sum()) for k in keys}
    alt = (
        f"堆叠条形图：{quarter_zh}有延期、重办或逾期工单的{len(affected)}个单位，每个单位的延期量、重办量、逾期量。"
        f"附件合计：" + "，".join(f"{k}{v}件" for k, v in totals.items()) + "。"
    )
    return Chart("problems", render_png(figure), alt, "有延期、重办、逾期工单的单位（附件表格数字）")
