"""Stage 3, pages: turn computed results into page source and charts for the public site.

Every string that comes from data passes :func:`hotline.pages.safe.text` before it becomes page source.
"""
