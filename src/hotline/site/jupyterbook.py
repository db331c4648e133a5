"""Run Jupyter Book's Sphinx build, as ``jupyter-book build . --builder html -W -n`` does, but
reading and writing pages over several processes, which its command line cannot ask for.

Usage (the site build runs it in a subprocess): ``python -m hotline.jupyterbook BOOK JOBS [--all]``;
``--all`` writes every page again, not only those whose source changed.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

PARENT = "HOTLINE_BUILD_PID"  # the build that started this run: it must not outlive that build


def build_html(book: Path, jobs: int, every_page: bool = False) -> int:
    from jupyter_book.sphinx import build_sphinx

    book = book.resolve()
    result = build_sphinx(
        book,
        book / "_build" / "html",
        noconfig=True,
        path_config=book / "_config.yml",
        confoverrides={
            "nitpicky": True,
            "external_toc_path": (book / "_toc.yml").as_posix(),
            "latex_individualpages": False,
        },
        builder="html",
        warningiserror=True,
        jobs=jobs,
        force_all=every_page,
    )
    if result:  # build_sphinx returns the exception it caught, or Sphinx's status code
        print(f"Sphinx 构建失败：{result}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    from hotline.site.lifetime import tie_children

    # Sphinx's own workers die with this process, and this process with the build: tied here, first
    # thing, not by the build between fork and exec (unsafe while the build runs other threads).
    # A build that died before this line is no longer the parent: then there is nothing to do.
    tie_children()
    if os.environ.get(PARENT) and os.getppid() != int(os.environ[PARENT]):
        sys.exit(1)
    sys.exit(build_html(Path(sys.argv[1]), int(sys.argv[2]), every_page="--all" in sys.argv[3:]))
