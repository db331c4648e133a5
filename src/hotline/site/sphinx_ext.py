"""Sphinx settings the site needs: safe, exact and fast builds of many pages; listed in ``_config.yml``.

- Safe: a page can show only what the build generated. Docutils' file insertion (``include``,
  ``literalinclude``, ``raw`` with ``:file:`` or ``:url:``) and the ``raw`` directive are off, and
  any image or download a page references must be a file inside the book: anything else fails the
  build while Sphinx is still reading, before it copies a single file.
- Exact: Sphinx never deletes output, so after each successful build the outputs of documents,
  images and downloads that no longer exist are removed, and the output holds this build's site
  only (``_static`` is emptied by the build whenever what fills it changed).
- The site's theme (``hotline.site.theme``) is registered here. Sphinx's own search index is not
  built: the search page has its own data, written from the finished pages (hotline.site.indexes),
  which saves indexing every page with jieba in every build.
- Parallel reading: ``sphinx_external_toc`` always loads ``sphinx_multitoc_numbering``, which does
  not declare itself parallel-safe, and Sphinx then reads serially with a warning (an error under
  ``-W``). Its only effect is to replace ``TocTreeCollector.assign_section_numbers``, which runs in
  the main process after the parallel reads are merged, so it is safe, and is declared so here.
"""

from __future__ import annotations

import hashlib
import html
import re
from pathlib import Path

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.errors import ExtensionError
from sphinx.writers.html5 import HTML5Translator

from hotline.site import head

MULTITOC = "sphinx_multitoc_numbering"
THEME = Path(__file__).resolve().parent / "theme"


def _builder_inited(app: Sphinx) -> None:
    app.env.settings["file_insertion_enabled"] = False
    app.env.settings["raw_enabled"] = False
    if hasattr(app.builder, "search"):
        app.builder.search = False  # no searchindex.js and no Sphinx search page
    # Charts load when the reader scrolls near them (<img loading="lazy">, docutils >= 0.21): a
    # quarter's charts start screens below the top of its page.
    app.env.settings["image_loading"] = "lazy"


def _inside_book(app: Sphinx, doctree: nodes.document) -> None:
    """Every image and download of a page must be a file inside the book folder."""
    source = Path(app.srcdir).resolve()
    folder = Path(app.env.doc2path(app.env.docname)).parent
    for node in doctree.findall(lambda n: isinstance(n, nodes.image | addnodes.download_reference)):
        target = node.get("reftarget") if isinstance(node, addnodes.download_reference) else node.get("uri", "")
        if not target or "://" in target or target.startswith("data:"):
            continue
        path = (source / target.lstrip("/")) if target.startswith("/") else (folder / target)
        path = path.resolve()
        if not path.is_relative_to(source) or not path.is_file():
            raise ExtensionError(
                f"页面 {app.env.docname} 引用了网站源文件以外的文件：{target}（构建已停止，未复制任何文件）"
            )


def _expected_outputs(app: Sphinx) -> set[str]:
    builder, env = app.builder, app.env
    expected = {builder.get_target_uri(doc) for doc in env.found_docs}
    expected |= {"objects.inv", ".buildinfo"}
    expected |= {f"_images/{name}" for _, name in env.images.values()}
    expected |= {f"_downloads/{name}" for _, name in env.dlfiles.values()}
    return expected


def _remove_stale_outputs(app: Sphinx, exception: Exception | None) -> None:
    """After a successful build, delete outputs that belong to no current document."""
    if exception is not None or app.builder.name != "html":
        return
    outdir = Path(app.outdir)
    expected = _expected_outputs(app)
    for path in sorted(outdir.rglob("*"), reverse=True):
        relative = path.relative_to(outdir).as_posix()
        if relative == "_static" or relative.startswith("_static/"):
            continue
        if path.is_file() and relative not in expected:
            path.unlink()
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()


def _page_context(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """``pagetitle`` is a page's title as plain text, with any ``<`` a unit name holds: escaped here,
    so that no template can ever write it as markup. The stylesheet's version is its checksum."""
    if "pagetitle" in context:
        context["pagetitle"] = html.escape(str(context["pagetitle"]), quote=True)
    head.add_to_context(app, pagename, context)  # the page's own <title> and description
    stylesheet = Path(app.srcdir) / "_static" / "hotline.css"
    if stylesheet.is_file():
        context["hotline_css_version"] = hashlib.sha256(stylesheet.read_bytes()).hexdigest()[:12]


_PIXEL_SIZE = re.compile(r'style="width: (\d+)px; height: (\d+)px;"')


class _Translator(HTML5Translator):
    """Sphinx's HTML, with an image's pixel size also as width and height attributes: a chart
    that loads only when scrolled near (loading="lazy") keeps its place on the page before it
    loads (the stylesheet scales charts with ``height: auto``, which an inline height cannot
    survive, while the attributes give the browser the chart's proportions)."""

    def visit_image(self, node: nodes.image) -> None:
        start = len(self.body)
        super().visit_image(node)
        for index in range(start, len(self.body)):
            self.body[index] = _PIXEL_SIZE.sub(r'width="\1" height="\2" \g<0>', self.body[index], count=1)


def setup(app: Sphinx) -> dict:
    app.add_html_theme("hotline", str(THEME))
    app.set_translator("html", _Translator, override=True)
    app.connect("builder-inited", _builder_inited)
    app.connect("doctree-read", _inside_book, priority=100)
    app.connect("build-finished", _remove_stale_outputs)
    app.connect("html-page-context", _page_context)
    if MULTITOC in app.extensions:
        app.extensions[MULTITOC].parallel_read_safe = True
    return {"parallel_read_safe": True, "parallel_write_safe": True}
