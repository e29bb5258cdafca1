"""Headline figures of a run, counted once, for the CLI, the Dashboard, reports and emails.

Every count names its unit: `overloaded_tasks` are tasks, `overloaded_people` are owners.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from operator import attrgetter

from ..analyze.tasks import status_unknown
from ..i18n import text
from ..results import Analysis
from ..run import Run


@dataclass(frozen=True)
class FlagCounts:
    overdue: int = 0
    due_soon: int = 0
    behind: int = 0
    overloaded: int = 0        # tasks in an overloaded owner-week
    blocked: int = 0
    high_risk: int = 0         # open risks that are high or past their review date

    def items(self) -> list[tuple[str, int]]:
        return [("overdue", self.overdue), ("due_soon", self.due_soon), ("behind", self.behind),
                ("overloaded", self.overloaded), ("blocked", self.blocked), ("high_risk", self.high_risk)]


def count_flags(analysis: Analysis) -> FlagCounts:
    flags = [v.flags for v in analysis.tasks]      # each flag counted over the list (issue 7)
    return FlagCounts(
        overdue=sum(map(attrgetter("overdue"), flags)),
        due_soon=sum(map(attrgetter("due_soon"), flags)),
        behind=sum(map(attrgetter("behind"), flags)),
        overloaded=sum(map(attrgetter("overloaded"), flags)),
        blocked=sum(map(attrgetter("blocked"), flags)),
        high_risk=sum(r.high and r.level != "closed" for r in analysis.risks),
    )


@dataclass(frozen=True)
class Headline:
    tasks: int
    flags: FlagCounts
    overloaded_people: list[str]
    projects_by_rag: dict[str, list[str]] = field(default_factory=dict)   # "red" -> project names
    errors: int = 0
    warnings: int = 0
    unreadable: list[str] = field(default_factory=list)
    changes: int = 0


SKIP_REASONS = {"skipped-hidden-row": "skip.hidden", "skipped-header-row": "skip.header",
                "skipped-totals-row": "skip.totals", "skipped-summary-row": "skip.summary",
                "skipped-empty-row": "skip.empty"}


@dataclass(frozen=True)
class DataFigures:
    """How far the picture can be trusted: what was not read, what is missing, what is wrong."""

    files_without_tasks: list[str]
    skipped: dict[str, int]        # finding code -> rows skipped for that reason
    no_due: int                    # tasks without a readable due date
    no_owner: int
    issues: int                    # tasks marked "Data issue"
    no_status: int = 0             # tasks whose status is unknown (no Status column, or unreadable): not judged

    @property
    def skipped_rows(self) -> int:
        return sum(self.skipped.values())

    def why(self, lang: str) -> str:
        if not self.skipped:
            return ""
        parts = [f"{text(SKIP_REASONS[code], lang)} {count}" for code, count in self.skipped.items()]
        return (" (" + ", ".join(parts) + ")") if lang != "zh" else ("（" + "，".join(parts) + "）")


def data_figures(run: Run) -> DataFigures:
    analysis = run.require_analysis()
    records = [v.record for v in analysis.tasks]
    task_files = {r.source.file for r in records}
    files = [wb.file for wb in run.batch.workbooks if wb.readable and wb.file not in task_files]
    skipped: Counter[str] = Counter()
    for finding in run.findings.findings:
        if finding.code in SKIP_REASONS:
            skipped[finding.code] += int(finding.params.get("count", 1))
    values = [r.values for r in records]
    statuses = [d.get("status") for d in values]
    return DataFigures(
        files_without_tasks=files,
        skipped={code: skipped[code] for code in SKIP_REASONS if skipped[code]},
        no_due=[d.get("due") for d in values].count(None),
        no_owner=len(values) - sum(map(bool, [d.get("owner") for d in values])),
        issues=sum(v.flags.data_issue for v in analysis.tasks),
        # a status is unknown only when it has no value: the others are not asked
        no_status=sum(1 for r, status in zip(records, statuses) if status is None and status_unknown(r)),
    )


def data_line(run: Run, lang: str, key: str = "consolidate.data") -> str:
    figures = data_figures(run)
    names = ""
    if figures.files_without_tasks and key == "consolidate.data":
        names = ": " + ", ".join(figures.files_without_tasks) if lang != "zh" else "：" + "、".join(figures.files_without_tasks)
    return text(key, lang, files_without_tasks=len(figures.files_without_tasks), names=names,
                skipped=figures.skipped_rows, why=figures.why(lang), no_due=figures.no_due,
                no_owner=figures.no_owner, issues=figures.issues, no_status=figures.no_status)


def headline(run: Run) -> Headline:
    analysis = run.require_analysis()
    by_rag: dict[str, list[str]] = {"red": [], "amber": [], "green": []}
    for health in analysis.projects:
        by_rag.setdefault(health.rag, []).append(health.project)
    assert run.consolidated is not None
    return Headline(tasks=len(analysis.tasks), flags=count_flags(analysis),
                    overloaded_people=analysis.overloaded_owners, projects_by_rag=by_rag,
                    errors=run.findings.error_count, warnings=run.findings.warning_count,
                    unreadable=list(run.consolidated.unreadable), changes=len(run.changes))


def stamp_text(stamp: str) -> str:
    """A run's stamp as people read it: "2026-11-24 020000" -> "2026-11-24 02:00:00"."""
    import re

    found = re.match(r"^(\d{4}-\d{2}-\d{2}) (\d{2})(\d{2})(\d{2})(.*)$", stamp or "")
    if found:
        day, hh, mm, ss, rest = found.groups()
        return f"{day} {hh}:{mm}:{ss}{rest}"
    return stamp or "—"


def consolidation_lines(run: Run, lang: str) -> list[str]:
    """What the CLI (and the nightly log) says after a consolidation, line by line."""
    head = headline(run)
    analysis = run.require_analysis()
    lines = [text("consolidate.summary", lang, tasks=head.tasks, overdue=head.flags.overdue,
                  overloaded=len(head.overloaded_people), red=len(head.projects_by_rag["red"]),
                  errors=head.errors, warnings=head.warnings)]
    lines.append(data_line(run, lang))
    if head.overloaded_people:
        lines.append(text("consolidate.overloaded", lang, names=", ".join(head.overloaded_people)))
    if head.projects_by_rag["red"]:
        lines.append(text("consolidate.red", lang, names=", ".join(head.projects_by_rag["red"])))
    lines += [text("consolidate.unreadable", lang, file=name) for name in head.unreadable]
    if run.compared_with is not None:
        lines.append(text("consolidate.changes_run", lang, count=head.changes, stamp=stamp_text(run.compared_with.taken_at),
                          since=run.compared_with.as_of.isoformat()))
    lines += [text(w.code, lang, **w.params) for w in analysis.warnings]
    if run.master is not None:
        key = "consolidate.conflict" if run.conflict else "consolidate.written"
        lines.append(text(key, lang, path=run.master))
    return lines
