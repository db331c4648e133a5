"""Generated example quarters for the demo site and the benchmark (never written into ``data/``)."""
