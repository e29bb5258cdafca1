"""The weekly report's context: a plain dict built from a Run, a language and last week's snapshot.

`weekly_context(run, lang, week_before=…, project=…)` is pure: no clock, no files, no Word.
The keys are the contract with the templates in `report_templates/` (README: "Report
context"). Week-over-week figures compare the run with the history snapshot nearest a week
before the as-of date (`WeekBefore`, found by the pipeline), and the report names it.

The period covered is the seven days ending on the as-of date; "due next week" is the seven
days after it. With `project` every list is limited to that project (the snapshot too, by
the Task IDs the project has now).
"""
from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from ..i18n import text
from ..results import Analysis, Change, TaskView
from ..run import Run
from ..schema import STATUS
from .labels import fmt_number
from .palette import STATUS_COLOURS
from .report_common import (fmt_date, fmt_delta, health_row, kpi_rows, label, list_sep, long_date, project_of, rag_legend,
                            status_legend, text_of)
from .summary import count_flags

if TYPE_CHECKING:
    from ..history import SnapshotRow

WEEK = timedelta(days=7)
TOP_RISKS = 8          # open risks listed, highest score first


@dataclass(frozen=True)
class WeekBefore:
    """The snapshot the week-over-week figures compare with (history.snapshot_near)."""

    as_of: date
    label: str                        # the run's stamp, "2026-11-17 020000"
    rows: Sequence[SnapshotRow]
    changes: Sequence[Change] = ()    # from that snapshot to this run


def _department(view: TaskView) -> str:
    return text_of(view.record, "department") or view.record.department or "—"


def _task_row(view: TaskView, lang: str) -> dict[str, Any]:
    rec, flags = view.record, view.flags
    percent = rec.values.get("percent")
    return {
        "id": text_of(rec, "id"),
        "title": text_of(rec, "title"),
        "project": project_of(rec),
        "department": _department(view),
        "owner": text_of(rec, "owner"),
        "due": fmt_date(rec.values.get("due"), lang),
        "completed_on": fmt_date(rec.values.get("completed_on"), lang),
        "status": label("tasks", "status", rec.values.get("status"), lang),
        "percent": "" if percent is None else f"{fmt_number(float(percent))}%",
        "days_late": flags.days_late,
        "days_left": flags.days_left,
    }


def _at_risk_why(view: TaskView, lang: str) -> str:
    flags, parts = view.flags, []
    if flags.due_soon:
        parts.append(text("report.why.due_soon", lang, days=flags.days_left) if flags.days_left
                     else text("report.why.due_today", lang))
    if flags.behind:
        parts.append(text("report.why.behind", lang, points=fmt_number(flags.behind_points or 0.0)))
    if flags.blocked:
        parts.append(_blocked_why(view, lang))
    if flags.overloaded:
        parts.append(text("report.why.overloaded", lang))
    return list_sep(lang).join(parts)


def _blocked_why(view: TaskView, lang: str) -> str:
    if view.flags.blocked_by:
        return text("report.why.waits_for", lang, ids=", ".join(view.flags.blocked_by))
    note = text_of(view.record, "notes")
    return text("report.why.status_blocked", lang) + (f" ({note})" if note else "")


def _figures(tasks: Sequence[TaskView], analysis: Analysis, week_before: WeekBefore | None, ids: set[str] | None,
             lang: str) -> list[dict[str, Any]]:
    """Now vs the snapshot a week before: tasks, done, open, overdue."""
    now = {
        "tasks": len(tasks),
        "done": sum(v.record.values.get("status") == "done" for v in tasks),
        "open": sum(v.record.values.get("status") not in ("done", "cancelled") for v in tasks),
        "overdue": sum(v.flags.overdue for v in tasks),
    }
    before: dict[str, int | None] = dict.fromkeys(now)
    same_basis = dict(now)
    if week_before is not None:
        # snapshots keep the tasks that have a Task ID: compare on that basis
        with_id = [v for v in tasks if text_of(v.record, "id")]
        same_basis = {
            "tasks": len(with_id),
            "done": sum(v.record.values.get("status") == "done" for v in with_id),
            "open": sum(v.record.values.get("status") not in ("done", "cancelled") for v in with_id),
            "overdue": sum(v.flags.overdue for v in with_id),
        }
        rows = [r for r in week_before.rows if ids is None or r.task_id in ids]
        before = {
            "tasks": len(rows),
            "done": sum(r.status == "done" for r in rows),
            "open": sum(r.status not in ("done", "cancelled") for r in rows),
            "overdue": sum(bool(r.overdue) for r in rows),
        }
    return [{"key": key, "name": text(f"report.figure.{key}", lang), "now": now[key],
             "before": "—" if before[key] is None else before[key],
             "delta": fmt_delta(same_basis[key], before[key])}
            for key in now]


def _departments(tasks: Sequence[TaskView], lang: str) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Progress by department (a table row each) and the chart's data (status counts)."""
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    percents: dict[str, list[float]] = defaultdict(list)
    overdue: Counter[str] = Counter()
    for view in tasks:
        dept = _department(view)
        status = view.record.values.get("status") or ""
        counts[dept][status] += 1
        overdue[dept] += view.flags.overdue
        if status != "cancelled":
            pct = 100.0 if status == "done" else float(view.record.values.get("percent") or 0.0)
            percents[dept].append(min(max(pct, 0.0), 100.0))
    rows = []
    for dept in sorted(counts):
        c = counts[dept]
        total = sum(c.values())
        avg = sum(percents[dept]) / len(percents[dept]) if percents[dept] else 0.0
        rows.append({"name": dept, "tasks": total, "done": c["done"], "in_progress": c["in_progress"],
                     "not_started": c["not_started"], "blocked": c["blocked"], "cancelled": c["cancelled"],
                     "overdue": overdue[dept], "progress": f"{avg:.0f}%", "progress_value": round(avg, 1)})
    keys = [ch.key for ch in STATUS] + ([""] if any(c[""] for c in counts.values()) else [])
    chart = {
        "kind": "stacked_bars",
        "title": text("report.chart.departments", lang),
        "categories": [r["name"] for r in rows],
        "series": [{"name": label("tasks", "status", k, lang) if k else text("master.status_blank", lang),
                    "colour": STATUS_COLOURS.get(k, "#5B9BD5"),
                    "values": [counts[str(r["name"])][k] for r in rows]} for k in keys],
        "x_label": text("report.chart.tasks", lang),
        "fallback": text("report.chart.no_cjk_font", lang),
    }
    return rows, chart


def _headline(figures: list[dict[str, Any]], red: int, projects: int, run: Run, week_before: WeekBefore | None,
              lang: str) -> str:
    f = {x["key"]: x for x in figures}
    params = {"day": long_date(run.as_of, lang), "tasks": f["tasks"]["now"], "done": f["done"]["now"],
              "overdue": f["overdue"]["now"], "red": red, "projects": projects}
    if week_before is None:
        return text("report.headline.first", lang, **params)
    return text("report.headline", lang, **params, done_delta=f["done"]["delta"],
                overdue_delta=f["overdue"]["delta"], since=long_date(week_before.as_of, lang))


def weekly_context(run: Run, lang: str, *, week_before: WeekBefore | None = None, project: str | None = None,
                   generated: str = "") -> dict[str, Any]:
    """Everything the weekly report shows, as a plain dict (keys in the README)."""
    analysis = run.require_analysis()
    as_of = run.as_of

    def mine(project_name: str) -> bool:
        return project is None or project_name == project

    tasks = [v for v in analysis.tasks if mine(project_of(v.record))]
    ids = {text_of(v.record, "id") for v in tasks} if project is not None else None
    phases = {project_of(r): r.values.get("phase") for r in (run.consolidated["projects"] if run.consolidated else [])}
    healths = [h for h in analysis.projects if mine(h.project)]
    period_start = as_of - WEEK + timedelta(days=1)
    next_end = as_of + WEEK

    figures = _figures(tasks, analysis, week_before, ids, lang)
    departments, chart = _departments(tasks, lang)

    # done in the period by its Completed On date; without one, by the history (Done since the snapshot)
    completed = {c.task_id for c in week_before.changes if c.kind == "completed"} if week_before else set()
    done_this_week = [v for v in tasks if v.record.values.get("status") == "done" and (
        period_start <= v.record.values["completed_on"] <= as_of
        if isinstance(v.record.values.get("completed_on"), date) else text_of(v.record, "id") in completed)]
    due_next = [v for v in tasks if v.record.values.get("status") not in ("done", "cancelled")
                and isinstance(v.record.values.get("due"), date) and as_of < v.record.values["due"] <= next_end]
    due_next.sort(key=lambda v: (v.record.values["due"], text_of(v.record, "id")))
    overdue = sorted((v for v in tasks if v.flags.overdue), key=lambda v: (-v.flags.days_late, text_of(v.record, "id")))
    at_risk = [v for v in tasks if not v.flags.overdue and (v.flags.due_soon or v.flags.behind or v.flags.blocked)]
    blocked = [v for v in tasks if v.flags.blocked]

    risks = sorted((r for r in analysis.risks if r.level != "closed" and mine(project_of(r.record))
                    and (r.level in ("high", "amber") or r.review_overdue)),
                   key=lambda r: (-(r.score or 0), text_of(r.record, "id")))[:TOP_RISKS]
    project_ids = {text_of(v.record, "id") for v in tasks}
    overloaded: dict[str, list[str]] = defaultdict(list)
    for week in analysis.workload:
        if week.overloaded and (project is None or project_ids & set(week.task_ids)):
            overloaded[week.owner].append(text("report.overload_week", lang, week=week.week,
                                               hours=fmt_number(week.hours), capacity=fmt_number(week.capacity)))
    acceptances = sorted((m for m in analysis.milestones if mine(project_of(m.record))
                          and m.record.values.get("status") in ("failed", "pending", None)),
                         key=lambda m: (m.record.values.get("status") != "failed",
                                        m.record.values.get("due") or date.max))
    red = sum(h.rag == "red" for h in healths)
    flags = count_flags(analysis)
    scope = project or text("report.scope.all", lang)

    return {
        "report": {
            "kind": "weekly",
            "as_of": fmt_date(as_of, lang),
            "as_of_long": long_date(as_of, lang),
            "period_start": fmt_date(period_start, lang),
            "period_end": fmt_date(as_of, lang),
            "period": text("report.period", lang, start=long_date(period_start, lang), end=long_date(as_of, lang)),
            "next_week_end": fmt_date(next_end, lang),
            "scope": scope,
            "generated": generated,
            "lang": lang,
            "source": text("report.source", lang, files=len(run.findings.files), errors=run.findings.error_count,
                           warnings=run.findings.warning_count),
        },
        "headline": _headline(figures, red, len(healths), run, week_before, lang),
        "compared_with": None if week_before is None else {
            "as_of": fmt_date(week_before.as_of, lang), "label": week_before.label,
            "text": text("report.compared_with", lang, day=long_date(week_before.as_of, lang), label=week_before.label)},
        "compared_text": text("report.no_comparison", lang) if week_before is None else
        text("report.compared_with", lang, day=long_date(week_before.as_of, lang), label=week_before.label),
        "figures": figures,
        "flags": [{"key": k, "name": text(f"master.flag.{k}", lang), "count": n} for k, n in flags.items()]
        if project is None else [],
        "projects": [health_row(h, lang, phases.get(h.project)) for h in healths],
        "rag_legend": rag_legend(lang),
        "kpis": kpi_rows((k for k in analysis.kpis if mine(project_of(k.record))), lang),
        "departments": departments,
        "department_chart": chart,
        "status_legend": status_legend(lang),
        "done_this_week": [_task_row(v, lang) for v in done_this_week],
        "due_next_week": [_task_row(v, lang) for v in due_next],
        "overdue": [_task_row(v, lang) for v in overdue],
        "at_risk": [{**_task_row(v, lang), "why": _at_risk_why(v, lang)} for v in at_risk],
        "risks": [{"id": text_of(r.record, "id"), "project": project_of(r.record), "risk": text_of(r.record, "risk"),
                   "score": "" if r.score is None else r.score, "level": r.level,
                   "level_label": text(f"master.level.{r.level}", lang), "owner": text_of(r.record, "owner"),
                   "mitigation": text_of(r.record, "mitigation"),
                   "review": fmt_date(r.record.values.get("review_date"), lang),
                   "review_overdue": r.review_overdue,
                   "note": text("master.col.review_overdue", lang) if r.review_overdue else ""} for r in risks],
        "overloaded": [{"owner": owner, "weeks": list_sep(lang).join(weeks)} for owner, weeks in sorted(overloaded.items())],
        "acceptances": [{"project": project_of(m.record), "milestone": text_of(m.record, "milestone"),
                         "due": fmt_date(m.record.values.get("due"), lang),
                         "status": label("milestones", "status", m.record.values.get("status"), lang),
                         "failed": m.record.values.get("status") == "failed",
                         "criteria": text_of(m.record, "criteria"),
                         "note": text("master.col.ms_overdue", lang) if m.overdue else ""} for m in acceptances],
        "decisions": [{**_task_row(v, lang), "why": _blocked_why(v, lang)} for v in blocked],
    }
