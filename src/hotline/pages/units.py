"""Pages generated from data at build time: one per unit, the unit index, downloads and corrections.

They are plain MyST Markdown written into the staging book; every name is escaped.
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

import pandas as pd

from hotline.data import provenance
from hotline.data.registry import CATEGORIES
from hotline.opendata import package as opendata
from hotline.pages import charts, fmt
from hotline.pages import safe as markup
from hotline.rules.history import History
from hotline.site.parallel import process_pool

UNIT_DIR = "units"
EXAMPLE_WARNING = "```{warning}\n示例数据：标注“示例”的季度由程序生成，仅用于演示，不是真实通报。\n```\n"


def unit_page_name(unit_id: str) -> str:
    return f"unit-{unit_id}"


def _quarter_link(quarter: str, example: bool, prefix: str = "../") -> str:
    label = f"{quarter}（示例）" if example else quarter
    return f"{{doc}}`{label} <{prefix}quarters/{quarter}>`"


def unit_page(history: History, unit_id: str, chart_dir: Path, chart_cache: Path | None = None) -> str:
    unit = history.registry.units[unit_id]
    rows = history.units[history.units["unit_id"] == unit_id]
    examples = rows["example"].eq("是")
    # Out of the sidebar (see _config.yml): linked from the unit index, which it links back to.
    lines = ["---", "orphan: true", "---", "", f"# {markup.title(unit.name)}", ""]
    lines += ["{doc}`← 单位索引 <index>`", ""]
    if examples.any():
        lines += [EXAMPLE_WARNING]
    facts = [f"类别：{unit.category}", f"编号：{unit.id}"]
    if unit.parent_id:
        parent = history.registry.units[unit.parent_id]
        facts.append(f"上级部门：{{doc}}`{markup.title(parent.name)} <{unit_page_name(parent.id)}>`")
    former = [a for a in history.registry.aliases if a.unit_id == unit_id]
    if former:
        names = "、".join(
            f"{markup.escape(a.name)}（{a.last or ''}及以前）" if a.last else markup.escape(a.name) for a in former
        )
        facts.append(f"曾用名：{names}")
    subs = [u for u in history.registry.units.values() if u.parent_id == unit_id]
    if subs:
        facts.append(
            "下属单位：" + "、".join(f"{{doc}}`{markup.title(s.name)} <{unit_page_name(s.id)}>`" for s in subs)
        )
    lines += ["　".join(facts), ""]
    if rows.empty:
        lines += ["本单位尚未出现在已录入的通报中。"]
        return "\n".join(lines) + "\n"
    chart = _cached_chart(rows, unit.name, chart_cache)
    path = chart_dir / f"{unit_id}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(chart.png)
    lines += [markup.figure(chart, f"charts/{unit_id}.png"), ""]
    head = [
        "季度",
        "通报中的名称",
        "承办工单量",
        "延期量",
        "重办量",
        "逾期量",
        "综合得分（通报）",
        "综合得分（按规则）",
        "排名",
    ]
    lines += ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for row in rows.itertuples():
        rank = f"{int(row.rank)}（{row.kind}）" if pd.notna(row.rank) else "计入上级部门"
        cells = [
            _quarter_link(row.quarter, row.example == "是"),
            markup.escape(row.unit),
            fmt.number(row.work_orders),
            fmt.number(row.extended),
            fmt.number(row.redone),
            fmt.number(row.overdue),
            fmt.number(row.published_score),
            fmt.number(row.composite_score),
            rank,
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


@functools.cache
def _chart_code() -> bytes:
    return Path(charts.__file__).read_bytes()


def _chart_files(rows: pd.DataFrame, name: str, cache: Path) -> tuple[Path, Path]:
    """Where a unit's chart is cached: keyed by its rows, its name and the chart code."""
    key = hashlib.sha256(_chart_code() + name.encode() + rows.to_csv(index=False).encode()).hexdigest()
    return cache / f"{key}.png", cache / f"{key}.txt"


def _draw_into_cache(rows: pd.DataFrame, name: str, cache: Path) -> None:
    png, alt = _chart_files(rows, name, cache)
    chart = charts.unit_history(rows, name)
    cache.mkdir(parents=True, exist_ok=True)
    png.write_bytes(chart.png)
    alt.write_text(f"{chart.caption}\n{chart.alt}", encoding="utf-8")


def _cached_chart(rows: pd.DataFrame, name: str, cache: Path | None) -> charts.Chart:
    """A unit's chart is drawn again only when its rows or the chart code changed."""
    if cache is None:
        return charts.unit_history(rows, name)
    png, alt = _chart_files(rows, name, cache)
    if not (png.is_file() and alt.is_file()):
        _draw_into_cache(rows, name, cache)
    caption, text = alt.read_text(encoding="utf-8").split("\n", 1)
    return charts.Chart("history", png.read_bytes(), text, caption)


def draw_unit_charts(history: History, cache: Path, workers: int) -> int:
    """Draw the unit charts missing from the cache over ``workers`` processes; returns how many.
    Drawing is most of the cost of the unit pages, and each chart is independent."""
    missing = []
    for unit_id in dict.fromkeys(history.units["unit_id"]):
        rows = history.units[history.units["unit_id"] == unit_id]
        name = history.registry.units[unit_id].name
        png, alt = _chart_files(rows, name, cache)
        if not (png.is_file() and alt.is_file()):
            missing.append((rows, name))
    if workers > 1 and len(missing) > 1:
        with process_pool(min(workers, len(missing))) as pool:
            list(pool.map(_draw_into_cache, *zip(*missing, strict=True), [cache] * len(missing), chunksize=8))
    else:
        for rows, name in missing:
            _draw_into_cache(rows, name, cache)
    return len(missing)


def unit_index(history: History) -> str:
    lines = [
        "# 单位索引",
        "",
        "按单位类别列出在通报中出现过的全部单位；点击单位名称查看它各季度的工单量、得分和排名。"
        "下属单位列在其上级部门之后。",
        "",
    ]
    if history.has_examples:
        lines += [EXAMPLE_WARNING]
    present = set(history.units["unit_id"])
    latest = history.units.drop_duplicates("unit_id", keep="last").set_index("unit_id")
    for category in CATEGORIES:
        units = [u for u in history.registry.units.values() if u.category == category and u.id in present]
        if not units:
            continue
        lines += [f"## {category}", ""]
        for unit in (u for u in units if not u.parent_id):
            lines.append(_index_line(unit, latest))
            for sub in (u for u in units if u.parent_id == unit.id):
                lines.append("  " + _index_line(sub, latest))
        lines.append("")
    return "\n".join(lines)


def _index_line(unit, latest: pd.DataFrame) -> str:
    row = latest.loc[unit.id]
    score = f"综合得分{fmt.number(row['composite_score'])}" if pd.notna(row["composite_score"]) else "下属单位"
    link = f"{{doc}}`{markup.title(unit.name)} <{unit_page_name(unit.id)}>`"
    return f"- {link}（{row['quarter']}：工单{row['work_orders']}件，{score}）"


def downloads_page(history: History) -> str:
    lines = ["# 数据下载", ""]
    if history.has_examples:
        lines += [EXAMPLE_WARNING]
    quarters = "、".join(str(q.id) for q in history.quarters)
    lines += [
        f"下列文件包含已发布的全部季度（{quarters}）的数据，每个单位每个季度一行，单位用单位名录中的稳定编号标识，"
        "改名后不变。CSV 文件为 UTF-8 编码（带 BOM），可直接用 Excel 打开。",
        "",
        "<ul>",
        f'<li><a href="data/{opendata.UNITS_CSV}" download>各单位各季度数据（CSV）</a></li>',
        f'<li><a href="data/{opendata.HEADLINE_CSV}" download>各季度主要数字（CSV）</a></li>',
        f'<li><a href="data/{opendata.WORKBOOK}" download>以上两表及字段说明（Excel .xlsx）</a></li>',
        f'<li><a href="data/{opendata.DATAPACKAGE}" download>'
        "数据包说明（Frictionless datapackage.json，字段中英文说明）</a></li>",
        "</ul>",
        "",
        "各字段的含义见{doc}`methodology`中的数据字典；公布数与计算值的差异见各季度页面的“数据核对”。",
    ]
    return "\n".join(lines) + "\n"


def corrections_page(data_dir: Path) -> str:
    log = provenance.read_corrections(data_dir)
    lines = [
        "# 更正记录",
        "",
        "已发布季度的数据文件如有改动，须在此登记改动内容和原因；未登记的改动无法通过校验，网站不会发布。",
        "",
    ]
    if not log:
        return "\n".join([*lines, "目前没有更正。"]) + "\n"
    lines += ["| 日期 | 季度 | 文件 | 改动内容 | 原因 |", "|---|---|---|---|---|"]
    for entry in log:
        cells = [entry.date.isoformat(), entry.quarter, entry.file, entry.change, entry.reason]
        lines.append("| " + " | ".join(markup.escape(c) for c in cells) + " |")
    return "\n".join(lines) + "\n"


def write_all(history: History, data_dir: Path, book: Path, chart_cache: Path | None = None, workers: int = 1) -> None:
    """Write every generated page and the open-data files into the staging book."""
    if chart_cache is not None:
        draw_unit_charts(history, chart_cache, workers)
    unit_dir = book / UNIT_DIR
    unit_dir.mkdir(parents=True, exist_ok=True)
    for unit_id in dict.fromkeys(history.units["unit_id"]):
        page = unit_page(history, unit_id, unit_dir / "charts", chart_cache)
        (unit_dir / f"{unit_page_name(unit_id)}.md").write_text(page, encoding="utf-8")
    (unit_dir / "index.md").write_text(unit_index(history), encoding="utf-8")
    (book / "downloads.md").write_text(downloads_page(history), encoding="utf-8")
    (book / "corrections.md").write_text(corrections_page(data_dir), encoding="utf-8")
    opendata.write(history, book / "_extra" / "data")
