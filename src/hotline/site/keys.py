"""Content hashes: the keys under which notebooks, charts, documents and the whole site are cached.

A key is a sha256 over file names and contents, never paths or times, so the same inputs give the
same key on every machine and a changed input always gives a new one. A build reads its inputs
once (:class:`Inputs`); the data files come through the build's :class:`DataFolder`, so the bytes
that are hashed are the bytes that are validated and parsed.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from pathlib import Path

from hotline.data import schema
from hotline.data.errors import DataError
from hotline.data.files import DataFolder, read_regular
from hotline.data.quarter_id import quarters_dir
from hotline.data.registry import ALIASES_FILE, UNITS_FILE
from hotline.data.schema import FORMAT_FILE
from hotline.site.errors import BuildError

REPO = Path(__file__).resolve().parents[3]
PACKAGE = Path(__file__).resolve().parents[1]
BOOK_FILES = ("_config.yml", "_toc.yml")
BOOK_DIRS = ("_static",)

Named = list[tuple[str, bytes]]


def files(folder: Path) -> list[Path]:
    """Every file under a folder, sorted, without Python's caches; links and special files are
    listed too (not followed), so that reading them is refused by name (see :func:`read`)."""
    found = []
    for parent, folders, names in os.walk(folder):
        linked = [f for f in folders if os.path.islink(os.path.join(parent, f))]
        folders[:] = [f for f in folders if f != "__pycache__" and f not in linked]
        found += [Path(parent, name) for name in (*names, *linked)]
    return sorted(found)


def read(path: Path, inside: Path) -> bytes:
    """A project file the build reads (book files, _static, notebooks, the code): a regular file
    whose real path is inside ``inside``, or a named error (a link to /etc/hostname in _static
    would be published; a FIFO named _config.yml would hang the build)."""
    try:
        return read_regular(path, inside)
    except DataError as exc:
        raise BuildError(f"{exc.path}：{exc.message}") from None


def digest(named: Iterable[tuple[str, bytes]], *extra: str) -> str:
    """sha256 over names and contents, plus any extra words."""
    hasher = hashlib.sha256()
    for name, data in named:
        hasher.update(name.encode() + b"\0" + data + b"\0")
    for text in extra:
        hasher.update(text.encode() + b"\0")
    return hasher.hexdigest()


def write_whole(path: Path, data: bytes) -> Path:
    """Write a cached file under its name only once it is whole: a build killed while writing
    leaves no half file that the next build would take as made (and fail to read)."""
    part = path.with_name(path.name + ".part")
    part.write_bytes(data)
    os.replace(part, path)
    return path


def tree(folder: Path, prefix: str, reader=None) -> Named:
    reader = reader or (lambda path: read(path, folder))
    return [(f"{prefix}/{p.relative_to(folder).as_posix()}", reader(p)) for p in files(folder)]


class Inputs:
    """Everything a build depends on, each file read once."""

    def __init__(self, root: Path, data: DataFolder, leave_out: Iterable[str] = ()):
        """``leave_out``: quarters whose folders the site does not show (drafts, on the public
        site), so that editing a draft does not rebuild the public site."""
        self.root = root
        self.data = data
        self.code: Named = [*tree(PACKAGE, "hotline"), ("requirements.txt", read(root / "requirements.txt", root))]
        self.notebooks: Named = tree(root / "notebooks", "notebooks")
        self.book: Named = [(name, read(root / name, root)) for name in BOOK_FILES]
        for folder in BOOK_DIRS:
            self.book += tree(root / folder, folder)
        hidden = tuple(f"data/quarters/{quarter}/" for quarter in leave_out)
        self.data_files: Named = [
            named for named in tree(data.root, "data", reader=data.read_bytes) if not named[0].startswith(hidden)
        ]
        self._quarter_keys: dict[str, str] = {}

    def site_key(self) -> str:
        """Changes when anything that could change the site changes."""
        return digest([*self.code, *self.data_files, *self.notebooks, *self.book])

    def template(self, name: str) -> tuple[str, bytes]:
        path = f"notebooks/{name}.ipynb"
        return next((n, b) for n, b in self.notebooks if n == path)

    def quarter_key(self, quarter: str) -> str:
        """What a quarter's page depends on: the code, the circular's format, the unit registry and the
        quarter's own folder."""
        if quarter not in self._quarter_keys:
            self._quarter_keys[quarter] = self._quarter_key(quarter)
        return self._quarter_keys[quarter]

    def _quarter_key(self, quarter: str) -> str:
        shared = (FORMAT_FILE, UNITS_FILE, ALIASES_FILE)
        registry = [(name, self.data.read_bytes(self.data.path(name))) for name in shared]
        folder = quarters_dir(self.data.root) / quarter
        own = [(f"quarter/{name}", self.data.read_bytes(folder / name)) for name in schema.QUARTER_FILES]
        own.append(("provenance", self.data.read_bytes(folder / "provenance.toml")))
        return digest([*self.code, *registry, *own, self.template("quarter")], quarter)

    def spanning_key(self, template: str) -> str:
        """What a page over every quarter depends on: the code and all of data/."""
        return digest([*self.code, *self.data_files, self.template(template)], template)

    def data_key(self) -> str:
        return digest([*self.code, *self.data_files])
