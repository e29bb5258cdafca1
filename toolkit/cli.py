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
        table.add_column(text("col.code", lang), style="dim")
        table.add_column(text("col.message", lang))
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
    from .io.annotate import write_annotated_copy

    folder.mkdir(parents=True, exist_ok=True)
    for wb in batch.workbooks:
        if not wb.readable:
            continue
        found = [f for f in batch.findings if f.file == wb.file]
        try:
            write_annotated_copy(wb.path, found, folder, lang)
        except FileRejected as rejected:
            err.print(f"{wb.file}: {rejected.finding.message(lang)}", markup=False)
    if not quiet:
        out.print(text("validate.annotated", lang, dir=folder))


def main() -> None:
    """Console-script entry point."""
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)
