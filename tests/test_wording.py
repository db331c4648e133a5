"""The circular's sentences of 一、基本情况 are the format's (issue 21): data/format.toml's [wording]
words them for the quarter page, the official document and the unit pages' quotations, with named
placeholders only, and a wrong sentence is refused by file, line and key."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from hotline.circular import wording
from hotline.data import narrative
from hotline.data.errors import DataError
from hotline.data.schema import FORMAT_FILE
from hotline.document.compose import official_document
from hotline.format import load as load_format
from hotline.pages import units
from hotline.pages.quarter import QuarterPage
from hotline.rules.history import History

from .conftest import DATA, correct

HEADLINE = (
    "{period}，我市12345热线受理{received}，其中直接答复{answered_directly}，"
    "办结{completed}（截至{completed_as_of}），办结率{completion_rate}。"
)
TOP_VOLUME = "{{工单量}}较多：{top_volume}。"
BEST_UNITS = "{period}表现突出的单位是{best_units}（排名不分先后）。"


def set_wording(data: Path, key: str, value: str) -> int:
    """Give ``wording.<key>`` a new sentence (a TOML basic string); the line it is on."""
    path = data / FORMAT_FILE
    lines = path.read_text(encoding="utf-8").splitlines()
    start = next(n for n, line in enumerate(lines) if line == "[wording]")
    at = next(n for n in range(start, len(lines)) if lines[n].startswith(f"{key} = "))
    lines[at] = f"{key} = {value}"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return at + 1


def text_of(sentence: wording.Sentence) -> str:
    return "".join(s.text if isinstance(s, wording.Figure | narrative.Text) else str(s) for s in sentence)


def test_baishuis_sentences_are_worded_by_its_format(history):
    result = history.latest
    sentences = wording.basic_situation(result)
    first, second, third = (text_of(s) for s in sentences)
    assert first.startswith("一季度，我县12345快速响应平台共受理事项1615件，截止4月19日，办结1612件，办结率99.8%")
    assert "交办各镇（办）389件，林皋镇2件尚未办结，交办部门和单位1170件" in first
    assert second.startswith(
        "从承办数量看，工单量较多的是劳动监察大队（139）、市场局（95）、城关街道办（81）、交通局（71）。从办理效率"
    )
    assert third.startswith("一季度综合成绩较好的单位有：")
    # the segments (the document's runs) as before the sentences were the format's
    texts = [s for s in sentences[0] if type(s) is str]
    assert texts[0] == "一季度，我县12345快速响应平台共受理事项" and "，截止4月19日，办结" in texts
    assert texts[-4:] == ["，林皋镇2件尚未办结", "，交办部门和单位", "，市场局1件尚未办结", "，联合派单51件全部办结。"]


def test_another_wording_reaches_the_page_the_document_and_the_unit_pages(data_copy):
    set_wording(data_copy, "headline", f'"{HEADLINE}"')
    set_wording(data_copy, "top_volume", f'"{TOP_VOLUME}"')
    set_wording(data_copy, "best_units", f'"{BEST_UNITS}"')
    history = History.build(data_copy)
    result = history.latest
    page = BeautifulSoup(QuarterPage(result).basic_situation().data, "html.parser").get_text()
    assert "一季度，我市12345热线受理1615件，其中直接答复56件，办结1612件（截至4月19日），办结率99.8%。" in page
    assert "{工单量}较多：劳动监察大队（139）、" in page and "一季度表现突出的单位是" in page
    assert "我县12345快速响应平台" not in page and "综合成绩较好的单位有" not in page
    document = official_document(result)
    said = "\n".join("".join(run.text for run in p.runs) for p in document.body if hasattr(p, "runs"))
    assert "我市12345热线受理1615件" in said and "{工单量}较多：" in said and "表现突出的单位是" in said
    assert "快速响应平台共受理事项" not in said
    # a unit named in a listing sentence is quoted in the format's words, its name apart
    best = result.best_units[0]
    quoted = [m for m in units.mentions(result)[best] if best in m.parts]
    assert any(
        m.parts[0].startswith("一季度表现突出的单位是") and m.parts[-1].endswith("（排名不分先后）。") for m in quoted
    )
    busiest = (result.quarter.published_top_volume or result.most_work_orders)[0][0]
    assert any(m.parts[0] == "{工单量}较多：" for m in units.mentions(result)[busiest])


def test_a_figure_keeps_its_check_wherever_the_format_puts_it(data_copy):
    """A published figure that disagrees with the tables is still flagged on the page when the
    sentence is worded otherwise: the check travels with the figure, not with the words around it."""
    set_wording(data_copy, "headline", f'"{HEADLINE}"')
    correct(data_copy, "circular.toml", "received = 1615", "received = 1616")
    result = History.build(data_copy).latest
    first = wording.basic_situation(result)[0]
    received = next(s for s in first if isinstance(s, wording.Figure) and s.text.startswith("1616"))
    assert received.disagrees
    assert "1616" in BeautifulSoup(QuarterPage(result).basic_situation().data, "html.parser").get_text()


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("headline", '"共受理{receivd}件"', "未知的占位符“{receivd}”，是否应为“{received}”？"),
        ("headline", '"{received.__class__}"', "含有“.”"),
        ("headline", '"{received!r}"', "含有“!”"),
        ("headline", '"{0}"', "以数字开头"),
        ("headline", '"受理{}件"', "空的占位符"),
        ("headline", '"受理{received"', "没有对应的“}”"),
        ("headline", '"受理\\u202e{received}"', "不可见"),
        ("headline", '"第一行\\n第二行"', "不能分行"),
        ("headline", '""', "不能为空"),
        ("best_units", '"{period}综合成绩较好的单位有：{top_volume}。"', "{top_volume}（工单量较多的单位及其工单量"),
        ("best_units", '"{period}综合成绩较好的单位有：{top_volume}。"', "只能写在 wording.top_volume 这句话中"),
        ("headline", '"受理{received}，{best_units}"', "只能写在 wording.best_units 这句话中"),
        (
            "best_units",
            '"{period}综合成绩较好。"',
            "应当写一次 {best_units}（综合成绩较好的单位，如“城关街道办、人社局”），现在写了0次",
        ),
        ("top_volume", '"{top_volume}、{top_volume}"', "现在写了2次"),
        ("headline", '"{towns_outstanding}{departments_outstanding}"', "这句话只有占位符"),
        ("headline", '"{received} {completed}"', "这句话只有占位符"),
        ("headline", '"受理{received}\u05d0{completed}"', "从右向左书写的文字"),
        ("headline", '"受理{received}\u0627"', "从右向左书写的文字"),
        ("headline", '"受理\u2800{received}"', "看不见或会改变显示的字符"),
        ("headline", '"受理\u1cbc{received}"', "看不见或会改变显示的字符"),
        ("top_volume", '"' + "字" * 501 + '{top_volume}"', "太长"),
    ],
)
def test_a_wrong_sentence_is_refused_with_file_line_and_key(data_copy, key, value, message):
    line = set_wording(data_copy, key, value)
    with pytest.raises(DataError) as caught:
        load_format.load(data_copy)
    error = caught.value
    assert message in error.message, error.message
    assert (error.path, error.line, error.column) == (data_copy / FORMAT_FILE, line, f"wording.{key}")


def test_a_format_without_its_sentences_or_with_an_unknown_one_is_refused(data_copy):
    path = data_copy / FORMAT_FILE
    original = path.read_text(encoding="utf-8")
    path.write_text(original.replace("[wording]\n", '[wording]\nclosing = "特此通报。"\n'), encoding="utf-8")
    with pytest.raises(DataError, match="未知的项“closing”"):
        load_format.load(data_copy)
    path.write_text(original[: original.index("\n# 通报正文“一、基本情况”")] + "\n", encoding="utf-8")
    with pytest.raises(DataError, match="wording"):
        load_format.load(data_copy)


def test_every_placeholder_a_sentence_may_use_is_filled(data_copy):
    """Each sentence written with every placeholder it may use is filled in whole: the placeholders
    staff are offered and the values the site gives are the same list."""
    from hotline.data.sentences import SENTENCES as WORDING_PLACEHOLDERS

    for key, names in WORDING_PLACEHOLDERS.items():
        set_wording(data_copy, key, '"' + "、".join(f"{name}={{{name}}}" for name in names) + '"')
    result = History.build(data_copy).latest
    said = [text_of(s) for s in wording.basic_situation(result)]
    for sentence, names in zip(said, WORDING_PLACEHOLDERS.values(), strict=True):
        assert all(f"{name}=" in sentence for name in names) and "{" not in sentence
    assert "received=1615件、completed_as_of=4月19日" in said[0]
    assert "towns_outstanding=，林皋镇2件尚未办结、" in said[0] and "joint_outstanding=全部办结" in said[0]


def test_a_unit_page_quotes_what_is_outstanding_only_where_the_sentence_says_it(data_copy, history):
    assert any("2件尚未办结" in m.parts for m in units.mentions(history.latest)["林皋镇"])
    set_wording(data_copy, "headline", '"{period}共受理{received}，办结{completed}。"')
    result = History.build(data_copy).latest
    assert not any("尚未办结" in "".join(m.parts) for m in units.mentions(result).get("林皋镇", ()))
    assert "尚未办结" not in text_of(wording.basic_situation(result)[0])


def test_a_placeholder_the_code_leaves_unfilled_is_named():
    """A placeholder offered to staff but not given by the code is a named mistake of the code."""
    from hotline.format import template

    sentence = template.parse("共受理{received}", {"received": "受理"})
    with pytest.raises(template.MissingPlaceholder, match=r"\{received\}"):
        wording._filled(sentence, completed="1612件")


def test_the_format_files_comments_offer_the_placeholders_the_site_fills():
    """Staff read the placeholders of each sentence in data/format.toml's comments: every one the
    site fills is there, with what it stands for, and none that it does not fill."""
    import re as regex

    from hotline.data.sentences import SENTENCES

    text = (DATA / FORMAT_FILE).read_text(encoding="utf-8")
    comments = "".join(
        line.lstrip("# ") for line in text[text.index("[wording]") :].splitlines() if line.startswith("#")
    )
    offered = {name for names in SENTENCES.values() for name in names}
    assert set(regex.findall(r"\{(\w+)\}", comments)) == offered
    for names in SENTENCES.values():
        for name, placeholder in names.items():
            assert f"{{{name}}}（{placeholder.meaning}）" in comments or name == "period", name
