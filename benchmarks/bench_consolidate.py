"""The whole consolidation (read, validate, flag, write the formatted master) for N workbooks × M
rows: toolkit vs a naive pipeline, in the same run.

    python benchmarks/bench_consolidate.py [--files 200] [--rows 500]

Naive pipeline: pandas.read_excel(engine="openpyxl") per file, concat, overdue flags with pandas,
DataFrame.to_excel, then openpyxl re-opens the master to fill the flagged rows. Each side runs in
its own process so its peak memory is its own. Goal (issue 3): ≥ 6× faster, peak RSS ≤ 500 MB.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / ".data"
sys.path.insert(0, str(HERE))

from _measure import report, run_side  # noqa: E402
from generate import make_department_workbooks  # noqa: E402

AS_OF = date(2026, 11, 24)


def side_toolkit(folder: Path, out: Path) -> None:
    from toolkit.config import Settings
    from toolkit.pipeline import run_consolidation

    started = time.perf_counter()
    result = run_consolidation([folder], Settings(base_dir=out), AS_OF, output=out / "master.xlsx", stamp="bench")
    report("toolkit", started, rows=len(result.analysis.tasks),
           overdue=sum(t.flags.overdue for t in result.analysis.tasks))


def side_naive(folder: Path, out: Path) -> None:
    import openpyxl
    import pandas as pd
    from openpyxl.styles import PatternFill

    started = time.perf_counter()
    frames = []
    for path in sorted(folder.glob("*.xlsx")):
        df = pd.read_excel(path, sheet_name="Tasks", engine="openpyxl")
        df["Source"] = path.name
        frames.append(df)
    tasks = pd.concat(frames, ignore_index=True)
    due = pd.to_datetime(tasks["Due"])
    open_ = ~tasks["Status"].isin(["Done", "Cancelled"])
    tasks["Overdue"] = open_ & (due < pd.Timestamp(AS_OF))
    tasks["Due soon"] = open_ & ~tasks["Overdue"] & (due <= pd.Timestamp(AS_OF) + pd.Timedelta(days=4))
    master = out / "naive.xlsx"
    tasks.to_excel(master, sheet_name="Tasks", index=False, engine="openpyxl")
    book = openpyxl.load_workbook(master)
    ws = book["Tasks"]
    red, amber = PatternFill("solid", fgColor="FFC7CE"), PatternFill("solid", fgColor="FFEB9C")
    overdue, soon = list(tasks["Overdue"]), list(tasks["Due soon"])
    for index, row in enumerate(ws.iter_rows(min_row=2), start=0):
        fill = red if overdue[index] else amber if soon[index] else None
        if fill is not None:
            for cell in row:
                cell.fill = fill
    book.save(master)
    report("naive", started, rows=len(tasks), overdue=int(tasks["Overdue"].sum()))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, default=200)
    parser.add_argument("--rows", type=int, default=500)
    parser.add_argument("--side", choices=["toolkit", "naive"])
    parser.add_argument("--folder", type=Path)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    if args.side:
        (side_toolkit if args.side == "toolkit" else side_naive)(args.folder, args.out)
        return
    folder = DATA / f"read_{args.files}x{args.rows}"
    make_department_workbooks(folder, args.files, args.rows)
    with tempfile.TemporaryDirectory() as scratch:
        naive = run_side(__file__, "--side", "naive", "--folder", str(folder), "--out", scratch)
        mine = run_side(__file__, "--side", "toolkit", "--folder", str(folder), "--out", scratch)
    assert mine["rows"] == naive["rows"], (mine["rows"], naive["rows"])
    print(f"consolidate, {args.files} workbooks × {args.rows} rows ({mine['rows']} tasks)")
    print(f"  naive pandas/openpyxl pipeline: {naive['seconds']:7.2f} s  peak {naive['peak_mb']:6.0f} MB")
    print(f"  toolkit consolidate:            {mine['seconds']:7.2f} s  peak {mine['peak_mb']:6.0f} MB")
    print(f"  speed-up: {naive['seconds'] / mine['seconds']:.1f}×  (goal ≥ 6×, peak ≤ 500 MB)")


if __name__ == "__main__":
    main()
