"""A quarter's page, in the circular's structure, every figure from its results and every
difference from the published text shown. ``notebooks/quarter.ipynb`` calls one method per block.

Each block is HTML built from static markup and :func:`hotline.pages.safe.text`; charts are image
outputs (their alt text and caption travel in the output's metadata).
"""

from __future__ import annotations

import pickle
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from IPython.display import HTML

from hotline.circular import fmt, wording
from hotline.data import schema
from hotline.data.quarters import load_quarter
from hotline.data.registry import Registry
from hotline.format import load as load_format
from hotline.format.model import CircularFormat
from hotline.pages import charts, info, links
from hotline.pages import checks as says
from hotline.pages.banner import draft_banner, example_banner
from hotline.pages.narrative import inlines as narrative_inlines
from hotline.pages.narrative import render as render_narrative
from hotline.pages.safe import Source, block, html, join
from hotline.pages.tables import Column, link, table
from hotline.pages.units import SCORE_RULE_ANCHOR
from hotline.rules import checks as rules
from hotline.rules.results import QuarterResult, compute

EXAMPLE_NOTE = "示例数据：本季度的数字由程序随机生成，仅用于演示网站的历史比较功能，不是真实通报。"


def flag(figure: wording.Figure, here: str, circular: CircularFormat) -> Source:
    """A published figure, followed by a link to its check when the tables do not bear it out."""
    if not figure.disagrees:
        return html("{}", figure.text)
    check = figure.check
    say = (
        "名单为通报所列"
        if check.key in ("top_volume", "best_units")
        else f"按附件/规则为{says.computed(check, circular)}"
    )
    return html(
        '{}<a class="flag" href="#{}" title="{}"><sup>✗ {}，见数据核对</sup></a>',
        figure.text,
        says.anchor(check),
        says.label(check, circular),
        say,
    )


def sentence(parts: wording.Sentence, here: str, circular: CircularFormat) -> Source:
    out = []
    for part in parts:
        if isinstance(part, wording.Figure):
            out.append(flag(part, here, circular))
        elif isinstance(part, str):
            out.append(html("{}", part))
        else:
            out.append(narrative_inlines((part,)))
    return join(out)


@dataclass
class QuarterPage:
    result: QuarterResult
    figures: int = field(default=0)  # figures numbered per page: 图1, 图2, …

    @classmethod
    def open(cls, quarter: str, data_dir: str | Path = "../data", saved: str | Path | None = None) -> QuarterPage:
        """The quarter's results as the build saved them (``saved``), or, opened by hand in Jupyter,
        computed from the data folder."""
        if saved:
            return cls(pickle.loads(Path(saved).read_bytes()))  # written by this project's own build
        registry = Registry.load(Path(data_dir))
        circular = load_format.load(Path(data_dir))
        return cls(compute(load_quarter(Path(data_dir), quarter, registry), registry, circular))

    @property
    def here(self) -> str:
        return links.quarter_page(self.result.id)

    # --- the data step (shown in Jupyter, hidden on the site) ------------------------------------

    def units(self) -> pd.DataFrame:
        """The quarter's attachment tables as one frame: every unit and sub-unit, with rule scores and ranks."""
        return self.result.units

    def checks(self) -> pd.DataFrame:
        """Every check of the published figures, as numbers."""
        return pd.DataFrame([c.__dict__ for c in self.result.checks])

    # --- the page -----------------------------------------------------------------------------------

    def header(self) -> HTML:
        quarter, d = self.result.quarter, self.result.quarter.document
        downloads = html('<p class="doc-downloads">{}：{}</p>', info.document_label(self.result), self.document_links())
        parts = [example_banner(EXAMPLE_NOTE)] if quarter.example else []
        parts += [draft_banner()] if quarter.is_draft else []
        parts += [self.corrected_since()] if quarter.corrections else []
        parts += [
            html(
                '<p class="doc-meta"><span class="doc-issuer">{}文件</span>　<span class="doc-number">{}</span>'
                "　发文日期 {}</p>",
                d.issuer,
                d.number,
                fmt.date(d.date),
            ),
            downloads,
            html('<p class="doc-title">{}</p>', d.title),
            html('<p class="doc-addressees">{}：</p>', d.addressees),
            render_narrative(quarter.narrative["preamble"]),
        ]
        return block(join(parts))

    def document_links(self) -> Source:
        """The quarter's PDF and Word files, saved under readable names, each with its format, pages
        and size (filled in by the build: :func:`hotline.pages.info.fill_file_facts`)."""
        q = self.result.id
        return join(
            [
                info.download_link(f"pdf/{q}.pdf", self.here, "PDF", info.saved_name(self.result), with_format=False),
                info.download_link(f"docx/{q}.docx", self.here, "Word", info.saved_name(self.result, suffix=".docx")),
            ],
            " ",
        )

    def corrected_since(self) -> HTML:
        """Which logged corrections came after the circular was issued: the page's figures include
        them; the documents either are kept as issued or are typeset from the corrected data."""
        quarter = self.result.quarter
        documents = (
            "通报的 PDF、Word 文件是印发时的原样，没有随更正改动。"
            if quarter.issued_record
            else "本网站的 PDF、Word 按更正后的数据排印。"
        )
        items = join(
            html("<li>{}：{}（原因：{}）</li>", fmt.date(c.date), c.change, c.reason) for c in quarter.corrections
        )
        return html(
            '<div class="admonition corrected" role="note"><p class="admonition-title">印发后的更正</p>'
            '<p>本页按以下{}处更正后的数据显示（见<a href="{}">更正记录</a>）；{}</p><ul>{}</ul></div>',
            len(quarter.corrections),
            links.href(links.CORRECTIONS, self.here),
            documents,
            items,
        )

    def summary(self) -> HTML:
        """A plain statement near the top of every published figure the data do not bear out."""
        failed = self.result.differences
        if not failed:
            return block(
                html(
                    '<p class="summary ok">本季度通报公布的数字与{}全部一致（见文末“数据核对”）。</p>',
                    says.checked_against(self.result.format, "、"),
                )
            )
        items = join(
            html(
                '<li><a href="#{}">{}</a>：通报为 {}，{}为 {}。{}</li>',
                says.anchor(c),
                says.label(c, self.result.format),
                says.published(c),
                says.worked_out(self.result.format),
                says.shown(c),
                says.note(c, self.result.units),
            )
            for c in failed
        )
        return block(
            html(
                '<div class="summary mismatch" role="note"><p><strong>请注意：'
                "本季度通报中有{}处数字与{}不一致</strong>（详见文末“数据核对”）：</p><ul>{}</ul></div>",
                len(failed),
                says.checked_against(self.result.format),
                items,
            )
        )

    def basic_situation(self) -> HTML:
        """一、基本情况, sentence by sentence as the circular writes it."""
        return block(
            join(
                html("<p>{}</p>", sentence(s, self.here, self.result.format))
                for s in wording.basic_situation(self.result)
            )
        )

    def published_only(self) -> HTML:
        items = "；".join(wording.published_only(self.result))
        return block(
            html(
                '<p class="published-only">以下数字仅见于通报正文，附件中没有可供核对的数据，按公布数展示：{}。</p>',
                items,
            )
        )

    def chart(self, name: str) -> charts.Chart:
        """One of the quarter's charts, numbered on this page (图1, 图2 …)."""
        r = self.result
        drawn = {
            "work_orders": lambda: charts.work_orders_by_unit(
                r.units, r.id.zh, r.format.labels, work_orders=r.format.label_of("work_orders")
            ),
            "composite_scores": lambda: charts.composite_scores(
                r.ranking,
                r.id.zh,
                r.format.score.full_marks,
                r.format.labels,
                published_only=r.format.score.published_only,
            ),
            "problems": lambda: charts.problems_by_unit(
                r.units, r.id.zh, {k: r.format.label_of(k) for k in ("extended", "redone", "overdue")}
            ),
        }[name]()
        self.figures += 1
        return charts.numbered(drawn, self.figures)

    def narrative(self, section: str) -> HTML:
        """Staff's text (a Markdown subset, see hotline.data.narrative), laid out and escaped."""
        return block(render_narrative(self.result.quarter.narrative[section]))

    def closing(self) -> HTML:
        d = self.result.quarter.document
        titles = wording.attachment_titles(self.result)
        attachments = join(html("<li>{}</li>", titles[kind]) for kind in (schema.TOWN, schema.DEPARTMENT))
        return block(
            html(
                '<div class="attachments-note"><p>附件：</p><ol>{}</ol></div>'
                '<p class="signature">{}<br>{}</p><p class="cc">抄送：{}。</p>',
                attachments,
                d.issuer,
                fmt.date(d.date),
                "，".join(d.cc),
            )
        )

    def attachment(self, kind: str) -> HTML:
        """附件1 or 附件2 in ranking order, each unit linked to its page and its sub-units under it in
        the same column (which stays put on a phone while the numbers scroll); zeros blank as in
        the circular; the rule score, the rank and a ✓/✗ against the published score beside it.
        On a phone the counts and points wait behind one tap (``more``): each row shows the unit,
        its scores and its rank without scrolling sideways."""
        r = self.result
        ruled = not r.format.score.published_only  # else the published score is the score: nothing to set beside it
        columns = [Column("单位")]
        shown = r.format.columns((*schema.COUNT_COLUMNS, *schema.POINT_COLUMNS))
        columns += [Column(c.zh, numeric=True, more=True) for c in shown]
        columns += [Column(html("{}<br>（通报）", r.format.label_of("published_score")), numeric=True)]
        if ruled:
            columns += [Column(Source("综合得分<br>（按规则）"), numeric=True)]
        columns += [Column("排名", numeric=True)]
        if ruled:
            columns += [Column("核对")]
        scored_columns = len(columns) - 1 - len(schema.COUNT_COLUMNS) - len(schema.POINT_COLUMNS)
        rows, classes = [], []
        for row in wording.attachment_rows(r, kind):
            name = link(row.unit, links.href(links.unit_page(row.unit_id), self.here))
            if row.sub_unit:
                rows.append([html('<span class="sub-mark">下属</span>{}', name), *row.cells, *[""] * scored_columns])
                classes.append("sub-unit")
                continue
            if not ruled:
                rows.append([name, *row.cells, row.published_score, row.rank])
                classes.append("unit")
                continue
            check = r.check(f"score.{row.unit_id}")
            mark = Source("") if check is None else (html("✓") if check.agrees else link("✗", f"#{says.anchor(check)}"))
            rows.append([name, *row.cells, row.published_score, fmt.number(row.composite_score), row.rank, mark])
            classes.append("unit" if row.score_agrees else "unit mismatch")
        totals = []
        for column, shown in zip(schema.COUNT_COLUMNS, wording.attachment_totals(r, kind), strict=True):
            check = r.check(f"totals.{kind}.{column.key}")
            if check is not None and not check.agrees:
                shown = html(
                    '{}<a class="flag" href="#{}"><sup>✗ 各行之和{}</sup></a>',
                    shown,
                    says.anchor(check),
                    check.computed,
                )
            totals.append(shown)
        footer = ["总计", *totals] + [""] * (len(schema.POINT_COLUMNS) + scored_columns)
        title = wording.attachment_titles(r)[kind]
        caption = f"附件{schema.ATTACHMENT_NO[kind]}　{title}{wording.attachment_subtitle(r)}"
        return block(
            table(
                f"attachment-{schema.ATTACHMENT_NO[kind]}",
                caption,
                columns,
                rows,
                css="attachment",
                row_classes=classes,
                footer=footer,
                brief="得分和排名",
            )
        )

    def reconciliation_intro(self) -> HTML:
        """What 数据核对 does: checks against the tables, and recomputes the scores where the format
        has a rule (where it takes the published scores as they are, none is recomputed)."""
        if self.result.format.score.published_only:
            done = "网站把通报正文公布的数字与附件表格逐项核对（综合得分采用通报公布的，不重新计算）。"
        else:
            done = "网站把通报正文公布的数字与附件表格逐项核对，并用公开的计分规则重算每个单位的综合得分。"
        return block(html("<p>{}“✓”表示一致，“✗”表示不一致；不一致之处按原样公布，不作修改。</p>", done))

    def reconciliation(self, group: str) -> HTML:
        if group == rules.SCORES and self.result.format.score.published_only:
            return block(
                html(
                    "<p><strong>综合得分</strong>：通报只公布综合得分，没有公布计分规则，网站采用公布的得分，无从核对"
                    '（见<a href="{}">计算方法与数据说明</a>）。</p>',
                    links.href(links.METHODOLOGY, self.here, anchor=SCORE_RULE_ANCHOR),
                )
            )
        found = [c for c in self.result.checks if c.group == group]
        failed = sum(1 for c in found if not c.agrees)
        summary = html(
            "<p>{}项核对，{}项一致{}。</p>",
            len(found),
            len(found) - failed,
            html("，<strong>{}项不一致</strong>", failed) if failed else Source(""),
        )
        scores = group == rules.SCORES  # the points in columns; the rule in words on the methodology page
        columns = [
            Column("核对项目"),
            Column("通报公布", numeric=group != rules.LISTS),
            Column("按计分规则" if scores else says.worked_out(self.result.format), numeric=group != rules.LISTS),
            Column("结果"),
        ]
        if scores:  # after the result, which a phone shows first
            bonus, penalty = (f"{self.result.format.label_of(key)}合计" for key in ("bonus", "penalty"))
            columns += [Column(bonus, numeric=True), Column(penalty, numeric=True)]
            summary += html(
                "<p>按计分规则的得分由{}、{}算出（下属单位的计入上级部门），"
                '规则见<a href="{}">计算方法与数据说明</a>。</p>',
                bonus,
                penalty,
                links.href(links.METHODOLOGY, self.here, anchor=SCORE_RULE_ANCHOR),
            )
        columns += [Column("说明")]
        rows = []
        for c in found:
            subject = (
                link(says.label(c, self.result.format), links.href(links.unit_page(c.unit_id), self.here))
                if c.unit_id
                else says.label(c, self.result.format)
            )
            note = says.note(c, self.result.units)
            if c.acknowledged:
                note = f"{note}（起草时的说明：{c.acknowledged}）" if note else f"起草时的说明：{c.acknowledged}"
            points = [fmt.number(n) for n in c.operands[:2]] if scores else []
            rows.append([subject, says.published(c), says.shown(c), says.mark(c), *points, note])
        return block(
            summary
            + table(
                f"checks-{group}",
                says.GROUP_TITLES[group],
                columns,
                rows,
                css="reconciliation",
                row_classes=["ok" if c.agrees else "mismatch" for c in found],
                row_ids=[says.anchor(c) for c in found],
            )
        )

    def downloads(self) -> HTML:
        q = self.result.id
        saved_as = info.saved_name(self.result, "各单位数据", ".csv")
        csv = info.download_link(f"data/quarters/{q}-units.csv", self.here, "本季度各单位数据", saved_as)
        return block(
            html(
                "<ul><li>{csv}：每个单位一行，UTF-8 编码，可用 Excel 打开</li>"
                "<li>{what}：{documents}</li>"
                '<li>全部季度的数据见<a href="{all}">数据下载</a>；'
                '列的含义与计算规则见<a href="{method}">计算方法与数据说明</a>。</li></ul>',
                csv=csv,
                what=info.document_label(self.result),
                documents=self.document_links(),
                all=links.href(links.DOWNLOADS, self.here),
                method=links.href(links.METHODOLOGY, self.here),
            )
        )
