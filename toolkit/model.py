"""The tables the toolkit works on: records that always remember where they came from."""
from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from .errors import Finding


@dataclass(frozen=True, slots=True)     # slots: one per row, 170 000 rows must fit in memory (issue 8)
class Source:
    """Where a row lives: file name shown to people, full path, sheet, Excel row number (1-based)."""

    file: str
    sheet: str
    row: int
    path: str = ""

    def cell(self, column_letter: str) -> str:
        return f"{column_letter}{self.row}"


@dataclass(slots=True)
class Record:
    """One row of a standard sheet.

    `values` holds typed values by column key (dates as `datetime.date`, percent as 0–100
    float, choices as their canonical key, ID lists as tuples); a value that could not be
    understood is None there and its raw text stays in `raw`. `extras` keeps columns a team
    added, by their header text. `columns` maps column key -> column letter, for findings.
    """

    kind: str
    source: Source
    values: dict[str, Any]
    raw: dict[str, Any] = field(default_factory=dict)
    extras: dict[str, Any] = field(default_factory=dict)
    columns: dict[str, str] = field(default_factory=dict)
    department: str = ""
    has_error: bool = False
    issues: list[str] = field(default_factory=list)   # column keys with an error finding (a bad value)

    def get(self, key: str, default: Any = None) -> Any:
        value = self.values.get(key)
        return default if value is None else value

    def cell(self, key: str) -> str | None:
        letter = self.columns.get(key)
        return f"{letter}{self.source.row}" if letter else None


class RecordBlock:
    """Rows of one sheet typed column by column, made Records only when asked.

    Reading 100 000 rows costs less than making 100 000 Records of them, and validation needs
    only the columns (`column`), and a Record for the few rows a finding names (`record`):
    so a run that only validates never makes the rest. `records()` makes every row a Record
    once; a row made earlier is that same Record (its findings' marks stay on it).

    `columns` holds each key's typed values (what `Record.values` holds; keys the sheet lacks
    are None); `raws` the raw values that differ from the typed ones, by row (the reader gives
    them by column, `raw_columns`: key -> (rows, raw values); by row they are made on first use,
    so a run that only validates, or the bytes sent back by a worker process, never hold 100 000
    small dicts); `made` the rows
    made Records one by one (once all are made, `records()` holds them). Once a row is a
    Record, its Record is the truth for it. `marks`: the rows an error finding names that are
    not Records yet (`mark`), with the keys of their bad values, which become `has_error` and
    `issues` of their Records when made.
    """

    __slots__ = ("kind", "source", "base", "keys", "columns", "numbers", "_raws", "_raw_columns", "made", "marks",
                 "letters", "department", "_all", "_index")

    def __init__(self, kind: str, source: Source, base: dict[str, Any], keys: tuple[str, ...],
                 columns: list[list[Any]], numbers: list[int], raws: dict[int, dict[str, Any]] | None,
                 letters: dict[str, str], department: str,
                 raw_columns: dict[str, tuple[list[int], list[Any]]] | None = None):
        # base: every key of the kind as None (what `Record.values` starts from); source: file,
        # sheet and path (its row is each row's own); raws or raw_columns: see the class
        self.kind, self.source, self.base, self.keys, self.columns = kind, source, base, keys, columns
        self.numbers, self.letters, self.department = numbers, letters, department
        self._raws, self._raw_columns = raws, (raw_columns or {}) if raws is None else {}
        self.made: dict[int, Record] = {}
        self.marks: dict[int, list[str]] = {}
        self._all: list[Record] | None = None
        self._index: dict[str, int] = {}
        self.reindex()

    def reindex(self) -> None:
        """After `keys` changed."""
        self._index = {key: i for i, key in enumerate(self.keys)}

    def __len__(self) -> int:
        return len(self.numbers)

    def column(self, key: str) -> list[Any]:
        """The typed values of `key`, one per row (None for a key the sheet lacks)."""
        if not self.columns and self._all is not None:
            return [r.values.get(key) for r in self._all]
        i = self._index.get(key)
        if i is None:
            return [None] * len(self.numbers)
        column = self.columns[i]
        if self.made and self._all is None:
            column = list(column)
            for j, record in self.made.items():
                column[j] = record.values.get(key)
        return column

    def _made(self, j: int) -> Record | None:
        return self._all[j] if self._all is not None else self.made.get(j)

    @property
    def raws(self) -> dict[int, dict[str, Any]]:
        """Row -> its raw values that differ from the typed ones (made from `raw_columns` once)."""
        if self._raws is None:
            raws: dict[int, dict[str, Any]] = {}
            for key, (rows, values) in self._raw_columns.items():
                for j, value in zip(rows, values):
                    raw = raws.get(j)
                    if raw is None:
                        raws[j] = {key: value}
                    else:
                        raw[key] = value
            self._raws, self._raw_columns = raws, {}
        return self._raws

    def raw(self, j: int) -> dict[str, Any]:
        made = self._made(j)
        if made is not None:
            return made.raw
        return self._raw_of(j) or _NO_RAW

    def _raw_of(self, j: int) -> dict[str, Any] | None:
        """Row `j`'s raw values differing from the typed ones (None: none), without making every
        row's when they are still by column."""
        if self._raws is not None:
            return self._raws.get(j)
        found: dict[str, Any] = {}
        for key, (rows, values) in self._raw_columns.items():      # rows ascending
            at = bisect.bisect_left(rows, j)
            if at < len(rows) and rows[at] == j:
                found[key] = values[at]
        return found or None

    def mark(self, j: int, key: str | None) -> None:
        """Row `j` has an error (in the value of `key`, when given)."""
        made = self._made(j)
        issues = made.issues if made is not None else self.marks.setdefault(j, [])
        if made is not None:
            made.has_error = True
        if key is not None:
            issues.append(key)

    def any_raw(self, key: str) -> bool:
        made = self._all if self._all is not None else self.made.values()
        in_rows = (any(key in raw for raw in self._raws.values()) if self._raws is not None
                   else bool(self._raw_columns.get(key, ((),))[0]))
        return in_rows or any(key in r.raw for r in made)

    def record(self, j: int) -> Record:
        """Row `j` as a Record (made once)."""
        made = self._made(j)
        if made is None:
            made = self.made[j] = self._make(j, zip(self.keys, [column[j] for column in self.columns]))
        return made

    def records(self, keep_columns: bool = False) -> list[Record]:
        """Every row as a Record. The columns go (the Records hold the values), unless kept for
        reads right after (validation): `column` then reads them as the Records were made from
        them, until `release_columns`."""
        if self._all is None:
            self.raws           # by row, once, for every Record
            made, make, keys = self.made, self._make, self.keys
            rows = zip(*self.columns) if self.columns else ((),) * len(self.numbers)
            if made:        # some rows were made one by one: those stay the same objects
                self._all = [made.get(j) or make(j, zip(keys, row)) for j, row in enumerate(rows)]
            else:
                self._all = [make(j, zip(keys, row)) for j, row in enumerate(rows)]
            self.made = {}
        if not keep_columns:
            self.release_columns()
        return self._all

    def release_columns(self) -> None:
        if self._all is not None:
            self.columns = []

    def _make(self, j: int, typed: Iterable[tuple[str, Any]]) -> Record:
        values = self.base.copy()
        values.update(typed)
        source = self.source
        record = Record(self.kind, Source(source.file, source.sheet, self.numbers[j], source.path), values,
                        columns=self.letters, department=self.department)
        raw = self._raw_of(j)
        if raw is not None:
            record.raw = raw
        issues = self.marks.pop(j, None)
        if issues is not None:
            record.has_error, record.issues = True, issues
        return record


_NO_RAW: dict[str, Any] = {}      # a row without raw values (shared: read, never written)


@dataclass
class SheetTable:
    """One sheet of a workbook, recognised as a kind of the standard (tasks, team, …)."""

    kind: str
    file: str
    sheet: str
    path: str
    header_row: int
    columns: dict[str, str]            # column key -> letter
    headers: dict[str, str]            # column key -> header text as written
    extra_headers: list[str]           # extra columns, in sheet order
    department: str = ""
    how: dict[str, str] = field(default_factory=dict)            # key -> how it was recognised
    samples: dict[str, list[Any]] = field(default_factory=dict)  # key -> a few values of the column
    skipped_rows: int = 0                                        # rows skipped with an info finding
    # the rows, in sheet order: Records, or blocks of rows typed column-wise and not yet made
    # Records (see RecordBlock); `records` makes them all Records the first time it is asked
    parts: list[list[Record] | RecordBlock] = field(default_factory=list, repr=False)
    # after `make_records`: the parts as they were, their columns kept for validation
    kept_parts: list[list[Record] | RecordBlock] = field(default_factory=list, repr=False)

    @property
    def records(self) -> list[Record]:
        """Every row as a Record (made now for rows still in blocks; the same objects each time)."""
        first = self.parts[0] if len(self.parts) == 1 else None
        if isinstance(first, list):
            return first
        made: list[Record] = []
        for part in self.parts:
            made.extend(part if isinstance(part, list) else part.records())
        self.parts = [made]
        return made

    @records.setter
    def records(self, records: list[Record]) -> None:
        self.parts = [records]
        self.release_columns()

    def make_records(self) -> None:
        """Every row made a Record now; the blocks keep their columns for validation, which reads
        them instead of a million Record values (`column_parts`), until `release_columns`."""
        parts, made = self.parts, []
        for part in parts:
            made.extend(part.records(keep_columns=True) if isinstance(part, RecordBlock) else part)
        self.parts, self.kept_parts = [made], parts

    def column_parts(self) -> list[list[Record] | RecordBlock]:
        """The rows, for reading a column at a time (blocks where they are kept)."""
        return self.kept_parts or self.parts

    def release_columns(self) -> None:
        for part in self.kept_parts:
            if isinstance(part, RecordBlock):
                part.release_columns()
        self.kept_parts = []

    def add(self, rows: list[Record] | RecordBlock) -> None:
        if len(rows):
            self.parts.append(rows)

    def any_raw(self, key: str) -> bool:
        """Whether a row kept a raw value of `key` (one that differs from its typed value)."""
        return any(any(key in r.raw for r in part) if isinstance(part, list) else part.any_raw(key)
                   for part in self.parts)

    def row_count(self) -> int:
        """The rows, without making Records of them."""
        return sum(map(len, self.parts))


@dataclass
class WorkbookData:
    """What one input file gave: its recognised sheets and the findings made while reading."""

    path: Path
    file: str
    department: str
    tables: list[SheetTable] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    readable: bool = True
    rows_read: int = 0
    skipped_sheets: list[Any] = field(default_factory=list)   # headers.KindGuess of sheets not read, by name
    modified: datetime | None = None   # when the file was last saved (its mtime), for data quality

    def tables_of(self, kind: str) -> list[SheetTable]:
        return [t for t in self.tables if t.kind == kind]


@dataclass
class Batch:
    """Everything read from the inputs of one run, with every finding."""

    workbooks: list[WorkbookData]
    findings: list[Finding]

    def records(self, kind: str) -> list[Record]:
        return [r for wb in self.workbooks for t in wb.tables_of(kind) for r in t.records]

    def release_columns(self) -> None:
        """The columns kept by `SheetTable.make_records` are no longer read (memory)."""
        for wb in self.workbooks:
            for table in wb.tables:
                table.release_columns()

    @property
    def error_count(self) -> int:
        return sum(1 for f in self.findings if f.is_error)

    @property
    def warning_count(self) -> int:
        return sum(1 for f in self.findings if f.is_warning)
