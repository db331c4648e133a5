"""All quarters together: the long table, quarter-over-quarter changes and rank movements.

Units are followed by their registry id, so a renamed unit stays one unit over time.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from hotline.data import schema
from hotline.data.loading import Quarter, load_all
from hotline.data.registry import Registry
from hotline.pages import fmt
from hotline.rules import tidy as export

TREND_METRICS = {
    "received": "受理（件）",
    "completion_rate_pct": "办结率（%）",
    "extended": "延期（件）",
    "redone": "重办（件）",
    "overdue": "逾期（件）",
    "satisfaction_change_pts": "满意率较上季度变化（%，通报公布）",
}


@dataclass
class History:
    quarters: list[Quarter]
    registry: Registry
    units: pd.DataFrame  # the open-data long table: one row per unit per quarter

    @classmethod
    def load(cls, data_dir: Path) -> History:
        registry = Registry.load(data_dir)
        quarters = load_all(data_dir)
        units = pd.concat([export.unit_table(q, registry) for q in quarters], ignore_index=True)
        return cls(quarters, registry, units)

    @property
    def quarter_ids(self) -> list[str]:
        return [str(q.id) for q in self.quarters]

    @property
    def has_examples(self) -> bool:
        return any(q.example for q in self.quarters)

    def current_name(self, unit_id: str) -> str:
        return self.registry.units[unit_id].name

    def headline(self) -> pd.DataFrame:
        return export.headline_table(self.quarters)

    def changes(self) -> pd.DataFrame:
        """Each trend metric by quarter, with the change from the previous quarter (as the circular says 较上季度)."""
        headline = self.headline().set_index("quarter")
        rows = []
        for key, label in TREND_METRICS.items():
            values = headline[key]
            row = {"指标": label}
            for n, quarter in enumerate(values.index):
                value = values[quarter]
                text = fmt.number(value)
                if n and key != "satisfaction_change_pts" and pd.notna(values.iloc[n - 1]):
                    delta = value - values.iloc[n - 1]
                    arrow = "↑" if delta > 0 else "↓" if delta < 0 else "持平"
                    text += f"（{arrow}{fmt.number(abs(delta)) if delta else ''}）"
                row[quarter] = text
            rows.append(row)
        return pd.DataFrame(rows)

    def scored(self) -> pd.DataFrame:
        """Scored (top-level) units only, one row per unit per quarter."""
        return self.units[self.units["rank"].notna()]

    def score_matrix(self) -> pd.DataFrame:
        """Rule score of each scored unit (rows, current names) in each quarter (columns)."""
        scored = self.scored()
        matrix = scored.pivot(index="unit_id", columns="quarter", values="composite_score")
        order = scored.sort_values(["kind", "unit_id"]).drop_duplicates("unit_id")["unit_id"]
        matrix = matrix.reindex(index=order, columns=self.quarter_ids)
        matrix.index = [self.current_name(uid) for uid in matrix.index]
        return matrix

    def rank_moves(self) -> pd.DataFrame:
        """Rank of every scored unit each quarter within its kind, and its move from the previous quarter;
        town offices first, each kind in the order of its latest rank."""
        scored = self.scored()
        ranks = scored.pivot(index="unit_id", columns="quarter", values="rank").reindex(columns=self.quarter_ids)
        kinds = scored.drop_duplicates("unit_id", keep="last").set_index("unit_id")["kind"]
        rows = []
        for uid, series in ranks.iterrows():
            row = {"单位": self.current_name(uid), "类别": kinds[uid]}
            for n, quarter in enumerate(self.quarter_ids):
                rank = series[quarter]
                if pd.isna(rank):
                    row[quarter] = "退出" if n and pd.notna(series.iloc[n - 1]) else "—"
                    continue
                text = str(int(rank))
                if n:
                    before = series.iloc[n - 1]
                    if pd.isna(before):
                        text += "（新增）"
                    elif before > rank:
                        text += f"（↑{int(before - rank)}）"
                    elif before < rank:
                        text += f"（↓{int(rank - before)}）"
                row[quarter] = text
            row["_order"] = (0 if kinds[uid] == schema.KIND_ZH[schema.TOWN] else 1, series.dropna().iloc[-1])
            rows.append(row)
        table = pd.DataFrame(rows).sort_values("_order", kind="stable")
        return table.drop(columns="_order").reset_index(drop=True)

    def below_full_marks(self, run: int = 2) -> pd.DataFrame:
        """Units scoring below 100 in ``run`` or more consecutive quarters, with those quarters."""
        matrix = self.score_matrix()
        rows = []
        for name, scores in matrix.iterrows():
            streak: list[str] = []
            best: list[str] = []
            for quarter, score in scores.items():
                streak = [*streak, quarter] if pd.notna(score) and score < 100 else []
                if len(streak) > len(best):
                    best = streak
            if len(best) >= run:
                values = "、".join(f"{q}：{fmt.number(scores[q])}" for q in best)
                rows.append({"单位": name, "连续季度数": len(best), "各季度得分": values})
        return pd.DataFrame(rows, columns=["单位", "连续季度数", "各季度得分"])
