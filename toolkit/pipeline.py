"""The pipelines every entry point calls: read → validate → (consolidate → analyze → write).

Functions of their inputs, the settings and `as_of`; only entry points read the clock.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from .config import Settings
from .errors import Finding, InputError
from .inputs.reader import read_workbook
from .inputs.safe_open import discover_inputs
from .model import Batch

if TYPE_CHECKING:
    from .consolidate import Consolidated
    from .results import Analysis
from .validate import sort_findings, validate_batch

Progress = Callable[[Path], None]


def read_inputs(paths: Sequence[Path], settings: Settings, progress: Progress | None = None,
                on_count: Callable[[int], None] | None = None) -> Batch:
    """Read every workbook under `paths` (files or folders). Unreadable files become findings."""
    files, found = discover_inputs([Path(p) for p in paths])
    if not files and not found:
        shown = ", ".join(str(p) for p in paths)
        raise InputError(f"no workbooks found in {shown}", f"在 {shown} 中未找到工作簿")
    if on_count:
        on_count(len(files))
    workbooks = []
    for path, label in zip(files, _labels(files)):
        workbooks.append(read_workbook(path, limits=settings.limits, file_label=label))
        if progress:
            progress(path)
    return Batch(workbooks=workbooks, findings=list(found))


def _labels(files: list[Path]) -> list[str]:
    """The file names people see; with the parent folder when two inputs share a name."""
    names = Counter(f.name for f in files)
    return [f.name if names[f.name] == 1 else f"{f.parent.name}/{f.name}" for f in files]


def run_validation(paths: Sequence[Path], settings: Settings, as_of: date,
                   progress: Progress | None = None,
                   on_count: Callable[[int], None] | None = None) -> Batch:
    batch = read_inputs(paths, settings, progress, on_count)
    batch.findings = sort_findings(batch.findings + validate_batch(batch, as_of))
    return batch


@dataclass
class FileSummary:
    file: str
    errors: int
    warnings: int
    readable: bool


def summarize_files(batch: Batch) -> list[FileSummary]:
    by_file: dict[str, list[Finding]] = {}
    for finding in batch.findings:
        by_file.setdefault(finding.file, []).append(finding)
    summaries = []
    for wb in batch.workbooks:
        found = by_file.get(wb.file, [])
        summaries.append(FileSummary(wb.file, sum(f.is_error for f in found),
                                     sum(not f.is_error for f in found), wb.readable))
    return summaries


@dataclass
class ConsolidationResult:
    master: Path
    conflict: bool                 # saved as a conflict copy because the master was open/locked
    backup: Path | None
    batch: Batch
    consolidated: "Consolidated"
    analysis: "Analysis"
    changes: list
    previous_snapshot: date | None

    @property
    def red_projects(self) -> list[str]:
        return [p.project for p in self.analysis.projects if p.rag == "red"]


def run_consolidation(paths: Sequence[Path], settings: Settings, as_of: date, *, output: Path,
                      stamp: str, lang: str | None = None, progress: Progress | None = None,
                      on_count: Callable[[int], None] | None = None,
                      lock_timeout: float = 60.0) -> ConsolidationResult:
    """read → validate → consolidate → analyze → history → write the master (safely).

    `stamp` names backups and conflict copies (the caller reads the clock, not this).
    """
    from .analyze import analyze
    from .consolidate import consolidate
    from .history import History
    from .outputs.master_writer import read_carried_columns, write_master
    from .outputs.safe_output import publish, run_lock

    language = lang or settings.language
    output = output.resolve()
    output.parent.mkdir(parents=True, exist_ok=True)
    with run_lock(output.parent, timeout=lock_timeout), History(history_url(settings, output)) as history:
        batch = run_validation(paths, settings, as_of, progress, on_count)
        merged = consolidate(batch)
        analysis = analyze(merged["tasks"], merged["team"], merged["projects"], merged["kpis"],
                           merged["risks"], merged["milestones"], settings, as_of)
        previous = history.previous_snapshot(as_of)
        changes = history.changes_between(previous.rows, analysis.tasks, as_of) if previous else []
        carried_headers, carried = read_carried_columns(output, set(merged.extra_task_headers))

        def write(target: Path) -> None:
            write_master(target, analysis=analysis, team=merged["team"], projects=merged["projects"],
                         lessons=merged["lessons"], changes=changes, findings=batch.findings,
                         lang=language, as_of=as_of, extra_task_headers=merged.extra_task_headers,
                         carried=carried, carried_headers=carried_headers)

        published = publish(write, output, keep_backups=settings.backups_keep, stamp=stamp)
        history.store_snapshot(as_of, analysis.tasks, label=stamp)
    return ConsolidationResult(published.path, published.conflict, published.backup, batch, merged,
                               analysis, changes, previous.as_of if previous else None)


def history_url(settings: Settings, output: Path) -> str:
    """The configured database URL, else a SQLite file beside the master."""
    if settings.history_url:
        return settings.history_url
    return f"sqlite:///{(output.parent / 'history.sqlite').as_posix()}"
