"""Read one input file into SheetTables of typed Records, fast (python-calamine), safely.

Every row keeps its source (file, sheet, Excel row). Every cell that cannot be understood
becomes a Finding at its A1 address and a None value; nothing here raises for bad input:
a file that cannot be read at all comes back as a WorkbookData with readable=False and one
finding saying why.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import python_calamine as calamine

from ..config import Limits
from ..errors import FileRejected, Finding, Severity
from ..model import WorkbookData
from .formulas import formulas_without_value
from .safe_open import DetectedFile, detect_file
from ..headers import NO_MAPPING, Mapping
from ..rows import RawSheet, read_sheet
from .layout import excel_tables, hidden_rows



# ------------------------------------------------------------------ raw sheets

def _calamine_sheets(path: Path, xlsx: bool = False) -> Iterator[RawSheet]:
    workbook = calamine.CalamineWorkbook.from_path(str(path))
    hidden = hidden_rows(path) if xlsx else {}
    tables = excel_tables(path) if xlsx else {}
    try:
        for meta in workbook.sheets_metadata:
            if str(meta.typ) not in ("SheetTypeEnum.WorkSheet", "WorkSheet"):
                continue  # chart sheets, macro sheets, dialog sheets hold no table
            if str(meta.visible).rsplit(".", 1)[-1] != "Visible":
                continue  # a hidden helper sheet (drop-down lists) holds no team data
            try:
                sheet = workbook.get_sheet_by_name(meta.name)
            except calamine.CalamineError:
                continue
            start = sheet.start
            merged = []
            try:
                merged = list(sheet.merged_cell_ranges or [])
            except Exception:  # noqa: BLE001 - merge info is a nicety, never a reason to fail
                merged = []
            yield RawSheet(meta.name, sheet.iter_rows(), start[1] if start else 0, merged,
                           hidden_rows=hidden.get(meta.name, frozenset()), table=tables.get(meta.name))
    finally:
        workbook.close()


def _csv_sheets(path: Path) -> Iterator[RawSheet]:
    data = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise FileRejected(Finding("csv-decoding", Severity.ERROR, path.name, path=str(path)))
    sample = text[:8192]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    yield RawSheet(path.stem, csv.reader(io.StringIO(text), dialect))


# ------------------------------------------------------------------ reading

def read_workbook(path: Path, *, limits: Limits = Limits(), file_label: str | None = None,
                  department: str | None = None, mapping: Mapping = NO_MAPPING) -> WorkbookData:
    """Read one input file. Never raises for what is in the file."""
    label = file_label or path.name
    dept = department or path.stem
    result = WorkbookData(path=path, file=label, department=dept)
    try:
        result.modified = datetime.fromtimestamp(path.stat().st_mtime)
    except (OSError, OverflowError, ValueError):
        pass   # unreadable below, with its own finding
    try:
        detected = detect_file(path, limits)
        _read_detected(detected, result, limits, mapping)
    except FileRejected as rejected:
        _reject(result, rejected.finding, label)
    except calamine.PasswordError:
        _reject(result, Finding("file-encrypted", Severity.ERROR, label, path=str(path)), label)
    except (calamine.CalamineError, calamine.ZipError, calamine.XmlError) as exc:
        _reject(result, _unreadable("file-corrupt", label, path, exc), label)
    except MemoryError:
        _reject(result, _unreadable("file-unreadable", label, path, "too large to read"), label)
    except Exception as exc:  # noqa: BLE001 - the edge: one bad file must not stop the batch
        _reject(result, _unreadable("file-unreadable", label, path, exc), label)
    return result


def _unreadable(code: str, label: str, path: Path, exc: object) -> Finding:
    reason = str(exc).strip().splitlines()[0][:160] if str(exc).strip() else type(exc).__name__
    return Finding(code, Severity.ERROR, label, path=str(path), params={"reason": reason})


def _reject(result: WorkbookData, finding: Finding, label: str) -> None:
    if finding.file != label:
        finding = Finding(finding.code, finding.severity, label, finding.sheet, finding.cell,
                          finding.value, finding.params, finding.path)
    result.readable = False
    result.tables.clear()
    result.findings.append(finding)


def _read_detected(detected: DetectedFile, result: WorkbookData, limits: Limits,
                   mapping: Mapping = NO_MAPPING) -> None:
    path = detected.path
    if detected.format == "csv":
        sheets = _csv_sheets(path)
        formulas: dict[str, dict[str, str]] = {}
    else:
        xlsx = detected.format == "xlsx"
        sheets = _calamine_sheets(path, xlsx)
        formulas = formulas_without_value(path) if xlsx else {}
    for raw in sheets:
        table = read_sheet(raw, result, limits, formulas.get(raw.name, {}), mapping)
        if table is not None:
            result.tables.append(table)
            result.rows_read += len(table.records)
    if not result.tables and result.readable:
        result.findings.append(Finding("no-standard-sheet", Severity.WARNING, result.file, path=str(path),
                                       params={"closest": _closest(result)}))


def _closest(result: WorkbookData) -> object:
    """' The closest is sheet “X” (Tasks): see its finding.' for the best of the sheets skipped."""
    from ..errors import Bilingual
    from ..i18n import text

    best = max(result.skipped_sheets, key=lambda s: s[1].score, default=None)
    if best is None or best[1].closest is None:
        return ""
    name, guess = best
    return Bilingual(text("rw.closest", "en", sheet=name, kind=guess.closest.en, count=guess.score),
                     text("rw.closest", "zh", sheet=name, kind=guess.closest.zh, count=guess.score))


