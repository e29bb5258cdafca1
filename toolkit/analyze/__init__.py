"""Flags, workload and project health: a pure function of the records, the settings and `as_of`.

`analyze()` never reads the clock and never does I/O. Every day count is in working days of
the configured `WorkCalendar` (see `toolkit.calendar`). The rules, where DESIGN.md leaves room:

- An **open** task is one whose status is not Done/Cancelled (a blank status counts as open).
- The as-of date is judged **in the morning**: a task due on the as-of date is not overdue (it
  is due soon, 0 days left); the as-of day itself has not been worked yet for "behind".
- **Overdue**: open and due < as_of. `days_late` = working days d with due < d <= as_of, so a task
  due on the previous working day is 1 day late; one due on Friday judged on Sunday is overdue
  with 0 working days late. `days_left` stays None for overdue tasks.
- **Due soon**: open, due >= as_of and `days_left` (working days d with as_of < d <= due) at most
  `due_soon_days`; due today gives 0.
- **Behind**: open with start <= as_of. expected = working days in [start, as_of) / working days
  in [start, due] × 100, clamped to 0–100 (100 once the due date is past; when the task's span has
  no working day: 0 until due, then 100). A blank % Complete counts as 0. Tasks starting after
  the as-of date keep `expected_percent` None.
- **Workload**: remaining hours = hours (blank: `default_hours`) × (1 − % complete / 100) of each
  open task with an owner and a due date, spread evenly over the working days of
  [max(start, as_of), due]. An overdue open task puts all its remaining hours on the as-of
  week (the work is still owed now). A task whose window has no working day puts them on its due
  date's week. Hours are summed per owner per ISO week; capacity = weekly capacity from Team
  (blank or owner not in Team: `default_capacity`) × (1 − leave working days in the week /
  working days in the week). Public holidays do not reduce capacity; the as-of week keeps its
  full capacity although only hours from the as-of day on are counted. An owner-week is
  overloaded when hours > capacity × `overload_ratio`; every task with hours in it is flagged.
- **Blocked**: open and status Blocked, or a task it depends on (looked up by Task ID across all
  departments; the first task with an ID wins when IDs repeat; unknown IDs and the task itself are
  ignored) is overdue.
- **Risks**: see `judge_risk`; **KPIs**: see `measure_kpi`; **milestones**: pending (or blank
  status) and due < as_of.
- **Project health**: see `judge_projects`. Each family of rules speaks once, at its worst level
  (a project with a task 9 days late says "red: overdue, the worst 9 days", not also "amber:
  overdue").
"""
from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Sequence

from ..calendar import WorkCalendar
from ..config import Settings
from ..model import Record
from ..results import Analysis, KpiView, MilestoneView, TaskView
from .columnar import flag_tasks
from .health import judge_projects, tally_tasks
from .registers import is_milestone_overdue, judge_risk, measure_kpi
from .tasks import flag_blocked, flag_task, is_open
from .workload import flag_overload

COLUMNAR = True      # tests turn it off to compare with the row-wise functions

__all__ = ["analyze", "flag_blocked", "flag_overload", "flag_task", "is_milestone_overdue", "is_open",
           "judge_projects", "judge_risk", "measure_kpi"]


def analyze(tasks: Sequence[Record], team: Sequence[Record], projects: Sequence[Record],
            kpis: Sequence[Record], risks: Sequence[Record], milestones: Sequence[Record],
            settings: Settings, as_of: date) -> Analysis:
    """Flag every task, build the workload, judge risks, KPIs, milestones and project health."""
    cal = WorkCalendar.from_settings(settings.calendar)
    th = settings.thresholds

    with _collector_paused():     # 500 000 new objects (views, flags, lists), none in a cycle
        found = flag_tasks(tasks, team, cal, th, as_of) if COLUMNAR else None   # the same flags, on arrays
        if found is not None:
            views, workload, tallies, touched = found
            touched.add(as_of.year)
        else:
            views = [TaskView(record, flag_task(record, cal, th, as_of)) for record in tasks]
            flag_blocked(views)
            workload = flag_overload(views, team, cal, th, as_of)
            tallies, touched = tally_tasks(views), _years_touched(views, as_of)
    risk_views = [judge_risk(r, th, as_of) for r in risks]
    kpi_views = [KpiView(r, *measure_kpi(r.get("direction"), r.get("baseline"), r.get("target"),
                                            r.get("actual"))) for r in kpis]
    milestone_views = [MilestoneView(m, is_milestone_overdue(m, as_of)) for m in milestones]
    health = judge_projects(views, projects, risk_views, kpi_views, milestone_views, th, tallies)

    for member in team:
        for pair in member.get("leave", ()):
            touched.update(d.year for d in pair if isinstance(d, date))
    warnings = cal.coverage_warnings(date(y, 1, 1) for y in touched)

    return Analysis(as_of=as_of, tasks=views, workload=workload, risks=risk_views, kpis=kpi_views,
                    milestones=milestone_views, projects=health, warnings=warnings)


def _years_touched(views: Sequence[TaskView], as_of: date) -> set[int]:
    """The as-of year and those of the open tasks' start and due dates (the calendar must know them)."""
    touched: set[int] = {as_of.year}
    for view in views:
        if is_open(view.record):
            for key in ("start", "due"):
                value = view.record.values.get(key)
                if isinstance(value, date):
                    touched.add(value.year)
    return touched


@contextmanager
def _collector_paused() -> Iterator[None]:
    """No automatic garbage collection while the flags are made: each pass would walk the objects
    just made again (a quarter of the analysis on 100 000 tasks); none of them is in a cycle, and
    the collector runs as before afterwards."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()
