"""The `toolkit` command line: each command parses, calls one pipeline function, shows the result.

Library errors become `Error: …` and an exit code (2 for an unusable call or config, 3 when an
output cannot be written); tracebacks only with --debug.
"""
from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from . import pipeline
from .config import Settings, load_settings
from .errors import InternalError, OutputError, ToolkitError
from .i18n import LANGS, text
from .present.findings import findings_by_file, findings_payload, summary_line
from .present.summary import consolidation_lines
from .run import Run

app = typer.Typer(add_completion=False, no_args_is_help=True, rich_markup_mode=None,
                  help="Ops Tracker Toolkit: validate and consolidate department Excel trackers.")
out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_OUTPUT = 0, 1, 2, 3
PROGRESS_FROM = 5   # show a progress bar from this many files


class _State:
    debug = False


@contextmanager
def guarded(lang: str) -> Iterator[None]:
    """The edge: a ToolkitError, or an operating-system error nobody wrapped, becomes one
    `Error: …` line and its exit code; the traceback only with --debug."""
    try:
        yield
    except ToolkitError as exc:
        _fail(exc, lang)
    except OSError as exc:
        _fail(OutputError("file_system", path=exc.filename or "", reason=exc.strerror or exc), lang, cause=exc)
    except (typer.Exit, typer.Abort, KeyboardInterrupt):
        raise
    except Exception as exc:  # noqa: BLE001 - the edge: a bug is one line and exit 4, the traceback with --debug
        _fail(InternalError("unexpected", kind=type(exc).__name__, reason=exc), lang, cause=exc)


def _fail(exc: ToolkitError, lang: str, cause: BaseException | None = None) -> None:
    err.print(text("error.prefix", lang) + exc.message(lang), markup=False)
    if _State.debug:
        raise cause or exc
    raise typer.Exit(exc.exit_code)


def parse_as_of(value: Optional[str]) -> date:
    """--as-of DATE, or today (entry points are the only place that read the clock)."""
    if not value:
        return date.today()
    try:
        return datetime.strptime(value.strip(), "%Y-%m-%d").date()
    except ValueError:
        raise ToolkitError("bad_date", value=value) from None


def check_lang(value: str) -> str:
    if value not in LANGS:
        raise ToolkitError("bad_lang", value=value)
    return value


def _settings(config: Optional[Path], lang: Optional[str]) -> tuple[Settings, str]:
    settings = load_settings(config)
    return settings, check_lang(lang or settings.language)


def _stamp() -> str:
    return datetime.now().strftime("%Y-%m-%d %H%M%S")


class _Bar:
    """A rich progress bar on stderr, shown only for batches of PROGRESS_FROM files or more."""

    def __init__(self, label: str, enabled: bool):
        self.label, self.enabled = label, enabled
        self.progress: Progress | None = None
        self.task: TaskID | None = None

    def count(self, total: int) -> None:
        if self.enabled and total >= PROGRESS_FROM:
            self.progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                     TimeElapsedColumn(), console=err, transient=True)
            self.progress.start()
            self.task = self.progress.add_task(self.label, total=total)

    def step(self, _path: Path) -> None:
        if self.progress is not None and self.task is not None:
            self.progress.advance(self.task)

    def close(self) -> None:
        if self.progress is not None:
            self.progress.stop()


def print_findings(run: Run, lang: str) -> None:
    for group in findings_by_file(run.findings, lang):
        table = Table(title=group.file, title_justify="left", show_lines=False, expand=False)
        table.add_column(text("col.place", lang), no_wrap=True)
        table.add_column(text("col.severity", lang))
        table.add_column(text("col.code", lang), style="dim", overflow="fold")
        table.add_column(text("col.message", lang), overflow="fold")
        for row in group.rows:
            style = {"error": "red", "warning": "yellow"}.get(row.severity, "dim")
            table.add_row(row.place, f"[{style}]{row.severity_label}[/{style}]", row.code, _escape(row.message))
        out.print(table)


def _escape(value: str) -> str:
    return value.replace("[", r"\[")


def _say(lines: list[str]) -> None:
    for line in lines:
        out.print(line, markup=False)


@app.callback()
def main_options(debug: bool = typer.Option(False, "--debug", help="Show tracebacks for errors.")) -> None:
    _State.debug = debug


@app.command()
def validate(
    paths: Optional[list[Path]] = typer.Argument(None, help="Workbooks or folders (default: paths.inputs of toolkit.toml)."),
    as_of: Optional[str] = typer.Option(None, "--as-of", help="Judge dates as of this day (YYYY-MM-DD); default today."),
    lang: Optional[str] = typer.Option(None, "--lang", help="en or zh (default: toolkit.toml, else en)."),
    as_json: bool = typer.Option(False, "--json", help="Print findings as JSON."),
    annotate: Optional[Path] = typer.Option(None, "--annotate", help="Write annotated copies into this folder."),
    config: Optional[Path] = typer.Option(None, "--config", help="toolkit.toml to use (default: ./toolkit.toml)."),
) -> None:
    """Check workbooks against the tracker standard.

    Example: toolkit validate workbooks/sample --lang zh

    Exit code 0 when no errors were found, 1 when there were, 2 for an unusable call,
    3 when annotated copies could not be written.
    """
    language = lang or "en"
    with guarded(language):
        settings, language = _settings(config, lang)
        bar = _Bar(text("validate.reading", language), enabled=not as_json)
        try:
            run = pipeline.run_validation(paths, settings, parse_as_of(as_of), progress=bar.step, on_count=bar.count)
        finally:
            bar.close()
        if as_json:
            out.print_json(json.dumps(findings_payload(run, language), ensure_ascii=False))
        else:
            print_findings(run, language)
            out.print(summary_line(run.findings, language), markup=False)
        if annotate is not None:
            _annotate(run, annotate, language, quiet=as_json)
    raise typer.Exit(EXIT_FINDINGS if run.findings.error_count else EXIT_OK)


def _annotate(run: Run, folder: Path, lang: str, quiet: bool) -> None:
    for outcome in pipeline.write_annotated_copies(run, folder, lang):
        if outcome.problem is not None:
            err.print(f"{outcome.file}: {outcome.problem.message(lang)}", markup=False)
        elif outcome.skipped:
            err.print(text("annotate.skipped", lang, file=outcome.file), markup=False)
    if not quiet:
        out.print(text("validate.annotated", lang, dir=folder), markup=False)


@app.command()
def consolidate(
    paths: Optional[list[Path]] = typer.Argument(None, help="Workbooks or folders (default: paths.inputs of toolkit.toml)."),
    output: Optional[Path] = typer.Option(None, "-o", "--output", help="Master workbook to write (default: output/master.xlsx)."),
    as_of: Optional[str] = typer.Option(None, "--as-of", help="Judge dates as of this day (YYYY-MM-DD); default today."),
    lang: Optional[str] = typer.Option(None, "--lang", help="en or zh (default: toolkit.toml, else en)."),
    config: Optional[Path] = typer.Option(None, "--config", help="toolkit.toml to use (default: ./toolkit.toml)."),
    wait: float = typer.Option(60.0, "--wait", help="Seconds to wait for another running consolidation."),
) -> None:
    """Consolidate department workbooks into one master tracker with flags and changes.

    Example: toolkit consolidate workbooks/sample -o output/master.xlsx --as-of 2026-11-24

    Exit code 0 when the inputs had no errors, 1 when they had errors or files that could not
    be read (the master is written all the same), 2 for an unusable call, 3 when the master or
    its history could not be written.
    """
    language = lang or "en"
    with guarded(language):
        settings, language = _settings(config, lang)
        day = parse_as_of(as_of)
        bar = _Bar(text("validate.reading", language), enabled=True)
        try:
            run = pipeline.run_consolidation(paths, settings, day, output=output, stamp=_stamp(), lang=language,
                                             progress=bar.step, on_count=bar.count, lock_timeout=wait)
        finally:
            bar.close()
        _say(consolidation_lines(run, language))
        if output is not None and pipeline.uses_own_history(settings, output):
            out.print(text("consolidate.own_history", language, url=run.history_url), markup=False)
        failed = bool(run.findings.error_count or (run.consolidated and run.consolidated.unreadable))
        if failed:   # the master is written; a nightly job can still tell the inputs need attention
            err.print(text("consolidate.exit_findings", language), markup=False)
    raise typer.Exit(EXIT_FINDINGS if failed else EXIT_OK)


@app.command("map")
def map_columns(
    file: Path = typer.Argument(..., help="A team's workbook."),
    write: bool = typer.Option(False, "--write", help="Write the mapping into toolkit.toml."),
    pattern: Optional[str] = typer.Option(None, "--pattern", help="File pattern the mapping is for (default: the file name)."),
    lang: Optional[str] = typer.Option(None, "--lang", help="en or zh (default: toolkit.toml, else en)."),
    config: Optional[Path] = typer.Option(None, "--config", help="toolkit.toml to use and write (default: ./toolkit.toml)."),
) -> None:
    """Show which header each standard column is read from (with example values) and what is missing.

    Example: toolkit map 客服部.xlsx --write
    """
    from .config import CONFIG_NAME
    from .mapping import mapping_lines, mapping_table, write_mapping

    language = lang or "en"
    with guarded(language):
        new_file = write and config is not None and not config.exists()   # --write creates it
        settings, language = _settings(None if new_file else config, lang)
        uses = pipeline.map_workbook(file, settings)
        _say(mapping_lines(uses, language))
        if write:
            target = write_mapping(config or Path(CONFIG_NAME), pattern or file.name, *mapping_table(uses))
            out.print(text("map.written", language, pattern=pattern or file.name, path=target), markup=False)


@app.command()
def init(
    folder: Path = typer.Argument(Path("."), help="Working folder to set up."),
    force: bool = typer.Option(False, "--force", help="Overwrite an existing toolkit.toml."),
    lang: str = typer.Option("en", "--lang", help="en or zh for the messages."),
) -> None:
    """Write a commented toolkit.toml and the folders it names (inputs, output, archive, inbox).

    Example: toolkit init my-pmo
    """
    from .workspace import init_workspace

    with guarded(lang):
        language = check_lang(lang)
        made = init_workspace(folder, overwrite=force)
        for path in made:
            out.print(f"  {path}", markup=False)
        out.print(text("init.done", language, folder=folder.resolve()), markup=False)


@app.command()
def demo(
    output: Path = typer.Option(Path("demo-output"), "-o", "--output", help="Folder for the demo outputs."),
    lang: str = typer.Option("en", "--lang", help="en or zh for the master and the summary."),
) -> None:
    """Validate and consolidate the bundled sample company; say where the outputs are.

    Example: toolkit demo --lang zh
    """
    from .demo import run_demo

    with guarded(lang if lang in LANGS else "en"):
        language = check_lang(lang)
        run = run_demo(output, language, stamp=_stamp(), show=lambda line: out.print(line, markup=False))
        _say(consolidation_lines(run, language))


report_app = typer.Typer(no_args_is_help=True, rich_markup_mode=None,
                         help="Word reports for leadership: the weekly report and the closure summary.")
app.add_typer(report_app, name="report")
_INPUTS = typer.Option(None, "--inputs", help="Workbooks or folders (default: paths.inputs of toolkit.toml).")
_OUT_DIR = typer.Option(None, "-o", "--output", help="Folder for the report (default: output/reports).")
_TEMPLATE = typer.Option(None, "--template", help="A .docx template to use instead of the shipped one.")


def _report_lines(outcome: pipeline.ReportOutcome, lang: str) -> None:
    _say(consolidation_lines(outcome.run, lang))
    if outcome.run.analysis is not None and outcome.context.get("report", {}).get("kind") == "weekly":
        _say([text("report.compared", lang, day=outcome.compared_with) if outcome.compared_with
              else text("report.not_compared", lang)])
    _say([text("report.written", lang, path=p) for p in (outcome.docx, outcome.pdf) if p])


def _email(outcome: pipeline.ReportOutcome, kind: str, settings: Settings, lang: str, project: Optional[str],
           force: bool) -> None:
    import os

    result = pipeline.email_report(outcome, kind, settings, lang, env=os.environ, now=datetime.now().astimezone(),
                                   project=project, force=force)
    _say([text("report.emailed", lang, result=result.message(lang))])


@report_app.command("weekly")
def report_weekly(
    as_of: Optional[str] = typer.Option(None, "--as-of", help="Report as of this day (YYYY-MM-DD); default today."),
    project: Optional[str] = typer.Option(None, "--project", help="Only this project."),
    all_projects: bool = typer.Option(False, "--all", help="Every project (the default)."),
    lang: Optional[str] = typer.Option(None, "--lang", help="en or zh (default: toolkit.toml, else en)."),
    pdf: bool = typer.Option(False, "--pdf", help="Also write a PDF (needs LibreOffice)."),
    output: Optional[Path] = _OUT_DIR, template: Optional[Path] = _TEMPLATE,
    email: bool = typer.Option(False, "--email", help="Email the report to the [email] recipients (or the outbox)."),
    force: bool = typer.Option(False, "--force", help="With --email: send even if this week's report was sent."),
    inputs: Optional[list[Path]] = _INPUTS,
    config: Optional[Path] = typer.Option(None, "--config", help="toolkit.toml to use (default: ./toolkit.toml)."),
) -> None:
    """Consolidate, then write the weekly Word report (headline, health, KPIs, lists) to output/reports.

    Example: toolkit report weekly --as-of 2026-11-24 --lang zh --pdf --email
    """
    with guarded(lang or "en"):
        settings, language = _settings(config, lang)
        if all_projects and project:
            raise ToolkitError("report_project_or_all")
        outcome = pipeline.run_weekly_report(settings, parse_as_of(as_of), stamp=_stamp(), lang=language,
                                             project=None if all_projects else project, paths=inputs,
                                             output_dir=output, pdf=pdf, template=template)
        _report_lines(outcome, language)
        if email:
            _email(outcome, "weekly", settings, language, project, force)


@report_app.command("closure")
def report_closure(
    project: str = typer.Argument(..., help="The project to close (as named in the Projects sheet)."),
    archive: bool = typer.Option(False, "--archive", help="Archive its files and add its lessons to the register."),
    as_of: Optional[str] = typer.Option(None, "--as-of", help="Report as of this day (YYYY-MM-DD); default today."),
    lang: Optional[str] = typer.Option(None, "--lang", help="en or zh (default: toolkit.toml, else en)."),
    pdf: bool = typer.Option(False, "--pdf", help="Also write a PDF (needs LibreOffice)."),
    output: Optional[Path] = _OUT_DIR, template: Optional[Path] = _TEMPLATE,
    email: bool = typer.Option(False, "--email", help="Email the summary to the [email] recipients (or the outbox)."),
    inputs: Optional[list[Path]] = _INPUTS,
    config: Optional[Path] = typer.Option(None, "--config", help="toolkit.toml to use (default: ./toolkit.toml)."),
) -> None:
    """Write a project's closure summary; with --archive, archive it and feed the lessons register.

    Example: toolkit report closure 供应商对账自动化 --archive --lang zh
    """
    with guarded(lang or "en"):
        settings, language = _settings(config, lang)
        outcome = pipeline.run_closure(settings, parse_as_of(as_of), project, stamp=_stamp(), lang=language,
                                       archive=archive, paths=inputs, output_dir=output, pdf=pdf, template=template)
        _report_lines(outcome, language)
        if outcome.archive is not None:
            _say([text("report.archived", language, count=len(outcome.archived), folder=outcome.archive),
                  text("report.lessons_added", language, path=outcome.register, added=outcome.lessons_added,
                       known=outcome.lessons_known)])
        if email:
            _email(outcome, "closure", settings, language, project, False)


@app.command()
def send(
    files: list[Path] = typer.Argument(..., help="Files to attach."),
    to: Optional[list[str]] = typer.Option(None, "--to", help="Recipient (repeat for more; default: [email] recipients)."),
    subject: Optional[str] = typer.Option(None, "--subject", help="Subject (default: the [email] template)."),
    lang: Optional[str] = typer.Option(None, "--lang", help="en or zh (default: toolkit.toml, else en)."),
    config: Optional[Path] = typer.Option(None, "--config", help="toolkit.toml to use (default: ./toolkit.toml)."),
) -> None:
    """Email files through the configured transport (outbox folder or SMTP).

    Example: toolkit send output/reports/weekly_2026-11-24_zh.pdf --to boss@example.com
    """
    import os

    from .deliver import send_files

    with guarded(lang or "en"):
        settings, language = _settings(config, lang)
        result = send_files(files, to or [], settings, language, subject, env=os.environ,
                            now=datetime.now().astimezone())
        _say([text("report.emailed", language, result=result.message(language))])


# ------------------------------------------------------------------ unattended: the nightly job and the drop folder

def _stop_on_signals():
    """An event set by SIGTERM / SIGINT (SIGBREAK on Windows): the current job finishes, then the loop ends."""
    import signal
    import threading

    stop = threading.Event()
    for name in ("SIGTERM", "SIGINT", "SIGBREAK"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), lambda *_: stop.set())
    return stop


@app.command()
def schedule(
    lang: Optional[str] = typer.Option(None, "--lang", help="en or zh (default: toolkit.toml, else en)."),
    config: Optional[Path] = typer.Option(None, "--config", help="toolkit.toml to use (default: ./toolkit.toml)."),
) -> None:
    """Run the nightly consolidation and the weekly report (emailed) at the [schedule] times, until stopped.

    Example: toolkit schedule --config /srv/pmo/toolkit.toml

    A night missed while it was not running is caught up on start; SIGTERM finishes the current
    job and exits 0. Log: toolkit-jobs.log in the output folder.
    """
    from .jobs.scheduler import run_schedule, setup_logging

    language = lang or "en"
    with guarded(language):
        settings, language = _settings(config, lang)
        stop, cfg = _stop_on_signals(), settings.schedule
        log = setup_logging(settings)
        out.print(text("schedule.started", language, nightly=cfg.consolidate_at, day=cfg.weekly_report_day,
                       weekly=cfg.weekly_report_at, log=log), markup=False)
        run_schedule(settings, language, stop)
        out.print(text("schedule.stopped", language), markup=False)


def _run_job(job: str, lang: Optional[str], config: Optional[Path]) -> None:
    from .jobs.scheduler import JobRunner, setup_logging

    language = lang or "en"
    with guarded(language):
        settings, language = _settings(config, lang)
        setup_logging(settings)
        outcome = JobRunner(settings, language).run(job)
        (err if outcome.result == "failed" else out).print(f"{text('job.' + job, language)}: "
                                                           f"{text('job.result.' + outcome.result, language)}: "
                                                           f"{outcome.message}", markup=False)
    raise typer.Exit(outcome.exit_code)


@app.command("run-nightly")
def run_nightly(
    lang: Optional[str] = typer.Option(None, "--lang", help="en or zh (default: toolkit.toml, else en)."),
    config: Optional[Path] = typer.Option(None, "--config", help="toolkit.toml to use (default: ./toolkit.toml)."),
) -> None:
    """Run the nightly consolidation once, now (for cron, systemd timers, Windows Task Scheduler).

    Example: toolkit run-nightly --config /srv/pmo/toolkit.toml

    Exit code 0 ok, 1 the inputs have errors (the master is written), 2 bad configuration,
    3 the master could not be written. Recorded for `toolkit status`, logged in toolkit-jobs.log.
    """
    _run_job("nightly", lang, config)


@app.command("run-weekly")
def run_weekly(
    lang: Optional[str] = typer.Option(None, "--lang", help="en or zh (default: toolkit.toml, else en)."),
    config: Optional[Path] = typer.Option(None, "--config", help="toolkit.toml to use (default: ./toolkit.toml)."),
) -> None:
    """Make the weekly report and email it once, now (for system schedulers).

    Example: toolkit run-weekly --config /srv/pmo/toolkit.toml
    """
    _run_job("weekly", lang, config)


@app.command()
def status(
    lang: Optional[str] = typer.Option(None, "--lang", help="en or zh (default: toolkit.toml, else en)."),
    config: Optional[Path] = typer.Option(None, "--config", help="toolkit.toml to use (default: ./toolkit.toml)."),
) -> None:
    """Show the last run of each unattended job, its result and its next run, and the drop folder.

    Example: toolkit status
    """
    from .jobs.status import job_status

    language = lang or "en"
    with guarded(language):
        settings, language = _settings(config, lang)
        state = job_status(settings, datetime.now())
        out.print(_status_table(state, language))
        out.print(text("status.inbox", language, **{k: getattr(state.inbox, k) for k in
                  ("inbox", "accepted", "rejected", "duplicates", "waiting", "pending")}), markup=False)
        out.print(text("status.log", language, log=state.log), markup=False)


def _status_table(state, lang: str) -> Table:
    table = Table(show_lines=False, expand=False)
    for key in ("job", "last", "result", "next", "message"):
        table.add_column(text(f"status.col.{key}", lang), overflow="fold")
    for job in state.jobs:
        last = job.last
        when = f"{last.started:%Y-%m-%d %H:%M}" if last else text("status.never", lang)
        result = text(f"job.result.{last.result}", lang) if last else ""
        upcoming = f"{job.next:%Y-%m-%d %H:%M}" if job.next else text("status.on_event", lang)
        table.add_row(text(f"job.{job.job}", lang), when, result, upcoming, _escape(last.message if last else ""))
    return table


@app.command()
def watch(
    inbox: Optional[Path] = typer.Argument(None, help="Drop folder to watch (default: paths.inbox of toolkit.toml)."),
    poll: bool = typer.Option(False, "--poll", help="Poll instead of file-system events (network shares poll anyway)."),
    lang: Optional[str] = typer.Option(None, "--lang", help="en or zh (default: toolkit.toml, else en)."),
    config: Optional[Path] = typer.Option(None, "--config", help="toolkit.toml to use (default: ./toolkit.toml)."),
) -> None:
    """Watch the drop folder: accept or reject each workbook once, re-consolidate after each burst.

    Example: toolkit watch inbox/ --poll

    Accepted workbooks replace their department's input; rejected ones go to inbox/rejected/<date>/
    with a reason file. SIGTERM finishes the current file and exits 0.
    """
    from .jobs.scheduler import setup_logging
    from .jobs.watcher import Watcher

    language = lang or "en"
    with guarded(language):
        settings, language = _settings(config, lang)
        stop = _stop_on_signals()
        setup_logging(settings)
        watcher = Watcher(settings, language, inbox=inbox, poll=poll, report=lambda e: _say(_watch_lines(e, language)))
        how = lambda kind: text("watch.how.native", language) if kind == "native" else text(  # noqa: E731
            "watch.how.poll", language, seconds=settings.inbox.poll_seconds)
        watcher.run(stop, on_ready=lambda kind: out.print(text("watch.started", language, inbox=watcher.inbox,
                                                                how=how(kind)), markup=False))
        out.print(text("watch.stopped", language), markup=False)


def _watch_lines(event, lang: str) -> list[str]:
    if event.kind == "consolidated":
        return [text("watch.consolidated", lang, master=event.master, files=event.files)]
    if event.kind == "failed":
        return [text("error.prefix", lang) + event.message]
    d = event.dropped
    if d.status == "accepted":
        return [text("watch.accepted", lang, file=d.name, target=d.target, count=len(d.findings))]
    return [text(f"watch.{d.status}", lang, file=d.name, reason=d.reason)]


def main() -> None:
    """Console-script entry point."""
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)
