"""Read one input file into SheetTables of typed Records, fast (python-calamine), safely.

Every row keeps its source (file, sheet, Excel row). Every cell that cannot be understood
becomes a Finding at its A1 address and a None value; nothing here raises for bad input:
a file that cannot be read at all comes back as a WorkbookData with readable=False and one
finding saying why.
"""
from __future__ import annotations

import csv
import io
import time
from datetime import date, timedelta
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import python_calamine as calamine

from ..config import Limits, Reading
from ..errors import Bilingual, FileRejected, Finding, Severity
from ..headers import NO_MAPPING, Mapping
from ..i18n import TEXT
from ..model import SheetTable, WorkbookData
from ..rows import RawSheet, read_sheet
from ..schema import SHEETS, ColType
from .calamine_package import stored_package
from .layout import WorksheetScan, scan_worksheets
from .package import PackageInfo, package_info, without_macro_sheets
from .plain import detail, plain_reason
from .safe_open import SPREADSHEET_SUFFIXES, DetectedFile, detect_file

SHEETS_BY_KEY = {spec.key: spec for spec in SHEETS}



# ------------------------------------------------------------------ raw sheets

# suffixes from which python-calamine picks the right reader by itself; any other name (or a
# format named as another) is opened from its bytes, which calamine recognises by content
_CALAMINE_SUFFIXES = {"xlsx": {".xlsx", ".xlsm", ".xlam"}, "xls": {".xls", ".xla"}, "xlsb": {".xlsb"},
                      "ods": {".ods"}}
# suffixes that are a fair name for each format: another spreadsheet suffix is a misnamed file
_FAIR_SUFFIXES = {"xlsx": {".xlsx", ".xlsm", ".xltx", ".xltm", ".xlam"}, "xls": {".xls", ".xlt", ".et", ".ett", ".xla"},
                  "xlsb": {".xlsb"}, "ods": {".ods"}, "csv": {".csv", ".txt", ".tsv"}}


def _open_prepared(detected: DetectedFile, info: PackageInfo, scan: WorksheetScan) -> calamine.CalamineWorkbook | None:
    """The workbook from a package made for calamine (`calamine_package`), when the scan prepared
    every worksheet: its sheets' merged cells are then the scan's. None otherwise."""
    if not scan.prepared or detected.format != "xlsx" or info.needs_repair:
        return None
    package = stored_package(detected.path, scan.prepared)
    if package is None:
        return None
    try:
        return calamine.CalamineWorkbook.from_filelike(package)
    except Exception:  # noqa: BLE001 - whatever calamine says of the file is said reading it as it is
        return None


def _open_calamine(detected: DetectedFile, info: PackageInfo) -> calamine.CalamineWorkbook:
    path = detected.path
    if info.needs_repair:
        return calamine.CalamineWorkbook.from_filelike(without_macro_sheets(path, info))
    if path.suffix.lower() in _CALAMINE_SUFFIXES.get(detected.format, ()):
        return calamine.CalamineWorkbook.from_path(str(path))
    with open(path, "rb") as handle:
        return calamine.CalamineWorkbook.from_filelike(io.BytesIO(handle.read()))


def _calamine_sheets(detected: DetectedFile, info: PackageInfo, result: WorkbookData,
                     reading: Reading, scan: WorksheetScan) -> Iterator[tuple[RawSheet, str]]:
    """(sheet, "" or why it is not read: "hidden" / "veryhidden") per worksheet, by position:
    two sheets of one name are both read. A damaged sheet is an error naming it; a hidden one
    is not read unless the settings include hidden sheets."""
    prepared = _open_prepared(detected, info, scan)
    scan.prepared = {}
    merges_known = prepared is not None
    workbook = prepared if prepared is not None else _open_calamine(detected, info)
    hidden_by_sheet, tables = scan.hidden_rows, scan.tables
    try:
        metas = list(workbook.sheets_metadata)
        if merges_known and not all(meta.name in scan.merges for meta in metas
                                    if str(meta.typ) in ("SheetTypeEnum.WorkSheet", "WorkSheet")):
            workbook.close()        # a worksheet the scan did not see (never met): the file as before
            workbook, merges_known = _open_calamine(detected, info), False
            metas = list(workbook.sheets_metadata)
        names = [info.shown_names.get(meta.name, meta.name) for meta in metas]
        _report_duplicate_names(names, result)
        for index, meta in enumerate(metas):
            name = names[index]
            if str(meta.typ) not in ("SheetTypeEnum.WorkSheet", "WorkSheet"):
                continue  # chart sheets, macro sheets, dialog sheets hold no table
            try:
                sheet = workbook.get_sheet_by_index(index)
            except Exception as exc:  # noqa: BLE001 - calamine raises several kinds for one damaged sheet
                result.findings.append(Finding("sheet-unreadable", Severity.ERROR, result.file, name,
                                               path=str(result.path),
                                               params={"sheet": name, "reason": plain_reason(exc),
                                                       "detail": detail(exc)}))
                continue
            start = sheet.start
            merged = []
            try:
                merged = list(scan.merges[meta.name] if merges_known else sheet.merged_cell_ranges or [])
            except Exception:  # noqa: BLE001 - merge info is a nicety, never a reason to fail
                merged = []
            state = str(meta.visible).rsplit(".", 1)[-1].lower()
            hidden = state in ("hidden", "veryhidden")
            if hidden and reading.include_hidden_sheets:
                result.findings.append(Finding("hidden-sheet-read", Severity.WARNING, result.file, name,
                                               path=str(result.path),
                                               params={"sheet": name, "state": _state(state)}))
            raw = RawSheet(name, sheet.iter_rows(), start[1] if start else 0, merged,
                           hidden_rows=hidden_by_sheet.get(name, frozenset()), table=tables.get(name))
            yield raw, state if hidden and not reading.include_hidden_sheets else ""
    finally:
        workbook.close()


def _state(state: str) -> Bilingual:
    return Bilingual(*TEXT[f"state.{state}"])


def _report_duplicate_names(names: list[str], result: WorkbookData) -> None:
    positions: dict[str, list[int]] = {}
    for index, name in enumerate(names):
        positions.setdefault(name.casefold(), []).append(index)
    for indexes in positions.values():
        if len(indexes) > 1:
            name = names[indexes[0]]
            result.findings.append(Finding("duplicate-sheet-name", Severity.WARNING, result.file, name,
                                           path=str(result.path),
                                           params={"sheet": name,
                                                   "positions": ", ".join(str(i + 1) for i in indexes)}))


def _csv_sheets(path: Path) -> Iterator[tuple[RawSheet, str]]:
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
    yield RawSheet(path.stem, csv.reader(io.StringIO(text), dialect)), ""


# ------------------------------------------------------------------ reading

_DAMAGE_CODES = ("file-corrupt", "file-unreadable", "file-empty", "csv-decoding", "file-not-spreadsheet")
_EPOCH_1904_SHIFT = timedelta(days=1462)     # day 0 of 1904 minus day 0 of 1900


def read_workbook(path: Path, *, limits: Limits = Limits(), file_label: str | None = None,
                  department: str | None = None, mapping: Mapping = NO_MAPPING,
                  reading: Reading = Reading()) -> WorkbookData:
    """Read one input file. Never raises for what is in the file.

    A file that looks damaged but was changed in the last `reading.settle_seconds` is being
    copied or saved: it is read again once its size and time stay the same that long, waiting
    at most `reading.settle_max_seconds`, and called "still being written" if it never settles.
    """
    result = _read_once(path, limits, file_label, department, reading, mapping)
    if result.readable or not any(f.code in _DAMAGE_CODES for f in result.findings) \
            or not _recently_changed(path, reading.settle_seconds):
        return result
    if settle(path, reading.settle_seconds, reading.settle_max_seconds):
        return _read_once(path, limits, file_label, department, reading, mapping)
    label = file_label or path.name
    still = WorkbookData(path=path, file=label, department=department or path.stem, readable=False)
    still.findings.append(Finding("file-still-being-written", Severity.ERROR, label, path=str(path),
                                  params={"seconds": f"{reading.settle_max_seconds:g}"}))
    return still


def _recently_changed(path: Path, seconds: float) -> bool:
    try:
        return seconds > 0 and abs(time.time() - path.stat().st_mtime) < seconds
    except OSError:
        return False


def settle(path: Path, quiet_seconds: float, max_seconds: float, poll: float = 0.1) -> bool:
    """Wait until `path` keeps one size and modification time for `quiet_seconds`; False when
    that has not happened within `max_seconds` (bounded, whatever the file does)."""
    deadline = time.monotonic() + max_seconds
    last = None
    quiet_since = time.monotonic()
    while True:
        try:
            info = path.stat()
            now_seen = (info.st_size, info.st_mtime_ns)
        except OSError:
            now_seen = None
        now = time.monotonic()
        if now_seen != last:
            last, quiet_since = now_seen, now
        elif now - quiet_since >= quiet_seconds:
            return now_seen is not None
        if now >= deadline:
            return False
        time.sleep(min(poll, max(deadline - now, 0.01)))


def _read_once(path: Path, limits: Limits, file_label: str | None, department: str | None,
               reading: Reading, mapping: Mapping = NO_MAPPING) -> WorkbookData:
    label = file_label or path.name
    dept = department or path.stem
    result = WorkbookData(path=path, file=label, department=dept)
    try:
        result.modified = datetime.fromtimestamp(path.stat().st_mtime)
    except (OSError, OverflowError, ValueError):
        pass   # unreadable below, with its own finding
    try:
        detected = detect_file(path, limits)
        _read_detected(detected, result, limits, reading, mapping)
    except FileRejected as rejected:
        _reject(result, rejected.finding, label)
    except calamine.PasswordError:
        _reject(result, Finding("file-encrypted", Severity.ERROR, label, path=str(path)), label)
    except (calamine.CalamineError, calamine.ZipError, calamine.XmlError) as exc:
        _reject(result, _unreadable("file-corrupt", label, path, exc), label)
    except MemoryError as exc:
        _reject(result, _unreadable("file-unreadable", label, path, exc), label)
    except Exception as exc:  # noqa: BLE001 - the edge: one bad file must not stop the batch
        _reject(result, _unreadable("file-unreadable", label, path, exc), label)
    return result


def _unreadable(code: str, label: str, path: Path, exc: object) -> Finding:
    return Finding(code, Severity.ERROR, label, path=str(path),
                   params={"reason": plain_reason(exc), "detail": detail(exc)})


def _reject(result: WorkbookData, finding: Finding, label: str) -> None:
    if finding.file != label:
        finding = Finding(finding.code, finding.severity, label, finding.sheet, finding.cell,
                          finding.value, finding.params, finding.path)
    result.readable = False
    result.tables.clear()
    result.rows_read = 0
    result.findings.append(finding)


def _read_detected(detected: DetectedFile, result: WorkbookData, limits: Limits, reading: Reading,
                   mapping: Mapping = NO_MAPPING) -> None:
    path = detected.path
    suffix = path.suffix.lower()
    if suffix in SPREADSHEET_SUFFIXES and suffix not in _FAIR_SUFFIXES.get(detected.format, ()):
        result.findings.append(Finding("file-misnamed", Severity.WARNING, result.file, path=str(path),
                                       params={"what": Bilingual(*TEXT[f"format.{detected.format}"]),
                                               "suffix": path.suffix}))
    info = PackageInfo()
    formula_counts: dict[str, tuple[int, str]] = {}
    if detected.format == "csv":
        sheets = _csv_sheets(path)
        formulas: dict[str, dict[str, str]] = {}
    else:
        info = package_info(path, detected.format)
        _report_package(info, result)
        # formulas, hidden rows and Excel tables: one pass over the worksheet parts (xlsx only)
        scan = scan_worksheets(path) if detected.format == "xlsx" else WorksheetScan()
        formulas, formula_counts = scan.formulas, scan.formula_counts
        sheets = _calamine_sheets(detected, info, result, reading, scan)
    for raw, hidden in sheets:
        if hidden:
            _skip_hidden(raw, result, limits, hidden)
            continue
        table = read_sheet(raw, result, limits, formulas.get(raw.name, {}), mapping)
        if table is not None:
            if info.date1904:
                _shift_1904_serials(table)
            if raw.name in formula_counts:
                count, first = formula_counts.pop(raw.name)
                result.findings.append(Finding("formulas-present", Severity.WARNING, result.file, raw.name,
                                               first or None, path=str(path),
                                               params={"count": count, "first": first or "—"}))
            result.tables.append(table)
            result.rows_read += table.row_count()
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


def _report_package(info: PackageInfo, result: WorkbookData) -> None:
    kinds = [TEXT["macro.vba"]] if info.vba else []
    if info.macro_sheets:
        kinds.append(TEXT["macro.xlm"])
    if kinds:
        result.findings.append(Finding("macros-present", Severity.WARNING, result.file, path=str(result.path),
                                       params={"kinds": Bilingual(", ".join(k[0] for k in kinds),
                                                                  "、".join(k[1] for k in kinds))}))
    if info.external_links:
        result.findings.append(Finding("external-links", Severity.WARNING, result.file, path=str(result.path),
                                       params={"targets": ", ".join(info.external_links[:5])}))


def _skip_hidden(raw: RawSheet, result: WorkbookData, limits: Limits, hidden: str) -> None:
    """A hidden sheet is not read; when it holds a table of the standard, a warning says so."""
    scratch = WorkbookData(path=result.path, file=result.file, department=result.department)
    table = read_sheet(raw, scratch, limits, {})
    if table is not None:
        result.findings.append(Finding("hidden-sheet-skipped", Severity.WARNING, result.file, raw.name,
                                       path=str(result.path),
                                       params={"sheet": raw.name, "state": _state(hidden),
                                               "rows": table.row_count()}))


def _shift_1904_serials(table: SheetTable) -> None:
    """Plain serial numbers in date columns of a 1904 workbook count from 1904-01-01, not 1900."""
    spec = SHEETS_BY_KEY[table.kind]
    keys = [c.key for c in spec.columns if c.type is ColType.DATE and c.key in table.columns]
    for record in table.records:
        for key in keys:
            raw = record.raw.get(key)
            value = record.values.get(key)
            if isinstance(raw, (int, float)) and not isinstance(raw, bool) and isinstance(value, date):
                record.values[key] = value + _EPOCH_1904_SHIFT
