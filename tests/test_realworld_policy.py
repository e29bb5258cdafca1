"""Bad data looks bad (issue 9): a row with an invalid value takes part in nothing that needs it,
is marked "Data issue" on the master's Tasks sheet, and keeps its project from looking green.
Each case is built in code, in an English and a Chinese workbook, consolidated, and read back."""
from __future__ import annotations

from datetime import date

import openpyxl
import pytest

from toolkit.config import Settings
from toolkit.i18n import text
from toolkit.pipeline import run_consolidation
from toolkit.present.palette import FILLS, RAG_FILLS, RISK_FILLS
from toolkit.present.summary import consolidation_lines
from toolkit.schema import PROJECTS, RISKS, TASKS, TEAM

AS_OF = date(2026, 11, 24)
LANGS = ["en", "zh"]


def headers(spec, lang):
    return [c.header(lang) for c in spec.columns]


def task(lang, id_, title, *, project="P1", owner="王磊", start=date(2026, 11, 2), due=date(2026, 11, 30),
         status=None, percent=0.7, hours=8):
    status = status if status is not None else ("In progress" if lang == "en" else "进行中")
    return [id_, project, title, "", owner, start, due, status, percent, hours, None, None, None, None, None]


def consolidate(tmp_path, sheets_by_file, lang, name="run"):
    from conftest import write_workbook

    folder = tmp_path / f"in-{name}"
    for file, sheets in sheets_by_file.items():
        write_workbook(folder / file, sheets)
    out = tmp_path / f"out-{name}" / "master.xlsx"
    run = run_consolidation([folder], Settings(base_dir=tmp_path), AS_OF, output=out, stamp=f"2026-11-24 0{len(name)}0000",
                            lang=lang)
    return run, openpyxl.load_workbook(out)


def tasks_rows(book, lang):
    ws = book[TASKS.title(lang)]
    head = [c.value for c in ws[1]]
    return head, {row[0].value: row for row in ws.iter_rows(min_row=2) if row[0].value is not None}


def fill(cell):
    rgb = cell.fill.fgColor.rgb if cell.fill.fill_type else None
    return "#" + rgb[2:] if isinstance(rgb, str) else None


@pytest.mark.parametrize("lang", LANGS)
def test_an_unknown_status_is_neither_open_nor_done(tmp_path, lang):
    # the "2485 working days late" case: an item marked 完成 under a header the reader did not know
    # used to count as open; a status nobody can read must not make it overdue either
    sheet = TASKS.title(lang)
    rows = [headers(TASKS, lang),
            task(lang, "T-1", "Shipped long ago", due=date(2017, 1, 6), status="搞定啦"),
            task(lang, "T-2", "Really late", due=date(2026, 11, 10))]
    team = [headers(TEAM, lang), ["王磊", "", "", 40, "", ""]]
    projects = [headers(PROJECTS, lang), ["P1", "", "", "", "", None, None, None]]
    run, book = consolidate(tmp_path, {"IT.xlsx": {sheet: rows, TEAM.title(lang): team, PROJECTS.title(lang): projects}},
                            lang)
    head, rows_by_id = tasks_rows(book, lang)
    overdue = head.index(text("master.col.overdue", lang))
    issue = head.index(text("master.col.data_issue", lang))
    status = head.index(TASKS.column("status").header(lang))
    bad = rows_by_id["T-1"]
    assert bad[overdue].value is None                        # not "2485 working days late"
    assert bad[status].value == "搞定啦"                       # the value typed, shown
    assert TASKS.column("status").header(lang) in bad[issue].value and "搞定啦" in bad[issue].value
    assert {fill(c) for c in bad[:15]} == {FILLS["data_issue"]}
    late = rows_by_id["T-2"]
    assert late[overdue].value == 10 and late[issue].value is None
    assert {fill(c) for c in late[:15]} == {FILLS["overdue"]}
    codes = [(f.cell, f.code) for f in run.findings.findings if f.code == "not-in-list"]
    assert codes == [("H2", "not-in-list")]
    # the project is red for T-2, and says the data error too
    health = {h.project: h for h in run.analysis.projects}["P1"]
    assert health.rag == "red" and any(r.code == "rag.data_errors" for r in health.reasons)


@pytest.mark.parametrize("lang", LANGS)
def test_a_project_with_rows_in_error_is_never_green(tmp_path, lang):
    sheet = TASKS.title(lang)
    rows = [headers(TASKS, lang),
            task(lang, "T-1", "Fine"),
            task(lang, "T-2", "Bad due", due="next Friday"),
            task(lang, "T-3", "Bad percent", percent="lots"),
            task(lang, "T-4", "Bad hours", hours="many")]
    team = [headers(TEAM, lang), ["王磊", "", "", 40, "", ""]]
    run, book = consolidate(tmp_path, {"IT.xlsx": {sheet: rows, TEAM.title(lang): team}}, lang)
    health = {h.project: h for h in run.analysis.projects}["P1"]
    assert health.rag == "amber"
    assert [(r.code, r.params) for r in health.reasons] == [("rag.data_errors", {"count": 3})]
    ws = book[text("master.sheet.dashboard", lang)]
    # the project's tile on the Dashboard (issue 10): its colour word and name, in its colour
    tile = next(c for row in ws.iter_rows() for c in row if c.value == f"{text('master.rag.amber', lang)} · P1")
    assert fill(tile) == RAG_FILLS["amber"]
    why = ws.cell(tile.row + 1, tile.column).value              # the tile's line of why, under its name
    assert text("rag.data_errors", lang, count=3) in str(why)
    head, rows_by_id = tasks_rows(book, lang)
    issue = head.index(text("master.col.data_issue", lang))
    assert [rows_by_id[i][issue].value is not None for i in ("T-1", "T-2", "T-3", "T-4")] == [False, True, True, True]
    # a bad value takes part in nothing that needs it: no workload from T-3 and T-4, no "behind" for T-3
    flags = {v.record.values["id"]: v.flags for v in run.analysis.tasks}
    assert flags["T-3"].remaining_hours == 0 and flags["T-4"].remaining_hours == 0 and not flags["T-3"].behind
    assert flags["T-2"].due_soon is False and flags["T-2"].overdue is False


@pytest.mark.parametrize("lang", LANGS)
def test_invalid_risk_unknown_project_and_did_you_mean(tmp_path, lang):
    sheet = TASKS.title(lang)
    rows = [headers(TASKS, lang), task(lang, "T-1", "Typo project", project="Custmer upgrade", owner="王雷")]
    team = [headers(TEAM, lang), ["王磊", "", "", 40, "", ""]]
    projects = [headers(PROJECTS, lang), ["Customer upgrade", "", "", "", "", None, None, None]]
    open_ = "Open" if lang == "en" else "未关闭"
    risks = [headers(RISKS, lang), ["R-1", "Customer upgrade", "Vendor late", 7, 3, "王磊", "", open_, None],
             ["R-2", "Customer upgrade", "No budget", None, 3, "王磊", "", open_, None]]
    run, book = consolidate(tmp_path, {"IT.xlsx": {sheet: rows, TEAM.title(lang): team,
                                                   PROJECTS.title(lang): projects, RISKS.title(lang): risks}}, lang)
    health = {h.project: h for h in run.analysis.projects}
    assert health["Custmer upgrade"].rag == "unknown"
    messages = {f.code: f.message(lang) for f in run.findings.findings}
    assert "Customer upgrade" in messages["unknown-project"] and "王磊" in messages["unknown-owner"]
    assert ("did you mean" if lang == "en" else "是否应为") in messages["unknown-project"]
    ws = book[RISKS.title(lang)]
    head = [c.value for c in ws[1]]
    level = head.index(text("master.col.level", lang)) + 1
    cells = {ws.cell(r, 1).value: ws.cell(r, level) for r in range(2, ws.max_row + 1)}
    for risk in ("R-1", "R-2"):   # never "Low" in green
        assert cells[risk].value == text("master.level.invalid", lang)
        assert fill(cells[risk]) == RISK_FILLS["invalid"]
    dash = book[text("master.sheet.dashboard", lang)]
    tiles = {c.value for row in dash.iter_rows() for c in row if isinstance(c.value, str)}   # issue 10's tiles
    assert f"{text('master.rag.unknown', lang)} · Custmer upgrade" in tiles


@pytest.mark.parametrize("lang", LANGS)
def test_defaults_are_reported_and_the_summary_tells_the_truth(tmp_path, lang):
    # no hours column and no Team sheet: 8 h a task and 40 h a week are used, and said so
    sheet = TASKS.title(lang)
    head = [h for h in headers(TASKS, lang) if h != TASKS.column("hours").header(lang)]
    rows = [head, [v for i, v in enumerate(task(lang, "T-1", "Has all")) if i != 9],
            [v for i, v in enumerate(task(lang, "T-2", "No due", due=None, owner=None)) if i != 9]]
    notes = {"Notes.xlsx": {"Readme": [["Just a note"], ["nothing to see"]]}}
    run, book = consolidate(tmp_path, {"IT.xlsx": {sheet: rows}, **notes}, lang)
    codes = {f.code: f for f in run.findings.findings}
    assert codes["default-hours"].severity.value == "warning" and "8" in codes["default-hours"].message(lang)
    assert "40" in codes["default-capacity"].message(lang)
    lines = consolidation_lines(run, lang)
    data = lines[1]
    expected = text("consolidate.data", lang, files_without_tasks=1,
                    names=(": Notes.xlsx" if lang == "en" else "：Notes.xlsx"), skipped=0, why="",
                    no_due=1, no_owner=1, no_status=0, issues=0)
    assert data == expected
    dash = book[text("master.sheet.dashboard", lang)]
    shown = {c.value for row in dash.iter_rows() for c in row}     # under data quality since issue 10
    assert text("master.dash.data", lang, files_without_tasks=1, skipped=0, why="",
                no_due=1, no_owner=1, no_status=0, issues=0) in shown
    assert "overloaded week" in dash["A2"].value if lang == "en" else "超负荷" in dash["A2"].value
