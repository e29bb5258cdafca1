"""Checks across rows and files. Each check yields Findings; `validate_batch` gathers them.

Cell-level problems (types, lists, required values) are found while reading
(`io/reader.py`); here are the rules that need several cells, rows or files.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date

from .coerce import key_of
from .errors import Bilingual, Finding, Severity
from .ids import normalize_id
from .model import Batch, Record
from .schema import SHEETS_BY_KEY

E, W = Severity.ERROR, Severity.WARNING


def _finding(code: str, severity: Severity, record: Record, key: str | None, value: object = None,
             **params: object) -> Finding:
    if severity is Severity.ERROR:
        record.has_error = True
        if key is not None:
            record.issues.append(key)
    if key is not None and "column" not in params:
        params["column"] = _column_name(record.kind, key)
    cell = record.cell(key) if key else f"A{record.source.row}"
    return Finding(code, severity, record.source.file, record.source.sheet, cell, value, params,
                   record.source.path)


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


def id_keys(records: Sequence[Record], key: str = "id") -> list[str | None]:
    """`normalize_id` of each record's `key` value, None where it is blank: computed once per run
    for the duplicate and dependency checks (100 000 IDs)."""
    return [normalize_id(value) if (value := r.values.get(key)) else None for r in records]


def check_duplicate_ids(records: Iterable[Record], key: str = "id",
                        keys: Sequence[str | None] | None = None) -> Iterator[Finding]:
    """Every use of an ID that is used more than once, naming the other places (`keys`: the
    records' `id_keys`, when already known)."""
    records = records if isinstance(records, list) else list(records)
    if keys is None:
        keys = id_keys(records, key)
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
        group = [records[i] for i in indexes]
        for record in group:
            others = ", ".join(_place(o, key) for o in group if o is not record)
            yield _finding("duplicate-id", E, record, key, record.values[key], other=others)


def check_task_dates(tasks: Iterable[Record], as_of: date) -> Iterator[Finding]:
    for task in tasks:
        values = task.values
        start, due = values.get("start"), values.get("due")
        if start and due and due < start:
            yield _finding("due-before-start", E, task, "due", due, due=due.isoformat(), start=start.isoformat())
        completed = values.get("completed_on")
        if completed and completed > as_of:
            yield _finding("completed-in-future", E, task, "completed_on", completed.isoformat(),
                           as_of=as_of.isoformat())
        if values.get("status") == "done":
            percent = values.get("percent")
            if percent is not None and percent < 100:
                yield _finding("done-not-complete", W, task, "percent", f"{percent:g}%")
            if not completed and task.raw.get("completed_on") in (None, "") and "completed_on" in task.columns:
                yield _finding("done-no-date", W, task, "completed_on")


def check_project_dates(projects: Iterable[Record]) -> Iterator[Finding]:
    for project in projects:
        start, end = project.values.get("start"), project.values.get("end")
        if start and end and end < start:
            yield _finding("end-before-start", E, project, "end", end, end=end.isoformat(), start=start.isoformat())


def check_references(batch: Batch) -> Iterator[Finding]:
    """Owners in Team, projects in Projects, milestones in Milestones (when those sheets exist)."""
    team_names = {key_of(r.values["name"]): str(r.values["name"]) for r in batch.records("team") if r.values.get("name")}
    project_names = {key_of(r.values["project"]): str(r.values["project"]) for r in batch.records("projects")
                     if r.values.get("project")}
    team, projects = set(team_names), set(project_names)
    milestones = {key_of(r.values["milestone"]) for r in batch.records("milestones") if r.values.get("milestone")}
    known_owner, known_milestone, known_project = _membership(team), _membership(milestones), _membership(projects)
    for task in batch.records("tasks"):
        owner = task.values.get("owner")
        if team and owner and not known_owner(owner):
            yield _finding("unknown-owner", W, task, "owner", owner, hint=did_you_mean(owner, team_names))
        milestone = task.values.get("milestone")
        if milestones and milestone and not known_milestone(milestone):
            yield _finding("unknown-milestone", W, task, "milestone", milestone)
    if projects:
        for kind in ("tasks", "kpis", "risks", "milestones", "lessons"):
            for record in batch.records(kind):
                project = record.values.get("project")
                if project and not known_project(project):
                    yield _finding("unknown-project", W, record, "project", project,
                                   hint=did_you_mean(project, project_names))


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
            if "hours" not in table.columns and table.records:
                yield Finding("default-hours", W, table.file, table.sheet, f"A{table.header_row}", None,
                              {"column": Bilingual(hours.en, hours.zh), "default": f"{default_hours:g}"}, table.path)
    capacity = SHEETS_BY_KEY["team"].column("capacity")
    column = Bilingual(capacity.en, capacity.zh)
    teams = [t for wb in batch.workbooks for t in wb.tables_of("team")]
    if not teams and batch.records("tasks"):
        first = next(wb for wb in batch.workbooks if wb.tables_of("tasks"))
        yield Finding("default-capacity", W, first.file, None, None, None,
                      {"column": column, "who": bilingual("rw.everyone"),
                       "default": f"{default_capacity:g}"}, str(first.path))
    for table in teams:
        if "capacity" not in table.columns and table.records:
            yield Finding("default-capacity", W, table.file, table.sheet, f"A{table.header_row}", None,
                          {"column": column, "who": bilingual("rw.team_sheet"),
                           "default": f"{default_capacity:g}"}, table.path)


def check_dependencies(tasks: list[Record], keys: Sequence[str | None] | None = None) -> Iterator[Finding]:
    """Unknown and self dependencies, and each dependency cycle once (`keys`: the tasks'
    `id_keys`, when already known)."""
    if keys is None:
        keys = id_keys(tasks)
    by_id: dict[str | None, Record] = dict(zip(keys, tasks))     # the last task of an ID wins
    by_id.pop(None, None)
    # the graph: each ID at its first place, with the edges of its last task. When no ID repeats,
    # only the tasks with dependencies need an entry (a task without edges is in no cycle).
    unique = len(by_id) == len(keys) - list(keys).count(None)
    graph: dict[str, Sequence[str] | None] = {} if unique else dict.fromkeys(k for k in keys if k is not None)
    no_edges: tuple[str, ...] = ()
    for task, id_key in zip(tasks, keys):
        if id_key is None:
            continue
        deps = task.values.get("depends_on")
        if not deps:
            if not unique:
                graph[id_key] = no_edges
            continue
        edges = []
        for dep in deps:
            dep_key = normalize_id(dep)
            if dep_key == id_key:
                yield _finding("self-dependency", E, task, "depends_on", dep)
            elif dep_key not in by_id:
                yield _finding("unknown-dependency", E, task, "depends_on", dep)
            else:
                edges.append(dep_key)
        graph[id_key] = edges
    for cycle in _cycles({k: edges for k, edges in graph.items() if edges}):
        first = by_id[cycle[0]]
        names = " → ".join(str(by_id[k].values["id"]) for k in cycle + [cycle[0]])
        yield _finding("dependency-cycle", E, first, "depends_on", first.raw.get("depends_on"), cycle=names)


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


def validate_batch(batch: Batch, as_of: date, default_hours: float | None = None,
                   default_capacity: float | None = None) -> list[Finding]:
    """All findings of the batch (reading and cross checks), in file, sheet, row order.
    With the defaults given, a missing hours or capacity column is a finding naming the default."""
    tasks = batch.records("tasks")
    keys = id_keys(tasks)
    cross: list[Finding] = []
    cross += check_duplicate_ids(tasks, keys=keys)
    cross += check_duplicate_ids(batch.records("risks"))
    cross += check_task_dates(tasks, as_of)
    cross += check_project_dates(batch.records("projects"))
    cross += check_references(batch)
    cross += check_dependencies(tasks, keys)
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
