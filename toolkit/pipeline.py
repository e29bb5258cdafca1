"""The pipelines every entry point calls: read → validate → (consolidate → analyze → write).

Functions of their inputs, the settings and `as_of`; only entry points read the clock.
"""
from __future__ import annotations

import gc
import os
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from .config import Settings
from .errors import Finding, InputError, OutputError, Severity
from .i18n import text
from .inputs.own_outputs import content_key, duplicate_finding, own_output_finding, toolkit_output_kind
from .inputs.reader import read_workbook
from .inputs.safe_open import discover_inputs
from .model import Batch, WorkbookData
from .read_workers import read_all, worker_processes
from .run import FindingsReport, Run, SnapshotRef
from .validate import FileChecks, sort_findings, validate_batch

MASTER_NAME = "master.xlsx"
HISTORY_NAME = "history.sqlite"

Progress = Callable[[Path], None]


def read_inputs(paths: Sequence[Path], settings: Settings, progress: Progress | None = None,
                on_count: Callable[[int], None] | None = None, output: Path | None = None,
                make_records: bool = False, on_workbook: Callable[[WorkbookData], None] | None = None) -> Batch:
    """Read every workbook under `paths` (files or folders). Unreadable files become findings.
    `on_workbook` is called on each workbook kept, in order, as it is read (here, while the
    workers read on).

    Rows read column-wise stay in blocks until Records are asked for (a run that only validates
    never asks); `make_records` makes them as the files are read (in the reader threads, or here
    as each workbook comes back from a worker process), for a run that will use them all
    (consolidation).

    The toolkit's own outputs (masters, their backups and conflict copies, annotated copies)
    are skipped with a finding; a file whose bytes equal an earlier input's is dropped, with a
    finding. An `output` that is one of the (other) inputs is refused before anything is read.
    """
    files, found = discover_inputs([Path(p) for p in paths])
    if not files and not found:
        shown = ", ".join(str(p) for p in paths)
        raise InputError("no_inputs", paths=shown)
    found = list(found)
    if output is not None:
        for path in files:
            if _same_file(path, output) and toolkit_output_kind(path) is None:
                raise InputError("output_is_input", path=output)
    if on_count:
        on_count(len(files))
    from .mapping import mapping_for

    processes = worker_processes(len(files)) if settings.reading.processes else 0
    records_here = make_records and not processes

    def vet_and_read(chosen_file: tuple[Path, str]) -> _Vetted:
        """The file vetted (one of the toolkit's own outputs is not read) and read, in a worker:
        the vetting (a look inside the zip, the file's SHA-256) runs beside the reading too."""
        path, label = chosen_file
        kind = toolkit_output_kind(path)
        if kind is not None:
            return _Vetted(kind, None, None)
        workbook = read_workbook(path, limits=settings.limits, file_label=label, reading=settings.reading,
                                 mapping=mapping_for(settings, path.name, path.stem))
        if records_here:
            for table in workbook.tables:
                table.make_records()        # in this reader thread, while other files are parsed
        return _Vetted(None, content_key(path), workbook)

    workbooks = []
    first_of: dict[tuple[int, str], str] = {}
    # Many files are read in worker processes, a few on threads (read_workers.py); results keep
    # their order. Records are made where the rows are typed on threads; from worker processes
    # the rows come back in blocks (a third of the bytes) and are made Records here, while the
    # workers read on. A file whose bytes equal an earlier one's is read, then dropped here (the
    # earlier is known only in order; such copies are rare).
    chosen = list(zip(files, _labels(files)))
    for (path, label), vetted in zip(chosen, read_all(chosen, vet_and_read, processes=processes)):
        if progress:
            progress(path)
        if vetted.own_output is not None:
            found.append(own_output_finding(path, label, vetted.own_output))
            continue
        if vetted.content_key is not None:
            if vetted.content_key in first_of:
                found.append(duplicate_finding(path, label, first_of[vetted.content_key]))
                continue
            first_of[vetted.content_key] = label
        workbook = vetted.workbook
        assert workbook is not None
        if make_records and processes:
            for table in workbook.tables:
                table.make_records()
        workbooks.append(workbook)
        if on_workbook is not None:
            on_workbook(workbook)
        if _FROZEN_RUNS[0]:
            gc.freeze()      # in a run (see _records_frozen): what is read stays; collections need not walk it
    return Batch(workbooks=workbooks, findings=found)


@dataclass
class _Vetted:
    """One input file as a reader returns it: one of the toolkit's own outputs (not read), or
    read, with its (size, SHA-256) to find copies of an earlier input."""
    own_output: str | None
    content_key: tuple[int, str] | None
    workbook: WorkbookData | None


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return Path(a).resolve() == Path(b).resolve()


def _labels(files: list[Path]) -> list[str]:
    """The file names people see; with the parent folder when two inputs share a name."""
    names = Counter(f.name for f in files)
    return [f.name if names[f.name] == 1 else f"{f.parent.name}/{f.name}" for f in files]


def run_validation(paths: Sequence[Path] | None, settings: Settings, as_of: date,
                   progress: Progress | None = None,
                   on_count: Callable[[int], None] | None = None, output: Path | None = None,
                   make_records: bool = False, on_read: Callable[[], None] | None = None) -> Run:
    """read → validate -> a Run holding the batch and its findings report.

    `paths` default to the configured `paths.inputs`; `output` is the master about to be written;
    `make_records`: see `read_inputs` (the batch's Records are made on first use otherwise);
    `on_read` is called once the inputs are read, before they are validated.
    """
    with _records_frozen():
        checked = FileChecks(as_of)     # the checks of one file at a time, run as each is read
        batch = read_inputs(paths or [settings.resolve(settings.paths.inputs)], settings, progress, on_count, output,
                            make_records, on_workbook=checked)
        if on_read is not None:
            on_read()
        gc.freeze()
        th = settings.thresholds
        batch.findings = sort_findings(batch.findings + validate_batch(batch, as_of, th.default_hours,
                                                                       th.default_capacity, checked))
        batch.release_columns()
        return Run(as_of=as_of, settings=settings, batch=batch, findings=FindingsReport.of(batch))


_FROZEN_RUNS = [0, 0]       # runs going on, objects frozen before the first of them


@contextmanager
def _records_frozen() -> Iterator[None]:
    """The objects alive once the inputs are read (millions: records, their dicts and values) are
    moved out of the cyclic garbage collector's reach (`gc.freeze()`, called after reading and
    after analysing) until the outermost run ends. They live as long as the run anyway; without
    it every full collection walks them all again while validation, analysis and the master make
    their objects (about a third of those stages' time on 100 000 tasks). Freed objects are still
    freed at once. Objects a caller froze before (a server before forking) stay frozen.

    The youngest generation is also collected every `RUN_GC_THRESHOLD` new objects instead of
    700 while the run goes on: a run makes millions of short-lived objects that reference
    counting frees anyway (measured on a 100 000-task run: 0.3 s at 700; 9 collections and
    0.18 s at 50 000; one collection and 0.05 s at 1 000 000, the same peak), and garbage in
    cycles still goes, a little later. The thresholds are restored when the outermost run ends."""
    outermost = _FROZEN_RUNS[0] == 0
    if outermost:
        _FROZEN_RUNS[1] = gc.get_freeze_count()
        thresholds = gc.get_threshold()
        gc.set_threshold(max(thresholds[0], RUN_GC_THRESHOLD), *thresholds[1:])
    _FROZEN_RUNS[0] += 1
    try:
        yield
    finally:
        _FROZEN_RUNS[0] -= 1
        if outermost:
            gc.set_threshold(*thresholds)
        if _FROZEN_RUNS[0] == 0 and _FROZEN_RUNS[1] == 0:
            gc.unfreeze()


RUN_GC_THRESHOLD = 1_000_000


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
    from .inputs.carried_soon import read_carried_columns_soon
    from .inputs.previous_master import match_carried, without_headers
    from .outputs.master import write_master
    from .outputs.master.book import task_keys
    from .outputs.safe_output import clean_stale_temps, publish, refuse_link, run_lock
    from .results import Reason

    language = lang or settings.language
    given = output or master_path(settings)
    output = given.parent.resolve() / given.name        # the path itself: a link there is refused, not followed
    refuse_link(output)
    url = history_url(settings, output)
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:   # a path component is a file, or the folder cannot be made
        raise OutputError("output_not_writable", folder=output.parent, reason=exc.strerror or exc) from exc
    with run_lock(output.parent, timeout=lock_timeout), _records_frozen():
        clean_stale_temps(output)
        # the old master's hand-added columns are read in a helper process (inputs/carried_soon.py;
        # only those columns' cells are kept: inputs/sheet_columns.py), started now and let go
        # once the inputs are read: the workers reading them use every core, while validation,
        # analysis and the history below use one
        carried_soon = read_carried_columns_soon(output, held=True)
        try:
            run = run_validation(paths, settings, as_of, progress, on_count, output=output, make_records=True,
                                 on_read=carried_soon.go)
        except BaseException:
            carried_soon()      # a problem with the old master is told first, as before
            raise
        with History(url, series=str(output), stamp=stamp) as history:
            run.consolidated = merged = consolidate(run.batch)
            run.analysis = analyze(merged["tasks"], merged["team"], merged["projects"], merged["kpis"],
                                   merged["risks"], merged["milestones"], settings, as_of)
            gc.freeze()         # the analysis lives as long as the run, like the records
            run.history_url, run.history_series = url, history.series
            if history.damaged_kept is not None:
                run.analysis.warnings.append(Reason("history.damaged", {"file": _history_name(url),
                                                                        "kept": history.damaged_kept.name}))
            previous = history.previous_snapshot(as_of)
            if previous is not None:
                from .calendar import WorkCalendar

                workdays = WorkCalendar.from_settings(settings.calendar).workdays_between
                run.changes = history.changes_between(previous.rows, run.analysis.tasks, as_of, workdays)
                run.compared_with = SnapshotRef(previous.as_of, previous.label)
                del previous          # its rows are not needed while the master is written (memory)
            carried = without_headers(carried_soon(), set(merged.extra_task_headers))
            # every task's key, once for this match and the master's (only when rows are carried)
            keys = task_keys(run.analysis.tasks) if carried.rows else None
            matched = match_carried(carried, keys or ())
            unmatched = matched.unmatched
            if unmatched:
                _add_finding(run, Finding("carried-unmatched", Severity.WARNING, output.name, path=None,
                                          params={"count": sum(len(r.values) for r in unmatched),
                                                  "sheet": text("sheet.carried_unmatched", language)}))

            def write(target: Path) -> None:
                write_master(target, run, language, carried=carried, keys=keys, matched=matched)

            history.check_writable()        # before the master is replaced: a refusal then is true
            published = publish(write, output, keep_backups=settings.backups_keep, stamp=stamp)
            run.master, run.conflict, run.backup = published.path, published.conflict, published.backup
            try:
                history.store_snapshot(as_of, run.analysis.tasks, label=stamp)
            except OutputError as exc:
                raise OutputError("history_after_publish", path=published.path, url=exc.params.get("url", url),
                                  reason=exc.params.get("reason", exc)) from exc
    return run


def _add_finding(run: Run, finding: Finding) -> None:
    run.batch.findings.append(finding)
    run.findings = FindingsReport.of(run.batch)


def _history_name(url: str) -> str:
    return url.rsplit("/", 1)[-1] if url.startswith("sqlite") else url


def map_workbook(path: Path, settings: Settings) -> list:
    """What the reader makes of one workbook with the current mapping (`toolkit map FILE`)."""
    from .mapping import describe, mapping_for

    if not path.is_file():
        raise InputError("no_inputs", paths=str(path))
    wb = read_workbook(path, limits=settings.limits, mapping=mapping_for(settings, path.name, path.stem),
                       reading=settings.reading)
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
