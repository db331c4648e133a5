"""Record the current checksums of a quarter's data files in its provenance.toml.

Usage: .venv/bin/python scripts/record_checksums.py 2024Q1 [--data data]
Run it after entering or correcting a quarter, once the change is explained in provenance.toml.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from hotline.data import provenance
from hotline.data.loading import load_quarter, quarters_dir


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("quarter", help="季度编号，如 2024Q1")
    parser.add_argument("--data", type=Path, default=Path(__file__).resolve().parents[1] / "data")
    args = parser.parse_args()
    load_quarter(args.data, args.quarter)  # never record checksums of data that does not validate
    print(provenance.record_checksums(quarters_dir(args.data) / args.quarter))


if __name__ == "__main__":
    main()
