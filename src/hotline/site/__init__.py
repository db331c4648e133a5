"""Stage 4, site: cache, run the notebooks, assemble the book, run Sphinx, print, and publish."""
