"""Task flags: overdue, due soon, behind, blocked (rules in `toolkit.analyze`)."""
from __future__ import annotations

from datetime import date, timedelta
from typing import Sequence

from ..calendar import WorkCalendar
from ..config import Thresholds
from ..model import Record
from ..results import TaskFlags, TaskView
from ..schema import CLOSED_STATUSES

ONE_DAY = timedelta(days=1)
EPS = 1e-9


def is_open(record: Record) -> bool:
    return record.values.get("status") not in CLOSED_STATUSES


def percent_done(record: Record) -> float:
    value = record.get("percent", 0.0)
    return min(max(float(value), 0.0), 100.0)


def flag_task(record: Record, cal: WorkCalendar, th: Thresholds, as_of: date) -> TaskFlags:
    """Overdue, due soon and behind for one task (blocked and overloaded need all tasks)."""
    flags = TaskFlags()
    if not is_open(record):
        return flags
    start, due = record.values.get("start"), record.values.get("due")
    percent = percent_done(record)
    hours = record.get("hours", th.default_hours)
    flags.remaining_hours = max(float(hours), 0.0) * (1.0 - percent / 100.0)

    if due is not None:
        if due < as_of:
            flags.overdue = True
            flags.days_late = cal.workdays_between(due + ONE_DAY, as_of + ONE_DAY)
        else:
            flags.days_left = cal.workdays_between(as_of + ONE_DAY, due + ONE_DAY)
            flags.due_soon = flags.days_left <= th.due_soon_days

    if start is not None and due is not None and start <= as_of:
        total = cal.workdays_between(start, due + ONE_DAY)
        if total:
            expected = 100.0 * cal.workdays_between(start, as_of) / total
        else:
            expected = 100.0 if as_of > due else 0.0
        expected = min(max(expected, 0.0), 100.0)
        flags.expected_percent = expected
        flags.behind_points = expected - percent
        flags.behind = flags.behind_points >= th.behind_points - EPS
    return flags


def task_id_of(record: Record) -> str:
    value = record.values.get("id")
    return "" if value is None else str(value).strip()


def flag_blocked(views: Sequence[TaskView]) -> None:
    """Status Blocked, or an overdue dependency (found across all departments)."""
    by_id: dict[str, TaskView] = {}
    for view in views:
        by_id.setdefault(task_id_of(view.record), view)
    for view in views:
        if not is_open(view.record):
            continue
        own = task_id_of(view.record)
        blockers = []
        for dep in view.record.get("depends_on", ()):
            dep_id = str(dep).strip()
            other = by_id.get(dep_id)
            if other is not None and dep_id != own and other.flags.overdue and dep_id not in blockers:
                blockers.append(dep_id)
        view.flags.blocked_by = blockers
        view.flags.blocked = view.record.values.get("status") == "blocked" or bool(blockers)
