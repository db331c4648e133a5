"""The home page: the latest circular at a glance (its date and a three-line summary first, for
phones), its key figures, the best units and those needing attention, and every circular."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from IPython.display import HTML

from hotline.circular import fmt
from hotline.pages import checks as says
from hotline.pages import compared, links
from hotline.pages.safe import Source, block, html, join
from hotline.pages.tables import link
from hotline.rules import full_marks
from hotline.rules.history import History
from hotline.rules.periods import Previous


def _change(value: float, previous: float | None, unit: str, against: Previous | None = None) -> str:
    """较上季度…, or across a gap 较2023年第三季度…（2023年第四季度无数据）."""
    if previous is None:
        return ""
    than, aside = (compared.than(against), compared.aside(against)) if against else ("上季度", "")
    delta = value - previous
    if delta == 0:
        return f"与{than}持平{aside}"
    return f"较{than}{'增加' if delta > 0 else '减少'}{fmt.number(abs(delta))}{unit}{aside}"


@dataclass
class HomePage:
    history: History
    here: str = links.HOME

    @classmethod
    def open(cls, data_dir: str | Path = "../data", saved: str | Path | None = None) -> HomePage:
        return cls(History.open(Path(data_dir), saved))

    @property
    def latest(self):
        return self.history.latest

    @property
    def compared_with(self):
        """The quarter the latest is compared with (the latest earlier one with data; see rules.periods)."""
        return self.history.compared_with(self.latest.id)

    @property
    def previous(self):
        against = self.compared_with
        return self.history.results[against.index] if against else None

    def _unit(self, name: str, unit_id: str) -> Source:
        return link(name, links.href(links.unit_page(unit_id), self.here))

    def latest_summary(self) -> HTML:
        """The latest circular: which, when issued, and three lines on what it says."""
        r = self.latest
        q, h = r.quarter, r.headline
        example = "（示例数据）" if q.example else ""
        failed = len(r.differences)
        lines = [
            f"受理{fmt.count(h.received)}，办结率{fmt.pct(h.completion_rate_pct)}。",
            f"综合成绩较好：{fmt.join(q.published_best_units or r.best_units)}。",
            says.disagree(r.format, failed) if failed else f"通报数字与{says.checked_against(r.format, '、')}一致。",
        ]
        return HTML(
            str(
                html(
                    '<section class="latest" aria-labelledby="latest-title">'
                    '<h2 id="latest-title">最新一期：<a href="{href}">{quarter}通报</a>{example}</h2>'
                    '<p class="latest-date">{number}　{date}印发</p>'
                    '<ul class="latest-lines">{lines}</ul>'
                    '<p><a class="read-more" href="{href}">阅读全文</a></p></section>',
                    href=links.href(links.quarter_page(q.id), self.here),
                    quarter=q.id.zh,
                    example=example,
                    number=q.document.number,
                    date=fmt.date(q.document.date),
                    lines=join(html("<li>{}</li>", line) for line in lines),
                )
            )
        )

    def key_figures(self) -> HTML:
        r = self.latest
        h = r.headline
        before = self.previous.headline if self.previous else None
        against = self.compared_with
        overdue_rate = fmt.pct(h.overdue_rate_pct) if h.overdue_rate_pct is not None else "—"
        overdue_note = "通报公布"
        check = r.check("overdue_rate")
        if check is not None and not check.agrees:
            overdue_note += f"；按逾期÷受理计算为{fmt.pct(check.computed)}"
        satisfaction = "—"
        if h.satisfaction_change_pts is not None:
            word = "下降" if h.satisfaction_change_pts < 0 else "上升"
            satisfaction = f"{word}{fmt.points(h.satisfaction_change_pts)}"
        monthly = "；".join(f"{int(m[5:])}月{fmt.pct(v)}" for m, v in h.monthly_satisfaction)
        cards = [
            ("受理", fmt.count(h.received), _change(h.received, before.received if before else None, "件", against)),
            (
                "办结率",
                fmt.pct(h.completion_rate_pct),
                _change(h.completion_rate_pct, before.completion_rate_pct if before else None, "个百分点", against),
            ),
            ("满意率较上季度", satisfaction, f"通报公布{('；' + monthly) if monthly else ''}"),
            ("逾期率", overdue_rate, overdue_note),
        ]
        body = join(
            html(
                '<div class="key-figure"><dt class="label">{}</dt>'
                '<dd class="value">{}</dd><dd class="note">{}</dd></div>',
                label,
                value,
                note,
            )
            for label, value, note in cards
        )
        return block(html('<dl class="key-figures">{}</dl>', body))

    def best_and_attention(self) -> HTML:
        r = self.latest
        ids = dict(zip(r.ranking["unit"], r.ranking["unit_id"], strict=True))
        best = join((self._unit(u, ids[u]) for u in r.best_units), "、")
        # The site's own list, by its ranking: of the rule's scores, or of the published ones.
        parts = [html("<p><strong>综合成绩较好的单位</strong>（{}）：{}</p>", r.format.score.ranked_by, best)]
        full = r.format.score.full_marks
        below = full_marks.below(r.ranking, full)
        if below.empty:
            parts.append(html("<p>所有单位综合得分均为{}分。</p>", f"{full:g}"))
        else:
            lowest = join(
                (
                    html("{}（{}分）", self._unit(row.unit, row.unit_id), fmt.number(row.composite_score))
                    for row in below.head(5).itertuples()
                ),
                "、",
            )
            kinds = full_marks.count_by_kind(r.ranking, full)
            counts = "、".join(f"{r.format.labels[k]}{n}个" for k, n in kinds.items())
            parts.append(
                html(
                    "<p><strong>需要关注的单位</strong>：本季度综合得分低于{}分的有{}个（{}），最低的是{}。</p>",
                    f"{full:g}",
                    len(below),
                    counts,
                    lowest,
                )
            )
        failed = r.differences
        if failed:
            items = join(
                html(
                    '<li><a href="{}">{}</a></li>',
                    links.href(links.quarter_page(r.id), self.here, anchor=says.anchor(c)),
                    says.label(c, r.format),
                )
                for c in failed
            )
            parts.append(
                html(
                    "<p>本季度通报有{}处数字与{}不一致：</p><ul>{}</ul>",
                    len(failed),
                    says.checked_against(r.format),
                    items,
                )
            )
        return block(join(parts))

    def about(self) -> HTML:
        """关于本网站: who issues the circular (its issuer, from the data), what it publishes (the
        format's groups and score column) and what the site checks its figures against."""
        circular = self.history.format
        return block(
            html(
                "<p>{}每季度发布通报，公布12345快速响应平台受理、办结群众诉求的情况，以及{}的工单量和{}。"
                "本网站把每期通报整理成可以浏览、检索和下载的网页：网页上的每个数字都由整理后的数据计算得出，"
                "或注明为通报公布数；通报正文与{}不一致的地方，网站逐项列出，不作修改、不予隐藏。</p>",
                self.history.issuer,
                "、".join(f"各{group.label}" for group in circular.groups),
                circular.label_of("published_score"),
                says.checked_against(circular, "、"),
            )
        )

    def quarter_list(self) -> HTML:
        items = join(
            html(
                '<li><a href="{}">{}通报</a>{}　<span class="meta">{}，{}印发</span></li>',
                links.href(links.quarter_page(r.id), self.here),
                r.id.zh,
                "（示例数据）" if r.quarter.example else "",
                r.quarter.document.number,
                fmt.date(r.quarter.document.date),
            )
            for r in reversed(self.history.results)
        )
        return block(html('<ul class="quarter-list">{}</ul>', items))
