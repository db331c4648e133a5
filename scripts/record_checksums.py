"""Record the current checksums of a quarter's data files in its provenance.toml.

Usage: .venv/bin/python scripts/record_checksums.py 2024Q1 [--data data]

Staff use `make correct`, which writes the log line and then does this; this lower-level command
is for a log line written by hand: it refuses, changing nothing, unless data/corrections.csv has a
new line naming each changed file with what changed and why.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from hotline.data import provenance
from hotline.data.errors import DataError
from hotline.data.quarter_id import quarters_dir
from hotline.data.quarters import load_quarter


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("quarter", help="季度编号，如 2024Q1")
    parser.add_argument("--data", type=Path, default=Path(__file__).resolve().parents[1] / "data")
    args = parser.parse_args(argv)
    try:
        folder = quarters_dir(args.data) / args.quarter
        if not folder.is_dir():
            raise DataError(folder, f"没有 {args.quarter} 这个季度的数据文件夹")
        load_quarter(args.data, args.quarter, verify=False)  # never record checksums of data that does not validate
        changed = provenance.changed_files(folder)
        provenance.record_checksums(folder)
    except DataError as exc:
        print(f"没有记录校验值，文件未改动。\n{exc}", file=sys.stderr)
        return 1
    changes = f"（改动的文件：{'、'.join(changed)}）" if changed else "（没有文件改动）"
    print(f"已记录 {args.quarter} 的校验值{changes}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
