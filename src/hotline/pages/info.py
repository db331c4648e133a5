"""Generated information pages: 数据下载 (every download, and how to verify it) and 更正记录 (the
public log of changes to published quarters)."""

from __future__ import annotations

from hotline.circular import fmt
from hotline.data import schema
from hotline.opendata import fields
from hotline.pages import links
from hotline.pages.banner import example_banner
from hotline.pages.safe import html, join
from hotline.pages.tables import Column, link, table
from hotline.pages.units import EXAMPLE_NOTE, markdown_page
from hotline.rules.history import History


def downloads_page(history: History) -> str:
    here = links.DOWNLOADS
    quarters = "、".join(history.quarter_ids)
    intro = html(
        "<p>下列文件包含已发布的全部季度（{}）的数据，每个单位每个季度一行，单位用单位名录中的稳定编号标识，"
        "改名后不变。CSV 文件为 UTF-8 编码（带 BOM），可直接用 Excel 打开。</p>",
        quarters,
    )
    if history.has_examples:
        intro = example_banner(EXAMPLE_NOTE) + intro

    def file(name: str, label: str):
        return html('<li><a href="{}" download>{}</a></li>', links.file_href(f"data/{name}", here), label)

    all_quarters = html(
        "<ul>{}</ul>",
        join(
            [
                file(fields.UNITS_CSV, "各单位各季度数据（CSV）"),
                file(fields.HEADLINE_CSV, "各季度主要数字（CSV）"),
                file(fields.WORKBOOK, "以上两表及字段说明（Excel .xlsx）"),
                file(fields.DATAPACKAGE, "数据包说明（Frictionless datapackage.json，字段中英文说明）"),
            ]
        ),
    )
    rows = [
        [
            link(f"{r.id.zh}{'（示例）' if r.quarter.example else ''}", links.href(links.quarter_page(r.id), here)),
            link("PDF", links.file_href(f"pdf/{r.id}.pdf", here)),
            link("Word", links.file_href(f"docx/{r.id}.docx", here)),
            link("CSV", links.file_href(f"data/quarters/{r.id}-units.csv", here)),
        ]
        for r in reversed(history.results)
    ]
    columns = [Column("季度"), Column("通报原件（PDF）"), Column("通报原件（Word）"), Column("各单位数据")]
    per_quarter = table("per-quarter", "各季度的通报文件和数据", columns, rows)
    verify = html(
        '<p>网站上每个文件的大小和 SHA-256 校验值列在<a href="{json}">文件校验清单（manifest.json）</a>中，'
        '也可用 <a href="{sums}">SHA256SUMS</a> 在命令行核对（sha256sum -c SHA256SUMS）。'
        '各字段的含义见<a href="{method}">计算方法与数据说明</a>中的数据字典；'
        "公布数与计算值的差异见各季度页面的“数据核对”。</p>",
        json=links.file_href("manifest.json", here),
        sums=links.file_href("SHA256SUMS", here),
        method=links.href(links.METHODOLOGY, here),
    )
    return markdown_page("数据下载", intro, ("全部季度", all_quarters), ("各季度", per_quarter), ("核对", verify))


PUBLISH_LOG_ANCHOR = "publish-log"


def publish_log_section(history: History) -> tuple[str, object]:
    """发布记录: every earlier publish of the site, chained by hashes (see hotline.data.publish_log)."""
    intro = html(
        '<p id="{}">网站每次发布到服务器都记一行：发布时间、包含的季度、当时网站文件清单（manifest.json）的 SHA-256，'
        "以及与上一行相连的哈希。保存过本站旧版本或其清单的人，可以据此核对：某个数字若在没有更正记录的情况下变了，"
        "清单的哈希就会不同；已有的行被改动或删除，哈希链就接不上，网站无法构建。本次发布的网站清单见 "
        '<a href="{}">manifest.json</a>，在下次发布后列入本表。</p>',
        PUBLISH_LOG_ANCHOR,
        links.file_href("manifest.json", links.CORRECTIONS),
    )
    if not history.publications:
        return "发布记录", intro + html("<p>目前还没有发布记录。</p>")
    rows = [
        [
            f"{entry.when:%Y-%m-%d %H:%M}",
            "、".join(q.zh for q in entry.quarters),
            html("<code>{}</code>", entry.manifest_sha256),
            html("<code>{}</code>", entry.hash[:16] + "…"),
        ]
        for entry in reversed(history.publications)
    ]
    columns = [Column("发布时间"), Column("季度"), Column("网站清单 SHA-256"), Column("本条的哈希")]
    return "发布记录", intro + table("publications", "网站的发布记录（新的在前）", columns, rows)


def corrections_page(history: History) -> str:
    here = links.CORRECTIONS
    intro = html(
        "<p>已发布季度的数据文件如有改动，须在此登记改动内容和原因；未登记的改动无法通过校验，网站不会发布。"
        "更正记录只能追加、不能删改（每季度的来源记录保存着它的哈希链）。"
        '网站每次发布的记录见下方“<a href="#{}">发布记录</a>”。</p>',
        PUBLISH_LOG_ANCHOR,
    )
    published = publish_log_section(history)
    if not history.corrections:
        return markdown_page("更正记录", intro + html("<p>目前没有更正。</p>"), published)
    known = set(history.quarter_ids)
    rows = [
        [
            fmt.date(c.date),
            link(str(c.quarter), links.href(links.quarter_page(c.quarter), here))
            if str(c.quarter) in known
            else str(c.quarter),
            "、".join(schema.QUARTER_FILE_ZH[name] for name in c.files),
            c.change,
            c.reason,
        ]
        for c in history.corrections
    ]
    columns = [Column("日期"), Column("季度"), Column("文件"), Column("改动内容"), Column("原因")]
    return markdown_page(
        "更正记录", intro, table("corrections", "已发布数据的更正", columns, rows, css="corrections"), published
    )
