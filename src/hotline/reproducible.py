"""Files that are the same bytes when made from the same data: zip containers (.xlsx, .docx) whose
entries carry a fixed time (:func:`write_zip`), and a writer's zip rewritten so, with a fixed
document date too, since python-docx stamps the time of saving (:func:`fixed_zip`). Used by the
open-data workbook and the official document."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import Path


def write_zip(path: Path, parts: dict[str, bytes], when: dt.datetime) -> Path:
    """A zip of ``parts`` (entry name → bytes, in that order), every entry dated ``when``."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            entry = zipfile.ZipInfo(name, date_time=when.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(entry, data)
    path.write_bytes(out.getvalue())
    return path


def fixed_zip(path: Path, when: dt.datetime) -> None:
    """Rewrite a writer's zip (a .docx) with fixed entry times and a fixed document date, so the
    same data gives the same bytes (the writer stamps the time of saving into docProps/core.xml)."""
    source = zipfile.ZipFile(io.BytesIO(path.read_bytes()))
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    parts = {}
    for info in source.infolist():
        data = source.read(info.filename)
        if info.filename == "docProps/core.xml":
            data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)", rb"\g<1>" + stamp + rb"\g<2>", data)
        parts[info.filename] = data
    write_zip(path, parts, when)
