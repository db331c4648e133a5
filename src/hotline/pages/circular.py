"""The quarter page's text, in the circular's own phrasing, with every figure taken from data.

Functions return MyST Markdown or HTML strings so they can be unit-tested without a notebook.
"""

from __future__ import annotations

import html

import pandas as pd

from hotline.data import schema
from hotline.data.loading import Quarter
from hotline.data.quarter_id import QuarterId
from hotline.pages import fmt
from hotline.pages import safe as markup
from hotline.rules import reconcile, scoring


def page_title(quarter: Quarter) -> str:
    return f"{quarter.id.zh}工单办理情况通报"


EXAMPLE_BANNER = (
    "```{warning}\n示例数据：本季度的数字由程序随机生成，仅用于演示网站的历史比较功能，不是真实通报。\n```\n"
)


def header(quarter: Quarter) -> str:
    d = quarter.document
    return (EXAMPLE_BANNER if quarter.example else "") + "\n".join(
        [
            f"**{markup.escape(d.issuer)}文件**　{markup.escape(d.number)}　"
            f'<a class="print-hidden" href="../pdf/{quarter.id}.pdf">下载打印版（PDF）</a>',
            "",
            f"## {markup.title(d.title)}",
            "",
            f"{markup.escape(d.addressees)}：",
            "",
            markup.escape(quarter.narrative["preamble"]),
        ]
    )


def _flag(check: reconcile.Check) -> str:
    """An inline marker after a published figure that the tables do not bear out."""
    return "" if check.agrees else f"<sup>[✗ 附件合计为{check.computed.split('= ')[-1]}，见数据核对]</sup>"


def basic_situation(quarter: Quarter, checks: list[reconcile.Check]) -> str:
    """一、基本情况, sentence by sentence as the circular writes it."""
    h = quarter.headline
    c = reconcile.by_key(checks)
    q = quarter.id.zh_short
    sums = reconcile.attachment_sums(quarter)
    kind_of = dict(zip(quarter.units["unit"], quarter.units["kind"], strict=True))
    outstanding = {kind: [o for o in h.outstanding if kind_of[o.unit] == kind] for kind in schema.KIND_ZH}

    def not_completed(kind: str) -> str:
        return "".join(f"，{markup.escape(o.unit)}{o.count}件尚未办结" for o in outstanding[kind])

    joint = "全部办结" if h.joint_dispatch_outstanding == 0 else f"{h.joint_dispatch_outstanding}件尚未办结"
    as_of = f"{h.completed_as_of.month}月{h.completed_as_of.day}日"
    rate = 100 * h.completed / h.received
    first = (
        f"{q}，我县12345快速响应平台共受理事项{fmt.count(h.received)}{_flag(c['received'])}，截止{as_of}，"
        f"办结{fmt.count(h.completed)}{_flag(c['completed'])}，"
        f"办结率{fmt.pct(fmt.round_like(rate, h.completion_rate_pct))}{_flag(c['completion_rate'])}，"
        f"延期{fmt.count(h.extended)}{_flag(c['extended'])}，重办{fmt.count(h.redone)}{_flag(c['redone'])}，"
        f"逾期{fmt.count(h.overdue)}{_flag(c['overdue'])}（具体见附件）。"
        f"其中通过电话咨询直接答复{fmt.count(h.answered_directly)}，"
        f"交办各镇（办）{fmt.count(sums[schema.TOWN]['work_orders'])}{not_completed(schema.TOWN)}，"
        f"交办部门和单位{fmt.count(sums[schema.DEPARTMENT]['work_orders'])}{not_completed(schema.DEPARTMENT)}，"
        f"联合派单{fmt.count(h.joint_dispatch)}{joint}。"
    )
    work_orders = dict(zip(quarter.units["unit"], quarter.units["work_orders"], strict=True))
    named = "、".join(f"{markup.escape(u)}（{work_orders[u]}）" for u, _ in quarter.published_top_volume)
    volume_check = c["top_volume"]
    second = f"从承办数量看，工单量较多的是{named}。" + (
        "" if volume_check.agrees else "<sup>[名单为通报所列，✗ 不是工单量最多的几个单位，见数据核对]</sup>"
    )
    best = scoring.best_units(scoring.ranked_units(quarter.units))
    third = f"{q}综合成绩较好的单位有：{markup.escape(fmt.join_units(best))}。" + (
        "" if c["best_units"].agrees else f"<sup>[✗ 通报公布为{markup.escape(c['best_units'].published)}]</sup>"
    )
    return "\n\n".join([first, second + markup.escape(quarter.narrative["quality_remark"]), third])


def discrepancy_summary(checks: list[reconcile.Check]) -> str:
    """A plain statement, near the top of the page, of every published figure the data do not bear out."""
    failed = [c for c in checks if not c.agrees]
    if not failed:
        return "本季度通报公布的数字与附件表格、计分规则全部一致（见文末“数据核对”）。"
    lines = [f"**请注意：本季度通报中有{len(failed)}处数字与附件表格或计分规则不一致**（详见文末“数据核对”）："]
    for check in failed:
        label, published, computed = (markup.escape(t) for t in (check.label, check.published, check.computed))
        lines.append(f"- {label}：通报为 {published}，按附件/规则为 {computed}。{markup.escape(check.note)}")
    return "\n".join(lines)


def published_only(quarter: Quarter) -> str:
    """Figures the circular states that no table in it can confirm."""
    h = quarter.headline
    items = [f"联合派单{fmt.count(h.joint_dispatch)}（已分别计入镇办、部门工单量，附件未单列）"]
    if h.satisfaction_change_pts is not None:
        direction = "下降" if h.satisfaction_change_pts < 0 else "上升"
        previous = QuarterId.parse(h.satisfaction_compared_with).zh if h.satisfaction_compared_with else "上季度"
        items.append(f"满意率与{previous}相较{direction}{fmt.number(abs(h.satisfaction_change_pts))}%")
    items += [f"{month[:4]}年{int(month[5:])}月满意率{fmt.pct(value)}" for month, value in h.monthly_satisfaction]
    return "以下数字仅见于通报正文，附件中没有可供核对的数据，按公布数展示：" + "；".join(items) + "。"


# --- tables -------------------------------------------------------------------------------------


def _cell(value, *, blank_zero: bool = True) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if blank_zero and value == 0:
        return ""
    return fmt.number(value)


def attachment_table(quarter: Quarter, kind: str) -> str:
    """附件1 or 附件2 as an HTML table in ranking order, sub-units under their parent.

    Zeros are left blank as in the circular; the rule score and a ✓/✗ against the published
    score are added beside it.
    """
    ranking = scoring.ranked_units(quarter.units)
    ranking = ranking[ranking["kind"] == kind]
    units = quarter.units[quarter.units["kind"] == kind]
    has_sub_units = (units["parent"] != "").any()
    counts = [c.key for c in schema.COUNT_COLUMNS]
    points = [c.key for c in schema.POINT_COLUMNS]
    head = ["排名", schema.UNIT.zh] + ([schema.SUB_UNIT.zh] if has_sub_units else [])
    head += [schema.zh(k) for k in counts + points] + ["综合得分<br>（通报）", "综合得分<br>（按规则）", "核对"]
    rows = []
    for scored in ranking.itertuples():
        members = units[(units["unit"] == scored.unit) | (units["parent"] == scored.unit)]
        for member in members.itertuples():
            is_parent = member.parent == ""
            cells = [str(scored.rank) if is_parent else "", html.escape(member.unit) if is_parent else ""]
            if has_sub_units:
                cells.append("" if is_parent else html.escape(member.unit))
            cells += [_cell(getattr(member, k)) for k in counts + points]
            if is_parent:
                agrees = pd.isna(scored.published_score) or scored.published_score == scored.composite_score
                mark = "✓" if agrees else "✗"
                cells += [_cell(scored.published_score, blank_zero=False), fmt.number(scored.composite_score), mark]
            else:
                cells += ["", "", ""]
            css = "unit" if is_parent else "sub-unit"
            if is_parent and not agrees:
                css += " mismatch"
            rows.append(f'<tr class="{css}">' + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    totals = quarter.published_totals[kind]
    sums = reconcile.attachment_sums(quarter)[kind]
    total_cells = ["", "总计"] + ([""] if has_sub_units else [])
    for key in counts:
        shown = fmt.number(totals[key]) if totals[key] else ""
        if totals[key] != sums[key]:
            shown += f"（✗ 各行之和{sums[key]}）"
        total_cells.append(shown)
    total_cells += [""] * (len(points) + 3)
    caption = f"附件{schema.ATTACHMENT_NO[kind]}　{quarter.id.zh}{schema.ATTACHMENT_TITLE[kind]}（包含联合派单）"
    return (
        '<div class="table-scroll"><table class="attachment">'
        f"<caption>{html.escape(caption)}</caption>"
        "<thead><tr>" + "".join(f'<th scope="col">{h}</th>' for h in head) + "</tr></thead>"
        "<tbody>" + "".join(rows) + "</tbody>"
        '<tfoot><tr class="total">' + "".join(f"<td>{c}</td>" for c in total_cells) + "</tr></tfoot>"
        "</table></div>"
    )


def reconciliation_table(checks: list[reconcile.Check], group: str) -> str:
    rows = [
        f'<tr class="{"ok" if c.agrees else "mismatch"}"><td>{html.escape(c.label)}</td>'
        f"<td>{html.escape(c.published)}</td><td>{html.escape(c.computed)}</td>"
        f'<td class="result">{c.mark}</td><td>{html.escape(c.note)}</td></tr>'
        for c in checks
        if c.group == group
    ]
    failed = sum(1 for c in checks if c.group == group and not c.agrees)
    total = sum(1 for c in checks if c.group == group)
    summary = f"{total}项核对，{total - failed}项一致" + (f"，<strong>{failed}项不一致</strong>" if failed else "")
    return (
        f"<p>{summary}。</p>"
        '<div class="table-scroll"><table class="reconciliation">'
        f"<caption>{html.escape(reconcile.GROUP_TITLES[group])}</caption>"
        '<thead><tr><th scope="col">核对项目</th><th scope="col">通报公布</th><th scope="col">按附件/规则</th>'
        '<th scope="col">结果</th><th scope="col">说明</th></tr></thead>'
        "<tbody>" + "".join(rows) + "</tbody></table></div>"
    )


def closing(quarter: Quarter) -> str:
    d = quarter.document
    date = f"{d.date.year}年{d.date.month}月{d.date.day}日"
    lines = [f"{markup.escape(d.issuer)}　{date}", "", f"抄送：{markup.escape('，'.join(d.cc))}。"]
    return "\n".join(lines)
