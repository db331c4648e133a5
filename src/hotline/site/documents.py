"""The official documents of every quarter, as .docx and PDF (see :mod:`hotline.document`),
written into the published site: ``docx/<quarter>.docx`` and ``pdf/<quarter>.pdf``. A quarter
issued with ``make issue`` has its documents kept as issued in its data folder (the record): those
are served byte for byte, whatever was corrected or renamed since.

Each document is cached under its quarter's key (the quarter's own files, the unit registry and
the package code: what its results and its composition depend on, see
:meth:`hotline.site.keys.Inputs.quarter_key`) and the fonts', so only a changed quarter's
documents are composed and made again, over worker processes. The PDF is the .docx printed by
LibreOffice (:mod:`hotline.document.pdf_writer`), two LibreOffice runs per worker's share.
"""

from __future__ import annotations

import os
import pickle
import shutil
from collections.abc import Callable
from pathlib import Path

from hotline.document import compose, fonts, pdf_writer
from hotline.rules.history import History
from hotline.site import keys, parallel
from hotline.site.errors import BuildError


def _make_share(items: list[tuple[bytes, str, str]], folder: str, office: str) -> None:
    """Write a worker's share of the documents (they arrive pickled): each .docx with its 版记
    placed and its PDF, printed from it by one LibreOffice (see :mod:`hotline.document.pdf_writer`)."""
    documents = [(pickle.loads(blob), _part(docx), _part(pdf)) for blob, docx, pdf in items]
    pdf_writer.make_documents(documents, Path(folder), office)
    for _, docx, pdf in items:
        os.replace(_part(docx), docx)
        os.replace(_part(pdf), pdf)


def _part(path: str) -> Path:
    """Where a cached document is written before it is complete: a killed build leaves no half file
    under the name the next build would take as made."""
    return Path(path + ".part")


def _printer() -> tuple[str, Path]:
    """LibreOffice and the documents' fonts, or a named error saying how to get them."""
    office = pdf_writer.soffice()
    if office is None:
        raise BuildError(
            "找不到 LibreOffice，无法生成公文 PDF：请用 make site 构建（会自动安装），或安装 libreoffice-writer-nogui"
        )
    folder = fonts.fonts_dir()
    if fonts.missing(folder):
        raise BuildError(f"找不到公文字体（{folder}）：请用 make site 构建（会自动安装 Fandol 字体）")
    return office, folder


def make_one(result, docx: Path, pdf: Path) -> None:
    """One quarter's .docx and PDF, made now (``make issue`` keeps them as the record), in a worker
    process as a build makes them: the printer never shares a process with its caller's browser
    or event loop."""
    office, folder = _printer()
    blob = pickle.dumps(compose.official_document(result), protocol=pickle.HIGHEST_PROTOCOL)
    parallel.start_early()
    with parallel.process_pool(1) as pool:
        try:
            pool.submit(_make_share, [(blob, str(docx), str(pdf))], str(folder), office).result()
        except Exception as exc:  # LibreOffice or the fonts: named, never a traceback
            raise BuildError(f"公文生成失败：{type(exc).__name__}: {exc}") from None


def make_documents(
    history: History, quarter_key: Callable[[str], str], cache: Path, workers: int
) -> dict[str, tuple[Path, Path]]:
    """Every quarter's .docx and PDF in ``cache`` (made now only where missing), by quarter. The
    build runs this while Sphinx builds the book: the documents need the results only.
    ``quarter_key`` is the build's :meth:`hotline.site.keys.Inputs.quarter_key`."""
    office, folder = _printer()
    fonts_key = keys.digest(keys.tree(folder, "fonts"))  # hashed once
    cache.mkdir(parents=True, exist_ok=True)
    made: dict[str, tuple[Path, Path]] = {}
    pending: list[tuple[bytes, str, str]] = []
    for result in history.results:
        quarter = str(result.id)
        record = result.quarter.issued_record
        if ".docx" in record and ".pdf" in record:  # issued by make issue: served as issued, never made again
            made[quarter] = (record[".docx"], record[".pdf"])
            continue
        key = keys.digest([], quarter_key(quarter), fonts_key, "official-document")
        docx, pdf = cache / f"{key}.docx", cache / f"{key}.pdf"
        if not (docx.is_file() and pdf.is_file()):  # both made together: the .docx's 版记 is placed by its PDF's layout
            blob = pickle.dumps(compose.official_document(result), protocol=pickle.HIGHEST_PROTOCOL)
            pending.append((blob, str(docx), str(pdf)))
        made[quarter] = (docx, pdf)
    if pending:
        shares = [pending[n::workers] for n in range(min(workers, len(pending)))]
        with parallel.process_pool(len(shares)) as pool:
            for future in [pool.submit(_make_share, share, str(folder), office) for share in shares]:
                try:
                    future.result()
                except Exception as exc:  # LibreOffice or the fonts: named, never a traceback
                    raise BuildError(f"公文生成失败：{type(exc).__name__}: {exc}") from None
    return made


def copy_documents(made: dict[str, tuple[Path, Path]], site: Path) -> None:
    """Put the documents made by :func:`make_documents` into the (staged) site."""
    for quarter, (docx, pdf) in made.items():
        for source, target in ((docx, site / "docx" / f"{quarter}.docx"), (pdf, site / "pdf" / f"{quarter}.pdf")):
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
