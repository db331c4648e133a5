"""What a quarter notebook calls: each method returns one displayable block of the page."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from IPython.display import HTML, Markdown

from hotline.data.loading import Quarter, load_quarter
from hotline.pages import charts, circular
from hotline.pages import safe as markup
from hotline.rules import reconcile, scoring
from hotline.rules import tidy as export

CHART_DIR = Path("charts")
DOWNLOAD_DIR = Path("downloads")


@dataclass
class QuarterPage:
    quarter: Quarter
    checks: list[reconcile.Check]

    @classmethod
    def open(cls, quarter: str, data_dir: str | Path) -> QuarterPage:
        loaded = load_quarter(Path(data_dir), quarter)
        return cls(loaded, reconcile.reconcile(loaded))

    def header(self) -> Markdown:
        return Markdown(circular.header(self.quarter))

    def discrepancies(self) -> Markdown:
        return Markdown(circular.discrepancy_summary(self.checks))

    def basic_situation(self) -> Markdown:
        return Markdown(circular.basic_situation(self.quarter, self.checks))

    def published_only(self) -> Markdown:
        return Markdown(circular.published_only(self.quarter))

    def narrative(self, section: str) -> Markdown:
        """Staff-written Markdown: formatting such as **bold** works, HTML tags are shown as text."""
        return Markdown(markup.escape(self.quarter.narrative[section]))

    def closing(self) -> Markdown:
        return Markdown(circular.closing(self.quarter))

    def attachment(self, kind: str) -> HTML:
        return HTML(circular.attachment_table(self.quarter, kind))

    def reconciliation(self, group: str) -> HTML:
        return HTML(circular.reconciliation_table(self.checks, group))

    def chart(self, name: str) -> Markdown:
        """Draw a chart to charts/<quarter>-<name>.png beside the page and show it with its alt text."""
        q = self.quarter
        drawn = {
            "work_orders": lambda: charts.work_orders_by_unit(q.units, q.id.zh),
            "composite_scores": lambda: charts.composite_scores(scoring.ranked_units(q.units), q.id.zh),
            "problems": lambda: charts.problems_by_unit(q.units, q.id.zh),
        }[name]()
        path = CHART_DIR / f"{q.id}-{drawn.name}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(drawn.png)
        return Markdown(markup.figure(drawn, path.as_posix()))

    def downloads(self) -> Markdown:
        path = export.write_csv(export.unit_table(self.quarter), DOWNLOAD_DIR / f"{self.quarter.id}-units.csv")
        return Markdown(
            f"- {{download}}`本季度各单位数据（CSV，UTF-8，可用 Excel 打开）<{path.as_posix()}>`\n"
            "- 列的含义与计算规则见{doc}`../methodology`。"
        )
