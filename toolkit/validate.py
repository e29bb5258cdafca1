"""Checks across rows and files. Each check yields Findings; `validate_batch` gathers them.

Cell-level problems (types, lists, required values) are found while reading
(`io/reader.py`); here are the rules that need several cells, rows or files.

The checks read the rows a column at a time (`Rows`): rows still in blocks (`RecordBlock`) are
not made Records, except the few a finding names, so a run that only validates makes none.
"""
from __future__ import annotations

import bisect
import operator
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date
from typing import Any

from .coerce import NUMERIC_TYPES, key_of
from .errors import Bilingual, Finding, Severity
from .ids import normalize_id
from .model import Batch, Record, RecordBlock, SheetTable, Source, WorkbookData
from .schema import SHEETS_BY_KEY

E, W = Severity.ERROR, Severity.WARNING


def _finding(code: str, severity: Severity, record: Record, key: str | None, value: object = None,
             **params: object) -> Finding:
    if severity is Severity.ERROR:
        record.has_error = True
        if key is not None:
            record.issues.append(key)
    return _finding_at(code, severity, record.kind, record.source, record.source.row, record.columns, key, value,
                       params)


def _finding_at(code: str, severity: Severity, kind: str, source: Source, row: int, letters: dict[str, str],
                key: str | None, value: object, params: dict[str, object]) -> Finding:
    """The finding on `row` of `source`'s sheet (at the cell of `key`, or the row's first)."""
    if key is not None and "column" not in params:
        params["column"] = _column_name(kind, key)
    if key:
        letter = letters.get(key)
        cell = f"{letter}{row}" if letter else None
    else:
        cell = f"A{row}"
    return Finding(code, severity, source.file, source.sheet, cell, value, params, source.path)


_COLUMN_NAMES: dict[tuple[str, str], Bilingual] = {}


def _column_name(kind: str, key: str) -> Bilingual:
    """The column's header in both languages (one shared, frozen value per column)."""
    found = _COLUMN_NAMES.get((kind, key))
    if found is None:
        col = SHEETS_BY_KEY[kind].column(key)
        found = _COLUMN_NAMES[(kind, key)] = Bilingual(col.en, col.zh)
    return found


def _place(record: Record, key: str) -> str:
    return " › ".join(p for p in (record.source.file, record.source.sheet, record.cell(key)) if p)


class Rows:
    """The rows of one kind, read column by column: Records, and blocks of rows not made
    Records yet. `record(i)` is row `i` as a Record (made now if it was not)."""

    def __init__(self, parts: Sequence[list[Record] | RecordBlock]):
        self.parts = [p for p in parts if len(p)]
        self.starts: list[int] = []
        count = 0
        for part in self.parts:
            self.starts.append(count)
            count += len(part)
        self.count = count
        self._columns: dict[str, list[Any]] = {}
        self._values: dict[int, list[dict[str, Any]]] = {}     # part -> its Records' values

    @classmethod
    def of(cls, rows: Rows | Iterable[Record]) -> Rows:
        return rows if isinstance(rows, Rows) else cls([rows if isinstance(rows, list) else list(rows)])

    @classmethod
    def of_tables(cls, tables: Iterable[SheetTable]) -> Rows:
        return cls([part for table in tables for part in table.column_parts()])

    def __len__(self) -> int:
        return self.count

    def column(self, key: str) -> list[Any]:
        """The typed value of `key` on every row (None where blank, not understood or not a column)."""
        found = self._columns.get(key)
        if found is None:
            found = []
            for p, part in enumerate(self.parts):
                if isinstance(part, RecordBlock):
                    found += part.column(key)
                    continue
                values = self._values.get(p)
                if values is None:
                    values = self._values[p] = [r.values for r in part]
                try:        # every Record the reader makes holds every key of its kind
                    found += list(map(operator.itemgetter(key), values))
                except KeyError:
                    found += [v.get(key) for v in values]
            self._columns[key] = found
        return found

    def _at(self, i: int) -> tuple[list[Record] | RecordBlock, int]:
        p = bisect.bisect_right(self.starts, i) - 1
        return self.parts[p], i - self.starts[p]

    def record(self, i: int) -> Record:
        part, j = self._at(i)
        return part.record(j) if isinstance(part, RecordBlock) else part[j]

    def finding(self, i: int, code: str, severity: Severity, key: str | None, value: object = None,
                **params: object) -> Finding:
        """`_finding` on row `i`, without making it a Record when it is in a block."""
        part, j = self._at(i)
        if not isinstance(part, RecordBlock):
            return _finding(code, severity, part[j], key, value, **params)
        if severity is Severity.ERROR:
            part.mark(j, key)
        return _finding_at(code, severity, part.kind, part.source, part.numbers[j], part.letters, key, value, params)

    def raw(self, i: int) -> dict[str, Any]:
        part, j = self._at(i)
        return part.raw(j) if isinstance(part, RecordBlock) else part[j].raw

    def has_column(self, i: int, key: str) -> bool:
        part, j = self._at(i)
        return key in (part.letters if isinstance(part, RecordBlock) else part[j].columns)


def _rows_of(batch: Batch) -> Callable[[str], Rows]:
    return lambda kind: Rows.of_tables(t for wb in batch.workbooks for t in wb.tables_of(kind))


def id_keys(records: Rows | Sequence[Record], key: str = "id") -> list[str | None]:
    """`normalize_id` of each record's `key` value, None where it is blank: computed once per run
    for the duplicate and dependency checks (100 000 IDs)."""
    return [normalize_id(value) if value else None for value in Rows.of(records).column(key)]


def check_duplicate_ids(records: Rows | Iterable[Record], key: str = "id",
                        keys: Sequence[str | None] | None = None,
                        distinct: set[str | None] | None = None) -> Iterator[Finding]:
    """Every use of an ID that is used more than once, naming the other places (`keys`: the
    records' `id_keys`, and `distinct`: the set of those not None, when already known)."""
    rows = Rows.of(records)
    if keys is None:
        keys = id_keys(rows, key)
    if not _repeats(keys, distinct):
        return
    first: dict[str, int] = {}
    repeated: dict[str, list[int]] = {}          # only the IDs used twice or more get a list
    for index, id_key in enumerate(keys):
        if id_key is None:
            continue
        earlier = first.setdefault(id_key, index)
        if earlier != index:
            uses = repeated.get(id_key)
            if uses is None:
                repeated[id_key] = [earlier, index]
            else:
                uses.append(index)
    for indexes in sorted(repeated.values(), key=lambda uses: uses[0]):     # in order of first use
        group = [rows.record(i) for i in indexes]
        for record in group:
            others = ", ".join(_place(o, key) for o in group if o is not record)
            yield _finding("duplicate-id", E, record, key, record.values[key], other=others)


def _repeats(keys: Sequence[str | None], distinct: set[str | None] | None) -> bool:
    """Some key (not None) is used twice (`distinct`: the set of the keys not None, if known)."""
    if distinct is None:
        distinct = set(keys)
        distinct.discard(None)
    return len(distinct) != len(keys) - keys.count(None)


def check_task_dates(tasks: Rows | Iterable[Record], as_of: date) -> Iterator[Finding]:
    rows = Rows.of(tasks)
    percents = rows.column("percent")
    columns = zip(rows.column("start"), rows.column("due"), rows.column("completed_on"), rows.column("status"))
    for i, (start, due, completed, status) in enumerate(columns):
        if start and due and due < start:
            yield rows.finding(i, "due-before-start", E, "due", due, due=due.isoformat(), start=start.isoformat())
        if completed and completed > as_of:
            yield rows.finding(i, "completed-in-future", E, "completed_on", completed.isoformat(),
                               as_of=as_of.isoformat())
        if status == "done":
            percent = percents[i]
            if percent is not None and percent < 100:
                yield rows.finding(i, "done-not-complete", W, "percent", f"{percent:g}%")
            if not completed and rows.raw(i).get("completed_on") in (None, "") and rows.has_column(i, "completed_on"):
                yield rows.finding(i, "done-no-date", W, "completed_on")


def check_project_dates(projects: Rows | Iterable[Record]) -> Iterator[Finding]:
    rows = Rows.of(projects)
    for i, (start, end) in enumerate(zip(rows.column("start"), rows.column("end"))):
        if start and end and end < start:
            yield rows.finding(i, "end-before-start", E, "end", end, end=end.isoformat(), start=start.isoformat())


def check_references(batch: Batch) -> Iterator[Finding]:
    """Owners in Team, projects in Projects, milestones in Milestones (when those sheets exist)."""
    rows = _rows_of(batch)
    team_names = {key_of(name): str(name) for name in rows("team").column("name") if name}
    project_names = {key_of(name): str(name) for name in rows("projects").column("project") if name}
    team, projects = set(team_names), set(project_names)
    milestones = {key_of(name) for name in rows("milestones").column("milestone") if name}
    known_owner, known_milestone, known_project = _membership(team), _membership(milestones), _membership(projects)
    tasks = rows("tasks")
    owners, task_milestones = tasks.column("owner"), tasks.column("milestone")
    # rows are looked at one by one only for a column holding a name not known
    check_owner = bool(team) and not _all_known(owners, known_owner)
    check_milestone = bool(milestones) and not _all_known(task_milestones, known_milestone)
    if check_owner or check_milestone:
        for i, (owner, milestone) in enumerate(zip(owners, task_milestones)):
            if check_owner and owner and not known_owner(owner):
                yield tasks.finding(i, "unknown-owner", W, "owner", owner, hint=did_you_mean(owner, team_names))
            if check_milestone and milestone and not known_milestone(milestone):
                yield tasks.finding(i, "unknown-milestone", W, "milestone", milestone)
    if projects:
        for kind in ("tasks", "kpis", "risks", "milestones", "lessons"):
            these = tasks if kind == "tasks" else rows(kind)
            column = these.column("project")
            if _all_known(column, known_project):
                continue
            for i, project in enumerate(column):
                if project and not known_project(project):
                    yield these.finding(i, "unknown-project", W, "project", project,
                                        hint=did_you_mean(project, project_names))


def _all_known(column: list[Any], known: Callable[[object], bool]) -> bool:
    """Every filled value of `column` is `known`: told from its distinct values (a few hundred
    names on 100 000 rows). False when that cannot be told so (unhashable values; numbers, as
    1, 1.0 and True are one set member but fold differently)."""
    try:
        distinct = set(column)
    except TypeError:
        return False
    if not NUMERIC_TYPES.isdisjoint(map(type, distinct)):
        return False
    return all(known(value) for value in distinct if value)


def _membership(names: set[str]) -> Callable[[object], bool]:
    """`lambda value: key_of(value) in names`, each distinct value folded once (owners and projects
    repeat on thousands of rows)."""
    seen: dict[tuple[type, object], bool] = {}

    def known(value: object) -> bool:
        try:
            mark = (type(value), value)         # the type too: True and 1 fold differently
            found = seen.get(mark)
        except TypeError:                       # an unhashable value: folded each time
            return key_of(value) in names
        if found is None:
            found = seen[mark] = key_of(value) in names
        return found
    return known


def did_you_mean(value: object, known: dict[str, str]) -> object:
    """' (did you mean “X”?)' when `value` is close to one of `known` (folded key -> name), else ''."""
    import difflib

    from .rows import suggestion

    close = difflib.get_close_matches(key_of(value), list(known), n=1, cutoff=0.5)   # 王雷 ~ 王磊
    return suggestion(known[close[0]]) if close else ""


def check_defaults(batch: Batch, default_hours: float, default_capacity: float) -> Iterator[Finding]:
    """A standard column that is missing never silently becomes a default: say which default is used."""
    from .rows import bilingual

    hours = SHEETS_BY_KEY["tasks"].column("hours")
    for wb in batch.workbooks:
        for table in wb.tables_of("tasks"):
            if "hours" not in table.columns and table.row_count():
                yield Finding("default-hours", W, table.file, table.sheet, f"A{table.header_row}", None,
                              {"column": Bilingual(hours.en, hours.zh), "default": f"{default_hours:g}"}, table.path)
    capacity = SHEETS_BY_KEY["team"].column("capacity")
    column = Bilingual(capacity.en, capacity.zh)
    teams = [t for wb in batch.workbooks for t in wb.tables_of("team")]
    if not teams and any(t.row_count() for wb in batch.workbooks for t in wb.tables_of("tasks")):
        first = next(wb for wb in batch.workbooks if wb.tables_of("tasks"))
        yield Finding("default-capacity", W, first.file, None, None, None,
                      {"column": column, "who": bilingual("rw.everyone"),
                       "default": f"{default_capacity:g}"}, str(first.path))
    for table in teams:
        if "capacity" not in table.columns and table.row_count():
            yield Finding("default-capacity", W, table.file, table.sheet, f"A{table.header_row}", None,
                          {"column": column, "who": bilingual("rw.team_sheet"),
                           "default": f"{default_capacity:g}"}, table.path)


def check_dependencies(tasks: Rows | Sequence[Record], keys: Sequence[str | None] | None = None,
                       distinct: set[str | None] | None = None) -> Iterator[Finding]:
    """Unknown and self dependencies, and each dependency cycle once (`keys`: the tasks'
    `id_keys`, and `distinct`: the set of those not None, when already known)."""
    rows = Rows.of(tasks)
    if keys is None:
        keys = id_keys(rows)
    if distinct is None:
        distinct = set(keys)
        distinct.discard(None)
    # the graph: each ID at its first place, with the edges of its last task. When no ID repeats,
    # only the tasks with dependencies need an entry (a task without edges is in no cycle).
    unique = not _repeats(keys, distinct)
    graph: dict[str, Sequence[str] | None] = {} if unique else dict.fromkeys(k for k in keys if k is not None)
    no_edges: tuple[str, ...] = ()
    depends_on = rows.column("depends_on")
    for i in ([i for i, deps in enumerate(depends_on) if deps] if unique else range(len(keys))):
        id_key, deps = keys[i], depends_on[i]
        if id_key is None:
            continue
        if not deps:
            graph[id_key] = no_edges
            continue
        edges = []
        for dep in deps:
            dep_key = normalize_id(dep)
            if dep_key == id_key:
                yield rows.finding(i, "self-dependency", E, "depends_on", dep)
            elif dep_key not in distinct:
                yield rows.finding(i, "unknown-dependency", E, "depends_on", dep)
            else:
                edges.append(dep_key)
        graph[id_key] = edges
    cycles = _cycles(_without_dead_ends(graph))
    if not cycles:
        return
    by_id = {k: i for i, k in enumerate(keys) if k is not None}     # the last task of an ID wins
    ids = rows.column("id")
    for cycle in cycles:
        first = by_id[cycle[0]]
        names = " → ".join(str(ids[by_id[k]]) for k in cycle + [cycle[0]])
        yield rows.finding(first, "dependency-cycle", E, "depends_on", rows.raw(first).get("depends_on"), cycle=names)


def _without_dead_ends(graph: dict[str, Sequence[str] | None]) -> dict[str, Sequence[str]]:
    """The graph without the edges to tasks that have none, and then without tasks left with none:
    no cycle goes through them, and `_cycles` walks what is left in the same order (such a task
    is a leaf the walk leaves at once; 100 000 tasks: 19 712 with edges, about 4 000 left)."""
    has_edges = {k: edges for k, edges in graph.items() if edges}
    kept: dict[str, Sequence[str]] = {}
    for k, edges in has_edges.items():
        live = [e for e in edges if e in has_edges]
        if live:
            kept[k] = live
    return kept


def _cycles(graph: dict[str, Sequence[str]]) -> list[list[str]]:
    """One representative list of nodes per cycle (iterative DFS, no recursion limit)."""
    WHITE, GREY, BLACK = 0, 1, 2
    colour = dict.fromkeys(graph, WHITE)
    cycles: list[list[str]] = []
    for root in graph:
        if colour[root] != WHITE:
            continue
        stack: list[tuple[str, int]] = [(root, 0)]
        path: list[str] = [root]
        colour[root] = GREY
        while stack:
            node, index = stack[-1]
            edges = graph.get(node, ())
            if index < len(edges):
                stack[-1] = (node, index + 1)
                nxt = edges[index]
                if colour.get(nxt, BLACK) == WHITE:
                    colour[nxt] = GREY
                    stack.append((nxt, 0))
                    path.append(nxt)
                elif colour.get(nxt) == GREY:
                    cycles.append(path[path.index(nxt):])
            else:
                colour[node] = BLACK
                stack.pop()
                path.pop()
    return cycles


class FileChecks:
    """The checks that need one workbook's rows only (the dates within a row) and the tasks' ID
    keys, run on each workbook as it is read (`read_inputs(on_workbook=...)`): while worker
    processes read the other files this process would only wait, so this part of validation
    shares the cores with the reading instead of running alone after it (100 000 tasks: 0.05 s
    of CPU). Workbooks must come in the batch's order."""

    def __init__(self, as_of: date):
        self.as_of = as_of
        self.findings: list[Finding] = []
        self.task_keys: list[str | None] = []      # id_keys of the batch's tasks, in order
        self.distinct_task_keys: set[str | None] = set()     # those keys but None, once each
        self.workbooks = 0

    def __call__(self, workbook: WorkbookData) -> None:
        tasks = Rows.of_tables(workbook.tables_of("tasks"))
        self.findings += check_task_dates(tasks, self.as_of)
        self.findings += check_project_dates(Rows.of_tables(workbook.tables_of("projects")))
        keys = id_keys(tasks)
        self.task_keys += keys
        self.distinct_task_keys.update(keys)
        self.distinct_task_keys.discard(None)
        self.workbooks += 1


def validate_batch(batch: Batch, as_of: date, default_hours: float | None = None,
                   default_capacity: float | None = None, checked: FileChecks | None = None) -> list[Finding]:
    """All findings of the batch (reading and cross checks), in file, sheet, row order.
    With the defaults given, a missing hours or capacity column is a finding naming the default.
    `checked`: the `FileChecks` already run on each workbook as it was read (else run here)."""
    if checked is None or checked.workbooks != len(batch.workbooks) or checked.as_of != as_of:
        checked = FileChecks(as_of)
        for workbook in batch.workbooks:
            checked(workbook)
    rows = _rows_of(batch)
    tasks = rows("tasks")
    keys = checked.task_keys
    cross: list[Finding] = list(checked.findings)
    cross += check_duplicate_ids(tasks, keys=keys, distinct=checked.distinct_task_keys)
    cross += check_duplicate_ids(rows("risks"))
    cross += check_references(batch)
    cross += check_dependencies(tasks, keys, checked.distinct_task_keys)
    if default_hours is not None and default_capacity is not None:
        cross += check_defaults(batch, default_hours, default_capacity)
    reading = [f for wb in batch.workbooks for f in wb.findings]
    return sort_findings(reading + cross)


_PLAIN_CELL = re.compile(r"([A-Z]+)([0-9]+)")


def sort_findings(findings: list[Finding]) -> list[Finding]:
    def order(f: Finding) -> tuple[str, str, int, int, str, str]:
        plain = _PLAIN_CELL.fullmatch(f.cell) if f.cell else None
        if plain is not None:           # "AB12": its letters and row at once (thousands of findings)
            letters, row = plain.group(1), int(plain.group(2))
        else:
            letters, row = "".join(ch for ch in (f.cell or "") if ch.isalpha()), f.row or 0
        return (f.file, f.sheet or "", row, len(letters), letters, f.code)
    return sorted(findings, key=order)
