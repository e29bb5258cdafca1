"""The old master's hand-added columns read from only the cells they need
(`inputs/sheet_columns.py`) are exactly those python-calamine's whole sheet gives
(`previous_master.FAST_COLUMNS` off), on masters written by the toolkit (inline strings) and
saved again by openpyxl (shared strings, a column before Task ID, rows above the header, an
unmatched sheet), with awkward values; and anything the small reader does not handle (a
date-formatted cell) falls back to the whole sheet with the same result."""
from __future__ import annotations

import sys
from datetime import date, timedelta
from pathlib import Path

import openpyxl
import pytest
import python_calamine

from conftest import REPO
from toolkit import i18n
from toolkit.config import Settings
from toolkit.inputs import previous_master
from toolkit.inputs.previous_master import CarriedColumns, CarriedRow, read_carried_columns
from toolkit.outputs.master import write_master
from toolkit.pipeline import run_consolidation

AS_OF = date(2026, 10, 20)
ODD = ["  spaced  ", "a & b <c> \"q\" 'a'", "中文 备注", "emoji 😀", "line\nbreak", 0, 12, 3.5, -1e-7, 1e20,
       "=not a formula", "x" * 300, "T-1", "tab\there"]


def _master(tmp_path: Path) -> Path:
    """A toolkit master of 1 200 tasks with two hand-added columns (one far right: "AB"-style
    letters), a value on every seventh task."""
    sys.path.insert(0, str(REPO / "benchmarks"))
    from generate import make_department_workbooks
    folder = make_department_workbooks(tmp_path / "gen", 4, 300)[0].parent
    out = tmp_path / "out"
    master = out / "master.xlsx"
    run = run_consolidation([folder], Settings(base_dir=out), AS_OF - timedelta(days=7), output=master,
                            stamp="earlier")
    assert run.analysis is not None
    rows = [CarriedRow(str(v.record.values.get("department") or v.record.department), str(v.record.values["id"]),
                       {"PMO notes": ODD[(k // 7) % len(ODD)], **({"Zeta": f"z{k}"} if k % 3 == 0 else {})})
            for k, v in enumerate(run.analysis.tasks) if k % 7 == 0]
    write_master(master, run, "en", carried=CarriedColumns(["PMO notes", "Zeta"], rows))
    return master


def _both(master: Path, monkeypatch, fast_expected: bool = True) -> CarriedColumns:
    monkeypatch.setattr(previous_master, "FAST_COLUMNS", False)
    plain = read_carried_columns(master, set())
    monkeypatch.setattr(previous_master, "FAST_COLUMNS", True)
    if fast_expected:
        def refuse(*args, **kwargs):
            raise AssertionError("the whole sheet was read")
        monkeypatch.setattr(python_calamine.CalamineWorkbook, "from_path", refuse)
    fast = read_carried_columns(master, set())
    monkeypatch.undo()
    assert fast == plain
    assert plain.rows and plain.headers
    return plain


def test_toolkit_master_inline_strings(tmp_path, monkeypatch):
    carried = _both(_master(tmp_path), monkeypatch)
    assert carried.headers == ["PMO notes", "Zeta"]
    got = [row.values["PMO notes"] for row in carried.rows]
    assert "  spaced  " in got and 12 in got and 3.5 in got and "line\nbreak" in got and "中文 备注" in got
    assert all(row.department and row.task_id for row in carried.rows)


@pytest.mark.parametrize("edit", ["resaved", "column_first", "rows_above", "aside", "numbers_as_ids"])
def test_master_saved_by_openpyxl(tmp_path, monkeypatch, edit):
    master = _master(tmp_path)
    book = openpyxl.load_workbook(master)
    ws = book["Tasks"]
    if edit == "column_first":               # a hand-added column before Task ID
        ws.insert_cols(1)
        ws.cell(1, 1, "First look")
        for r in range(2, ws.max_row + 1, 5):
            ws.cell(r, 1, f"look {r}")
    elif edit == "rows_above":               # a title and a blank row above the header
        ws.insert_rows(1, 2)
        ws.cell(1, 1, "Tasks of the week")
    elif edit == "aside":
        aside = book.create_sheet(i18n.TEXT["sheet.carried_unmatched"][0])
        aside.append(["Department", "Task ID", i18n.TEXT["col.carried_why"][0], "PMO notes", "Older"])
        aside.append(["Dept 000", "T-gone", "gone", "keep me", 7])
        aside.append(["Dept 001", "", "blank", None, "old one"])
    elif edit == "numbers_as_ids":           # IDs and a department typed as numbers
        for r in range(2, 40):
            ws.cell(r, 1, r * 10)
            ws.cell(r, 4, 2026)
    book.save(master)                        # openpyxl writes shared strings
    _both(master, monkeypatch)


def test_date_cells_fall_back_to_the_whole_sheet(tmp_path, monkeypatch):
    master = _master(tmp_path)
    book = openpyxl.load_workbook(master)
    ws = book["Tasks"]
    column = [c.value for c in ws[1]].index("PMO notes") + 1
    ws.cell(2, column, date(2026, 11, 2))
    ws.cell(2, column).number_format = "yyyy-mm-dd"
    book.save(master)
    carried = _both(master, monkeypatch, fast_expected=False)
    assert any(not isinstance(row.values["PMO notes"], (str, int, float)) for row in carried.rows)


@pytest.mark.parametrize("department, fallback, task_id, raw_id", [
    ("IT", "", "T-1", None), (" ｉｔ ", "", "t-1", None), (None, "HR", None, " T-2 "), ("", "HR", 12.0, None),
    (2026, "", "A", None), (True, "", "B", None), ("Dept 000", "", None, None)])
def test_master_task_key_is_task_key(department, fallback, task_id, raw_id):
    """The departments' keys are remembered: the key is still `task_key` of the cells."""
    from toolkit.ids import task_key
    from toolkit.model import Record, Source
    for _ in range(2):                                       # folded, then remembered
        record = Record("tasks", Source("a.xlsx", "Tasks", 2), {"department": department, "id": task_id},
                        raw={"id": raw_id}, department=fallback)
        assert previous_master.master_task_key(record) == task_key(department or fallback,
                                                                   raw_id if task_id is None else task_id)


def test_rich_text_formulas_and_booleans(tmp_path, monkeypatch):
    """A master another tool wrote (XlsxWriter's shared strings with rich runs, formulas with a
    cached text or number, booleans, a blank row, a column after a gap): as the whole sheet."""
    import xlsxwriter
    path = tmp_path / "master.xlsx"
    book = xlsxwriter.Workbook(str(path))
    bold = book.add_format({"bold": True})
    ws = book.add_worksheet("Tasks")
    ws.write_row(0, 0, ["Task ID", "Department", "PMO notes"])
    ws.write(0, 5, "Later")
    for r in range(1, 60):
        if r == 7:
            continue                                      # a blank row
        ws.write(r, 0, f"T-{r}")
        ws.write(r, 1, "IT" if r % 2 else "HR")
        kind = r % 6
        if kind == 0:
            ws.write_rich_string(r, 2, "plain ", bold, "bold", " tail ")
        elif kind == 1:
            ws.write_formula(r, 2, '="a"&"b"', None, "ab")
        elif kind == 2:
            ws.write_formula(r, 2, "=1+1", None, 2)
        elif kind == 3:
            ws.write_boolean(r, 2, r % 4 == 3)
        elif kind == 4:
            ws.write_string(r, 2, "  both ends  ")
        if r % 5 == 0:
            ws.write(r, 5, f"later {r}")
    book.close()
    carried = _both(path, monkeypatch)
    assert carried.headers == ["PMO notes", "Later"]
    values = [v for row in carried.rows for v in row.values.values()]
    assert "plain bold tail " in values and "ab" in values and True in values and "  both ends  " in values


# ------------------------------------------------------------------ issue 7: read in a helper process

def test_a_big_master_is_read_in_a_helper_process_with_the_same_result(tmp_path, monkeypatch):
    """Past `PROCESS_FROM_BYTES` the columns are read by `python -m toolkit.inputs.carried_soon`
    (another core, not this process's GIL): the same CarriedColumns as reading them here."""
    import subprocess

    from toolkit.inputs import carried_soon

    master = _master(tmp_path)
    here = read_carried_columns(master, set())
    started: list[list[str]] = []
    real_popen = subprocess.Popen

    def counted(args, **kwargs):
        started.append(list(args))
        return real_popen(args, **kwargs)

    monkeypatch.setattr(carried_soon.subprocess, "Popen", counted)
    monkeypatch.setattr(carried_soon, "PROCESS_FROM_BYTES", 0)
    soon = carried_soon.read_carried_columns_soon(master)
    assert [args[1:3] for args in started] == [["-m", "toolkit.inputs.carried_soon"]]
    monkeypatch.setattr(previous_master, "read_carried_columns", None)      # the helper's answer, not a read here
    monkeypatch.setattr(carried_soon, "read_carried_columns", None)
    assert soon() == here and here.rows
    assert soon() == here        # asked again: the same value


def test_a_small_master_or_one_without_hand_added_columns_starts_no_process(tmp_path, monkeypatch):
    from toolkit.inputs import carried_soon

    def refuse(*args, **kwargs):
        raise AssertionError("a helper process was started")

    monkeypatch.setattr(carried_soon.subprocess, "Popen", refuse)
    master = _master(tmp_path)                       # small: read at once
    assert carried_soon.read_carried_columns_soon(master)() == read_carried_columns(master, set())
    plain = tmp_path / "plain"                       # no hand-added column: its header says so
    run_consolidation([master.parent.parent / "gen"], Settings(base_dir=plain), AS_OF,
                      output=plain / "master.xlsx", stamp="t")
    monkeypatch.setattr(carried_soon, "PROCESS_FROM_BYTES", 0)
    assert carried_soon.read_carried_columns_soon(plain / "master.xlsx")() == CarriedColumns()
    assert carried_soon.read_carried_columns_soon(tmp_path / "missing.xlsx")() == CarriedColumns()


@pytest.mark.parametrize("how", ["cannot start", "helper fails"])
def test_when_the_helper_cannot_start_or_fails_the_master_is_read_here(tmp_path, monkeypatch, how):
    import subprocess
    import sys

    from toolkit.inputs import carried_soon

    real_popen = subprocess.Popen

    def broken(args, **kwargs):
        if how == "cannot start":
            raise OSError("no processes here")
        return real_popen([sys.executable, "-c", "import sys; sys.exit(3)"], **kwargs)

    master = _master(tmp_path)
    monkeypatch.setattr(carried_soon, "PROCESS_FROM_BYTES", 0)
    monkeypatch.setattr(carried_soon.subprocess, "Popen", broken)
    assert carried_soon.read_carried_columns_soon(master)() == read_carried_columns(master, set())


def test_a_held_helper_reads_once_let_go(tmp_path, monkeypatch):
    """A consolidation starts the helper while it is small and lets it read once the inputs are
    read (`held`); asked for the columns without `go()`, it lets it go first."""
    import time

    from toolkit.inputs import carried_soon

    master = _master(tmp_path)
    here = read_carried_columns(master, set())
    monkeypatch.setattr(carried_soon, "PROCESS_FROM_BYTES", 0)
    for let_go in (True, False):
        soon = carried_soon.read_carried_columns_soon(master, held=True)
        helper = soon._helper
        assert helper is not None
        time.sleep(0.3)
        assert helper.poll() is None, "the held helper did not wait"
        if let_go:
            soon.go()
        assert soon() == here
        assert helper.wait(timeout=60) == 0
