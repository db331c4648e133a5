"""A quarter by staff alone, as the README tells them, from the blank entry workbook to the web
server and after: new quarter → the workbook filled cell by cell and saved by LibreOffice (so its
formulas carry results, as Excel and WPS save them) → import → check → one difference fixed in the
workbook, the others explained → the text written → preview (the draft there, not on the public
site) → issue → publish to a folder → a logged correction (the issued documents byte for byte as
issued) → a rename from the next quarter on (no issued file touched) → the next quarter's workbook.

Every step is a staff command; no step writes a TOML key by hand, and drafting logs no correction."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from openpyxl import load_workbook

from hotline.data.importer.workbook import ATTACHMENT_SHEETS
from hotline.rules.history import History
from hotline.site import build

from .conftest import text_of
from .test_drafting import fill_with_2024q1, run, sheet_rows
from .test_entry_workbook import _libreoffice_save

pytestmark = [pytest.mark.site, pytest.mark.external]

TEXT = {
    "preamble.md": "今年以来，我县12345快速响应平台坚持接诉即办。现将2024年第二季度工单办理情况通报如下：\n",
    "quality_remark.md": "大部分群众诉求得到了有效回应。\n",
    "problems.md": "**（一）审核把关不严。** 部分承办单位对热线工作重视程度下滑。\n",
    "requirements.md": "**（一）压实责任。** 各承办单位要提升办理水平。\n",
}


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _type_in(workbook: Path, sheet_name: str, unit: str, column: str, value) -> None:
    """Staff type one cell of a unit's row, as in Excel."""
    book = load_workbook(workbook)
    sheet = book[sheet_name]
    header, rows = sheet_rows(sheet)
    row = next(r for r in rows if unit in (r[0].value, r[1].value))
    row[header.index(column)].value = value
    book.save(workbook)


def _page(site: Path, name: str) -> str:
    """A built page's visible text, read now (the pages change between the builds of this test)."""
    return text_of(BeautifulSoup((site / name).read_text(encoding="utf-8"), "html.parser"))


def _ok(done, code: int = 0) -> str:
    assert done.returncode == code, done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    return done.stdout


def test_a_quarter_from_the_blank_workbook_to_the_web_server_and_after(workspace, built, tmp_path):
    data, output = workspace
    q1 = data / "quarters" / "2024Q1"
    q1_files, log = _files(q1), data / "corrections.csv"
    log_before = log.read_text(encoding="utf-8")

    # 1. New quarter: the blank workbook, filled cell by cell with a slip (尧禾镇 46 for 64), saved by LibreOffice.
    blank = tmp_path / "2024Q2-录入表.xlsx"
    _ok(run("new_quarter.py", "2024Q2", "--data", data, "--out", blank))
    fill_with_2024q1(blank, data)
    _type_in(blank, ATTACHMENT_SHEETS["town"], "尧禾镇", "承办工单量", 46)
    saved = _libreoffice_save(blank, tmp_path / "first")

    # 2. Import, 3. check: the slip shows as a difference of 受理, besides the six the circular had.
    said = _ok(run("import_quarter.py", saved, "--entered-by", "张三", "--data", data))
    assert "草稿已导入" in said and "make check Q=2024Q2" in said
    checked = run("check_quarter.py", "2024Q2", "--data", data)
    assert checked.returncode == 1 and "7处不一致" in checked.stdout and "1. 受理 = " in checked.stdout

    # Fixed in the workbook and imported again (a draft is replaced: no --replace, nothing logged).
    shutil.copyfile(saved, blank)
    _type_in(blank, ATTACHMENT_SHEETS["town"], "尧禾镇", "承办工单量", 64)
    fixed = _libreoffice_save(blank, tmp_path / "second")
    _ok(run("import_quarter.py", fixed, "--entered-by", "张三", "--data", data))
    checked = run("check_quarter.py", "2024Q2", "--data", data)
    assert checked.returncode == 1 and "6处不一致" in checked.stdout and "受理 = " not in checked.stdout

    # 4. Each remaining difference explained by its number, as make check shows it.
    for item in range(1, 7):
        _ok(run("explain_difference.py", "2024Q2", str(item), "--reason", "按平台统计口径", "--data", data))
    assert "数字核对无误" in _ok(run("check_quarter.py", "2024Q2", "--data", data))
    refused = run("issue_quarter.py", "2024Q2", "--data", data)  # the text is still 待填写
    assert refused.returncode == 1 and "共4处须先处理" in refused.stderr and "前言" in refused.stderr

    # 5. The text, 6. preview: the draft is in the preview, marked; never in the public site.
    draft = data / "quarters" / "2024Q2"
    for name, text in TEXT.items():
        (draft / name).write_text(text, encoding="utf-8")
    preview = tmp_path / "_build" / "preview" / "html"
    shutil.copytree(
        built.output.parent / f".work-{built.output.name}", preview.parent / ".work-html", symlinks=True
    )  # a warm start, as a staff member's second build is
    build.build(data, preview, preview=True)
    page = _page(preview, "quarters/2024Q2.html")
    assert "草稿，尚未印发" in page and "内部预览，不得对外发布" in page
    assert "2024Q2" not in (preview / "sitemap.xml").read_text() + (preview / "feed.xml").read_text()
    assert History.build(data).quarter_ids == ["2024Q1"]
    assert log.read_text(encoding="utf-8") == log_before  # drafting logged nothing

    # 7. Issue: the documents are made once and kept as the record.
    said = _ok(run("issue_quarter.py", "2024Q2", "--data", data))
    assert "2024Q2 已印发" in said
    record = _files(draft / "issued")
    assert sorted(record) == ["2024Q2.docx", "2024Q2.pdf"]

    # 8. The public site, published to a folder and verified there.
    build.build(data, output)
    assert "草稿" not in _page(output, "quarters/2024Q2.html")
    assert (output / "pdf" / "2024Q2.pdf").read_bytes() == record["2024Q2.pdf"]
    webroot = tmp_path / "webroot"
    config = tmp_path / "publish.toml"
    config.write_text(f'destination = "{webroot}"\n', encoding="utf-8")
    _ok(run("publish_site.py", "--config", config, "--site", output, "--data", data))
    verified = subprocess.run(["sha256sum", "-c", "--quiet", "SHA256SUMS"], cwd=webroot, capture_output=True)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    published = (data / "publish_log.csv").read_text(encoding="utf-8")  # the public 发布记录, appended
    manifest = hashlib.sha256((output / "manifest.json").read_bytes()).hexdigest()
    assert published.count("\n") == 2 and f"2024Q1、2024Q2,{manifest}," in published

    # 9. A logged correction: the pages follow the data, the documents stay as issued.
    towns = draft / "towns.csv"
    towns.write_text(towns.read_text(encoding="utf-8").replace("尧禾镇,,64,", "尧禾镇,,65,"), encoding="utf-8")
    said = _ok(
        run(
            "correct_quarter.py",
            "2024Q2",
            "--change",
            "尧禾镇承办工单量64改为65",
            "--reason",
            "平台复核",
            "--data",
            data,
        )
    )
    assert "已登记到更正记录" in said
    build.build(data, output)
    for name, issued in record.items():
        folder = "pdf" if name.endswith(".pdf") else "docx"
        assert (output / folder / name).read_bytes() == issued, name
    assert _files(draft / "issued") == record
    page = _page(output, "quarters/2024Q2.html")
    assert "印发后的更正" in page and "尧禾镇承办工单量64改为65" in page and "印发时的原样" in page
    corrections = _page(output, "corrections.html")
    assert "尧禾镇承办工单量64改为65" in corrections and manifest in corrections  # the publish, listed
    assert log.read_text(encoding="utf-8").count("\n") == log_before.count("\n") + 1  # the one correction

    # 10. A rename from the next quarter on: no issued file changes; the next workbook has the new name.
    q2_files = _files(draft)
    _ok(run("registry.py", "--data", data, "rename", "市场局", "市场监督管理局"))
    assert _files(q1) == q1_files and _files(draft) == q2_files
    History.build(data)  # both issued quarters still read as they printed
    following = tmp_path / "2024Q3-录入表.xlsx"
    _ok(run("new_quarter.py", "2024Q3", "--data", data, "--out", following))
    _, rows = sheet_rows(load_workbook(following)[ATTACHMENT_SHEETS["department"]])
    names = {row[0].value for row in rows}
    assert "市场监督管理局" in names and "市场局" not in names
