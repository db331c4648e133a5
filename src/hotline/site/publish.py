"""Publishing: the site is assembled in a staging folder from this build's outputs only, checked,
listed in a manifest, and then put in place of the published one all at once.

- The published tree equals this build's output, no more: nothing from an earlier or a failed
  build survives (a removed quarter's page, chart, data and PDF are gone).
- Every internal link and image of every page must resolve to a file of the new site.
- ``manifest.json`` (and ``SHA256SUMS``, for ``sha256sum -c``) lists every file with its size
  and SHA-256, published with the site so anyone can verify a download.
- Any failure is a :class:`BuildError` naming what and where; the previous site stays as it was.
"""

from __future__ import annotations

import hashlib
import json
import posixpath
import shutil
from pathlib import Path
from urllib.parse import unquote, urlsplit

import lxml.html

from hotline.site import keys
from hotline.site.errors import BuildError

MANIFEST = "manifest.json"
SUMS = "SHA256SUMS"
SKIPPED = {".buildinfo"}  # Sphinx's own bookkeeping, not part of the site


def os_error(action: str, exc: OSError) -> BuildError:
    reason = {13: "没有权限", 28: "磁盘已满", 30: "文件系统只读"}.get(exc.errno or 0, exc.strerror or str(exc))
    return BuildError(f"{action}失败：{exc.filename or ''}：{reason}。已发布的网站保持不变")


def stage(sphinx_output: Path, assets: Path, staged: Path) -> None:
    """The new site in ``staged``: Sphinx's pages and assets, then the build's generated files."""
    try:
        if staged.exists():
            shutil.rmtree(staged)
        shutil.copytree(sphinx_output, staged, ignore=shutil.ignore_patterns(*SKIPPED))
        for path in sorted(assets.rglob("*")):
            if not path.is_file():
                continue
            target = staged / path.relative_to(assets)
            if target.exists():
                raise BuildError(f"生成的文件与 Sphinx 输出的文件重名：{path.relative_to(assets)}")
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
    except OSError as exc:
        raise os_error("准备新网站", exc) from None


def _links(page: bytes) -> list[str]:
    """Every href and src of a page. lxml's parser: Python's own took seconds for a site of
    hundreds of unit pages."""
    document = lxml.html.document_fromstring(page, parser=_PARSER)
    return [str(value) for value in document.xpath("//@href | //@src")]


_PARSER = lxml.html.HTMLParser(encoding="utf-8")


def _read_known(cache: Path | None) -> dict[str, list[str]]:
    try:
        known = json.loads(cache.read_text(encoding="utf-8")) if cache else {}
    except (OSError, ValueError):  # none yet, or not whole: every page is parsed
        return {}
    return known if isinstance(known, dict) else {}


_OUTSIDE = ""  # a link's target when it leaves the site


def _targets(name: str, page: bytes) -> list[list[str]]:
    """Each internal link of page ``name`` with the site path it points at (``_OUTSIDE`` for one
    that leaves the site); links to other sites, anchors on the page and the like are left out."""
    targets = []
    for link in _links(page):
        parts = urlsplit(link)
        if parts.scheme or parts.netloc or link.startswith(("#", "mailto:", "tel:", "data:")) or not parts.path:
            continue
        target = posixpath.normpath(posixpath.join(posixpath.dirname(name), unquote(parts.path)))
        inside = not (target == ".." or target.startswith(("../", "/")))
        targets.append([link, target if inside else _OUTSIDE])
    return targets


def broken_links(site: Path, cache: Path | None = None) -> list[tuple[str, str]]:
    """(page, link) for every internal link or image that does not resolve to a file of the site,
    or that points outside it. Links are resolved as paths against the list of the site's files,
    not by asking the file system for each one: a staged site holds copies, never symlinks.

    With a ``cache`` file, a page is read again only when its name or bytes changed (most of a
    rebuild's pages did not); what it points at is always looked up among this site's files."""
    broken = []
    files = {path.relative_to(site).as_posix() for path in site.rglob("*") if path.is_file()}
    known, seen = _read_known(cache), {}
    for name in sorted(name for name in files if name.endswith(".html")):
        if name.startswith("_static/"):  # the theme's template fragments, not pages
            continue
        page = (site / name).read_bytes()
        key = name + "\0" + hashlib.sha256(page).hexdigest()
        targets = known.get(key)
        seen[key] = targets = targets if isinstance(targets, list) else _targets(name, page)
        for link, target in targets:
            if target == _OUTSIDE or (target not in files and posixpath.join(target, "index.html") not in files):
                broken.append((name, link))
    if cache:
        keys.write_whole(cache, json.dumps(seen, ensure_ascii=False).encode("utf-8"))
    return broken


def check_links(site: Path, cache: Path | None = None) -> None:
    broken = broken_links(site, cache)
    if broken:
        listed = "\n".join(f"  {page}：{link}" for page, link in broken[:20])
        raise BuildError(f"网站中有{len(broken)}个链接指向不存在的文件或网站之外：\n{listed}")


def file_list(site: Path) -> dict[str, dict]:
    """Every file of a site (but the manifest itself) with its size and SHA-256."""
    listed = {}
    for path in sorted(site.rglob("*")):
        name = path.relative_to(site).as_posix()
        if path.is_file() and name not in (MANIFEST, SUMS):
            data = path.read_bytes()
            listed[name] = {"size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    return listed


PUBLIC, PREVIEW, DEMO = "public", "preview", "demo"
KIND_ZH = {PREVIEW: "含草稿的内部预览", DEMO: "含示例数据的演示网站"}


def site_kind(manifest: bytes) -> str:
    """Which kind of site a manifest describes: only a public one may be published (a site
    whose manifest says nothing is taken for a preview)."""
    try:
        return str(json.loads(manifest).get("site", PREVIEW))
    except (ValueError, AttributeError):
        return PREVIEW


def write_manifest(site: Path, kind: str = PUBLIC) -> str:
    """Write manifest.json and SHA256SUMS; returns the manifest's own SHA-256. The manifest says
    what kind of site this is (public, the staff's preview, the demo): make publish refuses all
    but a public one."""
    listed = file_list(site)
    manifest = json.dumps({"files": listed, "site": kind}, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    (site / MANIFEST).write_text(manifest, encoding="utf-8")
    sums = "".join(f"{entry['sha256']}  {name}\n" for name, entry in listed.items())
    (site / SUMS).write_text(sums, encoding="utf-8")
    return hashlib.sha256(manifest.encode()).hexdigest()


def matches_manifest(site: Path, manifest_sha256: str) -> bool:
    """Whether a published site is still exactly what its manifest says, every file by its hash
    (a same-size edit of a page is caught and repaired by the next build): the fast path of a
    build with nothing changed relies on it."""
    path = site / MANIFEST
    if not path.is_file() or hashlib.sha256(path.read_bytes()).hexdigest() != manifest_sha256:
        return False
    listed = json.loads(path.read_text(encoding="utf-8"))["files"]
    present = {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()} - {MANIFEST, SUMS}
    if present != set(listed):
        return False
    return all(
        not (site / name).is_symlink() and hashlib.sha256((site / name).read_bytes()).hexdigest() == entry["sha256"]
        for name, entry in listed.items()
    )


def check_output(output: Path, data: Path, project: Path) -> None:
    """The build replaces its output folder whole and writes beside it: refuse one that is, holds
    or lies inside the data (``--output data`` must never delete the data; one inside it would
    leave the build's logs among the quarters), one inside the project but outside ``_build``,
    and one that is not empty and not a site this project built (no manifest.json in it)."""
    for folder in (data, project):
        if output == folder or folder.is_relative_to(output):
            raise BuildError(f"输出文件夹 {output} 是（或包含）{folder}：网站会整个替换输出文件夹，请换一个文件夹")
    if output.is_relative_to(data) or (
        output.is_relative_to(project) and not output.is_relative_to(project / "_build")
    ):
        raise BuildError(f"输出文件夹 {output} 在数据或项目的文件夹中：请用 _build 之下或项目之外的文件夹")
    if output.is_symlink() or (output.exists() and not output.is_dir()):
        raise BuildError(f"输出文件夹 {output} 不是一个普通文件夹：请换一个文件夹")
    if output.is_dir() and not (output / MANIFEST).is_file() and any(output.iterdir()):
        raise BuildError(
            f"输出文件夹 {output} 不是空的，也不是本项目以前构建的网站（其中没有 {MANIFEST}）："
            "网站会整个替换输出文件夹，为免删掉其中的文件，请换一个空文件夹或新文件夹"
        )


def recover(output: Path) -> None:
    """A build killed between the two renames of :func:`publish` left the old site as
    ``<output>.previous`` and none at ``output``: put it back before anything else, so that a later
    failing build still leaves a site."""
    previous = output.with_name(output.name + ".previous")
    if previous.is_dir() and not output.exists():
        previous.rename(output)


def publish(staged: Path, output: Path) -> None:
    """Swap the new site in; the old one is removed only after the new one is in place. Between the
    two renames the old site is ``<output>.previous``: whatever stops the swap there (an error, a
    stop signal) puts it back, and a build killed outright leaves it to be put back by the next."""
    previous = output.with_name(output.name + ".previous")
    try:
        if previous.exists():
            if output.exists():
                shutil.rmtree(previous)
            else:  # a build killed in mid-swap: the old site is the only one there is
                previous.rename(output)
        try:
            if output.exists():
                output.rename(previous)
            staged.rename(output)
        except BaseException:
            if previous.exists() and not output.exists():
                previous.rename(output)  # put the old site back
            raise
        if previous.exists():
            shutil.rmtree(previous, ignore_errors=True)
    except OSError as exc:
        raise os_error(f"发布到 {output}", exc) from None
