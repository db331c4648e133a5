"""Run Jupyter Book's Sphinx build, as ``jupyter-book build . --builder html -W -n`` does, but
reading and writing pages over several processes, which its command line cannot ask for.

Usage: ``python -m hotline.site.jupyterbook BOOK JOBS [--all]``; ``--all`` writes every page again,
not only those whose source changed. The site build runs ``python -m hotline.site.jupyterbook
--wait``: the process imports Sphinx and the book's extensions, then reads one line from its input,
``{"book": ..., "jobs": ..., "every_page": ...}``, and builds that book (an empty input: it ends).
"""

from __future__ import annotations

import contextlib
import importlib
import json
import os
import sys
from pathlib import Path

PARENT = "HOTLINE_BUILD_PID"  # the build that started this run: it must not outlive that build
WAIT = "--wait"
# What a build of the book imports besides Jupyter Book itself (Sphinx loads the extensions when
# it starts): imported while the process waits for the book. Only a head start: a module missing
# here is imported by Sphinx as usual. The extensions' own modules are named, not only their
# packages: most import their Sphinx parts (and those sqlalchemy, requests, markdown-it) only from
# their setup, which left two of a one-quarter rebuild's Sphinx seconds to importing.
PRELOAD = (
    "sphinx.application",
    "sphinx.builders.html",
    "sphinx.environment",
    "sphinx.jinja2glue",
    "sphinx.ext.mathjax",
    "sphinxcontrib.applehelp",
    "sphinxcontrib.devhelp",
    "sphinxcontrib.htmlhelp",
    "sphinxcontrib.qthelp",
    "sphinxcontrib.serializinghtml",
    "alabaster",
    "myst_parser",
    "myst_parser.sphinx_ext",
    "myst_parser.parsers.sphinx_",
    "myst_nb",
    "myst_nb.sphinx_ext",
    "linkify_it",
    "sphinx_external_toc",
    "sphinx_external_toc.events",
    "sphinx_comments",
    "sphinx_multitoc_numbering",
    "jupyter_cache",
    "jupyter_cache.cache.main",
    "requests",
    "IPython",
    "nbclient",
    "PIL.Image",
    "hotline.site.sphinx_ext",
)


def wait_and_build() -> int:
    """Import what a build needs, then build the book named on the input (see the module's docstring)."""
    import jupyter_book.sphinx  # noqa: F401

    for name in PRELOAD:
        with contextlib.suppress(ImportError):
            importlib.import_module(name)
    line = sys.stdin.readline()
    if not line.strip():
        return 0  # the build ended before its Sphinx step
    request = json.loads(line)
    book = Path(request["book"])
    os.chdir(book)
    return build_html(book, int(request["jobs"]), every_page=bool(request["every_page"]))


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
    if sys.argv[1:] == [WAIT]:
        sys.exit(wait_and_build())
    sys.exit(build_html(Path(sys.argv[1]), int(sys.argv[2]), every_page="--all" in sys.argv[3:]))
