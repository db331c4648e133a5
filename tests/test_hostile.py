"""The hostile-input corpus (tests/hostile/cases.toml) through every staff-writable file, and through
the importer: each case gets its exact named error, or is published and shown literally. After the
published cases, pages are loaded in Chromium: no script of theirs runs, no file of the build
machine is on the site, and the site holds exactly the files of its manifest."""

from __future__ import annotations

import json
import os
import re
import shutil
import tomllib
from pathlib import Path

import pytest

from hotline.data import provenance
from hotline.site import cli, publish

from .conftest import DATA, REPO, serve, shared_build, soup, text_of

CASES = tomllib.loads((Path(__file__).parent / "hostile" / "cases.toml").read_text(encoding="utf-8"))["case"]
REFUSED = [c for c in CASES if "literal" not in c]  # each with its exact message, `error`
PUBLISHED = [c for c in CASES if "literal" in c]


def apply(case: dict, data: Path) -> None:
    """Change a copy of data/ as the case says, then record the checksums (and the number of logged
    corrections) so that the case meets its own check rather than the checksum check."""
    # `special`: "link:/etc/os-release", "fifo" or "folder" in place of the file.
    # "*": a name everywhere it is data (the registry, the tables, the document details); the
    # narratives are cases of their own
    paths = (
        [p for p in data.rglob("*") if p.is_file() and p.suffix in (".csv", ".toml") and p.name != "provenance.toml"]
        if case["file"] == "*"
        else [data / case["file"]]
    )
    if "special" in case:  # the file replaced by a link (to a file of the machine), a FIFO or a folder
        path = data / case["file"]
        path.unlink()
        kind, _, target = case["special"].partition(":")
        {"link": lambda: os.symlink(target, path), "fifo": lambda: os.mkfifo(path), "folder": path.mkdir}[kind]()
        paths = []
    for path in paths:
        text = path.read_text(encoding="utf-8")
        if "replace" in case:
            old, new = case["replace"]
            assert old in text or case["file"] == "*", (case["name"], old)
            text = text.replace(old, new)
        if "line" in case:
            lines = text.splitlines()
            lines[case["line"] - 1] = case["text"]
            text = "\n".join(lines) + "\n"
        if "append" in case:
            text += case["append"]
        if "content" in case:
            text = case["content"]
        path.write_bytes(text.encode(case.get("encoding", "utf-8")))
    if case.get("record", True):
        folder = data / "quarters" / "2024Q1"
        record = folder / provenance.PROVENANCE_FILE
        text = record.read_text(encoding="utf-8")
        for name in provenance.TRACKED_FILES:
            old = re.search(rf'"{re.escape(name)}" = "(sha256:[0-9a-f]+)"', text).group(1)
            text = text.replace(old, provenance.file_sha256(folder / name))
        log = data / provenance.CORRECTIONS_FILE
        logged = sum(1 for line in log.read_bytes().splitlines()[1:] if b",2024Q1," in line)
        text = re.sub(r"(?m)^corrections = \d+$", f"corrections = {logged}", text)
        try:  # the log's hash chain as recording would pin it (a log the case breaks keeps the old one)
            entries = [c for c in provenance.read_corrections(data) if str(c.quarter) == "2024Q1"]
            text = re.sub(r'(?m)^corrections_chain = ".*"$', f'corrections_chain = "{provenance.chain(entries)}"', text)
        except Exception:
            pass
        record.write_text(text, encoding="utf-8")


def test_the_corpus_has_every_kind_of_case():
    assert len(CASES) >= 40 and len({c["name"] for c in CASES}) == len(CASES)
    files = {c["file"].split("/")[-1] for c in CASES}
    for name in [
        "towns.csv",
        "departments.csv",
        "circular.toml",
        "provenance.toml",
        "units.csv",
        "unit_aliases.csv",
        "format.toml",
    ]:
        assert name in files, name
    for name in ["corrections.csv", "preamble.md", "quality_remark.md", "problems.md", "requirements.md", "*"]:
        assert name in files, name


@pytest.mark.parametrize("case", REFUSED, ids=[c["name"] for c in REFUSED])
def test_bad_input_gives_its_exact_error_and_publishes_nothing(case, tmp_path, capsys):
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    apply(case, data)
    output = tmp_path / "_build" / "html"
    assert cli.main(["--data", str(data), "--output", str(output)]) == 1
    error = capsys.readouterr().err
    assert "Traceback" not in error
    lines = error.strip().splitlines()
    assert lines[0] == "构建失败，网站未更新。"
    assert "\n".join(lines[1:]) == case["error"].replace("{data}", str(data))
    assert not output.exists()


# --- the published cases: one build of them all ------------------------------------------------------


def _hostile_data(folder: Path) -> Path:
    data = folder / "data"
    shutil.copytree(DATA, data)
    for case in PUBLISHED:
        apply(case, data)
    return data


@pytest.fixture(scope="session")
def hostile_site(tmp_path_factory, worker_id):
    """One build of every published case, shared by the test workers (see conftest.shared_build)."""
    return shared_build(tmp_path_factory, worker_id, "hostile-site", _hostile_data).output


@pytest.mark.site
@pytest.mark.parametrize("case", PUBLISHED, ids=[c["name"] for c in PUBLISHED])
def test_published_hostile_text_is_shown_literally(hostile_site, case):
    for page in case["pages"]:
        parsed = soup(hostile_site, page)
        assert case["literal"] in text_of(parsed).replace(" ", "") or case["literal"] in parsed.get_text(), page
        for script in parsed.find_all("script"):
            assert "__pwned" not in (script.string or ""), page
        for tag in parsed.find_all(True):
            assert not any(name.startswith("on") for name in tag.attrs), (page, tag.name)


@pytest.mark.site
def test_no_file_of_the_build_machine_reached_the_site_and_nothing_but_the_manifest(hostile_site):
    listed = json.loads((hostile_site / publish.MANIFEST).read_text(encoding="utf-8"))["files"]
    present = {p.relative_to(hostile_site).as_posix() for p in hostile_site.rglob("*") if p.is_file()}
    assert present - {publish.MANIFEST, publish.SUMS} == set(listed)
    for path in hostile_site.rglob("*"):
        assert path.name not in ("passwd", "shadow")
        if path.is_file() and path.stat().st_size < 5_000_000:
            assert b"root:x:0:0" not in path.read_bytes(), path
    assert publish.broken_links(hostile_site) == []


@pytest.mark.site
def test_no_script_of_the_data_runs_in_a_browser(hostile_site, browser):
    base, server = serve(hostile_site)
    try:
        pages = sorted({page for case in PUBLISHED for page in case["pages"]})
        context = browser.new_context(locale="zh-CN")
        page = context.new_page()
        dialogs = []
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        for path in pages:
            page.goto(base + path)
            page.wait_for_load_state("load")
            page.mouse.move(10, 10)
            assert page.evaluate("() => window.__pwned") is None, path
        context.close()
        assert dialogs == []
    finally:
        server.shutdown()


@pytest.mark.site
def test_formula_like_names_are_text_in_the_downloads(hostile_site):
    raw = (hostile_site / "data" / "baishui-12345-units.csv").read_text(encoding="utf-8-sig")
    assert "'@SUM(1+1)*史官镇" in raw


# --- the importer -------------------------------------------------------------------------------------


def _import(*args) -> int:
    import importlib.util

    spec = importlib.util.spec_from_file_location("import_quarter", REPO / "scripts" / "import_quarter.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.main([str(a) for a in args])


IMPORTS = [
    ("原文中有名录里没有的单位", "text", ("\t交警大队\t", "\t交警队\t"), "“交警队”不在单位名录"),
    ("原文是 GBK 编码", "gbk", None, "GBK"),
    ("导入的文件不存在", "missing", None, "找不到这个文件"),
    ("重新导入改了数字但没有登记", "replace", ("尧禾镇\t64\t", "尧禾镇\t65\t"), "更正记录中没有登记这些文件的改动"),
    ("导入 PDF", "pdf", None, "只能导入通报原文"),
]


@pytest.mark.parametrize(("name", "how", "change", "message"), IMPORTS, ids=[i[0] for i in IMPORTS])
def test_the_importer_refuses_with_a_named_error_and_writes_nothing(tmp_path, capsys, name, how, change, message):
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    if how != "replace":
        shutil.rmtree(data / "quarters" / "2024Q1")
    before = {p: p.read_bytes() for p in data.rglob("*") if p.is_file()}
    source = tmp_path / ("通报.pdf" if how == "pdf" else "通报.txt")
    text = (DATA / "sources" / "2024Q1-baishui-circular.txt").read_text(encoding="utf-8")
    if change:
        text = text.replace(*change)
    if how != "missing":
        source.write_bytes(text.encode("gbk" if how == "gbk" else "utf-8"))
    extra = ["--replace"] if how == "replace" else []
    assert _import(source, "--entered-by", "测试", "--data", data, *extra) == 1
    error = capsys.readouterr().err
    assert message in error and "Traceback" not in error and "没有写入或改动任何文件" in error
    assert {p: p.read_bytes() for p in data.rglob("*") if p.is_file()} == before
