"""What the home-page notebook calls: the latest quarter at a glance and links to everything."""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path

from IPython.display import HTML, Markdown

from hotline.data import schema
from hotline.pages import fmt
from hotline.pages import safe as markup
from hotline.pages.units import unit_page_name
from hotline.rules import reconcile, scoring
from hotline.rules.history import History


def _change(value: float, previous: float | None, unit: str) -> str:
    if previous is None:
        return ""
    delta = value - previous
    if delta == 0:
        return "与上季度持平"
    return f"较上季度{'增加' if delta > 0 else '减少'}{fmt.number(abs(delta))}{unit}"


@dataclass
class HomePage:
    history: History

    @classmethod
    def open(cls, data_dir: str | Path) -> HomePage:
        return cls(History.load(Path(data_dir)))

    @property
    def latest(self):
        return self.history.quarters[-1]

    @property
    def previous(self):
        quarters = self.history.quarters
        return quarters[-2] if len(quarters) > 1 and quarters[-2].id == self.latest.id.previous else None

    def latest_heading(self) -> Markdown:
        q = self.latest
        example = "（示例数据）" if q.example else ""
        link = f"{{doc}}`阅读全文 <quarters/{q.id}>`"
        return Markdown(f"## 最新一期：{q.id.zh}{example}\n\n{link}　{markup.escape(q.document.number)}")

    def key_figures(self) -> HTML:
        h, before = self.latest.headline, self.previous.headline if self.previous else None
        checks = reconcile.by_key(reconcile.reconcile(self.latest))
        overdue_rate = fmt.pct(h.overdue_rate_pct) if h.overdue_rate_pct is not None else "—"
        overdue_note = "通报公布"
        if "overdue_rate" in checks and not checks["overdue_rate"].agrees:
            overdue_note += f"；按逾期÷受理计算为{checks['overdue_rate'].computed.split('= ')[-1]}"
        satisfaction = "—"
        if h.satisfaction_change_pts is not None:
            word = "下降" if h.satisfaction_change_pts < 0 else "上升"
            satisfaction = f"{word}{fmt.number(abs(h.satisfaction_change_pts))}%"
        monthly = "；".join(f"{int(m[5:])}月{fmt.pct(v)}" for m, v in h.monthly_satisfaction)
        cards = [
            ("受理", fmt.count(h.received), _change(h.received, before.received if before else None, "件")),
            (
                "办结率",
                fmt.pct(h.completion_rate_pct),
                _change(h.completion_rate_pct, before.completion_rate_pct if before else None, "个百分点"),
            ),
            ("满意率较上季度", satisfaction, f"通报公布{('；' + monthly) if monthly else ''}"),
            ("逾期率", overdue_rate, overdue_note),
        ]
        body = "".join(
            f'<div class="key-figure"><div class="label">{html.escape(label)}</div>'
            f'<div class="value">{html.escape(value)}</div><div class="note">{html.escape(note)}</div></div>'
            for label, value, note in cards
        )
        return HTML(f'<div class="key-figures">{body}</div>')

    def _link(self, name: str) -> str:
        unit = self.history.registry.resolve(name, self.latest.id)
        if unit is None:
            return markup.escape(name)
        return f"{{doc}}`{markup.title(name)} <units/{unit_page_name(unit.id)}>`"

    def best_and_attention(self) -> Markdown:
        ranking = scoring.ranked_units(self.latest.units)
        best = scoring.best_units(ranking)
        lines = [f"**综合成绩较好的单位**：{'、'.join(self._link(u) for u in best)}", ""]
        below = ranking[ranking["composite_score"] < 100].sort_values("composite_score", kind="stable")
        if below.empty:
            lines.append("所有单位综合得分均为100分。")
        else:
            named = "、".join(
                f"{self._link(r.unit)}（{fmt.number(r.composite_score)}分）" for r in below.head(5).itertuples()
            )
            kinds = below.groupby("kind").size()
            counts = "、".join(f"{schema.KIND_ZH[k]}{kinds.get(k, 0)}个" for k in (schema.TOWN, schema.DEPARTMENT))
            lines.append(
                f"**需要关注的单位**：本季度综合得分低于100分的有{len(below)}个（{counts}），最低的是{named}。"
            )
        failed = [c for c in reconcile.reconcile(self.latest) if not c.agrees]
        if failed:
            lines += ["", f"本季度通报有{len(failed)}处数字与附件表格或计分规则不一致，详见通报页面的“数据核对”。"]
        return Markdown("\n".join(lines))

    def quarter_list(self) -> Markdown:
        items = []
        for q in reversed(self.history.quarters):
            example = "（示例数据）" if q.example else ""
            items.append(f"- {{doc}}`{q.id.zh}{example} <quarters/{q.id}>`　{markup.escape(q.document.number)}")
        return Markdown("\n".join(items))
