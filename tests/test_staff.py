"""The staff's commands over a quarter's life, each on its own copy of data/: a draft is a private
working copy (no checksums, no log, not public), a difference is explained with the numbers it was
given for, issuing refuses while anything is missing and then keeps the documents as the record,
a correction is logged in one step and leaves the record as issued, and the registry changes
through commands that leave issued quarters as they printed."""

from __future__ import annotations

import datetime as dt
import shutil
import tomllib
from pathlib import Path

import pytest

from hotline.data import provenance
from hotline.data.errors import DataError
from hotline.data.quarters import load_quarter
from hotline.data.registry import Registry
from hotline.rules.history import History
from hotline.staff import correct, explain, issue, registry_edit

from .conftest import correct as logged_correction

Q1_DIFFERENCES = ("extended", "redone", "overdue", "overdue_rate", "top_volume", "score.O09")


def make_draft(data: Path, quarter: str = "2024Q2") -> Path:
    """2024 Q1's figures as the draft of the next quarter, as an import of the entry workbook
    leaves it: status draft, no checksums, the figures the tables determine left out."""
    q1, folder = data / "quarters" / "2024Q1", data / "quarters" / quarter
    shutil.copytree(q1, folder)
    text = (folder / "circular.toml").read_text(encoding="utf-8")
    for old, new in (
        ('quarter = "2024Q1"', f'quarter = "{quarter}"\nstatus = "draft"'),
        ("第一季度", "第二季度"),
        ("〔2024〕29号", "〔2024〕45号"),
        ("date = 2024-05-11", "date = 2024-08-10"),
        ("completed_as_of = 2024-04-19", "completed_as_of = 2024-07-19"),
        ('"2023Q4"', '"2024Q1"'),
        ('"2024-03"', '"2024-06"'),
        ("completion_rate_pct = 99.8  # 办结率\n", ""),
        ("assigned_towns = 389  # 交办各镇（办）\n", ""),
        ("assigned_departments = 1170  # 交办部门和单位\n", ""),
    ):
        assert old in text, old
        text = text.replace(old, new)
    text = text.split("best_units")[0]  # no best units, no 总计 rows: computed from the tables
    (folder / "circular.toml").write_text(text, encoding="utf-8")
    record = (folder / "provenance.toml").read_text(encoding="utf-8").split("corrections = ")[0]
    record = record.replace("〔2024〕29号", "〔2024〕45号").replace("2024-05-11", "2024-08-10")
    (folder / "provenance.toml").write_text(record + "\n[checksums]\n", encoding="utf-8")
    (folder / "problems.md").write_text("待填写：请按通报原文录入。\n", encoding="utf-8")
    requirements = folder / "requirements.md"  # a draft's points in GB/T's full-width brackets
    requirements.write_text(requirements.read_text(encoding="utf-8").replace("**(四) ", "**（四）"), "utf-8")
    return folder


def test_a_half_width_point_label_in_a_draft_is_asked_to_be_corrected_not_rewritten(data_copy):
    """An issued circular's text keeps "(四) " as printed; a draft follows GB/T 9704's （四）."""
    folder = make_draft(data_copy)
    requirements = folder / "requirements.md"
    requirements.write_text(requirements.read_text(encoding="utf-8").replace("**（四）", "**(四) "), "utf-8")
    found = [p for p in issue.problems(data_copy, "2024Q2") if "半角括号" in p]
    assert found == [f"{requirements} 第9行：编号“(四)”用了半角括号，公文应为全角“（四）”，请改正"]
    assert "**(四) " in requirements.read_text(encoding="utf-8")  # never rewritten behind staff's back


def test_a_draft_is_edited_freely_and_never_on_the_public_site(data_copy):
    folder = make_draft(data_copy)
    (folder / "requirements.md").write_text("各单位要提高办理质量。\n", encoding="utf-8")  # no log, no checksum
    assert History.build(data_copy).quarter_ids == ["2024Q1"]
    preview = History.build(data_copy, drafts=True)
    assert preview.quarter_ids == ["2024Q1", "2024Q2"] and preview.has_drafts
    assert [str(r.id) for r in preview.issued] == ["2024Q1"]
    log = data_copy / provenance.CORRECTIONS_FILE
    log.write_text(log.read_text(encoding="utf-8") + "2024-08-01,2024Q2,towns.csv,起草,起草\n", encoding="utf-8")
    for drafts in (False, True):  # a logged "correction" of a draft would tell the public of it
        with pytest.raises(DataError, match="还是草稿，草稿直接修改即可") as problem:
            History.build(data_copy, drafts=drafts)
        assert problem.value.line == 4


def test_a_difference_is_explained_by_its_number_and_a_changed_number_asks_again(data_copy):
    make_draft(data_copy)
    result = explain.load_result(data_copy, "2024Q2")
    assert tuple(c.key for c in result.differences) == Q1_DIFFERENCES
    explained = explain.explain(data_copy, "2024Q2", "1", "平台统计口径含跨季度延期工单").check
    assert explained.key == "extended" and explained.acknowledged == "平台统计口径含跨季度延期工单"
    text = (data_copy / "quarters" / "2024Q2" / "circular.toml").read_text(encoding="utf-8")
    assert tomllib.loads(text)["acknowledged"]["extended"]["published"] == 14
    with pytest.raises(DataError, match="没有第“9”处差异"):
        explain.explain(data_copy, "2024Q2", "9", "原因")
    with pytest.raises(DataError, match="不可见的字符（U\\+202E"):
        explain.explain(data_copy, "2024Q2", "2", "原因\u202e51")
    towns = data_copy / "quarters" / "2024Q2" / "towns.csv"  # the tables change: 延期 7 → 8
    towns.write_text(towns.read_text(encoding="utf-8").replace("城关街道办,,81,2,", "城关街道办,,81,3,"), "utf-8")
    again = explain.load_result(data_copy, "2024Q2").check("extended")
    assert not again.acknowledged and again.outdated_reason == "平台统计口径含跨季度延期工单"
    found = issue.problems(data_copy, "2024Q2")
    assert any("第1处差异" in p and "数字已经变了" in p and "ITEM=1" in p for p in found)


def test_issuing_refuses_listing_everything_that_is_missing_at_once(data_copy):
    folder = make_draft(data_copy)
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    found = issue.problems(data_copy, "2024Q2")
    assert len(found) == 7  # 存在问题 still 待填写, and six differences neither corrected nor explained
    assert "存在问题" in found[0] and "尚未填写" in found[0]
    assert all("make explain Q=2024Q2 ITEM=" in p for p in found[1:])
    with pytest.raises(issue.NotReady, match="还不能印发，共7处须先处理"):
        issue.issue(data_copy, "2024Q2")
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before


def _ready(data: Path) -> Path:
    folder = make_draft(data)
    (folder / "problems.md").write_text("部分单位回复质量不高。\n", encoding="utf-8")
    for n in range(1, len(Q1_DIFFERENCES) + 1):
        explain.explain(data, "2024Q2", str(n), "按平台统计口径")
    return folder


@pytest.mark.external  # prints the PDF in Chromium
def test_issuing_keeps_the_documents_as_the_record_and_a_correction_leaves_them_as_issued(data_copy):
    folder = _ready(data_copy)
    assert issue.problems(data_copy, "2024Q2") == []
    done = issue.issue(data_copy, "2024Q2")
    circular = tomllib.loads((folder / "circular.toml").read_text(encoding="utf-8"))
    assert circular["status"] == "issued"
    assert circular["headline"]["completion_rate_pct"] == 99.8 and circular["headline"]["assigned_towns"] == 389
    assert circular["lists"]["best_units"] == ["城关街道办", "尧禾镇", "人社局", "市场局", "公安局"]
    assert circular["totals"]["department"]["work_orders"] == 1170
    assert sorted(p.name for p in (folder / "issued").iterdir()) == ["2024Q2.docx", "2024Q2.pdf"]
    assert done.stated == [
        "办结率（%）",
        "交办各镇（办）（件）",
        "交办部门和单位（件）",
        "综合成绩较好的单位",
        "附件1总计行",
        "附件2总计行",
    ]
    quarter = load_quarter(data_copy, "2024Q2")  # every checksum and both documents verify
    assert not quarter.is_draft and set(quarter.issued_record) == {".docx", ".pdf"}
    record = {p.name: p.read_bytes() for p in (folder / "issued").iterdir()}
    with pytest.raises(issue.NotReady, match="已经印发"):
        issue.issue(data_copy, "2024Q2")

    towns = folder / "towns.csv"
    towns.write_text(towns.read_text(encoding="utf-8").replace("尧禾镇,,64,", "尧禾镇,,65,"), encoding="utf-8")
    with pytest.raises(DataError, match="须登记更正，请运行 make correct Q=2024Q2"):
        load_quarter(data_copy, "2024Q2")
    line, _ = correct.correct(data_copy, "2024Q2", "尧禾镇承办工单量64改为65", "平台复核", dt.date(2024, 9, 1))
    assert line == "2024-09-01,2024Q2,towns.csv,尧禾镇承办工单量64改为65,平台复核"
    corrected = load_quarter(data_copy, "2024Q2")
    assert [c.change for c in corrected.corrections] == ["尧禾镇承办工单量64改为65"]
    assert {p.name: p.read_bytes() for p in (folder / "issued").iterdir()} == record
    (folder / "issued" / "2024Q2.pdf").write_bytes(b"%PDF-1.7 changed")
    with pytest.raises(DataError, match="印发的公文是存档记录，印发后不能改动"):
        load_quarter(data_copy, "2024Q2")


def test_a_correction_needs_a_changed_file_and_an_issued_quarter(data_copy):
    with pytest.raises(DataError, match="没有发现改动的文件"):
        correct.correct(data_copy, "2024Q1", "无", "无")
    make_draft(data_copy)
    with pytest.raises(DataError, match="还是草稿"):
        correct.correct(data_copy, "2024Q2", "改动", "原因")
    log = (data_copy / provenance.CORRECTIONS_FILE).read_bytes()
    towns = data_copy / "quarters" / "2024Q1" / "towns.csv"
    towns.write_text(towns.read_text(encoding="utf-8").replace("尧禾镇,,64,", "尧禾镇,,x,"), encoding="utf-8")
    with pytest.raises(DataError, match="承办工单量"):
        correct.correct(data_copy, "2024Q1", "改动", "原因")
    assert (data_copy / provenance.CORRECTIONS_FILE).read_bytes() == log  # nothing logged


def test_a_rename_takes_effect_after_the_issued_quarters_and_touches_none_of_them(data_copy):
    q1 = data_copy / "quarters" / "2024Q1"
    before = {p.name: p.read_bytes() for p in q1.iterdir()}
    unit_id, last, drafts = registry_edit.rename(data_copy, "市场局", "市场监督管理局")
    assert (last, drafts) == ("2024Q1", [])
    registry = Registry.load(data_copy)
    assert registry.units[unit_id].name == "市场监督管理局"
    assert registry.names_of(unit_id) == ["市场监督管理局", "市场局"]
    assert {p.name: p.read_bytes() for p in q1.iterdir()} == before
    History.build(data_copy)  # 2024 Q1 still reads 市场局, as it printed
    with pytest.raises(DataError) as unknown:
        registry_edit.rename(data_copy, "市场局", "市场管理局")
    assert "曾用名" in str(unknown.value)
    with pytest.raises(DataError, match="名录中已有单位“公安局”"):
        registry_edit.rename(data_copy, "交通局", "公安局")
    with pytest.raises(DataError, match="名录中已有单位"):
        registry_edit.rename(data_copy, "交通局", "公安局 ")


def test_an_unknown_name_is_never_offered_as_its_own_closest_name(data_copy):
    with pytest.raises(DataError) as problem:
        registry_edit.rename(data_copy, "市场监督管理局", "市场局")
    assert "最接近的名称" in str(problem.value) and "：市场监督管理局" not in str(problem.value)


def test_a_new_unit_gets_the_next_id_of_its_category(data_copy):
    assert registry_edit.add(data_copy, "数据局", "部门") == "D29"
    assert registry_edit.add(data_copy, "数据中心", "部门", "数据局") == "D30"
    registry = Registry.load(data_copy)
    assert registry.units["D30"].parent_id == "D29"
    with pytest.raises(DataError, match="类别“科室”不对"):
        registry_edit.add(data_copy, "某科", "科室")
    with pytest.raises(DataError, match="本身是下属单位"):
        registry_edit.add(data_copy, "某站", "部门", "数据中心")


def test_the_feed_dates_an_entry_by_its_latest_correction(history, data_copy):
    from hotline.pages import feed

    assert "<updated>2026-12-07T00:00:00+08:00</updated>" in feed.atom_feed(history, "http://x.cn/", "站")
    logged_correction(data_copy, "quality_remark.md", "大部分群众诉求", "多数群众诉求")
    text = feed.atom_feed(History.build(data_copy), "http://x.cn/", "站")
    assert text.count("<updated>2026-12-15T00:00:00+08:00</updated>") == 2  # the entry and the feed
    assert "印发后有3处更正" in text


def test_a_logged_correction_cannot_be_erased_or_rewritten(data_copy):
    logged_correction(data_copy, "towns.csv", "尧禾镇,,64,", "尧禾镇,,99,")
    log = data_copy / provenance.CORRECTIONS_FILE
    lines = log.read_text(encoding="utf-8").splitlines()
    for tampered in (lines[:-1], lines[:1], [*lines[:-1], lines[-1].replace("测试更正", "格式调整")]):
        log.write_text("\n".join(tampered) + "\n", encoding="utf-8")
        for attempt in (
            lambda: History.build(data_copy),
            lambda: provenance.record_checksums(data_copy / "quarters" / "2024Q1"),  # "record again"
        ):
            with pytest.raises(DataError, match=r"已登记的\d条更正记录被改动或删除了"):
                attempt()
    log.write_text("\n".join(lines) + "\n", encoding="utf-8")
    History.build(data_copy)  # only appending is accepted


def test_a_former_name_used_after_its_period_says_so_and_offers_the_current_name(data_copy):
    registry_edit.rename(data_copy, "市场局", "市场监督管理局")
    make_draft(data_copy)  # 2024Q2 still prints 市场局, after the rename took effect
    with pytest.raises(DataError) as problem:
        load_quarter(data_copy, "2024Q2", drafting=True)
    message = str(problem.value)
    assert "“市场局”是“市场监督管理局”的曾用名，登记的使用期间（最早至2024Q1）不含2024Q2" in message
    assert "最接近的名称" not in message


def test_the_publish_log_chains_every_publish_from_the_first_and_names_a_broken_line(data_copy):
    from hotline.data import publish_log

    assert publish_log.read(data_copy) == []
    when = dt.datetime(2024, 8, 12, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    first = publish_log.append(data_copy, when, ["2024Q1"], "a" * 64)
    second = publish_log.append(data_copy, when + dt.timedelta(days=1), ["2024Q1", "2024Q2"], "b" * 64)
    assert first.previous == publish_log.FIRST and second.previous == first.hash
    assert [str(q) for q in publish_log.read(data_copy)[1].quarters] == ["2024Q1", "2024Q2"]
    path = data_copy / publish_log.PUBLISH_LOG_FILE
    lines = path.read_text(encoding="utf-8").splitlines()
    for tampered, line in (
        ([lines[0], lines[2]], 2),  # the first publish deleted
        ([lines[0], lines[1].replace("a" * 64, "c" * 64), lines[2]], 2),  # an old manifest rewritten
        ([lines[0], lines[1], lines[2].replace("2024-08-13", "2024-08-14")], 3),
    ):
        path.write_text("\n".join(tampered) + "\n", encoding="utf-8")
        with pytest.raises(DataError, match="这一行与前一行的哈希链对不上") as problem:
            History.build(data_copy)
        assert problem.value.line == line


def test_an_issued_quarter_cannot_be_set_back_to_a_draft_nor_vanish_once_published(data_copy):
    from hotline.data import publish_log

    circular = data_copy / "quarters" / "2024Q1" / "circular.toml"
    text = circular.read_text(encoding="utf-8")
    circular.write_text(text.replace('quarter = "2024Q1"', 'quarter = "2024Q1"\nstatus = "draft"'), "utf-8")
    with pytest.raises(DataError, match="2024Q1 已经印发过（来源记录中有校验值或存档的公文），不能改回草稿"):
        History.build(data_copy, drafts=True)
    circular.write_text(text, encoding="utf-8")
    when = dt.datetime(2024, 5, 12, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    publish_log.append(data_copy, when, ["2024Q1"], "a" * 64)
    make_draft(data_copy)  # there must be some quarter; this one is a draft
    shutil.move(data_copy / "quarters" / "2024Q1", data_copy / "quarters" / ".2024Q1")
    with pytest.raises(DataError, match="发布记录中已经发布过的 2024Q1 不在已印发的季度中"):
        History.build(data_copy, drafts=True)


def test_the_log_chain_and_the_issued_record_cannot_be_switched_off(data_copy):
    record = data_copy / "quarters" / "2024Q1" / provenance.PROVENANCE_FILE
    text = record.read_text(encoding="utf-8")
    record.write_text("\n".join(x for x in text.splitlines() if not x.startswith("corrections_chain")) + "\n", "utf-8")
    with pytest.raises(DataError, match="没有更正记录的哈希链"):
        History.build(data_copy)
    with pytest.raises(DataError, match="没有更正记录的哈希链"):
        provenance.record_checksums(record.parent)  # "record again" cannot make a new one
    record.write_text(text.replace("corrections = 2", "issued_on = 2024-05-11\ncorrections = 2"), "utf-8")
    with pytest.raises(DataError, match="由 make issue 印发，来源记录中却没有印发公文的校验值"):
        History.build(data_copy)


def test_explaining_a_difference_of_an_issued_quarter_is_a_public_correction_of_that_alone(data_copy):
    towns = data_copy / "quarters" / "2024Q1" / "towns.csv"
    original = towns.read_text(encoding="utf-8")
    towns.write_text(original.replace("尧禾镇,,64,", "尧禾镇,,99,"), encoding="utf-8")
    with pytest.raises(DataError, match=r"towns\.csv 有尚未登记的改动：请先用 make correct 登记"):
        explain.explain(data_copy, "2024Q1", "1", "按平台统计口径")
    towns.write_text(original, encoding="utf-8")
    done = explain.explain(data_copy, "2024Q1", "1", "按平台统计口径")
    assert done.logged.endswith(
        ",2024Q1,circular.toml,说明数据核对中“延期 = 附件1、附件2延期量合计”的差异,按平台统计口径"
    )
    History.build(data_copy)


def test_a_draft_gets_a_fresh_workbook_in_the_latest_issued_quarters_order(data_copy, tmp_path):
    from .test_drafting import run

    make_draft(data_copy)
    registry_edit.rename(data_copy, "交通局", "交通运输局")
    done = run("new_quarter.py", "2024Q2", "--data", data_copy, "--out", tmp_path / "2024Q2-录入表.xlsx")
    assert done.returncode == 0, done.stderr
    assert "已有草稿" in done.stdout and "make import FILE=" in done.stdout
    done = run("new_quarter.py", "2024Q3", "--data", data_copy, "--out", tmp_path / "2024Q3-录入表.xlsx")
    assert done.returncode == 0, done.stderr  # the draft still printing 交通局 does not block the next one


def test_a_correction_never_waits_on_a_fifo_log(data_copy):
    import os

    towns = data_copy / "quarters" / "2024Q1" / "towns.csv"
    towns.write_text(towns.read_text(encoding="utf-8").replace("尧禾镇,,64,", "尧禾镇,,65,"), encoding="utf-8")
    log = data_copy / provenance.CORRECTIONS_FILE
    log.unlink()
    os.mkfifo(log)
    with pytest.raises(DataError, match="这不是一个普通文件"):
        correct.correct(data_copy, "2024Q1", "改动", "原因")


def test_a_town_office_is_never_a_sub_unit_of_a_department(data_copy):
    with pytest.raises(DataError, match="镇办与部门不能互为上下级"):
        registry_edit.add(data_copy, "子单位2", "镇办", "公安局")
