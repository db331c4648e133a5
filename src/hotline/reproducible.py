"""Files that are the same bytes when made from the same data: zip containers (.xlsx, .docx)
rewritten with fixed entry times and a fixed document date, since their writers stamp the time of
saving. Used by the open-data workbook and the official document."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import Path


def fixed_zip(path: Path, when: dt.datetime) -> None:
    """Rewrite a zip (an .xlsx) with fixed entry times and a fixed document date, so the same data
    gives the same bytes (the writer stamps the time of saving into docProps/core.xml)."""
    source = zipfile.ZipFile(io.BytesIO(path.read_bytes()))
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)", rb"\g<1>" + stamp + rb"\g<2>", data
                )
            fixed = zipfile.ZipInfo(info.filename, date_time=when.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(fixed, data)
    path.write_bytes(out.getvalue())
