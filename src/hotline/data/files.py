"""Reading the files staff edit: each file once per build, with one encoding check for all of them.

Staff save files from Excel, WPS and Notepad, which on Chinese Windows often write GBK ("ANSI")
instead of UTF-8. Every staff-writable file (attachment tables, ``circular.toml``, narratives,
``provenance.toml``, the unit registry, aliases and the corrections log) is decoded here, so each
gets the same clear error naming the file, the line and the encoding it seems to be in, and none
gives a traceback.

A build reads ``data/`` through one :class:`DataFolder`: every file is read from disk once, and
its cache key, checksum and parsed contents all come from those same bytes. That is cheaper, and
it means the checksum that was verified is the checksum of exactly what was parsed.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from pathlib import Path

from hotline.data.errors import DataError

# Control characters other than tab, line feed and carriage return have no place in text staff
# type; they usually mean a binary file or a bad copy and paste.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class DataFolder:
    """The ``data/`` folder of one build, each file read at most once."""

    def __init__(self, root: Path | str):
        self.root = Path(root).resolve()
        self._bytes: dict[Path, bytes] = {}
        self.reads: Counter[Path] = Counter()  # how often each file was read from disk (tests count them)

    @classmethod
    def of(cls, folder: DataFolder | Path | str) -> DataFolder:
        return folder if isinstance(folder, DataFolder) else cls(folder)

    def path(self, *parts: str) -> Path:
        return self.root.joinpath(*parts)

    def read_bytes(self, path: Path) -> bytes:
        path = Path(path).resolve()
        if path not in self._bytes:
            if not path.is_file():
                raise DataError(path, "找不到此文件" if not path.exists() else "这不是一个文件")
            try:
                self._bytes[path] = path.read_bytes()
            except OSError as exc:
                raise DataError(path, f"无法读取此文件：{exc.strerror}") from None
            self.reads[path] += 1
        return self._bytes[path]

    def read_text(self, path: Path) -> str:
        return decode(self.read_bytes(path), path)

    def sha256(self, path: Path) -> str:
        return "sha256:" + hashlib.sha256(self.read_bytes(path)).hexdigest()


def decode(raw: bytes, path: Path) -> str:
    """UTF-8 text (a byte-order mark from Excel's "CSV UTF-8" is dropped), with Windows line ends
    made plain; anything else is a :class:`DataError` saying what to do."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
            hint = "看起来是 UTF-16 编码（Excel 的“Unicode 文本”）；"
        else:
            try:
                raw.decode("gb18030")
                hint = "看起来是 GBK 编码（Excel、WPS 或记事本的“ANSI”）；"
            except UnicodeDecodeError:
                hint = ""
        raise DataError(
            path, f"文件不是 UTF-8 编码，{hint}请另存为“UTF-8”编码（Excel 中为“CSV UTF-8”）后再提交", line=line
        ) from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    bad = _CONTROL.search(text)
    if bad:
        line = text[: bad.start()].count("\n") + 1
        raise DataError(
            path,
            f"含有不可见的控制字符（U+{ord(bad.group()):04X}）：可能不是文本文件，或复制时带入了多余的字符",
            line=line,
        )
    return text


def csv_rows(folder: DataFolder, path: Path, header: list[str]):
    """The rows of a staff CSV file with a fixed header, as (line number, {column: stripped cell});
    blank rows are skipped, and a wrong header or a row of the wrong width is a :class:`DataError`."""
    import csv
    import io

    text = folder.read_text(path)
    reader = csv.reader(io.StringIO(text))
    try:
        found = [h.strip() for h in next(reader, [])]
        if found != header:
            raise DataError(path, f"表头应为：{','.join(header)}", line=1)
        for line, cells in enumerate(reader, start=2):
            if not any(c.strip() for c in cells):
                continue
            if len(cells) != len(header):
                raise DataError(path, f"这一行有{len(cells)}个单元格，表头有{len(header)}个", line=line)
            yield line, dict(zip(header, (c.strip() for c in cells), strict=True))
    except csv.Error as exc:
        raise DataError(path, f"CSV 格式错误：{exc}（常见原因：引号不成对）", line=reader.line_num) from None
