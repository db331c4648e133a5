"""The official documents of every quarter, as .docx and PDF (see :mod:`hotline.document`),
written into the published site: ``docx/<quarter>.docx`` and ``pdf/<quarter>.pdf``.

Each document is cached by what it shows (its content, the layout code and the fonts), so only a
changed quarter's documents are made again; the PDFs are printed over worker processes, one
Chromium each.
"""

from __future__ import annotations

import pickle
import shutil
from pathlib import Path

from hotline.document import compose, docx_writer, fonts, pdf_writer
from hotline.rules.history import History
from hotline.site import keys, parallel
from hotline.site.chromium import executable
from hotline.site.errors import BuildError

DOCUMENT_CODE = keys.PACKAGE / "document"


def _print_share(items: list[tuple[bytes, str]], folder: str, browser: str) -> None:
    """Print a worker's share of the PDFs (documents arrive pickled)."""
    pdf_writer.write_pdfs([(pickle.loads(blob), Path(path)) for blob, path in items], Path(folder), browser)


def write_documents(history: History, site: Path, cache: Path, workers: int) -> None:
    browser = executable()
    if browser is None:
        raise BuildError("找不到 Chromium，无法生成公文 PDF：请用 make site 构建（会自动安装），或安装 chromium")
    folder = fonts.fonts_dir()
    if not (folder / fonts.FANDOL_FILES["fang"]).is_file():
        raise BuildError(f"找不到公文字体（{folder}）：请用 make site 构建（会自动安装 Fandol 字体）")
    code = keys.tree(DOCUMENT_CODE, "document") + keys.tree(folder, "fonts")
    cache.mkdir(parents=True, exist_ok=True)
    made: dict[str, tuple[Path, Path]] = {}
    pending: list[tuple[bytes, str]] = []
    for result in history.results:
        document = compose.official_document(result)
        blob = pickle.dumps(document, protocol=pickle.HIGHEST_PROTOCOL)
        key = keys.digest([*code, ("document", blob)])
        docx, pdf = cache / f"{key}.docx", cache / f"{key}.pdf"
        if not docx.is_file():
            docx_writer.write_docx(document, docx)
        if not pdf.is_file():
            pending.append((blob, str(pdf)))
        made[str(result.id)] = (docx, pdf)
    if pending:
        shares = [pending[n::workers] for n in range(min(workers, len(pending)))]
        with parallel.process_pool(len(shares)) as pool:
            for future in [pool.submit(_print_share, share, str(folder), browser) for share in shares]:
                try:
                    future.result()
                except Exception as exc:  # Chromium or the fonts: named, never a traceback
                    raise BuildError(f"公文 PDF 生成失败：{type(exc).__name__}: {exc}") from None
    for quarter, (docx, pdf) in made.items():
        for source, target in ((docx, site / "docx" / f"{quarter}.docx"), (pdf, site / "pdf" / f"{quarter}.pdf")):
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
