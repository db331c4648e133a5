"""Pages generated from the history at build time, one per unit, and the unit index.

They are MyST Markdown files holding a title and one HTML block; every name in them passed
:func:`hotline.pages.safe.text`. Unit pages are orphans (not in the sidebar): readers reach them
from the unit index and from every table that names the unit.

A reader opens a unit's page to learn how the unit did and what the circular said about it, so the
page says, in words: its latest figures and rank within the group the circular ranks it in (a
company or an "other" unit is listed in 附件2 with the departments, never "among the
departments"), where the published score and the score of the site's rule differ (and that the
ranking uses the rule's), and the circular's own sentences that name it, quarter by quarter. The
sentences are found in the quarter's parsed narrative and its lists (尚未办结, 工单量较多,
综合成绩较好): staff text is read as text, never run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from hotline.circular import fmt, wording
from hotline.data import narrative, schema
from hotline.data.quarter_id import QuarterId
from hotline.data.registry import CATEGORIES
from hotline.data.sentences import OUTSTANDING_PLACEHOLDER
from hotline.pages import links
from hotline.pages.banner import example_banner
from hotline.pages.figures import Chart
from hotline.pages.safe import Source, html, join, text
from hotline.pages.tables import Column, link, table
from hotline.rules.history import History
from hotline.rules.results import QuarterResult

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


def quarter_name(quarter: str) -> str:
    """A quarter as readers say it (2024年第一季度), from its id (2024Q1, which stays in URLs)."""
    return QuarterId.parse(str(quarter)).zh


def ranked_among(result: QuarterResult, kind: str) -> str:
    """The group a unit is ranked in, as the circular lists it: 附件1's town offices, or 附件2's
    departments *and units* (companies and other units are ranked with the departments there)."""
    count = int((result.ranking["kind"] == kind).sum())
    if kind == schema.TOWN:
        return f"附件1所列{count}个镇办"
    return f"附件{schema.ATTACHMENT_NO[kind]}所列{count}个部门和单位"


def category_note(category: str, kind: str, *, sub_unit: bool = False) -> str:
    """The registry's category, and where the circular lists a unit of it."""
    if sub_unit:
        return f"{category}（列在通报附件{schema.ATTACHMENT_NO[kind]}其上级部门之下，不单独排名）"
    if kind == schema.TOWN:
        return f"{category}（列在通报附件1，与各镇办一同排名）"
    if category == "部门":
        return f"{category}（列在通报附件{schema.ATTACHMENT_NO[kind]}）"
    return f"{category}（列在通报附件{schema.ATTACHMENT_NO[kind]}，与各部门一同排名）"


def scores_differ(published, computed) -> bool:
    """Whether a published score and the rule's differ (to two decimals, as the checks compare)."""
    return bool(pd.notna(published) and pd.notna(computed) and round(float(published), 2) != round(float(computed), 2))


def latest_sentence(history: History, unit_id: str, rows: pd.DataFrame) -> str:
    """The unit's latest figures in one sentence (what search shows for its page)."""
    row = rows.iloc[-1]
    quarter = history.result(row["quarter"])
    sentence = f"{quarter.id.zh}：{quarter.format.label_of('work_orders')}{int(row['work_orders'])}件"
    problems = [
        f"{quarter.format.label_of(k).removesuffix('量')}{int(row[k])}件"
        for k in ("extended", "redone", "overdue")
        if row[k]
    ]
    if problems:
        sentence += "，" + "、".join(problems)
    if pd.notna(row["rank"]):
        score = fmt.number(row["composite_score"])
        if scores_differ(row["published_score"], row["composite_score"]):
            said = f"综合得分按计分规则计算为{score}分（通报公布为{fmt.number(row['published_score'])}分）"
        elif pd.notna(row["published_score"]):
            said = f"综合得分{score}分"
        else:
            said = f"综合得分{score}分（{quarter.format.score.basis}）"
        sentence += f"，{said}，在{ranked_among(quarter, row['kind'])}中排第{int(row['rank'])}名"
    else:
        parent = history.current_name(history.registry.units[unit_id].parent_id)
        sentence += f"；下属单位没有单独的综合得分，计入{parent}"
    return sentence + "。"


def score_notes(history: History, rows: pd.DataFrame, here: str) -> Source:
    """In words, each quarter whose published score differs from the score of the site's rule, and
    which of the two the site's ranking uses (the rule's)."""
    notes = []
    columns = ("quarter", "unit_id", "published_score", "composite_score")
    # Most units have no such quarter: the rows are read as plain values, not filtered as a frame.
    for values in zip(*(rows[c].tolist() for c in columns), strict=True):
        row = dict(zip(columns, values, strict=True))
        if not scores_differ(row["published_score"], row["composite_score"]):
            continue
        quarter = history.result(row["quarter"])
        check = quarter.check(f"score.{row['unit_id']}")
        published, computed = fmt.number(row["published_score"]), fmt.number(row["composite_score"])
        where = links.href(links.quarter_page(row["quarter"]), here, anchor=f"check-score-{row['unit_id']}")
        points = ""
        if check is not None and len(check.operands) == 2:
            points = f"（加分值合计{fmt.number(check.operands[0])}，减分值合计{fmt.number(check.operands[1])}）"
        why = f"起草时的说明：{check.acknowledged}" if check is not None and check.acknowledged else "通报未作说明"
        notes.append(
            html(
                "<li>{}通报公布的综合得分为{}分，按计分规则计算{}为{}分，两者不一致，{}。"
                '网站的排名按计算的{}分排出（<a href="{}">见数据核对</a>，<a href="{}">计分规则</a>）。</li>',
                quarter.id.zh,
                published,
                points,
                computed,
                why,
                computed,
                where,
                links.href(links.METHODOLOGY, here, anchor=SCORE_RULE_ANCHOR),
            )
        )
    if not notes:
        return Source("")
    return html('<div class="score-notes" role="note"><p><strong>得分说明</strong></p><ul>{}</ul></div>', join(notes))


SCORE_RULE_ANCHOR = "score-rule"  # the scoring rule on the methodology page

# The parts of a circular that staff type, as a reader finds them in it.
NARRATIVE_PLACES = {
    "preamble": "通报开头",
    "quality_remark": "一、基本情况",
    "problems": "二、存在问题",
    "requirements": "三、工作要求",
}
_SENTENCES = re.compile(r"[^。！？；]+[。！？；]?")


@dataclass(frozen=True)
class Mention:
    """A place where a circular names a unit: where it is (一、基本情况, 二、存在问题（一）审核把关不严)
    and the circular's sentence, split around the name (every other part, from the second, is the name)."""

    place: str
    parts: tuple[str, ...]


def _name_pattern(names) -> re.Pattern[str]:
    """Every unit name of a quarter, longest first: where one name holds another (公安局 and a
    公安局交警大队, say) the longer is the one the circular wrote."""
    ordered = sorted({n for n in names if n}, key=len, reverse=True)
    return re.compile("|".join(map(re.escape, ordered))) if ordered else re.compile(r"(?!)")


def _quoted(sentence: str, pattern: re.Pattern[str]) -> dict[str, tuple[str, ...]]:
    """The units a sentence names, each with the sentence split around its name."""
    found: dict[str, list[int]] = {}
    for match in pattern.finditer(sentence):
        found.setdefault(match.group(), []).append(match.start())
    out = {}
    for name, starts in found.items():
        parts, last = [], 0
        for start in starts:
            parts += [sentence[last:start], name]
            last = start + len(name)
        out[name] = (*parts, sentence[last:])
    return out


def _blocks(section: str, text_: narrative.Narrative):
    """Each paragraph (or list item) of a narrative with where a reader finds it."""
    place = NARRATIVE_PLACES.get(section, "")
    for block in text_.blocks:
        if isinstance(block, narrative.Point):
            heading = narrative.plain_inlines(block.heading).strip().rstrip("。.：:")
            yield f"{place}{block.label.strip()}{heading}", narrative.plain_inlines(block.inlines)
        elif isinstance(block, narrative.ListBlock):
            for item in block.items:
                yield place, narrative.plain_inlines(item)
        else:
            yield place, narrative.plain_inlines(block.inlines)


def _around_list(sentence: wording.Sentence) -> tuple[str, str]:
    """A listing sentence of the circular (as the format words it) before and after its list."""
    at = next(n for n, segment in enumerate(sentence) if isinstance(segment, wording.Figure))
    return "".join(map(str, sentence[:at])), "".join(map(str, sentence[at + 1 :]))


_MENTIONS: dict[int, tuple[QuarterResult, dict[str, tuple[Mention, ...]]]] = {}


def mentions(result: QuarterResult) -> dict[str, tuple[Mention, ...]]:
    """Every place the quarter's circular names a unit, by the name it printed: its sentences in the
    narrative, and its lists (尚未办结, 工单量较多, 综合成绩较好) in the circular's own words. Found
    once per quarter (every unit page of the site asks)."""
    kept = _MENTIONS.get(id(result))
    if kept is not None and kept[0] is result:
        return kept[1]
    found: dict[str, list[Mention]] = {}
    place = NARRATIVE_PLACES["quality_remark"]
    quarter, headline = result.quarter, result.headline
    stated = result.format.wording.headline.names
    kinds = dict(zip(result.units["unit"], result.units["kind"], strict=True))
    for item in headline.outstanding:
        if OUTSTANDING_PLACEHOLDER[kinds[item.unit]] in stated:  # quoted only where the circular says it
            found.setdefault(item.unit, []).append(Mention(place, ("", item.unit, wording.outstanding(item.count))))
    listed = wording.top_volume_listed(result)
    opening, closing = _around_list(wording.top_volume_sentence(result))
    for position, (unit, entry) in enumerate(listed):
        before = opening + "".join(f"{e}、" for _, e in listed[:position])
        after = entry.removeprefix(unit) + "".join(f"、{e}" for _, e in listed[position + 1 :]) + closing
        found.setdefault(unit, []).append(Mention(place, (before, unit, after)))
    best = wording.best_listed(result)
    opening, closing = _around_list(wording.best_units_sentence(result))
    for position, unit in enumerate(best):
        before = opening + "".join(f"{n}、" for n in best[:position])
        after = "".join(f"、{n}" for n in best[position + 1 :]) + closing
        found.setdefault(unit, []).append(Mention(place, (before, unit, after)))
    pattern = _name_pattern(result.units["unit"])
    for section in NARRATIVE_PLACES:
        text_ = quarter.narrative.get(section)
        if text_ is None:
            continue
        for where, paragraph in _blocks(section, text_):
            for sentence in _SENTENCES.findall(paragraph):
                for name, parts in _quoted(sentence.strip(), pattern).items():
                    found.setdefault(name, []).append(Mention(where, parts))
    done = {name: tuple(items) for name, items in found.items()}
    if len(_MENTIONS) >= 1024:  # more quarters than a site has: results of earlier histories (tests)
        _MENTIONS.clear()
    _MENTIONS[id(result)] = (result, done)  # the result is kept, so its id is not reused
    return done


def mentions_section(history: History, rows: pd.DataFrame, here: str) -> Source:
    """What each quarter's circular said about the unit, newest first, in its own words."""
    quarters = []
    newest_first = zip(*(rows[c].tolist()[::-1] for c in ("quarter", "unit", "example")), strict=True)
    for row in (dict(quarter=q, unit=u, example=e) for q, u, e in newest_first):
        result = history.result(row["quarter"])
        found = mentions(result).get(row["unit"], ())
        if not found:
            continue
        items = join(
            html(
                '<li><span class="mention-place">{}</span>：<q>{}</q></li>',
                m.place,
                join(html("<strong>{}</strong>", part) if n % 2 else part for n, part in enumerate(m.parts)),
            )
            for m in found
        )
        quarters.append(
            html(
                '<li><a href="{}">{}通报</a>{}<ul>{}</ul></li>',
                links.href(links.quarter_page(row["quarter"]), here),
                result.id.zh,
                "（示例数据）" if row["example"] else "",
                items,
            )
        )
    if not quarters:
        return html('<p class="mentions-none">各季度通报的正文没有点名本单位；各季度的数字见下表。</p>')
    return html(
        '<p>以下是各季度通报正文中提到本单位的原话（单位名称加粗）。</p><ul class="mentions">{}</ul>', join(quarters)
    )


def unit_page(history: History, unit_id: str, chart: Chart | None) -> str:
    here = links.unit_page(unit_id)
    unit = history.registry.units[unit_id]
    rows = history.rows_of(unit_id)
    parts = [html('<p class="back"><a href="{}">← 单位索引</a></p>', links.href(links.UNIT_INDEX, here))]
    if rows["example"].any():
        parts.append(example_banner(EXAMPLE_NOTE))
    kind = history.kind_of(unit_id) if not rows.empty else schema.TOWN if unit.category == "镇办" else schema.DEPARTMENT
    note = category_note(unit.category, kind, sub_unit=bool(unit.parent_id))
    facts = [html("类别：{}", note), html("编号：{}", unit.id)]
    if unit.parent_id:
        parent = history.registry.units[unit.parent_id]
        facts.append(html("上级部门：{}", link(parent.name, links.href(links.unit_page(parent.id), here))))
    former = [a for a in history.registry.aliases if a.unit_id == unit_id]
    if former:
        names = "、".join(f"{a.name}（{a.last.zh}及以前）" if a.last else a.name for a in former)
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
    parts.append(score_notes(history, rows, here))
    figures = [figure(chart, links.file_href(chart_path(unit_id), here), 1)] if chart is not None else []
    score = history.format.score
    ruled = not score.published_only  # else the published score is the score: one column of it
    labelled = history.format.label_of  # the tables' column labels, as the format names them
    columns = [
        Column("季度"),
        Column("通报中的名称"),
        *(Column(labelled(key), numeric=True) for key in ("work_orders", "extended", "redone", "overdue")),
        Column(f"{labelled('published_score')}（通报公布）", numeric=True),
        *([Column(score.label, numeric=True)] if ruled else []),
        Column(f"排名（{score.ranked_by}）"),
    ]
    table_rows, classes = [], []
    shown = ["quarter", "example", "unit", "kind", "rank", "work_orders", "extended", "redone", "overdue"]
    for row in rows[[*shown, "published_score", "composite_score"]].itertuples():
        label = f"{quarter_name(row.quarter)}（示例）" if row.example else quarter_name(row.quarter)
        if pd.notna(row.rank):
            of_kind = history.ranked_counts[(row.quarter, row.kind)]
            rank = f"第{int(row.rank)}名（共{of_kind}个）"
        else:
            rank = "计入上级部门"
        table_rows.append(
            [
                link(label, links.href(links.quarter_page(row.quarter), here)),
                row.unit,
                fmt.number(row.work_orders),
                fmt.number(row.extended),
                fmt.number(row.redone),
                fmt.number(row.overdue),
                fmt.number(row.published_score),
                *([fmt.number(row.composite_score)] if ruled else []),
                rank,
            ]
        )
        classes.append("mismatch" if scores_differ(row.published_score, row.composite_score) else "")
    table_part = table("unit-quarters", f"{unit.name}各季度数据", columns, table_rows, row_classes=classes)
    return markdown_page(
        unit.name,
        join(parts),
        ("通报中提到本单位的地方", mentions_section(history, rows, here)),
        ("各季度数据", join([*figures, table_part])),
        orphan=True,
    )


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
            quarter_name(row["quarter"]),
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
