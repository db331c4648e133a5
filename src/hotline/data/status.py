"""Which quarters there are, and which of them are drafts: read without pandas or validation, so
that a build with nothing changed, and the public build's choice of what to leave out, stay fast.

A draft (``status = "draft"`` in its circular.toml) is the staff's working copy: never on the
public site, never checksummed, never in the corrections log (see :mod:`hotline.data.quarters`).
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

from hotline.data import schema
from hotline.data.circular import DRAFT, ISSUED
from hotline.data.errors import DataError
from hotline.data.files import DataFolder
from hotline.data.quarter_id import QuarterId, quarters_dir


def peek_status(data: DataFolder | Path, quarter: QuarterId) -> str:
    """Whether a quarter is a draft or issued, from its circular.toml, without validating the
    rest: the public build leaves drafts out before reading them. A file that cannot be read
    here is taken as issued, so the full validation reports its problem."""
    folder = DataFolder.of(data)
    path = quarters_dir(folder.root) / str(quarter) / schema.CIRCULAR_FILE
    try:
        status = tomllib.loads(folder.read_text(path)).get("status")
    except (DataError, tomllib.TOMLDecodeError):
        return ISSUED
    return DRAFT if status == DRAFT else ISSUED


def draft_quarters(data: DataFolder | Path) -> list[QuarterId]:
    """The quarters still being drafted (see :func:`peek_status`)."""
    folder = DataFolder.of(data)
    return [q for q in discover_quarters(folder, drafts=True) if peek_status(folder, q) == DRAFT]


def discover_quarters(data: DataFolder | Path, *, drafts: bool = True) -> list[QuarterId]:
    """Every quarter folder under ``data/quarters``, oldest first; a misnamed folder is an error."""
    found = []
    folder = quarters_dir(DataFolder.of(data).root)
    if not folder.is_dir():
        raise DataError(folder, "找不到季度数据文件夹")
    for child in sorted(folder.iterdir()):
        if child.name.startswith("."):
            continue
        if child.is_symlink():
            raise DataError(
                child, f"这是一个链接（指向 {os.readlink(child)}）：季度文件夹必须是数据文件夹中真实的文件夹"
            )
        if not child.is_dir():
            raise DataError(child, "季度数据文件夹中只应有季度文件夹（如 2024Q1），不应有文件")
        try:
            found.append(QuarterId.parse(child.name))
        except ValueError as exc:
            raise DataError(child, str(exc)) from None
    if not found:
        raise DataError(folder, "没有任何季度的数据")
    if not drafts:
        data_folder = DataFolder.of(data)
        found = [q for q in found if peek_status(data_folder, q) != DRAFT]
        if not found:
            raise DataError(
                folder, "还没有已印发的季度：草稿只在预览网站（make preview）中显示，印发后（make issue）才公开"
            )
    return sorted(found)
