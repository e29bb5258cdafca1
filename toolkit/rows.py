"""Header + rows + cells -> typed Records and Findings. Pure: no file is opened here.

`read_sheet` takes a `RawSheet` (a sheet as rows of plain cell values, whatever reader made it),
finds the header, recognises the columns of the standard in English or Chinese, and types each
cell (see `toolkit.coerce`), recording a Finding at its A1 address for anything not understood.
"""
from __future__ import annotations

import itertools
import math
import operator
import sys
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime
from typing import Any

from . import coerce
from .config import Limits
from .errors import Bilingual, Finding, Severity
from .model import Record, SheetTable, Source, WorkbookData
from . import headers
from .schema import Column, ColType, SheetSpec, column_letter, looks_like, match_column, match_sheet_name, normalize_header

COLUMNWISE = True             # the fast path (rows_fast) for well-kept sheets; False: the row loop for all
FAST_CHUNK_ROWS = 8192         # rows typed at once by the fast path
HEADER_SCAN_ROWS = 30          # a header may sit below a title and blank rows
SAMPLE_ROWS = 200              # rows read ahead to judge the columns by their values
MIN_HEADER_MATCHES = headers.MIN_HEADER_MATCHES
MAX_TEXT = 32_767              # characters in an Excel cell: longer text is cut in the master (a finding says so)
_ERROR_VALUES = frozenset({"#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!", "#SPILL!", "#CALC!",
                           "#GETTING_DATA"})


def _bilingual_header(spec: SheetSpec, key: str) -> Bilingual:
    col = spec.column(key)
    return Bilingual(col.en, col.zh)


class RawSheet:
    """A sheet as rows of cell values; row index 0 is Excel row 1, `col_offset` the first column."""

    def __init__(self, name: str, rows: Iterable[list[Any]], col_offset: int = 0,
                 merged: list[tuple[tuple[int, int], tuple[int, int]]] | None = None,
                 hidden_rows: frozenset[int] = frozenset(),
                 table: tuple[int, int, int, int] | None = None):
        self.name = name
        self.rows = rows
        self.col_offset = col_offset
        self.merged = merged or []
        self.hidden_rows = hidden_rows      # Excel row numbers (1-based) hidden on the sheet
        self.table = table                  # an Excel table on the sheet: (row0, col0, row1, col1), 0-based


_TOTALS: frozenset[str] = frozenset(w.casefold() for w in (
    "合计", "小计", "总计", "汇总", "共计", "合计：", "总计：", "Total", "Totals", "Total:", "Subtotal", "Sub-total",
    "Sub Total", "Grand Total", "Sum"))
_STUB = object()
# sheets that explain the workbook (the templates' own Instructions sheet among them): not reported
_NOT_DATA_SHEETS = frozenset(normalize_header(w) for w in (
    "Instructions", "说明", "填写说明", "使用说明", "About", "README", "Read Me", "Legend", "图例"))
_IDENTIFYING = ("id", "title", "owner", "start", "due")   # a task row without any of these is a stub


def _not_blank(row: list[Any]) -> bool:
    return any(not coerce.is_blank(c) for c in row)


def _note_finding(wb: WorkbookData, sheet: str, note: headers.Note, letter: str, header_row: int) -> Finding:
    return Finding(note.code, Severity(note.severity), wb.file, sheet, f"{letter}{header_row}", note.value,
                   note.params, str(wb.path))


def read_sheet(raw: RawSheet, wb: WorkbookData, limits: Limits, formulas: dict[str, str],
               mapping: headers.Mapping = headers.NO_MAPPING) -> SheetTable | None:
    named = match_sheet_name(raw.name)
    rows = iter(raw.rows)
    head: list[list[Any]] = []
    for row in rows:
        head.append(list(row))
        if len(head) >= SAMPLE_ROWS:
            break
    guess = headers.find_kind(named, head[:HEADER_SCAN_ROWS], mapping)
    spec, header_index = guess.spec, guess.header_index
    if spec is None:
        if named is not None:
            wb.findings.append(Finding("no-header", Severity.ERROR, wb.file, raw.name, path=str(wb.path),
                                       params={"sheet": Bilingual(named.en, named.zh), "rows": HEADER_SCAN_ROWS}))
        elif any(_not_blank(r) for r in head) and normalize_header(raw.name) not in _NOT_DATA_SHEETS:
            wb.skipped_sheets.append((raw.name, guess))
            wb.findings.append(_sheet_skipped(wb, raw.name, guess))
        return None
    if guess.switched_from is not None:
        wb.findings.append(Finding("sheet-read-as", Severity.INFO, wb.file, raw.name, path=str(wb.path), params={
            "sheet": raw.name, "kind": Bilingual(spec.en, spec.zh),
            "named": Bilingual(guess.switched_from.en, guess.switched_from.zh),
            "headers": ", ".join(guess.matched)}))

    # an Excel table (ListObject) on the sheet bounds the data: its header row, columns and last row
    bounds: tuple[int, int] | None = None
    last_index: int | None = None
    if raw.table is not None and 0 <= raw.table[0] < len(head):
        r0, c0, r1, c1 = raw.table
        header_index, bounds, last_index = r0, (c0 - raw.col_offset, c1 - raw.col_offset), r1

    # department of this sheet: a Tasks sheet named after a department (one workbook, a sheet each)
    department = wb.department if named is not None else raw.name

    header_row = header_index + 1
    plan = headers.plan_columns(spec, header_index, head[header_index], head[header_index + 1:], mapping, bounds)
    columns, extras = plan.columns, plan.extras
    for note in plan.notes:
        wb.findings.append(_note_finding(wb, raw.name, note, column_letter(note.position + raw.col_offset), header_row))
    if plan.outside:
        first = min(plan.outside)
        wb.findings.append(Finding("columns-outside", Severity.INFO, wb.file, raw.name,
                                   f"{column_letter(first + raw.col_offset)}{header_row}", None,
                                   {"headers": ", ".join(f"“{h}”" for h in plan.outside.values())}, str(wb.path)))
    # columns reported otherwise (a repeated header, a header beside the table): not "without header"
    ignored = {note.position for note in plan.notes} | set(plan.outside)
    letters = {key: column_letter(pos + raw.col_offset) for key, pos in columns.items()}
    table = SheetTable(spec.key, wb.file, raw.name, str(wb.path), header_row, letters, dict(plan.headers),
                       list(extras.values()), department=department, how=dict(plan.how), samples=plan.samples)
    alike: dict[str, tuple[int, str]] = {}
    for position, text in extras.items():
        col = looks_like(spec, text)
        if col is not None and col.key not in columns:
            alike.setdefault(col.key, (position, text))
    for key in spec.keys:
        if key in columns:
            continue
        col = spec.column(key)
        if key in alike:
            position, text = alike[key]
            wb.findings.append(Finding("column-looks-like", Severity.ERROR if col.required else Severity.WARNING,
                                       wb.file, raw.name, f"{column_letter(position + raw.col_offset)}{header_row}",
                                       text, {"column": _bilingual_header(spec, key), "header": text}, str(wb.path)))
        elif col.required:
            wb.findings.append(Finding("missing-column", Severity.ERROR, wb.file, raw.name,
                                       f"A{header_row}", None,
                                       {"column": _bilingual_header(spec, key)}, str(wb.path)))

    # (key, position, fast converter, may a blank be skipped without a look) per column
    reader = _RowReader(spec, table, wb, columns, extras, formulas, mapping, ignored)
    reader.table_offset, reader.bounds = raw.col_offset, bounds
    covered, tops = _merged_lookup(raw, header_index)
    merge_values: dict[tuple[int, int], Any] = {}
    header_names = {pos: str(head[header_index][pos]).strip() for pos in columns.values()}
    skips: list[tuple[str, int]] = []
    below: int | None = None
    cells_seen = 0
    start = 0                      # rows (below the header) already read by the fast path
    data_rows: Iterator[list[Any]] = itertools.chain(head[header_index + 1:], rows)
    if COLUMNWISE and not covered and not tops and last_index is None and not formulas:
        # the common, well-kept sheet: typed column by column (rows_fast), a chunk of rows at a
        # time (memory stays that of the row loop); the loop below reads what the fast path
        # does not take (rows of another width) and everything from the chunk passing the cell limit
        while True:
            chunk = list(itertools.islice(data_rows, FAST_CHUNK_ROWS))
            if not chunk:
                return _finish_sheet(table, wb, raw, reader, skips, spec, last_index, None)
            chunk_cells = sum(map(len, chunk))
            done = (read_rows_columnwise(reader, chunk, header_row + 1 + start, raw.hidden_rows, header_names)
                    if cells_seen + chunk_cells <= limits.max_cells_per_sheet else None)
            if done is None:
                data_rows = itertools.chain(chunk, data_rows)
                break
            table.add(done[0])
            skips.extend(done[1])
            cells_seen += chunk_cells
            start += len(chunk)
    rest: list[Record] = []        # the rows the loop reads, after those of the fast path
    for offset, row in enumerate(data_rows, start=start):
        row_number = header_row + 1 + offset
        cells_seen += len(row)
        if cells_seen > limits.max_cells_per_sheet:
            # rows not read are an error with their count, never a quiet cut
            left = sum(1 for rest in itertools.chain((row,), data_rows) if _has_value(rest))
            wb.findings.append(Finding("rows-not-read", Severity.ERROR, wb.file, raw.name, f"A{row_number}",
                                       path=str(wb.path),
                                       params={"limit": limits.max_cells_per_sheet, "sheet": raw.name,
                                               "count": left, "last": row_number - 1}))
            break
        row_index = header_index + 1 + offset
        for top in tops.get(row_index, ()):
            merge_values[top] = row[top[1]] if top[1] < len(row) else None
        if last_index is not None and row_index > last_index:
            if below is None and _not_blank(row[bounds[0]:] if bounds else row):
                below = row_number
            continue
        if row_number in raw.hidden_rows and _not_blank(row):
            skips.append(("skipped-hidden-row", row_number))
            continue
        if header_names and _is_header_again(row, header_names):
            skips.append(("skipped-header-row", row_number))
            continue
        if _is_totals(row):
            skips.append(("skipped-totals-row", row_number))
            continue
        merged_here = {pos: merge_values.get(top) for pos, top in covered.get(row_index, {}).items()}
        record = reader.read(row, row_number, merged_here)
        if record is _STUB:
            skips.append(("skipped-empty-row", row_number))
        elif record is not None:
            rest.append(record)
    table.add(rest)
    return _finish_sheet(table, wb, raw, reader, skips, spec, last_index, below)


def _finish_sheet(table: SheetTable, wb: WorkbookData, raw: RawSheet, reader: _RowReader,
                  skips: list[tuple[str, int]], spec: SheetSpec, last_index: int | None,
                  below: int | None) -> SheetTable:
    if below is not None:
        wb.findings.append(Finding("skipped-below-table", Severity.INFO, wb.file, raw.name,
                                   f"{column_letter(raw.col_offset)}{below}", None,
                                   {"last": (last_index or 0) + 1}, str(wb.path)))
    if spec.key == "tasks":
        _skip_summary_rows(table, wb, skips)
    _report_skips(wb, raw, skips)
    table.skipped_rows = len(skips)
    reader.report_unnamed(raw.col_offset)
    return table


def _has_value(row: list[Any]) -> bool:
    return len(row) > row.count(None) + row.count("")


def _sheet_skipped(wb: WorkbookData, sheet: str, guess: headers.KindGuess) -> Finding:
    closest = guess.closest
    if closest is None:
        return Finding("sheet-skipped", Severity.INFO, wb.file, sheet, path=str(wb.path), params={"sheet": sheet})
    found = set()
    for text in guess.matched:
        col = match_column(closest, text)
        if col is not None:
            found.add(col.key)
    missing = [c for c in closest.columns if c.required and c.key not in found]
    return Finding("sheet-skipped-closest", Severity.INFO, wb.file, sheet, path=str(wb.path), params={
        "sheet": sheet, "kind": Bilingual(closest.en, closest.zh),
        "matched": ", ".join(f"“{h}”" for h in guess.matched) or "—",
        "missing": Bilingual(", ".join(c.en for c in missing) or "—", "、".join(c.zh for c in missing) or "—")})


def _is_header_again(row: list[Any], header_names: dict[int, str]) -> bool:
    """A row repeating the header's texts (a copied header above each block of rows)."""
    width = len(row)
    same = sum(1 for pos, name in header_names.items()
               if pos < width and type(row[pos]) is str and row[pos].strip() == name)
    return same >= max(2, (len(header_names) + 1) // 2)


def _is_totals(row: list[Any]) -> bool:
    seen = 0
    for cell in row:
        if coerce.is_blank(cell):
            continue
        if type(cell) is str and cell.strip().casefold() in _TOTALS:
            return True
        seen += 1
        if seen >= 3:
            return False
    return False


def _indent(record: Record) -> int:
    value = record.raw.get("title")
    if not isinstance(value, str):
        return 0
    return len(value) - len(value.lstrip(" \u3000\t"))


def _skip_summary_rows(table: SheetTable, wb: WorkbookData, skips: list[tuple[str, int]]) -> None:
    """Parent rows of an outline: a row indented less than the next one, with no start, due or
    owner of its own, groups the rows under it and is no task."""
    if not table.any_raw("title"):
        return      # no title with spaces in front: no outline (a stripped title keeps its raw text)
    records = table.records
    dropped: set[int] = set()
    for i, record in enumerate(records[:-1]):
        if _indent(record) < _indent(records[i + 1]) and all(
                record.values.get(k) is None and coerce.is_blank(record.raw.get(k)) for k in ("start", "due", "owner")):
            dropped.add(record.source.row)
    if not dropped:
        return
    table.records = [r for r in records if r.source.row not in dropped]
    wb.findings[:] = [f for f in wb.findings if not (f.sheet == table.sheet and f.row in dropped
                                                     and f.file == wb.file)]
    skips.extend(("skipped-summary-row", row) for row in sorted(dropped))


def _report_skips(wb: WorkbookData, raw: RawSheet, skips: list[tuple[str, int]]) -> None:
    """One info finding per run of rows skipped for one reason ("rows 19–88")."""
    letter = column_letter(raw.col_offset)
    runs: list[list[Any]] = []
    for code, row in sorted(skips, key=lambda s: s[1]):
        if runs and runs[-1][0] == code and runs[-1][2] == row - 1:
            runs[-1][2] = row
            runs[-1][3] += 1
        else:
            runs.append([code, row, row, 1])
    for code, first, last, count in runs:
        shown = str(first) if first == last else f"{first}–{last}"
        wb.findings.append(Finding(code, Severity.INFO, wb.file, raw.name, f"{letter}{first}", None,
                                   {"rows": shown, "count": count}, str(wb.path)))


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
                if r > r0 and c == c0:    # merged down a column; a merge across is a heading
                    covered.setdefault(r, {})[c - raw.col_offset] = top
    return covered, tops


class _RowReader:
    """Turns the data rows of one sheet into Records. Built once per sheet: the positions, the
    fast converter of each column and which blanks need no look are worked out here, so the
    per-row work is a few C-level operations plus one small function call per filled cell."""

    def __init__(self, spec: SheetSpec, table: SheetTable, wb: WorkbookData, columns: dict[str, int],
                 extras: dict[int, str], formulas: dict[str, str], mapping: headers.Mapping = headers.NO_MAPPING,
                 ignored: set[int] | None = None):
        self.spec, self.table, self.wb, self.formulas = spec, table, wb, formulas
        self.statuses = mapping.statuses if spec.key == "tasks" else {}
        # positions whose values are read (or reported otherwise); values anywhere else have no header
        self.named = frozenset(columns.values()) | frozenset(extras) | frozenset(ignored or ())
        self.unnamed: dict[int, list[int]] = {}
        self.keys = tuple(columns)
        self.positions = tuple(columns.values())
        self.width_needed = max(self.positions, default=-1) + 1
        self.pick = operator.itemgetter(*self.positions) if len(self.positions) > 1 else None
        self.converters = tuple(_fast_converter(spec.column(key), self.statuses if key == "status" else None)
                                for key in self.keys)
        # a blank in a column that is not required, on a sheet with no formula lacking its value,
        # is simply None; other blanks go through `_cell_value` (missing value, formula without value)
        self.blank_ok = tuple(not spec.column(key).required and not formulas for key in self.keys)
        self.extras = extras
        self.is_tasks = spec.key == "tasks"
        self.stub_at = tuple(i for i, key in enumerate(self.keys) if key in _IDENTIFYING) if self.is_tasks else ()
        self.path = str(wb.path)          # one string shared by every row's Source

    @property
    def extra_letters(self) -> dict[str, str]:
        return {name: column_letter(pos + self.table_offset) for pos, name in self.extras.items()}

    table_offset = 0
    bounds: tuple[int, int] | None = None      # an Excel table's columns: values beside it are reported otherwise

    def _note_unnamed(self, row: list[Any], row_number: int) -> None:
        named, bounds = self.named, self.bounds
        for pos, value in enumerate(row):
            if pos not in named and value is not None and value != "" and \
                    (bounds is None or bounds[0] <= pos <= bounds[1]):
                self.unnamed.setdefault(pos, []).append(row_number)

    def report_unnamed(self, col_offset: int) -> None:
        """One warning per column without a header that holds values: its letter and rows."""
        wb, table = self.wb, self.table
        for pos, rows in sorted(self.unnamed.items()):
            letter = column_letter(pos + col_offset)
            shown = ", ".join(str(r) for r in rows[:10]) + (f" … (+{len(rows) - 10})" if len(rows) > 10 else "")
            wb.findings.append(Finding("unnamed-column-values", Severity.WARNING, wb.file, table.sheet,
                                       f"{letter}{rows[0]}", None,
                                       {"column": letter, "count": len(rows), "rows": shown}, str(wb.path)))

    def _known(self, row: list[Any]) -> list[Any]:
        if self.pick is not None and len(row) >= self.width_needed:
            return list(self.pick(row))
        width = len(row)
        return [row[pos] if pos < width else None for pos in self.positions]

    def read(self, row: list[Any], row_number: int, merged: dict[int, Any]) -> Any:
        """The Record of a row; None for a blank row; _STUB for a task row naming no task."""
        known = self._known(row)
        extra_values = ({name: row[pos] for pos, name in self.extras.items()
                         if pos < len(row) and not coerce.is_blank(row[pos])} if self.extras else {})
        filled = len(known) - known.count(None) - known.count("")
        if len(row) - row.count(None) - row.count("") > filled + len(extra_values):
            self._note_unnamed(row, row_number)
        if not extra_values and (filled == 0 or (filled <= 3 and all(coerce.is_blank(v) for v in known))):
            if not self.formulas or not any(f"{self.table.columns[key]}{row_number}" in self.formulas
                                            for key in self.keys):
                return None  # a blank row (cells covered by a merge above do not make it a row)
        if merged:
            for i, pos in enumerate(self.positions):
                if pos in merged and coerce.is_blank(known[i]):
                    known[i] = merged[pos]  # a merged cell shows its top-left value
        if self.stub_at and all(coerce.is_blank(known[i]) for i in self.stub_at):
            return _STUB

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
        record = Record(self.spec.key, Source(wb.file, table.sheet, row_number, self.path), values=values,
                        columns=table.columns, department=table.department)
        for i in slow:
            key = self.keys[i]
            values[key] = _cell_value(self.spec, key, known[i], record, wb, self.formulas,
                                      self.statuses if key == "status" else None)
        # raw: only what differs from its typed value (a None, a serial number read as a date, a
        # text list read as IDs, text with spaces around it); a plain value is its own raw value (memory)
        record.raw = {key: value for key, value in zip(self.keys, known)
                      if value is not None and value != "" and (type(values[key]) is not type(value)
                                                                or (type(value) is str and values[key] != value))}
        if extra_values:
            record.extras = {name: _plain(v) for name, v in extra_values.items()}
            for name, v in record.extras.items():
                if isinstance(v, str) and len(v) > MAX_TEXT:
                    wb.findings.append(Finding("text-too-long", Severity.WARNING, wb.file, table.sheet,
                                               f"{self.extra_letters[name]}{row_number}", v[:40] + "…",
                                               {"column": name, "length": len(v)}, str(wb.path)))
        if self.is_tasks and values.get("department") is None:
            values["department"] = table.department
        return record


def did_you_mean(value: str, column: Column) -> Bilingual | str:
    """' (did you mean “Done”?)' for a value close to a choice or one of its synonyms, else ''."""
    import difflib

    names: dict[str, str] = {}
    for choice in column.choices:
        for label in (choice.en, choice.zh):
            names[label.casefold()] = label
    for word, _ in column.synonyms:
        names.setdefault(word.casefold(), word)
    close = difflib.get_close_matches(value.strip().casefold(), list(names), n=1, cutoff=0.6)
    return suggestion(names[close[0]]) if close else ""


def suggestion(name: str) -> Bilingual:
    return bilingual("rw.did_you_mean", name=name)


def bilingual(key: str, **params: Any) -> Bilingual:
    """A catalogue text in both languages, for a finding parameter."""
    from .i18n import text

    return Bilingual(text(key, "en", **params), text(key, "zh", **params))


def _plain(value: Any) -> Any:
    if isinstance(value, str):
        text, _ = coerce.clean_text(value)
        return text
    return value


_SLOW = object()
_FEW_VALUES = frozenset({"project", "department", "owner", "milestone"})   # text columns of few distinct values


def _fast_converter(column: Column, own: dict[str, str] | None = None) -> Callable[[Any], Any]:
    """A function giving the typed value of a clean, common cell of `column` (what calamine
    gives for a well-kept workbook), or _SLOW: anything unusual takes the full path in
    `_cell_value`, which makes the findings. Built once per sheet column; it makes reading
    several times cheaper per cell and gives exactly what `coerce.coerce` gives."""
    kind = column.type
    search = coerce.CONTROL_CHARS.search

    if kind is ColType.TEXT and column.key in _FEW_VALUES:
        # a project, department or owner repeats on thousands of rows: one string for all (memory)
        return _clean_text_converter(sys.intern)
    if kind is ColType.TEXT:
        return _clean_text_converter(None)
    if kind is ColType.ID_LIST:
        # what `_cell_value` gives for clean text: the IDs it names (a list never fails)
        return _clean_text_converter(coerce.to_id_list)

    if kind is ColType.CHOICE:
        known: dict[str, str] = {}      # cell text -> choice key, for texts seen in this sheet

        def choice(value: Any) -> Any:
            if type(value) is not str:
                return _SLOW
            found = known.get(value)
            if found is None:
                if not value or (not value.isprintable() and search(value) is not None):
                    return _SLOW
                mapped = own.get(normalize_header(value)) if own else None
                if mapped is None:
                    matched = column.choice_for(value)
                    if matched is None:
                        return _SLOW
                    mapped = matched.key
                found = known[value] = mapped
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


def _clean_text_converter(finish: Callable[[str], Any] | None) -> Callable[[Any], Any]:
    """A converter taking clean text (no control character, no error value, not blank, not too
    long) as its stripped text, passed through `finish` when given; anything else is _SLOW."""
    search = coerce.CONTROL_CHARS.search
    errors = _ERROR_VALUES

    def convert(value: Any) -> Any:
        # isprintable() is a C-speed "no control character" check for nearly every cell
        if type(value) is str and (value.isprintable() or search(value) is None):
            stripped = value.strip()
            if stripped and stripped not in errors and "_x000D_" not in stripped and len(stripped) <= MAX_TEXT:
                return stripped if finish is None else finish(stripped)
        return _SLOW

    def convert_all(values: Iterable[Any], blank: Any) -> dict[Any, Any] | None:
        """`{v: blank if v is None or v == "" else convert(v) for v in values}` with no call per
        text (rows_fast types a column's distinct values at once): the same rules as `convert`,
        when no text holds a character that is not printable or `_x000D_`; None otherwise."""
        texts = [v for v in values if type(v) is str and v]
        joined = "".join(texts)
        if not joined.isprintable() or "_x000D_" in joined:
            return None
        typed: dict[Any, Any] = {v: (t if t and t not in errors and len(t) <= MAX_TEXT else _SLOW)
                                 for v in texts for t in (v.strip(),)}
        if finish is not None:
            typed = {v: t if t is _SLOW else finish(t) for v, t in typed.items()}
        for v in values:
            if v is None or v == "":
                typed[v] = blank
            elif type(v) is not str:
                typed[v] = _SLOW
        return typed

    convert.convert_all = convert_all        # type: ignore[attr-defined]
    return convert


def _cell_value(spec: SheetSpec, key: str, value: Any, record: Record, wb: WorkbookData,
                formulas: dict[str, str], own: dict[str, str] | None = None) -> Any:
    column = spec.column(key)
    cell = record.cell(key)
    header = Bilingual(column.en, column.zh)

    def finding(code: str, severity: Severity = Severity.ERROR, shown: Any = value, **params: Any) -> None:
        wb.findings.append(Finding(code, severity, wb.file, record.source.sheet, cell, shown,
                                   {"column": header, **params}, str(wb.path)))
        if severity is Severity.ERROR:
            record.has_error = True
            if code not in ("missing-value", column.missing_code):
                record.issues.append(key)     # a bad value, not a blank one

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
        if len(text) > MAX_TEXT:
            finding("text-too-long", Severity.WARNING, shown=text[:40] + "…", length=len(text))
    if own and isinstance(value, str) and normalize_header(value) in own:
        return own[normalize_header(value)]          # a status key (config validated it)
    try:
        return coerce.coerce(column, value)
    except coerce.BadValue as bad:
        params: dict[str, Any] = {"hint": ""}
        if bad.code == "not-in-list":
            params["allowed"] = Bilingual(" / ".join(c.en for c in column.choices),
                                          " / ".join(c.zh for c in column.choices))
            params["hint"] = did_you_mean(str(value), column)
        shown = int(value) if isinstance(value, float) and value.is_integer() else value
        finding(bad.code, shown=shown, **params)
        return None


# at the end: rows_fast takes names from this module (imported here, not on the first sheet read,
# so that forked reader processes find it loaded)
from .rows_fast import read_rows_columnwise  # noqa: E402
