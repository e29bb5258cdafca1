"""The writer is the wall of `consolidate`: the options for writing a formatted Tasks sheet,
measured side by side in one run (each in its own process, so peak memory is its own).

    python benchmarks/bench_writers.py [--rows 100000]

Every option writes the same rows (22 columns like the master's Tasks sheet, one row in five
filled red, dates formatted) to an .xlsx:

- xlsxwriter-constant-memory: what the master writer uses (rows streamed to disk as written);
- xlsxwriter-default: XlsxWriter keeping the sheet in memory (shared strings table);
- openpyxl-write-only: openpyxl's streaming writer with a fill per cell;
- pyexcelerate: a writer made for speed, if installed (not a dependency: no charts, tables or
  data validation, which the master needs);
- naive: pandas.to_excel, then openpyxl re-opens the file to fill the flagged rows (the
  baseline of bench_consolidate).
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import date, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from _measure import report, run_side  # noqa: E402

COLUMNS = 22


def rows(n: int) -> list[list]:
    out = []
    for i in range(n):
        out.append([f"T-{i:06d}", "客服系统升级", f"Task title number {i}", "IT", f"Owner {i % 40}",
                    date(2026, 11, 2), date(2026, 11, 30), "In progress", 0.5, 8.0, "Medium", None, None, None,
                    "generated", 3 if i % 5 == 0 else None, None, None, None, None, "dept.xlsx", i + 2])
    return out


def flagged(i: int) -> bool:
    return i % 5 == 0


def side_xlsxwriter(n: int, out: Path, constant_memory: bool) -> None:
    import xlsxwriter

    data = rows(n)
    started = time.perf_counter()
    book = xlsxwriter.Workbook(str(out), {"constant_memory": constant_memory, "strings_to_formulas": False,
                                          "strings_to_urls": False, "strings_to_numbers": False})
    sheet = book.add_worksheet("Tasks")
    formats = {}
    for fill in (None, "#FFC7CE"):
        base = {"bg_color": fill, "pattern": 1} if fill else {}
        formats[fill] = {"text": book.add_format(base), "date": book.add_format({**base, "num_format": "yyyy-mm-dd"}),
                         "pct": book.add_format({**base, "num_format": "0%"})}
    for r, row in enumerate(data, start=1):
        f = formats["#FFC7CE" if flagged(r - 1) else None]
        for c, value in enumerate(row):
            if value is None:
                if flagged(r - 1):
                    sheet.write_blank(r, c, None, f["text"])
            elif isinstance(value, str):
                sheet.write_string(r, c, value, f["text"])
            elif isinstance(value, date):
                sheet.write_datetime(r, c, datetime(value.year, value.month, value.day), f["date"])
            else:
                sheet.write_number(r, c, value, f["pct"] if c == 8 else f["text"])
    book.close()
    report("xlsxwriter-constant-memory" if constant_memory else "xlsxwriter-default", started)


def side_openpyxl(n: int, out: Path) -> None:
    import openpyxl
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import PatternFill

    data = rows(n)
    started = time.perf_counter()
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Tasks")
    red = PatternFill("solid", fgColor="FFC7CE")
    for i, row in enumerate(data):
        if flagged(i):
            cells = []
            for value in row:
                cell = WriteOnlyCell(sheet, value)
                cell.fill = red
                cells.append(cell)
            sheet.append(cells)
        else:
            sheet.append(row)
    book.save(out)
    report("openpyxl-write-only", started)


def side_pyexcelerate(n: int, out: Path) -> None:
    from pyexcelerate import Color, Fill, Style, Workbook

    data = rows(n)
    started = time.perf_counter()
    book = Workbook()
    sheet = book.new_sheet("Tasks", data=data)
    red = Style(fill=Fill(background=Color(255, 199, 206)))
    for i in range(n):
        if flagged(i):
            sheet.set_row_style(i + 1, red)
    book.save(str(out))
    report("pyexcelerate", started)


def side_naive(n: int, out: Path) -> None:
    import openpyxl
    import pandas as pd
    from openpyxl.styles import PatternFill

    data = rows(n)
    started = time.perf_counter()
    pd.DataFrame(data, columns=[f"c{i}" for i in range(COLUMNS)]).to_excel(out, index=False, engine="openpyxl")
    book = openpyxl.load_workbook(out)
    sheet = book.active
    red = PatternFill("solid", fgColor="FFC7CE")
    for i, row in enumerate(sheet.iter_rows(min_row=2)):
        if flagged(i):
            for cell in row:
                cell.fill = red
    book.save(out)
    report("naive pandas + openpyxl styling", started)


SIDES = {
    "xlsxwriter-constant-memory": lambda n, out: side_xlsxwriter(n, out, True),
    "xlsxwriter-default": lambda n, out: side_xlsxwriter(n, out, False),
    "openpyxl-write-only": side_openpyxl,
    "pyexcelerate": side_pyexcelerate,
    "naive": side_naive,
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--side", choices=list(SIDES))
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    if args.side:
        SIDES[args.side](args.rows, args.out)
        return
    results = []
    with tempfile.TemporaryDirectory() as scratch:
        for side in SIDES:
            try:
                results.append(run_side(__file__, "--side", side, "--rows", str(args.rows),
                                        "--out", str(Path(scratch) / f"{side}.xlsx")))
            except Exception as exc:  # noqa: BLE001 - an optional writer that is not installed
                print(f"  {side}: not run ({type(exc).__name__})")
    naive = next((r for r in results if r["side"].startswith("naive")), None)
    print(f"writing a formatted Tasks sheet of {args.rows} rows × {COLUMNS} columns")
    for r in results:
        ratio = f"{naive['seconds'] / r['seconds']:5.1f}× the naive write" if naive else ""
        print(f"  {r['side']:32s} {r['seconds']:7.2f} s  peak {r['peak_mb']:6.0f} MB  {ratio}")


if __name__ == "__main__":
    main()
