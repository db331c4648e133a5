"""Generated information pages: 数据下载 (every download, and how to verify it) and 更正记录 (the
public log of changes to published quarters), and what every download link says about its file.

A reader deciding whether to download wants to know what the file is, its format, its size and,
for a document, its pages; once saved, the file should say what it is (白水县12345通报-2024年第一
季度.pdf, not 2024Q1.pdf). The URLs stay as they are (``pdf/2024Q1.pdf``: links elsewhere keep
working); the readable name is the link's ``download`` attribute. Sizes and page counts are known
only once the files are made, which is after the pages are written (the documents are printed
while Sphinx builds the book), so a page holds an empty ``file-facts`` mark per file and the build
fills them in the staged site (:func:`fill_file_facts`) before the manifest is written.
"""

from __future__ import annotations

import functools
import html as html_module
import re
from pathlib import Path

from hotline.circular import fmt, wording
from hotline.data import schema
from hotline.data.quarter_id import QuarterId
from hotline.opendata import fields
from hotline.opendata import package as opendata
from hotline.pages import links
from hotline.pages.banner import example_banner
from hotline.pages.safe import Source, html, join
from hotline.pages.tables import Column, link, table
from hotline.pages.units import EXAMPLE_NOTE, markdown_page
from hotline.rules.history import History
from hotline.rules.results import QuarterResult

FEED_ANCHOR = "subscribe"
PUBLISH_LOG_ANCHOR = "publish-log"

# What each kind of file is, as the facts beside its link say it.
FORMATS = {".pdf": "PDF", ".docx": ".docx", ".csv": "CSV", ".xlsx": "Excel .xlsx", ".json": "JSON"}


# --- the names files are saved under -----------------------------------------------------------------


def saved_name(result: QuarterResult, what: str = "", suffix: str = ".pdf") -> str:
    """The name a quarter's file is saved under: 白水县12345通报-2024年第一季度.pdf, with what it is
    when it is not the circular (…-各单位数据.csv) and a note for a draft or an example quarter."""
    quarter = result.quarter
    note = "（草稿）" if quarter.is_draft else "（示例）" if quarter.example else ""
    what = f"-{what}" if what else ""
    return f"{wording.county_of(quarter.document.issuer)}12345通报-{result.id.zh}{note}{what}{suffix}"


def document_label(result: QuarterResult) -> str:
    """What a quarter's PDF and Word files are. Neither is a scan of the paper circular: a quarter
    entered from its printed text has them typeset again from that text; one issued here has the
    documents made when it was issued, kept unchanged; a draft's are drafts."""
    quarter = result.quarter
    if quarter.is_draft:
        return "草稿文件"
    if quarter.issued_record:
        return "通报全文（印发时生成的公文文件，原样保存）"
    return "通报全文（按通报原文重新排版的公文，不是原件扫描件）"


# --- sizes and pages, filled in once the files are made -------------------------------------------------


def file_facts(path: str, *, with_format: bool = True) -> Source:
    """An empty mark beside a link to the published file ``path`` (relative to the site), filled in
    by :func:`fill_file_facts` with its format, pages (a PDF) and size: （PDF，8页，312 KB）."""
    if with_format:
        return html('<span class="file-facts" data-file="{}"></span>', path)
    return html('<span class="file-facts size-only" data-file="{}"></span>', path)


def download_link(path: str, here: str, label: str | Source, saved_as: str, *, with_format: bool = True) -> Source:
    """A link to a published file that saves it under a readable name, with its facts beside it."""
    return html(
        '<span class="download-item"><a href="{}" download="{}">{}</a>{}</span>',
        links.file_href(path, here),
        saved_as,
        label,
        file_facts(path, with_format=with_format),
    )


def size_text(size: int) -> str:
    """A file size as readers see it elsewhere: 860 字节, 312 KB, 1.4 MB."""
    if size < 1024:
        return f"{size} 字节"
    if size < 1024 * 1024:
        return f"{round(size / 1024)} KB"
    return f"{size / 1024 / 1024:.1f} MB"


_PAGE_TREE = re.compile(rb"/Type\s*/Pages\b[^>]*?/Count\s+(\d+)|/Count\s+(\d+)[^>]*?/Type\s*/Pages\b")


@functools.lru_cache(maxsize=256)
def _pdf_pages(path: Path, size: int, mtime_ns: int) -> int | None:
    data = path.read_bytes()
    counts = [int(a or b) for a, b in _PAGE_TREE.findall(data)]
    if counts:  # the page tree's root counts every page (uncompressed in the PDFs LibreOffice makes)
        return max(counts)
    from pypdf import PdfReader

    try:  # a page tree in object streams: read it properly (seconds for a large tagged PDF)
        return len(PdfReader(path).pages)
    except Exception:  # a damaged file: its size is still worth saying
        return None


def pdf_pages(path: Path) -> int | None:
    """A PDF's page count, read from the made file (None if it cannot be read); remembered by the
    file's size and time, as both the downloads page and the quarter's page ask."""
    stat = path.stat()
    return _pdf_pages(path, stat.st_size, stat.st_mtime_ns)


def facts_text(path: Path, *, with_format: bool = True) -> str:
    parts = [FORMATS.get(path.suffix.lower(), path.suffix.lstrip(".").upper())] if with_format else []
    if path.suffix.lower() == ".pdf":
        pages = pdf_pages(path)
        if pages:
            parts.append(f"{pages}页")
    parts.append(size_text(path.stat().st_size))
    return "（" + "，".join(parts) + "）"


_FACTS = re.compile(r'<span class="file-facts( size-only)?" data-file="([^"]*)"></span>')


def fill_file_facts(site: Path) -> list[Path]:
    """Fill every file-facts mark of the staged ``site``'s download and quarter pages (the pages that
    link documents and data) with the file's format, pages and size; a file that is not there
    (a page opened outside a build) keeps its mark empty. Returns the pages changed."""
    pages = [site / f"{links.DOWNLOADS}.html", *sorted((site / "quarters").glob("*.html"))]
    known: dict[tuple[str, bool], str] = {}
    changed = []

    def filled(match: re.Match[str]) -> str:
        with_format, path = not match.group(1), html_module.unescape(match.group(2))
        if (path, with_format) not in known:
            target = site / path
            inside = target.resolve().is_relative_to(site.resolve())
            ok = inside and target.is_file()
            known[path, with_format] = facts_text(target, with_format=with_format) if ok else ""
        return match.group(0).replace("></span>", f">{html_module.escape(known[path, with_format])}</span>")

    for page in pages:
        if not page.is_file():
            continue
        before = page.read_text(encoding="utf-8")
        after = _FACTS.sub(filled, before)
        if after != before:
            page.write_text(after, encoding="utf-8")
            changed.append(page)
    return changed


# --- 数据下载 -----------------------------------------------------------------------------------------


def licence_line(history: History) -> Source:
    """The open data's licence, as the datapackage states it, and how to cite the source."""
    licence = opendata.datapackage(history)["licenses"][0]
    issuer = history.issuer
    title = licence["title"].split(" / ")[0]
    # Where the site computes scores by a rule, a citation must tell them from the published ones.
    distinguish = (
        "" if history.format.score.published_only else "，并区分“通报公布”的数字与本网站“按计分规则”计算的数字"
    )
    return html(
        '<p class="licence"><strong>使用许可：</strong>这些数据是{}（数据包中的许可标注为“{}”），'
        "可以自由下载、复制、分析和转载，无需申请。引用时请注明来源：{}《12345快速响应平台工单办理情况的通报》"
        + distinguish
        + "。</p>",
        title,
        licence["name"],
        issuer,
    )


def downloads_page(history: History) -> str:
    here = links.DOWNLOADS
    latest = history.latest
    quarters = "、".join(r.id.zh for r in history.results)
    intro = html(
        "<p>下列文件包含已发布的全部季度（{}）的数据，每个单位每个季度一行，单位用单位名录中的稳定编号标识，"
        "改名后不变。每个链接后面注明文件的格式和大小；下载的文件以中文命名，如“{}”。"
        "CSV 文件为 UTF-8 编码（带 BOM），可直接用 Excel 打开。</p>",
        quarters,
        saved_name(latest),
    )
    if history.has_examples:
        intro = example_banner(EXAMPLE_NOTE) + intro
    county = wording.county_of(history.issuer)

    def file(name: str, label: str, saved_as: str, note: str = ""):
        return html(
            "<li>{}{}</li>",
            download_link(f"data/{name}", here, label, saved_as),
            html("：{}", note) if note else Source(""),
        )

    all_quarters = html(
        "<ul>{}</ul>",
        join(
            [
                file(
                    fields.UNITS_CSV,
                    "各单位各季度数据",
                    f"{county}12345通报-各单位各季度数据.csv",
                    "表格，每个单位每个季度一行",
                ),
                file(
                    fields.HEADLINE_CSV, "各季度主要数字", f"{county}12345通报-各季度主要数字.csv", "表格，每个季度一行"
                ),
                file(
                    fields.WORKBOOK,
                    "以上两表及字段说明",
                    f"{county}12345通报数据.xlsx",
                    "一个 Excel 工作簿，三张工作表",
                ),
                file(
                    fields.DATAPACKAGE,
                    "数据包说明",
                    fields.DATAPACKAGE,
                    "供程序读取的说明文件（Frictionless 数据包格式），逐字段写明中英文含义",
                ),
            ]
        ),
    )
    rows = [
        [
            link(f"{r.id.zh}{'（示例）' if r.quarter.example else ''}", links.href(links.quarter_page(r.id), here)),
            download_link(f"pdf/{r.id}.pdf", here, "PDF", saved_name(r), with_format=False),
            download_link(f"docx/{r.id}.docx", here, "Word", saved_name(r, suffix=".docx")),
            download_link(
                f"data/quarters/{r.id}-units.csv", here, "CSV", saved_name(r, "各单位数据", ".csv"), with_format=False
            ),
        ]
        for r in reversed(history.results)
    ]
    columns = [Column("季度"), Column("通报全文（PDF）"), Column("通报全文（Word）"), Column("各单位数据（CSV）")]
    per_quarter = table("per-quarter", "各季度的通报全文和数据", columns, rows)
    labels = {document_label(r) for r in history.results}
    documents = html(
        "<p>通报全文的 PDF 和 Word 文件是{}：按国家公文格式排版，文字和附件表格与通报原文一致，"
        "页数见链接后的括号。</p>",
        "、".join(sorted(label.removeprefix("通报全文（").removesuffix("）") for label in labels)),
    )
    subscribe = html(
        '<p id="{}">有新通报时想得到提醒，可以订阅 <a href="{}">feed.xml</a>：它是 Atom 格式的订阅源'
        "（与 RSS 类似，新闻阅读器和一些浏览器插件都能订阅），每期通报一条，最新的在前。</p>",
        FEED_ANCHOR,
        links.file_href("feed.xml", here),
    )
    verify = html(
        '<p>想确认下载的文件与网站发布的一字不差，可以核对校验值：<a href="{sums}">SHA256SUMS</a> '
        "是网站全部文件的校验值清单（每行一个文件的 SHA-256 值和文件名），下载到同一文件夹后，"
        "在命令行运行 sha256sum -c SHA256SUMS 即可逐个核对；"
        '<a href="{json}">文件校验清单（manifest.json）</a>还列出每个文件的大小。'
        '各字段的含义见<a href="{method}">计算方法与数据说明</a>中的数据字典；'
        "公布数与计算值的差异见各季度页面的“数据核对”。</p>",
        json=links.file_href("manifest.json", here),
        sums=links.file_href("SHA256SUMS", here),
        method=links.href(links.METHODOLOGY, here),
    )
    return markdown_page(
        "数据下载",
        intro,
        ("全部季度", all_quarters + licence_line(history)),
        ("各季度", per_quarter + documents),
        ("订阅与核对", subscribe + verify),
    )


# --- 更正记录 -----------------------------------------------------------------------------------------


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


# The log says so in its own words ("所有数字和名单不变"), or only the circular's text was edited.
_NO_FIGURE_SAID = re.compile(r"数字[^。；]{0,12}(不变|未变|没有改变|无变化)|不涉及(任何)?数字|未改动(任何)?数字")
_TEXT_FILES = frozenset(schema.NARRATIVE_FILES.values())


def changed_no_figure(correction) -> bool:
    """Whether an entry of the log changed no figure, as far as the log shows: it touched only the
    circular's text (the narrative files hold no figure the site computes with), or its
    description says the figures are unchanged. The log is append-only and keeps no earlier
    values, so an entry is marked only when one of these shows it."""
    return set(correction.files) <= _TEXT_FILES or bool(_NO_FIGURE_SAID.search(correction.change))


def correction_entry(correction, known: set[str], here: str) -> Source:
    quarter = QuarterId.parse(str(correction.quarter)).zh
    title = (
        link(f"{quarter}通报", links.href(links.quarter_page(correction.quarter), here))
        if str(correction.quarter) in known
        else html("{}通报", quarter)
    )
    files = "、".join(schema.QUARTER_FILE_ZH.get(name, name) for name in correction.files)
    badge = html('<span class="no-figure">未改动数字</span>') if changed_no_figure(correction) else Source("")
    return html(
        '<li class="correction"><p class="correction-head"><strong>{}</strong>　{}　{}</p>'
        "<dl><dt>改动的部分</dt><dd>{}</dd><dt>改动内容</dt><dd>{}</dd><dt>原因</dt><dd>{}</dd></dl></li>",
        fmt.date(correction.date),
        title,
        badge,
        files,
        correction.change,
        correction.reason,
    )


def corrections_page(history: History) -> str:
    here = links.CORRECTIONS
    intro = html(
        "<p>通报印发后，网站上的数据或文字如有改动，都在这里公开：哪一期通报、改了哪一部分、改了什么、为什么改。"
        "没有登记的改动无法通过校验，网站不会发布；已有的记录只能追加、不能删改（每季度的来源记录保存着它的哈希链），"
        "因此下列文字按登记时的原样显示。标有“未改动数字”的记录只改了通报的文字，或登记时写明数字和名单没有变；"
        "其他记录改了什么，以“改动内容”为准。"
        '网站每次发布的记录见下方“<a href="#{}">发布记录</a>”。</p>',
        PUBLISH_LOG_ANCHOR,
    )
    published = publish_log_section(history)
    if not history.corrections:
        return markdown_page("更正记录", intro + html("<p>目前没有更正。</p>"), published)
    known = set(history.quarter_ids)
    entries = html(
        '<ol class="corrections-list" reversed>{}</ol>',
        join(correction_entry(c, known, here) for c in reversed(history.corrections)),
    )
    count = html("<p>共{}条更正记录，新的在前。</p>", len(history.corrections))
    return markdown_page("更正记录", intro, ("已发布数据的更正", count + entries), published)
