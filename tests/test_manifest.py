"""The publish manifest without a build: ``manifest.json`` and ``SHA256SUMS`` list every file of the
site, in every folder (the official documents in pdf/ and docx/ as much as the pages), and a site
whose manifest leaves a folder out is not taken for the published one nor published.

The built-site test (test_site.py) checks the real manifest once the whole site is built; a
manifest leaving out pdf/ passed every test that builds nothing. These are fast, on a small site
laid out like the real one.
"""

from __future__ import annotations

import ast
import hashlib
import json
from pathlib import Path

import pytest

from hotline.site import deploy, documents, publish

# One file in each folder the real site has, the official documents included.
LAYOUT = {
    "index.html": "<p>首页</p>",
    "search.html": "<p>搜索</p>",
    "feed.xml": "<feed/>",
    "sitemap.xml": "<urlset/>",
    "quarters/2024Q1.html": "<p>2024年第一季度</p>",
    "units/index.html": "<p>单位索引</p>",
    "units/unit-T01.html": "<p>尧禾镇</p>",
    "_images/0a1b2c.svg": "<svg/>",
    "_static/styles/site.css": "body{}",
    "_static/search-data.json": "{}",
    "data/baishui-12345-units.csv": "quarter,unit\n",
    "data/datapackage.json": "{}",
    "data/2024Q1/units.csv": "unit\n",
    "pdf/2024Q1.pdf": "%PDF-1.7 2024Q1",
    "docx/2024Q1.docx": "PK 2024Q1",
}


def _site(root: Path) -> Path:
    for name, content in LAYOUT.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(content, encoding="utf-8")
    return root


def _on_disk(site: Path) -> set[str]:
    return {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()} - {publish.MANIFEST, publish.SUMS}


def test_the_manifest_lists_every_file_in_every_folder_with_its_size_and_checksum(tmp_path):
    site = _site(tmp_path / "html")
    digest = publish.write_manifest(site)
    listed = json.loads((site / publish.MANIFEST).read_text(encoding="utf-8"))["files"]
    assert set(listed) == _on_disk(site) == set(LAYOUT)
    for name in LAYOUT:
        data = (site / name).read_bytes()
        assert listed[name] == {"size": len(data), "sha256": hashlib.sha256(data).hexdigest()}, name
    sums = (site / publish.SUMS).read_text(encoding="utf-8").splitlines()
    assert sorted(line.split("  ", 1)[1] for line in sums) == sorted(LAYOUT)
    assert publish.matches_manifest(site, digest)
    assert deploy.verify_site(site).files == len(LAYOUT) + 2


def test_the_documents_put_into_the_staged_site_are_in_its_manifest(tmp_path):
    """As the build does it: the site staged, the documents copied in, then the manifest written."""
    made = tmp_path / "made"
    made.mkdir()
    (made / "a.docx").write_bytes(b"PK docx")
    (made / "a.pdf").write_bytes(b"%PDF pdf")
    site = tmp_path / "staged"
    site.mkdir()
    (site / "index.html").write_text("<p>首页</p>", encoding="utf-8")
    documents.copy_documents({"2024Q1": (made / "a.docx", made / "a.pdf")}, site)
    publish.write_manifest(site)
    listed = json.loads((site / publish.MANIFEST).read_text(encoding="utf-8"))["files"]
    assert set(listed) == {"index.html", "docx/2024Q1.docx", "pdf/2024Q1.pdf"}


@pytest.mark.parametrize("folder", ["pdf", "docx", "data", "units", "_images"])
def test_a_manifest_that_leaves_out_a_folder_is_neither_the_published_site_nor_published(tmp_path, folder):
    site = _site(tmp_path / "html")
    publish.write_manifest(site)
    manifest = json.loads((site / publish.MANIFEST).read_text(encoding="utf-8"))
    manifest["files"] = {n: e for n, e in manifest["files"].items() if not n.startswith(f"{folder}/")}
    text = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    (site / publish.MANIFEST).write_text(text, encoding="utf-8")
    sums = "".join(f"{e['sha256']}  {n}\n" for n, e in manifest["files"].items())
    (site / publish.SUMS).write_text(sums, encoding="utf-8")
    assert not publish.matches_manifest(site, hashlib.sha256(text.encode()).hexdigest())
    with pytest.raises(deploy.DeployError, match=rf"SHA256SUMS 中没有列出的文件：[\s\S]*{folder}/"):
        deploy.verify_site(site)


def test_the_build_writes_the_manifest_after_everything_it_puts_in_the_site():
    """build.py stages the site, writes the search data and sitemap into it and copies the documents
    in, then writes the manifest: a file put in after the manifest would be published unlisted (a
    manifest written before the documents were copied in leaves out pdf/ and docx/). Read from the
    code, since only a whole build runs it."""
    source = Path(publish.__file__).with_name("build.py").read_text(encoding="utf-8")
    calls = {}
    for node in ast.walk(ast.parse(source)):
        function = node.func if isinstance(node, ast.Call) else None
        if isinstance(function, ast.Attribute) and isinstance(function.value, ast.Name):
            calls.setdefault(f"{function.value.id}.{function.attr}", node.lineno)
    writes = ["publish.stage", "indexes.write_search_data", "indexes.write_sitemap", "documents.copy_documents"]
    assert all(name in calls for name in [*writes, "publish.write_manifest"]), calls
    assert all(calls[name] < calls["publish.write_manifest"] for name in writes)
