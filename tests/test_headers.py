"""Headers and statuses as teams write them (issue 9): synonyms, bracketed units and notes, status
words with emoji, columns judged by their values, sheets judged by their content. Workbooks are
built in code in English and Chinese and consolidated; the master is read back."""
from __future__ import annotations

from datetime import date

import openpyxl
import pytest

from conftest import write_workbook
from toolkit.config import Settings
from toolkit.inputs.reader import read_workbook
from toolkit.pipeline import run_consolidation
from toolkit.schema import TASKS, header_base, match_column, normalize_header

AS_OF = date(2026, 11, 24)


@pytest.mark.parametrize("header, key", [
    ("工时(h)", "hours"), ("计划工时 (h)", "hours"), ("Progress (%)", "percent"), ("完成率（%）", "percent"),
    ("% DONE", "percent"), ("Assigned To", "owner"), ("Resourcing", "owner"), ("负责开发/QA", "owner"),
    ("Deadline", "due"), ("End", "due"), ("End Date", "due"), ("完成时间", "due"), ("预计完成时间", "due"),
    ("排期上线时间", "due"), ("预计上线时间", "due"), ("Actual End", "completed_on"), ("实际上线时间", "completed_on"),
    ("Milestone Description", "title"), ("工作项", "title"), ("环节", "title"), ("功能板块", "title"),
    ("Predecessors", "depends_on"), ("ESTIMATED HOURS", "hours"), ("任务级别", "priority"),
    ("需求方", None), ("序号", None),
])
def test_header_synonyms_and_units(header, key):
    col = match_column(TASKS, header)
    assert (col.key if col else None) == key


def test_header_base_drops_notes_in_half_and_full_width_brackets():
    assert header_base("项目介绍（请控制在两行内）") == normalize_header("项目介绍")
    assert header_base("Weekly Capacity (h)") == "weeklycapacity"


@pytest.mark.parametrize("typed, key", [
    ("✅ 已完成", "done"), ("⏳ 未开始", "not_started"), ("完成", "done"), ("已上线", "done"),
    ("待验证", "in_progress"), ("erp处理中", "in_progress"), ("新干线IT部处理中", "in_progress"),
    ("排期中", "not_started"), ("策划中", "not_started"), ("冻结中", "blocked"), ("Completed", "done"),
    ("To Do", "not_started"), ("⚠️ On Hold", "blocked"), ("something else", None),
])
def test_status_synonyms(typed, key):
    choice = TASKS.column("status").choice_for(typed)
    assert (choice.key if choice else None) == key


EN_ROWS = [
    ["PROJECT TRACKING"],
    ["STATUS", "PRIORITY", "DEADLINE", "TASK", "ASSIGNED TO", "% DONE", "ESTIMATED HOURS (h)", "Project",
     "Task ID", "Start Date", None, "STATUS KEY"],
    ["✅ Completed", "High", date(2026, 11, 10), "Write spec", "Hoki", 1, 4, "KeeperAI", "B-1", date(2026, 11, 2),
     None, "Not Started"],
    ["To Do", "Medium", date(2026, 11, 20), "Record demo", "Etnan", 0, 6, "KeeperAI", "B-2", date(2026, 11, 2),
     None, "In Progress"],
]
ZH_ROWS = [
    ["工作大类", "项目名称", "任务级别", "当前进度", "排期上线时间", "负责开发/QA", "需求方", "所属项目", "任务编号",
     "开始时间"],
    ["分销", "分销_运营优化", "S", "已上线", date(2026, 11, 10), "司徒/马鑫", "万宇宁", "考拉", "K-1", date(2026, 11, 2)],
    ["运营", "限时购v2.0", "A", "排期中", date(2026, 11, 20), "周凯", "牛亚男", "考拉", "K-2", date(2026, 11, 2)],
    ["运营", "专辑频道v1.0", None, "策划中", date(2026, 11, 30), "陈仁广", "林橙", "考拉", "K-3", date(2026, 11, 2)],
]


@pytest.mark.parametrize("lang, file, sheet, rows", [
    ("en", "Backend.xlsx", "Backend", EN_ROWS),
    ("zh", "kaola.xlsx", "项目", ZH_ROWS),     # a sheet named 项目 (Projects) whose columns are tasks
])
def test_a_real_style_tracker_reaches_the_master(tmp_path, lang, file, sheet, rows):
    write_workbook(tmp_path / "in" / file, {sheet: rows})
    out = tmp_path / "out" / "master.xlsx"
    run = run_consolidation([tmp_path / "in"], Settings(base_dir=tmp_path), AS_OF, output=out, stamp="2026-11-24 090000",
                            lang=lang)
    views = {v.record.values["id"]: v for v in run.analysis.tasks}
    assert len(views) == 3 if lang == "zh" else len(views) == 2
    first = views["B-1" if lang == "en" else "K-1"]
    assert first.record.values["status"] == "done" and first.record.values["due"] == date(2026, 11, 10)
    assert first.record.values["owner"] == ("Hoki" if lang == "en" else "司徒/马鑫")
    second = views["B-2" if lang == "en" else "K-2"]
    assert second.flags.overdue and second.flags.days_late == 2          # due Fri 20 Nov, judged Tue 24
    book = openpyxl.load_workbook(out)
    ws = book[TASKS.title(lang)]
    head = [c.value for c in ws[1]]
    got = {row[0].value: row for row in ws.iter_rows(min_row=2)}
    overdue_col = head.index("Overdue (days late)" if lang == "en" else "逾期（工作日）")
    assert got[second.record.values["id"]][overdue_col].value == 2
    codes = [(f.cell, f.code) for f in run.findings.findings if f.severity.value != "error"]
    if lang == "en":
        # the legend column beside the table is not read as the team's column, and is named
        assert ("L2", "columns-outside") in codes and "STATUS KEY" not in head
    else:
        assert (None, "sheet-read-as") in codes                         # 项目 read as a task list
        assert ("B1", "column-judged") in codes and ("D1", "column-judged") in codes  # 项目名称 → Task, 当前进度 → Status
        assert "需求方" in head                                            # the requester stays the team's column
        assert got["K-1"][head.index("负责人")].value == "司徒/马鑫"
        assert got["K-1"][head.index("优先级")].value == "高"              # S grade: high


def test_a_date_synonym_holding_clock_times_is_not_read_as_a_date(tmp_path):
    rows = [["ID", "任务名称", "所属项目", "负责人", "开始时间", "完成时间", "状态", "计划工时 (h)"],
            *[[f"T{i:02}", f"任务{i}", "计算器", "李", f"0{i}:16", f"0{i}:25", "✅ 已完成", 0.2] for i in range(1, 5)]]
    path = write_workbook(tmp_path / "calc.xlsx", {"任务跟踪表": rows})
    wb = read_workbook(path)
    found = [(f.cell, f.code, f.severity.value) for f in wb.findings]
    assert ("E1", "column-not-dates", "warning") in found and ("F1", "column-not-dates", "warning") in found
    # and the missing Start and Due say which column looks like them
    assert ("E1", "column-looks-like", "error") in found and ("F1", "column-looks-like", "error") in found
    records = wb.tables[0].records
    assert [r.values["status"] for r in records] == ["done"] * 4 and records[0].values["hours"] == 0.2
    assert not any(f.code == "bad-date" for f in wb.findings)


def test_two_headers_for_one_column_the_filled_one_wins(tmp_path):
    rows = [["ID", "Task", "Project", "Owner", "Start Date", "End Date", "Status", "Predecessor", "Predecessors"],
            [1, "Design", "P2P", "Arun", date(2026, 11, 2), date(2026, 11, 13), "Done", None, None],
            [2, "Implement", "P2P", "Bex", date(2026, 11, 16), date(2026, 11, 27), "In progress", None, "1fs"]]
    wb = read_workbook(write_workbook(tmp_path / "plan.xlsx", {"Project Plan": rows}))
    table = wb.tables[0]
    assert table.headers["depends_on"] == "Predecessors"
    assert [r.values["depends_on"] for r in table.records] == [None, ("1",)]
    assert [(f.cell, f.code, f.severity.value) for f in wb.findings] == [("H1", "duplicate-column", "info")]
