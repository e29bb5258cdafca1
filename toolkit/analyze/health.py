"""Project health (RAG) with the rule that fired, from the task flags and the registers."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Iterable, Sequence

from ..config import Thresholds
from ..model import Record
from ..results import KpiView, MilestoneView, ProjectHealth, Reason, RiskView, TaskView
from ..coerce import key_of
from .tasks import EPS, is_open

CLOSING_PHASES = frozenset({"closure", "closed"})   # a KPI not met in these phases is red
NAMES_SHOWN = 5              # names listed in a reason before "…"


def _project_of(record: Record) -> str:
    value = record.values.get("project")
    return "" if value is None else str(value).strip()


def _names(items: Iterable[Any]) -> str:
    names = list(dict.fromkeys(str(i) for i in items if i is not None and str(i).strip()))
    shown = ", ".join(names[:NAMES_SHOWN])
    return shown + (", …" if len(names) > NAMES_SHOWN else "")


def _did_you_mean(name: str, known: list[str]) -> Any:
    import difflib

    from ..rows import suggestion

    close = difflib.get_close_matches(name, known, n=1, cutoff=0.5)
    return suggestion(close[0]) if close else ""


@dataclass(slots=True)
class Tally:
    """What the rules need of one project's tasks (counted row-wise by `tally_tasks`, or from
    the arrays of the column-wise flags)."""

    tasks: int = 0
    open: int = 0
    overdue: int = 0              # open and overdue
    worst: int = 0                # most working days late of those
    behind: int = 0               # open and behind
    blocked: int = 0              # open and blocked
    overloaded: set[str] = field(default_factory=set)   # owners of open tasks in an overloaded week
    issues: int = 0               # tasks with a data issue (open or not)
    done: int = 0                 # status Done


def tally_tasks(views: Iterable[TaskView]) -> dict[str, Tally]:
    """A `Tally` per project named by a task, in order of first mention."""
    tallies: dict[str, Tally] = {}
    for view in views:
        record, flags = view.record, view.flags
        name = _project_of(record)
        if not name:
            continue
        tally = tallies.get(name)
        if tally is None:
            tally = tallies[name] = Tally()
        tally.tasks += 1
        if flags.data_issue:
            tally.issues += 1
        if record.values.get("status") == "done":
            tally.done += 1
        if not is_open(record):
            continue
        tally.open += 1
        if flags.overdue:
            tally.worst = max(tally.worst, flags.days_late) if tally.overdue else flags.days_late
            tally.overdue += 1
        if flags.behind:
            tally.behind += 1
        if flags.blocked:
            tally.blocked += 1
        if flags.overloaded:
            tally.overloaded.add(str(record.values.get("owner")).strip())
    return tallies


def judge_projects(views: Sequence[TaskView], projects: Sequence[Record], risks: Sequence[RiskView],
                   kpis: Sequence[KpiView], milestones: Sequence[MilestoneView], th: Thresholds,
                   tallies: dict[str, Tally] | None = None) -> list[ProjectHealth]:
    """Red / amber / green per project (those of the Projects sheet, then any other named by a
    task), with every rule that fired as a Reason, red ones first. `tallies`: the tasks counted
    per project (`tally_tasks(views)` when not given).

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
    registered = {key_of(_project_of(r)): _project_of(r) for r in projects if _project_of(r)}
    for record in projects:
        name = _project_of(record)
        if name:
            order.setdefault(name)
            phase.setdefault(name, record.values.get("phase"))
    if tallies is None:
        tallies = tally_tasks(views)
    order.update(dict.fromkeys(tallies))
    risks_of: dict[str, list[RiskView]] = defaultdict(list)
    for risk in risks:
        risks_of[_project_of(risk.record)].append(risk)
    kpis_of: dict[str, list[KpiView]] = defaultdict(list)
    for kpi in kpis:
        kpis_of[_project_of(kpi.record)].append(kpi)
    milestones_of: dict[str, list[MilestoneView]] = defaultdict(list)
    for milestone in milestones:
        milestones_of[_project_of(milestone.record)].append(milestone)

    none = Tally()
    out = []
    for name in order:
        tally = tallies.get(name, none)
        red, amber = [], []

        if tally.overdue:
            worst = tally.worst
            share = 100.0 * tally.overdue / tally.open
            if worst >= th.red_days_late:
                red.append(Reason("rag.overdue_late", {"count": tally.overdue, "days": worst, "limit": th.red_days_late}))
            if share >= th.red_overdue_share - EPS:
                red.append(Reason("rag.overdue_share", {"count": tally.overdue, "open": tally.open,
                                                        "share": round(share), "limit": round(th.red_overdue_share)}))
            if worst < th.red_days_late and share < th.red_overdue_share - EPS:
                amber.append(Reason("rag.overdue", {"count": tally.overdue, "days": worst}))

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

        if tally.behind:
            amber.append(Reason("rag.behind", {"count": tally.behind}))
        if tally.blocked:
            amber.append(Reason("rag.blocked", {"count": tally.blocked}))
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
        overloaded = sorted(tally.overloaded)
        if overloaded:
            amber.append(Reason("rag.overloaded", {"count": len(overloaded), "names": _names(overloaded)}))
        if not_met and phase.get(name) not in CLOSING_PHASES:
            amber.append(Reason("rag.kpi_not_met", {"count": len(not_met), "names": names}))

        # a project with rows in error is never shown green
        if tally.issues:
            amber.append(Reason("rag.data_errors", {"count": tally.issues}))

        rag = "red" if red else "amber" if amber else "green"
        reasons = red + amber or [Reason("rag.green")]
        if registered and key_of(name) not in registered:
            # a task's project missing from the Projects sheet (a typo?): its health is unknown
            rag = "unknown"
            reasons = [Reason("rag.unknown_project", {"hint": _did_you_mean(name, list(registered.values()))})] + red + amber
        out.append(ProjectHealth(name, rag, reasons, tasks=tally.tasks, done=tally.done, overdue=tally.overdue))
    return out
