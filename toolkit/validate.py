"""Checks across rows and files. Each check yields Findings; `validate_batch` gathers them.

Cell-level problems (types, lists, required values) are found while reading
(`io/reader.py`); here are the rules that need several cells, rows or files.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
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
    spec = SHEETS_BY_KEY[record.kind]
    if key is not None and "column" not in params:
        col = spec.column(key)
        params["column"] = Bilingual(col.en, col.zh)
    cell = record.cell(key) if key else f"A{record.source.row}"
    return Finding(code, severity, record.source.file, record.source.sheet, cell, value, params,
                   record.source.path)


def _place(record: Record, key: str) -> str:
    return " › ".join(p for p in (record.source.file, record.source.sheet, record.cell(key)) if p)


def check_duplicate_ids(records: Iterable[Record], key: str = "id") -> Iterator[Finding]:
    """Every use of an ID that is used more than once, naming the other places."""
    seen: dict[str, list[Record]] = defaultdict(list)
    for record in records:
        value = record.values.get(key)
        if value:
            seen[normalize_id(value)].append(record)
    for uses in seen.values():
        if len(uses) < 2:
            continue
        for record in uses:
            others = ", ".join(_place(o, key) for o in uses if o is not record)
            yield _finding("duplicate-id", E, record, key, record.values[key], other=others)


def check_task_dates(tasks: Iterable[Record], as_of: date) -> Iterator[Finding]:
    for task in tasks:
        start, due = task.values.get("start"), task.values.get("due")
        if start and due and due < start:
            yield _finding("due-before-start", E, task, "due", due, due=due.isoformat(), start=start.isoformat())
        completed = task.values.get("completed_on")
        if completed and completed > as_of:
            yield _finding("completed-in-future", E, task, "completed_on", completed.isoformat(),
                           as_of=as_of.isoformat())
        if task.values.get("status") == "done":
            percent = task.values.get("percent")
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
    for task in batch.records("tasks"):
        owner = task.values.get("owner")
        if team and owner and key_of(owner) not in team:
            yield _finding("unknown-owner", W, task, "owner", owner, hint=did_you_mean(owner, team_names))
        milestone = task.values.get("milestone")
        if milestones and milestone and key_of(milestone) not in milestones:
            yield _finding("unknown-milestone", W, task, "milestone", milestone)
    if projects:
        for kind in ("tasks", "kpis", "risks", "milestones", "lessons"):
            for record in batch.records(kind):
                project = record.values.get("project")
                if project and key_of(project) not in projects:
                    yield _finding("unknown-project", W, record, "project", project,
                                   hint=did_you_mean(project, project_names))


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


def check_dependencies(tasks: list[Record]) -> Iterator[Finding]:
    """Unknown and self dependencies, and each dependency cycle once."""
    by_id = {normalize_id(t.values["id"]): t for t in tasks if t.values.get("id")}
    graph: dict[str, list[str]] = {}
    for task in tasks:
        task_id = task.values.get("id")
        if not task_id:
            continue
        edges = []
        for dep in task.values.get("depends_on") or ():
            dep_key = normalize_id(dep)
            if dep_key == normalize_id(task_id):
                yield _finding("self-dependency", E, task, "depends_on", dep)
            elif dep_key not in by_id:
                yield _finding("unknown-dependency", E, task, "depends_on", dep)
            else:
                edges.append(dep_key)
        graph[normalize_id(task_id)] = edges
    for cycle in _cycles(graph):
        first = by_id[cycle[0]]
        names = " → ".join(str(by_id[k].values["id"]) for k in cycle + [cycle[0]])
        yield _finding("dependency-cycle", E, first, "depends_on", first.raw.get("depends_on"), cycle=names)


def _cycles(graph: dict[str, list[str]]) -> list[list[str]]:
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
            edges = graph.get(node, [])
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
    cross: list[Finding] = []
    cross += check_duplicate_ids(tasks)
    cross += check_duplicate_ids(batch.records("risks"))
    cross += check_task_dates(tasks, as_of)
    cross += check_project_dates(batch.records("projects"))
    cross += check_references(batch)
    cross += check_dependencies(tasks)
    if default_hours is not None and default_capacity is not None:
        cross += check_defaults(batch, default_hours, default_capacity)
    reading = [f for wb in batch.workbooks for f in wb.findings]
    return sort_findings(reading + cross)


def sort_findings(findings: list[Finding]) -> list[Finding]:
    def order(f: Finding) -> tuple[str, str, int, int, str, str]:
        letters = "".join(ch for ch in (f.cell or "") if ch.isalpha())
        return (f.file, f.sheet or "", f.row or 0, len(letters), letters, f.code)
    return sorted(findings, key=order)
