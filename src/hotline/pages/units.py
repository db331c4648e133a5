"""Pages generated from the history at build time, one per unit, and the unit index.

They are MyST Markdown files holding a title and one HTML block; every name in them passed
:func:`hotline.pages.safe.text`. Unit pages are orphans (not in the sidebar): readers reach them
from the unit index and from every table that names the unit.
"""

from __future__ import annotations

import pandas as pd

from hotline.circular import fmt
from hotline.data import schema
from hotline.data.registry import CATEGORIES
from hotline.pages import links
from hotline.pages.banner import example_banner
from hotline.pages.figures import Chart
from hotline.pages.safe import Source, html, join, text
from hotline.pages.tables import Column, link, table
from hotline.rules.history import History

EXAMPLE_NOTE = "示例数据：标注“示例”的季度由程序生成，仅用于演示，不是真实通报。"


def markdown_page(title: str, *sections: Source | tuple[str, Source], orphan: bool = False) -> str:
    """A MyST page: front matter, the title, then HTML blocks, each optionally under a ``##``
    heading (a tuple of heading and block). Titles and headings pass :func:`text`; a block holds no
    blank line, which would end it (data cannot add one: :func:`text` encodes line breaks)."""
    out = ["---\norphan: true\n---\n" if orphan else "", f"# {text(title)}\n"]
    for section in sections:
        heading, body = section if isinstance(section, tuple) else (None, section)
        if heading:
            out.append(f"## {text(heading)}\n")
        if "\n\n" in str(body):
            raise ValueError("an HTML block must not contain a blank line")
        out.append(html('<div class="generated">{}</div>\n', body))  # a plain str would be escaped
    return "\n".join(part for part in out if part)


def chart_path(unit_id: str) -> str:
    """Where a unit's chart is published, relative to the site."""
    return f"units/charts/{unit_id}.svg"


def figure(chart: Chart, src: str, number: int) -> Source:
    width, height = chart.size
    return html(
        '<figure class="chart"><img src="{}" alt="{}" width="{}" height="{}" loading="lazy">'
        "<figcaption>图{}　{}</figcaption></figure>",
        src,
        chart.alt,
        width,
        height,
        number,
        chart.caption,
    )


def latest_sentence(history: History, unit_id: str, rows: pd.DataFrame) -> str:
    """The unit's latest figures in one sentence (what search shows for its page)."""
    row = rows.iloc[-1]
    quarter = history.result(row["quarter"])
    sentence = f"{quarter.id.zh}：承办工单量{int(row['work_orders'])}件"
    problems = [
        f"{schema.zh(k).removesuffix('量')}{int(row[k])}件" for k in ("extended", "redone", "overdue") if row[k]
    ]
    if problems:
        sentence += "，" + "、".join(problems)
    if pd.notna(row["rank"]):
        of_kind = int((quarter.ranking["kind"] == row["kind"]).sum())
        sentence += (
            f"，综合得分{fmt.number(row['composite_score'])}分（按计分规则），"
            f"在{of_kind}个{schema.KIND_ZH[row['kind']]}中排第{int(row['rank'])}名"
        )
    else:
        parent = history.current_name(history.registry.units[unit_id].parent_id)
        sentence += f"；下属单位没有单独的综合得分，计入{parent}"
    return sentence + "。"


def unit_page(history: History, unit_id: str, chart: Chart | None) -> str:
    here = links.unit_page(unit_id)
    unit = history.registry.units[unit_id]
    rows = history.rows_of(unit_id)
    parts = [html('<p class="back"><a href="{}">← 单位索引</a></p>', links.href(links.UNIT_INDEX, here))]
    if rows["example"].any():
        parts.append(example_banner(EXAMPLE_NOTE))
    facts = [html("类别：{}", unit.category), html("编号：{}", unit.id)]
    if unit.parent_id:
        parent = history.registry.units[unit.parent_id]
        facts.append(html("上级部门：{}", link(parent.name, links.href(links.unit_page(parent.id), here))))
    former = [a for a in history.registry.aliases if a.unit_id == unit_id]
    if former:
        names = "、".join(f"{a.name}（{a.last}及以前）" if a.last else a.name for a in former)
        facts.append(html("曾用名：{}", names))
    subs = [u for u in history.registry.units.values() if u.parent_id == unit_id]
    if subs:
        facts.append(
            html(
                "下属单位：{}",
                join((link(s.name, links.href(links.unit_page(s.id), here)) for s in subs), "、"),
            )
        )
    parts.append(html('<p class="facts">{}</p>', join(facts, "　")))
    if rows.empty:
        parts.append(html("<p>本单位尚未出现在已录入的通报中。</p>"))
        return markdown_page(unit.name, join(parts), orphan=True)
    parts.append(html('<p class="latest">{}</p>', latest_sentence(history, unit_id, rows)))
    if chart is not None:
        parts.append(figure(chart, links.file_href(chart_path(unit_id), here), 1))
    columns = [
        Column("季度"),
        Column("通报中的名称"),
        Column("承办工单量", numeric=True),
        Column("延期量", numeric=True),
        Column("重办量", numeric=True),
        Column("逾期量", numeric=True),
        Column("综合得分（通报）", numeric=True),
        Column("综合得分（按规则）", numeric=True),
        Column("排名", numeric=True),
    ]
    table_rows = []
    for row in rows.itertuples():
        label = f"{row.quarter}（示例）" if row.example else row.quarter
        rank = f"{int(row.rank)}（{schema.KIND_ZH[row.kind]}）" if pd.notna(row.rank) else "计入上级部门"
        table_rows.append(
            [
                link(label, links.href(links.quarter_page(row.quarter), here)),
                row.unit,
                fmt.number(row.work_orders),
                fmt.number(row.extended),
                fmt.number(row.redone),
                fmt.number(row.overdue),
                fmt.number(row.published_score),
                fmt.number(row.composite_score),
                rank,
            ]
        )
    parts.append(table("unit-quarters", f"{unit.name}各季度数据", columns, table_rows))
    return markdown_page(unit.name, join(parts), orphan=True)


def unit_index(history: History) -> str:
    here = links.UNIT_INDEX
    intro = html(
        "<p>按单位类别列出在通报中出现过的全部单位；点击单位名称查看它各季度的工单量、得分和排名。"
        "下属单位列在其上级部门之后。</p>"
    )
    sections: list = [example_banner(EXAMPLE_NOTE) + intro if history.has_examples else intro]
    present = set(history.units["unit_id"])
    latest = history.units.drop_duplicates("unit_id", keep="last").set_index("unit_id")

    def line(unit) -> Source:
        row = latest.loc[unit.id]
        score = f"综合得分{fmt.number(row['composite_score'])}" if pd.notna(row["composite_score"]) else "下属单位"
        return html(
            "{}（{}：工单{}件，{}）",
            link(unit.name, links.href(links.unit_page(unit.id), here)),
            row["quarter"],
            int(row["work_orders"]),
            score,
        )

    for category in CATEGORIES:
        units = [u for u in history.registry.units.values() if u.category == category and u.id in present]
        if not units:
            continue
        items = []
        for unit in (u for u in units if not u.parent_id):
            subs = [u for u in units if u.parent_id == unit.id]
            nested = html("<ul>{}</ul>", join(html("<li>{}</li>", line(s)) for s in subs)) if subs else Source("")
            items.append(html("<li>{}{}</li>", line(unit), nested))
        sections.append((category, html('<ul class="unit-list">{}</ul>', join(items))))
    return markdown_page("单位索引", *sections)
