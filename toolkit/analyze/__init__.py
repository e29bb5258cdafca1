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

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Iterable, Sequence

from ..calendar import WorkCalendar
from ..config import Settings, Thresholds
from ..model import Record
from ..results import (Analysis, KpiView, MilestoneView, OverloadNote, OwnerWeek, ProjectHealth, Reason,
                      RiskView, TaskFlags, TaskView)
from ..schema import CLOSED_STATUSES

CLOSING_PHASES = frozenset({"closure", "closed"})   # a KPI not met in these phases is red
NAMES_SHOWN = 5              # names listed in a reason before "…"

ONE_DAY = timedelta(days=1)
WEEK = timedelta(days=7)
_EPS = 1e-9


def analyze(tasks: Sequence[Record], team: Sequence[Record], projects: Sequence[Record],
            kpis: Sequence[Record], risks: Sequence[Record], milestones: Sequence[Record],
            settings: Settings, as_of: date) -> Analysis:
    """Flag every task, build the workload, judge risks, KPIs, milestones and project health."""
    cal = WorkCalendar.from_settings(settings.calendar)
    th = settings.thresholds

    views = [TaskView(record, flag_task(record, cal, th, as_of)) for record in tasks]
    flag_blocked(views)
    workload = flag_overload(views, team, cal, th, as_of)
    risk_views = [judge_risk(r, th, as_of) for r in risks]
    kpi_views = [KpiView(r, *measure_kpi(r.get("direction"), r.get("baseline"), r.get("target"),
                                            r.get("actual"))) for r in kpis]
    milestone_views = [MilestoneView(m, is_milestone_overdue(m, as_of)) for m in milestones]
    health = judge_projects(views, projects, risk_views, kpi_views, milestone_views, th)

    touched: set[int] = {as_of.year}
    for view in views:
        if is_open(view.record):
            for key in ("start", "due"):
                value = view.record.values.get(key)
                if isinstance(value, date):
                    touched.add(value.year)
    for member in team:
        for pair in member.get("leave", ()):
            touched.update(d.year for d in pair if isinstance(d, date))
    warnings = cal.coverage_warnings(date(y, 1, 1) for y in touched)

    return Analysis(as_of=as_of, tasks=views, workload=workload, risks=risk_views, kpis=kpi_views,
                    milestones=milestone_views, projects=health, warnings=warnings)


# ---------------------------------------------------------------- tasks

def is_open(record: Record) -> bool:
    return record.values.get("status") not in CLOSED_STATUSES


def _percent(record: Record) -> float:
    value = record.get("percent", 0.0)
    return min(max(float(value), 0.0), 100.0)


def flag_task(record: Record, cal: WorkCalendar, th: Thresholds, as_of: date) -> TaskFlags:
    """Overdue, due soon and behind for one task (blocked and overloaded need all tasks)."""
    flags = TaskFlags()
    if not is_open(record):
        return flags
    start, due = record.values.get("start"), record.values.get("due")
    percent = _percent(record)
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
        flags.behind = flags.behind_points >= th.behind_points - _EPS
    return flags


def _task_id(record: Record) -> str:
    value = record.values.get("id")
    return "" if value is None else str(value).strip()


def flag_blocked(views: Sequence[TaskView]) -> None:
    """Status Blocked, or an overdue dependency (found across all departments)."""
    by_id: dict[str, TaskView] = {}
    for view in views:
        by_id.setdefault(_task_id(view.record), view)
    for view in views:
        if not is_open(view.record):
            continue
        own = _task_id(view.record)
        blockers = []
        for dep in view.record.get("depends_on", ()):
            dep_id = str(dep).strip()
            other = by_id.get(dep_id)
            if other is not None and dep_id != own and other.flags.overdue and dep_id not in blockers:
                blockers.append(dep_id)
        view.flags.blocked_by = blockers
        view.flags.blocked = view.record.values.get("status") == "blocked" or bool(blockers)


# ---------------------------------------------------------------- workload

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
        days = cal.workdays_between(first, monday + WEEK)          # the first, partial week
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
        member = members.get(owner)
        capacity = th.default_capacity if member is None else member.capacity
        if member is not None and member.leave:
            if owner not in leave_cache:
                leave_cache[owner] = _leave_days_by_week(member.leave, cal)
            on_leave = leave_cache[owner].get(monday, 0)
            working = cal.workdays_between(monday, monday + WEEK)
            if on_leave and working:
                capacity *= 1.0 - min(on_leave, working) / working
        label = labels.get(monday)
        if label is None:
            label = labels[monday] = monday.strftime("%G-W%V")
        weeks[(owner, monday)] = OwnerWeek(owner, label, monday, hours, capacity,
                                           [_task_id(views[i].record) for i in indexes],
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


# ---------------------------------------------------------------- risks, KPIs, milestones

def judge_risk(record: Record, th: Thresholds, as_of: date) -> RiskView:
    """score = probability × impact; high from `risk_high`, amber from `risk_amber`; a closed risk
    is "closed" whatever its score; an open (or mitigating) risk past its review date is flagged."""
    probability, impact = record.values.get("probability"), record.values.get("impact")
    score = int(probability) * int(impact) if probability is not None and impact is not None else None
    status = record.values.get("status")
    if status == "closed":
        level = "closed"
    elif score is not None and score >= th.risk_high:
        level = "high"
    elif score is not None and score >= th.risk_amber:
        level = "amber"
    else:
        level = "low"
    review = record.values.get("review_date")
    overdue = status != "closed" and review is not None and review < as_of
    return RiskView(record, score, level, overdue)


def measure_kpi(direction: str | None, baseline: float | None, target: float | None,
                   actual: float | None) -> tuple[float | None, bool | None]:
    """(attainment in %, met) of a KPI.

    higher is better: (actual − baseline) / (target − baseline) × 100 with a baseline, else
    actual / target × 100; met when actual >= target.
    lower is better: (baseline − actual) / (baseline − target) × 100 with a baseline, else
    target / actual × 100; met when actual <= target.
    Attainment is None when actual or target is missing or the division is by zero; both are
    None when the direction is unknown.
    """
    if actual is None or target is None or direction not in ("higher", "lower"):
        return None, None
    if direction == "higher":
        met = actual >= target
        top, bottom = (actual - baseline, target - baseline) if baseline is not None else (actual, target)
    else:
        met = actual <= target
        top, bottom = (baseline - actual, baseline - target) if baseline is not None else (target, actual)
    attainment = None if bottom == 0 else top / bottom * 100.0
    return attainment, met


def is_milestone_overdue(record: Record, as_of: date) -> bool:
    status = record.values.get("status")
    due = record.values.get("due")
    return status in (None, "pending") and due is not None and due < as_of


# ---------------------------------------------------------------- project health

def _project_of(record: Record) -> str:
    value = record.values.get("project")
    return "" if value is None else str(value).strip()


def _names(items: Iterable[Any]) -> str:
    names = list(dict.fromkeys(str(i) for i in items if i is not None and str(i).strip()))
    shown = ", ".join(names[:NAMES_SHOWN])
    return shown + (", …" if len(names) > NAMES_SHOWN else "")


def judge_projects(views: Sequence[TaskView], projects: Sequence[Record], risks: Sequence[RiskView],
                   kpis: Sequence[KpiView], milestones: Sequence[MilestoneView], th: Thresholds) -> list[ProjectHealth]:
    """Red / amber / green per project (those of the Projects sheet, then any other named by a
    task), with every rule that fired as a Reason, red ones first.

    red:   an open task late >= th.red_days_late working days; overdue tasks >= th.red_overdue_share % of
           open tasks; a failed milestone; an open risk scoring >= risk_high; a KPI not met in a
           closure/closed project.
    amber: any overdue task; a task behind or blocked; a pending milestone past due; an open amber
           risk; an open risk past its review date; a task of the project in an overloaded
           owner-week; a KPI not met.
    green: nothing fired (Reason "rag.green").
    """
    order: dict[str, None] = {}
    phase: dict[str, str | None] = {}
    for record in projects:
        name = _project_of(record)
        if name:
            order.setdefault(name)
            phase.setdefault(name, record.values.get("phase"))
    by_project: dict[str, list[TaskView]] = defaultdict(list)
    for view in views:
        name = _project_of(view.record)
        if name:
            order.setdefault(name)
            by_project[name].append(view)
    risks_of: dict[str, list[RiskView]] = defaultdict(list)
    for risk in risks:
        risks_of[_project_of(risk.record)].append(risk)
    kpis_of: dict[str, list[KpiView]] = defaultdict(list)
    for kpi in kpis:
        kpis_of[_project_of(kpi.record)].append(kpi)
    milestones_of: dict[str, list[MilestoneView]] = defaultdict(list)
    for milestone in milestones:
        milestones_of[_project_of(milestone.record)].append(milestone)

    out = []
    for name in order:
        tasks = by_project.get(name, [])
        red, amber = [], []

        open_tasks = [v for v in tasks if is_open(v.record)]
        overdue = [v for v in open_tasks if v.flags.overdue]
        if overdue:
            worst = max(v.flags.days_late for v in overdue)
            share = 100.0 * len(overdue) / len(open_tasks)
            if worst >= th.red_days_late:
                red.append(Reason("rag.overdue_late", {"count": len(overdue), "days": worst, "limit": th.red_days_late}))
            if share >= th.red_overdue_share - _EPS:
                red.append(Reason("rag.overdue_share", {"count": len(overdue), "open": len(open_tasks),
                                                        "share": round(share), "limit": round(th.red_overdue_share)}))
            if worst < th.red_days_late and share < th.red_overdue_share - _EPS:
                amber.append(Reason("rag.overdue", {"count": len(overdue), "days": worst}))

        failed = [m for m in milestones_of.get(name, []) if m.record.values.get("status") == "failed"]
        if failed:
            red.append(Reason("rag.milestone_failed", {"count": len(failed),
                                                       "names": _names(m.record.values.get("milestone") for m in failed)}))
        project_risks = [r for r in risks_of.get(name, []) if r.level != "closed"]
        high = [r for r in project_risks if r.level == "high"]
        if high:
            red.append(Reason("rag.risk_high", {"count": len(high), "limit": th.risk_high,
                                                "ids": _names(r.record.values.get("id") for r in high)}))
        not_met = [k for k in kpis_of.get(name, []) if k.met is False]
        if not_met:
            names = _names(k.record.values.get("kpi") for k in not_met)
            if phase.get(name) in CLOSING_PHASES:
                red.append(Reason("rag.kpi_closure", {"count": len(not_met), "names": names}))

        behind = [v for v in open_tasks if v.flags.behind]
        if behind:
            amber.append(Reason("rag.behind", {"count": len(behind)}))
        blocked = [v for v in open_tasks if v.flags.blocked]
        if blocked:
            amber.append(Reason("rag.blocked", {"count": len(blocked)}))
        late_milestones = [m for m in milestones_of.get(name, []) if m.overdue]
        if late_milestones:
            amber.append(Reason("rag.milestone_overdue", {
                "count": len(late_milestones), "names": _names(m.record.values.get("milestone") for m in late_milestones)}))
        amber_risks = [r for r in project_risks if r.level == "amber"]
        if amber_risks:
            amber.append(Reason("rag.risk_amber", {"count": len(amber_risks), "limit": th.risk_amber,
                                                   "ids": _names(r.record.values.get("id") for r in amber_risks)}))
        review = [r for r in project_risks if r.review_overdue]
        if review:
            amber.append(Reason("rag.risk_review", {"count": len(review),
                                                    "ids": _names(r.record.values.get("id") for r in review)}))
        overloaded = sorted({str(v.record.values.get("owner")).strip() for v in open_tasks if v.flags.overloaded})
        if overloaded:
            amber.append(Reason("rag.overloaded", {"count": len(overloaded), "names": _names(overloaded)}))
        if not_met and phase.get(name) not in CLOSING_PHASES:
            amber.append(Reason("rag.kpi_not_met", {"count": len(not_met), "names": names}))

        rag = "red" if red else "amber" if amber else "green"
        reasons = red + amber or [Reason("rag.green")]
        out.append(ProjectHealth(name, rag, reasons, tasks=len(tasks),
                                 done=sum(1 for v in tasks if v.record.values.get("status") == "done"),
                                 overdue=len(overdue)))
    return out
