"""Read + validate N department workbooks × M rows: toolkit vs naive pandas/openpyxl, same run.

    python benchmarks/bench_read_validate.py [--files 200] [--rows 500]

Each side runs in its own process so peak memory is its own. Goal (issue 2): at 200 × 500,
at least 10× faster than the baseline with peak RSS ≤ 400 MB.
"""
from __future__ import annotations

import argparse
import sys
import time
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / ".data"
sys.path.insert(0, str(HERE))

from _measure import report, run_side  # noqa: E402
from generate import make_department_workbooks  # noqa: E402


def side_toolkit(folder: Path) -> None:
    from toolkit.config import Settings
    from toolkit.pipeline import run_validation

    started = time.perf_counter()
    batch = run_validation([folder], Settings(), date(2026, 11, 24)).batch
    rows = len(batch.records("tasks"))
    report("toolkit", started, rows=rows, findings=len(batch.findings))


def side_baseline(folder: Path) -> None:
    import pandas as pd

    started = time.perf_counter()
    rows = 0
    for path in sorted(folder.glob("*.xlsx")):
        sheets = pd.read_excel(path, sheet_name=None, engine="openpyxl")
        rows += sum(len(df) for name, df in sheets.items() if name == "Tasks")
    report("baseline", started, rows=rows)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, default=200)
    parser.add_argument("--rows", type=int, default=500)
    parser.add_argument("--side", choices=["toolkit", "baseline"])
    parser.add_argument("--folder", type=Path)
    args = parser.parse_args()
    if args.side:
        (side_toolkit if args.side == "toolkit" else side_baseline)(args.folder)
        return
    folder = DATA / f"read_{args.files}x{args.rows}"
    make_department_workbooks(folder, args.files, args.rows)
    base = run_side(__file__, "--side", "baseline", "--folder", str(folder))
    mine = run_side(__file__, "--side", "toolkit", "--folder", str(folder))
    assert mine["rows"] == base["rows"], (mine["rows"], base["rows"])
    print(f"read + validate, {args.files} workbooks × {args.rows} rows ({mine['rows']} task rows)")
    print(f"  baseline pandas.read_excel(openpyxl): {base['seconds']:7.2f} s  peak {base['peak_mb']:6.0f} MB")
    print(f"  toolkit read + validate:              {mine['seconds']:7.2f} s  peak {mine['peak_mb']:6.0f} MB"
          f"  ({mine['findings']} findings)")
    print(f"  speed-up: {base['seconds'] / mine['seconds']:.1f}×  (goal ≥ 10×, peak ≤ 400 MB)")


if __name__ == "__main__":
    main()
