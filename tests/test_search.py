"""Search that knows what citizens type, and a government site's basics (issue 22).

The search is tested as a reader uses it: the built site's search page in Chromium, a query in
its address, the results read back. A unit is found by its official full name (白水县市场监督管理局,
住房和城乡建设局) and by the words citizens use (供电, 自来水, 供暖, 城关镇), which the unit registry
gives in its optional columns 全称 and 搜索词 (validated like every staff file); 12345怎么打 finds
常见问题; a word on many pages (逾期, 得分, a quarter's name) lists the page about it first and at
most ten. The basics: every page's own <title> and description naming 白水县, 网站地图 listing every
page, and the footer's identifiers, contact and 找错 link shown when _config.yml sets them.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from bs4 import BeautifulSoup

from hotline.data.errors import DataError
from hotline.data.registry import Registry
from hotline.staff import registry_edit

from .conftest import REPO, soup, text_of

# --- the unit registry's 全称 and 搜索词 --------------------------------------------------------------


def test_the_registry_gives_full_names_and_search_words_of_the_real_units(registry):
    assert registry.by_name["市场局"].full_name == "白水县市场监督管理局"
    assert registry.by_name["住建局"].full_name == "白水县住房和城乡建设局"
    assert registry.by_name["城关街道办"].full_name == "白水县城关街道办事处"  # as the circular addresses it
    assert "供电" in registry.by_name["供电分公司"].search_terms
    assert "自来水" in registry.by_name["陕西省水务集团白水有限公司"].search_terms
    assert "供暖" in registry.by_name["供热公司"].search_terms
    assert "城关镇" in registry.by_name["城关街道办"].search_terms
    assert registry.search_names_of(registry.by_name["市场局"].id) == ["市场局", "白水县市场监督管理局"]


def _write_units(data: Path, header: str, *rows: str) -> None:
    (data / "units.csv").write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")


def test_a_registry_without_the_optional_columns_reads_as_before(data_copy):
    path = data_copy / "units.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    _write_units(data_copy, "编号,名称,类别,上级单位编号,说明", *(",".join(line.split(",")[:5]) for line in lines[1:]))
    registry = Registry.load(data_copy)
    assert registry.by_name["市场局"].full_name == "" and registry.by_name["市场局"].search_terms == ()
    _write_units(data_copy, lines[0], *lines[1:3], "T03,雷牙镇,镇办,,", *lines[4:])  # a row without them
    assert Registry.load(data_copy).by_name["雷牙镇"].full_name == ""


@pytest.mark.parametrize(
    ("line", "new", "message"),
    [
        (
            1,
            "编号,名称,类别,上级单位编号,说明,简称",
            r"units.csv 第1行：表头应为：编号,名称,类别,上级单位编号,说明，其后可加可选列全称、搜索词",
        ),
        (
            3,
            "T02,尧禾镇,镇办,,,白水县城关街道办事处,",
            r"units.csv 第3行「全称」列：全称“白水县城关街道办事处”与第2行“城关街道办”的全称相同",
        ),
        (3, "T02,尧禾镇,镇办,,,雷牙镇,", r"units.csv 第3行「全称」列：全称“雷牙镇”与第4行“雷牙镇”的名称相同"),
        (
            3,
            "T02,尧禾镇,镇办,,,,供电、公安局",
            r"units.csv 第3行「搜索词」列：搜索词“公安局”是第\d+行“公安局”的名称或全称",
        ),
        (3, "T02,尧禾镇,镇办,,,,尧", r"units.csv 第3行「搜索词」列：搜索词“尧”只有一个字"),
        (3, "T02,尧禾镇,镇办,,,,,多余", r"units.csv 第3行：这一行有8个单元格，表头有7个"),
    ],
)
def test_a_wrong_full_name_or_search_word_is_named_with_file_line_and_column(data_copy, line, new, message):
    from .conftest import edit_line

    edit_line(data_copy / "units.csv", line, new)
    with pytest.raises(DataError, match=message):
        Registry.load(data_copy)


def test_an_attachment_that_prints_a_full_name_is_told_the_registry_name(registry):
    from hotline.data.quarter_id import QuarterId

    message = registry.unknown("白水县市场监督管理局", QuarterId(2024, 1))
    assert message.startswith("“白水县市场监督管理局”是“市场局”的全称") and "附件中请写名录中的名称“市场局”" in message


def test_renaming_and_adding_units_keep_the_optional_columns(data_copy):
    unit_id, _, _ = registry_edit.rename(data_copy, "市场局", "市场监督管理局")
    new_id = registry_edit.add(data_copy, "数据局", "部门")
    registry = Registry.load(data_copy)
    assert registry.units[unit_id].full_name == "白水县市场监督管理局"
    assert "市场监管" in registry.units[unit_id].search_terms
    assert registry.names_of(unit_id) == ["市场监督管理局", "市场局"]  # the former name still leads to it
    assert registry.units[new_id].full_name == "" and registry.units[new_id].search_terms == ()
    header = (data_copy / "units.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header == "编号,名称,类别,上级单位编号,说明,全称,搜索词"


# --- the search data ---------------------------------------------------------------------------------


def _search_data(site: Path) -> dict:
    text = (site / "search-data.js").read_text(encoding="utf-8")
    return json.loads(text[text.index("=") + 1 : text.rindex(";")])


pytest_site = pytest.mark.site


@pytest_site
def test_full_names_and_citizens_words_lead_to_the_unit_pages_in_the_search_data(site):
    data = _search_data(site)
    url = lambda index: data["pages"][index]["u"]  # noqa: E731
    assert url(data["units"]["白水县市场监督管理局"]) == "units/unit-D03.html"
    assert url(data["units"]["市场监督管理局"]) == "units/unit-D03.html"  # without the county, as readers write it
    assert url(data["units"]["市场局"]) == "units/unit-D03.html"
    assert [url(i) for i in data["terms"]["供电"]] == ["units/unit-E03.html"]
    assert [url(i) for i in data["terms"]["2024年第一季度"]] == ["quarters/2024Q1.html"]
    assert [url(i) for i in data["terms"]["2024Q1"]] == ["quarters/2024Q1.html"]
    urls = {page["u"] for page in data["pages"]}
    assert "faq.html" in urls and "site-map.html" not in urls  # the site map names every unit: not searched


@pytest_site
def test_no_shown_sentence_is_a_circulars_document_header(site):
    data = _search_data(site)
    q1 = next(p for p in data["pages"] if p["u"] == "quarters/2024Q1.html")
    assert not any("白政办发" in s for s in q1["s"]) and "白政办发" in q1["x"]  # searched, never shown
    assert q1["l"].endswith("。") and "白政办发" not in q1["l"]


# --- in the browser ------------------------------------------------------------------------------------


def _search(page, base_url: str, query: str, *, all_pages: bool = False) -> list[tuple[str, str]]:
    page.goto(f"{base_url}search.html?q={query}" + ("&all=1" if all_pages else ""))
    page.wait_for_function("() => document.getElementById('search-status').textContent.length > 0")
    return page.eval_on_selector_all(
        "#search-results li",
        "items => items.map(li => [li.querySelector('a').getAttribute('href'),"
        " (li.querySelector('.snippet') || {}).textContent || ''])",
    )


@pytest_site
@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("市场监督管理局", "units/unit-D03.html"),
        ("白水县市场监督管理局", "units/unit-D03.html"),
        ("住房和城乡建设局", "units/unit-D21.html"),
        ("国网白水县供电公司", "units/unit-E03.html"),
        ("国家税务总局白水县税务局", "units/unit-O01.html"),
        ("供电", "units/unit-E03.html"),
        ("供电公司", "units/unit-E03.html"),
        ("自来水", "units/unit-E11.html"),
        ("供暖", "units/unit-E10.html"),
        ("城关镇", "units/unit-T01.html"),
        ("城关镇满意率", "units/unit-T01.html"),
        ("市场局", "units/unit-D03.html"),  # the printed name, as before
        ("12345怎么打", "faq.html"),
        ("常见问题", "faq.html"),
        ("2024年第一季度", "quarters/2024Q1.html"),
        ("2024年一季度", "quarters/2024Q1.html"),
    ],
)
def test_what_citizens_type_finds_the_right_page_first(page, base_url, query, first):
    found = _search(page, base_url, query)
    assert found and found[0][0] == first, found
    assert page.errors == []


@pytest_site
def test_a_full_name_also_finds_the_circular_that_prints_the_short_name(page, base_url):
    found = [href for href, _ in _search(page, base_url, "市场监督管理局")]
    assert found[0] == "units/unit-D03.html" and "quarters/2024Q1.html" in found


@pytest_site
@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("逾期", "faq.html"),  # 承办、延期、重办、逾期是什么意思？
        ("得分", "methodology.html"),  # its section 综合得分: the heading that is most the word
        ("2024年第一季度", "quarters/2024Q1.html"),
        ("逾期率", "quarters/2024Q1.html"),  # no page has a section about it: the circular, as before
    ],
)
def test_a_generic_word_lists_the_page_about_it_first_and_at_most_ten(page, base_url, site, query, first):
    found = _search(page, base_url, query)
    assert found[0][0] == first, found
    assert len(found) <= 10
    on_pages = len(_search(page, base_url, query, all_pages=True))
    if on_pages > 10:  # the page says how many more there are, and lists them all on request
        page.goto(f"{base_url}search.html?q={query}")
        page.wait_for_selector("#search-results li")
        assert f"找到{on_pages}个页面" in page.inner_text("#search-status")
        more = page.locator("#search-more a")
        assert more.inner_text() == f"列出全部{on_pages}个页面"
        more.click()
        page.wait_for_url(re.compile(r"all=1"))
        page.wait_for_selector("#search-results li")
        assert page.locator("#search-results li").count() == on_pages
    assert page.errors == []


@pytest_site
def test_the_circulars_come_right_after_the_pages_about_a_word(page, base_url):
    found = [href for href, _ in _search(page, base_url, "逾期")]
    assert "quarters/2024Q1.html" in found[:3], found


@pytest_site
def test_a_snippet_is_a_sentence_never_a_table_header_or_the_document_header(page, base_url, q1):
    for query in ("逾期", "得分", "2024年第一季度", "承办工单量", "市场监督管理局", "供电", "国网白水县供电公司"):
        for href, snippet in _search(page, base_url, query):
            assert snippet, (query, href)
            if href.startswith("quarters/"):  # the circular's header (issuer, number, addressees) is never shown
                assert q1.document.number not in snippet and q1.document.addressees not in snippet, snippet
                assert not snippet.startswith(q1.document.issuer + "文件"), snippet
            assert snippet not in ("承办工单量", "办理部门", "综合得分", "逾期率"), (query, href)
    q1_snippet = dict(_search(page, base_url, "承办工单量"))["quarters/2024Q1.html"]
    assert len(q1_snippet) > 12 and q1_snippet.rstrip().endswith(("。", "：", "；", "！", "？")), q1_snippet


@pytest_site
def test_the_search_on_a_phone(browser, base_url):
    from .conftest import ARTIFACTS

    context = browser.new_context(locale="zh-CN", viewport={"width": 375, "height": 812}, is_mobile=True)
    page = context.new_page()
    page.goto(base_url + "search.html?q=逾期")
    page.wait_for_selector("#search-results li")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "phone-search-generic.png"), full_page=True)
    overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    context.close()
    assert overflow <= 0


# --- 常见问题 and 网站地图 -----------------------------------------------------------------------------------


@pytest_site
def test_the_faq_answers_from_the_circular_and_the_rules_only(site, q1):
    page = soup(site, "faq.html")
    text = text_of(page.find("main"))
    assert page.find("h1").get_text() == "常见问题"
    headings = [h.get_text() for h in page.find_all("h2")]
    assert headings[0] == "12345热线怎么打？"
    h = q1.headline
    assert f"共受理{h.received}件" in text and f"直接答复{h.answered_directly}件" in text
    assert "以100分为基础" in text and "按100分计" in text  # the format's sentence (data/format.toml)
    assert "超过办理时限的工单数" in text  # 逾期, as the data dictionary says it
    assert not re.search(r"\d{1,2}[:：]\d{2}|小时|工作日|节假日", text)  # no invented hours
    assert "faq.html" in [a["href"].split("/")[-1] for a in soup(site, "index.html").select("nav a[href]")]


def _pages(site: Path) -> list[str]:
    return sorted(
        p.relative_to(site).as_posix()
        for p in site.rglob("*.html")
        if p.relative_to(site).parts[0] != "_static" and p.name != "genindex.html"
    )


@pytest_site
def test_the_site_map_lists_every_page_by_its_heading(site):
    page = soup(site, "site-map.html")
    listed = {
        a["href"]: a.get_text() for a in page.find("main").find_all("a", href=True) if a["href"].endswith(".html")
    }
    assert set(listed) | {"site-map.html"} == set(_pages(site))
    for href, label in listed.items():
        heading = soup(site, href).find("h1").get_text()
        assert label == heading or (href == "index.html" and label == "首页"), (href, label, heading)


@pytest_site
def test_every_page_has_its_own_title_and_description_naming_the_county_and_the_page(site):
    titles, descriptions = {}, {}
    for name in _pages(site):
        page = soup(site, name)
        title = page.find("title").get_text()
        description = page.find("meta", attrs={"name": "description"})["content"]
        heading = page.find("h1").get_text()
        assert "白水县" in title and "白水县" in description, name
        if name != "index.html":
            assert title.startswith(heading) and heading in description, name
        titles.setdefault(title, []).append(name)
        descriptions.setdefault(description, []).append(name)
    assert [t for t, names in titles.items() if len(names) > 1] == []
    assert [d for d, names in descriptions.items() if len(names) > 1] == []
    home = soup(site, "index.html").find("title").get_text()
    assert home == "白水县12345热线工单办理情况通报"
    unit = soup(site, "units/unit-T02.html").find("meta", attrs={"name": "description"})["content"]
    assert unit.startswith("白水县12345热线·尧禾镇：") and "承办工单量" in unit


@pytest_site
def test_the_footer_links_the_site_map_faq_and_no_identifier_that_is_not_set(site):
    footer = soup(site, "quarters/2024Q1.html").find("footer")
    hrefs = [a["href"] for a in footer.find_all("a", href=True)]
    assert "../site-map.html" in hrefs and "../faq.html" in hrefs
    text = text_of(footer)
    for unset in ("网站标识码", "ICP备", "公网安备", "我要找错", "联系本网站"):  # the shipped _config.yml sets none
        assert unset not in text


# --- the footer's identifiers, from a configured theme (a small Sphinx build, not the whole site) ------


def _small_site(tmp_path: Path, options: dict) -> Path:
    """Two pages built by Sphinx with the site's theme and extension, and ``options`` added to the
    shipped theme options: the footer as every page of the real site shows it."""
    import yaml
    from sphinx.application import Sphinx

    settings = yaml.safe_load((REPO / "_config.yml").read_text(encoding="utf-8"))["sphinx"]["config"]
    source = tmp_path / "source"
    (source / "_static").mkdir(parents=True)
    shutil.copy2(REPO / "_static" / "hotline.css", source / "_static" / "hotline.css")
    conf = {
        "extensions": ["hotline.site.sphinx_ext"],
        "html_theme": "hotline",
        "html_theme_options": {**settings["html_theme_options"], **options},
        "html_baseurl": settings["html_baseurl"],
        "language": "zh_CN",
        "html_static_path": ["_static"],
        "root_doc": "index",
        "html_use_index": False,
        "html_copy_source": False,
    }
    (source / "conf.py").write_text("".join(f"{k} = {v!r}\n" for k, v in conf.items()), encoding="utf-8")
    (source / "index.rst").write_text(
        "首页标题\n========\n\n第一段，说明本网站的内容。\n\n.. toctree::\n\n   faq\n", "utf-8"
    )
    (source / "faq.rst").write_text("常见问题\n========\n\n关于12345热线的几个常见问题的回答。\n", "utf-8")
    app = Sphinx(source, source, tmp_path / "html", tmp_path / "doctrees", "html", status=None, warning=None)
    app.build()
    return tmp_path / "html"


def test_the_footer_shows_the_configured_identifiers_contact_and_feedback_link(tmp_path):
    html = _small_site(
        tmp_path,
        {
            "site_code": "6105270001",
            "icp_record": "陕ICP备05001234号-1",
            "police_record": "陕公网安备 61052702000123号",
            "contact_phone": "0913-6123456",
            "contact_email": "web@baishui.gov.cn",
        },
    )
    page = BeautifulSoup((html / "faq.html").read_text(encoding="utf-8"), "html.parser")
    footer = page.find("footer")
    text = text_of(footer)
    assert "网站标识码：6105270001" in text
    icp = footer.find("a", string="陕ICP备05001234号-1")
    assert icp["href"] == "https://beian.miit.gov.cn/"
    police = footer.find("a", string="陕公网安备 61052702000123号")
    assert police["href"].endswith("code=61052702000123")
    assert footer.find("a", href="tel:0913-6123456") and footer.find("a", href="mailto:web@baishui.gov.cn")
    feedback = footer.find("a", string="我要找错")
    address = urlsplit(feedback["href"])
    assert (address.scheme, address.path) == ("mailto", "web@baishui.gov.cn")
    query = parse_qs(address.query)
    assert query["subject"] == ["网站找错：常见问题 · 白水县12345热线"]
    assert unquote(query["body"][0]).startswith("页面：http://www.baishui.gov.cn/12345/faq.html")
    assert page.find("title").get_text() == "常见问题 · 白水县12345热线"
    description = page.find("meta", attrs={"name": "description"})["content"]
    assert description == "白水县12345热线·常见问题：关于12345热线的几个常见问题的回答。"


def test_a_feedback_address_of_its_own_is_linked_as_it_is(tmp_path):
    html = _small_site(tmp_path, {"feedback_url": "https://www.baishui.gov.cn/zhaocuo/"})
    footer = BeautifulSoup((html / "index.html").read_text(encoding="utf-8"), "html.parser").find("footer")
    assert footer.find("a", string="我要找错")["href"] == "https://www.baishui.gov.cn/zhaocuo/"
    assert "网站标识码" not in text_of(footer) and "联系本网站" not in text_of(footer)
