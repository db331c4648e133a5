"""The methodology page: the rules and column definitions, quoted from the code that applies them."""

from __future__ import annotations

import html
import inspect
from pathlib import Path

from IPython.display import HTML, Markdown

from hotline.data import provenance, schema
from hotline.data.loading import discover_quarters, quarters_dir
from hotline.opendata import package as opendata
from hotline.rules import reconcile, scoring


def _rule(function) -> str:
    """The public sentence of a rule: the Chinese first paragraph of its docstring."""
    return inspect.getdoc(function).split("\n\n")[0].replace("\n", "")


def scoring_rule() -> Markdown:
    return Markdown(
        f"> {_rule(scoring.composite_scores)}\n\n"
        "下属单位没有单独的综合得分：它的加分值、减分值计入上级部门。计算结果保留两位小数（通报保留一位）。"
        "网站用这一规则重算每个公布的综合得分，并在每季度页面的“数据核对”中列出与公布值不一致的单位。"
    )


def ranking_rule() -> Markdown:
    return Markdown(
        f"> {_rule(scoring.rank)}\n\n"
        f"> {_rule(scoring.best_units)}\n\n"
        "“工单量较多的单位”是通报点名的名单，网站按原文展示，括号中的工单量取自附件表格；"
        f"网站同时按下述口径列出工单量最多的单位，两者不同时明确指出：\n\n> {_rule(scoring.most_work_orders)}"
    )


def reconciliation_rules() -> Markdown:
    items = [
        "受理 = 电话直接答复 + 附件1承办工单量合计 + 附件2承办工单量合计",
        "办结 = 受理 − 通报列出的尚未办结件数；办结率 = 办结 ÷ 受理（按通报的小数位数取舍）",
        "通报正文的延期、重办、逾期件数 = 附件1、附件2相应列的合计",
        "逾期率 = 逾期 ÷ 受理",
        "附件“总计”行 = 该附件各行（含下属单位）之和",
        "每个公布的综合得分 = 按上述规则计算的得分",
        "“综合成绩较好的单位” = 按排名规则选出的单位；“工单量较多的单位” = 工单量最多的同样数目的单位",
    ]
    groups = "、".join(reconcile.GROUP_TITLES.values())
    return Markdown(
        "每季度页面逐项核对通报正文与附件表格（"
        + groups
        + "）：\n\n"
        + "\n".join(f"- {item}" for item in items)
        + "\n\n不一致之处以“✗”标出并附说明；网站不修改公布的数字，也不因不一致而停止发布。"
        "满意率等附件中没有对应数据的数字，按公布数展示并注明无法核对。"
    )


def _dictionary_table(columns, caption: str) -> str:
    rows = "".join(
        f"<tr><td><code>{c.key}</code></td><td>{html.escape(c.zh)}</td><td>{html.escape(c.description_zh)}</td>"
        f"<td>{html.escape(c.description_en)}</td></tr>"
        for c in columns
    )
    return (
        f'<div class="table-scroll"><table class="dictionary"><caption>{html.escape(caption)}</caption>'
        '<thead><tr><th scope="col">字段</th><th scope="col">中文列名</th><th scope="col">含义</th>'
        '<th scope="col">Description</th></tr></thead><tbody>' + rows + "</tbody></table></div>"
    )


def data_dictionary() -> HTML:
    """Generated from the same schema as the downloads' datapackage.json."""
    return HTML(
        _dictionary_table(opendata.unit_fields(), f"单位数据（{opendata.UNITS_CSV}，及每季度页面的 CSV）")
        + _dictionary_table(opendata.HEADLINE_FIELDS, f"主要数字（{opendata.HEADLINE_CSV}）")
        + _dictionary_table((schema.UNIT, schema.SUB_UNIT), "附件表格文件（towns.csv、departments.csv）中另有的列")
    )


def sources(data_dir: str | Path) -> Markdown:
    lines = []
    for quarter in discover_quarters(Path(data_dir)):
        record = provenance.read(quarters_dir(Path(data_dir)) / str(quarter))
        lines.append(
            f"- **{quarter.zh}**：{html.escape(record.source)}。文号 {html.escape(record.document_number)}，"
            f"发文日期 {record.document_date:%Y-%m-%d}；录入：{html.escape(record.entered_by)}，"
            f"{record.entered_on:%Y-%m-%d}。{html.escape(record.notes.strip()).replace(chr(10), '')}"
        )
    return Markdown(
        "\n".join(lines) + "\n\n每个数据文件的 SHA-256 校验值记录在该季度的 `provenance.toml` 中，测试会逐一核对，"
        "未经记录的改动无法发布。"
    )
