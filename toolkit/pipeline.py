"""The pipelines every entry point calls: read → validate → (consolidate → analyze → write).

Functions of their inputs, the settings and `as_of`; only entry points read the clock.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from .config import Settings
from .errors import Finding, InputError, OutputError
from .inputs.reader import read_workbook
from .inputs.safe_open import discover_inputs
from .model import Batch
from .run import FindingsReport, Run, SnapshotRef
from .validate import sort_findings, validate_batch

MASTER_NAME = "master.xlsx"
HISTORY_NAME = "history.sqlite"

Progress = Callable[[Path], None]


def read_inputs(paths: Sequence[Path], settings: Settings, progress: Progress | None = None,
                on_count: Callable[[int], None] | None = None) -> Batch:
    """Read every workbook under `paths` (files or folders). Unreadable files become findings."""
    files, found = discover_inputs([Path(p) for p in paths])
    if not files and not found:
        shown = ", ".join(str(p) for p in paths)
        raise InputError("no_inputs", paths=shown)
    if on_count:
        on_count(len(files))
    from .mapping import mapping_for

    workbooks = []
    for path, label in zip(files, _labels(files)):
        workbooks.append(read_workbook(path, limits=settings.limits, file_label=label,
                                       mapping=mapping_for(settings, path.name, path.stem)))
        if progress:
            progress(path)
    return Batch(workbooks=workbooks, findings=list(found))


def _labels(files: list[Path]) -> list[str]:
    """The file names people see; with the parent folder when two inputs share a name."""
    names = Counter(f.name for f in files)
    return [f.name if names[f.name] == 1 else f"{f.parent.name}/{f.name}" for f in files]


def run_validation(paths: Sequence[Path] | None, settings: Settings, as_of: date,
                   progress: Progress | None = None,
                   on_count: Callable[[int], None] | None = None) -> Run:
    """read → validate -> a Run holding the batch and its findings report.

    `paths` default to the configured `paths.inputs`.
    """
    batch = read_inputs(paths or [settings.resolve(settings.paths.inputs)], settings, progress, on_count)
    th = settings.thresholds
    batch.findings = sort_findings(batch.findings + validate_batch(batch, as_of, th.default_hours, th.default_capacity))
    return Run(as_of=as_of, settings=settings, batch=batch, findings=FindingsReport.of(batch))


def run_consolidation(paths: Sequence[Path] | None, settings: Settings, as_of: date, *,
                      output: Path | None = None, stamp: str, lang: str | None = None,
                      progress: Progress | None = None, on_count: Callable[[int], None] | None = None,
                      lock_timeout: float = 60.0) -> Run:
    """read → validate → consolidate → analyze → history → write the master (safely) -> the Run.

    `paths` default to `paths.inputs` and `output` to `master_path(settings)`. `stamp` names
    backups, conflict copies and the snapshot (the caller reads the clock, not this).
    """
    from .analyze import analyze
    from .consolidate import consolidate
    from .history import History
    from .inputs.previous_master import drop_known, read_carried_columns
    from .outputs.master import write_master
    from .outputs.safe_output import publish, run_lock

    language = lang or settings.language
    output = (output or master_path(settings)).resolve()
    url = history_url(settings, output)
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:   # a path component is a file, or the folder cannot be made
        raise OutputError("output_not_writable", folder=output.parent, reason=exc.strerror or exc) from exc
    with run_lock(output.parent, timeout=lock_timeout), History(url) as history:
        # the old master's hand-added columns first, before the inputs are in memory (peaks apart)
        carried_before = read_carried_columns(output, set())
        run = run_validation(paths, settings, as_of, progress, on_count)
        run.consolidated = merged = consolidate(run.batch)
        run.analysis = analyze(merged["tasks"], merged["team"], merged["projects"], merged["kpis"],
                               merged["risks"], merged["milestones"], settings, as_of)
        run.history_url = url
        previous = history.previous_snapshot(as_of)
        if previous is not None:
            from .calendar import WorkCalendar

            workdays = WorkCalendar.from_settings(settings.calendar).workdays_between
            run.changes = history.changes_between(previous.rows, run.analysis.tasks, as_of, workdays)
            run.compared_with = SnapshotRef(previous.as_of, previous.label)
        carried = drop_known(carried_before, merged.extra_task_headers)

        def write(target: Path) -> None:
            write_master(target, run, language, carried=carried)

        published = publish(write, output, keep_backups=settings.backups_keep, stamp=stamp)
        run.master, run.conflict, run.backup = published.path, published.conflict, published.backup
        history.store_snapshot(as_of, run.analysis.tasks, label=stamp)
    return run


def map_workbook(path: Path, settings: Settings) -> list:
    """What the reader makes of one workbook with the current mapping (`toolkit map FILE`)."""
    from .mapping import describe, mapping_for

    if not path.is_file():
        raise InputError("no_inputs", paths=str(path))
    wb = read_workbook(path, limits=settings.limits, mapping=mapping_for(settings, path.name, path.stem))
    return describe(wb)


def master_path(settings: Settings) -> Path:
    """Where the master lives: `master.xlsx` in the configured output folder."""
    return settings.resolve(settings.paths.output) / MASTER_NAME


def history_url(settings: Settings, output: Path) -> str:
    """The configured database URL, else a SQLite file beside the master."""
    if settings.history_url:
        return settings.history_url
    return f"sqlite:///{(output.parent / HISTORY_NAME).as_posix()}"


def uses_own_history(settings: Settings, output: Path) -> bool:
    """True when a master written to `output` keeps a history apart from the configured one
    (an explicit `-o` outside the configured output folder): entry points say so."""
    if settings.history_url:
        return False
    return output.resolve().parent != master_path(settings).resolve().parent


@dataclass(frozen=True)
class AnnotateOutcome:
    """What became of one readable input when annotated copies were asked for."""

    file: str
    copy: Path | None = None           # the annotated copy written
    skipped: bool = False              # not an xlsx/xlsm workbook: only those can be marked up
    problem: Finding | None = None     # openpyxl could not load it


def write_annotated_copies(run: Run, folder: Path, lang: str) -> list[AnnotateOutcome]:
    """An annotated copy of every readable input in `folder` (created if needed).

    Two inputs of one name (a/IT.xlsx, b/IT.xlsx) get distinct names ("a - IT.xlsx").
    Raises OutputError when the folder or a copy cannot be written.
    """
    from .errors import FileRejected
    from .outputs.annotate import write_annotated_copy

    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError("output_not_writable", folder=folder, reason=exc.strerror or exc) from exc
    outcomes = []
    for wb in run.batch.workbooks:
        if not wb.readable:
            continue
        try:
            written = write_annotated_copy(wb.path, list(run.findings.for_file(wb.file)), folder, lang,
                                           name=wb.file.replace("/", " - "), limits=run.settings.limits)
        except FileRejected as rejected:
            outcomes.append(AnnotateOutcome(wb.file, problem=rejected.finding))
        else:
            outcomes.append(AnnotateOutcome(wb.file, copy=written, skipped=written is None))
    return outcomes


# the report pipelines live in toolkit/reports.py (a report is one more output of a Run)
from .reports import ClosureOutcome, ReportOutcome, email_report, run_closure, run_weekly_report  # noqa: E402,F401
