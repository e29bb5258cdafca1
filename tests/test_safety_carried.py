"""Issue 8, item 1: columns typed by hand into the master stay on their task (department + Task ID,
normalised the same way everywhere) and are never dropped: a value with no single task is kept
on the "Carried, unmatched" sheet and reported."""
from __future__ import annotations

from pathlib import Path

import openpyxl

from conftest import AS_OF
from safety_helpers import tracker
from toolkit.config import Settings
from toolkit.ids import normalize_id
from toolkit.pipeline import run_consolidation, run_validation


def consolidate(inputs: Path, master: Path, stamp: str):
    return run_consolidation([inputs], Settings(), AS_OF, output=master, stamp=stamp, lock_timeout=5)


def type_by_hand(master: Path, values: dict[tuple[str, str], str], blank_id_note: str | None = None) -> None:
    """A PMO comment typed into the master's Tasks sheet, keyed by (Department, Task ID) as shown."""
    book = openpyxl.load_workbook(master)
    ws = book["Tasks"]
    header = [c.value for c in ws[1]]
    at = header.index("PMO comment") + 1 if "PMO comment" in header else ws.max_column + 1
    ws.cell(1, at, "PMO comment")
    dept, tid = header.index("Department") + 1, header.index("Task ID") + 1
    for row in range(2, ws.max_row + 1):
        key = (ws.cell(row, dept).value, ws.cell(row, tid).value)
        if key in values:
            ws.cell(row, at, values[key])
        if blank_id_note and ws.cell(row, tid).value is None:
            ws.cell(row, at, blank_id_note)
    book.save(master)


def comments(master: Path) -> dict[tuple[str, str], object]:
    ws = openpyxl.load_workbook(master)["Tasks"]
    header = [c.value for c in ws[1]]
    dept, tid, note = header.index("Department"), header.index("Task ID"), header.index("PMO comment")
    return {(r[dept].value, r[tid].value): r[note].value for r in ws.iter_rows(min_row=2) if r[note].value}


def unmatched(master: Path) -> list[tuple]:
    book = openpyxl.load_workbook(master)
    if "Carried, unmatched" not in book.sheetnames:
        return []
    return [tuple(c.value for c in row) for row in book["Carried, unmatched"].iter_rows(min_row=2)]


def test_normalize_id_is_one_rule():
    assert normalize_id(" T-001 ") == normalize_id("t-001") == normalize_id("Ｔ－００１") == normalize_id("T -001")
    assert normalize_id(12.0) == "12" and normalize_id(None) == ""


def test_carried_values_stay_on_their_department_and_survive_id_spelling(tmp_path):
    inputs = tmp_path / "in"
    tracker(inputs / "IT.xlsx", "T-001", "T-002")
    tracker(inputs / "HR.xlsx", "T-001", "T-002", Task="HR work")       # T-001 in every department
    master = tmp_path / "out" / "master.xlsx"
    consolidate(inputs, master, "2026-11-24 010000")
    type_by_hand(master, {("IT", "T-001"): "IT: call vendor", ("HR", "T-001"): "HR: hire two",
                          ("HR", "T-002"): "HR: budget ok"})
    # the next day HR writes its IDs in full-width forms with spaces, IT in lower case
    tracker(inputs / "HR.xlsx", " Ｔ－００１ ", "T-002 ", Task="HR work")
    tracker(inputs / "IT.xlsx", "t-001", "T-002")
    run = consolidate(inputs, master, "2026-11-24 020000")
    got = {(d, normalize_id(t)): v for (d, t), v in comments(master).items()}
    assert got == {("IT", "t-001"): "IT: call vendor", ("HR", "t-001"): "HR: hire two",
                   ("HR", "t-002"): "HR: budget ok"}
    assert unmatched(master) == [] and not any(f.code == "carried-unmatched" for f in run.findings.findings)


def test_a_value_with_no_single_task_is_kept_aside_reported_and_restored(tmp_path):
    inputs = tmp_path / "in"
    tracker(inputs / "IT.xlsx", "T-1", "T-2", "T-3")
    master = tmp_path / "out" / "master.xlsx"
    consolidate(inputs, master, "2026-11-24 010000")
    type_by_hand(master, {("IT", "T-1"): "keep me", ("IT", "T-2"): "twice", ("IT", "T-3"): "stays"})
    # T-1 is removed; T-2 now appears twice (ambiguous); a task without ID gets a hand note
    tracker(inputs / "IT.xlsx", "T-2", "T-2", "T-3", None)
    run = consolidate(inputs, master, "2026-11-24 020000")
    assert comments(master) == {("IT", "T-3"): "stays"}          # never put on another row
    aside = {(row[0], row[1]): (row[2], row[3]) for row in unmatched(master)}
    assert aside[("IT", "T-1")][1] == "keep me" and "no task" in aside[("IT", "T-1")][0]
    assert aside[("IT", "T-2")][1] == "twice" and "more than once" in aside[("IT", "T-2")][0]
    reported = [f for f in run.findings.findings if f.code == "carried-unmatched"]
    assert len(reported) == 1 and reported[0].params["count"] == 2
    assert "Carried, unmatched" in reported[0].message("en") and "找不到" in reported[0].message("zh")

    # a blank-ID row's note is kept aside too, run after run; T-1 comes back: its value returns
    type_by_hand(master, {}, blank_id_note="no id yet")
    consolidate(inputs, master, "2026-11-24 030000")
    assert ("IT", None) in {(r[0], r[1]) for r in unmatched(master)}
    tracker(inputs / "IT.xlsx", "T-1", "T-2", "T-3")
    consolidate(inputs, master, "2026-11-24 040000")
    assert comments(master) == {("IT", "T-1"): "keep me", ("IT", "T-2"): "twice", ("IT", "T-3"): "stays"}
    assert [r[3] for r in unmatched(master)] == ["no id yet"]


def test_validation_uses_the_same_id_rule(tmp_path):
    inputs = tmp_path / "in"
    tracker(inputs / "IT.xlsx", "T-001", "Ｔ－００１ ", "T - 001")
    run = run_validation([inputs], Settings(), AS_OF)
    assert sum(f.code == "duplicate-id" for f in run.batch.findings) == 3
