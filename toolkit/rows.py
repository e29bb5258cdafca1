"""Header + rows + cells -> typed Records and Findings. Pure: no file is opened here.

`read_sheet` takes a `RawSheet` (a sheet as rows of plain cell values, whatever reader made it),
finds the header, recognises the columns of the standard in English or Chinese, and types each
cell (see `toolkit.coerce`), recording a Finding at its A1 address for anything not understood.
"""
from __future__ import annotations

import itertools
import math
import operator
from collections.abc import Callable, Iterable
from datetime import date, datetime
from typing import Any

from . import coerce
from .config import Limits
from .errors import Bilingual, Finding, Severity
from .model import Record, SheetTable, Source, WorkbookData
from .schema import SHEETS, Column, ColType, SheetSpec, header_score, match_column, match_sheet_name

HEADER_SCAN_ROWS = 30          # a header may sit below a title and blank rows
MIN_HEADER_MATCHES = 3         # columns a sheet of unknown name must name to be recognised
_ERROR_VALUES = frozenset({"#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!", "#SPILL!", "#CALC!",
                           "#GETTING_DATA"})


def column_letter(index: int) -> str:
    """0-based column index -> Excel letters (0 -> A, 27 -> AB)."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _bilingual_header(spec: SheetSpec, key: str) -> Bilingual:
    col = spec.column(key)
    return Bilingual(col.en, col.zh)


class RawSheet:
    """A sheet as rows of cell values; row index 0 is Excel row 1, `col_offset` the first column."""

    def __init__(self, name: str, rows: Iterable[list[Any]], col_offset: int = 0,
                 merged: list[tuple[tuple[int, int], tuple[int, int]]] | None = None):
        self.name = name
        self.rows = rows
        self.col_offset = col_offset
        self.merged = merged or []


def _find_header(spec: SheetSpec | None, head: list[list[Any]]) -> tuple[SheetSpec | None, int]:
    """(kind, row index) of the header among the first rows; spec None when nothing matches."""
    best: tuple[int, int, SheetSpec | None] = (0, -1, None)
    specs = (spec,) if spec else SHEETS
    for index, row in enumerate(head):
        cells = [c for c in row if isinstance(c, str) and c.strip()]
        if not cells:
            continue
        for candidate in specs:
            score = header_score(candidate, cells)
            if score > best[0]:
                best = (score, index, candidate)
    score, index, found = best
    if found is None:
        return None, -1
    if spec is None and (score < MIN_HEADER_MATCHES or score < len(found.required_keys) // 2):
        return None, -1
    return found, index


def read_sheet(raw: RawSheet, wb: WorkbookData, limits: Limits,
                formulas: dict[str, str]) -> SheetTable | None:
    named = match_sheet_name(raw.name)
    rows = iter(raw.rows)
    head: list[list[Any]] = []
    for row in rows:
        head.append(list(row))
        if len(head) >= HEADER_SCAN_ROWS:
            break
    spec, header_index = _find_header(named, head)
    if spec is None:
        if named is not None:
            wb.findings.append(Finding("no-header", Severity.ERROR, wb.file, raw.name, path=str(wb.path),
                                       params={"sheet": Bilingual(named.en, named.zh), "rows": HEADER_SCAN_ROWS}))
        return None

    # department of this sheet: a Tasks sheet named after a department (one workbook, a sheet each)
    department = wb.department if named is not None else raw.name

    header_row = header_index + 1
    columns: dict[str, int] = {}
    headers: dict[str, str] = {}
    extras: dict[int, str] = {}
    for position, cell in enumerate(head[header_index]):
        text, _ = coerce.clean_text(cell)
        if not text:
            continue
        col = match_column(spec, text)
        letter = column_letter(position + raw.col_offset)
        if col is None:
            extras[position] = text
        elif col.key in columns:
            wb.findings.append(Finding("duplicate-column", Severity.WARNING, wb.file, raw.name,
                                       f"{letter}{header_row}", text, {"column": text}, str(wb.path)))
        else:
            columns[col.key] = position
            headers[col.key] = text
    letters = {key: column_letter(pos + raw.col_offset) for key, pos in columns.items()}
    table = SheetTable(spec.key, wb.file, raw.name, str(wb.path), header_row, letters, headers,
                       list(extras.values()), department=department)
    for key in spec.required_keys:
        if key not in columns:
            wb.findings.append(Finding("missing-column", Severity.ERROR, wb.file, raw.name,
                                       f"A{header_row}", None,
                                       {"column": _bilingual_header(spec, key)}, str(wb.path)))

    # (key, position, fast converter, may a blank be skipped without a look) per column
    reader = _RowReader(spec, table, wb, columns, extras, formulas)
    covered, tops = _merged_lookup(raw, header_index)
    merge_values: dict[tuple[int, int], Any] = {}
    cells_seen = 0
    data_rows = itertools.chain(head[header_index + 1:], rows)
    for offset, row in enumerate(data_rows):
        row_number = header_row + 1 + offset
        cells_seen += len(row)
        if cells_seen > limits.max_cells_per_sheet:
            wb.findings.append(Finding("file-too-many-cells", Severity.WARNING, wb.file, raw.name,
                                       path=str(wb.path),
                                       params={"limit": limits.max_cells_per_sheet, "sheet": raw.name}))
            break
        row_index = header_index + 1 + offset
        for top in tops.get(row_index, ()):
            merge_values[top] = row[top[1]] if top[1] < len(row) else None
        merged_here = {pos: merge_values.get(top) for pos, top in covered.get(row_index, {}).items()}
        record = reader.read(row, row_number, merged_here)
        if record is not None:
            table.records.append(record)
    return table


def _merged_lookup(raw: RawSheet, header_index: int
                   ) -> tuple[dict[int, dict[int, tuple[int, int]]], dict[int, list[tuple[int, int]]]]:
    """Merges below the header: {row index: {position: top-left}} of covered cells, and
    {row index: [top-left, ...]} of the cells holding the merged value."""
    covered: dict[int, dict[int, tuple[int, int]]] = {}
    tops: dict[int, list[tuple[int, int]]] = {}
    for (r0, c0), (r1, c1) in raw.merged:
        if r0 <= header_index or (r1 - r0 + 1) * (c1 - c0 + 1) > 10000:
            continue
        top = (r0, c0 - raw.col_offset)
        tops.setdefault(r0, []).append(top)
        for r in range(r0, r1 + 1):
            for c in range(c0, c1 + 1):
                if (r, c) != (r0, c0):
                    covered.setdefault(r, {})[c - raw.col_offset] = top
    return covered, tops


class _RowReader:
    """Turns the data rows of one sheet into Records. Built once per sheet: the positions, the
    fast converter of each column and which blanks need no look are worked out here, so the
    per-row work is a few C-level operations plus one small function call per filled cell."""

    def __init__(self, spec: SheetSpec, table: SheetTable, wb: WorkbookData, columns: dict[str, int],
                 extras: dict[int, str], formulas: dict[str, str]):
        self.spec, self.table, self.wb, self.formulas = spec, table, wb, formulas
        self.keys = tuple(columns)
        self.positions = tuple(columns.values())
        self.width_needed = max(self.positions, default=-1) + 1
        self.pick = operator.itemgetter(*self.positions) if len(self.positions) > 1 else None
        self.converters = tuple(_fast_converter(spec.column(key)) for key in self.keys)
        # a blank in a column that is not required, on a sheet with no formula lacking its value,
        # is simply None; other blanks go through `_cell_value` (missing value, formula without value)
        self.blank_ok = tuple(not spec.column(key).required and not formulas for key in self.keys)
        self.extras = extras
        self.is_tasks = spec.key == "tasks"

    def _known(self, row: list[Any]) -> list[Any]:
        if self.pick is not None and len(row) >= self.width_needed:
            return list(self.pick(row))
        width = len(row)
        return [row[pos] if pos < width else None for pos in self.positions]

    def read(self, row: list[Any], row_number: int, merged: dict[int, Any]) -> Record | None:
        known = self._known(row)
        extra_values = ({name: row[pos] for pos, name in self.extras.items()
                         if pos < len(row) and not coerce.is_blank(row[pos])} if self.extras else {})
        filled = len(known) - known.count(None) - known.count("")
        if not extra_values and (filled == 0 or (filled <= 3 and all(coerce.is_blank(v) for v in known))):
            if not self.formulas or not any(f"{self.table.columns[key]}{row_number}" in self.formulas
                                            for key in self.keys):
                return None  # a blank row (cells covered by a merge above do not make it a row)
        if merged:
            for i, pos in enumerate(self.positions):
                if pos in merged and coerce.is_blank(known[i]):
                    known[i] = merged[pos]  # a merged cell shows its top-left value

        typed: list[Any] = [None] * len(known)
        slow: list[int] = []
        converters, blank_ok = self.converters, self.blank_ok
        for i, value in enumerate(known):
            if value is None or value == "":
                if not blank_ok[i]:
                    slow.append(i)
                continue
            result = converters[i](value)
            if result is _SLOW:
                slow.append(i)
            else:
                typed[i] = result

        wb, table = self.wb, self.table
        values = dict.fromkeys(self.spec.keys)
        values.update(zip(self.keys, typed))
        record = Record(self.spec.key, Source(wb.file, table.sheet, row_number, str(wb.path)), values=values,
                        raw=dict(zip(self.keys, known)), columns=table.columns, department=table.department)
        for i in slow:
            key = self.keys[i]
            values[key] = _cell_value(self.spec, key, known[i], record, wb, self.formulas)
        if extra_values:
            record.extras = {name: _plain(v) for name, v in extra_values.items()}
        if self.is_tasks and values.get("department") is None:
            values["department"] = table.department
        return record


def _plain(value: Any) -> Any:
    if isinstance(value, str):
        text, _ = coerce.clean_text(value)
        return text
    return value


_SLOW = object()


def _fast_converter(column: Column) -> Callable[[Any], Any]:
    """A function giving the typed value of a clean, common cell of `column` (what calamine
    gives for a well-kept workbook), or _SLOW: anything unusual takes the full path in
    `_cell_value`, which makes the findings. Built once per sheet column; it makes reading
    several times cheaper per cell and gives exactly what `coerce.coerce` gives."""
    kind = column.type
    search = coerce.CONTROL_CHARS.search
    errors = _ERROR_VALUES

    if kind is ColType.TEXT:
        def text(value: Any) -> Any:
            # isprintable() is a C-speed "no control character" check for nearly every cell
            if type(value) is str and (value.isprintable() or search(value) is None):
                stripped = value.strip()
                if stripped and stripped not in errors and "_x000D_" not in stripped:
                    return stripped
            return _SLOW
        return text

    if kind is ColType.CHOICE:
        known: dict[str, str] = {}      # cell text -> choice key, for texts seen in this sheet

        def choice(value: Any) -> Any:
            if type(value) is not str:
                return _SLOW
            found = known.get(value)
            if found is None:
                if not value or (not value.isprintable() and search(value) is not None):
                    return _SLOW
                matched = column.choice_for(value)
                if matched is None:
                    return _SLOW
                found = known[value] = matched.key
            return found
        return choice

    if kind is ColType.NUMBER:
        def number(value: Any) -> Any:
            t = type(value)
            return float(value) if (t is float or t is int) and 0 <= value < math.inf else _SLOW
        return number

    if kind is ColType.PERCENT:
        def percent(value: Any) -> Any:
            t = type(value)
            if t is float or t is int:
                if 0 <= value <= 1:
                    return round(value * 100, 6)
                if 1 < value <= 100:
                    return round(float(value), 6)
            return _SLOW
        return percent

    if kind is ColType.DATE:
        def day(value: Any) -> Any:
            t = type(value)
            if t is date:
                return value
            return value.date() if t is datetime else _SLOW
        return day

    return lambda value: _SLOW


def _cell_value(spec: SheetSpec, key: str, value: Any, record: Record, wb: WorkbookData,
                formulas: dict[str, str]) -> Any:
    column = spec.column(key)
    cell = record.cell(key)
    header = Bilingual(column.en, column.zh)

    def finding(code: str, severity: Severity = Severity.ERROR, shown: Any = value, **params: Any) -> None:
        wb.findings.append(Finding(code, severity, wb.file, record.source.sheet, cell, shown,
                                   {"column": header, **params}, str(wb.path)))
        if severity is Severity.ERROR:
            record.has_error = True

    if coerce.is_blank(value):
        formula = formulas.get(cell or "")
        if formula:
            finding("formula-no-value", shown=formula)
        elif column.required:
            finding(column.missing_code, shown=None)
        return None
    if isinstance(value, str):
        text, had_control = coerce.clean_text(value)
        if had_control:
            finding("control-chars", Severity.WARNING, shown=text)
        if text in _ERROR_VALUES:
            finding("formula-error", shown=text)
            return None
        if text is None:
            if column.required:
                finding("missing-value", shown=None)
            return None
        value = text
    try:
        return coerce.coerce(column, value)
    except coerce.BadValue as bad:
        params: dict[str, Any] = {}
        if bad.code == "not-in-list":
            params["allowed"] = Bilingual(" / ".join(c.en for c in column.choices),
                                          " / ".join(c.zh for c in column.choices))
        shown = int(value) if isinstance(value, float) and value.is_integer() else value
        finding(bad.code, shown=shown, **params)
        return None
