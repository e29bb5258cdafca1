"""Headline figures of a run, counted once, for the CLI, the Dashboard, reports and emails.

Every count names its unit: `overloaded_tasks` are tasks, `overloaded_people` are owners.
"""
from __future__ import annotations

from dataclasses import dataclass, field

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
    tasks = analysis.tasks
    return FlagCounts(
        overdue=sum(v.flags.overdue for v in tasks),
        due_soon=sum(v.flags.due_soon for v in tasks),
        behind=sum(v.flags.behind for v in tasks),
        overloaded=sum(v.flags.overloaded for v in tasks),
        blocked=sum(v.flags.blocked for v in tasks),
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


def consolidation_lines(run: Run, lang: str) -> list[str]:
    """What the CLI (and the nightly log) says after a consolidation, line by line."""
    head = headline(run)
    analysis = run.require_analysis()
    lines = [text("consolidate.summary", lang, tasks=head.tasks, overdue=head.flags.overdue,
                  overloaded=len(head.overloaded_people), red=len(head.projects_by_rag["red"]),
                  errors=head.errors, warnings=head.warnings)]
    if head.overloaded_people:
        lines.append(text("consolidate.overloaded", lang, names=", ".join(head.overloaded_people)))
    if head.projects_by_rag["red"]:
        lines.append(text("consolidate.red", lang, names=", ".join(head.projects_by_rag["red"])))
    lines += [text("consolidate.unreadable", lang, file=name) for name in head.unreadable]
    if run.compared_with is not None:
        lines.append(text("consolidate.changes", lang, count=head.changes, since=run.compared_with.as_of.isoformat()))
    lines += [text(w.code, lang, **w.params) for w in analysis.warnings]
    if run.master is not None:
        key = "consolidate.conflict" if run.conflict else "consolidate.written"
        lines.append(text(key, lang, path=run.master))
    return lines
