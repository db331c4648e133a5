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
import os
import re
import stat
from collections import Counter
from pathlib import Path

from hotline.data.errors import DataError

# Control characters other than tab, line feed and carriage return have no place in text staff
# type; they usually mean a binary file or a bad copy and paste. Nor do the characters that hide or
# reorder text: C1 controls, the Unicode line and paragraph separators, direction controls (a unit
# name with U+202E shows 1170件 as 件0711 on the page and in the official PDF) and zero-width
# characters (a byte-order mark is allowed only at the very start, where it is dropped).
_CONTROL = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069"
    "\u200e\u200f\u061c\u200b-\u200d\u2060\ufeff]"
)
_NAMES = {
    0x2028: "行分隔符",
    0x2029: "段分隔符",
    0x0085: "下一行控制符",
    **dict.fromkeys((0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069), "文字方向控制符"),
    **dict.fromkeys((0x200E, 0x200F, 0x061C), "文字方向标记"),
    **dict.fromkeys((0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF), "零宽字符"),
}


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
        path = Path(os.path.abspath(path))
        if path not in self._bytes:
            self._bytes[path] = read_regular(path, self.root)
            self.reads[path] += 1
        return self._bytes[path]

    def read_text(self, path: Path) -> str:
        return decode(self.read_bytes(path), path)

    def sha256(self, path: Path) -> str:
        return "sha256:" + hashlib.sha256(self.read_bytes(path)).hexdigest()


def hidden_character(text: str) -> str | None:
    """The first character of ``text`` that hides or reorders text (or a control), if any."""
    found = _CONTROL.search(text)
    return found.group() if found else None


def read_regular(path: Path, inside: Path) -> bytes:
    """The bytes of a regular file whose real path is inside ``inside``: a link (to /etc/os-release,
    or to a folder outside the project), a FIFO, a device or a folder where a file is expected is
    refused with a named error before anything is read, and never blocks (a FIFO is opened without
    waiting for a writer)."""
    path = Path(os.path.abspath(path))
    if not path.is_relative_to(inside):
        raise DataError(path, f"不在数据文件夹 {inside} 之内：只读取项目内的文件")
    for parent in [path, *path.parents]:
        if parent == inside:
            break
        if parent.is_symlink():
            raise DataError(
                path, f"{parent.name} 是一个链接（指向 {os.readlink(parent)}）：数据文件夹中只能放真实的文件"
            )
    try:
        handle = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except FileNotFoundError:
        raise DataError(path, "找不到此文件") from None
    except OSError as exc:
        raise DataError(path, f"无法读取此文件：{exc.strerror}") from None
    try:
        kind = os.fstat(handle).st_mode
        if not stat.S_ISREG(kind):
            what = "文件夹" if stat.S_ISDIR(kind) else "管道或设备等特殊文件"
            raise DataError(path, f"这不是一个普通文件（是{what}）：请换成真实的文本文件")
        with os.fdopen(handle, "rb") as opened:
            handle = -1
            return opened.read()
    except OSError as exc:
        raise DataError(path, f"无法读取此文件：{exc.strerror}") from None
    finally:
        if handle != -1:
            os.close(handle)


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
        column = bad.start() - (text.rfind("\n", 0, bad.start()) + 1) + 1
        what = _NAMES.get(ord(bad.group()), "控制字符")
        raise DataError(
            path,
            f"第{column}个字符是不可见的{what}（U+{ord(bad.group()):04X}），它会隐藏或颠倒文字的显示："
            "可能不是文本文件，或复制时带入了多余的字符，请删去",
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
