"""Task flags: overdue, due soon, behind, blocked (rules in `toolkit.analyze`)."""
from __future__ import annotations

from datetime import date, timedelta
from typing import Sequence

from ..calendar import WorkCalendar
from ..coerce import is_blank
from ..config import Thresholds
from ..model import Record
from ..results import TaskFlags, TaskView
from ..schema import CLOSED_STATUSES

ONE_DAY = timedelta(days=1)
EPS = 1e-9


def bad_keys(record: Record) -> set[str]:
    """Columns of the row whose value was typed but could not be read, or broke a rule."""
    keys = set(record.issues)
    for key, value in record.raw.items():
        if record.values.get(key) is None and not is_blank(value):
            keys.add(key)
    return keys


def status_invalid(record: Record) -> bool:
    """A status was typed but is none of the standard ones (nor a synonym): neither open nor done."""
    return record.values.get("status") is None and not is_blank(record.raw.get("status"))


def status_unknown(record: Record) -> bool:
    """No status can be known: the value is unreadable, or the sheet has no Status column at all
    (a sheet read from a file knows its columns; a blank status in a Status column is open)."""
    return status_invalid(record) or (record.values.get("status") is None and bool(record.columns)
                                       and "status" not in record.columns)


def is_open(record: Record) -> bool:
    """Open: not Done/Cancelled. A blank status counts as open; an unknown one (unreadable, or no
    Status column) does not: it is neither open nor done, so it is never judged overdue."""
    status = record.values.get("status")
    if status is None:
        return not status_unknown(record)
    return status not in CLOSED_STATUSES


def percent_done(record: Record) -> float:
    value = record.get("percent", 0.0)
    return min(max(float(value), 0.0), 100.0)


def flag_task(record: Record, cal: WorkCalendar, th: Thresholds, as_of: date) -> TaskFlags:
    """Overdue, due soon and behind for one task (blocked and overloaded need all tasks)."""
    flags = TaskFlags()
    bad = bad_keys(record)
    flags.data_issue = bool(bad)
    flags.issues = sorted(bad)
    if not is_open(record):
        return flags
    # a row with an invalid value takes part in nothing that needs that value
    start = None if "start" in bad else record.values.get("start")
    due = None if "due" in bad else record.values.get("due")
    percent = percent_done(record)
    hours = record.get("hours", th.default_hours)
    if not bad & {"hours", "percent", "due", "start"}:
        flags.remaining_hours = max(float(hours), 0.0) * (1.0 - percent / 100.0)
    if "percent" in bad:
        start = None                                      # no "behind" without a readable % Complete

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
