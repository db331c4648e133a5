"""The comparison page: headline trends, changes from quarter to quarter, rank movements, a score
heatmap and the units below full marks in consecutive quarters, every unit linked to its page."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from IPython.display import HTML

from hotline.circular import fmt
from hotline.pages import charts, compared, links
from hotline.pages.banner import example_banner
from hotline.pages.safe import Source, block, html, join
from hotline.pages.tables import Column, link, table
from hotline.rules import moves
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


def _move_text(move: moves.Move) -> str:
    """A rank move as its cell shows it (the move itself is worked out in rules.moves)."""
    if move.status == moves.GONE:
        return "退出"
    if move.status == moves.ABSENT:
        return "—"
    marks = {moves.UP: f"（↑{move.places}）", moves.DOWN: f"（↓{move.places}）", moves.NEW: "（新增）"}
    return f"{move.rank}{marks.get(move.status, '')}"


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
        gaps = "".join(compared.aside(before) for _, before in h.gaps())  # （2023年第四季度无数据）
        text = html("<p>本页比较{}至{}共{}个季度的通报{}。</p>", first, last, len(h.results), gaps)
        if not self.comparable:
            text = html(
                "<p>目前只有{}一个季度的数据。<strong>比较将在添加第二个季度后开始</strong>："
                "届时本页会列出各项数字的季度变化、各单位的排名升降和得分热力图。下面先列出本季度的数字。</p>",
                first,
            )
        if h.has_examples:
            text = example_banner(EXAMPLE_NOTE) + text
        return block(text)

    def trends(self) -> charts.Chart | HTML:
        """The headline figures by quarter; with one quarter there is no change to draw (its
        figures are in the table below)."""
        if not self.comparable:
            return block(html("<p>各项数字的变化图将在添加第二个季度后画出。</p>"))
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
        return block(join([self._gap_notes(), table("changes", caption, columns, rows, css="history")]))

    def _gap_notes(self) -> Source:
        """Before a table that compares each quarter with the one before: which quarters are compared
        across a gap, and with what (rules.periods: the latest earlier quarter with data)."""
        return join(html("<p>{}</p>", compared.gap_note(quarter.zh, before)) for quarter, before in self.history.gaps())

    def rank_moves(self) -> HTML:
        if not self.comparable:
            return block(html("<p>排名变化将在添加第二个季度后列出。</p>"))
        quarters = self.history.quarter_ids
        rows = []
        for unit_id, unit_moves in self.history.rank_moves().items():
            cells = [self._unit(unit_id), self.history.format.labels[self.history.kind_of(unit_id)]]
            cells += [_move_text(move) for move in unit_moves]
            rows.append(cells)
        columns = [Column("单位"), Column("类别")] + [Column(self._label(q), numeric=True) for q in quarters]
        caption = "各单位排名（同类单位内）及较上季度的升降；“新增”“退出”指该季度首次或不再参与考评"
        return block(join([self._gap_notes(), table("rank-moves", caption, columns, rows, css="history")]))

    def heatmap(self) -> charts.Chart | HTML:
        """The scores of every unit in every quarter; with one quarter, a sentence instead of a
        one-column grid (over a thousand pixels of colour on a phone, compared with nothing)."""
        if not self.comparable:
            only = self.history.results[0].id
            return block(
                html(
                    '<p>得分热力图将在添加第二个季度后画出。各单位本季度的得分见<a href="{}">{}通报</a>的附件。</p>',
                    links.href(links.quarter_page(only), self.here),
                    only.zh,
                )
            )
        examples = [str(r.id) for r in self.history.results if r.quarter.example]
        matrix = self.history.score_matrix()
        matrix.index = [self.history.current_name(uid) for uid in matrix.index]
        self.figures += 1
        return charts.numbered(
            charts.score_heatmap(
                matrix,
                examples,
                self.history.format.score.full_marks,
                published_only=self.history.format.score.published_only,
            ),
            self.figures,
        )

    def below_full_marks(self) -> HTML:
        full = f"{self.history.format.score.full_marks:g}"
        if not self.comparable:
            return block(html("<p>连续低于{}分的单位将在添加第二个季度后列出。</p>", full))
        found = self.history.below_full_marks()
        if not found:
            return block(html("<p>没有单位连续两个或以上季度低于{}分。</p>", full))
        matrix = self.history.score_matrix()
        rows = [
            [self._unit(uid), len(quarters), "、".join(f"{q}：{fmt.number(matrix.loc[uid, q])}" for q in quarters)]
            for uid, quarters in found
        ]
        columns = [Column("单位"), Column("连续季度数", numeric=True), Column("各季度得分")]
        return block(table("below-full-marks", f"连续两个或以上季度综合得分低于{full}分的单位", columns, rows))
