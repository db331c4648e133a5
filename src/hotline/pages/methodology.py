"""The methodology page: the rules quoted from the code that applies them, the checks, how staff
text is shown, the data dictionary, and where each quarter's data came from."""

from __future__ import annotations

import inspect
import re
from dataclasses import dataclass
from pathlib import Path

from IPython.display import HTML

from hotline.circular import fmt
from hotline.data import schema
from hotline.format import expression
from hotline.format.model import TIE_BREAK_COLUMNS, CircularFormat
from hotline.opendata import fields
from hotline.pages import links
from hotline.pages.checks import (
    GROUP_TITLES,
    HEADLINE_RELATIONS,
    PROBLEMS_RELATION,
    TOTALS_RELATION,
    best_named,
    relation,
)
from hotline.pages.safe import Source, block, html, join
from hotline.pages.tables import Column, table
from hotline.pages.units import SCORE_RULE_ANCHOR
from hotline.rules import scoring
from hotline.rules.checks import SCORES
from hotline.rules.history import History


def _rule(function) -> str:
    """The public sentence of a rule: the Chinese first paragraph of its docstring."""
    return inspect.getdoc(function).split("\n\n")[0].replace("\n", "")


def ranking_in_words(circular: CircularFormat) -> str:
    """The ranking rule as the format declares it, for the public."""
    groups = "、".join(g.label for g in circular.groups)
    ties = "，再按".join(TIE_BREAK_COLUMNS[column] for column in circular.tie_break)
    tied = f"得分相同按{ties}从多到少；仍相同的，" if ties else "得分相同的，"
    last = "按附件中的先后顺序" if circular.ties == "order" else "名次并列"
    return f"排名：同类单位（{groups}分别排名）按综合得分从高到低，{tied}{last}。"


def checked_groups(circular: CircularFormat) -> list[str]:
    """What the quarter pages check, by group: the scores against the rule only where there is one."""
    return [title for group, title in GROUP_TITLES.items() if group != SCORES or not circular.score.published_only]


def best_in_words(circular: CircularFormat) -> str:
    """Which units the circular names as best, as the format declares it, for the public."""
    return f"综合成绩较好的单位：排名{best_named(circular, '和')}（{circular.groups[0].label}在前）。"


def _quote(text: str) -> Source:
    return html('<blockquote class="rule"><p>{}</p></blockquote>', text)


def _page(*parts: Source) -> HTML:
    return block(join(parts))


# A path into the project's folders (data/sources/…, scripts/…): those files are not on the site,
# so the page does not name them. A parenthesis that only points to such a file is left out.
_PROJECT_PATH = r"(?:data|scripts|src|notebooks|tests)/[^\s（）()，。；、]+"
_POINTER = re.compile(rf"[（(][^（）()]*{_PROJECT_PATH}[^（）()]*[）)]")
_PATH = re.compile(_PROJECT_PATH)


def published_words(text: str) -> str:
    """Staff's note with every reference to a project file that is not published left out."""
    return _PATH.sub("项目数据文件", _POINTER.sub("", text))


@dataclass
class MethodologyPage:
    history: History
    here: str = links.METHODOLOGY

    @classmethod
    def open(cls, data_dir: str | Path = "../data", saved: str | Path | None = None) -> MethodologyPage:
        return cls(History.open(Path(data_dir), saved))

    def scoring_rule(self) -> HTML:
        """The rule as the code states it, then once in words with a worked example: the quarter pages
        show the points and the result in columns and link here, never the formula on every row.
        Where the format takes the published scores as they are, that is said instead: there is no
        rule to state, and no score is recomputed or checked."""
        score = self.history.format.score
        if score.published_only:
            return _page(
                html('<div id="{}"></div>', SCORE_RULE_ANCHOR),
                _quote(f"综合得分：采用通报公布的得分（满分{score.full_marks:g}分），本网站不重新计算。"),
                html("<p>{}</p>", score.explained()),
                html(
                    "<p>通报没有公布计分规则，网站无法核对公布的得分；排名、“综合成绩较好的单位”"
                    "和各种统计都按公布的得分得出。</p>"
                ),
            )
        return _page(
            html('<div id="{}"></div>', SCORE_RULE_ANCHOR),
            _quote(f"综合得分 = {self.history.format.score.in_words()}，合计范围为单位本身及其全部下属单位。"),
            html("<p>{}</p>", expression.CALLS_EXPLAINED) if self.history.format.score.rule.calls else Source(""),
            html("<p>用文字说：{}{}</p>", self.history.format.score.explained(), self.score_example()),
            html(
                "<p>下属单位没有单独的综合得分：它的加分值、减分值计入上级部门。计算结果保留两位小数（通报保留一位）。"
                "网站用这一规则重算每个公布的综合得分，并在每季度页面的“数据核对”中列出与公布值不一致的单位；"
                "排名按重算的得分排出。</p>"
            ),
        )

    def score_example(self) -> str:
        """A worked example from the latest quarter: a unit whose published score differs, else one
        below full marks, else the first."""
        result = self.history.latest
        checks = [c for c in result.checks if c.key.startswith("score.") and len(c.operands) == 2]
        if not checks:
            return ""
        score = result.format.score
        below = next((c for c in checks if float(c.computed) < score.full_marks), checks[0])
        check = next((c for c in checks if not c.agrees), below)
        bonus, penalty = (fmt.number(n) for n in check.operands)
        said = f"例如{result.id.zh}的{check.unit}：加分值合计{bonus}，减分值合计{penalty}，"
        said += f"按规则计算 {score.with_points(bonus, penalty)} = {fmt.number(check.computed)}分"
        if not check.agrees:
            said += f"（通报公布为{fmt.number(check.published)}分，与规则不一致）"
        return said + "。"

    def ranking_rule(self) -> HTML:
        return _page(
            _quote(ranking_in_words(self.history.format)),
            _quote(best_in_words(self.history.format)),
            html(
                "<p>“工单量较多的单位”是通报点名的名单，网站按原文展示，括号中的工单量取自附件表格；"
                "网站同时按下述口径列出工单量最多的单位，两者不同时明确指出：</p>"
            ),
            _quote(_rule(scoring.most_work_orders)),
        )

    def reconciliation_rules(self) -> HTML:
        said = {key: relation(key, self.history.format) for key in HEADLINE_RELATIONS}
        items = [
            said["received"],
            f"{said['assigned_towns']}；{said['assigned_departments']}",
            f"{said['completed']}（尚未办结为通报列出的件数）；{said['completion_rate']}（按通报的小数位数取舍）",
            PROBLEMS_RELATION.format(figure="延期、重办、逾期", column="相应列的"),
            f"{said['overdue_rate']}（按通报的小数位数取舍）",
            TOTALS_RELATION,
            *([] if self.history.format.score.published_only else ["每个公布的综合得分 = 按上述规则计算的得分"]),
            "“综合成绩较好的单位” = 按排名规则选出的单位；“工单量较多的单位” = 工单量最多的同样数目的单位",
        ]
        return _page(
            html("<p>每季度页面逐项核对通报正文与附件表格（{}）：</p>", "、".join(checked_groups(self.history.format))),
            html("<ul>{}</ul>", join(html("<li>{}</li>", item) for item in items)),
            html(
                "<p>不一致之处以“✗”标出并附说明；网站不修改公布的数字，也不因不一致而停止发布。"
                "满意率等附件中没有对应数据的数字，按公布数展示并注明无法核对。"
                "起草中的通报在印发前逐项核对，每处差异须更正或写明保留的原因，网站在“数据核对”中一并公开这些说明。</p>"
            ),
        )

    def staff_text(self) -> HTML:
        """How the narrative parts staff type are shown: as text, never as code."""
        allowed = [
            "分段（段落之间空一行）",
            "粗体（前后各两个星号：**粗体**）",
            "通报的分项标题：以（一）（二）……开头的段落，标题句可加粗",
            "列表（每行以“- ”或“1. ”开头）",
            "链接：以 http:// 或 https:// 开头的网址，或 [文字](https://…)",
        ]
        return _page(
            html(
                "<p>通报的叙述部分（前言、存在问题、工作要求等）由工作人员按原文录入。网站把这些文字当作内容而不是代码："
                "每个字符都按原样显示，不会执行任何程序、读取任何文件或改变网站的其他部分。能使用的格式只有：</p>"
            ),
            html("<ul>{}</ul>", join(html("<li>{}</li>", item) for item in allowed)),
            html(
                "<p>其他标记（HTML 标签、代码块、图片、# 标题、引用块、表格，以及 javascript:、file: 等非网页链接）"
                "在录入时就会被拒绝，并提示所在的文件、行和应当怎样写，不会被悄悄删除或改动。"
                "单位名称、文号、抄送单位、更正记录等其他录入的文字一律按原样显示。</p>"
                "<p>可下载的 CSV 文件中，以 = + - @ 开头的文字前加了一个单引号，以免 Excel 把它当作公式执行；"
                "Excel 文件（.xlsx）中的文字一律存为文本，原样显示，也不会被当作公式。</p>"
            ),
        )

    def data_dictionary(self) -> HTML:
        """Generated from the same schema as the downloads' datapackage.json. A field name may break
        only after an underscore (completed_ / as_of): on a phone it neither runs over the Chinese
        beside it nor splits mid-word; the table scrolls sideways instead."""

        def field_name(key: str) -> Source:
            return html('<code class="field">{}</code>', join(key.split("_"), Source("_<wbr>")))

        def dictionary(name: str, columns, caption: str) -> Source:
            rows = [[field_name(c.key), c.zh, c.description_zh, c.description_en] for c in columns]
            heads = [Column("字段"), Column("中文列名"), Column("含义"), Column("Description")]
            return table(name, caption, heads, rows, css="dictionary")

        return _page(
            dictionary(
                "dictionary-units",
                fields.unit_fields(self.history.format),
                f"单位数据（{fields.UNITS_CSV}，及每季度的 CSV）",
            ),
            dictionary("dictionary-headline", fields.HEADLINE_FIELDS, f"主要数字（{fields.HEADLINE_CSV}）"),
            dictionary(
                "dictionary-files", self.history.format.columns((schema.UNIT, schema.SUB_UNIT)), "附件表格中另有的列"
            ),
        )

    def sources(self) -> HTML:
        items = []
        for result in self.history.results:
            record = result.quarter.provenance
            if record is None:
                continue
            items.append(
                html(
                    "<li><strong>{}</strong>：{}。文号 {}，发文日期 {}；录入：{}，{}。{}</li>",
                    result.id.zh,
                    published_words(record.source),
                    record.document_number,
                    fmt.date(record.document_date),
                    record.entered_by,
                    fmt.date(record.entered_on),
                    published_words(" ".join(record.notes.split())),
                )
            )
        return _page(
            html("<ul>{}</ul>", join(items)),
            html(
                "<p>每个季度的每个数据文件都记有 SHA-256 校验值，网站构建时逐一核对；未在更正记录中登记的改动无法发布。"
                '网站上每个文件的大小和校验值列在<a href="{}">文件校验清单</a>中，下载后可以核对。</p>',
                links.file_href("manifest.json", self.here),
            ),
        )
