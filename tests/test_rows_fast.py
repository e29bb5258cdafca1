"""The column-wise fast path (toolkit/rows_fast.py) gives exactly what the row loop gives:
every record (values with their types, raw values, extras, flags) and every finding, in order,
on the sample company, the real trackers, the corpus and a workbook made of awkward rows."""
from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
import xlsxwriter

from conftest import REPO, require, require_corpus
from toolkit import rows
from toolkit.config import Limits
from toolkit.inputs.reader import read_workbook
from toolkit.model import WorkbookData

REALWORLD = REPO.parent / "shared" / "realworld_trackers"
if not REALWORLD.exists():
    REALWORLD = Path("/work/shared/realworld_trackers")


def _typed(values: dict[str, Any]) -> list[tuple[str, str, Any]]:
    return [(k, type(v).__name__, v) for k, v in values.items()]


def _picture(wb: WorkbookData) -> dict[str, Any]:
    """Everything read from one workbook, with value types and dict orders."""
    return {
        "readable": wb.readable, "rows_read": wb.rows_read,
        "findings": [(f.code, f.severity, f.file, f.sheet, f.cell, f.value, repr(f.params)) for f in wb.findings],
        "tables": [{
            "kind": t.kind, "sheet": t.sheet, "header_row": t.header_row, "columns": t.columns,
            "headers": t.headers, "extras": t.extra_headers, "skipped": t.skipped_rows,
            "records": [(r.kind, r.source, _typed(r.values), _typed(r.raw), _typed(r.extras), r.department,
                         r.has_error, r.issues) for r in t.records],
        } for t in wb.tables],
    }


def _both(path: Path, monkeypatch: pytest.MonkeyPatch, limits: Limits = Limits()) -> tuple[dict, dict, int]:
    """(fast picture, row-loop picture, sheets read by the fast path) of one file."""
    used = []
    real = __import__("toolkit.rows_fast", fromlist=["read_rows_columnwise"]).read_rows_columnwise

    def counting(*args: Any, **kwargs: Any) -> Any:
        done = real(*args, **kwargs)
        if done is not None:
            used.append(1)
        return done

    monkeypatch.setattr(rows, "read_rows_columnwise", counting)
    fast = _picture(read_workbook(path, limits=limits))
    monkeypatch.setattr(rows, "COLUMNWISE", False)
    slow = _picture(read_workbook(path, limits=limits))
    monkeypatch.setattr(rows, "COLUMNWISE", True)
    return fast, slow, sum(used)


def _awkward(path: Path, extra_column: bool = True) -> None:
    """A Tasks sheet holding every kind of row the reader treats specially (with a column of the
    team's own, each row is looked at; without, only the rows the columns point at)."""
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Tasks")
    day = book.add_format({"num_format": "yyyy-mm-dd"})
    header = ["Task ID", "Project", "Task", "Owner", "Start", "Due", "Status", "% Complete", "Est. Hours",
              "Priority", "Depends On", "PMO notes"]
    rows_: list[list[Any]] = [
        ["T-1", "Alpha", "  Plan  ", "王磊", date(2026, 11, 2), date(2026, 11, 20), "In progress", 0.5, 8, "High", "", ""],
        ["T-2", "Alpha", "Build", "王磊", datetime(2026, 11, 3, 9, 30), "2026-12-01", "进行中", 50, 8.5, "Low", "T-1", "x"],
        ["", "", "", "", None, None, "", None, None, "", "", ""],                         # blank
        ["", "Alpha", "", "", None, None, "Done", None, None, "", "", ""],                 # stub (no task named)
        ["Task ID", "Project", "Task", "Owner", "Start", "Due", "Status", "", "", "", "", ""],  # header again
        ["T-3", "Beta", "Test\x07bell", " ", date(2026, 11, 5), "soon", "Finished?", 1.5, True, "Urgent", "T-9",
         "y" * 300],
        ["T-4", "Beta", "Ship", "Li", 46000, 46010.5, "Blocked", 1, 1.0, "Medium", "T-2, T-3", ""],
        ["合计", "", "", "", None, None, "", None, 17.5, "", "", ""],                        # totals
        ["T-5", "Beta", "#N/A", "Li", date(2026, 11, 5), date(2026, 11, 1), "Not started", -0.2, -3, "", "", ""],
        ["T-6", "Gamma", "Hidden row", "Li", date(2026, 11, 5), date(2026, 11, 9), "Done", 1, 2, "", "", ""],
        ["T-7", "Gamma", "Review", "   ", None, None, "  in progress ", 0.25, "4h", "high", "", "kept"],
    ]
    if not extra_column:
        header, rows_ = header[:-1], [values[:-1] for values in rows_]
    sheet.write_row(0, 0, header)
    for r, values in enumerate(rows_, start=1):
        for c, value in enumerate(values):
            if isinstance(value, (date, datetime)):
                sheet.write_datetime(r, c, value, day)
            elif value is None:
                continue
            else:
                sheet.write(r, c, value)
    sheet.set_row(10, None, None, {"hidden": True})
    sheet.write(3, 14, "value under no header")
    book.close()


def test_awkward_rows_read_alike(tmp_path, monkeypatch):
    path = tmp_path / "awkward.xlsx"
    _awkward(path)
    fast, slow, used = _both(path, monkeypatch)
    assert used > 0, "the fast path did not run"
    assert fast == slow
    codes = {f[0] for f in fast["findings"]}
    # the rows above each took their special path (so the comparison covers them)
    assert {"skipped-header-row", "skipped-totals-row", "skipped-hidden-row", "skipped-empty-row",
            "unnamed-column-values", "control-chars", "not-in-list", "bad-date", "bad-number"} <= codes, codes


def test_sample_company_reads_alike(monkeypatch):
    files = sorted((REPO / "workbooks" / "sample").glob("*.xlsx"))
    assert files
    used = 0
    for path in files:
        fast, slow, n = _both(path, monkeypatch)
        assert fast == slow, path.name
        used += n
    assert used > 0


def test_real_trackers_read_alike(monkeypatch):
    require("the real-world trackers", REALWORLD.exists())
    for path in sorted(REALWORLD.glob("*.xlsx")):
        fast, slow, _ = _both(path, monkeypatch)
        assert fast == slow, path.name


def test_corpus_reads_alike(monkeypatch):
    corpus = require_corpus()
    files = sorted(p for p in corpus.rglob("*") if p.is_file())
    assert len(files) >= 100
    for path in files:     # none holds a sheet of the standard: this checks they fail alike
        fast, slow, _ = _both(path, monkeypatch)
        assert fast == slow, path.name


def test_benchmark_departments_read_alike(tmp_path, monkeypatch):
    import sys
    sys.path.insert(0, str(REPO / "benchmarks"))
    from generate import make_department_workbooks

    make_department_workbooks(tmp_path, 3, 300)
    for path in sorted(tmp_path.glob("*.xlsx")):
        fast, slow, used = _both(path, monkeypatch)
        assert used == 2 and fast == slow, path.name        # Tasks and Team
        assert len(fast["tables"][0]["records"]) == 300


def test_cell_limit_falls_back_to_the_row_loop(tmp_path, monkeypatch):
    path = tmp_path / "awkward.xlsx"
    _awkward(path)
    limits = Limits().model_copy(update={"max_cells_per_sheet": 60})     # below what settings allow: a small sheet
    fast, slow, used = _both(path, monkeypatch, limits)
    assert used == 0
    assert fast == slow
    assert "rows-not-read" in {f[0] for f in fast["findings"]}


def test_one_pass_scan_gives_what_the_three_scans_give():
    """scan_worksheets (one pass) = scan_formulas + hidden_rows + excel_tables, file by file."""
    from toolkit.inputs.formulas import scan_formulas
    from toolkit.inputs.layout import excel_tables, hidden_rows, scan_worksheets

    corpus = require_corpus()
    require("the real-world trackers", REALWORLD.exists())
    files = [p for p in corpus.rglob("*") if p.is_file()] + sorted(REALWORLD.glob("*.xlsx")) \
        + sorted((REPO / "workbooks" / "sample").glob("*.xlsx"))
    seen = {"formulas": 0, "hidden": 0, "tables": 0}
    for path in files:
        scan = scan_worksheets(path)
        formulas, counts = scan_formulas(path)
        assert (scan.formulas, scan.formula_counts) == (formulas, counts), path.name
        assert scan.hidden_rows == hidden_rows(path), path.name
        assert scan.tables == excel_tables(path), path.name
        seen["formulas"] += bool(counts)
        seen["hidden"] += bool(scan.hidden_rows)
        seen["tables"] += bool(scan.tables)
    assert all(seen.values()), seen       # each kind was found somewhere, so the comparison means something


@pytest.mark.parametrize("chunk", [1, 3, 5])
def test_chunks_of_rows_read_alike(tmp_path, monkeypatch, chunk):
    """The fast path types a chunk of rows at a time; any chunk size gives the same, and a cell
    limit passed in a later chunk hands the rest to the row loop exactly where it would stop."""
    path = tmp_path / "awkward.xlsx"
    _awkward(path)
    monkeypatch.setattr(rows, "FAST_CHUNK_ROWS", chunk)
    fast, slow, used = _both(path, monkeypatch)
    assert used >= 2 and fast == slow
    limits = Limits().model_copy(update={"max_cells_per_sheet": 100})
    fast, slow, used = _both(path, monkeypatch, limits)
    assert used >= 1 and fast == slow
    assert "rows-not-read" in {f[0] for f in fast["findings"]}


def test_files_read_by_threads_read_alike(tmp_path, monkeypatch):
    """read_inputs reads files on a few threads or in worker processes: the batch is the one a
    single thread reads, in the same order, and progress is told in that order."""
    import shutil
    import sys

    from toolkit import pipeline, read_workers
    from toolkit.config import Settings

    sys.path.insert(0, str(REPO / "benchmarks"))
    from generate import make_department_workbooks

    make_department_workbooks(tmp_path, 6, 120)
    for path in sorted((REPO / "workbooks" / "sample").glob("*.xlsx")):
        shutil.copy(path, tmp_path / path.name)
    if REALWORLD.exists():
        for path in sorted(REALWORLD.glob("*.xlsx"))[:4]:
            shutil.copy(path, tmp_path / path.name)

    def read(threads: int, processes: int = 0) -> tuple[list[dict], list[Any], list[str]]:
        monkeypatch.setattr(read_workers, "reader_threads", lambda files: threads)
        monkeypatch.setattr(pipeline, "worker_processes", lambda files: processes)
        told: list[str] = []
        batch = pipeline.read_inputs([tmp_path], Settings(), progress=lambda p: told.append(p.name))
        return [_picture(wb) for wb in batch.workbooks], batch.findings, told

    one = read(1)
    assert read(3) == one
    assert read(1, processes=2) == one          # read in worker processes, sent back pickled
    assert read(1, processes=3) == one
    assert one[2] == sorted(one[2]) and len(one[2]) >= 10


@pytest.mark.parametrize("chunk", [2, 4, 8192])
def test_awkward_rows_without_extra_columns_read_alike(tmp_path, monkeypatch, chunk):
    path = tmp_path / "awkward.xlsx"
    _awkward(path, extra_column=False)
    monkeypatch.setattr(rows, "FAST_CHUNK_ROWS", chunk)
    fast, slow, used = _both(path, monkeypatch)
    assert used > 0 and fast == slow
    assert not fast["tables"][0]["extras"]
    codes = {f[0] for f in fast["findings"]}
    assert {"skipped-header-row", "skipped-totals-row", "skipped-hidden-row", "skipped-empty-row",
            "unnamed-column-values"} <= codes, codes
