"""Hidden rows of each worksheet of an xlsx, found by one regular-expression scan of its XML.

Rows a team hides (a helper formula row under a Gantt header, finished work folded away) are
no tasks to show; the reader skips them with an info finding. Any problem gives {}: a nicety
never makes a readable file unreadable.
"""
from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from .calamine_package import STORED_MAX_BYTES, Merge, merges_in_part, empty_merges_at
from .formulas import _names, _worksheet_parts
from .zip_parts import read_part

_HIDDEN_ROW = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row\b([^>]*)>")
_ROW_NUMBER = re.compile(rb'\br="(\d+)"')
_HIDDEN = re.compile(rb'\bhidden="(?:1|true)"')


def hidden_rows(path: Path) -> dict[str, frozenset[int]]:
    """{sheet name: Excel row numbers hidden}; sheets without hidden rows are left out."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = _names(archive)
            found: dict[str, frozenset[int]] = {}
            for sheet, part in _worksheet_parts(archive, names):
                rows = hidden_rows_in_part(archive.read(names[part]))
                if rows:
                    found[sheet] = rows
            return found
    except Exception:  # noqa: BLE001 - the edge
        return {}


def hidden_rows_in_part(data: bytes) -> frozenset[int]:
    """The Excel row numbers one worksheet part hides."""
    if b'hidden="' not in data:
        return frozenset()
    rows = set()
    for match in _HIDDEN_ROW.finditer(data):
        attrs = match.group(1)
        if _HIDDEN.search(attrs):
            number = _ROW_NUMBER.search(attrs)
            if number:
                rows.add(int(number.group(1)))
    return frozenset(rows)


_REF = re.compile(rb'\bref="\$?([A-Z]{1,3})\$?(\d+):\$?([A-Z]{1,3})\$?(\d+)"')


def _column_index(letters: bytes) -> int:
    number = 0
    for ch in letters.decode():
        number = number * 26 + ord(ch) - 64
    return number - 1


def excel_tables(path: Path) -> dict[str, tuple[int, int, int, int]]:
    """{sheet name: (header row, first column, last row, last column)}, 0-based, of the first
    Excel table (ListObject) on each sheet; read from the table parts the sheet links to."""

    try:
        with zipfile.ZipFile(path) as archive:
            names = _names(archive)
            found: dict[str, tuple[int, int, int, int]] = {}
            for sheet, part in _worksheet_parts(archive, names):
                table = table_of_part(archive, names, part)
                if table is not None:
                    found.setdefault(sheet, table)
            return found
    except Exception:  # noqa: BLE001 - the edge
        return {}


def table_of_part(archive: zipfile.ZipFile, names: dict[str, str], part: str) -> tuple[int, int, int, int] | None:
    """The first Excel table one worksheet part links to, as `excel_tables` gives it."""
    from .formulas import _relationships

    for target, kind in _relationships(archive, names, part).values():
        if not kind.endswith("/table") or target not in names:
            continue
        head = archive.read(names[target])[:4096]
        match = _REF.search(head)
        if match:
            c0, r0, c1, r1 = match.groups()
            return int(r0) - 1, _column_index(c0), int(r1) - 1, _column_index(c1)
    return None


@dataclass
class WorksheetScan:
    """What the worksheet parts of an xlsx say besides their cells, from one pass over them."""

    formulas: dict[str, dict[str, str]] = field(default_factory=dict)        # as formulas.scan_formulas
    formula_counts: dict[str, tuple[int, str]] = field(default_factory=dict)
    hidden_rows: dict[str, frozenset[int]] = field(default_factory=dict)     # as hidden_rows
    tables: dict[str, tuple[int, int, int, int]] = field(default_factory=dict)  # as excel_tables
    # for calamine_package: each worksheet's merged ranges (by sheet name) and its XML with where
    # an empty <mergeCells> goes (by archive name); both empty unless every worksheet has them
    merges: dict[str, list[Merge]] = field(default_factory=dict)
    prepared: dict[str, tuple[bytes, int]] = field(default_factory=dict, repr=False)


def scan_worksheets(path: Path) -> WorksheetScan:
    """`scan_formulas`, `hidden_rows` and `excel_tables` in one pass: the package is opened and
    each worksheet inflated once instead of three times. A failure of one part of the scan
    gives what that function gives on failure (what was found so far, or nothing)."""
    from .formulas import formulas_in_part

    scan = WorksheetScan()
    hidden_ok = tables_ok = formulas_ok = True
    prepared_ok, prepared_bytes, seen_names = True, 0, set()
    try:
        with open(path, "rb") as handle, zipfile.ZipFile(handle) as archive:
            names = _names(archive)
            for sheet, part in _worksheet_parts(archive, names):
                data = read_part(handle, archive.getinfo(names[part]))
                if prepared_ok:
                    merges = merges_in_part(data)
                    prepared_bytes += len(data)
                    at = empty_merges_at(data) if merges is not None else None
                    if (merges is None or at is None or sheet.casefold() in seen_names
                            or prepared_bytes > STORED_MAX_BYTES):
                        prepared_ok = False
                        scan.merges, scan.prepared = {}, {}
                    else:
                        seen_names.add(sheet.casefold())
                        scan.merges[sheet], scan.prepared[names[part]] = merges, (data, at)
                if tables_ok:
                    try:
                        table = table_of_part(archive, names, part)
                        if table is not None:
                            scan.tables.setdefault(sheet, table)
                    except Exception:  # noqa: BLE001 - the edge, as excel_tables
                        tables_ok = False
                if hidden_ok:
                    try:
                        rows = hidden_rows_in_part(data)
                        if rows:
                            scan.hidden_rows[sheet] = rows
                    except Exception:  # noqa: BLE001 - the edge, as hidden_rows
                        hidden_ok = False
                if formulas_ok:
                    try:
                        formulas_in_part(sheet, data, scan.formulas, scan.formula_counts)
                    except Exception:  # noqa: BLE001 - the edge, as scan_formulas: what was found so far
                        formulas_ok = False
    except Exception:  # noqa: BLE001 - the edge: a nicety must never make a readable file unreadable
        hidden_ok = tables_ok = False
        scan.merges, scan.prepared = {}, {}
    if not hidden_ok:
        scan.hidden_rows = {}
    if not tables_ok:
        scan.tables = {}
    return scan
