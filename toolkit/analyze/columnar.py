"""Task flags and workload computed column-wise (numpy): the same results as `flag_task`,
`flag_blocked` and `flag_overload`, about ten times faster on 100 000 tasks.

The rules are those of `toolkit.analyze` (see its docstring); this module only computes them
on arrays. Working days come from a running count over the calendar's days (one array for the
span of dates the tasks touch), so `workdays_between(a, b)` is `count[b] - count[a]`. Floating
point is computed in the same order as the row-wise code (the same divisions and products per
task; hours summed per owner-week in task order by `np.add.at`), so the figures are identical,
not just close: `tests/test_columnar_analysis.py` compares every flag and owner-week with the
row-wise functions.

`flag_tasks` returns None when the data is outside what the arrays cover (dates spanning more
than `MAX_SPAN_YEARS`), and `analyze()` then uses the row-wise functions.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import fields
from datetime import date
from typing import Any, Sequence

import numpy as np

from ..calendar import WorkCalendar
from ..config import Thresholds
from ..model import Record
from ..results import OverloadNote, OwnerWeek, TaskFlags, TaskView
from .tasks import EPS, bad_keys, is_open
from .workload import _team_members, week_capacity

_FIELDS = ("overdue", "days_late", "due_soon", "days_left", "behind", "expected_percent", "behind_points",
           "overloaded", "overloads", "blocked", "blocked_by", "remaining_hours", "data_issue", "issues")
_HOURS_KEYS = frozenset({"hours", "percent", "due", "start"})
_NONE_BAD: frozenset[str] = frozenset()   # without these, no remaining hours
_POSITIONAL = tuple(f.name for f in fields(TaskFlags)) == _FIELDS
MAX_SPAN_YEARS = 40          # wider spans of dates (typos like 2206) take the row-wise path
MIN_TASKS = 2_000            # below this the row-wise code is as fast
_SLICE = 8_192               # tasks whose flags are made from the arrays at a time


class _Days:
    """Working days as a running count over [first, last] ordinals."""

    def __init__(self, cal: WorkCalendar, first_year: int, last_year: int):
        flags = b"".join(cal._year(y).flags for y in range(first_year, last_year + 1))
        self.base = date(first_year, 1, 1).toordinal()
        self.count = np.concatenate(([0], np.cumsum(np.frombuffer(flags, dtype=np.uint8), dtype=np.int64)))

    def between(self, start: np.ndarray, end: np.ndarray) -> np.ndarray:
        """Working days d with start <= d < end, elementwise (0 when end <= start)."""
        count = self.count
        got = count[end - self.base] - count[start - self.base]
        return np.where(end > start, got, 0)


def flag_tasks(tasks: Sequence[Record], team: Sequence[Record], cal: WorkCalendar, th: Thresholds,
               as_of: date) -> tuple[list[TaskView], list[OwnerWeek]] | None:
    """The TaskViews (all flags) and the owner-weeks of `tasks`, or None to use the row-wise path."""
    n = len(tasks)
    if n < MIN_TASKS:
        return None
    # the values the rules need, a column at a time
    today = as_of.toordinal()
    vals = [record.values for record in tasks]
    statuses = [v.get("status") for v in vals]
    open_l = [is_open(record) for record in tasks]
    open_ = np.array(open_l, dtype=bool)
    # a row with an invalid value takes part in nothing that needs that value (`flag_task`)
    bads = [bad_keys(record) or _NONE_BAD for record in tasks]   # one shared empty set: 20 MB less
    starts = [v.get("start") if o and not (b and ("start" in b or "percent" in b)) else None
              for v, o, b in zip(vals, open_l, bads)]
    dues = [v.get("due") if o and not (b and "due" in b) else None for v, o, b in zip(vals, open_l, bads)]
    counted = np.array([not (b and not b.isdisjoint(_HOURS_KEYS)) for b in bads], dtype=bool)
    has_start = np.array([d is not None for d in starts], dtype=bool)
    has_due = np.array([d is not None for d in dues], dtype=bool)
    # a missing date reads as today (masked out wherever it matters)
    start_o = np.array([today if d is None else d.toordinal() for d in starts], dtype=np.int64)
    due_o = np.array([today if d is None else d.toordinal() for d in dues], dtype=np.int64)
    percent = np.array([0.0 if p is None else float(p) for p in (v.get("percent") for v in vals)],
                       dtype=np.float64)
    default_hours = float(th.default_hours)
    hours = np.array([default_hours if h is None else float(h) for h in (v.get("hours") for v in vals)],
                     dtype=np.float64)
    owners = [("" if w is None else str(w).strip()) if o else "" for w, o in
              zip((v.get("owner") for v in vals), open_l)]
    ids = ["" if i is None else str(i).strip() for i in (v.get("id") for v in vals)]

    years = [as_of.year]
    for column, has in ((start_o, has_start), (due_o, has_due)):
        if has.any():
            picked = column[has]
            years += [date.fromordinal(int(picked.min())).year, date.fromordinal(int(picked.max())).year]
    first_year, last_year = min(years), max(years) + 1          # +1: due + 1 day, the week after
    if last_year - first_year > MAX_SPAN_YEARS or first_year < 2 or last_year > 9998:
        return None
    days = _Days(cal, first_year - 1, last_year)

    percent = np.minimum(np.maximum(percent, 0.0), 100.0)
    remaining = np.where(open_ & counted, np.maximum(hours, 0.0) * (1.0 - percent / 100.0), 0.0)

    due_open = open_ & has_due
    overdue = due_open & (due_o < today)
    days_late = np.where(overdue, days.between(due_o + 1, np.full(n, today + 1)), 0)
    ahead = due_open & ~overdue
    days_left = days.between(np.full(n, today + 1), due_o + 1)
    due_soon = ahead & (days_left <= th.due_soon_days)

    judged = due_open & has_start & (start_o <= today)
    total = days.between(start_o, due_o + 1)
    elapsed = days.between(start_o, np.full(n, today))
    with np.errstate(divide="ignore", invalid="ignore"):
        expected = np.where(total > 0, 100.0 * elapsed / np.where(total > 0, total, 1),
                            np.where(today > due_o, 100.0, 0.0))
    expected = np.minimum(np.maximum(expected, 0.0), 100.0)
    points = expected - percent
    behind = judged & (points >= th.behind_points - EPS)

    blocked_by = _blocked_by(vals, ids, open_l, overdue.tolist())
    blocked_l = [(status == "blocked" or i in blocked_by) if o else False
                 for i, (status, o) in enumerate(zip(statuses, open_l))]
    del vals, statuses, starts, dues
    if _POSITIONAL:     # positional arguments: a third cheaper than keywords, 100 000 times
        views = []
        # a slice of tasks at a time: the Python numbers of the arrays exist for one slice only (the
        # peak, and the heap left fragmented after it, stay small on 170 000 tasks: issue 8, item 9)
        for lo in range(0, n, _SLICE):
            hi = min(lo + _SLICE, n)
            views += [TaskView(record, TaskFlags(o, dl if o else 0, ds, dleft if a else None, b,
                                                 e if j else None, p if j else None, False, [], bl,
                                                 blocked_by.get(i, []) if bl else [], r if op else 0.0,
                                                 bool(bad), sorted(bad)))
                      for i, (record, o, dl, ds, dleft, a, b, j, e, p, bl, r, op, bad) in enumerate(zip(
                          tasks[lo:hi], overdue[lo:hi].tolist(), days_late[lo:hi].tolist(),
                          due_soon[lo:hi].tolist(), days_left[lo:hi].tolist(), ahead[lo:hi].tolist(),
                          behind[lo:hi].tolist(), judged[lo:hi].tolist(), expected[lo:hi].tolist(),
                          points[lo:hi].tolist(), blocked_l[lo:hi], remaining[lo:hi].tolist(), open_l[lo:hi],
                          bads[lo:hi]), start=lo)]
    else:
        o_l, dl_l, ds_l, dleft_l = overdue.tolist(), days_late.tolist(), due_soon.tolist(), days_left.tolist()
        ahead_l, judged_l, exp_l, pts_l = ahead.tolist(), judged.tolist(), expected.tolist(), points.tolist()
        beh_l, rem_l = behind.tolist(), remaining.tolist()
        views = [TaskView(record, TaskFlags(
            overdue=o_l[i], days_late=dl_l[i] if o_l[i] else 0,
            due_soon=ds_l[i], days_left=dleft_l[i] if ahead_l[i] else None,
            behind=beh_l[i], expected_percent=exp_l[i] if judged_l[i] else None,
            behind_points=pts_l[i] if judged_l[i] else None, blocked=blocked_l[i],
            blocked_by=list(blocked_by.get(i, ())), remaining_hours=rem_l[i] if open_l[i] else 0.0,
            data_issue=bool(bads[i]), issues=sorted(bads[i])))
            for i, record in enumerate(tasks)]
    workload = _overload(views, ids, owners, remaining, due_open, overdue, has_start, start_o, due_o, days, team,
                         cal, th, as_of)
    if n >= TRIM_FROM:
        _give_back_freed_memory()
    return views, workload


TRIM_FROM = 50_000           # tasks from which the freed temporaries are handed back to the system


def _give_back_freed_memory() -> None:
    """Hand the heap pages the arrays' temporaries freed back to the system (glibc `malloc_trim`):
    without it they stay in the process while the master is written, ~50 MB on 170 000 tasks
    (issue 8, item 9: 500 MB). Does nothing where there is no glibc."""
    global _TRIM
    if _TRIM is None:
        _TRIM = False
        try:
            import ctypes
            import sys
            if sys.platform.startswith("linux"):
                _TRIM = ctypes.CDLL("libc.so.6").malloc_trim
        except (OSError, AttributeError):
            _TRIM = False
    if _TRIM:
        _TRIM(0)


_TRIM: Any = None


def _blocked_by(vals: list[dict[str, Any]], ids: list[str], open_l: list[bool], overdue: list[bool]) -> dict[int, list[str]]:
    """`flag_blocked`'s overdue dependencies of each open task (first task of an ID wins)."""
    by_id: dict[str, int] = {}
    for i, task_id in enumerate(ids):
        by_id.setdefault(task_id, i)
    found: dict[int, list[str]] = {}
    for i, v in enumerate(vals):
        deps = v.get("depends_on")
        if not deps or not open_l[i]:
            continue
        own = ids[i]
        blockers: list[str] = []
        for dep in deps:
            dep_id = str(dep).strip()
            other = by_id.get(dep_id)
            if other is not None and dep_id != own and overdue[other] and dep_id not in blockers:
                blockers.append(dep_id)
        if blockers:
            found[i] = blockers
    return found


def _overload(views: list[TaskView], ids: list[str], owners: list[str], remaining: np.ndarray, due_open: np.ndarray,
              overdue: np.ndarray, has_start: np.ndarray, start_o: np.ndarray, due_o: np.ndarray, days: _Days,
              team: Sequence[Record], cal: WorkCalendar, th: Thresholds, as_of: date) -> list[OwnerWeek]:
    """`flag_overload` on arrays (same spreading, same sums in the same order)."""
    today = as_of.toordinal()
    n = len(views)
    has_owner = np.fromiter((bool(o) for o in owners), dtype=bool, count=n)
    take = due_open & has_owner & (remaining > 0)
    # Monday ordinals: date.weekday() of ordinal o is (o + 6) % 7
    this_week = today - (today + 6) % 7
    first = np.where(has_start & (start_o >= today), start_o, today)
    total = days.between(first, due_o + 1)
    first_monday = first - (first + 6) % 7
    last_monday = due_o - (due_o + 6) % 7

    whole_week = np.where(overdue, this_week, np.where(total == 0, last_monday, first_monday))
    whole = take & (overdue | (total == 0) | (first_monday == last_monday))
    spread = take & ~whole

    # one entry per (task, week): whole tasks once, spread tasks once per week of their window
    idx_w = np.nonzero(whole)[0]
    idx_s = np.nonzero(spread)[0]
    weeks_s = (last_monday[idx_s] - first_monday[idx_s]) // 7 + 1
    rep = np.repeat(idx_s, weeks_s)
    k = np.arange(rep.size) - np.repeat(np.cumsum(weeks_s) - weeks_s, weeks_s)
    monday_s = first_monday[rep] + 7 * k
    lo = np.maximum(monday_s, first[rep])
    hi = np.minimum(monday_s + 7, due_o[rep] + 1)
    wdays = days.between(lo, hi)
    per_day = remaining[rep] / total[rep]
    hours_s = per_day * wdays
    keep = wdays > 0

    task = np.concatenate((idx_w, rep[keep]))
    monday = np.concatenate((whole_week[idx_w], monday_s[keep]))
    hours = np.concatenate((remaining[idx_w], hours_s[keep]))
    order = np.lexsort((monday, task))                     # task order, then week order
    task, monday, hours = task[order], monday[order], hours[order]

    # group by (owner, monday), summing in task order
    owner_codes: dict[str, int] = {}
    codes = np.fromiter((owner_codes.setdefault(owners[t], len(owner_codes)) for t in task.tolist()),
                        dtype=np.int64, count=task.size)
    keys = codes * 10_000_000 + monday
    unique, group = np.unique(keys, return_inverse=True)
    sums = np.zeros(unique.size, dtype=np.float64)
    np.add.at(sums, group, hours)

    names = list(owner_codes)
    members = _team_members(team, th.default_capacity)
    leave_cache: dict[str, dict[date, int]] = {}
    labels: dict[int, tuple[date, str]] = {}
    members_of_group: list[list[int]] = [[] for _ in range(unique.size)]
    for t, g in zip(task.tolist(), group.tolist()):
        members_of_group[g].append(t)
    cells = []
    for g, key in enumerate(unique.tolist()):
        owner, mon = names[key // 10_000_000], key % 10_000_000
        found = labels.get(mon)
        if found is None:
            d = date.fromordinal(mon)
            found = labels[mon] = (d, d.strftime("%G-W%V"))
        cells.append((owner, found[0], found[1], g))
    cells.sort(key=lambda c: (c[0], c[1]))                 # by owner, then week (as sorted(load))

    sums_l = sums.tolist()
    weeks: list[OwnerWeek] = []
    week_of_group: dict[int, OwnerWeek] = {}
    for owner, monday_d, label, g in cells:
        capacity = week_capacity(owner, monday_d, members, th, cal, leave_cache)
        week = OwnerWeek(owner, label, monday_d, sums_l[g], capacity,
                         [ids[t] for t in members_of_group[g]],
                         overload_ratio=th.overload_ratio)
        weeks.append(week)
        week_of_group[g] = week

    notes: dict[int, list[OverloadNote]] = defaultdict(list)
    for t, g in zip(task.tolist(), group.tolist()):         # task order, weeks in order
        week = week_of_group[g]
        if week.overloaded:
            notes[t].append(OverloadNote(week.owner, week.week, week.hours, week.capacity))
    for t, noted in notes.items():
        flags = views[t].flags
        flags.overloaded = True
        flags.overloads = noted
    return weeks


__all__ = ["flag_tasks"]
