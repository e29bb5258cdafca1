"""What the Excel buttons write back into the open workbook, as plain data (no xlwings here).

The entry points in `toolkit.excel` read the cells they need through a small adapter, call
these functions with plain values, and apply what comes back. So everything that decides
*what* to write (the Findings table, which cells get which fill and note, how to undo the
marks of the previous run, the status row, the message box) is tested without Excel.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .errors import Finding, Severity
from .i18n import text as core_text
from .i18n import text_in

text = text_in("excel")
from .present.findings import finding_row

AUTHOR = "Ops Tracker Toolkit"
LANGUAGE_NAME = "ToolkitLanguage"          # defined name: ="en" or ="zh", the workbook's language
STATUS_PREFIX = "ToolkitStatus_"           # defined names of the control panel's status rows
FILLS = {Severity.ERROR: "#FFC7CE", Severity.WARNING: "#FFEB9C", Severity.INFO: "#DDEBF7"}   # as the annotated copies: red, amber
NOTE_RULE = "—"

# Findings sheet columns: what people read, then what the next run needs to undo the marks.
VISIBLE_COLUMNS = ("col.place", "col.severity", "col.message", "findings.col.code")
HIDDEN_COLUMNS = ("findings.col.file", "findings.col.sheet", "findings.col.cell",
                  "findings.col.fill", "findings.col.note")
FILE, SHEET, CELL, FILL_BEFORE, NOTE_BEFORE = range(len(VISIBLE_COLUMNS), len(VISIBLE_COLUMNS) + 5)


@dataclass(frozen=True)
class CellState:
    """A cell's fill (`#RRGGBB` or None) and note text (or None)."""

    fill: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class Mark:
    """Set one cell to `state` (a finding's mark, or the state it had before the last run)."""

    sheet: str
    cell: str
    state: CellState


@dataclass(frozen=True)
class FindingsTable:
    name: str                      # the sheet name
    header: list[str]
    rows: list[list[Any]]
    fills: list[str]               # the fill of each row's severity cell
    hidden_from: int               # zero-based index of the first column to hide


@dataclass(frozen=True)
class Reply:
    """A message box: its title, text and whether it reports a problem."""

    title: str
    message: str
    problem: bool = False


def status_name(job: str) -> str:
    """The defined name of a job's status cells (last run, result, message)."""
    return STATUS_PREFIX + job


def as_text(value: Any) -> Any:
    """A value to assign to a cell through xlwings: text that Excel would take for a formula
    (`=…`, `+…`, `-…`, `@…`) gets Excel's text prefix `'`, so a user's string stays inert."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "'"):
        return "'" + value
    return value


def findings_sheet_name(lang: str) -> str:
    return core_text("sheet.findings", lang)


def cell_key(finding: Finding) -> tuple[str, str] | None:
    """(sheet, cell) when the finding points at one cell, else None."""
    if finding.sheet and finding.cell and finding.cell.isalnum():
        return finding.sheet, finding.cell
    return None


def findings_table(findings: Sequence[Finding], lang: str,
                   before: Mapping[tuple[str, str], CellState] | None = None) -> FindingsTable:
    """The Findings sheet: place, severity, message, code; hidden: file, sheet, cell and the
    cell's fill and note before it was marked (`before`, for cells that were marked)."""
    before = before or {}
    header = [core_text(k, lang) for k in VISIBLE_COLUMNS[:3]] + [text(VISIBLE_COLUMNS[3], lang)]
    header += [text(k, lang) for k in HIDDEN_COLUMNS]
    rows, fills = [], []
    for finding in findings:
        key = cell_key(finding)
        state = before.get(key) if key else None
        shown = finding_row(finding, lang)     # the same words as the CLI and the master
        rows.append([as_text(v) for v in [
            shown.full_place,
            shown.severity_label,
            shown.message,
            shown.code,
            finding.file,
            finding.sheet or "",
            (finding.cell or "") if state is not None else "",
            (state.fill or "") if state is not None else "",
            (state.note or "") if state is not None else "",
        ]])
        fills.append(FILLS[finding.severity])
    return FindingsTable(findings_sheet_name(lang), header, rows, fills, len(VISIBLE_COLUMNS))


def mark_targets(findings: Iterable[Finding], sheets: Iterable[str]) -> list[tuple[str, str]]:
    """The cells to mark, once each, in finding order: those on a sheet the workbook has."""
    present = set(sheets)
    seen: dict[tuple[str, str], None] = {}
    for finding in findings:
        key = cell_key(finding)
        if key and key[0] in present:
            seen.setdefault(key)
    return list(seen)


def plan_marks(findings: Sequence[Finding], lang: str,
               current: Mapping[tuple[str, str], CellState]) -> list[Mark]:
    """One mark per cell in `current`: the worst severity's fill and a note listing every
    finding there, with the note the cell already had kept below a rule."""
    by_cell: dict[tuple[str, str], list[Finding]] = {}
    for finding in findings:
        key = cell_key(finding)
        if key is not None and key in current:
            by_cell.setdefault(key, []).append(finding)
    marks = []
    for key, found in by_cell.items():
        worst = Severity.ERROR if any(f.is_error for f in found) else Severity.WARNING
        lines = [AUTHOR] + [core_text("annotate.line", lang, severity=core_text(f"severity.{f.severity.value}", lang),
                                      message=f.message(lang)) for f in found]
        own = current[key].note
        if own:
            lines += [NOTE_RULE, own]
        marks.append(Mark(key[0], key[1], CellState(FILLS[worst], "\n".join(lines))))
    return marks


def plan_restores(previous_rows: Sequence[Sequence[Any]]) -> list[Mark]:
    """Undo the marks of the last run, read from the hidden columns of its Findings sheet."""
    restores: dict[tuple[str, str], Mark] = {}
    for row in previous_rows:
        row = list(row) + [None] * (NOTE_BEFORE + 1 - len(row))
        sheet, cell = _text(row[SHEET]), _text(row[CELL])
        if not sheet or not cell or (sheet, cell) in restores:
            continue
        state = CellState(_text(row[FILL_BEFORE]) or None, _text(row[NOTE_BEFORE]) or None)
        restores[(sheet, cell)] = Mark(sheet, cell, state)
    return list(restores.values())


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def hex_color(value: Any) -> str | None:
    """An xlwings colour (RGB tuple, int or '#rrggbb') as '#RRGGBB', or None."""
    if value is None:
        return None
    if isinstance(value, str):
        return value.upper() if value.startswith("#") else "#" + value.upper()
    if isinstance(value, int):       # Excel's BGR integer
        return f"#{value & 0xFF:02X}{(value >> 8) & 0xFF:02X}{(value >> 16) & 0xFF:02X}"
    red, green, blue = value
    return f"#{red:02X}{green:02X}{blue:02X}"


# ---------------------------------------------------------------- status and replies

def status_row(when: datetime, result: str, message: str) -> list[Any]:
    """The values of a job's status cells: last run, result, message."""
    return [when.replace(microsecond=0), as_text(result), as_text(message)]


def counts_result(errors: int, warnings: int, lang: str) -> str:
    if not errors and not warnings:
        return text("result.ok", lang)
    return text("result.findings", lang, errors=errors, warnings=warnings)


def validation_reply(summary: str, errors: int, warnings: int, lang: str) -> Reply:
    """`summary` is the CLI's summary line; with findings, where to find them."""
    if not errors and not warnings:
        return Reply(text("app", lang), summary)
    return Reply(text("app", lang), summary + "\n" + text("msg.see_sheet", lang, sheet=findings_sheet_name(lang)),
                 problem=errors > 0)


def this_workbook_reply(errors: int, warnings: int, lang: str) -> Reply:
    if not errors and not warnings:
        return Reply(text("app", lang), text("msg.this_clean", lang))
    return Reply(text("app", lang), text("msg.this_found", lang, errors=errors, warnings=warnings,
                                         sheet=findings_sheet_name(lang)), problem=errors > 0)


def consolidation_reply(lines: Sequence[str], conflict: bool, lang: str) -> Reply:
    """`lines` are what the CLI says after a consolidation."""
    return Reply(text("app", lang), "\n".join(lines), problem=conflict)


def error_reply(message: str, lang: str) -> Reply:
    return Reply(text("app", lang), text("msg.error", lang, message=message), problem=True)


def unexpected_reply(exc: BaseException, lang: str) -> Reply:
    detail = " ".join(str(exc).split())[:300] or "-"
    return Reply(text("app", lang), text("msg.unexpected", lang, kind=type(exc).__name__, detail=detail),
                 problem=True)


def plain_reply(key: str, lang: str, problem: bool = False, **params: Any) -> Reply:
    return Reply(text("app", lang), text(key, lang, **params), problem=problem)
