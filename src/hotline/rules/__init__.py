"""Stage 2, rules: compute each result once from validated data (scores, ranks, sums, checks, history).

Results are numbers, never display text: formatting is the pages' job.
"""
