"""_config.yml is staff input too: every value the site shows or links is validated before the build
starts, and the build reads no project file that is a link or a special file."""

from __future__ import annotations

import os
import re

import pytest

from hotline.data.files import DataFolder
from hotline.site.config import SiteConfig
from hotline.site.errors import BuildError
from hotline.site.keys import Inputs

from .conftest import DATA, FULL, project_copy


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "portal_url: http://www.baishui.gov.cn/",
            'portal_url: "javascript:alert(document.domain)"',
            "「portal_url」：“javascript:alert\\(document.domain\\)”不是网址：只能写 http:// 或 https:// 开头的网址",
        ),
        (
            "html_baseurl: http://www.baishui.gov.cn/12345/",
            "html_baseurl: https://www.baishui.gov.cn@evil.example/",
            "「html_baseurl」：.*网址中不能带用户名或密码",
        ),
        (
            "html_favicon: _static/favicon.png",
            "html_favicon: /etc/hostname",
            "「html_favicon」：“/etc/hostname”应是 _static",
        ),
        (
            "html_favicon: _static/favicon.png",
            "html_favicon: _static/../../etc/hostname",
            "「html_favicon」：“_static/../../etc/hostname”应是 _static",
        ),
        (
            "site_name: 白水县12345热线",
            'site_name: "白水县\\x0112345热线"',
            "「site_name」：含有不可见的字符（U\\+0001）",
        ),
        (
            "site_name: 白水县12345热线",
            'site_name: "白水县\\u202e12345热线"',
            "「site_name」：含有不可见的字符（U\\+202E）",
        ),
        ('hotline: "12345"', 'hotline: "<b>12345</b>"', "「hotline」：热线号码只能由数字"),
        (
            "portal_url: http://www.baishui.gov.cn/",
            'portal_url: "http://www.baishui.gov.cn/**x\\"onclick=\\"y"',
            "「portal_url」：.*含有网址中不应出现的字符",
        ),
    ],
)
def test_a_bad_config_value_is_named_before_the_build_starts(tmp_path, old, new, message):
    root = project_copy(tmp_path)
    config = root / "_config.yml"
    text = config.read_text(encoding="utf-8")
    assert old in text, old
    config.write_text(text.replace(old, new), encoding="utf-8")
    with pytest.raises(BuildError, match=f"网站设置有误：{re.escape(str(root / '_config.yml'))} 第\\d+行{message}"):
        SiteConfig.load(root)


def test_the_shipped_config_is_valid():
    from .conftest import REPO

    config = SiteConfig.load(REPO)
    assert config.base_url == "http://www.baishui.gov.cn/12345/" and config.county == "白水县"


def test_a_favicon_that_is_a_link_outside_is_refused(tmp_path):
    root = project_copy(tmp_path)
    (root / "_static" / "favicon.png").unlink()
    os.symlink("/etc/hostname", root / "_static" / "favicon.png")
    with pytest.raises(BuildError, match=r"「html_favicon」：favicon.png 是一个链接（指向 /etc/hostname）"):
        SiteConfig.load(root)


def test_a_link_in_static_and_a_fifo_config_are_named_without_waiting(tmp_path):
    root = project_copy(tmp_path)
    os.symlink("/etc/hostname", root / "_static" / "leak.txt")
    with pytest.raises(BuildError, match=r"leak.txt 是一个链接（指向 /etc/hostname）"):
        Inputs(root, DataFolder(DATA))
    (root / "_static" / "leak.txt").unlink()
    (root / "_config.yml").unlink()
    os.mkfifo(root / "_config.yml")
    with pytest.raises(BuildError, match=r"_config.yml：这不是一个普通文件（是管道或设备等特殊文件）"):
        Inputs(root, DataFolder(DATA))


def test_a_unit_chart_is_drawn_again_after_a_matplotlib_upgrade(history, tmp_path, monkeypatch):
    from hotline.site import generated

    unit_id = history.units["unit_id"].iloc[0]
    rows, name = history.rows_of(unit_id), history.current_name(unit_id)
    before = generated._chart_files(rows, name, FULL, "承办工单量", tmp_path)
    generated._chart_code.cache_clear()
    real = generated.version
    monkeypatch.setattr(generated, "version", lambda package: "99.0" if package == "matplotlib" else real(package))
    try:
        assert generated._chart_files(rows, name, FULL, "承办工单量", tmp_path) != before
    finally:
        generated._chart_code.cache_clear()


def test_a_unit_chart_is_keyed_by_every_value_it_shows_and_nothing_else(history, tmp_path):
    """The chart is drawn from its shown columns only, so a change elsewhere (a penalty that leaves
    the score) keeps it, and any shown value, to the last digit, draws it again."""
    from hotline.pages import charts
    from hotline.site import generated

    unit_id = history.units["unit_id"].iloc[0]
    rows, name = history.rows_of(unit_id).copy(), history.current_name(unit_id)
    key = generated._chart_files(generated.chart_rows(rows), name, FULL, "承办工单量", tmp_path)
    unshown = rows.assign(penalty=rows["penalty"] + 1, unit="改名后的单位")
    assert generated._chart_files(generated.chart_rows(unshown), name, FULL, "承办工单量", tmp_path) == key
    for column, changed in (
        ("work_orders", rows["work_orders"] + 1),
        ("composite_score", rows["composite_score"] + 0.01),
        ("quarter", rows["quarter"].str.replace("Q1", "Q2")),
    ):
        shown = generated.chart_rows(rows.assign(**{column: changed}))
        assert generated._chart_files(shown, name, FULL, "承办工单量", tmp_path) != key, column
    # What the chart is drawn from is what it is keyed by: drawing the full rows gives the same chart.
    assert charts.unit_history(rows, name, FULL).svg == charts.unit_history(generated.chart_rows(rows), name, FULL).svg


# --- a government site's identifiers and contact (issue 22): optional, each checked against its form ---

PORTAL = "      portal_url: http://www.baishui.gov.cn/\n"


@pytest.mark.parametrize(
    ("added", "message"),
    [
        ('site_code: "61052700"', "「site_code」：“61052700”格式不对：网站标识码应为10位数字或字母"),
        ("site_code: 6105-27000", "「site_code」：“6105-27000”格式不对"),
        ("icp_record: ICP备05001234号", "「icp_record」：“ICP备05001234号”格式不对：ICP备案号应写成"),
        ("icp_record: 陕ICP备05001234", "「icp_record」：.*格式不对"),
        ("police_record: 陕公网安备61052702号", "「police_record」：.*格式不对：公安备案号应写成"),
        ('police_record: "陕公网安备 61052702000123号<script>"', "「police_record」：.*格式不对"),
        ("contact_phone: 电话0913", "「contact_phone」：“电话0913”格式不对：联系电话只能由数字"),
        ("contact_email: web@", "「contact_email」：“web@”格式不对：电子邮箱应写成"),
        ('contact_email: "a@b.cn?cc=x@evil.example"', "「contact_email」：.*格式不对"),
        ('feedback_url: "javascript:alert(1)"', "「feedback_url」：“javascript:alert\\(1\\)”不是网址"),
        ('feedback_url: "mailto:web@baishui.gov.cn?subject=x"', "「feedback_url」：.*mailto: 后应是一个电子邮箱"),
        ('feedback_url: "https://admin@evil.example/"', "「feedback_url」：.*网址中不能带用户名或密码"),
        ('site_code: "61052700\\u202e01"', "「site_code」：含有不可见的字符（U\\+202E）"),
    ],
)
def test_a_wrong_identifier_or_contact_is_named_with_its_line(tmp_path, added, message):
    root = project_copy(tmp_path)
    config = root / "_config.yml"
    text = config.read_text(encoding="utf-8")
    assert PORTAL in text
    config.write_text(text.replace(PORTAL, PORTAL + f"      {added}\n"), encoding="utf-8")
    line = text[: text.index(PORTAL)].count("\n") + 2
    with pytest.raises(BuildError, match=f"网站设置有误：{re.escape(str(config))} 第{line}行{message}"):
        SiteConfig.load(root)


def test_the_identifiers_in_their_forms_are_accepted(tmp_path):
    root = project_copy(tmp_path)
    config = root / "_config.yml"
    added = "".join(
        f"      {line}\n"
        for line in (
            'site_code: "6105270001"',
            "icp_record: 陕ICP备05001234号-1",
            "police_record: 陕公网安备 61052702000123号",
            'contact_phone: "0913-6123456"',
            "contact_email: web@baishui.gov.cn",
            "feedback_url: mailto:web@baishui.gov.cn",
        )
    )
    config.write_text(config.read_text(encoding="utf-8").replace(PORTAL, PORTAL + added), encoding="utf-8")
    assert SiteConfig.load(root).county == "白水县"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("mailto:web@baishui.gov.cn", "https://www.baishui.gov.cn/"), encoding="utf-8")
    SiteConfig.load(root)
