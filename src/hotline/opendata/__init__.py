"""Stage 3, open data: the downloadable tables, workbook and Frictionless datapackage."""
