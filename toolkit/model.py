"""The tables the toolkit works on: records that always remember where they came from."""
from __future__ import annotations

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
    records: list[Record] = field(default_factory=list)
    department: str = ""
    how: dict[str, str] = field(default_factory=dict)            # key -> how it was recognised
    samples: dict[str, list[Any]] = field(default_factory=dict)  # key -> a few values of the column
    skipped_rows: int = 0                                        # rows skipped with an info finding


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

    @property
    def error_count(self) -> int:
        return sum(1 for f in self.findings if f.is_error)

    @property
    def warning_count(self) -> int:
        return sum(1 for f in self.findings if f.is_warning)
