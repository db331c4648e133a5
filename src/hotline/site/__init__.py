"""Stage 4, site: cache, run the notebooks, assemble the book, run Sphinx, write the documents, and publish."""

import sys

# nbformat checks notebooks with jsonschema, whose optional "iri" format checker imports
# rfc3987-syntax (installed for JupyterLab); that compiles about forty Lark grammars on import, some
# 3 s in every build process that reads a notebook (the forkserver, Sphinx, the tests). Notebook
# schemas use no such format, so the build's processes go without that optional checker.
sys.modules.setdefault("rfc3987_syntax", None)
