"""The previous master, read back for the columns a user added by hand to its Tasks sheet.

Headers the toolkit does not produce in either language and that are not a team's extra column
are read back by Task ID and written again in the next master for tasks that still exist. When
a Task ID occurs twice, both rows get the values of its first occurrence in the old master.
"""
from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import python_calamine as calamine

from .. import i18n
from ..schema import TASKS, normalize_header
from .sheet_head import first_rows

# the toolkit's own columns of the Tasks sheet (keys of i18n.TEXT), never carried
FLAG_COLUMNS = ("master.col.overdue", "master.col.due_soon", "master.col.behind",
                "master.col.overloaded", "master.col.blocked", "master.col.data_issue")
SOURCE_COLUMNS = ("master.col.source_file", "master.col.source_sheet", "master.col.source_row")
FLAGS_TEXT_COLUMN = "master.col.flags"   # the flags in words, right after Status


@dataclass(frozen=True)
class CarriedColumns:
    """Hand-added columns of the old master: their headers, and their values by Task ID."""

    headers: list[str] = field(default_factory=list)
    values: dict[str, dict[str, Any]] = field(default_factory=dict)


def toolkit_task_headers() -> set[str]:
    """Every header the toolkit writes on the Tasks sheet, in both languages, normalized."""
    names = set()
    for col in TASKS.columns:
        names.update({normalize_header(col.en), normalize_header(col.zh), normalize_header(col.key),
                      *(normalize_header(a) for a in col.aliases)})
    for key in (FLAGS_TEXT_COLUMN, *FLAG_COLUMNS, *SOURCE_COLUMNS):
        names.update(normalize_header(s) for s in i18n.TEXT[key])
    names.discard("")
    return names


def read_carried_columns(master_path: Path, known_headers: set[str]) -> CarriedColumns:
    """Columns a user added by hand to the Tasks sheet of an existing master, by Task ID.

    Headers the toolkit writes (either language) and `known_headers` (the teams' own extra
    columns, which come from the inputs) are not carried. Missing or unreadable master: none.
    """
    path = Path(master_path)
    if not path.is_file():
        return CarriedColumns()
    names = {normalize_header(TASKS.en), normalize_header(TASKS.zh)}
    skip = toolkit_task_headers() | {normalize_header(h) for h in known_headers}
    # the header first, streamed: most masters have no hand-added column, and reading the whole
    # Tasks sheet to find that out costs seconds and ~180 MB on 100 000 tasks
    head = first_rows(path, lambda name: normalize_header(name) in names)
    if head is not None and _columns(head[1], skip) is None:
        return CarriedColumns()
    try:
        wb = calamine.CalamineWorkbook.from_path(str(path))
        sheet_name = next((n for n in wb.sheet_names if normalize_header(n) in names), None)
        if sheet_name is None:
            return CarriedColumns()
        rows = wb.get_sheet_by_name(sheet_name).iter_rows()
        head_rows = [row for _, row in zip(range(30), rows)]
    except Exception:   # an unreadable old master must not stop the new one  # noqa: BLE001
        return CarriedColumns()
    found = _columns(head_rows, skip)
    if found is None:
        return CarriedColumns()
    header_index, id_col, carried_cols = found
    carried: dict[str, dict] = {}
    try:
        for row in itertools.chain(head_rows[header_index + 1:], rows):   # row by row: never the whole sheet
            if id_col >= len(row):
                continue
            task_id = _id_text(row[id_col])
            if not task_id or task_id in carried:
                continue
            kept = {header: _plain(row[i]) for i, header in carried_cols
                    if i < len(row) and row[i] is not None and row[i] != ""}
            if kept:
                carried[task_id] = kept
    except Exception:   # noqa: BLE001 - as above
        return CarriedColumns()
    return CarriedColumns([h for _, h in carried_cols], carried)


def drop_known(carried: CarriedColumns, known_headers: Iterable[str]) -> CarriedColumns:
    """`carried` without the columns `known_headers` names (the teams' own extra columns, known
    only once the inputs are read): the same as passing them to `read_carried_columns`."""
    known = {normalize_header(h) for h in known_headers}
    headers = [h for h in carried.headers if normalize_header(h) not in known]
    if len(headers) == len(carried.headers):
        return carried
    values = {}
    for task_id, kept in carried.values.items():
        left = {h: v for h, v in kept.items() if normalize_header(h) not in known}
        if left:
            values[task_id] = left
    return CarriedColumns(headers, values)


def _columns(rows: list[list[Any]], skip: set[str]) -> tuple[int, int, list[tuple[int, str]]] | None:
    """(header row index, Task ID column, [(column, header)] to carry) or None: nothing to carry."""
    id_names = {normalize_header(TASKS.column("id").en), normalize_header(TASKS.column("id").zh)}
    header_index = next((i for i, row in enumerate(rows[:30])
                         if any(normalize_header(v) in id_names for v in row)), None)
    if header_index is None:
        return None
    header_row = rows[header_index]
    id_col = next(i for i, v in enumerate(header_row) if normalize_header(v) in id_names)
    carried_cols: list[tuple[int, str]] = []
    taken: set[str] = set()
    for i, value in enumerate(header_row):
        header = "" if value is None else str(value).strip()
        if not header or normalize_header(header) in skip or header in taken:
            continue
        taken.add(header)
        carried_cols.append((i, header))
    return (header_index, id_col, carried_cols) if carried_cols else None


def _id_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _plain(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value
