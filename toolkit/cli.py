"""The `toolkit` command line: each command parses, calls one pipeline function, shows the result.

Library errors become `Error: …` and an exit code (2 for an unusable call or config);
tracebacks only with --debug.
"""
from __future__ import annotations

import json
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from . import pipeline
from .config import Settings, load_settings
from .errors import FileRejected, Finding, ToolkitError
from .i18n import text

app = typer.Typer(add_completion=False, no_args_is_help=True, rich_markup_mode=None,
                  help="Ops Tracker Toolkit: validate and consolidate department Excel trackers.")
out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2
PROGRESS_FROM = 5   # show a progress bar from this many files


class _State:
    debug = False


def _fail(exc: ToolkitError, lang: str) -> None:
    err.print(text("error.prefix", lang) + exc.message(lang), markup=False)
    if _State.debug:
        raise exc
    raise typer.Exit(exc.exit_code)


def parse_as_of(value: Optional[str], lang: str = "en") -> date:
    """--as-of DATE, or today (entry points are the only place that read the clock)."""
    if not value:
        return date.today()
    try:
        return datetime.strptime(value.strip(), "%Y-%m-%d").date()
    except ValueError:
        raise ToolkitError(text("error.bad_date", "en", value=value), text("error.bad_date", "zh", value=value)) from None


def _settings(config: Optional[Path], lang: Optional[str]) -> tuple[Settings, str]:
    settings = load_settings(config)
    chosen = lang or settings.language
    if chosen not in ("en", "zh"):
        raise ToolkitError(text("error.bad_lang", "en"), text("error.bad_lang", "zh"))
    return settings, chosen


class _Bar:
    """A rich progress bar on stderr, shown only for batches of PROGRESS_FROM files or more."""

    def __init__(self, label: str, enabled: bool):
        self.label, self.enabled = label, enabled
        self.progress: Progress | None = None
        self.task = None

    def count(self, total: int) -> None:
        if self.enabled and total >= PROGRESS_FROM:
            self.progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                     TimeElapsedColumn(), console=err, transient=True)
            self.progress.start()
            self.task = self.progress.add_task(self.label, total=total)

    def step(self, _path: Path) -> None:
        if self.progress is not None:
            self.progress.advance(self.task)

    def close(self) -> None:
        if self.progress is not None:
            self.progress.stop()


def print_findings(findings: list[Finding], summaries: list[pipeline.FileSummary], lang: str) -> None:
    by_file: dict[str, list[Finding]] = {}
    for finding in findings:
        by_file.setdefault(finding.file, []).append(finding)
    files = [s.file for s in summaries] + [f for f in by_file if f not in {s.file for s in summaries}]
    for name in files:
        found = by_file.get(name)
        if not found:
            continue
        table = Table(title=name, title_justify="left", show_lines=False, expand=False)
        table.add_column(text("col.place", lang), no_wrap=True)
        table.add_column(text("col.severity", lang))
        table.add_column(text("col.code", lang), style="dim", overflow="fold")
        table.add_column(text("col.message", lang), overflow="fold")
        for f in found:
            severity = text(f"severity.{f.severity.value}", lang)
            style = "red" if f.is_error else "yellow"
            place = " › ".join(p for p in (f.sheet, f.cell) if p) or "—"
            table.add_row(place, f"[{style}]{severity}[/{style}]", f.code, _escape(f.message(lang)))
        out.print(table)


def _escape(value: str) -> str:
    return value.replace("[", r"\[")


@app.callback()
def main_options(debug: bool = typer.Option(False, "--debug", help="Show tracebacks for errors.")) -> None:
    _State.debug = debug


@app.command()
def validate(
    paths: list[Path] = typer.Argument(..., help="Workbooks or folders of workbooks."),
    as_of: Optional[str] = typer.Option(None, "--as-of", help="Judge dates as of this day (YYYY-MM-DD); default today."),
    lang: Optional[str] = typer.Option(None, "--lang", help="en or zh (default: toolkit.toml, else en)."),
    as_json: bool = typer.Option(False, "--json", help="Print findings as JSON."),
    annotate: Optional[Path] = typer.Option(None, "--annotate", help="Write annotated copies into this folder."),
    config: Optional[Path] = typer.Option(None, "--config", help="toolkit.toml to use (default: ./toolkit.toml)."),
) -> None:
    """Check workbooks against the tracker standard.

    Example: toolkit validate workbooks/sample --lang zh

    Exit code 0 when no errors were found, 1 when there were, 2 for an unusable call.
    """
    language = lang or "en"
    try:
        settings, language = _settings(config, lang)
        day = parse_as_of(as_of, language)
        bar = _Bar(text("validate.reading", language), enabled=not as_json)
        try:
            batch = pipeline.run_validation(paths, settings, day, progress=bar.step, on_count=bar.count)
        finally:
            bar.close()
    except ToolkitError as exc:
        _fail(exc, language)
        return
    summaries = pipeline.summarize_files(batch)
    if as_json:
        payload = {
            "as_of": day.isoformat(),
            "files": [s.__dict__ for s in summaries],
            "errors": batch.error_count,
            "warnings": batch.warning_count,
            "findings": [f.as_dict(language) for f in batch.findings],
        }
        out.print_json(json.dumps(payload, ensure_ascii=False))
    else:
        print_findings(batch.findings, summaries, language)
        if batch.findings:
            out.print(text("validate.summary", language, files=len(summaries), errors=batch.error_count,
                           warnings=batch.warning_count))
        else:
            out.print(text("validate.clean", language, files=len(summaries)))
    if annotate is not None:
        _annotate(batch, annotate, language, quiet=as_json)
    raise typer.Exit(EXIT_FINDINGS if batch.error_count else EXIT_OK)


def _annotate(batch, folder: Path, lang: str, quiet: bool) -> None:
    from .outputs.annotate import write_annotated_copy

    folder.mkdir(parents=True, exist_ok=True)
    for wb in batch.workbooks:
        if not wb.readable:
            continue
        found = [f for f in batch.findings if f.file == wb.file]
        try:
            # two inputs of one name (a/IT.xlsx, b/IT.xlsx) must not overwrite each other's copy
            written = write_annotated_copy(wb.path, found, folder, lang, name=wb.file.replace("/", " - "))
        except FileRejected as rejected:
            err.print(f"{wb.file}: {rejected.finding.message(lang)}", markup=False)
        except ToolkitError as exc:
            _fail(exc, lang)
        else:
            if written is None:     # xls, xlsb, ods, csv: only xlsx/xlsm can be marked up
                err.print(text("annotate.skipped", lang, file=wb.file), markup=False)
    if not quiet:
        out.print(text("validate.annotated", lang, dir=folder))


def _stamp() -> str:
    return datetime.now().strftime("%Y-%m-%d %H%M%S")


def _default_output(settings: Settings) -> Path:
    return settings.resolve(settings.paths.output) / "master.xlsx"


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
    """
    language = lang or "en"
    try:
        settings, language = _settings(config, lang)
        day = parse_as_of(as_of, language)
        inputs = paths or [settings.resolve(settings.paths.inputs)]
        bar = _Bar(text("validate.reading", language), enabled=True)
        try:
            result = pipeline.run_consolidation(inputs, settings, day, output=output or _default_output(settings),
                                                stamp=_stamp(), lang=language, progress=bar.step,
                                                on_count=bar.count, lock_timeout=wait)
        finally:
            bar.close()
    except ToolkitError as exc:
        _fail(exc, language)
        return
    print_consolidation(result, language)


def print_consolidation(result: "pipeline.ConsolidationResult", lang: str) -> None:
    analysis = result.analysis
    tasks = analysis.tasks
    overdue = sum(t.flags.overdue for t in tasks)
    out.print(text("consolidate.summary", lang, tasks=len(tasks), overdue=overdue,
                   overloaded=len(analysis.overloaded_owners), red=len(result.red_projects),
                   errors=result.batch.error_count, warnings=result.batch.warning_count), markup=False)
    if analysis.overloaded_owners:
        out.print(text("consolidate.overloaded", lang, names=", ".join(analysis.overloaded_owners)), markup=False)
    if result.red_projects:
        out.print(text("consolidate.red", lang, names=", ".join(result.red_projects)), markup=False)
    for name in result.consolidated.unreadable:
        out.print(text("consolidate.unreadable", lang, file=name), markup=False)
    if result.previous_snapshot:
        out.print(text("consolidate.changes", lang, count=len(result.changes),
                       since=result.previous_snapshot.isoformat()), markup=False)
    for warning in analysis.warnings:
        out.print(text(warning.code, lang, **warning.params), markup=False)
    key = "consolidate.conflict" if result.conflict else "consolidate.written"
    out.print(text(key, lang, path=result.master), markup=False)


@app.command()
def init(
    folder: Path = typer.Argument(Path("."), help="Working folder to set up."),
    force: bool = typer.Option(False, "--force", help="Overwrite an existing toolkit.toml."),
) -> None:
    """Write a commented toolkit.toml and the folders it names (inputs, output, archive, inbox).

    Example: toolkit init my-pmo
    """
    from .workspace import init_workspace

    made = init_workspace(folder, overwrite=force)
    for path in made:
        out.print(f"  {path}", markup=False)
    out.print(text("init.done", "en", folder=folder.resolve()), markup=False)


@app.command()
def demo(
    output: Path = typer.Option(Path("demo-output"), "-o", "--output", help="Folder for the demo outputs."),
    lang: str = typer.Option("en", "--lang", help="en or zh for the master and the summary."),
) -> None:
    """Validate and consolidate the bundled sample company; say where the outputs are.

    Example: toolkit demo --lang zh
    """
    from .demo import run_demo

    try:
        result = run_demo(output, lang, stamp=_stamp(), show=lambda line: out.print(line, markup=False))
    except ToolkitError as exc:
        _fail(exc, lang)
        return
    print_consolidation(result, lang)


def main() -> None:
    """Console-script entry point."""
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)
