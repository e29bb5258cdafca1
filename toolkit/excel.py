"""Entry points of the Excel buttons: xlwings `RunPython` calls these.

The buttons of the control panel and the department trackers (built by
`toolkit.outputs.excel_build` from `workbooks/vba/*.bas`) run, through the xlwings add-in:

    RunPython "import toolkit.excel; toolkit.excel.validate_all()"

Each entry point takes the workbook that pressed the button (`xlwings.Book.caller()`), saves
it, reads `toolkit.toml` from that workbook's folder, runs the same pipeline function as the
command line and writes the result back into the open workbook: a Findings sheet, marked
cells (department workbooks), the status table (control panel) and a message box. Every error
ends in a message box in the user's language, never a traceback.

What to write is decided by pure functions in `toolkit.excel_writeback`; `BookAdapter` holds
the few xlwings calls made here (a test checks each against the real xlwings classes).
Entry points are the only code that reads the clock; tests pass `book`, `as_of` and `now`.
"""
from __future__ import annotations

import inspect
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

from . import pipeline
from .config import Settings, load_settings
from .errors import ToolkitError
from .excel_writeback import (
    LANGUAGE_NAME,
    CellState,
    FindingsTable,
    Mark,
    Reply,
    consolidation_reply,
    counts_result,
    error_reply,
    findings_sheet_name,
    findings_table,
    hex_color,
    mark_targets,
    plain_reply,
    plan_marks,
    plan_restores,
    status_name,
    status_row,
    this_workbook_reply,
    unexpected_reply,
    validation_reply,
)
from .i18n import text_in

text = text_in("excel")
from .present.findings import summary_line
from .present.summary import consolidation_lines

# ---------------------------------------------------------------- the xlwings calls, in one place

class BookAdapter:
    """The open workbook, through exactly the xlwings calls the entry points need."""

    def __init__(self, book: Any):
        self.book = book

    @property
    def path(self) -> Path:
        return Path(self.book.fullname)

    @property
    def saved_in_folder(self) -> bool:
        """False for a new workbook that has never been saved (its full name has no folder)."""
        return self.path.is_absolute()

    def save(self) -> None:
        self.book.save()

    def language(self) -> str | None:
        """The language the workbook was built in (its defined name ToolkitLanguage), if any."""
        if LANGUAGE_NAME not in self.book.names:
            return None
        value = str(self.book.names[LANGUAGE_NAME].refers_to).strip().lstrip("=").strip('"')
        return value if value in ("en", "zh") else None

    def sheet_names(self) -> list[str]:
        return [sheet.name for sheet in self.book.sheets]

    def write_status(self, job: str, values: list[Any]) -> None:
        name = status_name(job)
        if name in self.book.names:
            self.book.names[name].refers_to_range.value = values

    def read_rows(self, sheet_name: str) -> list[list[Any]]:
        """The rows of a sheet below its header (empty when the sheet does not exist)."""
        if sheet_name not in self.book.sheets:
            return []
        value = self.book.sheets[sheet_name].used_range.value
        if not isinstance(value, list):
            value = [[value]]
        elif value and not isinstance(value[0], list):
            value = [value]
        return value[1:]

    def write_table(self, table: FindingsTable) -> None:
        sheets = self.book.sheets
        sheet = sheets[table.name] if table.name in sheets else sheets.add(table.name)
        sheet.clear()
        sheet.range("A1").value = [table.header] + table.rows
        for row, fill in enumerate(table.fills, start=2):
            sheet.range(f"B{row}").color = fill
        for col, width in ((1, 40), (2, 10), (3, 70), (4, 22)):
            sheet.range((1, col)).column_width = width
        for col in range(table.hidden_from + 1, len(table.header) + 1):
            sheet.range((1, col)).column_width = 0      # what the next run needs to undo the marks

    def cell_state(self, sheet: str, cell: str) -> CellState:
        target = self.book.sheets[sheet].range(cell)
        note = target.note
        return CellState(hex_color(target.color), None if note is None else note.text)

    def apply(self, mark: Mark) -> None:
        if mark.sheet not in self.book.sheets:
            return
        target = self.book.sheets[mark.sheet].range(mark.cell)
        target.color = mark.state.fill
        if target.note is not None:
            target.note.delete()
        if mark.state.note:
            target.add_note(mark.state.note)

    def alert(self, reply: Reply) -> None:
        self.book.app.alert(reply.message, title=reply.title, mode="critical" if reply.problem else "info")

    def open_book(self, path: Path) -> None:
        self.book.app.books.open(str(path))


def _caller() -> Any:
    import xlwings  # imported here: the rest of the toolkit never needs it

    return xlwings.Book.caller()


# ---------------------------------------------------------------- entry points

def validate_all(*, book: Any = None, as_of: date | None = None, now: datetime | None = None) -> None:
    """Control panel › Validate all: validate every workbook in the inputs folder."""
    _job("validate_all", book, as_of, now, _validate_all)


def consolidate_now(*, book: Any = None, as_of: date | None = None, now: datetime | None = None) -> None:
    """Control panel › Consolidate now: write the master tracker."""
    _job("consolidate_now", book, as_of, now, _consolidate_now)


def weekly_report(*, book: Any = None, as_of: date | None = None, now: datetime | None = None) -> None:
    """Control panel › Weekly report: the Word report, when the pipeline offers it."""
    _job("weekly_report", book, as_of, now, _weekly_report)


def open_master(*, book: Any = None, as_of: date | None = None, now: datetime | None = None) -> None:
    """Control panel › Open master: open the master tracker in Excel."""
    _job("open_master", book, as_of, now, _open_master)


def validate_this_workbook(*, book: Any = None, as_of: date | None = None, now: datetime | None = None) -> None:
    """Department tracker › Validate this workbook: findings marked at their cells."""
    _job("validate_this_workbook", book, as_of, now, _validate_this_workbook)


class _Context:
    def __init__(self, adapter: BookAdapter, settings: Settings, lang: str, as_of: date, now: datetime):
        self.adapter, self.settings, self.lang, self.as_of, self.now = adapter, settings, lang, as_of, now

    @property
    def inputs(self) -> Path:
        return self.settings.resolve(self.settings.paths.inputs)

    @property
    def master(self) -> Path:
        return pipeline.master_path(self.settings)

    @property
    def stamp(self) -> str:
        return self.now.strftime("%Y-%m-%d %H%M%S")


Outcome = tuple[str, Reply]            # (result for the status table, message box)


def _job(job: str, book: Any, as_of: date | None, now: datetime | None,
         body: Callable[[_Context], Outcome]) -> None:
    adapter = BookAdapter(book if book is not None else _caller())
    now = now or datetime.now()
    lang = "en"
    try:
        lang = adapter.language() or "en"
        if not adapter.saved_in_folder:
            adapter.alert(plain_reply("msg.unsaved", lang, problem=True))
            return
        adapter.save()
        settings = load_settings(base_dir=adapter.path.parent)
        lang = adapter.language() or settings.language
        result, reply = body(_Context(adapter, settings, lang, as_of or now.date(), now))
    except ToolkitError as exc:
        result, reply = text("result.failed", lang), error_reply(exc.message(lang), lang)
    except Exception as exc:  # noqa: BLE001 - an entry point: nothing may reach Excel as a traceback
        result, reply = text("result.failed", lang), unexpected_reply(exc, lang)
    try:
        adapter.write_status(job, status_row(now, result, reply.message))
    except Exception:  # noqa: BLE001, S110 - the message box below still says what happened
        pass
    adapter.alert(reply)


def _validate_all(ctx: _Context) -> Outcome:
    run = pipeline.run_validation([ctx.inputs], ctx.settings, ctx.as_of)
    report = run.findings
    ctx.adapter.write_table(findings_table(report.findings, ctx.lang))
    reply = validation_reply(summary_line(report, ctx.lang), report.error_count, report.warning_count, ctx.lang)
    return counts_result(report.error_count, report.warning_count, ctx.lang), reply


def _consolidate_now(ctx: _Context) -> Outcome:
    run = pipeline.run_consolidation([ctx.inputs], ctx.settings, ctx.as_of, output=ctx.master,
                                     stamp=ctx.stamp, lang=ctx.lang)
    report = run.findings
    ctx.adapter.write_table(findings_table(report.findings, ctx.lang))
    reply = consolidation_reply(consolidation_lines(run, ctx.lang), bool(run.conflict), ctx.lang)
    return counts_result(report.error_count, report.warning_count, ctx.lang), reply


def _weekly_report(ctx: _Context) -> Outcome:
    run_report = getattr(pipeline, "run_weekly_report", None)
    if run_report is None:
        return text("result.unavailable", ctx.lang), plain_reply("msg.report_unavailable", ctx.lang)
    offered = {"output": ctx.settings.resolve(ctx.settings.paths.output), "stamp": ctx.stamp, "lang": ctx.lang}
    accepted = inspect.signature(run_report).parameters
    result = run_report([ctx.inputs], ctx.settings, ctx.as_of, **{k: v for k, v in offered.items() if k in accepted})
    written = next((getattr(result, a) for a in ("report", "docx", "path") if getattr(result, a, None)), result)
    return text("result.ok", ctx.lang), plain_reply("msg.report_written", ctx.lang, path=written)


def _open_master(ctx: _Context) -> Outcome:
    if not ctx.master.exists():
        return text("result.failed", ctx.lang), plain_reply("msg.no_master", ctx.lang, problem=True, path=ctx.master)
    ctx.adapter.open_book(ctx.master)
    return text("result.ok", ctx.lang), plain_reply("msg.master_opened", ctx.lang, path=ctx.master)


def _validate_this_workbook(ctx: _Context) -> Outcome:
    adapter = ctx.adapter
    sheet_name = findings_sheet_name(ctx.lang)
    for mark in plan_restores(adapter.read_rows(sheet_name)):
        adapter.apply(mark)
    run = pipeline.run_validation([adapter.path], ctx.settings, ctx.as_of)
    findings = [f for f in run.findings.findings if f.sheet != sheet_name]   # our own sheet is not the user's data
    targets = mark_targets(findings, adapter.sheet_names())
    before = {key: adapter.cell_state(*key) for key in targets}
    for mark in plan_marks(findings, ctx.lang, before):
        adapter.apply(mark)
    adapter.write_table(findings_table(findings, ctx.lang, before))
    errors = sum(f.is_error for f in findings)
    warnings = len(findings) - errors
    return counts_result(errors, warnings, ctx.lang), this_workbook_reply(errors, warnings, ctx.lang)
