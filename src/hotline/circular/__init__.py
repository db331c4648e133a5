"""Stage 3, the circular's words: its sentences and tables worded from a quarter's results, once,
for both layouts that show them (the web page in :mod:`hotline.pages`, the official document in
:mod:`hotline.document`). Numbers are formatted here, the way the circular writes them.
"""
