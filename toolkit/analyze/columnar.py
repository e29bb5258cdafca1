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
than `MAX_SPAN_YEARS`), and `analyze()` then uses the row-wise functions. It also counts each
project's tasks (`health.Tally`) and the years the open tasks touch, from the same arrays, so
that `analyze()` does not walk the 100 000 tasks again for them. An overloaded week's
`OverloadNote` is one object shared by the tasks in it (nothing changes a note).
"""
from __future__ import annotations

from collections.abc import Set as AbstractSet
from dataclasses import fields
from datetime import date
from itertools import compress, repeat
from typing import Any, NamedTuple, Sequence

import numpy as np

from ..calendar import WorkCalendar
from ..coerce import is_blank
from ..config import Thresholds
from ..model import Record
from ..results import OverloadNote, OwnerWeek, TaskFlags, TaskView
from ..schema import CLOSED_STATUSES
from .health import Tally
from .tasks import EPS, is_open
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


class Flagged(NamedTuple):
    """What `flag_tasks` gives: every task's view, the owner-weeks, the tasks counted per project
    (for `judge_projects`) and the years the open tasks' start and due dates fall in."""

    views: list[TaskView]
    workload: list[OwnerWeek]
    tallies: dict[str, Tally]
    years: set[int]


def _column(values: list[dict[str, Any]], key: str) -> list[Any]:
    """`[v.get(key) for v in values]`, without a Python step per row."""
    return list(map(dict.get, values, repeat(key)))


def flag_tasks(tasks: Sequence[Record], team: Sequence[Record], cal: WorkCalendar, th: Thresholds,
               as_of: date) -> Flagged | None:
    """The TaskViews (all flags), the owner-weeks and the project tallies of `tasks`, or None to
    use the row-wise path."""
    n = len(tasks)
    if n < MIN_TASKS:
        return None
    # the values the rules need, a column at a time
    today = as_of.toordinal()
    vals = [record.values for record in tasks]
    statuses = _column(vals, "status")
    open_l = [status not in CLOSED_STATUSES if status is not None else is_open(record)
              for status, record in zip(statuses, tasks)]
    open_ = np.array(open_l, dtype=bool)
    # a row with an invalid value takes part in nothing that needs that value (`flag_task`)
    bads = _bad_keys(tasks)
    raw_starts, raw_dues = _column(vals, "start"), _column(vals, "due")
    starts = [d if o and not (b and ("start" in b or "percent" in b)) else None
              for d, o, b in zip(raw_starts, open_l, bads)]
    dues = [d if o and not (b and "due" in b) else None for d, o, b in zip(raw_dues, open_l, bads)]
    counted = np.array([not (b and not b.isdisjoint(_HOURS_KEYS)) for b in bads], dtype=bool)
    has_start = np.array([d is not None for d in starts], dtype=bool)
    has_due = np.array([d is not None for d in dues], dtype=bool)
    # a missing date reads as today (masked out wherever it matters)
    start_o = np.array([today if d is None else d.toordinal() for d in starts], dtype=np.int64)
    due_o = np.array([today if d is None else d.toordinal() for d in dues], dtype=np.int64)
    percent = np.array([0.0 if p is None else float(p) for p in _column(vals, "percent")], dtype=np.float64)
    default_hours = float(th.default_hours)
    hours = np.array([default_hours if h is None else float(h) for h in _column(vals, "hours")], dtype=np.float64)
    owners = [("" if w is None else str(w).strip()) if o else "" for w, o in zip(_column(vals, "owner"), open_l)]
    ids = ["" if i is None else str(i).strip() for i in _column(vals, "id")]

    years = [as_of.year]
    for column, has in ((start_o, has_start), (due_o, has_due)):
        if has.any():
            picked = column[has]
            years += [date.fromordinal(int(picked.min())).year, date.fromordinal(int(picked.max())).year]
    first_year, last_year = min(years), max(years) + 1          # +1: due + 1 day, the week after
    if last_year - first_year > MAX_SPAN_YEARS or first_year < 2 or last_year > 9998:
        return None
    days = _Days(cal, first_year - 1, last_year)
    touched = _years_touched(start_o[has_start], due_o[has_due], raw_starts, raw_dues, open_l, bads)

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

    blocked_by = _blocked_by(_column(vals, "depends_on"), ids, open_l, overdue.tolist())
    blocked_l = [(status == "blocked" or i in blocked_by) if o else False
                 for i, (status, o) in enumerate(zip(statuses, open_l))]
    del vals, starts, dues, raw_starts, raw_dues
    if _POSITIONAL:     # positional arguments: a third cheaper than keywords, 100 000 times
        views = []
        # a slice of tasks at a time: the Python numbers of the arrays exist for one slice only (the
        # peak, and the heap left fragmented after it, stay small on 170 000 tasks: issue 8, item 9)
        for lo in range(0, n, _SLICE):
            hi = min(lo + _SLICE, n)
            views += [TaskView(record, TaskFlags(o, dl if o else 0, ds, dleft if a else None, b,
                                                 e if j else None, p if j else None, False, [], bl,
                                                 blocked_by.get(i, []) if bl else [], r if op else 0.0,
                                                 bool(bad), sorted(bad) if bad else []))
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
    workload, overloaded = _overload(views, ids, owners, remaining, due_open, overdue, has_start, start_o, due_o,
                                     days, team, cal, th, as_of)
    tallies = _tally(tasks, statuses, owners, open_, overdue, days_late, behind, np.array(blocked_l, dtype=bool),
                     overloaded, np.array([bool(b) for b in bads], dtype=bool))
    if n >= TRIM_FROM:
        _give_back_freed_memory()
    return Flagged(views, workload, tallies, touched)


def _bad_keys(tasks: Sequence[Record]) -> list[AbstractSet[str]]:
    """`bad_keys(record)` of every task; one shared empty set for the (many) clean ones: 20 MB less."""
    out: list[AbstractSet[str]] = []
    for record in tasks:
        values = record.values
        bad: set[str] | None = None
        for key, value in record.raw.items():
            if values.get(key) is None and not is_blank(value):
                if bad is None:
                    bad = set(record.issues)
                bad.add(key)
        if bad is None and record.issues:
            bad = set(record.issues)
        out.append(bad or _NONE_BAD)
    return out


_EPOCH = date(1970, 1, 1).toordinal()


def _years_touched(starts: np.ndarray, dues: np.ndarray, raw_starts: list[Any], raw_dues: list[Any],
                   open_l: list[bool], bads: list[AbstractSet[str]]) -> set[int]:
    """The years of the open tasks' start and due dates (bad ones too), for the calendar's coverage."""
    known = np.unique(np.concatenate((starts, dues)))
    touched = {int(y) for y in np.unique((known - _EPOCH).astype("datetime64[D]").astype("datetime64[Y]")
                                         .astype(np.int64) + 1970)}
    # the dates left out of the arrays: those of rows whose start, % Complete or due is bad
    for i, bad in enumerate(bads):
        if bad and open_l[i] and not bad.isdisjoint(("start", "percent", "due")):
            touched.update(d.year for d in (raw_starts[i], raw_dues[i]) if isinstance(d, date))
    return touched


def _tally(tasks: Sequence[Record], statuses: list[Any], owners: list[str], open_: np.ndarray, overdue: np.ndarray,
           days_late: np.ndarray, behind: np.ndarray, blocked: np.ndarray, overloaded: np.ndarray,
           data_issue: np.ndarray) -> dict[str, Tally]:
    """`health.tally_tasks` on arrays: the tasks of each project counted with `np.bincount`."""
    values = list(map(dict.get, (r.values for r in tasks), repeat("project")))
    code_of: dict[str, int] = {}
    try:
        code_of_value = dict.fromkeys(values)          # each distinct value once, in order of first use
    except TypeError:                                  # an unhashable value: each row on its own
        code_of_value = None
    if code_of_value is not None:
        for value in code_of_value:
            name = _project_name(value)
            code_of_value[value] = code_of.setdefault(name, len(code_of)) if name else -1
        codes_l = list(map(code_of_value.__getitem__, values))
    else:
        codes_l = [code_of.setdefault(name, len(code_of)) if name else -1
                   for name in map(_project_name, values)]
    codes = np.array(codes_l, dtype=np.int64)
    named = codes >= 0
    size = len(code_of)

    def count(mask: np.ndarray) -> list[int]:
        counted: list[int] = np.bincount(codes[named & mask], minlength=size).tolist()
        return counted

    done = np.array(statuses, dtype=object) == "done"
    open_named = named & open_
    late = open_named & overdue
    worst = np.zeros(size, dtype=np.int64)
    np.maximum.at(worst, codes[late], days_late[late])
    counts = [count(named), count(open_), count(open_ & overdue), worst.tolist(), count(open_ & behind),
              count(open_ & blocked), count(data_issue), count(done)]
    tallies = {name: Tally(tasks=c[0], open=c[1], overdue=c[2], worst=c[3], behind=c[4], blocked=c[5],
                           issues=c[6], done=c[7])
               for name, c in zip(code_of, zip(*counts))}
    names = list(code_of)
    heavy = np.nonzero(open_named & overloaded)[0]
    for code, owner in set(zip(codes[heavy].tolist(), map(owners.__getitem__, heavy.tolist()))):
        tallies[names[code]].overloaded.add(owner)       # an overloaded task is open, with an owner
    return tallies


def _project_name(value: Any) -> str:
    return "" if value is None else str(value).strip()


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


def _blocked_by(deps_l: list[Any], ids: list[str], open_l: list[bool], overdue: list[bool]) -> dict[int, list[str]]:
    """`flag_blocked`'s overdue dependencies of each open task (first task of an ID wins)."""
    n = len(ids)
    by_id = dict(zip(reversed(ids), range(n - 1, -1, -1)))      # the first index of an ID is set last
    found: dict[int, list[str]] = {}
    for i in compress(range(n), deps_l):          # the tasks with dependencies
        if not open_l[i]:
            continue
        deps, own = deps_l[i], ids[i]
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
              team: Sequence[Record], cal: WorkCalendar, th: Thresholds,
              as_of: date) -> tuple[list[OwnerWeek], np.ndarray]:
    """`flag_overload` on arrays (same spreading, same sums in the same order); with which tasks
    are overloaded."""
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
    owner_code = dict.fromkeys(owners)
    for code, name in enumerate(owner_code):
        owner_code[name] = code
    codes = np.fromiter(map(owner_code.__getitem__, owners), dtype=np.int64, count=n)[task]
    keys = codes * 10_000_000 + monday
    unique, group = np.unique(keys, return_inverse=True)
    sums = np.zeros(unique.size, dtype=np.float64)
    np.add.at(sums, group, hours)

    names = list(owner_code)
    members = _team_members(team, th.default_capacity)
    leave_cache: dict[str, dict[date, int]] = {}
    labels: dict[int, tuple[date, str]] = {}
    # each group's tasks, in task order: the entries sorted by group (stably), cut at each group
    by_group = np.argsort(group, kind="stable")
    ids_by_group = [ids[t] for t in task[by_group].tolist()]
    bounds = np.searchsorted(group[by_group], np.arange(unique.size + 1)).tolist()
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
    note_of_group: dict[int, OverloadNote] = {}
    for owner, monday_d, label, g in cells:
        capacity = week_capacity(owner, monday_d, members, th, cal, leave_cache)
        week = OwnerWeek(owner, label, monday_d, sums_l[g], capacity, ids_by_group[bounds[g]:bounds[g + 1]],
                         overload_ratio=th.overload_ratio)
        weeks.append(week)
        if week.overloaded:         # one note per overloaded week, shared by its tasks (read only)
            note_of_group[g] = OverloadNote(week.owner, week.week, week.hours, week.capacity)

    overloaded = np.zeros(n, dtype=bool)
    if note_of_group:
        heavy = np.zeros(unique.size, dtype=bool)
        heavy[list(note_of_group)] = True
        picked = heavy[group]
        noted_tasks = task[picked]                   # task order, each task's weeks in order
        notes = list(map(note_of_group.__getitem__, group[picked].tolist()))
        heads, firsts = np.unique(noted_tasks, return_index=True)
        ends = np.append(firsts[1:], noted_tasks.size)
        for t, lo, hi in zip(heads.tolist(), firsts.tolist(), ends.tolist()):
            flags = views[t].flags
            flags.overloaded = True
            flags.overloads = notes[lo:hi]
        overloaded[noted_tasks] = True
    return weeks, overloaded


__all__ = ["Flagged", "flag_tasks"]
