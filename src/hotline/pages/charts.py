"""Charts for the site, drawn for a phone first, laid out in a CJK font shipped by a pinned Python package.

- Charts are SVG: sharp on any screen, a few tens of kilobytes, their words real text. A page
  scales a chart to its column: 480 CSS pixels wide on a desktop, about 343 on a 375-pixel phone
  (71%). So every word and number is 13 points (17 CSS pixels at full size, 12.4 on that phone):
  nothing in a chart is smaller, and :data:`TEXT_PT` is the only text size.
- Phone-shaped: a bar chart gives each unit a line of text (its name at the left, its value at the
  right) above its bar, so long names never squeeze the bars into a corner; small multiples are one
  column; the heatmap puts at most four quarters side by side and more in panels one below another.
- A chart has no title of its own: its caption on the page says what it is (HTML wraps; a title
  drawn in the SVG was cut off on a phone). Whatever colour means is in a legend (or a colour bar),
  and every colour that means something has a contrast of at least 3:1 with the white background.
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

import matplotlib.patches
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib import font_manager, transforms
from matplotlib.collections import PolyCollection
from matplotlib.ticker import MaxNLocator

from hotline.data import schema
from hotline.format.model import score_basis
from hotline.pages.figures import Chart, numbered  # noqa: F401  (the charts' type, and figure numbers)
from hotline.rules import extremes, full_marks, totals

FONT_FILE = "NotoSansCJKsc-Regular.otf"
FONT_FAMILY = "Noto Sans CJK SC"
# The reader's browser draws the words: the bundled font's name first, then common Chinese fonts.
FONT_STACK = "'Noto Sans CJK SC','Source Han Sans SC','PingFang SC','Microsoft YaHei','WenQuanYi Micro Hei',sans-serif"
# Okabe–Ito colours, each at least 3:1 against white (graphics, WCAG 1.4.11) and told apart with
# the common colour-vision deficiencies (no red/green pair): vermillion 3.9:1, blue 5.2:1, black.
VERMILLION, BLUE, BLACK = "#D55E00", "#0072B2", "#000000"
KIND_COLOURS = {schema.TOWN: VERMILLION, schema.DEPARTMENT: BLUE}
PROBLEM_COLOURS = {"extended": BLUE, "redone": VERMILLION, "overdue": BLACK}
MISMATCH_COLOUR = "#AA3377"  # 6.1:1; drawn as a diamond, so it is not told by colour alone
SCORE_COLOUR = BLUE
GUIDE_COLOUR = "#C8C8C8"  # a light line from the axis to a dot: a guide, not information
STRIPE_COLOUR = "#F2F2F2"  # every other row of a bar chart: a guide, not information
RULE_COLOUR = "#555555"  # the full-marks line and the heatmap's frame: 7.5:1
WIDTH_IN = 5.0  # 480 CSS pixels: a page shows it at that width on a desktop, scaled down on a phone
TEXT_PT = 13.0  # every word and number: at 343/480 of 13 pt × 4/3, 12.4 CSS pixels on a 375-pixel phone
# A row of a bar chart, in points: a line of text (baseline 13 pt below the row's top), then the
# bar (6 pt high, just under the text's descenders), then about 2 pt to the next row's text; every
# other row on a light band. A name too long for its line (which it shares with the value) takes
# a further line of LINE_PT.
ROW_PT, BASELINE_PT, BAR_PT, LINE_PT = 22.0, 13.0, 6.0, 16.0
EDGE_PT = 4.0  # white margin around a chart
LEGEND_PT = 26.0  # a one-line legend above a chart
AXIS_PT = 22.0  # a line of tick labels
# A bar chart of more units than this is too tall to read (and slow to draw): it shows the units
# that matter most and says so; every unit is in the page's tables and on its own page.
MAX_BARS = 60
# Over more quarters than this a chart shows the latest ones only (heatmap); the comparison
# tables keep every quarter.
MAX_LABELLED_QUARTERS = 12
# A line chart labels each point with its value up to this many quarters (more would overlap on a
# phone), and only the latest point beyond.
MAX_VALUE_LABELS = 6
# At most this many quarter names under an axis, and quarters side by side in a heatmap panel.
MAX_QUARTER_NAMES = 5
HEATMAP_QUARTERS = 4
_ZH_NUMERAL = {"1": "一", "2": "二", "3": "三", "4": "四"}


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
            "font.size": TEXT_PT,
            "axes.unicode_minus": False,
            "svg.hashsalt": "hotline",
            "svg.fonttype": "none",
            "text.parse_math": False,
        }
    )


def render(figure, laid_out: bool = True) -> bytes:
    """SVG bytes of a figure, failing on any glyph the font lacks; byte-identical between runs.

    Charts are laid out at their fixed width (long unit names take more lines or narrow the plot,
    never widen the chart), so they are saved as they are (``laid_out``)."""
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=r".*[Gg]lyph .* missing from")
        figure.savefig(
            buffer, format="svg", bbox_inches=None if laid_out else "tight", metadata={"Date": None, "Creator": None}
        )
    plt.close(figure)
    svg = buffer.getvalue().decode("utf-8")
    # The font stack once, on the root (every text inherits it), rather than on each of hundreds of
    # texts; and no identity rotation on each text: a heatmap weighs about half as much.
    svg = re.sub(r"(; )?font-family: [^;\"]+(; )?", lambda m: "; " if m.group(1) and m.group(2) else "", svg)
    svg = re.sub(r' transform="rotate\(-?0 [-\d.e]+ [-\d.e]+\)"', "", svg)
    svg = svg.replace("<svg ", f'<svg font-family="{FONT_STACK}" ', 1)
    return svg.encode("utf-8")


# --- words: measured, wrapped, and quarters named as readers say them ------------------------------------


@functools.lru_cache(maxsize=8192)
def _width(line: str) -> float:
    """Width in points of one line at :data:`TEXT_PT`, as the bundled font lays it out."""
    from matplotlib.textpath import text_to_path

    properties = font_manager.FontProperties(fname=font_path(), size=TEXT_PT)
    width, _, _ = text_to_path.get_text_width_height_descent(line, properties, ismath=False)
    return width


def _wrap(text: str, room: float) -> list[str]:
    """``text`` as lines of at most ``room`` points: whole when it fits, else broken before its
    bracket (a parent unit's name) when that is enough, else into lines of about equal length
    (陕西省水务集团 / 白水有限公司, not 陕西省水务集团白水有限公 / 司)."""
    if _width(text) <= room:
        return [text]
    head, bracket, tail = text.partition("（")
    if head and bracket and _width(head) <= room and _width(bracket + tail) <= room:
        return [head, bracket + tail]
    count = 2
    while True:
        size = -(-len(text) // count)
        lines = [text[n : n + size] for n in range(0, len(text), size)]
        if all(_width(line) <= room for line in lines) or size == 1:
            return lines
        count += 1


def quarter_name(quarter: str, lines: int = 2) -> str:
    """A quarter as readers say it, 2024年一季度, on two lines under an axis (``2024Q1`` is a file
    name, not a word); an id of another form is shown as it is."""
    found = re.fullmatch(r"(\d{4})Q([1-4])", str(quarter))
    if not found:
        return str(quarter)
    return f"{found.group(1)}年{chr(10) if lines == 2 else ''}{_ZH_NUMERAL[found.group(2)]}季度"


def _name_some_quarters(axis, quarters: list[str]) -> None:
    """At most :data:`MAX_QUARTER_NAMES` quarter names under an axis, evenly spaced and the latest
    always named, so they never overlap on a phone."""
    step = -(-len(quarters) // MAX_QUARTER_NAMES)
    named = list(range(len(quarters) - 1, -1, -step))[::-1]
    axis.set_xticks(named, [quarter_name(quarters[n]) for n in named])
    for label in axis.get_xticklabels():
        label.set_linespacing(1.45)  # matplotlib sets Chinese lines solid, 1 em apart: too close to read


def _label(row) -> str:
    return f"{row.unit}（{row.parent}）" if row.parent else row.unit


def _shown(total: int, which: str) -> str:
    """What a capped chart leaves out, for its caption and alt text ("" when nothing is)."""
    return f"（共{total}个单位，图中为{which}{MAX_BARS}个，全部见表格）" if total > MAX_BARS else ""


def _legend(figure, handles, labels) -> None:
    """The legend in one line along the top of a figure laid out by :func:`_rows`."""
    width_pt, height_pt = figure.get_figwidth() * 72, figure.get_figheight() * 72
    figure.legend(
        handles,
        labels,
        loc="upper left",
        bbox_to_anchor=(EDGE_PT / width_pt, 1 - EDGE_PT / height_pt),
        ncol=len(labels),
        frameon=False,
        fontsize=TEXT_PT,
        borderaxespad=0,
        borderpad=0,
        handlelength=1.0,
        handleheight=0.8,
        handletextpad=0.4,
        columnspacing=1.2,
    )


def _rows(labels: list[str], values: list[str], top_pt: float, bottom_pt: float):
    """A figure of one row per unit, for a phone: a line of text with the unit's label at the left
    and its value at the right, and below it a band for its bar or dot, the full width of the chart.

    Laid out here, in points, rather than by constrained layout: every row is the same height
    whatever its label (a label too long to share its line takes two), and it is faster. Returns
    the figure, the axes (x: the data; y: points from the top of the first row) and the centre of
    each row's band. ``top_pt`` and ``bottom_pt`` are left for a legend and axes."""
    width_pt = WIDTH_IN * 72
    room = width_pt - 2 * EDGE_PT
    lines, bands, y = [], [], 0.0
    for label, value in zip(labels, values, strict=True):
        wrapped = _wrap(label, room - (_width(value) + TEXT_PT if value else 0))
        lines.append(wrapped)
        last_baseline = y + BASELINE_PT + LINE_PT * (len(wrapped) - 1)
        bands.append(last_baseline + 1 + TEXT_PT * 0.12 + BAR_PT / 2)  # under the last line's descenders
        y += ROW_PT + LINE_PT * (len(wrapped) - 1)
    y = max(y, ROW_PT) + 2  # the last row's dots clear the axis under them
    height_pt = top_pt + y + bottom_pt
    figure, axes = plt.subplots(figsize=(WIDTH_IN, height_pt / 72))
    axes.set_position((EDGE_PT / width_pt, bottom_pt / height_pt, room / width_pt, y / height_pt))
    axes.set_ylim(y, 0)
    axes.set_yticks([])
    axes.xaxis.set_visible(False)
    axes.spines[:].set_visible(False)
    along = transforms.blended_transform_factory(axes.transAxes, axes.transData)
    top = 0.0
    for n, (wrapped, value) in enumerate(zip(lines, values, strict=True)):
        height = ROW_PT + LINE_PT * (len(wrapped) - 1)
        if n % 2 == 0:  # every other row on a light band: a name, its value and its bar read as one
            axes.axhspan(top, top + height, color=STRIPE_COLOUR, linewidth=0, zorder=0)
        for k, line in enumerate(wrapped):
            axes.text(0.005, top + BASELINE_PT + LINE_PT * k, line, transform=along, va="baseline", ha="left")
        if value:
            axes.text(0.995, top + BASELINE_PT, value, transform=along, va="baseline", ha="right")
        top += height
    return figure, axes, bands


def _nothing(axes, sentence: str) -> None:
    """An empty chart says so in words."""
    axes.text(0, BASELINE_PT, sentence, transform=axes.get_yaxis_transform(), va="baseline", ha="left")


# --- a quarter's charts ---------------------------------------------------------------------------------


@_keepable
def work_orders_by_unit(
    units: pd.DataFrame, quarter_zh: str, groups: dict[str, str], *, work_orders: str = schema.WORK_ORDERS.zh
) -> Chart:
    """Every unit and sub-unit by its own work orders, largest first, coloured by kind (``groups``:
    each kind's label, as the format names it; ``work_orders``: that column's label there)."""
    use_cjk_font()
    largest = extremes.largest(units, "work_orders", MAX_BARS)
    shown = _shown(len(units), "工单量最多的")
    figure, axes, bands = _rows(
        [_label(r) for r in largest.itertuples()], [str(n) for n in largest["work_orders"]], LEGEND_PT, EDGE_PT
    )
    axes.barh(bands, largest["work_orders"], height=BAR_PT, color=[KIND_COLOURS[k] for k in largest["kind"]])
    axes.set_xlim(0, max(1, largest["work_orders"].max()))
    kinds = [k for k in KIND_COLOURS if k in set(largest["kind"])]
    _legend(figure, [plt.Rectangle((0, 0), 1, 1, color=KIND_COLOURS[k]) for k in kinds], [groups[k] for k in kinds])
    top = extremes.largest(units, "work_orders", 3)
    leaders = "、".join(f"{r.unit}{r.work_orders}件" for r in top.itertuples())
    alt = (
        f"横向条形图：{quarter_zh}{len(units)}个单位（含下属单位，括号内为上级部门）的{work_orders}，"
        f"从多到少排列，{'与'.join(groups[k] for k in groups)}用不同颜色区分。最多的是{leaders}。{shown}"
    )
    caption = f"{quarter_zh}各单位{work_orders}（件，从多到少；下属单位单列，括号内为上级部门）{shown}"
    return Chart("work-orders", render(figure), alt, caption)


def _score_ticks(floor: float, full: float) -> list[float]:
    """At most five scores on the axis, above the floor (a label there would stick out at the left)."""
    step = next(s for s in (1, 2, 5, 10, 20, 25, 50) if (full - floor) / s <= 5)
    return [float(t) for t in range(int(full), int(floor), -step)][::-1]


@_keepable
def composite_scores(
    ranking: pd.DataFrame, quarter_zh: str, full: float, groups: dict[str, str], *, published_only: bool = False
) -> Chart:
    """Rule scores of every scored unit in ranking order, as dots on a labelled scale (a dot has no
    baseline to cut, as a bar would), with full marks ``full`` (the format's) marked and published
    mismatches as diamonds. ``published_only``: the scores are the circular's, as the format takes them
    (then none can differ, and the words say whose they are)."""
    use_cjk_font()
    ordered = ranking.tail(MAX_BARS)
    shown = _shown(len(ranking), "排名最后的")
    differs = ~ranking["score_agrees"]  # decided once, by the scoring rule
    mismatch = differs.loc[ordered.index].to_numpy()
    scores, published = ordered["composite_score"].to_numpy(), ordered["published_score"].to_numpy()
    labels = [f"{u}（{groups[k]}）" for u, k in zip(ordered["unit"], ordered["kind"], strict=True)]
    values = [f"{s:g}" + (f"（通报{p:g}）" if m else "") for s, p, m in zip(scores, published, mismatch, strict=True)]
    top = (LEGEND_PT if mismatch.any() else EDGE_PT) + AXIS_PT
    figure, axes, bands = _rows(labels, values, top, AXIS_PT)
    low = min(ordered["composite_score"].min(), ordered["published_score"].min())
    floor = max(0.0, (low // 5) * 5 - 5)
    # Room right of full marks for half the tick label "满分100": (right − full) of
    # (right − floor) is that much of the width.
    top_label = f"满分{full:g}"
    half, width = _width(top_label) / 2 + EDGE_PT, WIDTH_IN * 72 - 2 * EDGE_PT
    axes.set_xlim(floor, max(full * 1.015, (full - half * floor / width) / (1 - half / width)))
    axes.hlines(bands, floor, scores, color=GUIDE_COLOUR, linewidth=1, zorder=1)
    axes.vlines(
        [full] * len(bands), [b - 4 for b in bands], [b + 4 for b in bands], color=RULE_COLOUR, linewidth=1, zorder=2
    )
    axes.scatter(
        scores[~mismatch],
        [b for b, m in zip(bands, mismatch, strict=True) if not m],
        color=SCORE_COLOUR,
        s=40,
        zorder=3,
    )
    axes.scatter(
        scores[mismatch],
        [b for b, m in zip(bands, mismatch, strict=True) if m],
        color=MISMATCH_COLOUR,
        marker="D",
        s=36,
        zorder=3,
    )
    ticks = _score_ticks(floor, full)
    axes.xaxis.set_visible(True)
    axes.set_xticks(ticks, [top_label if t == full else f"{t:g}" for t in ticks])
    axes.tick_params(axis="x", top=True, labeltop=True, labelsize=TEXT_PT, length=3, pad=2, color=RULE_COLOUR)
    axes.spines[["top", "bottom"]].set_visible(True)
    axes.spines[["top", "bottom"]].set_color(RULE_COLOUR)
    if mismatch.any():
        dot = {"linestyle": "", "markersize": 7}
        _legend(
            figure,
            [
                plt.Line2D([], [], marker="o", color=SCORE_COLOUR, **dot),
                plt.Line2D([], [], marker="D", color=MISMATCH_COLOUR, **dot),
            ],
            ["按计分规则的得分", "与通报公布得分不一致"],
        )
    below = full_marks.below(ranking, full)
    lowest = extremes.lowest(below, "composite_score")  # the unit named is the unit whose score is quoted
    names, score = "、".join(lowest["unit"]), lowest["composite_score"].min()
    standing = f"所有单位均为满分{full:g}分。"
    if len(below):
        standing = f"{len(below)}个单位低于{full:g}分，最低的是{names}（{score:g}分）。"
    made = "通报公布" if published_only else "按计分规则算出"
    alt = (
        f"点图：{quarter_zh}{len(ranking)}个参与考评单位{made}的综合得分，按排名顺序排列，"
        f"虚线为满分{full:g}分。{standing}"
        + (f"与通报公布得分不一致的单位：{'、'.join(ranking.loc[differs, 'unit'])}。" if differs.any() else "")
        + shown
    )
    mismatched = "；菱形为与通报公布得分不一致的单位，括号内为公布得分" if differs.any() else ""
    basis = score_basis(published_only)
    caption = f"{quarter_zh}各单位综合得分，按排名顺序（{basis}；竖虚线为满分{full:g}分{mismatched}）{shown}"
    return Chart("composite-scores", render(figure), alt, caption)


@_keepable
def problems_by_unit(units: pd.DataFrame, quarter_zh: str, labels: dict[str, str] | None = None) -> Chart:
    """延期、重办、逾期 for every unit that has any, as stacked bars."""
    use_cjk_font()
    keys = [schema.EXTENDED.key, schema.REDONE.key, schema.OVERDUE.key]
    affected = units[units[keys].sum(axis=1) > 0].copy()
    affected["_total"] = affected[keys].sum(axis=1)
    count = len(affected)
    shown = _shown(count, "最多的")
    affected = extremes.largest(affected, "_total", MAX_BARS)
    named = {k: (labels or {}).get(k) or schema.zh(k) for k in keys}  # the format's labels of the three columns
    values = ["，".join(f"{named[k][:2]}{r[k]}" for k in keys if r[k]) for _, r in affected.iterrows()]
    figure, axes, bands = _rows([_label(r) for r in affected.itertuples()], values, LEGEND_PT, EDGE_PT)
    left = pd.Series(0, index=affected.index)
    for key in keys:  # a white edge between the parts of a bar
        axes.barh(
            bands, affected[key], left=left, height=BAR_PT, color=PROBLEM_COLOURS[key], edgecolor="white", linewidth=0.8
        )
        left = left + affected[key]
    axes.set_xlim(0, max(1, affected["_total"].max() if count else 1))
    if not count:
        _nothing(axes, "本季度没有延期、重办、逾期工单")
    _legend(figure, [plt.Rectangle((0, 0), 1, 1, color=PROBLEM_COLOURS[k]) for k in keys], [named[k] for k in keys])
    sums = totals.attachment_sums(units)
    overall = {named[k]: totals.overall(sums, k) for k in keys}
    alt = (
        f"堆叠条形图：{quarter_zh}有延期、重办或逾期工单的{count}个单位，每个单位的{'、'.join(named.values())}。"
        f"附件合计：" + "，".join(f"{k}{v}件" for k, v in overall.items()) + f"。{shown}"
    )
    caption = f"{quarter_zh}有延期、重办、逾期工单的单位（件，附件表格数字，按合计从多到少）{shown}"
    return Chart("problems", render(figure), alt, caption)


# --- over the quarters ------------------------------------------------------------------------------------


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


def _label_point(axis, x: float, y: float, text: str, ha: str = "center") -> None:
    """A point's value above it, or below it when it is near the top of its panel."""
    low, high = axis.get_ylim()
    above = (y - low) / (high - low) < 0.6
    axis.annotate(
        text, (x, y), textcoords="offset points", xytext=(0, 6 if above else -6), ha=ha, va="bottom" if above else "top"
    )


@_keepable
def headline_trends(headline: pd.DataFrame, labels: dict[str, str]) -> Chart:
    """Small multiples of the headline figures by quarter, one panel per figure in one column (a
    phone is narrow), sharing the quarters' axis, on honest scales."""
    use_cjk_font()
    keys = [k for k in labels if headline[k].notna().any()]
    quarters = headline["quarter"].tolist()
    example = headline["example"].astype(bool).tolist() if "example" in headline else [False] * len(headline)
    height_pt = len(keys) * 86 + 40 + (LEGEND_PT if any(example) else 0)
    figure, axes = plt.subplots(
        len(keys), 1, figsize=(WIDTH_IN, height_pt / 72), sharex=True, squeeze=False, layout="constrained"
    )
    positions = list(range(len(quarters)))
    labelled = len(quarters) <= MAX_VALUE_LABELS
    for axis, key in zip(axes.flat, keys, strict=True):
        values = headline[key]
        _honest_limits(axis, key, values)
        axis.plot(positions, values, color=BLUE, marker="o" if len(quarters) <= MAX_LABELLED_QUARTERS else ".")
        for x, y, is_example in zip(positions, values, example, strict=True):
            if is_example and pd.notna(y):
                axis.plot([x], [y], marker="o", color="white", markeredgecolor=BLUE)
        shown = [(x, y) for x, y in zip(positions, values, strict=True) if pd.notna(y)]
        for x, y in shown if labelled else shown[-1:]:
            _label_point(axis, x, y, f"{y:g}", ha="center" if labelled else "right")
        axis.set_title(labels[key], loc="left", fontsize=TEXT_PT, pad=3)
        axis.yaxis.set_major_locator(MaxNLocator(nbins=3))
        axis.tick_params(labelsize=TEXT_PT, length=3, pad=2)
        axis.spines[["top", "right"]].set_visible(False)
    bottom = axes.flat[len(keys) - 1]
    _name_some_quarters(bottom, quarters)
    pad = max(0.0, (3 - len(quarters)) / 2)
    bottom.set_xlim(-0.5 - pad, len(quarters) - 0.5 + pad)
    note = "（空心点为示例数据）" if any(example) else ""
    if any(example):
        figure.legend(
            [
                plt.Line2D([], [], marker="o", color=BLUE),
                plt.Line2D([], [], marker="o", color=BLUE, markerfacecolor="white"),
            ],
            ["通报公布", "示例数据"],
            loc="outside upper left",
            ncol=2,
            frameon=False,
            fontsize=TEXT_PT,
        )
    latest = headline.iloc[-1]
    span = f"{quarter_name(quarters[0], 1)}至{quarter_name(quarters[-1], 1)}"
    alt = f"折线图：{span}各季度的" + "、".join(labels[k] for k in keys)
    alt += f"。最近一季度受理{latest['received']:g}件，办结率{latest['completion_rate_pct']:g}%。{note}"
    each = "每个点标有数值" if labelled else "最近一个季度标有数值"
    caption = f"各季度主要数字（通报公布数）：件数从0起，办结率的纵轴至少跨10个百分点，{each}"
    return Chart("headline-trends", render(figure), alt, caption)


@_keepable
def score_heatmap(
    matrix: pd.DataFrame, example_quarters: list[str], full: float, *, published_only: bool = False
) -> Chart:
    """Unit × quarter grid of rule scores; darker is lower, blank where the unit was not scored.
    At most four quarters side by side (a phone's width): more are panels one below another, the
    latest year whole. Laid out here, in points: a name too long for its column takes two lines
    and its row grows, and four columns of scores always fit.

    ``matrix``: rows named by the units' current names, columns by quarter ids."""
    use_cjk_font()
    basis = score_basis(published_only)  # whose scores
    cut = matrix.shape[1] > MAX_LABELLED_QUARTERS
    if cut:
        matrix = matrix.iloc[:, -MAX_LABELLED_QUARTERS:]
        matrix = matrix[matrix.notna().any(axis=1)]
    total = len(matrix)
    shown = _shown(total, "平均得分最低的")
    if shown:
        lowest = extremes.lowest_average(matrix, MAX_BARS)
        matrix = matrix[matrix.index.isin(lowest)]
    quarters = [str(q) for q in matrix.columns]
    ends = range(len(quarters), 0, -HEATMAP_QUARTERS)
    panels = [quarters[max(0, end - HEATMAP_QUARTERS) : end] for end in reversed(ends)]
    headers = {q: quarter_name(q).split("\n") + (["示例"] if q in example_quarters else []) for q in quarters}
    width_pt = WIDTH_IN * 72
    column_pt = max([_width("100.0"), *(_width(line) for lines in headers.values() for line in lines)]) + 6
    names_pt = width_pt - 2 * EDGE_PT - 6 - HEATMAP_QUARTERS * column_pt
    names = [_wrap(str(name), names_pt) for name in matrix.index]
    heights = [20.0 + LINE_PT * (len(lines) - 1) for lines in names]
    header_pt = LINE_PT * max(len(lines) for lines in headers.values()) + 4
    key_pt, gap_pt = 58.0, 14.0
    grid_pt = len(panels) * (header_pt + sum(heights)) + (len(panels) - 1) * gap_pt
    height_pt = key_pt + grid_pt + EDGE_PT + 1
    figure, axes = plt.subplots(figsize=(WIDTH_IN, height_pt / 72))
    left = width_pt - EDGE_PT - HEATMAP_QUARTERS * column_pt
    axes.set_position(
        (left / width_pt, (EDGE_PT + 1) / height_pt, HEATMAP_QUARTERS * column_pt / width_pt, grid_pt / height_pt)
    )
    axes.set_xlim(0, HEATMAP_QUARTERS)
    axes.set_ylim(grid_pt, 0)
    axes.axis("off")
    low = max(0.0, (min(matrix.min(numeric_only=True).min(), full) // 5) * 5)
    colours = matplotlib.colors.Normalize(low, full)
    named = transforms.offset_copy(axes.transData, fig=figure, x=-6, units="points")
    top = 0.0
    for columns in panels:
        for x, quarter in enumerate(columns):
            for k, line in enumerate(headers[quarter]):
                axes.text(x + 0.5, top + BASELINE_PT + LINE_PT * k, line, ha="center", va="baseline")
        top += header_pt
        edges = [top]
        for height in heights:
            edges.append(edges[-1] + height)
        scores = matrix[columns].to_numpy(dtype=float)
        axes.pcolormesh(
            range(len(columns) + 1), edges, np.ma.masked_invalid(scores), cmap="cividis", norm=colours, rasterized=True
        )
        axes.hlines(edges[1:-1], 0, len(columns), color="white", linewidth=1)
        axes.vlines(range(1, len(columns)), edges[0], edges[-1], color="white", linewidth=1)
        frame = matplotlib.patches.Rectangle(
            (0, edges[0]), len(columns), edges[-1] - edges[0], fill=False, edgecolor=RULE_COLOUR, linewidth=1
        )
        axes.add_patch(frame)
        for row, (lines, start, height) in enumerate(zip(names, edges, heights, strict=False)):
            middle = start + height / 2
            for k, line in enumerate(lines):
                offset = (k - (len(lines) - 1) / 2) * LINE_PT
                axes.text(0, middle + offset, line, transform=named, ha="right", va="center")
            for x, score in enumerate(scores[row]):
                if not np.isnan(score):
                    colour = "black" if score > (low + full) / 2 else "white"
                    axes.text(x + 0.5, middle, f"{score:g}", ha="center", va="center", color=colour)
        top = edges[-1] + gap_pt
    key = figure.add_axes(
        (
            (EDGE_PT + 12) / width_pt,
            1 - (EDGE_PT + 30) / height_pt,
            (width_pt - 2 * EDGE_PT - 24) / width_pt,
            10 / height_pt,
        )
    )
    key.imshow(np.linspace(low, full, 256)[None, :], aspect="auto", cmap="cividis", extent=(low, full, 0, 1))
    key.set_yticks([])
    key.xaxis.set_major_locator(MaxNLocator(nbins=5))
    key.tick_params(labelsize=TEXT_PT, length=3, pad=2)
    key.spines[:].set_color(RULE_COLOUR)
    figure.text(
        EDGE_PT / width_pt,
        1 - (EDGE_PT + BASELINE_PT) / height_pt,
        f"综合得分（{basis}）：颜色越深，得分越低",
        va="baseline",
    )
    latest = f"最近{MAX_LABELLED_QUARTERS}个季度" if cut else "各季度"
    below = full_marks.count(matrix, full)
    alt = (
        f"热力图：{len(matrix)}个参与考评单位（行）在{len(matrix.columns)}个季度（列）"
        f"{basis}的综合得分，"
        f"颜色越深得分越低，空白表示该季度未参与考评。图中共有{below}个单位季度得分低于{full:g}分。{shown}"
    )
    caption = f"各单位{latest}综合得分（空白：该季度未参与考评）{shown}"
    return Chart("score-heatmap", render(figure), alt, caption)


def _quarter_bars(axis, positions: list[int], values: list, colour: str, width: float = 0.5) -> None:
    """A bar per quarter, each labelled with its value when there are few. Many bars are drawn as
    one collection of rectangles: the site draws a chart for each of hundreds of units, and one
    artist per bar (``axis.bar``) was a quarter of a forty-quarter chart's time. They look the same."""
    if len(positions) <= MAX_VALUE_LABELS:
        axis.bar_label(axis.bar(positions, values, color=colour, width=width), padding=2)
        return
    half = width / 2
    rectangles = [
        [(p - half, 0), (p - half, v), (p + half, v), (p + half, 0)] for p, v in zip(positions, values, strict=True)
    ]
    bars = PolyCollection(rectangles, facecolors=colour, linewidths=0)
    bars.sticky_edges.y[:] = [0]  # as axis.bar's: an axis scaled to them starts at 0
    axis.add_collection(bars, autolim=True)


def unit_history(rows: pd.DataFrame, name: str, full: float, *, work_orders: str = schema.WORK_ORDERS.zh) -> Chart:
    """One unit over time: work orders as bars, rule score as a line (when scored) in the upper part
    of the chart, above the bars and their labels, each named in the legend (``work_orders``: that
    column's label in the format)."""
    use_cjk_font()
    figure, bars_axis = plt.subplots(figsize=(WIDTH_IN, 3.3), layout="constrained")
    quarters = rows["quarter"].astype(str).tolist()
    positions = list(range(len(quarters)))
    _quarter_bars(bars_axis, positions, rows["work_orders"].tolist(), KIND_COLOURS[schema.TOWN])
    _name_some_quarters(bars_axis, quarters)
    pad = max(0.0, (4 - len(quarters)) / 2)  # one or two quarters: bars as wide as with four
    bars_axis.set_xlim(-0.5 - pad, len(quarters) - 0.5 + pad)
    bars_axis.yaxis.set_major_locator(MaxNLocator(nbins=4, integer=True))
    bars_axis.tick_params(labelsize=TEXT_PT, length=3, pad=2)
    bars_axis.spines[["top", "right"]].set_visible(False)
    scored = rows["composite_score"].notna().to_numpy()
    if scored.any():
        # The bars and their labels in the lower 60%, the scores in the upper 40%, so they never cross.
        bars_axis.set_ylim(0, max(1, rows["work_orders"].max()) * 1.75)
        scores = rows.loc[scored, "composite_score"]
        floor = min(full - 5, (scores.min() // 5) * 5)
        score_axis = bars_axis.twinx()
        score_axis.plot(
            [p for p, s in zip(positions, scored, strict=True) if s],
            scores,
            color=BLACK,
            marker="o" if len(quarters) <= MAX_LABELLED_QUARTERS else ".",
        )
        top = full + 1
        score_axis.set_ylim(top - (top - floor) / 0.4, top)
        step = 5 if full - floor <= 10 else 10
        score_axis.set_yticks([float(t) for t in range(int(full), int(floor) - 1, -step)][::-1])
        score_axis.tick_params(labelsize=TEXT_PT, length=3, pad=2)
        score_axis.spines[["top"]].set_visible(False)
        handles = [
            plt.Rectangle((0, 0), 1, 1, color=KIND_COLOURS[schema.TOWN]),
            plt.Line2D([], [], color=BLACK, marker="o"),
        ]
        entries = [f"{work_orders}（件，左轴）", "综合得分（分，右轴）"]
    else:
        bars_axis.set_ylim(0, max(1, rows["work_orders"].max()) * 1.25)
        handles, entries = [plt.Rectangle((0, 0), 1, 1, color=KIND_COLOURS[schema.TOWN])], [f"{work_orders}（件）"]
    figure.legend(
        handles,
        entries,
        loc="outside upper left",
        ncol=len(entries),
        frameon=False,
        fontsize=TEXT_PT,
        borderaxespad=0.2,
        handlelength=1.2,
        handletextpad=0.4,
        columnspacing=1.0,
    )
    alt = f"{name}各季度的{work_orders}（柱）" + ("和综合得分（折线）" if scored.any() else "") + "："
    alt += "；".join(
        f"{quarter_name(r.quarter, 1)}工单{r.work_orders}件"
        + (f"、得分{r.composite_score:g}" if pd.notna(r.composite_score) else "")
        for r in rows.itertuples()
    )
    drawn = f"{work_orders}与综合得分" if scored.any() else f"{work_orders}（下属单位没有单独的综合得分）"
    return Chart("history", render(figure), alt, f"{name}各季度{drawn}")
