"""The closure summary's context: a plain dict built from a Run, one project and a language.

`closure_context(run, project, lang, first_due=…, archive_files=…)` is pure. Planned vs
actual dates use the first due date the history recorded for each task (`first_due`, found
by the pipeline; the workbook's due date when the history has none) and the working-day
calendar of the settings. Highlights and shortcomings come from the Lessons sheet and from
the numbers (KPIs met or not, tasks on time or late, acceptances passed or failed).
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from typing import Any

from ..calendar import WorkCalendar
from ..errors import InputError
from ..i18n import text
from ..results import TaskView
from ..run import Run
from .palette import RAG_FILLS
from .report_common import (fmt_date, health_row, hex_fill, kpi_rows, label, long_date, project_of, rag_legend,
                            text_of)

ONE_DAY = timedelta(days=1)
_MILESTONE_RAG = {"passed": "green", "failed": "red"}   # pending: amber


def slip_days(cal: WorkCalendar, planned: date, actual: date) -> int:
    """Working days from `planned` to `actual`: positive late, negative early, 0 on the day."""
    if actual > planned:
        return cal.workdays_between(planned + ONE_DAY, actual + ONE_DAY)
    if actual < planned:
        return -cal.workdays_between(actual + ONE_DAY, planned + ONE_DAY)
    return 0


def slip_text(days: int | None, lang: str) -> str:
    if days is None:
        return "—"
    if days in (1, -1):
        return text("report.slip.late_one" if days > 0 else "report.slip.early_one", lang)
    if days > 0:
        return text("report.slip.late", lang, days=days)
    if days < 0:
        return text("report.slip.early", lang, days=-days)
    return text("report.slip.on_time", lang)


def project_names(run: Run) -> list[str]:
    analysis = run.require_analysis()
    return [h.project for h in analysis.projects]


def closure_context(run: Run, project: str, lang: str, *,
                    first_due: Mapping[str, tuple[date, date]] | None = None,
                    archive_files: Sequence[Mapping[str, Any]] = (), archive_folder: str = "",
                    generated: str = "") -> dict[str, Any]:
    """Everything the closure summary shows for `project` (keys in the README).

    `first_due`: Task ID -> (first recorded due date, as-of date of that snapshot).
    `archive_files`: the archive index ({"file", "size", "sha256"}), when archiving.
    Raises InputError when the run has no such project.
    """
    analysis = run.require_analysis()
    healths = {h.project: h for h in analysis.projects}
    if project not in healths:
        raise InputError("report_no_project", project=project, known=", ".join(healths) or "—")
    cal = WorkCalendar.from_settings(run.settings.calendar)
    first_due = first_due or {}
    consolidated = run.consolidated
    assert consolidated is not None
    info = next((r for r in consolidated["projects"] if project_of(r) == project), None)
    phase = info.values.get("phase") if info is not None else None
    tasks: list[TaskView] = [v for v in analysis.tasks if project_of(v.record) == project]

    schedule_rows, slips = [], []
    for view in tasks:
        rec = view.record
        status = rec.values.get("status")
        if status == "cancelled":
            continue
        task_id = text_of(rec, "id")
        due, done_on = rec.values.get("due"), rec.values.get("completed_on")
        first = first_due.get(task_id)
        planned = first[0] if first else due
        slip = slip_days(cal, planned, done_on) if status == "done" and isinstance(planned, date) \
            and isinstance(done_on, date) else None
        if slip is not None:
            slips.append(slip)
        schedule_rows.append({
            "id": task_id, "title": text_of(rec, "title"), "owner": text_of(rec, "owner"),
            "department": text_of(rec, "department") or rec.department,
            "first_due": fmt_date(planned, lang), "due": fmt_date(due, lang),
            "first_due_from": text("report.first_due.history", lang, day=fmt_date(first[1], lang)) if first
            else text("report.first_due.workbook", lang),
            "done_on": fmt_date(done_on, lang),
            "status": label("tasks", "status", status, lang),
            "slip": slip, "slip_text": slip_text(slip, lang),
        })
    done = [v for v in tasks if v.record.values.get("status") == "done"]
    cancelled = [v for v in tasks if v.record.values.get("status") == "cancelled"]
    still_open = [v for v in tasks if v.record.values.get("status") not in ("done", "cancelled")]
    late = [s for s in slips if s > 0]

    planned_end = info.values.get("end") if info is not None else None
    done_dates = [v.record.values["completed_on"] for v in done if isinstance(v.record.values.get("completed_on"), date)]
    actual_end = max(done_dates) if done_dates and not still_open else None
    project_slip = slip_days(cal, planned_end, actual_end) if planned_end and actual_end else None

    kpis = kpi_rows((k for k in analysis.kpis if project_of(k.record) == project), lang)
    milestones = [m for m in analysis.milestones if project_of(m.record) == project]
    lessons = [r for r in consolidated["lessons"] if project_of(r) == project]

    highlights = [text_of(r, "lesson") for r in lessons if r.values.get("type") == "went_well"]
    shortcomings = [text_of(r, "lesson") for r in lessons if r.values.get("type") == "to_improve"]
    met = [k for k in kpis if k["met"] is True]
    not_met = [k for k in kpis if k["met"] is False]
    if met:
        highlights.append(text("report.closure.kpis_met", lang, count=len(met), total=len(kpis),
                               names=", ".join(k["name"] for k in met)))
    if not_met:
        shortcomings.append(text("report.closure.kpis_not_met", lang, count=len(not_met), total=len(kpis),
                                 names=", ".join(f"{k['name']} ({k['actual']} / {k['target']})" for k in not_met)))
    if slips:
        on_time = len(slips) - len(late)
        line = text("report.closure.on_time", lang, on_time=on_time, total=len(slips))
        (shortcomings if late else highlights).append(
            line + ("" if not late else text("report.closure.late_max", lang, count=len(late), days=max(late))))
    failed = [m for m in milestones if m.record.values.get("status") == "failed"]
    if failed:
        shortcomings.append(text("report.closure.failed", lang, names=", ".join(text_of(m.record, "milestone")
                                                                               for m in failed)))
    elif milestones and all(m.record.values.get("status") == "passed" for m in milestones):
        highlights.append(text("report.closure.all_passed", lang, count=len(milestones)))
    if still_open:
        shortcomings.append(text("report.closure.still_open", lang, count=len(still_open),
                                 ids=", ".join(text_of(v.record, "id") for v in still_open)))

    def info_text(key: str) -> str:
        return text_of(info, key) if info is not None else ""

    return {
        "report": {
            "kind": "closure",
            "as_of": fmt_date(run.as_of, lang),
            "as_of_long": long_date(run.as_of, lang),
            "generated": generated,
            "lang": lang,
        },
        "project": {
            "name": project, "sponsor": info_text("sponsor"), "manager": info_text("manager"),
            "goal": info_text("goal"), "scope": info_text("scope"),
            "start": fmt_date(info.values.get("start") if info is not None else None, lang),
            "end": fmt_date(planned_end, lang), "phase": label("projects", "phase", phase, lang),
        },
        "health": health_row(healths[project], lang, phase),
        "rag_legend": rag_legend(lang),
        "kpis": kpis,
        "kpi_summary": text("report.closure.kpi_summary", lang, met=len(met), total=len(kpis),
                            unmeasured=len(kpis) - len(met) - len(not_met)),
        "schedule": {
            "planned_start": fmt_date(info.values.get("start") if info is not None else None, lang),
            "planned_end": fmt_date(planned_end, lang),
            "actual_end": fmt_date(actual_end, lang) or text("report.closure.not_finished", lang),
            "slip": project_slip,
            "slip_text": slip_text(project_slip, lang),
            "tasks_on_time": len(slips) - len(late),
            "tasks_late": len(late),
        },
        "tasks": schedule_rows,
        "scope": {"tasks": len(tasks), "done": len(done), "cancelled": len(cancelled), "open": len(still_open),
                  "done_share": f"{(100.0 * len(done) / (len(tasks) - len(cancelled))):.0f}%"
                  if len(tasks) > len(cancelled) else "—"},
        "cancelled": [{"id": text_of(v.record, "id"), "title": text_of(v.record, "title"),
                       "owner": text_of(v.record, "owner")} for v in cancelled],
        "milestones": [{"name": text_of(m.record, "milestone"), "due": fmt_date(m.record.values.get("due"), lang),
                        "criteria": text_of(m.record, "criteria"),
                        "status": label("milestones", "status", m.record.values.get("status"), lang),
                        "status_key": m.record.values.get("status") or "",
                        "fill": hex_fill(RAG_FILLS[_MILESTONE_RAG.get(m.record.values.get("status") or "",
                                                                      "amber")]),
                        "accepted_by": text_of(m.record, "accepted_by"),
                        "accepted_on": fmt_date(m.record.values.get("accepted_on"), lang)} for m in milestones],
        "highlights": highlights,
        "shortcomings": shortcomings,
        "lessons": [{"type": label("lessons", "type", r.values.get("type"), lang), "lesson": text_of(r, "lesson"),
                     "action": text_of(r, "action"), "owner": text_of(r, "owner"),
                     "due": fmt_date(r.values.get("due"), lang)} for r in lessons],
        "archive": {"folder": archive_folder, "files": [dict(f) for f in archive_files]},
    }

