"""Annotated copies: the user's own workbook with every problem marked where it is.

A department fixes its workbook fastest when it sees the problems in place: the cell coloured,
the reason in a comment, and one sheet listing everything with a link to each cell. The copy
is written into another folder; the original is never opened for writing (its bytes are
copied first, and only the copy is loaded by openpyxl).

Only Office Open XML workbooks (.xlsx, .xlsm and their templates) can be marked up this way;
for xls, xlsb, ods and csv inputs `write_annotated_copy` returns None and writes nothing.
An annotated copy is for reading the findings: openpyxl does not keep everything a workbook
may hold (charts, pictures, some extensions), and formulas lose their cached results until
the copy is opened in a spreadsheet application.
"""
from __future__ import annotations

import os
import re
import shutil
import tempfile
import warnings
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, MergedCell
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.utils.cell import column_index_from_string, quote_sheetname
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.worksheet import Worksheet

from ..config import Limits
from ..errors import FileRejected, Finding, OutputError, Severity
from ..i18n import text
from ..inputs.safe_open import detect_file

AUTHOR = "Ops Tracker Toolkit"
FILLS = {Severity.ERROR: "FFC7CE", Severity.WARNING: "FFEB9C", Severity.INFO: "DDEBF7"}   # Excel's "bad" red, "neutral" amber
MAX_SHEET_NAME = 31
MAX_CELL_TEXT = 32767
MAX_ROW, MAX_COLUMN = 1_048_576, 16_384
_CELL = re.compile(r"([A-Z]{1,3})([1-9][0-9]{0,6})$")
_FORMULA_STARTS = ("=", "+", "-", "@")
_COLUMNS = (("col.place", 40), ("col.severity", 10), ("col.message", 70), ("col.value", 30))


def write_annotated_copy(source: Path, findings: list[Finding], out_dir: Path, lang: str,
                         *, name: str | None = None, limits: Limits = Limits()) -> Path | None:
    """Write `out_dir/<source name>` (or `out_dir/<name>`): cells with findings filled and
    commented, plus a sheet listing every finding with a link to its cell. Returns the copy's
    path, or None when `source` is not an xlsx/xlsm workbook (judged by content, not name).

    Raises FileRejected (finding `annotate-failed`) when openpyxl cannot load the source,
    OutputError when the copy cannot be written (or would replace the source).
    """
    if detect_file(source, limits).format != "xlsx":
        return None
    out_dir.mkdir(parents=True, exist_ok=True)
    target = _typed_name(out_dir / (name or source.name), _has_vba(source))
    if target.resolve() == source.resolve():
        raise OutputError("annotate_same_file", file=source.name)
    scratch = tempfile.mkdtemp(prefix=".annotate-", dir=out_dir)
    try:
        copy = Path(scratch) / ("input" + source.suffix)
        shutil.copyfile(source, copy)
        book = _load(copy, source)
        mark_findings(book, findings, lang)
        _mark_as_output(book)
        saved = Path(scratch) / ("output" + source.suffix)
        _save(book, saved, target)
        os.replace(saved, target)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return target


def _has_vba(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as archive:
            return any(name.lower().endswith("vbaproject.bin") for name in archive.namelist())
    except (OSError, zipfile.BadZipFile, ValueError):
        return False


def _typed_name(target: Path, has_vba: bool) -> Path:
    """The copy's name says what it is: .xlsm when it keeps macros, .xlsx when it has none
    (Excel refuses a macro workbook named .xlsx, and an .xlsm without macros)."""
    suffix = target.suffix.lower()
    if has_vba and suffix == ".xlsx":
        return target.with_suffix(".xlsm")
    if not has_vba and suffix == ".xlsm":
        return target.with_suffix(".xlsx")
    return target


def _mark_as_output(book: Workbook) -> None:
    """The custom property that keeps an annotated copy from being read as a department workbook."""
    from openpyxl.packaging.custom import StringProperty

    from ..inputs.own_outputs import MARKER
    try:
        if MARKER not in book.custom_doc_props.names:
            book.custom_doc_props.append(StringProperty(name=MARKER, value="annotated"))
    except (AttributeError, TypeError, ValueError):   # an old openpyxl: the copy is still written
        pass


def _load(copy: Path, source: Path) -> Workbook:
    """openpyxl's view of the copy; its errors, whatever they are, mean "cannot be marked up".
    Its warnings (extensions it drops) are about the copy, not the user's data: not shown."""
    try:
        with zipfile.ZipFile(copy) as archive:
            has_macros = any(name.lower().endswith("vbaproject.bin") for name in archive.namelist())
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            # keep_vba only with macros: it marks the package macro-enabled, which a .xlsx must not be
            return openpyxl.load_workbook(copy, keep_vba=has_macros, rich_text=True)
    except Exception as exc:  # noqa: BLE001 - the edge: openpyxl raises KeyError, IndexError, TypeError …
        reason = str(exc).strip().splitlines()[0][:160] if str(exc).strip() else type(exc).__name__
        raise FileRejected(Finding("annotate-failed", Severity.WARNING, source.name, path=str(source),
                                   params={"reason": reason})) from exc


def _save(book: Workbook, saved: Path, target: Path) -> None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            book.save(saved)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise OutputError("annotate_not_written", path=target, reason=reason) from exc
    finally:
        if book.vba_archive is not None:
            book.vba_archive.close()


# ------------------------------------------------------------------ marking up

def mark_findings(book: Workbook, findings: Iterable[Finding], lang: str) -> Worksheet:
    """Fill and comment every cell that has findings; add the findings sheet and return it."""
    findings = list(findings)
    by_cell: dict[tuple[str, str], list[Finding]] = {}
    for finding in findings:
        if _target_cell(book, finding) is not None:
            by_cell.setdefault((finding.sheet or "", finding.cell or ""), []).append(finding)
    for (sheet, cell), found in by_cell.items():
        _mark_cell(_anchor(book[sheet], cell), found, lang)
    return _findings_sheet(book, findings, lang)


def _target_cell(book: Workbook, finding: Finding) -> str | None:
    """The cell a finding points at, when the workbook has that sheet and the address is one cell."""
    if not finding.sheet or not finding.cell or finding.sheet not in book.sheetnames:
        return None
    if not isinstance(book[finding.sheet], Worksheet):
        return None                                     # a chart sheet has no cells
    match = _CELL.match(finding.cell)
    if not match or column_index_from_string(match[1]) > MAX_COLUMN or int(match[2]) > MAX_ROW:
        return None
    return finding.cell


def _anchor(sheet: Worksheet, address: str):
    """The cell to mark: inside a merged range, its top-left cell (the only one Excel shows)."""
    cell = sheet[address]
    if isinstance(cell, MergedCell):
        for merged in sheet.merged_cells.ranges:
            if address in merged:
                return sheet.cell(merged.min_row, merged.min_col)
    return cell


def _mark_cell(cell, found: list[Finding], lang: str) -> None:
    worst = Severity.ERROR if any(f.is_error for f in found) else Severity.WARNING
    cell.fill = PatternFill("solid", fgColor=FILLS[worst])
    lines = [_line(f, lang) for f in found]
    if cell.comment is not None and cell.comment.author != AUTHOR:
        lines.append("—")
        lines.append(cell.comment.text)                 # the user's own note stays, below ours
    body = _clean("\n".join(lines))
    comment = Comment(body, AUTHOR)
    comment.width = 320
    comment.height = 24 + 18 * (body.count("\n") + 1 + len(body) // 50)
    cell.comment = comment


def _line(finding: Finding, lang: str) -> str:
    return text("annotate.line", lang, severity=text("severity." + finding.severity.value, lang),
                message=finding.message(lang))


def _findings_sheet(book: Workbook, findings: list[Finding], lang: str) -> Worksheet:
    sheet = book.create_sheet(_free_name(book, text("sheet.findings", lang)))
    bold = Font(bold=True)
    for index, (key, width) in enumerate(_COLUMNS, start=1):
        header = sheet.cell(1, index, text(key, lang))
        header.font = bold
        sheet.column_dimensions[header.column_letter].width = width
    for row, finding in enumerate(findings, start=2):
        place = sheet.cell(row, 1)
        _put(place, finding.place(lang))
        _link(place, book, finding)
        severity = sheet.cell(row, 2)
        _put(severity, text("severity." + finding.severity.value, lang))
        severity.fill = PatternFill("solid", fgColor=FILLS[finding.severity])
        _put(sheet.cell(row, 3), finding.message(lang))
        _put(sheet.cell(row, 4), finding.value)
    sheet.freeze_panes = "A2"
    if findings:
        sheet.auto_filter.ref = f"A1:D{len(findings) + 1}"
    _activate(book, sheet)
    return sheet


def _link(cell, book: Workbook, finding: Finding) -> None:
    """An internal link to the finding's cell (or to its sheet); file-level findings get none."""
    if not finding.sheet or finding.sheet not in book.sheetnames:
        return
    address = _target_cell(book, finding) or "A1"
    cell.hyperlink = Hyperlink(ref=cell.coordinate, location=f"{quote_sheetname(finding.sheet)}!{address}")
    cell.style = "Hyperlink"


def _free_name(book: Workbook, wanted: str) -> str:
    """`wanted`, or `wanted (2)`, `wanted (3)` … when a sheet of that name exists already."""
    existing = {name.lower() for name in book.sheetnames}
    name, number = wanted, 1
    while name.lower() in existing:
        number += 1
        suffix = f" ({number})"
        name = wanted[:MAX_SHEET_NAME - len(suffix)] + suffix
    return name


def _activate(book: Workbook, sheet: Worksheet) -> None:
    """Open the copy on the findings sheet, with no other sheet still selected: two selected
    tabs would make Excel group them, and an edit would then land on both."""
    for other in book.worksheets:
        other.sheet_view.tabSelected = False
    book.active = book.sheetnames.index(sheet.title)
    sheet.sheet_view.tabSelected = True


def _put(cell, value: Any) -> None:
    """Write a value that stays inert: text that looks like a formula is stored as text."""
    if value is None:
        return
    if isinstance(value, str):
        value = _clean(value)
    elif not isinstance(value, (int, float)) or isinstance(value, bool):
        value = _clean(str(value))                      # dates, lists, Bilingual …: as the user reads them
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"                            # openpyxl would take "=…" for a formula


def _clean(value: str) -> str:
    return ILLEGAL_CHARACTERS_RE.sub("", value)[:MAX_CELL_TEXT]
