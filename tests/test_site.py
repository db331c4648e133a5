"""The built site, read with an HTML parser: what the Q1 page says, what every page links to, what
was published and nothing else."""

from __future__ import annotations

import hashlib
import json

import pandas as pd
import pytest

from hotline.site import publish, sphinx_run

from .conftest import soup, text_of

pytestmark = pytest.mark.site


@pytest.fixture(scope="session")
def q1_page(site):
    return soup(site, "quarters/2024Q1.html")


@pytest.fixture(scope="session")
def q1_text(q1_page):
    return text_of(q1_page.find("main") or q1_page)


@pytest.mark.parametrize(
    "sentence",
    [
        "白政办发〔2024〕29号",
        "白水县人民政府办公室关于2024年第一季度12345快速响应平台工单办理情况的通报",
        "共受理事项1615件",
        "截止4月19日，办结1612件",
        "办结率99.8%",
        "延期14件",
        "其中通过电话咨询直接答复56件，交办各镇（办）389件，林皋镇2件尚未办结，交办部门和单位1170件，市场局1件尚未办结",
        "联合派单51件全部办结",
        "工单量较多的是劳动监察大队（139）、市场局（95）、城关街道办（81）、交通局（71）",
        "一季度综合成绩较好的单位有：城关街道办、尧禾镇、人社局、市场局、公安局",
        "2024年3月满意率89.96%",
        "审核把关不严",
        "捏紧热线绣花针",
        "抄送：县委办，人大办，政协办，纪委办，人武部政工科",
    ],
)
def test_q1_page_says_what_the_circular_says(q1_text, sentence):
    assert sentence in q1_text.replace(" ", "")


def test_q1_page_shows_the_reconciliation_with_six_differences(q1_page):
    rows = q1_page.select("table.reconciliation tbody tr")
    assert len(rows) == 9 + 8 + 6 + 49
    mismatches = [r for r in rows if "mismatch" in r.get("class", [])]
    assert len(mismatches) == 6
    assert text_of(mismatches[-1].find("th")) == "供销联社（部门）"
    cells = {r["id"]: [text_of(c) for c in r.find_all(["th", "td"])] for r in rows}
    assert cells["check-received"][2] == "56 + 389 + 1170 = 1615件"
    assert cells["check-overdue_rate"][2] == "15 ÷ 1615 = 0.93%"
    # 通报公布, 按计分规则, 结果, 加分值合计, 减分值合计: the formula is said once, on the methodology page
    assert cells["check-score-O09"][1:6] == ["96.5", "95.5", "✗", "1.5", "6"]
    assert "本季度通报中有6处数字与附件表格或计分规则不一致" in text_of(q1_page.select_one(".summary"))


def test_attachment_tables_list_every_unit_with_sub_units_under_their_parent(q1_page):
    departments = q1_page.select("table.attachment")[1]
    rows = departments.select("tbody tr")
    assert len(rows) == 48
    first, second = ([text_of(c) for c in r.find_all(["th", "td"])] for r in rows[:2])
    assert first[:2] == ["人社局", "24"] and first[-2:] == ["1", "✓"]  # the rank, then the check
    assert second[:2] == ["下属 劳动监察大队", "139"] and "sub-unit" in rows[1]["class"]
    assert [text_of(c) for c in departments.select("tfoot th, tfoot td")][:2] == ["总计", "1170"]


def test_every_unit_in_every_table_links_to_its_unit_page(site, q1_page):
    for table in q1_page.select("table.attachment"):
        for row in table.select("tbody tr"):
            link = row.select_one('a[href^="../units/unit-"]')
            assert link is not None, text_of(row)
            assert (site / "units" / link["href"].removeprefix("../units/")).is_file()


def test_code_and_parameters_are_hidden_on_every_page(site):
    for page in ["index.html", "methodology.html", "comparison.html", "quarters/2024Q1.html"]:
        shown = text_of(soup(site, page).find("main") or soup(site, page))
        for code in ["QuarterPage", "page.chart", "# Parameters", "data_dir", "saved =", "import ", "hotline"]:
            assert code not in shown, (page, code)


def test_three_charts_with_chinese_alt_text_and_figure_numbers(site, q1_page):
    figures = q1_page.select("figure")
    assert len(figures) == 3
    for number, figure in enumerate(figures, start=1):
        image = figure.find("img")
        assert any("\u4e00" <= ch <= "\u9fff" for ch in image["alt"])
        assert (site / "quarters" / image["src"]).resolve().stat().st_size > 5_000
        assert text_of(figure.find("figcaption")).startswith(f"图{number}")


def test_the_quarters_csv_download_opens_in_excel_and_pandas(site, q1_page):
    link = next(a["href"] for a in q1_page.find_all("a", href=True) if a["href"].endswith("2024Q1-units.csv"))
    path = (site / "quarters" / link).resolve()
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    table = pd.read_csv(path, encoding="utf-8-sig")
    assert len(table) == 56
    assert table["承办工单量"].sum() == 389 + 1170
    assert table.loc[table["办理部门"] == "供销联社", "综合得分"].item() == 96.5


def _search_data(site):
    text = (site / "search-data.js").read_text(encoding="utf-8")
    return json.loads(text[text.index("=") + 1 : text.rindex(";")])


def test_the_search_data_finds_the_q1_page_for_a_unit_name_and_shows_only_sentences(site):
    data = _search_data(site)
    q1 = next(p for p in data["pages"] if p["u"] == "quarters/2024Q1.html")
    assert "劳动监察大队" in q1["x"] and (q1["k"], q1["q"]) == ("q", "2024Q1")
    assert all(sentence and not sentence.isdigit() for sentence in q1["s"])
    assert not any("本页目录" in s or "栏目" in s for page in data["pages"] for s in page["s"])
    assert data["prefixes"] == ["白水县", "白水"]


def test_every_unit_name_leads_to_its_unit_page_in_the_search_data(site, q1):
    data = _search_data(site)
    for row in q1.units.itertuples():
        assert data["pages"][data["units"][row.unit]]["u"] == f"units/unit-{row.unit_id}.html", row.unit
        assert row.unit in data["words"]


def test_a_former_name_leads_to_the_unit_page_too(site, history, tmp_path):
    import shutil
    from dataclasses import replace

    from hotline.data.registry import Alias, Registry
    from hotline.site import indexes

    copy = tmp_path / "site"
    shutil.copytree(site, copy)
    registry = Registry(list(history.registry.units.values()), [Alias("城市管理局", "D07", None, None, "测试")])
    indexes.write_search_data(copy, replace(history, registry=registry), tmp_path / "cache", "白水县")
    data = _search_data(copy)
    assert data["pages"][data["units"]["城市管理局"]]["u"] == "units/unit-D07.html"


def test_the_search_cache_keeps_only_the_pages_as_they_are(site, history, tmp_path):
    import shutil

    from hotline.site import indexes

    copy, cache = tmp_path / "site", tmp_path / "cache"
    shutil.copytree(site, copy)
    indexes.write_search_data(copy, history, cache, "白水县")
    before = _search_data(copy)
    kept = {p.name for p in cache.glob("*.json")}
    assert len(kept) == 2 * len(before["pages"])  # an entry and a word list per page
    page = copy / "corrections.html"
    page.write_text(page.read_text(encoding="utf-8").replace("</main>", "<p>新增一句测试说明。</p></main>"), "utf-8")
    indexes.write_search_data(copy, history, cache, "白水县")
    now = {p.name for p in cache.glob("*.json")}
    assert len(now) == len(kept) and len(kept - now) == 2  # the old version's two files are gone
    changed = next(p for p in _search_data(copy)["pages"] if p["u"] == "corrections.html")
    assert "新增一句测试说明。" in changed["s"]


def test_methodology_page_states_the_rules_every_column_and_how_staff_text_is_shown(site):
    methodology = soup(site, "methodology.html")
    page = text_of(methodology)
    assert "综合得分 = min(100, 100 + 加分值合计 − 减分值合计)" in page
    assert "排名前2的镇办和前3的部门" in page
    assert "每个字符都按原样显示" in page and "在录入时就会被拒绝" in page
    fields = {code.get_text("") for code in methodology.select("code.field")}  # may break after "_" (<wbr>)
    for key in ["work_orders", "extended", "redone", "overdue", "bonus", "penalty", "published_score", "rank"]:
        assert key in fields


def test_site_is_chinese_and_loads_nothing_from_other_hosts(site):
    pages = [p for p in site.rglob("*.html") if "_static" not in p.parts]
    assert len(pages) >= 60
    for page in pages:
        parsed = soup(site, page.relative_to(site).as_posix())
        assert parsed.html["lang"] in ("zh-CN", "zh_CN"), page
        for tag in parsed.find_all(["script", "link", "img", "iframe"]):
            source = tag.get("src") or tag.get("href") or ""
            assert not source.startswith(("http:", "https:", "//")) or (
                tag.name == "link" and "alternate" in tag.get("rel", [])
            ), (page, source)


def test_every_internal_link_and_image_resolves_within_the_site(site):
    assert publish.broken_links(site) == []


def test_pages_claim_no_build_date(site):
    for page in site.rglob("*.html"):
        assert "最后更新" not in page.read_text(encoding="utf-8"), page


def test_build_log_has_no_missing_glyph_warning(built):
    log = built.log.read_text(encoding="utf-8")
    assert "build succeeded" in log
    assert not sphinx_run.GLYPH_WARNING.search(log)


def test_the_manifest_lists_every_published_file_with_its_size_and_checksum(site):
    manifest = json.loads((site / publish.MANIFEST).read_text(encoding="utf-8"))["files"]
    on_disk = {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()} - {
        publish.MANIFEST,
        publish.SUMS,
    }
    assert set(manifest) == on_disk
    for name in ("index.html", "quarters/2024Q1.html", "data/baishui-12345-units.csv", "pdf/2024Q1.pdf"):
        data = (site / name).read_bytes()
        assert manifest[name] == {"size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    sums = (site / publish.SUMS).read_text(encoding="utf-8").splitlines()
    assert len(sums) == len(manifest) and all("  " in line for line in sums)


def test_no_page_mentions_code_or_file_names_of_the_project(site):
    for page in site.rglob("*.html"):
        if "_static" in page.parts or page.name == "research.html":  # the researchers' guide shows its code
            continue
        shown = text_of(soup(site, page.relative_to(site).as_posix()).find("main") or "")
        for code in ("hotline.", "circular.toml", "provenance.toml", "scripts/", "import_quarter", ".ipynb"):
            assert code not in shown, (page.relative_to(site), code)


def test_unit_pages_are_reached_from_the_unit_index_not_the_sidebar(site, q1_page):
    index = soup(site, "units/index.html")
    pages = sorted(p.name for p in (site / "units").glob("unit-*.html"))
    linked = {a["href"] for a in index.find_all("a", href=True)}
    assert pages and all(name in linked for name in pages)
    navigation = " ".join(a["href"] for nav in q1_page.find_all("nav") for a in nav.find_all("a", href=True))
    assert "units/index.html" in navigation and "unit-" not in navigation
    page = soup(site, f"units/{pages[0]}")
    back = page.find("a", string="← 单位索引")
    assert back is not None and back["href"] == "index.html"
