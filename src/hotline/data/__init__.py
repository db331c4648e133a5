"""Stage 1, data: read, validate and write the files staff edit under ``data/``.

Nothing here computes a result; everything here names the file, line and column of a problem.
"""
