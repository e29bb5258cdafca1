"""The sample company: committed files are current, and the real pipeline gives exactly the
findings and flags `toolkit.sample` promises. The master-tracker and report tests build on this."""
from __future__ import annotations

from collections import Counter
from datetime import date

import pytest

import sample_expectations as expect
from toolkit import sample
from toolkit.outputs import sample_company
from toolkit.analyze import analyze
from toolkit.config import Settings
from toolkit.consolidate import consolidate
from toolkit.pipeline import run_validation
from conftest import REPO, workbook_content

SAMPLE = REPO / "workbooks" / "sample"
FLAG_NAMES = ("overdue", "due_soon", "behind", "overloaded", "blocked")


@pytest.fixture(scope="module")
def batch():
    return run_validation([SAMPLE], Settings(), sample.SAMPLE_AS_OF).batch


@pytest.fixture(scope="module")
def merged(batch):
    return consolidate(batch)


@pytest.fixture(scope="module")
def analysis(merged):
    return analyze(merged["tasks"], merged["team"], merged["projects"], merged["kpis"], merged["risks"],
                   merged["milestones"], Settings(), sample.SAMPLE_AS_OF)


def flags_of(view) -> frozenset[str]:
    return frozenset(name for name in FLAG_NAMES if getattr(view.flags, name))


def task(analysis, task_id: str):
    found = [v for v in analysis.tasks if v.record.values.get("id") == task_id]
    assert len(found) == 1, task_id
    return found[0]


# ---------------------------------------------------------------- the files

def test_committed_sample_equals_a_fresh_one(tmp_path):
    paths = sample_company.write_sample_company(tmp_path)
    assert [p.name for p in paths] == [name for name, _ in sample.DEPARTMENTS]
    assert sorted(p.name for p in SAMPLE.glob("*.xlsx")) == sorted(p.name for p in paths)
    for path in paths:
        assert workbook_content(path) == workbook_content(SAMPLE / path.name), \
            f"workbooks/sample/{path.name} is out of date: run `make sample`"


def test_main_writes_into_the_given_folder(tmp_path):
    assert sample_company.main([str(tmp_path)]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(name for name, _ in sample.DEPARTMENTS)


def test_as_of_is_a_tuesday_and_workdays_skip_weekends():
    assert sample.SAMPLE_AS_OF.isoweekday() == 2
    assert sample.workday(-1) == date(2026, 11, 23)
    assert sample.workday(-2) == date(2026, 11, 20)          # over the weekend
    assert sample.workday(4) == date(2026, 11, 30)


# ---------------------------------------------------------------- validation

def test_findings_are_exactly_the_deliberate_ones(batch):
    found = [(f.file, f.sheet, f.cell, f.code) for f in batch.findings]
    assert Counter(found) == Counter(expect.DELIBERATE_FINDINGS)


def test_deliberate_findings_are_of_many_kinds(batch):
    codes = {code for *_, code in expect.DELIBERATE_FINDINGS}
    assert codes == {"done-not-complete", "due-before-start", "unknown-owner", "unknown-project", "not-in-list",
                     "bad-date", "duplicate-id", "bad-scale", "kpi-no-direction", "unknown-dependency"}
    assert batch.error_count and batch.warning_count


def test_every_department_is_read_with_its_tasks_and_team(batch, merged):
    assert sorted(wb.file for wb in batch.workbooks) == sorted(name for name, _ in sample.DEPARTMENTS)
    departments = dict(sample.DEPARTMENTS)
    for wb in batch.workbooks:
        assert wb.readable
        kinds = {t.kind for t in wb.tables}
        assert {"tasks", "team"} <= kinds, wb.file
        tasks = [r for t in wb.tables_of("tasks") for r in t.records]
        assert 12 <= len(tasks) <= 25, wb.file
        assert {r.values["department"] for r in tasks} == {departments[wb.file]}
    assert merged.reconciles


def test_the_mixed_workbooks_are_understood(batch, merged):
    by_file = {wb.file: wb for wb in batch.workbooks}
    warehouse_tasks = by_file[sample.WH].tables_of("tasks")[0]
    assert warehouse_tasks.header_row == 3                        # below a title row and a blank row
    assert by_file[sample.WH].tables_of("team")[0].sheet == "Team"
    purchasing = by_file[sample.PU].tables_of("tasks")[0]
    assert purchasing.headers["owner"] == "负责人" and purchasing.headers["title"] == "Task"
    assert merged.extra_task_headers == ["Supplier 供应商"]
    records = {r.values["id"]: r for r in merged["tasks"] if r.values["id"] != "SC-003"}
    assert records["WH-006"].values["start"] == sample.workday(-6)       # "2026年11月16日"
    assert records["CS-015"].values["completed_on"] == sample.workday(-3)
    assert records["SC-004"].values["percent"] == 50                    # "50%"
    assert records["WH-001"].values["percent"] == 50                    # 50 typed as points
    assert records["CS-005"].values["percent"] == 60                    # 0.6 with a percent format


# ---------------------------------------------------------------- analysis

def test_flags_are_exactly_the_expected_ones(analysis):
    ids = {v.record.values.get("id") for v in analysis.tasks}
    assert set(expect.EXPECTED_FLAGS) <= ids
    got = {}
    for view in analysis.tasks:
        flags = flags_of(view)
        task_id = view.record.values.get("id")
        assert flags == expect.EXPECTED_FLAGS.get(task_id, frozenset()), task_id
        if flags:
            got[task_id] = flags
    assert got == expect.EXPECTED_FLAGS


@pytest.mark.parametrize("task_id, days_late", [("CS-008", 1), ("MKT-009", 2), ("IT-005", 3), ("SC-005", 4),
                                                ("CS-005", 7)])
def test_overdue_days_late(analysis, task_id, days_late):
    assert task(analysis, task_id).flags.days_late == days_late


def test_due_today_is_due_soon_not_overdue(analysis):
    flags = task(analysis, "MKT-006").flags
    assert (flags.due_soon, flags.days_left, flags.overdue) == (True, 0, False)


def test_blocked_by_status_and_by_an_overdue_dependency(analysis):
    assert task(analysis, "SC-004").flags.blocked_by == []
    assert task(analysis, "MKT-004").flags.blocked_by == ["IT-005"]
    assert not task(analysis, "SC-009").flags.blocked     # depends on a Blocked task that is not overdue


def test_overloaded_owner_and_week(analysis):
    assert set(analysis.overloaded_owners) == expect.OVERLOADED_OWNERS
    (week,) = [w for w in analysis.workload if w.overloaded]
    assert (week.owner, week.week, round(week.hours), week.capacity) == ("王磊", "2026-W48", 52, 40)
    assert sorted(week.task_ids) == ["WH-001", "WH-002", "WH-003"]
    assert [n.text() for n in task(analysis, "WH-002").flags.overloads] == ["王磊 · 2026-W48 · 52 h of 40 h"]


def test_leave_reduces_capacity_without_overload(analysis):
    week = next(w for w in analysis.workload if w.owner == "李娜" and w.week == "2026-W48")
    assert week.capacity == pytest.approx(24) and not week.overloaded


def test_high_risks(analysis):
    assert {r.record.values["id"] for r in analysis.risks if r.level == "high"} == expect.HIGH_RISK_IDS
    assert {r.record.values["id"] for r in analysis.risks if r.review_overdue} == expect.REVIEW_OVERDUE_RISK_IDS
    assert {r.record.values["id"] for r in analysis.risks if r.high} == \
        expect.HIGH_RISK_IDS | expect.REVIEW_OVERDUE_RISK_IDS
    closed = next(r for r in analysis.risks if r.record.values["id"] == "R-CS-03")
    assert (closed.score, closed.level) == (20, "closed")


def test_failed_milestones(analysis):
    failed = {(m.record.values["project"], m.record.values["milestone"]) for m in analysis.milestones
              if m.record.values.get("status") == "failed"}
    assert failed == expect.FAILED_MILESTONES


def test_project_health(analysis):
    rag = {p.project: p.rag for p in analysis.projects}
    assert {name for name, colour in rag.items() if colour == "red"} == expect.EXPECTED_RED_PROJECTS
    assert {name for name, colour in rag.items() if colour == "amber"} == expect.EXPECTED_AMBER_PROJECTS
    assert rag["双12年度促销"] == "unknown"


def test_kpis_judged_with_their_direction(analysis):
    met = {k.record.values["kpi"]: k.met for k in analysis.kpis}
    assert met["平均响应时间"] is False and met["投诉率"] is True and met["回访满意度"] is False
    assert met["活动 GMV"] is None


def test_no_calendar_warnings(analysis):
    assert analysis.warnings == []
