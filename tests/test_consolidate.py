"""`toolkit consolidate` end to end: real input workbooks in, a real master read back with openpyxl.

Unit tests of each part live beside it (test_analyze, test_master_writer, test_history,
test_safe_output); these check that the parts hold together as a user runs them.
"""
from __future__ import annotations

import multiprocessing
import time
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from conftest import TASK_HEADERS, tree_hashes
from toolkit import pipeline
from toolkit.config import Settings
from toolkit.outputs.safe_output import run_lock

runner = CliRunner()
TEAM = [["Name", "Department", "Weekly Capacity (h)"], ["张伟", "IT", 40], ["李娜", "IT", 40]]
PROJECTS = [["Project", "Phase"], ["P1", "Execution"]]


def task(tid, title="Task", owner="张伟", start=date(2026, 11, 2), due=date(2026, 11, 30),
         status="In progress", percent=0.5, hours=8, depends=None, completed=None, department="IT"):
    return [tid, "P1", title, department, owner, start, due, status, percent, hours, "Medium", depends, None,
            completed, None]


def write_inputs_as_text(path, tasks_rows):
    """An input whose Task titles are stored as text cells (what Excel saves when a user types
    '=... with a leading apostrophe, or pastes from elsewhere): XlsxWriter, never a formula."""
    import xlsxwriter
    path.parent.mkdir(parents=True, exist_ok=True)
    book = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False})
    dates = book.add_format({"num_format": "yyyy-mm-dd"})
    for name, rows in (("Tasks", tasks_rows), ("Team", TEAM), ("Projects", PROJECTS)):
        sheet = book.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if isinstance(value, date):
                    sheet.write_datetime(r, c, value, dates)
                elif isinstance(value, str):
                    sheet.write_string(r, c, value)
                elif value is not None:
                    sheet.write_number(r, c, value)
    book.close()
    return path


def invoke(*args):
    return runner.invoke(__import__("toolkit.cli", fromlist=["app"]).app, [str(a) for a in args],
                         catch_exceptions=False)


def tasks_sheet(master):
    book = openpyxl.load_workbook(master)
    ws = book["Tasks"]
    headers = [c.value for c in ws[1]]
    rows = [dict(zip(headers, (c for c in row))) for row in ws.iter_rows(min_row=2)]
    return book, headers, rows


def by_id(rows):
    return {r["Task ID"].value: r for r in rows if r["Task ID"].value}


@pytest.fixture
def folder(make_workbook, tmp_path):
    make_workbook("IT.xlsx", {
        "Tasks": [TASK_HEADERS + ["Cost centre"],
                  task("IT-1", "Late one", due=date(2026, 11, 17)) + ["CC-7"],
                  task("IT-2", "Fine", due=date(2026, 12, 18), percent=0.3) + ["CC-8"],
                  task("IT-3", "Done", status="Done", percent=1, due=date(2026, 11, 10),
                       completed=date(2026, 11, 9)) + [None]],
        "Team": TEAM, "Projects": PROJECTS})
    make_workbook("客服部.xlsx", {"任务清单": [TASK_HEADERS, task("CS-1", owner="李娜", due=date(2026, 12, 18),
                                                                percent=0.3),
                                         task("IT-1", "Same ID elsewhere", owner="李娜",
                                              due=date(2026, 12, 18), percent=0.3)]})
    (tmp_path / "in" / "broken.xlsx").write_bytes(b"PK\x03\x04" + b"\x00" * 40)   # a truncated zip
    return tmp_path / "in"


def test_consolidate_writes_master_and_reconciles(folder, tmp_path):
    before = tree_hashes(folder)
    master = tmp_path / "out" / "master.xlsx"
    result = invoke("consolidate", folder, "-o", master, "--as-of", "2026-11-24")
    assert result.exit_code == 1, result.output   # broken.xlsx: exit 1, master written (issue 8)
    assert "Traceback" not in result.output
    assert "broken.xlsx" in result.output                      # the unreadable file is named
    assert tree_hashes(folder) == before                        # inputs never modified

    book, headers, rows = tasks_sheet(master)
    ids = [r["Task ID"].value for r in rows]
    assert sorted(ids) == ["CS-1", "IT-1", "IT-1", "IT-2", "IT-3"]   # the duplicate kept, nothing dropped
    assert "Cost centre" in headers                                   # a team's extra column carried
    assert {r["Cost centre"].value for r in rows if r["Task ID"].value != "CS-1"} >= {"CC-7", "CC-8"}
    findings = [[c.value for c in row] for row in book[book.sheetnames[-1]].iter_rows(min_row=2)]
    places = " ".join(str(v) for row in findings for v in row if v)
    assert "IT.xlsx › Tasks › A2" in places and "客服部.xlsx › 任务清单 › A3" in places
    assert "broken.xlsx" in places


def test_row_counts_reconcile_through_the_pipeline(folder, tmp_path):
    result = pipeline.run_consolidation([folder], Settings(), date(2026, 11, 24),
                                        output=tmp_path / "m.xlsx", stamp="t")
    merged = result.consolidated
    assert merged.rows_read == merged.rows_written == 5 + 2 + 1   # tasks + team + projects
    assert merged.unreadable == ["broken.xlsx"]
    _, _, rows = tasks_sheet(result.master)
    assert len([r for r in rows if r["Task ID"].value]) == len(merged["tasks"])


@pytest.mark.parametrize("title", ['=HYPERLINK("http://evil.example","click")', "+cmd|' /C calc'!A0",
                                   "@SUM(1+1)", "-2+3", "=1+1"])
def test_formula_injection_from_an_input_stays_text(make_workbook, tmp_path, title):
    write_inputs_as_text(tmp_path / "in" / "IT.xlsx", [TASK_HEADERS, task("IT-9", title)])
    master = tmp_path / "master.xlsx"
    assert invoke("consolidate", tmp_path / "in", "-o", master, "--as-of", "2026-11-24").exit_code == 0
    _, _, rows = tasks_sheet(master)
    cell = by_id(rows)["IT-9"]["Task"]
    assert cell.value == title and cell.data_type == "s"
    raw = __import__("zipfile").ZipFile(master).read("xl/worksheets/sheet2.xml")
    assert b"<f>" not in raw                                   # not a single live formula on Tasks


def test_control_characters_and_huge_cells_do_not_crash(make_workbook, tmp_path):
    write_inputs_as_text(tmp_path / "in" / "IT.xlsx", [TASK_HEADERS, task("IT-1", "bell\x07 and\x1b escape"),
                                                      task("IT-2", "x" * 40000)])
    master = tmp_path / "master.xlsx"
    assert invoke("consolidate", tmp_path / "in", "-o", master, "--as-of", "2026-11-24").exit_code == 0
    _, _, rows = tasks_sheet(master)
    found = by_id(rows)
    assert found["IT-1"]["Task"].value == "bell and escape"
    assert 32000 <= len(found["IT-2"]["Task"].value) <= 32767    # Excel's cell limit, cut not crashed


def test_a_week_later_changes_and_hand_added_columns(make_workbook, tmp_path):
    folder = tmp_path / "in"
    master = tmp_path / "out" / "master.xlsx"
    make_workbook("IT.xlsx", {"Tasks": [TASK_HEADERS,
                                        task("IT-1", due=date(2026, 11, 20)),
                                        task("IT-2", due=date(2026, 11, 27)),
                                        task("IT-3", due=date(2026, 12, 4), owner="张伟"),
                                        task("IT-4", status="Not started", percent=0)],
                              "Team": TEAM, "Projects": PROJECTS})
    assert invoke("consolidate", folder, "-o", master, "--as-of", "2026-11-17").exit_code == 0

    # the PMO writes a comment column into the master by hand
    book = openpyxl.load_workbook(master)
    ws = book["Tasks"]
    col = ws.max_column + 1
    ws.cell(1, col, "PMO comment")
    for row in range(2, ws.max_row + 1):
        if ws.cell(row, 1).value == "IT-2":
            ws.cell(row, col, "chase vendor")
    book.save(master)

    # a week later: IT-1 is now overdue, IT-2 done, IT-3 slipped and moved to 李娜, IT-5 new
    make_workbook("IT.xlsx", {"Tasks": [TASK_HEADERS,
                                        task("IT-1", due=date(2026, 11, 20)),
                                        task("IT-2", status="Done", percent=1, completed=date(2026, 11, 23),
                                             due=date(2026, 11, 27)),
                                        task("IT-3", due=date(2026, 12, 11), owner="李娜"),
                                        task("IT-4", status="In progress", percent=0.1),
                                        task("IT-5", "New")],
                              "Team": TEAM, "Projects": PROJECTS})
    result = invoke("consolidate", folder, "-o", master, "--as-of", "2026-11-24")
    assert result.exit_code == 0, result.output
    assert "2026-11-17" in result.output

    book = openpyxl.load_workbook(master)
    changes = [[c.value for c in row] for row in book["Changes"].iter_rows(min_row=2)]
    text = [" | ".join(str(v) for v in row if v is not None) for row in changes]
    def has(*words):
        return any(all(w in line for w in words) for line in text)
    assert has("IT-5"), text
    assert has("IT-2", "Done"), text
    assert has("IT-1"), text                                   # newly overdue
    assert has("IT-3", "2026-12-04", "2026-12-11"), text        # slipped 7 days
    assert has("IT-3", "张伟", "李娜"), text                    # owner changed
    assert has("IT-4", "Not started", "In progress"), text     # status changed

    _, headers, rows = tasks_sheet(master)
    assert "PMO comment" in headers
    assert by_id(rows)["IT-2"]["PMO comment"].value == "chase vendor"
    assert len(list(master.parent.rglob("master*.xlsx"))) >= 2  # the previous master kept as a backup


def _hold_lock(folder, ready, release):
    with run_lock(folder, timeout=5):
        ready.set()
        release.wait(30)


def test_a_second_run_stops_with_a_clear_message_while_one_runs(folder, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    ctx = multiprocessing.get_context("spawn")
    ready, release = ctx.Event(), ctx.Event()
    holder = ctx.Process(target=_hold_lock, args=(out, ready, release))
    holder.start()
    try:
        assert ready.wait(30)
        started = time.monotonic()
        result = invoke("consolidate", folder, "-o", out / "master.xlsx", "--as-of", "2026-11-24", "--wait", "1")
        assert result.exit_code == 3
        assert result.output.startswith("Error:") and "Traceback" not in result.output
        assert time.monotonic() - started >= 1
        assert not (out / "master.xlsx").exists()
    finally:
        release.set()
        holder.join(30)
    # inputs with errors: exit 1 (issue 8)
    assert invoke("consolidate", folder, "-o", out / "master.xlsx", "--as-of", "2026-11-24").exit_code == 1


def test_master_open_in_excel_gives_a_conflict_copy(folder, tmp_path):
    out = tmp_path / "out"
    master = out / "master.xlsx"
    assert invoke("consolidate", folder, "-o", master, "--as-of", "2026-11-17").exit_code == 1   # inputs with errors: 1 (issue 8)
    before = master.read_bytes()
    (out / "~$master.xlsx").write_bytes(b"owner file Excel keeps while the book is open")
    result = invoke("consolidate", folder, "-o", master, "--as-of", "2026-11-24")
    assert result.exit_code == 1                                          # inputs with errors (issue 8)
    assert master.read_bytes() == before                                  # the open one untouched
    copies = [p for p in out.glob("master*.xlsx") if p != master and "conflict" in p.name.lower()]
    assert len(copies) == 1 and copies[0].name in result.output.replace("\n", "")


def test_failure_between_write_and_replace_loses_nothing(folder, tmp_path, monkeypatch):
    master = tmp_path / "out" / "master.xlsx"
    assert invoke("consolidate", folder, "-o", master, "--as-of", "2026-11-17").exit_code == 1   # inputs with errors: 1 (issue 8)
    before = master.read_bytes()

    import toolkit.outputs.safe_output as safe_output
    real_replace = safe_output.os.replace

    def replace(src, dst):
        if Path(dst) == master:           # the step between writing and putting in place fails
            raise OSError("disk pulled out")
        return real_replace(src, dst)
    monkeypatch.setattr(safe_output.os, "replace", replace)
    result = invoke("consolidate", folder, "-o", master, "--as-of", "2026-11-24")
    assert result.exit_code == 1 and "Traceback" not in result.output      # inputs with errors (issue 8)
    assert master.read_bytes() == before                                  # old master intact
    saved = [p for p in master.parent.glob("master*.xlsx") if p != master]
    assert len(saved) == 1 and saved[0].name in result.output.replace("\n", "")
    assert openpyxl.load_workbook(saved[0])["Tasks"].max_row == 6          # the new master, whole
    assert not [p for p in master.parent.iterdir() if p.name.startswith(".master")]   # no temp left


def test_nothing_can_be_saved_is_one_clear_error(folder, tmp_path, monkeypatch):
    master = tmp_path / "out" / "master.xlsx"
    assert invoke("consolidate", folder, "-o", master, "--as-of", "2026-11-17").exit_code == 1   # inputs with errors: 1 (issue 8)
    before = master.read_bytes()
    import toolkit.outputs.safe_output as safe_output

    def replace(src, dst):
        raise OSError("read-only file system")
    monkeypatch.setattr(safe_output.os, "replace", replace)
    result = invoke("consolidate", folder, "-o", master, "--as-of", "2026-11-24")
    assert result.exit_code == 3
    assert result.output.startswith("Error:") and "Traceback" not in result.output
    assert master.read_bytes() == before
    assert not [p for p in master.parent.iterdir() if p.name.startswith(".master")]


def test_one_workbook_with_a_sheet_per_department(make_workbook, tmp_path):
    make_workbook("all.xlsx", {"IT": [TASK_HEADERS, task("IT-1", department=None)],
                               "客服部": [TASK_HEADERS, task("CS-1", owner="李娜", department=None)],
                               "Team": TEAM, "Projects": PROJECTS})
    result = pipeline.run_consolidation([tmp_path / "in"], Settings(), date(2026, 11, 24),
                                        output=tmp_path / "m.xlsx", stamp="t")
    departments = {r.get("id"): r.department for r in result.consolidated["tasks"]}
    assert departments == {"IT-1": "IT", "CS-1": "客服部"}
