"""Stage 3, in words a reader understands: a unit page says when the circular published another
score than the rule gives and which one the ranking uses, quotes what the circular said about the
unit, and names the group it is ranked in as the circular does; downloads say what each file is,
its format, pages and size, and save under a readable name; the quarter page says quarters and
the scoring rule in words."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from bs4 import BeautifulSoup
from pypdf import PdfWriter

from hotline.data import narrative
from hotline.pages import info, links, units
from hotline.pages.methodology import MethodologyPage, published_words
from hotline.pages.quarter import QuarterPage

from .conftest import soup


def _page(history, unit_id: str) -> BeautifulSoup:
    source = units.unit_page(history, unit_id, None)
    return BeautifulSoup(source.split("---\n", 2)[-1], "html.parser")


def _text(element) -> str:
    return " ".join(element.get_text(" ").split()).replace(" ", "")


# --- unit pages -------------------------------------------------------------------------------------


def test_a_unit_page_says_the_published_score_and_the_rules_and_which_ranks(history):
    page = _page(history, "O09")  # 供销联社: published 96.5, the rule gives 95.5
    latest = _text(page.select_one("p.latest"))
    assert "综合得分按计分规则计算为95.5分（通报公布为96.5分）" in latest
    note = _text(page.select_one(".score-notes"))
    assert "2024年第一季度通报公布的综合得分为96.5分" in note
    assert "按计分规则计算（加分值合计1.5，减分值合计6）为95.5分" in note
    assert "网站的排名按计算的95.5分排出" in note
    assert page.select_one(".score-notes a")["href"] == "../quarters/2024Q1.html#check-score-O09"
    row = page.select_one("#unit-quarters tbody tr")
    assert "mismatch" in row["class"]


def test_a_unit_whose_scores_agree_has_no_score_note(history):
    page = _page(history, "T02")
    assert page.select_one(".score-notes") is None
    assert "综合得分100分，在附件1所列8个镇办中排第2名" in _text(page.select_one("p.latest"))


@pytest.mark.parametrize("category", ["企业", "其他"])
def test_a_company_or_other_unit_is_ranked_with_the_departments_of_attachment_2_not_among_departments(
    history, category
):
    ids = [u.id for u in history.registry.units.values() if u.category == category]
    assert ids
    for unit_id in ids:
        text = _text(_page(history, unit_id))
        assert "个部门中" not in text
        assert f"类别：{category}（列在通报附件2，与各部门一同排名）" in text
        assert re.search(r"在附件2所列41个部门和单位中排第\d+名", text), unit_id


def test_a_department_says_the_group_it_is_ranked_in(history):
    text = _text(_page(history, "D03"))  # 市场局
    assert "类别：部门（列在通报附件2）" in text
    assert "在附件2所列41个部门和单位中排第" in text


def test_the_unit_page_quotes_what_the_circular_said_about_linggao(history):
    page = _page(history, "T07")  # 林皋镇
    quotes = page.select("ul.mentions > li > ul > li")
    said = [(_text(q.select_one(".mention-place")), _text(q.q)) for q in quotes]
    assert ("一、基本情况", "林皋镇2件尚未办结") in said
    place, quote = next((p, q) for p, q in said if p.startswith("二、存在问题"))
    assert place == "二、存在问题（一）审核把关不严"
    assert quote.endswith("避重就轻，如林皋镇、西固镇、市场局、供热公司。")
    assert all(strong.get_text() == "林皋镇" for q in quotes for strong in q.select("strong"))
    link = page.select_one("ul.mentions > li > a")
    assert link["href"] == "../quarters/2024Q1.html" and link.get_text() == "2024年第一季度通报"


def test_the_circulars_lists_are_quoted_in_its_words(history):
    said = [_text(q) for q in _page(history, "T01").select("ul.mentions q")]  # 城关街道办
    assert "从承办数量看，工单量较多的是劳动监察大队（139）、市场局（95）、城关街道办（81）、交通局（71）。" in said
    assert "一季度综合成绩较好的单位有：城关街道办、尧禾镇、人社局、市场局、公安局。" in said
    yaohe = [_text(q) for q in _page(history, "T02").select("ul.mentions q")]  # 尧禾镇: best, and a problem
    assert any(q.startswith("一季度综合成绩较好的单位有") for q in yaohe)
    assert any("如：房管所、史官镇、尧禾镇、交通局、退役军人事务局。" in q for q in yaohe)


def test_a_unit_the_circular_does_not_name_says_so(history):
    page = _page(history, "D06")  # 教育局
    assert page.select_one("ul.mentions") is None
    assert "没有点名本单位" in page.select_one("p.mentions-none").get_text()


def test_a_name_inside_a_longer_name_is_not_a_mention_of_the_shorter():
    pattern = units._name_pattern(["公安局", "公安局交警大队", "交警大队"])
    found = units._quoted("如公安局交警大队、公安局。", pattern)
    assert set(found) == {"公安局交警大队", "公安局"}
    assert found["公安局"] == ("如公安局交警大队、", "公安局", "。")


def test_mentions_come_from_the_parsed_narrative_as_text(history, q1):
    hostile = "**（一）审核不严。** 如《林皋镇》与{林皋镇}`x`，见 https://example.org/ 。"
    text_ = narrative.parse(hostile, q1.folder / "problems.md")
    result = history.result("2024Q1")
    quarter = replace(result.quarter, narrative={**result.quarter.narrative, "problems": text_})
    changed = replace(result, quarter=quarter)
    found = units.mentions(changed)["林皋镇"]
    places = [m.place for m in found]
    assert "二、存在问题（一）审核不严" in places
    quote = next(m for m in found if m.place.startswith("二"))
    assert quote.parts.count("林皋镇") == 2


def test_the_unit_page_and_index_say_quarters_in_words(history, demo_history):
    page = _page(history, "T07")
    assert "2024Q1" not in page.get_text()
    assert "2024年第一季度" in _text(page.select_one("#unit-quarters"))
    index = BeautifulSoup(units.unit_index(history), "html.parser").get_text()
    assert "2024Q1" not in index and "2024年第一季度" in index
    renamed = _page(demo_history, "D07")
    assert "曾用名：城管局（2024年第三季度及以前）" in _text(renamed)


@pytest.fixture(scope="session")
def demo_history(tmp_path_factory):
    from hotline.examples import generate as examples
    from hotline.rules.history import History

    from .conftest import DATA

    target = tmp_path_factory.mktemp("demo-h4") / "data"
    examples.generate(DATA, target)
    return History.build(target)


# --- downloads ----------------------------------------------------------------------------------------


def _downloads(history) -> BeautifulSoup:
    return BeautifulSoup(info.downloads_page(history), "html.parser")


def test_downloads_save_under_readable_names_and_keep_their_urls(history):
    page = _downloads(history)
    named = {a["href"]: a.get("download") for a in page.find_all("a", href=True) if a.has_attr("download")}
    assert named["pdf/2024Q1.pdf"] == "白水县12345通报-2024年第一季度.pdf"
    assert named["docx/2024Q1.docx"] == "白水县12345通报-2024年第一季度.docx"
    assert named["data/quarters/2024Q1-units.csv"] == "白水县12345通报-2024年第一季度-各单位数据.csv"
    assert named["data/baishui-12345-units.csv"] == "白水县12345通报-各单位各季度数据.csv"
    assert named["data/baishui-12345.xlsx"] == "白水县12345通报数据.xlsx"
    facts = {span["data-file"] for span in page.select("span.file-facts")}
    assert {"pdf/2024Q1.pdf", "docx/2024Q1.docx", "data/baishui-12345.xlsx"} <= facts


def test_downloads_say_what_the_files_are_with_a_licence_and_the_jargon_explained(history):
    text = _text(_downloads(history))
    assert "通报原件" not in text
    assert "按通报原文重新排版的公文" in text and "不是原件扫描件" in text
    assert "使用许可：" in text and "other-pd" in text and "注明来源" in text
    assert "Atom格式的订阅源" in text
    assert "SHA256SUMS是网站全部文件的校验值清单" in text
    assert "2024Q1" not in text


def test_file_facts_are_filled_with_format_pages_and_size_once_the_files_exist(tmp_path):
    site = tmp_path / "site"
    (site / "pdf").mkdir(parents=True)
    (site / "quarters").mkdir()
    writer = PdfWriter()
    for _ in range(3):
        writer.add_blank_page(595, 842)
    with (site / "pdf" / "2024Q1.pdf").open("wb") as out:
        writer.write(out)
    (site / "data").mkdir()
    (site / "data" / "a.csv").write_bytes(b"x" * 3000)
    marks = "".join(
        str(info.file_facts(path, with_format=full))
        for path, full in (("pdf/2024Q1.pdf", True), ("data/a.csv", False), ("data/missing.csv", True), ("../x", True))
    )
    (site / "downloads.html").write_text(f"<p>{marks}</p>", encoding="utf-8")
    (site / "quarters" / "2024Q1.html").write_text(f"<p>{marks}</p>", encoding="utf-8")
    (tmp_path / "x").write_text("outside")
    changed = info.fill_file_facts(site)
    assert len(changed) == 2
    spans = BeautifulSoup((site / "downloads.html").read_text(encoding="utf-8"), "html.parser").select("span")
    size = info.size_text((site / "pdf" / "2024Q1.pdf").stat().st_size)
    assert [s.get_text() for s in spans] == [f"（PDF，3页，{size}）", "（3 KB）", "", ""]


def test_size_text_reads_as_readers_expect():
    assert info.size_text(860) == "860 字节"
    assert info.size_text(312 * 1024) == "312 KB"
    assert info.size_text(int(1.44 * 1024 * 1024)) == "1.4 MB"


def test_the_built_site_shows_each_documents_pages_and_size(site):
    quarter = soup(site, "quarters/2024Q1.html")
    pdf = quarter.select_one('.doc-downloads a[href="../pdf/2024Q1.pdf"]')
    assert pdf["download"] == "白水县12345通报-2024年第一季度.pdf"
    facts = pdf.find_next_sibling("span", class_="file-facts").get_text()
    assert re.fullmatch(r"（\d+页，\d+ KB）", facts), facts
    downloads = soup(site, "downloads.html")
    facts = [s.get_text() for s in downloads.select("span.file-facts")]
    shapes = r"（.+，\d+(\.\d)? (KB|MB|字节)）|（\d+页，.+）|（\d+ KB）"
    assert facts and all(re.fullmatch(shapes, f) for f in facts), facts


# --- the quarter page in plain words ----------------------------------------------------------------------


@pytest.fixture(scope="session")
def q1_quarter_page(history) -> QuarterPage:
    return QuarterPage(history.result("2024Q1"))


def _blocks(page: QuarterPage) -> list[BeautifulSoup]:
    blocks = [page.header(), page.summary(), page.basic_situation(), page.published_only(), page.closing()]
    blocks += [page.attachment(kind) for kind in ("town", "department")]
    blocks += [page.reconciliation(group) for group in ("headline", "totals", "lists", "scores")]
    blocks += [page.downloads()]
    return [BeautifulSoup(block.data, "html.parser") for block in blocks]


def test_the_quarter_page_says_quarters_in_words_and_shows_no_formula(q1_quarter_page):
    for block in _blocks(q1_quarter_page):
        shown = block.get_text()
        assert "2024Q1" not in shown
        assert "min(" not in shown
    header, downloads = _blocks(q1_quarter_page)[0], _blocks(q1_quarter_page)[-1]
    for labels in (header.select_one(".doc-downloads"), downloads):  # the log may quote the paper 通报原件
        assert "通报原件" not in labels.get_text()


def test_the_score_checks_show_points_in_columns_and_link_the_rule(q1_quarter_page):
    block = BeautifulSoup(q1_quarter_page.reconciliation("scores").data, "html.parser")
    heads = [th.get_text() for th in block.select("thead th")]
    assert heads == ["核对项目", "通报公布", "按计分规则", "结果", "加分值合计", "减分值合计", "说明"]
    row = [c.get_text() for c in block.select_one("#check-score-O09").find_all(["th", "td"])]
    assert row[1:6] == ["96.5", "95.5", "✗", "1.5", "6"]
    assert "网站的排名按计算的95.5分排出" in row[6]
    rule = block.find("a", href=f"../{links.METHODOLOGY}.html#{units.SCORE_RULE_ANCHOR}")
    assert rule is not None


def test_the_quarter_pages_documents_are_labelled_and_named(q1_quarter_page):
    header = BeautifulSoup(q1_quarter_page.header().data, "html.parser")
    label = header.select_one(".doc-downloads").get_text()
    assert label.startswith("通报全文（按通报原文重新排版的公文，不是原件扫描件）：")
    names = [a["download"] for a in header.select(".doc-downloads a")]
    assert names == ["白水县12345通报-2024年第一季度.pdf", "白水县12345通报-2024年第一季度.docx"]


# --- methodology and corrections ---------------------------------------------------------------------------


def test_the_methodology_page_says_the_score_rule_once_in_words_with_an_example(history):
    page = MethodologyPage(history)
    block = BeautifulSoup(page.scoring_rule().data, "html.parser")
    assert block.find(id=units.SCORE_RULE_ANCHOR) is not None
    words = _text(block)
    assert "以100分为基础" in words and "按100分计" in words
    assert "例如2024年第一季度的供销联社：加分值合计1.5，减分值合计6，按规则计算min(100,100+1.5−6)=95.5分" in words
    assert "min(…)取括号中各项的最小值" in words  # the rule's one word of notation, said once


def test_the_methodology_page_names_no_unpublished_file(history):
    shown = BeautifulSoup(MethodologyPage(history).sources().data, "html.parser").get_text()
    assert "data/" not in shown and "2024Q1-baishui-circular.txt" not in shown
    assert "原文及附件1、附件2" in shown
    said = "通报原文（文本见 data/sources/2024Q1-baishui-circular.txt）；另见 scripts/import_quarter.py"
    assert published_words(said) == "通报原文；另见 项目数据文件"


def test_corrections_are_entries_in_words_and_those_that_changed_no_figure_say_so(history):
    page = BeautifulSoup(info.corrections_page(history), "html.parser")
    entries = page.select("li.correction")
    assert len(entries) == len(history.corrections)
    assert "2024Q1" not in page.get_text()
    first = entries[-1]  # newest first: the oldest entry is last
    assert "2024年第一季度通报" in first.get_text() and "通报文件信息与数字" in first.get_text()
    assert first.select_one(".no-figure").get_text() == "未改动数字"  # its change says 所有数字和名单不变
    text_only = replace(history.corrections[0], files=("problems.md",), change="改正一个错字")
    assert info.changed_no_figure(text_only)
    figure = replace(history.corrections[0], files=("towns.csv",), change="尧禾镇承办工单量64改为65")
    assert not info.changed_no_figure(figure)


def test_a_pdfs_pages_are_counted_from_its_page_tree_as_pypdf_counts_them(tmp_path):
    """The downloads say a PDF's pages; read from the page tree's root without parsing the whole
    file (pypdf took 0.2 s for each 16-page tagged PDF, twice per quarter, at every build)."""
    from pypdf import PdfWriter

    from hotline.pages import info

    for count in (1, 7, 16):
        writer = PdfWriter()
        for _ in range(count):
            writer.add_blank_page(595, 842)
        path = tmp_path / f"{count}.pdf"
        with path.open("wb") as out:
            writer.write(out)
        assert info.pdf_pages(path) == count
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.7\nnot a pdf")
    assert info.pdf_pages(broken) is None
