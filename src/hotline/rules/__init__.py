"""Stage 2, rules: compute each result once from validated data, each rule in one module: scores and
ranks (``scoring``), sums (``totals``), rates (``rates``), the checks (``checks``), a quarter's
results (``results``), highest and lowest (``extremes``), below full marks (``full_marks``), the
period compared with (``periods``), rank moves (``moves``), all quarters (``history``), issuing.

Results are numbers, never display text: formatting is the pages' job.
"""
