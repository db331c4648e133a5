"""Stage 4 without a build: the link check that every publish passes, on a small site made here."""

from __future__ import annotations

import pytest

from hotline.site import publish


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
