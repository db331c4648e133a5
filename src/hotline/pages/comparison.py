"""The comparison page: headline trends, changes from quarter to quarter, rank movements, a score
heatmap and the units below full marks in consecutive quarters, every unit linked to its page."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from IPython.display import HTML

from hotline.circular import fmt
from hotline.data import schema
from hotline.pages import charts, links
from hotline.pages.banner import example_banner
from hotline.pages.safe import block, html
from hotline.pages.tables import Column, link, table
from hotline.rules.history import TREND_KEYS, History

EXAMPLE_NOTE = "示例数据：本页包含由程序生成的示例季度（标注“示例”），仅用于演示历史比较功能，不是真实通报。"
TREND_LABELS = {
    "received": "受理（件）",
    "completion_rate_pct": "办结率（%）",
    "extended": "延期（件）",
    "redone": "重办（件）",
    "overdue": "逾期（件）",
    "satisfaction_change_pts": "满意率较上季度变化（%，通报公布）",
}


@dataclass
class ComparisonPage:
    history: History
    here: str = links.COMPARISON
    figures: int = field(default=0)

    @classmethod
    def open(cls, data_dir: str | Path = "../data", saved: str | Path | None = None) -> ComparisonPage:
        return cls(History.open(Path(data_dir), saved))

    def _label(self, quarter: str) -> str:
        example = {str(r.id) for r in self.history.results if r.quarter.example}
        return f"{quarter}（示例）" if quarter in example else quarter

    def _unit(self, unit_id: str):
        return link(self.history.current_name(unit_id), links.href(links.unit_page(unit_id), self.here))

    @property
    def comparable(self) -> bool:
        return len(self.history.results) > 1

    def introduction(self) -> HTML:
        h = self.history
        first, last = h.results[0].id.zh, h.results[-1].id.zh
        text = html("<p>本页比较{}至{}共{}个季度的通报。</p>", first, last, len(h.results))
        if not self.comparable:
            text = html(
                "<p>目前只有{}一个季度的数据。<strong>比较将在添加第二个季度后开始</strong>："
                "届时本页会列出各项数字的季度变化、各单位的排名升降和得分热力图。下面先列出本季度的数字。</p>",
                first,
            )
        if h.has_examples:
            text = example_banner(EXAMPLE_NOTE) + text
        return block(text)

    def trends(self) -> charts.Chart:
        self.figures += 1
        return charts.numbered(charts.headline_trends(self.history.headline(), TREND_LABELS), self.figures)

    def changes(self) -> HTML:
        values, deltas = self.history.changes()
        quarters = self.history.quarter_ids
        rows = []
        for key in TREND_KEYS:
            cells = [TREND_LABELS[key]]
            for quarter in quarters:
                value, delta = values.loc[key, quarter], deltas.loc[key, quarter]
                text = fmt.number(value)
                if pd.notna(delta) and pd.notna(value):
                    text += "（持平）" if delta == 0 else f"（{'↑' if delta > 0 else '↓'}{fmt.number(abs(delta))}）"
                cells.append(text)
            rows.append(cells)
        columns = [Column("指标")] + [Column(self._label(q), numeric=True) for q in quarters]
        caption = "各季度主要数字（通报公布）及较上季度的变化（括号内）"
        return block(table("changes", caption, columns, rows, css="history"))

    def rank_moves(self) -> HTML:
        if not self.comparable:
            return block(html("<p>排名变化将在添加第二个季度后列出。</p>"))
        ranks = self.history.ranks()
        quarters = self.history.quarter_ids
        rows = []
        for unit_id, series in ranks.iterrows():
            cells = [self._unit(unit_id), schema.KIND_ZH[self.history.kind_of(unit_id)]]
            for n, quarter in enumerate(quarters):
                rank = series[quarter]
                before = series.iloc[n - 1] if n else pd.NA
                if pd.isna(rank):
                    cells.append("退出" if n and pd.notna(before) else "—")
                    continue
                text = str(int(rank))
                if n:
                    if pd.isna(before):
                        text += "（新增）"
                    elif before > rank:
                        text += f"（↑{int(before - rank)}）"
                    elif before < rank:
                        text += f"（↓{int(rank - before)}）"
                cells.append(text)
            rows.append(cells)
        columns = [Column("单位"), Column("类别")] + [Column(self._label(q), numeric=True) for q in quarters]
        caption = "各单位排名（同类单位内）及较上季度的升降；“新增”“退出”指该季度首次或不再参与考评"
        return block(table("rank-moves", caption, columns, rows, css="history"))

    def heatmap(self) -> charts.Chart:
        examples = [str(r.id) for r in self.history.results if r.quarter.example]
        matrix = self.history.score_matrix()
        matrix.index = [self.history.current_name(uid) for uid in matrix.index]
        self.figures += 1
        return charts.numbered(charts.score_heatmap(matrix, examples), self.figures)

    def below_full_marks(self) -> HTML:
        if not self.comparable:
            return block(html("<p>连续低于100分的单位将在添加第二个季度后列出。</p>"))
        found = self.history.below_full_marks()
        if not found:
            return block(html("<p>没有单位连续两个或以上季度低于100分。</p>"))
        matrix = self.history.score_matrix()
        rows = [
            [self._unit(uid), len(quarters), "、".join(f"{q}：{fmt.number(matrix.loc[uid, q])}" for q in quarters)]
            for uid, quarters in found
        ]
        columns = [Column("单位"), Column("连续季度数", numeric=True), Column("各季度得分")]
        return block(table("below-full-marks", "连续两个或以上季度综合得分低于100分的单位", columns, rows))
