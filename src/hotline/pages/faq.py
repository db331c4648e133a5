"""常见问题: what a citizen who lands on the site asks first (how to call 12345, what the circular
is, what its words mean, how a score is made), answered in plain Chinese.

Every fact here comes from somewhere the site already states it, so the page cannot drift from
the rest: the figures from the latest issued circular, the meanings of 延期, 重办 and 逾期 from the
data dictionary (:mod:`hotline.data.schema`), the scoring and ranking rules from the place's format
(data/format.toml), the examples of names from the unit registry. Nothing is said that
the circulars or the rules do not say (no office hours, no promise of a reply time).
"""

from __future__ import annotations

from hotline.data import schema
from hotline.format.model import TIE_BREAK_COLUMNS, CircularFormat
from hotline.pages import links
from hotline.pages.checks import best_named
from hotline.pages.safe import Source, html, join
from hotline.pages.units import markdown_page
from hotline.rules.history import History

TITLE = "常见问题"


def _meaning(column: schema.Column) -> str:
    """A data dictionary entry as a reader needs it (without the note for staff on blank cells)."""
    return column.description_zh.replace("空白记为0。", "").strip()


def _calling(history: History, here: str) -> Source:
    issued = [r for r in history.results if not r.quarter.is_draft and not r.quarter.example]
    example = ""
    if issued:
        result = issued[-1]
        h = result.headline
        parts = [f"共受理{h.received}件", f"其中通过电话咨询直接答复{h.answered_directly}件"]
        if h.assigned_towns is not None:
            parts.append(f"交办各镇（办）{h.assigned_towns}件")
        if h.assigned_departments is not None:
            parts.append(f"交办部门和单位{h.assigned_departments}件")
        example = html(
            '<p>以<a href="{}">{}通报</a>为例：{}。</p>',
            links.href(links.quarter_page(result.id), here),
            result.id.zh,
            "，".join(parts),
        )
    return join(
        [
            html("<p>拨打电话12345，向12345快速响应平台反映要咨询或要办的事。</p>"),
            html(
                "<p>平台受理后，电话里能直接答复的当场答复；其他的作为工单交给镇（办）或部门、单位承办，"
                "由承办单位办理并答复。</p>"
            ),
            example,
            html("<p>本网站只公布通报和数据，不受理诉求：有事请直接拨打12345。</p>"),
        ]
    )


def _circular(history: History, here: str) -> Source:
    issued = history.issued
    issuer = history.issuer
    latest = ""
    if issued:
        result = issued[-1]
        latest = html(
            '最近一期是<a href="{}">{}通报</a>（{}）。',
            links.href(links.quarter_page(result.id), here),
            result.id.zh,
            result.quarter.document.number,
        )
    return join(
        [
            html(
                "<p>{}每个季度印发一份通报，公布这一季度12345快速响应平台受理、办结工单的情况，"
                "各镇办、各部门承办工单的数量、办理情况和综合得分，并指出存在的问题、提出工作要求。{}</p>",
                issuer,
                latest,
            ),
            html(
                "<p>本网站公开每一期通报的正文和附件表格，每个数字都可以核对；"
                '通报文件和数据表可在<a href="{}">数据下载</a>中下载。</p>',
                links.href(links.DOWNLOADS, here),
            ),
        ]
    )


def _words(circular: CircularFormat) -> Source:
    """The four counts, by the words the tables head them with (the format's labels)."""
    counts = (schema.WORK_ORDERS, schema.EXTENDED, schema.REDONE, schema.OVERDUE)
    items = [(circular.label_of(c.key).removesuffix("量"), _meaning(c)) for c in counts]
    lines = join(html("<li><strong>{}</strong>：{}</li>", word, meaning) for word, meaning in items)
    return html('<ul class="faq-terms">{}</ul>', lines)


def _scores(history: History, here: str) -> Source:
    circular = history.format
    groups = "和".join(g.label for g in circular.groups)
    ties = "、".join(TIE_BREAK_COLUMNS[column] for column in circular.tie_break)
    shared = circular.ties == "shared"
    if ties:
        tied = f"得分相同的，{ties}多的在前" + ("，仍相同的名次并列" if shared else "")
    else:
        tied = "得分相同的，" + ("名次并列" if shared else "按通报附件中的先后")
    return join(
        [
            html("<p>{}</p>", circular.score.explained()),
            html(
                "<p>{}分别排名：综合得分高的在前；{}。每期“综合成绩较好的单位”是排名{}。</p>",
                groups,
                tied,
                best_named(circular, "和"),
            ),
            html(
                '<p>{}详细规则见<a href="{}">计算方法与数据说明</a>。</p>',
                "通报只公布得分、没有公布计分规则，网站采用公布的得分，不重新计算。"
                if circular.score.published_only
                else "网站按这个规则从附件表格算出每个单位的得分，并与通报公布的得分逐项核对，"
                "不一致的在该季度页面的“数据核对”中列出。",
                links.href(links.METHODOLOGY, here),
            ),
        ]
    )


def _finding(history: History, here: str) -> Source:
    units = list(history.registry.units.values())
    full = next((u for u in units if u.full_name), None)
    term = next((u for u in units if u.search_terms), None)
    examples = []
    if full is not None:
        examples.append(html("全称（如“{}”）", full.full_name))
    if term is not None:
        examples.append(html("常用的叫法（如“{}”）", term.search_terms[0]))
    also = html("，也可以输入{}", join(examples, "或")) if examples else ""
    return html(
        '<p>在<a href="{}">单位索引</a>中按镇办、部门查找，或在<a href="{}">搜索</a>中输入单位名称{}。</p>'
        '<p>通报印发后对数据的每一处更正都记在<a href="{}">更正记录</a>中，写明改了什么、为什么改。</p>',
        links.href(links.UNIT_INDEX, here),
        links.href(links.SEARCH, here),
        also,
        links.href(links.CORRECTIONS, here),
    )


def faq_page(history: History) -> str:
    here = links.FAQ
    return markdown_page(
        TITLE,
        html("<p>关于12345热线、季度通报和本网站上的数字，读者最常问的几个问题。</p>"),
        ("12345热线怎么打？", _calling(history, here)),
        ("季度通报是什么？", _circular(history, here)),
        ("承办、延期、重办、逾期是什么意思？", _words(history.format)),
        ("综合得分怎么算？排名怎么排？", _scores(history, here)),
        ("怎样找到某个单位？数字改过吗？", _finding(history, here)),
    )
