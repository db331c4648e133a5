"""How the site says a check: its label, how the computed value was worked out, and a note on a
difference. The numbers come from :class:`hotline.rules.checks.Check`; only the words are here.
"""

from __future__ import annotations

from hotline.circular import fmt
from hotline.data import schema
from hotline.format.model import CircularFormat
from hotline.rules import checks as rules
from hotline.rules.checks import Check

GROUP_TITLES = {
    rules.HEADLINE: "基本情况数字与附件表格",
    rules.TOTALS: "附件“总计”行与各行之和",
    rules.LISTS: "通报点名的单位名单",
    rules.SCORES: "公布的综合得分与计分规则",
}
# How each check relates a published figure to the tables, said once: each check's label, and the
# methodology page's list of what is checked (with the notes there). {work_orders}: that column's
# label in the format (see relation()).
HEADLINE_RELATIONS = {
    "received": "受理 = 电话直接答复 + 交办镇办（附件1合计）+ 交办部门（附件2合计）",
    "completed": "办结 = 受理 − 尚未办结",
    "completion_rate": "办结率 = 办结 ÷ 受理",
    "assigned_towns": "交办各镇（办） = 附件1{work_orders}合计",
    "assigned_departments": "交办部门和单位 = 附件2{work_orders}合计",
    "overdue_rate": "逾期率 = 逾期 ÷ 受理",
}
PROBLEMS_RELATION = "{figure} = 附件1、附件2{column}合计"  # 延期, 重办, 逾期
TOTALS_RELATION = "附件“总计”行 = 该附件各行（含下属单位）之和"


def checked_against(circular: CircularFormat, between: str = "或") -> str:
    """What the circular's figures are checked against: the tables, and the score rule where the
    format has one (where it takes the published scores as they are, there is nothing to check them by)."""
    return "附件表格" if circular.score.published_only else f"附件表格{between}计分规则"


def worked_out(circular: CircularFormat) -> str:
    """Where the site's figure of a check comes from, as a column or a sentence heads it."""
    return "按附件" if circular.score.published_only else "按附件/规则"


def disagree(circular: CircularFormat, count: int) -> str:
    """How many of a quarter's published figures disagree, in the site's one sentence for it."""
    return f"通报中有{count}处数字与{checked_against(circular)}不一致。"


def relation(key: str, circular: CircularFormat) -> str:
    """A headline check's relation to the tables, with the columns named as the format labels them."""
    return HEADLINE_RELATIONS[key].format(work_orders=circular.label_of("work_orders"))


def best_named(circular: CircularFormat, between: str = "、") -> str:
    """How many units of each group the circular names as best, as the format says: 前2的镇办、前3的部门."""
    return between.join(f"前{g.best_named}的{g.label}" for g in circular.groups)


def anchor(check: Check) -> str:
    """The id of the check's row in 数据核对, for links to it."""
    return "check-" + check.key.replace(".", "-")


def mark(check: Check) -> str:
    return "✓" if check.agrees else "✗"


def label(check: Check, circular: CircularFormat) -> str:
    if check.key in HEADLINE_RELATIONS:
        return relation(check.key, circular)
    if check.key == "best_units":
        return f"综合成绩较好的单位（排名{best_named(circular)}）"
    if check.group == rules.HEADLINE:
        column = schema.BY_KEY[check.column]
        return PROBLEMS_RELATION.format(figure=column.zh.removesuffix("量"), column=circular.label_of(column.key))
    if check.group == rules.TOTALS:
        return f"附件{schema.ATTACHMENT_NO[check.kind]}总计·{circular.label_of(check.column)}"
    if check.group == rules.SCORES:
        return f"{check.unit}（{circular.labels[check.kind]}）"
    work_orders = circular.label_of("work_orders")
    if check.key == "top_volume":
        return f"工单量较多的单位 = 附件中{work_orders}最多的{len(check.published)}个单位"
    return f"工单量较多单位·{check.unit}的{work_orders}"


def _value(check: Check, value) -> str:
    if check.key in ("completion_rate", "overdue_rate"):
        return fmt.pct(value)
    if check.group == rules.HEADLINE:
        return fmt.count(value)
    if check.key == "best_units":
        return fmt.join(value)
    if check.key == "top_volume":
        return fmt.join(f"{unit}（{n}）" for unit, n in value)
    return fmt.number(value)


def published(check: Check) -> str:
    return _value(check, check.published)


def computed(check: Check, circular: CircularFormat) -> str:
    """The computed value, and for a formula the numbers it came from (a score: the format's rule
    with the unit's points)."""
    if check.group == rules.SCORES:
        bonus, penalty = (fmt.number(n) for n in check.operands)
        return f"{circular.score.with_points(bonus, penalty)} = {_value(check, check.computed)}"
    return _worked(check)


def _worked(check: Check) -> str:
    value = _value(check, check.computed)
    ops = [fmt.number(n) for n in check.operands]
    if check.key == "received" or check.key in ("extended", "redone", "overdue"):
        return f"{' + '.join(ops)} = {value}"
    if check.key == "completed":
        return f"{ops[0]} − {ops[1]} = {value}"
    if check.key in ("completion_rate", "overdue_rate"):
        return f"{ops[0]} ÷ {ops[1]} = {value}"
    return value


def shown(check: Check) -> str:
    """The computed value as a page shows it: as :func:`computed`, but a score without its formula
    (a page shows the points in columns of their own and the rule once, in words, on the
    methodology page; staff's commands keep the formula)."""
    if check.group == rules.SCORES:
        return _value(check, check.computed)
    return _worked(check)


def note(check: Check, units=None) -> str:
    """A plain sentence on a difference ("" when the figures agree)."""
    if check.agrees:
        return ""
    if check.key in ("extended", "redone", "overdue"):
        gap = check.published - check.computed
        return f"通报正文为{check.published}件，附件表格合计为{check.computed}件，相差{gap}件；通报未作说明。"
    if check.key == "overdue_rate":
        return "通报未说明逾期率的计算口径，按通报的逾期件数和受理件数算不出公布的逾期率。"
    if check.group == rules.SCORES:
        return (
            f"按计分规则计算为{fmt.number(check.computed)}分，与通报公布的{fmt.number(check.published)}分不一致；"
            f"网站的排名按计算的{fmt.number(check.computed)}分排出。"
        )
    if check.key == "top_volume" and units is not None:
        missed = rules.passed_over(check, units)
        return (
            f"通报点名的单位不是附件中工单量最多的{len(check.published)}个："
            f"{fmt.join(f'{u}（{n}）' for u, n in missed)}的工单量更多，但未被列出；通报未说明选取口径。"
        )
    if check.group == rules.TOTALS:
        return f"总计行为{check.published}，各行之和为{check.computed}。"
    return "通报公布的数字与附件表格或计分规则不一致。"  # only the score checks are against the rule
