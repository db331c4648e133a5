"""Create or re-import a quarter's data files from a circular as published (its text) or from a
workbook (an .xlsx of its attachments, or the entry workbook made by ``make new-quarter``).

- :mod:`.text` reads the circular's text, :mod:`.workbook` a workbook (formulas evaluated);
- :mod:`.tables` reads the attachment tables as printed, from either;
- :mod:`.write` validates the result in a temporary folder and writes it, through the corrections
  log when it changes a published quarter;
- :mod:`.entry` writes the entry workbook for a new quarter.
"""

from hotline.data.errors import PLACEHOLDER
from hotline.data.importer.tables import Imported, Table
from hotline.data.importer.text import parse_circular_text
from hotline.data.importer.workbook import parse_workbook
from hotline.data.importer.write import Outcome, import_quarter

__all__ = ["PLACEHOLDER", "Imported", "Outcome", "Table", "import_quarter", "parse_circular_text", "parse_workbook"]
