"""Stage 4 without a build: the link check that every publish passes, on a small site made here."""

from __future__ import annotations

import pytest

from hotline.site import publish
from hotline.site.errors import BuildError


def test_links_that_leave_the_site_or_find_no_file_are_named(tmp_path):
    site = tmp_path / "site"
    (site / "units").mkdir(parents=True)
    (site / "data").mkdir()
    (site / "data" / "index.html").write_text("<p>数据</p>", encoding="utf-8")
    (site / "units" / "unit-T01.html").write_text("<p>尧禾镇</p>", encoding="utf-8")
    (tmp_path / "secret.txt").write_text("不在网站里", encoding="utf-8")
    links = [
        "units/unit-T01.html#latest",  # fine: a page and its anchor
        "units/../index.html",  # fine: back to itself
        "data/",  # fine: a folder's index
        "%E6%95%B0%E6%8D%AE.csv",  # missing (a quoted name)
        "../secret.txt",  # outside the site, though the file exists
        "/etc/passwd",  # outside the site
        "units/unit-T99.html",  # missing
        "https://www.baishui.gov.cn/",  # another site: not ours to check
        "#top",
        "mailto:12345@example.cn",
    ]
    anchors = "".join(f'<a href="{link}">x</a>' for link in links)
    (site / "index.html").write_text(f'<html><body>{anchors}<img src="logo.svg"></body></html>', encoding="utf-8")
    assert publish.broken_links(site) == [
        ("index.html", "%E6%95%B0%E6%8D%AE.csv"),
        ("index.html", "../secret.txt"),
        ("index.html", "/etc/passwd"),
        ("index.html", "units/unit-T99.html"),
        ("index.html", "logo.svg"),
    ]
    (site / "logo.svg").write_text("<svg/>", encoding="utf-8")
    (site / "数据.csv").write_text("a\n", encoding="utf-8")
    assert [link for _, link in publish.broken_links(site)] == ["../secret.txt", "/etc/passwd", "units/unit-T99.html"]


def test_cached_links_are_still_resolved_against_this_build_and_a_changed_page_is_read_again(tmp_path):
    site, cache = tmp_path / "site", tmp_path / "links.json"
    (site / "units").mkdir(parents=True)
    (site / "index.html").write_text('<a href="units/unit-T01.html">x</a>', encoding="utf-8")
    (site / "units" / "unit-T01.html").write_text("<p>甲</p>", encoding="utf-8")
    assert publish.broken_links(site, cache) == []
    assert cache.is_file()
    (site / "units" / "unit-T01.html").unlink()  # the page is unchanged (its links come from the cache)
    assert publish.broken_links(site, cache) == [("index.html", "units/unit-T01.html")]
    (site / "index.html").write_text('<a href="missing.html">x</a>', encoding="utf-8")  # changed: read again
    assert publish.broken_links(site, cache) == [("index.html", "missing.html")]
    cache.write_text("{not json", encoding="utf-8")  # a cache left half written is not trusted
    assert publish.broken_links(site, cache) == [("index.html", "missing.html")]


def test_a_swap_stopped_half_way_leaves_the_old_site_published(tmp_path, monkeypatch):
    output, staged = tmp_path / "html", tmp_path / "staged"
    output.mkdir()
    (output / "index.html").write_text("旧", encoding="utf-8")
    staged.mkdir()
    (staged / "index.html").write_text("新", encoding="utf-8")
    real = publish.Path.rename

    def stopped(self, target):  # Ctrl-C arrives just as the new site is moved in
        if self == staged:
            raise KeyboardInterrupt
        return real(self, target)

    monkeypatch.setattr(publish.Path, "rename", stopped)
    with pytest.raises(KeyboardInterrupt):  # the stop goes on: the build ends, as it was asked to
        publish.publish(staged, output)
    assert (output / "index.html").read_text(encoding="utf-8") == "旧"
    monkeypatch.undo()

    # A build killed outright between the two renames leaves only <output>.previous: the next
    # publish puts it back before it swaps, so there is always a site to swap out.
    output.rename(tmp_path / "html.previous")
    publish.publish(staged, output)
    assert (output / "index.html").read_text(encoding="utf-8") == "新"
    assert not (tmp_path / "html.previous").exists()


def test_the_output_folder_is_refused_when_it_is_the_data_or_someone_elses_folder(data_copy, tmp_path):
    from hotline.site import build, cli

    before = sorted(p.relative_to(data_copy) for p in data_copy.rglob("*"))
    assert cli.main(["--data", str(data_copy), "--output", str(data_copy)]) == 1
    assert cli.main(["--data", str(data_copy), "--output", str(data_copy.parent)]) == 1
    assert cli.main(["--data", str(data_copy), "--output", str(data_copy / "quarters" / "2024Q4")]) == 1
    assert sorted(p.relative_to(data_copy) for p in data_copy.rglob("*")) == before
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "report.docx").write_bytes(b"not a site")
    with pytest.raises(BuildError, match=r"不是空的，也不是本项目以前构建的网站（其中没有 manifest\.json）"):
        build.build(data_copy, mine)
    assert (mine / "report.docx").read_bytes() == b"not a site"


def test_a_same_size_edit_of_a_published_page_is_not_taken_for_the_published_site(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<p>受理1615件</p>", encoding="utf-8")
    manifest = publish.write_manifest(site)
    assert publish.matches_manifest(site, manifest)
    (site / "index.html").write_text("<p>受理1915件</p>", encoding="utf-8")  # the same size
    assert not publish.matches_manifest(site, manifest)


def test_a_site_left_aside_by_a_killed_swap_is_put_back_first(tmp_path):
    output = tmp_path / "html"
    previous = tmp_path / "html.previous"
    previous.mkdir()
    (previous / "index.html").write_text("旧网站", encoding="utf-8")
    publish.recover(output)
    assert (output / "index.html").read_text(encoding="utf-8") == "旧网站" and not previous.exists()


@pytest.mark.parametrize(("kind", "said"), [("preview", "含草稿的内部预览"), ("demo", "含示例数据的演示网站")])
def test_a_preview_or_the_demo_is_never_published(tmp_path, kind, said):
    from hotline.site import deploy

    site = tmp_path / "html"
    site.mkdir()
    (site / "index.html").write_text("<p>内部预览</p>", encoding="utf-8")
    publish.write_manifest(site, kind)
    with pytest.raises(BuildError, match=f"是{said}，不是公开网站，不能发布到网站服务器"):
        deploy.verify_site(site)
    publish.write_manifest(site)
    assert deploy.verify_site(site).files == 3
