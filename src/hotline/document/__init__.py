"""Stage 3, documents staff issue and fill in: the circular as an official document (GB/T 9704-2012)
in .docx and PDF, composed from a quarter's results and the circular's words (:mod:`compose`), and
the entry workbook for drafting the next quarter (:mod:`entry_workbook`).

Every string in a document is content: the writers escape it (PDF via HTML) or store it as text
(.docx); nothing in it is read as markup.
"""
