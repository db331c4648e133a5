"""The built site, built once per session into a temporary folder (never touching _build/html)."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pandas as pd
import pytest

from hotline.data.errors import DataError
from hotline.site import build, cli, sphinx_run

from .conftest import DATA, edit_line

pytestmark = pytest.mark.site


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> build.BuildResult:
    return build.build(DATA, tmp_path_factory.mktemp("site") / "_build" / "html")


@pytest.fixture(scope="session")
def q1_html(site) -> str:
    return (site.output / "quarters" / "2024Q1.html").read_text(encoding="utf-8")


def _text(page: str) -> str:
    """Visible text, tags dropped, so assertions read like the page."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", page))


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
def test_q1_page_says_what_the_circular_says(q1_html, sentence):
    assert sentence in _text(q1_html)


@pytest.mark.parametrize(
    "result",
    [
        "56 + 389 + 1170 = 1615件",
        "1615 − 3 = 1612件",
        "1612 ÷ 1615 = 99.8%",
        "4 + 3 = 7件",
        "4 + 8 = 12件",
        "0 + 6 = 6件",
        "15 ÷ 1615 = 0.93%",
        "min(100, 100 + 1.5 − 6) = 95.5",
        "本季度通报中有6处数字与附件表格或计分规则不一致",
    ],
)
def test_q1_page_shows_the_reconciliation(q1_html, result):
    assert result in _text(q1_html)


def test_reconciliation_marks_each_disagreement(q1_html):
    mismatches = re.findall(r'<tr class="mismatch">(.*?)</tr>', q1_html)
    labels = [_text(row) for row in mismatches]
    assert len(mismatches) == 6
    assert any(label.startswith("供销联社") for label in labels)
    headline, totals, scores, lists = 9, 8, 49, 6
    assert len(re.findall(r'<tr class="ok">', q1_html)) == headline + totals + scores + lists - len(mismatches)


def test_attachment_tables_list_every_unit_with_sub_units_under_their_parent(q1_html):
    table = q1_html.split('<table class="attachment">')[2]
    rows = [_text(r) for r in re.findall(r"<tr class=\"(?:unit|sub-unit)[^\"]*\">(.*?)</tr>", table)]
    assert len(rows) == 48
    assert rows[0].startswith("1人社局") and rows[1].startswith("劳动监察大队139")
    assert "总计" in table and "1170" in table


def test_code_and_parameters_are_hidden_on_every_page(site):
    for page in ["index.html", "methodology.html", "quarters/2024Q1.html"]:
        html = (site.output / page).read_text(encoding="utf-8")
        for code in ["QuarterPage", "page.chart", "methodology.", "# Parameters", "data_dir", "import "]:
            assert code not in _text(html), (page, code)


def test_three_charts_with_chinese_alt_text(site, q1_html):
    images = re.findall(r'<img alt="([^"]+)" src="([^"]+)"', q1_html)
    assert len(images) == 3
    for alt, src in images:
        assert re.search(r"[\u4e00-\u9fff]", alt)
        assert (site.output / "quarters" / src).resolve().stat().st_size > 10_000


def test_csv_download_opens_in_excel_and_pandas(site, q1_html):
    link = re.search(r'href="([^"]*2024Q1-units\.csv)"', q1_html).group(1)
    path = (site.output / "quarters" / link).resolve()
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    table = pd.read_csv(path, encoding="utf-8-sig")
    assert len(table) == 56
    assert table["承办工单量"].sum() == 389 + 1170
    assert table.loc[table["办理部门"] == "供销联社", "综合得分"].item() == 96.5


def test_search_index_finds_the_q1_page_for_a_unit_name(site):
    text = (site.output / "searchindex.js").read_text(encoding="utf-8")
    index = json.loads(text[text.index("(") + 1 : text.rindex(")")])
    q1 = index["docnames"].index("quarters/2024Q1")
    found = index["terms"]["劳动监察大队"]
    assert q1 in (found if isinstance(found, list) else [found])


def test_every_unit_name_leads_to_its_unit_page_in_the_search_index(site, q1):
    text = (site.output / "searchindex.js").read_text(encoding="utf-8")
    index = json.loads(text[text.index("(") + 1 : text.rindex(")")])
    for row in q1.units.itertuples():
        page = index["docnames"].index(f"units/unit-{row.unit_id}")
        found = index["titleterms"].get(row.unit, [])
        assert page in (found if isinstance(found, list) else [found]), row.unit


def test_methodology_page_states_the_rules_and_every_column(site):
    page = _text((site.output / "methodology.html").read_text(encoding="utf-8"))
    assert "综合得分 = min(100, 100 + 加分值合计 − 减分值合计)" in page
    assert "排名前2的镇办和前3的部门" in page
    for key in ["work_orders", "extended", "redone", "overdue", "bonus", "penalty", "published_score", "rank"]:
        assert key in page


def test_site_is_chinese_and_loads_nothing_from_other_hosts(site):
    pages = [p for p in site.output.rglob("*.html") if "_static" not in p.parts]
    assert len(pages) >= 5
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert '<html lang="zh-CN"' in text or '<html lang="zh_CN"' in text, page
        external = re.findall(r'<(?:script|link|img)[^>]+(?:src|href)="(?:https?:)?//[^"]+"', text)
        assert not external, (page, external)
        scripted = re.findall(r"""["'](?:https?:)?//[^"']+\.(?:js|css|woff2?)["']""", text)  # URLs inside scripts
        assert not scripted, (page, scripted)


def test_every_internal_link_and_asset_exists(site):
    pages = [p for p in site.output.rglob("*.html") if "_static" not in p.parts]
    for page in pages:
        for target in re.findall(r'(?:href|src)="([^"]+)"', page.read_text(encoding="utf-8")):
            if re.match(r"^(?:[a-z]+:|//|#)", target):
                continue
            path = (page.parent / target.split("#")[0].split("?")[0]).resolve()
            assert path.exists(), (page.relative_to(site.output), target)


def test_pages_claim_no_build_date(site):
    for page in site.output.rglob("*.html"):
        assert "最后更新" not in page.read_text(encoding="utf-8"), page


def test_build_log_has_no_missing_glyph_warning(site):
    log = site.log.read_text(encoding="utf-8")
    assert "build succeeded" in log or "Finished generating HTML" in log
    assert not sphinx_run.GLYPH_WARNING.search(log)


def _tree_digest(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        digest.update(str(path.relative_to(folder)).encode())
        if path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()


def test_building_twice_gives_identical_bytes(site, tmp_path):
    again = build.build(DATA, tmp_path / "_build" / "html")
    assert _tree_digest(again.output) == _tree_digest(site.output)


def test_bad_data_stops_the_build_and_keeps_the_published_site(site, data_copy, capsys):
    before = _tree_digest(site.output)
    edit_line(data_copy / "quarters" / "2024Q1" / "towns.csv", 3, "尧禾镇,,abc,,,,3.4,1,100")
    with pytest.raises(DataError):
        build.build(data_copy, site.output)
    assert cli.main(["--data", str(data_copy), "--output", str(site.output)]) == 1
    error = capsys.readouterr().err
    assert "构建失败，网站未更新" in error and "towns.csv 第3行「承办工单量」列" in error
    assert "Traceback" not in error
    assert _tree_digest(site.output) == before


def test_unrecorded_change_to_published_data_stops_the_build(site, data_copy):
    path = data_copy / "quarters" / "2024Q1" / "towns.csv"
    edit_line(path, 3, "尧禾镇,,65,,,,3.4,1,100")
    with pytest.raises(DataError, match="校验值不一致"):
        build.build(data_copy, site.output)


def test_unit_pages_are_reached_from_the_unit_index_not_the_sidebar(site, q1_html):
    index = (site.output / "units" / "index.html").read_text(encoding="utf-8")
    pages = sorted(p.name for p in (site.output / "units").glob("unit-*.html"))
    assert pages and all(f'href="{name}"' in index for name in pages)
    sidebar = re.search(r'<nav class="bd-links bd-docs-nav".*?</nav>', q1_html, re.S).group(0)
    assert "units/index.html" in sidebar and "unit-" not in sidebar
    page = (site.output / "units" / pages[0]).read_text(encoding="utf-8")
    article = re.search(r"<article.*?</article>", page, re.S).group(0)
    assert 'href="index.html"' in article and "← 单位索引" in _text(article)
