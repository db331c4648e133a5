"""Content hashes: the keys under which notebooks, charts, PDFs and the whole site are cached.

A key is a sha256 over file names and contents, never paths or times, so the same inputs give the
same key on every machine and a changed input always gives a new one.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
PACKAGE = Path(__file__).resolve().parents[1]
BOOK_FILES = ("_config.yml", "_toc.yml")
BOOK_DIRS = ("_static",)


def files(folder: Path) -> list[Path]:
    """Every file under a folder, sorted, without Python's caches."""
    return sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts)


def digest(named_files: Iterable[tuple[str, Path]], *extra: str) -> str:
    """sha256 over names and contents (never paths or times), so a key means the same everywhere."""
    hasher = hashlib.sha256()
    for name, path in named_files:
        hasher.update(name.encode() + b"\0" + path.read_bytes() + b"\0")
    for text in extra:
        hasher.update(text.encode() + b"\0")
    return hasher.hexdigest()


def tree(folder: Path, prefix: str) -> list[tuple[str, Path]]:
    return [(f"{prefix}/{p.relative_to(folder).as_posix()}", p) for p in files(folder)]


def code_files(root: Path) -> list[tuple[str, Path]]:
    """What every page depends on besides data: the package and the pinned environment."""
    return [*tree(PACKAGE, "hotline"), ("requirements.txt", root / "requirements.txt")]


def site_key(root: Path, data_dir: Path) -> str:
    named = code_files(root) + tree(data_dir, "data") + tree(root / "notebooks", "notebooks")
    named += [(name, root / name) for name in BOOK_FILES]
    for folder in BOOK_DIRS:
        named += tree(root / folder, folder)
    return digest(named)
