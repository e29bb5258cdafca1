"""Column-wise analysis gives exactly the row-wise flags and owner-weeks (every field, floats
compared exactly) on the sample company and on generated data, with holidays and leave."""
from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import pytest

from conftest import AS_OF, REPO
import toolkit.analyze as analyze_pkg
from toolkit.analyze import columnar
from toolkit.analyze.health import Tally, _project_of, tally_tasks
from toolkit.analyze.tasks import is_open
from toolkit.analyze.workload import flag_overload
from toolkit.results import TaskView
from toolkit.config import Settings
from toolkit.consolidate import consolidate
from toolkit.pipeline import run_validation


def _both(folder: Path, settings: Settings, as_of: date, monkeypatch):
    merged = consolidate(run_validation([folder], settings, as_of).batch)
    args = (merged["tasks"], merged["team"], merged["projects"], merged["kpis"], merged["risks"],
            merged["milestones"], settings, as_of)
    monkeypatch.setattr(columnar, "MIN_TASKS", 0)
    fast = analyze_pkg.analyze(*args)
    monkeypatch.setattr(analyze_pkg, "COLUMNAR", False)
    slow = analyze_pkg.analyze(*args)
    return fast, slow


def _same(fast, slow) -> None:
    assert [v.record for v in fast.tasks] == [v.record for v in slow.tasks]
    assert [v.flags for v in fast.tasks] == [v.flags for v in slow.tasks]
    assert fast.workload == slow.workload
    assert fast.projects == slow.projects
    assert fast.warnings == slow.warnings


def plain_tally(views, name: str) -> Tally:
    """A project's counts as `judge_projects` took them before tallies: a list per rule."""
    tasks = [v for v in views if _project_of(v.record) == name]
    open_tasks = [v for v in tasks if is_open(v.record)]
    overdue = [v for v in open_tasks if v.flags.overdue]
    return Tally(tasks=len(tasks), open=len(open_tasks), overdue=len(overdue),
                 worst=max(v.flags.days_late for v in overdue) if overdue else 0,
                 behind=len([v for v in open_tasks if v.flags.behind]),
                 blocked=len([v for v in open_tasks if v.flags.blocked]),
                 overloaded={str(v.record.values.get("owner")).strip() for v in open_tasks if v.flags.overloaded},
                 issues=len([v for v in tasks if v.flags.data_issue]),
                 done=sum(1 for v in tasks if v.record.values.get("status") == "done"))


def _same_tallies(folder: Path, settings: Settings, as_of: date, monkeypatch) -> None:
    """The column-wise tallies and years equal the row-wise ones and the plain lists'."""
    from toolkit.analyze import tasks as row_rules
    from toolkit.calendar import WorkCalendar
    merged = consolidate(run_validation([folder], settings, as_of).batch)
    monkeypatch.setattr(columnar, "MIN_TASKS", 0)
    cal = WorkCalendar.from_settings(settings.calendar)
    found = columnar.flag_tasks(merged["tasks"], merged["team"], cal, settings.thresholds, as_of)
    assert found is not None
    views = [TaskView(r, row_rules.flag_task(r, cal, settings.thresholds, as_of)) for r in merged["tasks"]]
    row_rules.flag_blocked(views)
    flag_overload(views, merged["team"], cal, settings.thresholds, as_of)
    rows = tally_tasks(views)
    assert found.tallies == rows
    assert list(found.tallies) == list(rows)                        # the same order of first mention
    assert all(rows[name] == plain_tally(views, name) for name in rows)
    assert found.years | {as_of.year} == analyze_pkg._years_touched(views, as_of)
    assert any(t.overloaded for t in rows.values())


@pytest.mark.parametrize("as_of", [AS_OF, date(2026, 10, 1), date(2027, 1, 4)])
def test_sample_company(monkeypatch, as_of):
    settings = Settings(calendar={"chinese_holidays": True, "holidays": [date(2026, 12, 1)],
                                  "workdays": [date(2026, 11, 28)]})
    fast, slow = _both(REPO / "workbooks" / "sample", settings, as_of, monkeypatch)
    _same(fast, slow)
    _same_tallies(REPO / "workbooks" / "sample", settings, as_of, monkeypatch)
    assert any(v.flags.overloaded for v in slow.tasks)
    if as_of == AS_OF:
        assert any(v.flags.overdue for v in slow.tasks) and any(v.flags.due_soon for v in slow.tasks)
        assert any(v.flags.behind for v in slow.tasks) and any(v.flags.blocked for v in slow.tasks)


@pytest.mark.parametrize("positional", [True, False])
def test_generated(monkeypatch, tmp_path, positional):
    monkeypatch.setattr(columnar, "_POSITIONAL", positional)
    sys.path.insert(0, str(REPO / "benchmarks"))
    from generate import make_department_workbooks
    make_department_workbooks(tmp_path / "gen", 4, 300)
    fast, slow = _both(tmp_path / "gen", Settings(), date(2026, 10, 20), monkeypatch)
    _same(fast, slow)
    _same_tallies(tmp_path / "gen", Settings(), date(2026, 10, 20), monkeypatch)
    assert columnar._POSITIONAL == positional
    assert sum(v.flags.overloaded for v in slow.tasks) > 50 and sum(w.overloaded for w in slow.workload) > 5
    assert sum(v.flags.due_soon for v in slow.tasks) > 10 and sum(v.flags.overdue for v in slow.tasks) > 10


def test_dates_far_apart_take_the_row_path():
    from toolkit.calendar import WorkCalendar
    from toolkit.config import Thresholds
    from toolkit.model import Record, Source
    records = [Record("tasks", Source("a", "Tasks", i), {"status": "in_progress", "due": date(2026, 1, 1),
                                                          "start": date(1900 if i == 0 else 2026, 1, 1)})
               for i in range(columnar.MIN_TASKS)]
    assert columnar.flag_tasks(records, [], WorkCalendar(), Thresholds(), AS_OF) is None


MESSY = [
    ["Task ID", "Project", "Task", "Department", "Owner", "Start", "Due", "Status", "% Complete", "Est. Hours",
     "Priority", "Depends On"],
    ["T1", "P", "a", "IT", "王磊", "2026-11-02", "2026-11-20", "In progress", 0.5, "8h", "High", "T2"],
    ["T2", "P", "b", "IT", "王磊", "2026-11-02", "not a date", "In progress", 0.1, 8, "Low", None],
    ["T3", "P", "c", "IT", "王磊", "2026-10-01", "2026-11-30", "In progress", "lots", 16, "Low", None],
    ["T4", "P", "d", "IT", "李娜", "someday", "2026-11-30", "In progress", 0.2, 40, "Low", "T3"],
    ["T5", "P", "e", "IT", "李娜", "2026-11-02", "2026-11-10", "maybe", 0.2, 40, "Low", None],
    ["T6", "P", "f", "IT", "李娜", "2026-11-02", "2026-11-10", "Blocked", 0.2, -5, "Low", None],
    ["T7", "P", "g", "IT", "李娜", "2026-11-20", "2026-11-02", None, 0.2, 60, "Low", "T5, T6"],
    ["T8", "P", "h", "IT", "李娜", "2026-11-02", "2026-12-20", "Done", 0.5, 60, "Low", None],
    ["T9", "P", "i", "IT", "李娜", "2026-11-23", "2026-11-26", "In progress", 0, 80, "Low", None],
]


def test_rows_with_bad_values(make_workbook, monkeypatch):
    path = make_workbook("IT.xlsx", {"Tasks": MESSY, "Team": [["Name", "Weekly Capacity (h)"], ["李娜", 20]]})
    fast, slow = _both(path.parent, Settings(), AS_OF, monkeypatch)
    _same(fast, slow)
    _same_tallies(path.parent, Settings(), AS_OF, monkeypatch)
    assert sum(v.flags.data_issue for v in slow.tasks) >= 4
    assert any(v.flags.overloaded for v in slow.tasks) and any(v.flags.overdue for v in slow.tasks)
