"""Synthetic department workbooks for the benchmarks (XlsxWriter, deterministic)."""
from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from pathlib import Path

import xlsxwriter

HEADERS = ["Task ID", "Project", "Task", "Department", "Owner", "Start", "Due", "Status", "% Complete",
           "Est. Hours", "Priority", "Depends On", "Milestone", "Completed On", "Notes"]
STATUSES = ["Not started", "In progress", "In progress", "Blocked", "Done", "Cancelled"]
PROJECTS = ["客服体系升级", "供应链流程优化", "年度促销活动"]


def make_department_workbooks(folder: Path, files: int, rows: int, seed: int = 7) -> list[Path]:
    """`files` workbooks of `rows` tasks each (plus a Team sheet), reused when already there."""
    folder.mkdir(parents=True, exist_ok=True)
    marker = folder / f".made-{files}x{rows}"
    paths = [folder / f"dept{n:03d}.xlsx" for n in range(files)]
    if marker.exists() and all(p.exists() for p in paths):
        return paths
    rng = random.Random(seed)
    base = date(2026, 9, 1)
    for n, path in enumerate(paths):
        dept = f"Dept {n:03d}"
        owners = [f"Owner {n:03d}-{k}" for k in range(8)]
        book = xlsxwriter.Workbook(str(path))
        date_fmt = book.add_format({"num_format": "yyyy-mm-dd"})
        pct_fmt = book.add_format({"num_format": "0%"})
        ws = book.add_worksheet("Tasks")
        ws.write_row(0, 0, HEADERS)
        for r in range(1, rows + 1):
            start = base + timedelta(days=rng.randint(0, 100))
            due = start + timedelta(days=rng.randint(3, 60))
            status = rng.choice(STATUSES)
            done = status == "Done"
            ws.write_string(r, 0, f"D{n:03d}-{r:05d}")
            ws.write_string(r, 1, rng.choice(PROJECTS))
            ws.write_string(r, 2, f"Task {r} of {dept}")
            ws.write_string(r, 3, dept)
            ws.write_string(r, 4, rng.choice(owners))
            ws.write_datetime(r, 5, datetime.combine(start, datetime.min.time()), date_fmt)
            ws.write_datetime(r, 6, datetime.combine(due, datetime.min.time()), date_fmt)
            ws.write_string(r, 7, status)
            ws.write_number(r, 8, 1.0 if done else rng.choice([0, 0.1, 0.25, 0.5, 0.8]), pct_fmt)
            ws.write_number(r, 9, rng.choice([4, 8, 16, 24, 40]))
            ws.write_string(r, 10, rng.choice(["High", "Medium", "Low"]))
            if r > 1 and rng.random() < 0.2:
                ws.write_string(r, 11, f"D{n:03d}-{rng.randint(1, r - 1):05d}")
            if done:
                ws.write_datetime(r, 13, datetime.combine(due, datetime.min.time()), date_fmt)
            ws.write_string(r, 14, "generated")
        team = book.add_worksheet("Team")
        team.write_row(0, 0, ["Name", "Department", "Role", "Weekly Capacity (h)"])
        for k, owner in enumerate(owners, start=1):
            team.write_row(k, 0, [owner, dept, "Staff", 40])
        book.close()
    marker.touch()
    return paths
