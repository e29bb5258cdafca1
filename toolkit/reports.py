"""The report pipelines: one more output of the same Run, never a second computation.

`run_weekly_report` and `run_closure` take a Run (or consolidate first, writing the master and
its snapshot as `toolkit consolidate` does), build the context in `toolkit.present`, render it
with `toolkit.outputs.docx_report`, and optionally convert to PDF, archive, and add lessons to
the register. `toolkit.pipeline` re-exports both; entry points call them from there.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from .config import Settings
from .errors import InputError
from .run import Run

REPORTS_FOLDER = "reports"          # under paths.output
WEEK = timedelta(days=7)


@dataclass
class ReportOutcome:
    run: Run
    docx: Path
    pdf: Path | None = None
    compared_with: date | None = None          # the snapshot the week-over-week figures used
    context: dict[str, Any] = field(default_factory=dict)


@dataclass
class ClosureOutcome(ReportOutcome):
    archive: Path | None = None
    archived: list[dict[str, Any]] = field(default_factory=list)   # the manifest rows
    register: Path | None = None
    lessons_added: int = 0
    lessons_known: int = 0


def template_path(kind: str, lang: str, template: Path | None, scratch: Path) -> Path:
    """`--template PATH`, else the shipped `report_templates/<kind>_<lang>.docx` (built into
    `scratch` when the package is installed without the repository's folder)."""
    if template is not None:
        return Path(template)
    from .outputs.report_templates import TEMPLATE_DIR, build

    shipped = TEMPLATE_DIR / f"{kind}_{lang}.docx"
    if shipped.is_file():
        return shipped
    return build(f"{kind}_{lang}").save(scratch / ".templates" / shipped.name)


def reports_folder(settings: Settings, output_dir: Path | None) -> Path:
    return Path(output_dir) if output_dir is not None else settings.resolve(settings.paths.output) / REPORTS_FOLDER


def _consolidated(run: Run | None, paths: Sequence[Path] | None, settings: Settings, as_of: date, stamp: str,
                  lang: str) -> Run:
    if run is not None:
        return run
    from .pipeline import run_consolidation

    return run_consolidation(paths, settings, as_of, stamp=stamp, lang=lang)


def _pdf(docx: Path, pdf: bool) -> Path | None:
    if not pdf:
        return None
    from .outputs.docx_report import convert_to_pdf

    return convert_to_pdf(docx)


def run_weekly_report(settings: Settings, as_of: date, *, stamp: str, lang: str | None = None,
                      project: str | None = None, paths: Sequence[Path] | None = None,
                      output_dir: Path | None = None, pdf: bool = False, template: Path | None = None,
                      run: Run | None = None) -> ReportOutcome:
    """Consolidate (unless `run` is given), then write the weekly report of every project (or
    `project`) as `weekly_<as-of>[_<project>]_<lang>.docx` in `output_dir` (default
    output/reports/), and its PDF with `pdf`.

    Week-over-week figures compare with the history snapshot nearest a week before `as_of`.
    """
    from .history import History
    from .outputs.archive import safe_name
    from .outputs.docx_report import render_report
    from .present.weekly import WeekBefore, weekly_context

    language = lang or settings.language
    run = _consolidated(run, paths, settings, as_of, stamp, language)
    analysis = run.require_analysis()
    if project is not None and project not in {h.project for h in analysis.projects}:
        raise InputError("report_no_project", project=project, known=", ".join(h.project for h in analysis.projects))
    week_before = None
    if run.history_url:
        with History(run.history_url, series=run.history_series) as history:
            snapshot = history.snapshot_near(as_of - WEEK, before=as_of)
            if snapshot is not None:
                week_before = WeekBefore(snapshot.as_of, snapshot.label, snapshot.rows,
                                         history.changes_between(snapshot.rows, analysis.tasks, as_of))
    context = weekly_context(run, language, week_before=week_before, project=project, generated=stamp)
    folder = reports_folder(settings, output_dir)
    name = f"weekly_{as_of.isoformat()}{'_' + safe_name(project) if project else ''}_{language}.docx"
    docx = render_report(template_path("weekly", language, template, folder), context, folder / name)
    return ReportOutcome(run, docx, _pdf(docx, pdf), week_before.as_of if week_before else None, context)


def run_closure(settings: Settings, as_of: date, project: str, *, stamp: str, lang: str | None = None,
                archive: bool = False, paths: Sequence[Path] | None = None, output_dir: Path | None = None,
                pdf: bool = False, template: Path | None = None, run: Run | None = None) -> ClosureOutcome:
    """Consolidate (unless `run` is given), then write the closure summary of `project`; with
    `archive`, copy its source workbooks, the master and the report(s) into
    `archive/<project>/<as-of>/` with a manifest, and add its lessons to the register
    (`archive/lessons_register.xlsx`)."""
    from .history import History
    from .outputs.archive import REGISTER_NAME, append_lessons, index_files, safe_name, write_archive
    from .outputs.docx_report import render_report
    from .present.closure import closure_context
    from .present.report_common import label, project_of, text_of

    language = lang or settings.language
    run = _consolidated(run, paths, settings, as_of, stamp, language)
    analysis = run.require_analysis()
    if project not in {h.project for h in analysis.projects}:
        raise InputError("report_no_project", project=project, known=", ".join(h.project for h in analysis.projects))
    ids = [text_of(v.record, "id") for v in analysis.tasks if project_of(v.record) == project]
    first_due = {}
    if run.history_url:
        with History(run.history_url, series=run.history_series) as history:
            first_due = history.first_due_dates(ids)

    archive_root = settings.resolve(settings.paths.archive)
    target = archive_root / safe_name(project) / as_of.isoformat()
    files: list[tuple[Path, str]] = []
    if archive:
        if target.exists():
            from .errors import OutputError
            raise OutputError("archive_exists", folder=target)
        files = [(Path(wb.path), "sources") for wb in run.batch.workbooks
                 if any(project_of(r) == project for t in wb.tables for r in t.records)]
        if run.master is not None and Path(run.master).is_file():
            files.append((Path(run.master), "master"))
    index = [f.as_dict() for f in index_files(files)]

    folder = reports_folder(settings, output_dir)
    name = f"closure_{safe_name(project)}_{as_of.isoformat()}_{language}.docx"
    context = closure_context(run, project, language, first_due=first_due, archive_files=index,
                              archive_folder=str(target) if archive else "", generated=stamp)
    docx = render_report(template_path("closure", language, template, folder), context, folder / name)
    outcome = ClosureOutcome(run, docx, _pdf(docx, pdf), context=context)
    if not archive:
        return outcome
    files += [(docx, "reports")] + ([(outcome.pdf, "reports")] if outcome.pdf else [])
    outcome.archive = target
    outcome.archived = [e.as_dict() for e in write_archive(target, files)]
    lessons = [{"project": project, "type": label("lessons", "type", r.values.get("type"), language),
                "lesson": text_of(r, "lesson"), "action": text_of(r, "action"), "owner": text_of(r, "owner"),
                "due": r.values["due"].isoformat() if isinstance(r.values.get("due"), date) else "",
                "closed_on": as_of.isoformat(), "archive": str(target)}
               for r in run.consolidated["lessons"] if project_of(r) == project] if run.consolidated else []
    update = append_lessons(archive_root / REGISTER_NAME, lessons, language)
    outcome.register, outcome.lessons_added, outcome.lessons_known = update.path, update.added, update.known
    return outcome


def report_period(kind: str, as_of: date) -> str:
    """The period a report is sent for (the sent log's key): the ISO week of a weekly report
    ("2026-W48"), the as-of date of a closure summary."""
    if kind == "weekly":
        year, week, _ = as_of.isocalendar()
        return f"{year}-W{week:02d}"
    return as_of.isoformat()


def email_report(outcome: ReportOutcome, kind: str, settings: Settings, lang: str, *, env: Any, now: Any,
                 project: str | None = None, force: bool = False) -> Any:
    """Send a written report (its .docx, and its PDF when made) through `toolkit.deliver`:
    the outbox or SMTP as configured, once per period unless `force`."""
    from .deliver import send_report

    files = [outcome.docx] + ([outcome.pdf] if outcome.pdf else [])
    return send_report(kind, report_period(kind, outcome.run.as_of), files, settings, lang, env=env, now=now,
                       project=project or "", force=force)
