"""Assemble the Jupyter Book source: the book files, the executed notebooks, the generated pages.

The book folder persists between builds and only files whose bytes changed are rewritten, so
Sphinx re-reads only what changed.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from hotline.site import keys
from hotline.site.errors import BuildError

if TYPE_CHECKING:
    from hotline.site.notebooks import Job


def expand_quarter_navigation(toc: Path, quarters: list[str]) -> None:
    """List the quarter pages newest first in place of the glob, so adding a quarter updates the
    navigation without anyone editing _toc.yml."""
    text = toc.read_text(encoding="utf-8")
    entries = "\n".join(f"      - file: quarters/{q}" for q in reversed(quarters))
    if "      - glob: quarters/*" not in text:
        raise BuildError(f"{toc.name} 中应有一行“      - glob: quarters/*”，用来放季度通报页面")
    toc.write_text(text.replace("      - glob: quarters/*", entries), encoding="utf-8")


def mark_preview(config: Path) -> None:
    """The staged book's _config.yml for the staff's preview: the theme then shows on every page
    that the site holds drafts and is not for publishing (the project's _config.yml is untouched)."""
    import yaml

    settings = yaml.safe_load(config.read_text(encoding="utf-8"))
    settings["sphinx"]["config"]["html_theme_options"]["preview"] = "1"
    settings["title"] = f"（内部预览）{settings.get('title', '')}"
    config.write_text(yaml.safe_dump(settings, allow_unicode=True, sort_keys=False), encoding="utf-8")


def copy_executed(job: Job, cache: Path, book: Path) -> None:
    """The executed notebook into its place in the book (its charts are inside it)."""
    target = book / job.page
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(cache / job.key / "page.ipynb", target)


def sync_tree(source: Path, target: Path, keep: Iterable[str] = ("_build",)) -> int:
    """Make ``target`` hold exactly the files of ``source``, rewriting only files whose bytes
    differ, so Sphinx's incremental build sees unchanged pages as unchanged. Returns files written."""
    keep = set(keep)
    wanted = {p.relative_to(source) for p in keys.files(source)}
    written = 0
    for path in keys.files(target):
        relative = path.relative_to(target)
        if relative.parts[0] not in keep and relative not in wanted:
            path.unlink()
    for relative in sorted(wanted):
        new, old = source / relative, target / relative
        data = new.read_bytes()
        if old.is_file() and old.read_bytes() == data:
            continue
        old.parent.mkdir(parents=True, exist_ok=True)
        old.write_bytes(data)
        written += 1
    return written


def has_sphinx_state(book: Path) -> bool:
    """Whether Sphinx kept what it read last time (else it reads every page, whatever changed)."""
    return (book / "_build" / ".doctrees" / "environment.pickle").is_file()


def navigation_key(book: Path) -> str:
    """What every page's navigation depends on: the table of contents and the pages there are."""
    pages = sorted(
        p.relative_to(book).as_posix()
        for p in keys.files(book)
        if p.suffix in (".md", ".ipynb") and "_build" not in p.parts
    )
    return keys.digest([("toc", (book / "_toc.yml").read_bytes())], *pages)


def static_is_stale(book: Path) -> bool:
    """Whether a file of _static/ differs from the copy in Sphinx's last output. Sphinx does not
    notice a changed stylesheet or script by itself (and every page names the stylesheet's
    checksum), so then every page is written again."""
    html = book / "_build" / "html"
    for folder in keys.BOOK_DIRS:
        for path in keys.files(book / folder):
            copy = html / path.relative_to(book)
            if not copy.is_file() or copy.read_bytes() != path.read_bytes():
                return True
    return False
