"""Project health (RAG) with the rule that fired, from the task flags and the registers."""
from __future__ import annotations

from collections import defaultdict
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
    registered = {key_of(_project_of(r)): _project_of(r) for r in projects if _project_of(r)}
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
            if share >= th.red_overdue_share - EPS:
                red.append(Reason("rag.overdue_share", {"count": len(overdue), "open": len(open_tasks),
                                                        "share": round(share), "limit": round(th.red_overdue_share)}))
            if worst < th.red_days_late and share < th.red_overdue_share - EPS:
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

        # a project with rows in error is never shown green
        issues = [v for v in tasks if v.flags.data_issue]
        if issues:
            amber.append(Reason("rag.data_errors", {"count": len(issues)}))

        rag = "red" if red else "amber" if amber else "green"
        reasons = red + amber or [Reason("rag.green")]
        if registered and key_of(name) not in registered:
            # a task's project missing from the Projects sheet (a typo?): its health is unknown
            rag = "unknown"
            reasons = [Reason("rag.unknown_project", {"hint": _did_you_mean(name, list(registered.values()))})] + red + amber
        out.append(ProjectHealth(name, rag, reasons, tasks=len(tasks),
                                 done=sum(1 for v in tasks if v.record.values.get("status") == "done"),
                                 overdue=len(overdue)))
    return out
