"""Published figures checked against the attachment tables and the rules.

A disagreement is a finding to publish, never an error: the page lists every check with the
published value, the value from the tables and ✓ or ✗.
"""

from __future__ import annotations

from dataclasses import dataclass

from hotline.data import schema
from hotline.data.loading import Quarter
from hotline.pages import fmt
from hotline.rules import scoring

HEADLINE = "headline"
TOTALS = "totals"
SCORES = "scores"
LISTS = "lists"
GROUP_TITLES = {
    HEADLINE: "基本情况数字与附件表格",
    TOTALS: "附件“总计”行与各行之和",
    SCORES: "公布的综合得分与计分规则",
    LISTS: "通报点名的单位名单",
}


@dataclass(frozen=True)
class Check:
    group: str
    key: str
    label: str
    published: str  # as the circular prints it
    computed: str  # from the tables or the rule, with the working where it helps
    agrees: bool
    note: str = ""

    @property
    def mark(self) -> str:
        return "✓" if self.agrees else "✗"


def attachment_sums(quarter: Quarter) -> dict[str, dict[str, int]]:
    """Per kind, the sum of each count column over all its rows (sub-units included)."""
    sums = quarter.units.groupby("kind")[[c.key for c in schema.COUNT_COLUMNS]].sum()
    return {kind: {k: int(v) for k, v in sums.loc[kind].items()} for kind in sums.index}


def _headline_checks(quarter: Quarter) -> list[Check]:
    h = quarter.headline
    sums = attachment_sums(quarter)
    towns, departments = sums[schema.TOWN], sums[schema.DEPARTMENT]
    received = h.answered_directly + towns["work_orders"] + departments["work_orders"]
    outstanding = sum(o.count for o in h.outstanding)
    completed = h.received - outstanding
    rate = fmt.round_like(100 * h.completed / h.received, h.completion_rate_pct)
    checks = [
        Check(
            HEADLINE,
            "received",
            "受理 = 电话直接答复 + 交办镇办（附件1合计）+ 交办部门（附件2合计）",
            fmt.count(h.received),
            f"{h.answered_directly} + {towns['work_orders']} + {departments['work_orders']} = {fmt.count(received)}",
            received == h.received,
        ),
        Check(
            HEADLINE,
            "completed",
            "办结 = 受理 − 尚未办结",
            fmt.count(h.completed),
            f"{h.received} − {outstanding} = {fmt.count(completed)}",
            completed == h.completed,
        ),
        Check(
            HEADLINE,
            "completion_rate",
            "办结率 = 办结 ÷ 受理",
            fmt.pct(h.completion_rate_pct),
            f"{h.completed} ÷ {h.received} = {fmt.pct(rate)}",
            rate == h.completion_rate_pct,
        ),
        Check(
            HEADLINE,
            "assigned_towns",
            "交办各镇（办） = 附件1承办工单量合计",
            fmt.count(h.assigned_towns),
            fmt.count(towns["work_orders"]),
            h.assigned_towns == towns["work_orders"],
        ),
        Check(
            HEADLINE,
            "assigned_departments",
            "交办部门和单位 = 附件2承办工单量合计",
            fmt.count(h.assigned_departments),
            fmt.count(departments["work_orders"]),
            h.assigned_departments == departments["work_orders"],
        ),
    ]
    for column in (schema.EXTENDED, schema.REDONE, schema.OVERDUE):
        published = getattr(h, column.key)
        total = towns[column.key] + departments[column.key]
        word = column.zh.removesuffix("量")
        checks.append(
            Check(
                HEADLINE,
                column.key,
                f"{word} = 附件1、附件2{column.zh}合计",
                fmt.count(published),
                f"{towns[column.key]} + {departments[column.key]} = {fmt.count(total)}",
                published == total,
                ""
                if published == total
                else f"通报正文为{published}件，附件表格合计为{total}件，相差{published - total}件；通报未作说明。",
            )
        )
    if h.overdue_rate_pct is not None:
        rate = fmt.round_like(100 * h.overdue / h.received, h.overdue_rate_pct)
        agrees = rate == h.overdue_rate_pct
        checks.append(
            Check(
                HEADLINE,
                "overdue_rate",
                "逾期率 = 逾期 ÷ 受理",
                fmt.pct(h.overdue_rate_pct),
                f"{h.overdue} ÷ {h.received} = {fmt.pct(rate)}",
                agrees,
                "" if agrees else "通报未说明逾期率的计算口径，按通报的逾期件数和受理件数算不出公布的逾期率。",
            )
        )
    return checks


def _total_checks(quarter: Quarter) -> list[Check]:
    sums = attachment_sums(quarter)
    checks = []
    for kind, totals in quarter.published_totals.items():
        for column in schema.COUNT_COLUMNS:
            published, total = totals[column.key], sums[kind][column.key]
            checks.append(
                Check(
                    TOTALS,
                    f"{kind}.{column.key}",
                    f"附件{schema.ATTACHMENT_NO[kind]}总计·{column.zh}",
                    fmt.number(published),
                    fmt.number(total),
                    published == total,
                )
            )
    return checks


def _score_checks(ranking) -> list[Check]:
    checks = []
    for row in ranking[ranking["published_score"].notna()].itertuples():
        agrees = round(row.published_score, 2) == row.composite_score
        points = f"{fmt.number(row.bonus_total)} − {fmt.number(row.penalty_total)}"
        working = f"min(100, 100 + {points}) = {fmt.number(row.composite_score)}"
        note = ""
        if not agrees:
            computed, published = fmt.number(row.composite_score), fmt.number(row.published_score)
            note = f"按规则计算为{computed}分，与通报公布的{published}分不一致。"
        checks.append(
            Check(
                SCORES,
                f"score.{row.unit}",
                f"{row.unit}（{schema.KIND_ZH[row.kind]}）",
                fmt.number(row.published_score),
                working,
                agrees,
                note,
            )
        )
    return checks


def _list_checks(quarter: Quarter, ranking) -> list[Check]:
    best = scoring.best_units(ranking)
    published_best = list(quarter.published_best_units)
    checks = [
        Check(
            LISTS,
            "best_units",
            "综合成绩较好的单位（排名前2的镇办、前3的部门）",
            fmt.join_units(published_best),
            fmt.join_units(best),
            best == published_best,
        )
    ]
    work_orders = dict(zip(quarter.units["unit"], quarter.units["work_orders"], strict=True))
    for unit, published in quarter.published_top_volume:
        checks.append(
            Check(
                LISTS,
                f"top_volume.{unit}",
                f"工单量较多单位·{unit}的承办工单量",
                fmt.number(published),
                fmt.number(work_orders[unit]),
                work_orders[unit] == published,
            )
        )
    named = [unit for unit, _ in quarter.published_top_volume]
    largest = scoring.most_work_orders(quarter.units, len(named))
    agrees = [unit for unit, _ in largest] == named
    note = ""
    if not agrees:
        smallest_named = min(work_orders[unit] for unit in named)
        passed_over = [
            f"{unit}（{n}）"
            for unit, n in scoring.most_work_orders(quarter.units, len(quarter.units))
            if n > smallest_named and unit not in named
        ]
        note = (
            f"通报点名的单位不是附件中工单量最多的{len(named)}个：{fmt.join_units(passed_over)}"
            "的工单量更多，但未被列出；通报未说明选取口径。"
        )
    checks.append(
        Check(
            LISTS,
            "top_volume",
            f"工单量较多的单位 = 附件中承办工单量最多的{len(named)}个单位",
            fmt.join_units([f"{u}（{n}）" for u, n in quarter.published_top_volume]),
            fmt.join_units([f"{u}（{n}）" for u, n in largest]),
            agrees,
            note,
        )
    )
    return checks


def reconcile(quarter: Quarter) -> list[Check]:
    ranking = scoring.ranked_units(quarter.units)
    return _headline_checks(quarter) + _total_checks(quarter) + _score_checks(ranking) + _list_checks(quarter, ranking)


def by_key(checks: list[Check]) -> dict[str, Check]:
    return {c.key: c for c in checks}
