"""Workload: remaining hours per owner per ISO week against capacity less leave; overload flags."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Iterable, Sequence

from ..calendar import WorkCalendar
from ..config import Thresholds
from ..model import Record
from ..results import OverloadNote, OwnerWeek, TaskView
from .tasks import ONE_DAY, task_id_of, is_open

WEEK = timedelta(days=7)


def _monday(d: date) -> date:
    return d - timedelta(days=d.weekday())


@dataclass
class _Member:
    capacity: float
    leave: tuple[tuple[date, date], ...]


def _team_members(team: Iterable[Record], default_capacity: float) -> dict[str, _Member]:
    members: dict[str, _Member] = {}
    for record in team:
        name = record.values.get("name")
        if name is None or not str(name).strip():
            continue
        capacity = record.values.get("capacity")
        leave = tuple((min(a, b), max(a, b)) for a, b in record.get("leave", ()) if a is not None and b is not None)
        members.setdefault(str(name).strip(), _Member(default_capacity if capacity is None else float(capacity), leave))
    return members


def _leave_days_by_week(leave: Sequence[tuple[date, date]], cal: WorkCalendar) -> dict[date, int]:
    """Working days on leave, by the Monday of their week (overlapping ranges counted once)."""
    days: set[date] = set()
    for start, end in leave:
        days.update(cal.workdays_in(start, end + ONE_DAY))
    counts: dict[date, int] = defaultdict(int)
    for d in days:
        counts[_monday(d)] += 1
    return counts


def flag_overload(views: Sequence[TaskView], team: Sequence[Record], cal: WorkCalendar, th: Thresholds,
                  as_of: date) -> list[OwnerWeek]:
    """Spread remaining hours over working days, sum per owner per ISO week, flag overloaded weeks.

    Returns every owner-week with planned hours, sorted by owner then week.
    """
    this_week = _monday(as_of)
    week_days: dict[date, int] = {}                        # monday -> working days in that week
    load: dict[tuple[str, date], list[Any]] = {}          # (owner, monday) -> [hours, [task indexes]]
    contributions: dict[int, list[tuple[str, date]]] = defaultdict(list)

    def add(index: int, owner: str, monday: date, hours: float) -> None:
        cell = load.get((owner, monday))
        if cell is None:
            cell = load[(owner, monday)] = [0.0, []]
        cell[0] += hours
        cell[1].append(index)
        contributions[index].append((owner, monday))

    for index, view in enumerate(views):
        flags, record = view.flags, view.record
        remaining = flags.remaining_hours
        due = record.values.get("due")
        owner = record.values.get("owner")
        if remaining <= 0 or due is None or owner is None or not is_open(record):
            continue
        owner = str(owner).strip()
        if not owner:
            continue
        if due < as_of:                                   # overdue: still owed now
            add(index, owner, this_week, remaining)
            continue
        start = record.values.get("start")
        first = as_of if start is None or start < as_of else start
        total = cal.workdays_between(first, due + ONE_DAY)
        if total == 0:                                    # no working day in the window
            add(index, owner, _monday(due), remaining)
            continue
        monday, last_monday = _monday(first), _monday(due)
        if monday == last_monday:
            add(index, owner, monday, remaining)
            continue
        per_day = remaining / total
        end = due + ONE_DAY
        days: int | None = cal.workdays_between(first, monday + WEEK)   # the first, partial week
        while monday < last_monday:
            if days:
                add(index, owner, monday, per_day * days)
            monday += WEEK
            days = week_days.get(monday)
            if days is None:
                days = week_days[monday] = cal.workdays_between(monday, monday + WEEK)
        days = cal.workdays_between(last_monday, end)              # the last, partial week
        if days:
            add(index, owner, last_monday, per_day * days)

    members = _team_members(team, th.default_capacity)
    leave_cache: dict[str, dict[date, int]] = {}
    labels: dict[date, str] = {}
    weeks: dict[tuple[str, date], OwnerWeek] = {}
    for (owner, monday), (hours, indexes) in sorted(load.items()):
        capacity = week_capacity(owner, monday, members, th, cal, leave_cache)
        label = labels.get(monday)
        if label is None:
            label = labels[monday] = monday.strftime("%G-W%V")
        weeks[(owner, monday)] = OwnerWeek(owner, label, monday, hours, capacity,
                                           [task_id_of(views[i].record) for i in indexes],
                                           overload_ratio=th.overload_ratio)

    # each task adds to a week at most once, weeks in order, so notes come out sorted by week
    for index, cells in contributions.items():
        notes = []
        for key in cells:
            week = weeks[key]
            if week.overloaded:
                notes.append(OverloadNote(week.owner, week.week, week.hours, week.capacity))
        if notes:
            flags = views[index].flags
            flags.overloaded = True
            flags.overloads = notes
    return list(weeks.values())


def week_capacity(owner: str, monday: date, members: dict[str, _Member], th: Thresholds, cal: WorkCalendar,
                  leave_cache: dict[str, dict[date, int]]) -> float:
    """The owner's capacity in the week of `monday`: weekly capacity (Team, else the default) less
    the share of the week's working days on leave. `leave_cache` keeps each owner's leave by week."""
    member = members.get(owner)
    capacity = th.default_capacity if member is None else member.capacity
    if member is not None and member.leave:
        if owner not in leave_cache:
            leave_cache[owner] = _leave_days_by_week(member.leave, cal)
        on_leave = leave_cache[owner].get(monday, 0)
        working = cal.workdays_between(monday, monday + WEEK)
        if on_leave and working:
            capacity *= 1.0 - min(on_leave, working) / working
    return capacity
