"""What the comparison notebook calls: trends, changes and rank movements across every quarter."""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from IPython.display import HTML, Markdown

from hotline.pages import charts
from hotline.pages import safe as markup
from hotline.rules.history import TREND_METRICS, History

EXAMPLE_BANNER = (
    "```{warning}\n示例数据：本页包含由程序生成的示例季度（标注“示例”），仅用于演示历史比较功能，不是真实通报。\n```"
)


def html_table(frame: pd.DataFrame, caption: str, css: str = "history") -> str:
    """A plain escaped HTML table that scrolls sideways on a phone."""
    head = "".join(f'<th scope="col">{html.escape(str(c))}</th>' for c in frame.columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape('' if pd.isna(v) else str(v))}</td>" for v in row) + "</tr>"
        for row in frame.itertuples(index=False)
    )
    return (
        f'<div class="table-scroll"><table class="{css}"><caption>{html.escape(caption)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>"
    )


def figure_markdown(chart: charts.Chart, folder: Path) -> str:
    path = folder / f"{chart.name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(chart.png)
    return markup.figure(chart, path.as_posix())


@dataclass
class ComparisonPage:
    history: History

    @classmethod
    def open(cls, data_dir: str | Path) -> ComparisonPage:
        return cls(History.load(Path(data_dir)))

    def _label(self, quarter: str) -> str:
        example = {str(q.id) for q in self.history.quarters if q.example}
        return f"{quarter}（示例）" if quarter in example else quarter

    def _relabel(self, frame: pd.DataFrame) -> pd.DataFrame:
        return frame.rename(columns={q: self._label(q) for q in self.history.quarter_ids})

    @property
    def comparable(self) -> bool:
        return len(self.history.quarters) > 1

    def introduction(self) -> Markdown:
        h = self.history
        first, last = h.quarters[0].id.zh, h.quarters[-1].id.zh
        text = f"本页比较{first}至{last}共{len(h.quarters)}个季度的通报。"
        if not self.comparable:
            text = (
                f"目前只有{first}一个季度的数据。**比较将在添加第二个季度后开始**："
                "届时本页会列出各项数字的季度变化、各单位的排名升降和得分热力图。下面先列出本季度的数字。"
            )
        if h.has_examples:
            text = EXAMPLE_BANNER + "\n\n" + text
        return Markdown(text)

    def trends(self) -> Markdown:
        return Markdown(figure_markdown(charts.headline_trends(self.history.headline(), TREND_METRICS), Path("charts")))

    def changes(self) -> HTML:
        return HTML(html_table(self._relabel(self.history.changes()), "各季度主要数字及较上季度变化（括号内）"))

    def rank_moves(self) -> HTML | Markdown:
        if not self.comparable:
            return Markdown("排名变化将在添加第二个季度后列出。")
        table = self._relabel(self.history.rank_moves())
        return HTML(
            html_table(table, "各单位排名（同类单位内）及较上季度的升降；“新增”“退出”指该季度首次或不再参与考评")
        )

    def heatmap(self) -> Markdown:
        examples = [str(q.id) for q in self.history.quarters if q.example]
        return Markdown(figure_markdown(charts.score_heatmap(self.history.score_matrix(), examples), Path("charts")))

    def below_full_marks(self) -> HTML | Markdown:
        if not self.comparable:
            return Markdown("连续低于100分的单位将在添加第二个季度后列出。")
        table = self.history.below_full_marks()
        if table.empty:
            return Markdown("没有单位连续两个或以上季度低于100分。")
        return HTML(html_table(table, "连续两个或以上季度综合得分低于100分的单位"))
