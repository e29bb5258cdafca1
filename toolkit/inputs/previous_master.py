"""The previous master, read back for the columns a user added by hand to its Tasks sheet.

Headers the toolkit does not produce in either language and that are not a team's extra column
are read back with the department and Task ID of their row, and written again in the next master
on the one task of that department and (normalised) Task ID. A value whose task is gone, whose
Task ID is blank or whose department and ID occur twice is never moved to another row and never
dropped: it goes to the master's "Carried, unmatched" sheet (read back and kept run after run,
and put back on its task if that task becomes unique again), and a finding says so.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import python_calamine as calamine

from .. import i18n
from ..ids import normalize_id, task_key
from ..schema import TASKS, normalize_header
from .sheet_columns import read_columns
from .sheet_head import first_rows

# the toolkit's own columns of the Tasks sheet (keys of i18n.TEXT), never carried
FLAG_COLUMNS = ("master.col.overdue", "master.col.due_soon", "master.col.behind",
                "master.col.overloaded", "master.col.blocked", "master.col.data_issue")
SOURCE_COLUMNS = ("master.col.source_file", "master.col.source_sheet", "master.col.source_row")
FLAGS_TEXT_COLUMN = "master.col.flags"   # the flags in words, right after Status


@dataclass(frozen=True)
class CarriedRow:
    """The hand-typed values of one row of the old master, with the task they belong to."""

    department: str
    task_id: str
    values: dict[str, Any]
    why: str = ""              # set when not matched: "gone", "blank" or "ambiguous"

    @property
    def key(self) -> tuple[str, str]:
        return task_key(self.department, self.task_id)


@dataclass(frozen=True)
class CarriedColumns:
    """Hand-added columns of the old master: their headers, and every row holding a value in
    them (from its Tasks sheet and from its "Carried, unmatched" sheet)."""

    headers: list[str] = field(default_factory=list)
    rows: list[CarriedRow] = field(default_factory=list)

    @property
    def values(self) -> dict[tuple[str, str], dict[str, Any]]:
        """{(department, Task ID) normalised: values} of the rows whose key occurs once."""
        counts = Counter(row.key for row in self.rows)
        return {row.key: row.values for row in self.rows if row.key[1] and counts[row.key] == 1}


@dataclass(frozen=True)
class CarriedMatch:
    """Carried values matched to the new tasks: `values` by task key, `unmatched` kept aside."""

    headers: list[str]
    values: dict[tuple[str, str], dict[str, Any]]
    unmatched: list[CarriedRow]


def match_carried(carried: CarriedColumns, task_keys: Iterable[tuple[str, str]]) -> CarriedMatch:
    """Give each hand-typed row to the one new task of its department and Task ID. A row whose
    ID is blank, whose key occurs twice (old or new), or whose task is gone is never put on
    another row and never dropped: it is returned in `unmatched`, with why."""
    if not carried.rows:            # nothing carried (most runs): the tasks' keys are not needed
        return CarriedMatch(list(carried.headers), {}, [])
    new = Counter(task_keys)
    row_keys = [row.key for row in carried.rows]        # each worked out once
    old = Counter(row_keys)
    values: dict[tuple[str, str], dict[str, Any]] = {}
    unmatched: list[CarriedRow] = []
    for row, key in zip(carried.rows, row_keys):
        why = ("blank" if not key[1] else "ambiguous" if old[key] > 1 or new[key] > 1
               else "gone" if new[key] == 0 else "")
        if why:
            unmatched.append(replace(row, why=why))
        else:
            values[key] = row.values
    return CarriedMatch(list(carried.headers), values, unmatched)


def without_headers(carried: CarriedColumns, known_headers: set[str]) -> CarriedColumns:
    """`carried` less the columns named in `known_headers` (the teams' own extra columns)."""
    known = {normalize_header(h) for h in known_headers}
    headers = [h for h in carried.headers if normalize_header(h) not in known]
    if headers == carried.headers:
        return carried
    keep = set(headers)
    rows = []
    for row in carried.rows:
        values = {h: v for h, v in row.values.items() if h in keep}
        if values:
            rows.append(replace(row, values=values))
    return CarriedColumns(headers, rows) if headers else CarriedColumns()


def unmatched_sheet_names() -> set[str]:
    return {normalize_header(s) for s in i18n.TEXT["sheet.carried_unmatched"]}


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
    """Columns a user added by hand to the Tasks sheet of an existing master, with the
    department and Task ID of each row, plus the rows kept on its "Carried, unmatched" sheet.

    Headers the toolkit writes (either language) and `known_headers` (the teams' own extra
    columns, which come from the inputs) are not carried. Missing or unreadable master: none.
    """
    path = Path(master_path)
    if not may_carry(path, known_headers):
        return CarriedColumns()
    return carried_columns_in(path, known_headers)


def carried_columns_in(path: Path, known_headers: Iterable[str]) -> CarriedColumns:
    """`read_carried_columns` of a master `may_carry` has accepted (its check not made again)."""
    names, skip = _tasks_names(), _not_carried(known_headers)
    try:
        book: Any = None
        headers: list[str] = []
        carried: list[CarriedRow] = []
        aside_names = unmatched_sheet_names()
        for wanted, is_aside in ((lambda n: normalize_header(n) in names, False),
                                 (lambda n: normalize_header(n) in aside_names, True)):
            found = _carried_from_xml(path, wanted, skip, is_aside) if FAST_COLUMNS else _UNREAD
            if found is _UNREAD:    # something the small reader does not handle: the whole sheet
                if book is None:
                    book = calamine.CalamineWorkbook.from_path(str(path))
                name = next((n for n in book.sheet_names if wanted(n)), None)
                # rows one at a time (never the whole sheet as Python lists: a master may hold 170 000)
                found = None if name is None else _carried_rows(book.get_sheet_by_name(name).iter_rows(), skip,
                                                                is_aside)
            if found is None:
                continue
            table_headers, table_rows = found
            headers += [h for h in table_headers if h not in headers]
            carried += table_rows
    except Exception:   # an unreadable old master must not stop the new one  # noqa: BLE001
        return CarriedColumns()
    if not headers:
        return CarriedColumns()
    return CarriedColumns(headers, carried)


def may_carry(master_path: Path, known_headers: Iterable[str] = ()) -> bool:
    """False when the old master certainly has nothing to carry: it is missing or a link, or its
    streamed header has no hand-added column and there is no "Carried, unmatched" sheet."""
    path = Path(master_path)
    if not path.is_file() or path.is_symlink():
        return False
    return not _nothing_to_carry(path, _tasks_names(), _not_carried(known_headers))


def _tasks_names() -> set[str]:
    """The Tasks sheet's names, normalized."""
    return {normalize_header(TASKS.en), normalize_header(TASKS.zh)}


def _not_carried(known_headers: Iterable[str]) -> set[str]:
    """Headers never carried: the toolkit's own and `known_headers` (a team's extra columns)."""
    return toolkit_task_headers() | {normalize_header(h) for h in known_headers}


FAST_COLUMNS = True     # tests turn it off to compare with python-calamine's whole sheet
_UNREAD: Any = object()


def _carried_from_xml(path: Path, wanted: Callable[[str], bool], skip: set[str], is_aside: bool) -> Any:
    """`_carried_rows` of the first sheet `wanted` accepts, from only the cells it needs
    (`sheet_columns.read_columns`): the header, the carried columns, and the department and
    Task ID of the rows holding a carried value. `_UNREAD` when that reader cannot tell."""
    id_names = _id_names()
    dept_names = _dept_names()
    if is_aside:
        skip = skip | {normalize_header(s) for s in i18n.TEXT["col.carried_why"]}
    chosen: dict[str, Any] = {}

    def is_header(row: list[Any]) -> bool:
        return any(normalize_header("" if v is None else v) in id_names for v in row)

    def choose(header: list[Any]) -> tuple[list[int], list[int]]:
        carried_cols = _carried_columns(header, skip)
        id_col = next(i for i, v in enumerate(header) if normalize_header(v) in id_names)
        dept_col = next((i for i, v in enumerate(header) if normalize_header(v) in dept_names), None)
        chosen.update(carried=carried_cols, id_col=id_col, dept_col=dept_col)
        return [i for i, _ in carried_cols], [id_col] + ([] if dept_col is None else [dept_col])

    result = read_columns(path, wanted, is_header, choose)
    if result is None:
        return _UNREAD
    if not chosen or not chosen["carried"]:
        return None
    found: list[CarriedRow] = []
    id_col, dept_col = chosen["id_col"], chosen["dept_col"]
    for row in result[1]:
        kept = {header: _plain(row[i]) for i, header in chosen["carried"] if i in row}
        if not kept:
            continue
        department = _id_text(row.get(dept_col, "")) if dept_col is not None else ""
        found.append(CarriedRow(department, _id_text(row.get(id_col, "")), kept))
    return [h for _, h in chosen["carried"]], found


def _nothing_to_carry(path: Path, names: set[str], skip: set[str]) -> bool:
    """True when the old master certainly has nothing to carry: its Tasks sheet's header, streamed
    (`sheet_head.first_rows`), has no hand-added column and there is no "Carried, unmatched"
    sheet. Reading the whole Tasks sheet to learn that costs seconds and ~180 MB on 100 000
    tasks (issue 7). False whenever the small reader cannot tell: the sheets are then read."""
    aside_names = unmatched_sheet_names()
    if first_rows(path, lambda name: normalize_header(name) in aside_names, max_rows=1) != ("", []):
        return False        # an unmatched sheet (or cannot tell): read it the ordinary way
    head = first_rows(path, lambda name: normalize_header(name) in names)
    if head is None:
        return False
    header_row = _header_row(iter(head[1]))
    return header_row is None or not _carried_columns(header_row, skip)


def _id_names() -> set[str]:
    return {normalize_header(TASKS.column("id").en), normalize_header(TASKS.column("id").zh)}


def _header_row(rows: Iterable[list[Any]]) -> list[Any] | None:
    """The first of the first 30 rows naming the Task ID column, consumed from `rows`."""
    id_names = _id_names()
    for _, row in zip(range(30), rows):
        if any(normalize_header("" if v is None else v) in id_names for v in row):
            return row
    return None


def _carried_columns(header_row: list[Any], skip: set[str]) -> list[tuple[int, str]]:
    """[(column, header)] of a header row's columns to carry: not the toolkit's, not `skip`, once each."""
    carried_cols: list[tuple[int, str]] = []
    taken: set[str] = set()
    for i, value in enumerate(header_row):
        header = "" if value is None else str(value).strip()
        if not header or normalize_header(header) in skip or header in taken:
            continue
        taken.add(header)
        carried_cols.append((i, header))
    return carried_cols


def _dept_names() -> set[str]:
    return {normalize_header(TASKS.column("department").en), normalize_header(TASKS.column("department").zh)}


def _carried_rows(row_iter: Iterable[list[Any]], skip: set[str], is_aside: bool
                  ) -> tuple[list[str], list[CarriedRow]] | None:
    id_names = _id_names()
    dept_names = _dept_names()
    rows = iter(row_iter)
    header_row = _header_row(rows)
    if header_row is None:
        return None
    id_col = next(i for i, v in enumerate(header_row) if normalize_header(v) in id_names)
    dept_col = next((i for i, v in enumerate(header_row) if normalize_header(v) in dept_names), None)
    if is_aside:   # the unmatched sheet: its own columns (department, ID, why) are not carried
        skip = skip | {normalize_header(s) for s in i18n.TEXT["col.carried_why"]}
    carried_cols = _carried_columns(header_row, skip)
    if not carried_cols:
        return None
    found: list[CarriedRow] = []
    for row in rows:
        kept = {header: _plain(row[i]) for i, header in carried_cols
                if i < len(row) and row[i] is not None and row[i] != ""}
        if not kept:
            continue
        task_id = _id_text(row[id_col]) if id_col < len(row) else ""
        department = _id_text(row[dept_col]) if dept_col is not None and dept_col < len(row) else ""
        found.append(CarriedRow(department, task_id, kept))
    return [h for _, h in carried_cols], found


def master_task_key(record: Any) -> tuple[str, str]:
    """The key of a task as the master shows it: its Department cell and its Task ID."""
    values = record.values
    department = values.get("department") or record.department
    task_id = values.get("id")
    if task_id is None:
        task_id = record.raw.get("id")
    if department.__class__ is not str:
        return task_key(department, task_id)
    dept_key = _DEPARTMENT_KEYS.get(department)      # a few hundred departments on 100 000 tasks:
    if dept_key is None:                               # each folded once
        if len(_DEPARTMENT_KEYS) >= 4096:
            _DEPARTMENT_KEYS.clear()
        dept_key = _DEPARTMENT_KEYS[department] = normalize_id(department)
    return dept_key, normalize_id(task_id)


_DEPARTMENT_KEYS: dict[str, str] = {}


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
