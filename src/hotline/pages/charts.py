"""Charts for the site, laid out in a CJK font shipped by a pinned Python package.

- Charts are SVG: sharp on any screen, a few tens of kilobytes, their words real text. They are
  laid out about 480 CSS pixels wide with 11-point labels, so that on a 375-pixel phone, shown at
  about 70%, every label is still legible; on a desktop they show at their own size.
- Text is laid out with the bundled Noto Sans CJK SC and drawn by the reader's own Chinese font
  (any phone or office computer has one).
- A label the font cannot draw raises instead of silently becoming a box: see :func:`render`.
- Unit names are data: matplotlib's mathtext is switched off, so a ``$`` in a name is just a ``$``.
- Drawing is most of a page notebook's time. When the build says where (:func:`keep_drawn_in`), a
  chart drawn from exactly the same inputs by the same code is taken from there instead of drawn
  again: after a correction to one quarter, the comparison's heatmap of the latest quarters and
  its trends of published figures are usually the same charts as before.
"""

from __future__ import annotations

import functools
import hashlib
import io
import os
import pickle
import re
import warnings
from importlib import resources
from pathlib import Path

import matplotlib

if not os.environ.get("MPLBACKEND"):  # a Jupyter kernel sets its inline backend; elsewhere draw off-screen
    matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib import font_manager

from hotline.data import schema
from hotline.pages.figures import Chart, numbered  # noqa: F401  (the charts' type, and figure numbers)

FONT_FILE = "NotoSansCJKsc-Regular.otf"
FONT_FAMILY = "Noto Sans CJK SC"
# The reader's browser draws the words: the bundled font's name first, then common Chinese fonts.
FONT_STACK = "'Noto Sans CJK SC','Source Han Sans SC','PingFang SC','Microsoft YaHei','WenQuanYi Micro Hei',sans-serif"
# Okabe–Ito colours: distinguishable with the common colour-vision deficiencies (no red/green pair).
KIND_COLOURS = {schema.TOWN: "#E69F00", schema.DEPARTMENT: "#0072B2"}
PROBLEM_COLOURS = {"extended": "#56B4E9", "redone": "#E69F00", "overdue": "#000000"}
MISMATCH_COLOUR = "#CC79A7"
WIDTH_IN = 5.0  # 480 CSS pixels
LABEL_PT = 11  # unit names and values
SMALL_PT = 9.5  # ticks and legends
# A bar chart of more units than this is too tall to read (and slow to draw): it shows the units
# that matter most and says so; every unit is in the page's tables and on its own page.
MAX_BARS = 60
# Over more quarters than this a chart stops labelling every value (trends) or shows the latest
# ones only (heatmap); the comparison tables keep every quarter.
MAX_LABELLED_QUARTERS = 12


_kept: tuple[Path, str] | None = None  # where drawn charts are kept, and the key of the code


def keep_drawn_in(folder: str | None, code_key: str | None = None) -> None:
    """Keep the charts drawn from now on in ``folder`` (None: keep none), under the key of their
    inputs, of matplotlib's settings and of the code (``code_key``: the build's key of the package
    and its pinned dependencies, so any change to the drawing, the labels or matplotlib draws them
    again)."""
    global _kept
    if folder and not code_key:
        raise ValueError("keep_drawn_in needs the code's key")
    _kept = (Path(folder), code_key) if folder else None


def _keepable(draw):
    """A chart function whose chart is taken from the kept ones when its inputs are the same.

    A kept chart that cannot be read (cut short by a crash) is drawn again, and a chart that cannot
    be kept (a full disk) is still returned: the cache only ever saves time."""

    @functools.wraps(draw)
    def chart(*args, **kwargs):
        if _kept is None:
            return draw(*args, **kwargs)
        folder, code_key = _kept
        use_cjk_font()  # as the drawing will: then the settings below are the ones it draws with
        settings = repr(sorted(matplotlib.rcParams.items()))  # a notebook may have changed a style
        inputs = pickle.dumps((args, sorted(kwargs.items())), protocol=pickle.HIGHEST_PROTOCOL)
        key = hashlib.sha256(f"{code_key}\0{draw.__module__}.{draw.__qualname__}\0{settings}\0".encode() + inputs)
        path = folder / f"{key.hexdigest()}.pickle"
        try:
            return pickle.loads(path.read_bytes())
        except Exception:  # not kept yet, or not whole: drawn again
            pass
        drawn = draw(*args, **kwargs)
        part = path.with_name(f"{path.name}.{os.getpid()}.part")  # whole or absent, never half
        try:
            folder.mkdir(parents=True, exist_ok=True)
            part.write_bytes(pickle.dumps(drawn, protocol=pickle.HIGHEST_PROTOCOL))
            os.replace(part, path)
        except OSError:
            part.unlink(missing_ok=True)
        return drawn

    return chart


def font_path() -> str:
    return str(resources.files("mplfonts") / "fonts" / FONT_FILE)


def use_cjk_font() -> None:
    """Register the bundled Noto Sans CJK SC and make it the default; no system font is consulted.

    A system copy of Noto CJK (Debian's fonts-noto-cjk, which Chromium needs) has the same family
    name; it is dropped from matplotlib's list so the charts are the same on every machine."""
    manager, bundled = font_manager.fontManager, font_path()
    same_name = [f.fname for f in manager.ttflist if f.name == FONT_FAMILY]
    if same_name != [bundled]:
        manager.ttflist = [f for f in manager.ttflist if f.name != FONT_FAMILY]
        manager.addfont(bundled)  # also clears findfont's cache
    matplotlib.rcParams.update(
        {
            "font.family": "sans-serif",
            "font.sans-serif": [FONT_FAMILY],
            "font.size": SMALL_PT,
            "axes.unicode_minus": False,
            "svg.hashsalt": "hotline",
            "svg.fonttype": "none",
            "text.parse_math": False,
        }
    )


def render(figure, laid_out: bool = True) -> bytes:
    """SVG bytes of a figure, failing on any glyph the font lacks; byte-identical between runs.

    Charts are laid out by matplotlib's constrained layout at their fixed width (long unit names
    narrow the plot, never widen the chart), so they are saved as they are (``laid_out``)."""
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=r".*[Gg]lyph .* missing from")
        figure.savefig(
            buffer, format="svg", bbox_inches=None if laid_out else "tight", metadata={"Date": None, "Creator": None}
        )
    plt.close(figure)
    svg = buffer.getvalue().decode("utf-8")
    svg = re.sub(r"font-family: [^;\"]+", f"font-family: {FONT_STACK}", svg)
    return svg.encode("utf-8")


def _label(row) -> str:
    return f"{row.unit}（{row.parent}）" if row.parent else row.unit


def _bar_height(rows: int) -> float:
    return max(3.0, 0.3 * rows + 1.4)


def _name_some_quarters(axis, quarters: list[str]) -> None:
    """At most about six quarter names under an axis, evenly spaced, so they never overlap."""
    step = -(-len(quarters) // 6)
    axis.set_xticks(range(0, len(quarters), step), quarters[::step])


def _shown(total: int, which: str) -> str:
    """What a capped chart leaves out, for its title, caption and alt text ("" when nothing is)."""
    return f"（共{total}个单位，图中为{which}{MAX_BARS}个，全部见表格）" if total > MAX_BARS else ""


@_keepable
def work_orders_by_unit(units: pd.DataFrame, quarter_zh: str) -> Chart:
    """Every unit and sub-unit by its own work orders, largest first, coloured by kind."""
    use_cjk_font()
    largest = units.sort_values("work_orders", ascending=False, kind="stable").head(MAX_BARS)
    ordered = largest.iloc[::-1]
    shown = _shown(len(units), "工单量最多的")
    figure, axes = plt.subplots(figsize=(WIDTH_IN, _bar_height(len(ordered))), layout="constrained")
    bars = axes.barh(
        [_label(r) for r in ordered.itertuples()],
        ordered["work_orders"],
        color=[KIND_COLOURS[k] for k in ordered["kind"]],
    )
    axes.bar_label(bars, padding=2, fontsize=SMALL_PT)
    axes.set_xlabel(schema.WORK_ORDERS.zh + "（件）")
    axes.set_title(f"{quarter_zh}各单位承办工单量" + (f"（工单量最多的{MAX_BARS}个）" if shown else ""))
    axes.tick_params(axis="y", labelsize=LABEL_PT)
    axes.margins(y=0.005)
    handles = [plt.Rectangle((0, 0), 1, 1, color=c) for c in KIND_COLOURS.values()]
    axes.legend(handles, [schema.KIND_ZH[k] for k in KIND_COLOURS], loc="lower right")
    axes.spines[["top", "right"]].set_visible(False)
    top = units.sort_values("work_orders", ascending=False, kind="stable").head(3)
    leaders = "、".join(f"{r.unit}{r.work_orders}件" for r in top.itertuples())
    alt = (
        f"横向条形图：{quarter_zh}{len(units)}个单位（含下属单位，括号内为上级部门）的承办工单量，"
        f"从多到少排列，镇办与部门用不同颜色区分。最多的是{leaders}。{shown}"
    )
    caption = f"各单位承办工单量（下属单位单列，括号内为上级部门）{shown}"
    return Chart("work-orders", render(figure), alt, caption)


@_keepable
def composite_scores(ranking: pd.DataFrame, quarter_zh: str) -> Chart:
    """Rule scores of every scored unit in ranking order, as dots on a labelled scale (a dot has no
    baseline to cut, as a bar would), with the 100-point line and published mismatches marked."""
    use_cjk_font()
    ordered = ranking.tail(MAX_BARS).iloc[::-1]
    shown = _shown(len(ranking), "排名最后的")
    figure, axes = plt.subplots(figsize=(WIDTH_IN, _bar_height(len(ordered))), layout="constrained")
    differs = ~ranking["score_agrees"]  # decided once, by the scoring rule
    mismatch = differs.loc[ordered.index]
    colours = [MISMATCH_COLOUR if m else KIND_COLOURS[k] for k, m in zip(ordered["kind"], mismatch, strict=True)]
    labels = [f"{u}（{schema.KIND_ZH[k]}）" for u, k in zip(ordered["unit"], ordered["kind"], strict=True)]
    low = min(ordered["composite_score"].min(), ordered["published_score"].min())
    floor = max(0.0, (low // 5) * 5 - 5)
    positions = range(len(ordered))
    axes.hlines(positions, floor, ordered["composite_score"], color="#dddddd", linewidth=1)
    axes.scatter(ordered["composite_score"], positions, color=colours, s=28, zorder=3)
    for y, score in zip(positions, ordered["composite_score"], strict=True):
        axes.annotate(f"{score:g}", (score, y), textcoords="offset points", xytext=(5, -3), fontsize=SMALL_PT)
    axes.set_yticks(list(positions), labels)
    axes.axvline(100, color="#444444", linestyle="--", linewidth=1)
    axes.text(100, len(ordered) - 0.3, " 满分100", fontsize=SMALL_PT, va="bottom", color="#444444")
    axes.set_xlim(floor, 104)
    axes.set_ylim(-0.7, len(ordered) - 0.3)
    axes.set_xlabel(f"综合得分（按计分规则；横轴从{floor:g}分起）")
    axes.set_title(f"{quarter_zh}综合得分（按排名顺序" + (f"，排名最后的{MAX_BARS}个）" if shown else "）"))
    axes.tick_params(axis="y", labelsize=LABEL_PT)
    axes.spines[["top", "right"]].set_visible(False)
    entries = [schema.KIND_ZH[k] for k in KIND_COLOURS]
    handles = [plt.Line2D([], [], marker="o", linestyle="", color=c) for c in KIND_COLOURS.values()]
    if mismatch.any():
        entries.append("与通报公布得分不一致")
        handles.append(plt.Line2D([], [], marker="o", linestyle="", color=MISMATCH_COLOUR))
    axes.legend(
        handles, entries, loc="upper center", bbox_to_anchor=(0.5, -0.04), ncol=2, fontsize=SMALL_PT, frameon=False
    )
    below = ranking[ranking["composite_score"] < 100]
    alt = (
        f"点图：{quarter_zh}{len(ranking)}个参与考评单位按计分规则算出的综合得分，按排名顺序排列，"
        f"虚线为满分100分。{len(below)}个单位低于100分，最低的是"
        f"{below.iloc[-1]['unit'] if len(below) else '—'}（{below['composite_score'].min():g}分）。"
        + (f"与通报公布得分不一致的单位：{'、'.join(ranking.loc[differs, 'unit'])}。" if differs.any() else "")
        + shown
    )
    caption = f"各单位综合得分（按计分规则；虚线为满分100分，粉色点为与通报公布得分不一致的单位）{shown}"
    return Chart("composite-scores", render(figure), alt, caption)


@_keepable
def problems_by_unit(units: pd.DataFrame, quarter_zh: str) -> Chart:
    """延期、重办、逾期 for every unit that has any, as stacked bars."""
    use_cjk_font()
    keys = [schema.EXTENDED.key, schema.REDONE.key, schema.OVERDUE.key]
    affected = units[units[keys].sum(axis=1) > 0].copy()
    affected["_total"] = affected[keys].sum(axis=1)
    count = len(affected)
    shown = _shown(count, "最多的")
    affected = affected.sort_values("_total", ascending=False, kind="stable").head(MAX_BARS).iloc[::-1]
    figure, axes = plt.subplots(figsize=(WIDTH_IN, _bar_height(max(len(affected), 4))), layout="constrained")
    labels = [_label(r) for r in affected.itertuples()]
    left = pd.Series(0, index=affected.index)
    for key in keys:
        axes.barh(labels, affected[key], left=left, color=PROBLEM_COLOURS[key], label=schema.zh(key))
        left = left + affected[key]
    axes.set_xlabel("工单数（件）")
    axes.xaxis.get_major_locator().set_params(integer=True)
    axes.set_title(f"{quarter_zh}延期、重办、逾期工单（按单位" + (f"，最多的{MAX_BARS}个）" if shown else "）"))
    axes.legend(loc="lower right")
    axes.spines[["top", "right"]].set_visible(False)
    totals = {schema.zh(k): int(units[k].sum()) for k in keys}
    alt = (
        f"堆叠条形图：{quarter_zh}有延期、重办或逾期工单的{count}个单位，每个单位的延期量、重办量、逾期量。"
        f"附件合计：" + "，".join(f"{k}{v}件" for k, v in totals.items()) + f"。{shown}"
    )
    return Chart("problems", render(figure), alt, f"有延期、重办、逾期工单的单位（附件表格数字）{shown}")


def _honest_limits(axis, key: str, values: pd.Series) -> None:
    """Axes that do not magnify noise: counts from zero, rates on at least a ten-point scale up to
    100, changes around zero; every point is also labelled with its value."""
    present = values.dropna()
    if key.endswith("_pct"):
        low = min(90.0, (present.min() // 5) * 5 if len(present) else 90.0)
        axis.set_ylim(low, 100.5)
    elif key.endswith("_pts"):
        reach = max(5.0, float(present.abs().max()) * 1.3 if len(present) else 5.0)
        axis.set_ylim(-reach, reach)
        axis.axhline(0, color="#777777", linewidth=0.8)
    else:
        axis.set_ylim(0, max(1.0, float(present.max()) * 1.25 if len(present) else 1.0))


@_keepable
def headline_trends(headline: pd.DataFrame, labels: dict[str, str]) -> Chart:
    """Small multiples of the headline figures by quarter, one panel per figure, on honest scales."""
    use_cjk_font()
    keys = [k for k in labels if headline[k].notna().any()]
    columns = 2
    rows = -(-len(keys) // columns)
    figure, axes = plt.subplots(rows, columns, figsize=(WIDTH_IN, 2.3 * rows), squeeze=False, layout="constrained")
    quarters = headline["quarter"].tolist()
    example = headline["example"].astype(bool).tolist() if "example" in headline else [False] * len(headline)
    labelled = len(quarters) <= MAX_LABELLED_QUARTERS
    for axis, key in zip(axes.flat, keys, strict=False):
        values = headline[key]
        axis.plot(quarters, values, color=KIND_COLOURS[schema.DEPARTMENT], marker="o" if labelled else ".")
        for x, y, is_example in zip(quarters, values, example, strict=True):
            if labelled and pd.notna(y):
                axis.annotate(
                    f"{y:g}", (x, y), textcoords="offset points", xytext=(0, 5), ha="center", fontsize=SMALL_PT
                )
            if is_example:
                axis.plot([x], [y], marker="o", color="white", markeredgecolor=KIND_COLOURS[schema.DEPARTMENT])
        axis.set_title(labels[key], fontsize=LABEL_PT)
        _name_some_quarters(axis, quarters)
        axis.tick_params(labelsize=SMALL_PT)
        _honest_limits(axis, key, values)
        if len(quarters) < 3:
            axis.set_xlim(-0.8, len(quarters) - 0.2)
        axis.spines[["top", "right"]].set_visible(False)
    for axis in list(axes.flat)[len(keys) :]:
        axis.set_visible(False)
    note = "（空心点为示例数据）" if any(example) else ""
    figure.suptitle(f"各季度主要数字（通报公布）{note}", fontsize=LABEL_PT + 1)
    latest = headline.iloc[-1]
    alt = f"折线图：{headline['quarter'].iloc[0]}至{latest['quarter']}各季度的" + "、".join(labels[k] for k in keys)
    alt += f"。最近一季度受理{latest['received']:g}件，办结率{latest['completion_rate_pct']:g}%。{note}"
    caption = "各季度主要数字（通报公布数）：件数从0起，办结率的纵轴至少跨10个百分点，每个点标有数值"
    return Chart("headline-trends", render(figure), alt, caption)


@_keepable
def score_heatmap(matrix: pd.DataFrame, example_quarters: list[str]) -> Chart:
    """Unit × quarter grid of rule scores; darker is lower, blank where the unit was not scored.

    ``matrix``: rows named by the units' current names, columns by quarter ids."""
    use_cjk_font()
    cut = matrix.shape[1] > MAX_LABELLED_QUARTERS
    if cut:
        matrix = matrix.iloc[:, -MAX_LABELLED_QUARTERS:]
        matrix = matrix[matrix.notna().any(axis=1)]
    total = len(matrix)
    shown = _shown(total, "平均得分最低的")
    if shown:
        lowest = matrix.mean(axis=1).sort_values(kind="stable").index[:MAX_BARS]
        matrix = matrix[matrix.index.isin(lowest)]
    figure, axes = plt.subplots(figsize=(WIDTH_IN, _bar_height(len(matrix))), layout="constrained")
    low = max(0.0, (min(matrix.min(numeric_only=True).min(), 100) // 5) * 5)
    image = axes.imshow(matrix.to_numpy(dtype=float), aspect="auto", cmap="cividis", vmin=low, vmax=100)
    axes.set_yticks(range(len(matrix)), matrix.index, fontsize=SMALL_PT)
    labels = [f"{q}\n（示例）" if q in example_quarters else q for q in matrix.columns]
    axes.set_xticks(range(len(matrix.columns)), labels, fontsize=SMALL_PT - 1.5)
    axes.xaxis.tick_top()
    for (row, column), value in pd.DataFrame(matrix.to_numpy()).stack().items():
        colour = "black" if value > (low + 100) / 2 else "white"
        label = axes.text(column, row, f"{value:g}", ha="center", va="center", fontsize=SMALL_PT - 1.5, color=colour)
        label.set_in_layout(False)  # inside its cell, so inside the plot: laying out hundreds of them changed nothing
    figure.colorbar(image, ax=axes, fraction=0.03, pad=0.02, label="综合得分（按规则）")
    latest = f"最近{MAX_LABELLED_QUARTERS}个季度" if cut else "各季度"
    lowest = f"，平均得分最低的{MAX_BARS}个单位" if shown else ""
    axes.set_title(f"各单位{latest}综合得分{lowest}", pad=28)
    below = int((matrix < 100).sum().sum())
    alt = (
        f"热力图：{len(matrix)}个参与考评单位（行）在{len(matrix.columns)}个季度（列）按计分规则的综合得分，"
        f"颜色越深得分越低，空白表示该季度未参与考评。图中共有{below}个单位季度得分低于100分。{shown}"
    )
    caption = f"各单位{latest}综合得分（空白：该季度未参与考评）{shown}"
    return Chart("score-heatmap", render(figure), alt, caption)


def unit_history(rows: pd.DataFrame, name: str) -> Chart:
    """One unit over time: work orders as bars, rule score as a line (when scored)."""
    use_cjk_font()
    figure, bars_axis = plt.subplots(figsize=(WIDTH_IN, 2.8), layout="constrained")
    quarters = rows["quarter"].tolist()
    bars = bars_axis.bar(quarters, rows["work_orders"], color=KIND_COLOURS[schema.TOWN], width=0.5, label="承办工单量")
    labelled = len(quarters) <= MAX_LABELLED_QUARTERS
    if labelled:
        bars_axis.bar_label(bars, fontsize=SMALL_PT)
    _name_some_quarters(bars_axis, quarters)
    pad = max(0.0, (4 - len(quarters)) / 2)  # one or two quarters: bars as wide as with four
    bars_axis.set_xlim(-0.5 - pad, len(quarters) - 0.5 + pad)
    bars_axis.set_ylim(0, max(1, rows["work_orders"].max()) * 1.25)  # bar labels below the score line
    bars_axis.set_ylabel("承办工单量（件）", fontsize=SMALL_PT)
    bars_axis.tick_params(labelsize=SMALL_PT)
    bars_axis.spines[["top"]].set_visible(False)
    scored = rows["composite_score"].notna()
    if scored.any():
        score_axis = bars_axis.twinx()
        score_axis.plot(
            rows.loc[scored, "quarter"],
            rows.loc[scored, "composite_score"],
            color="#000000",
            marker="o" if labelled else ".",
            label="综合得分",
        )
        score_axis.set_ylim(min(80.0, rows["composite_score"].min() - 2), 101)
        score_axis.set_ylabel("综合得分", fontsize=SMALL_PT)
        score_axis.tick_params(labelsize=SMALL_PT)
    bars_axis.set_title(name, fontsize=LABEL_PT)
    alt = f"{name}各季度的承办工单量（柱）" + ("和综合得分（折线）" if scored.any() else "") + "："
    alt += "；".join(
        f"{r.quarter}工单{r.work_orders}件" + (f"、得分{r.composite_score:g}" if pd.notna(r.composite_score) else "")
        for r in rows.itertuples()
    )
    drawn = "承办工单量与综合得分" if scored.any() else "承办工单量（下属单位没有单独的综合得分）"
    return Chart("history", render(figure), alt, f"{name}各季度{drawn}")
