"""The cross checks computed once per ID (`validate.id_keys`, the dependency graph of the tasks
that have dependencies, names folded once per value) give exactly the findings of the plain
checks kept below as they were: same findings in the same order, same parameters, same rows
marked in error. On the sample company and on generated data with repeated IDs, cycles
(through repeated IDs too), self and unknown dependencies, unknown owners and projects."""
from __future__ import annotations

import copy
import random
import sys
from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import date

import pytest

from conftest import AS_OF, REPO
from toolkit import validate
from toolkit.coerce import key_of
from toolkit.config import Settings
from toolkit.errors import Finding
from toolkit.ids import normalize_id
from toolkit.model import Batch, Record, RecordBlock, Source
from toolkit.pipeline import read_inputs
from toolkit.validate import E, W, _cycles, _finding, _place, did_you_mean


# ---------------------------------------------------------------- the plain checks, as they were

def plain_duplicate_ids(records: Iterable[Record], key: str = "id") -> Iterator[Finding]:
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


def plain_references(batch: Batch) -> Iterator[Finding]:
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


def plain_dependencies(tasks: list[Record]) -> Iterator[Finding]:
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
    for cycle in _cycles(graph):  # type: ignore[arg-type]
        first = by_id[cycle[0]]
        names = " → ".join(str(by_id[k].values["id"]) for k in cycle + [cycle[0]])
        yield _finding("dependency-cycle", E, first, "depends_on", first.raw.get("depends_on"), cycle=names)


def plain_validate(batch: Batch, as_of: date) -> list[Finding]:
    tasks = batch.records("tasks")
    cross: list[Finding] = []
    # the dates first, as validate_batch runs them on each file as it is read (a record's
    # issues keep the order they were found in)
    cross += validate.check_task_dates(tasks, as_of)
    cross += validate.check_project_dates(batch.records("projects"))
    cross += plain_duplicate_ids(tasks)
    cross += plain_duplicate_ids(batch.records("risks"))
    cross += plain_references(batch)
    cross += plain_dependencies(tasks)
    cross += validate.check_defaults(batch, 8, 40)
    reading = [f for wb in batch.workbooks for f in wb.findings]
    return validate.sort_findings(reading + cross)


# ---------------------------------------------------------------- comparison

def _seen(findings: list[Finding]) -> list[tuple]:
    return [(f.code, f.severity, f.file, f.sheet, f.cell, f.value, f.params, f.path) for f in findings]


def _marks(batch: Batch) -> list[tuple]:
    return [(r.has_error, list(r.issues)) for wb in batch.workbooks for t in wb.tables for r in t.records]


def _blocks(batch: Batch) -> list[RecordBlock]:
    return [p for wb in batch.workbooks for t in wb.tables for p in t.parts if isinstance(p, RecordBlock)]


def _same_as_plain(batch: Batch, as_of: date) -> list[Finding]:
    plain_batch, fast_batch = copy.deepcopy(batch), copy.deepcopy(batch)
    plain = plain_validate(plain_batch, as_of)
    blocks = _blocks(fast_batch)
    made_before = sum(len(b.made) for b in blocks)
    fast = validate.validate_batch(fast_batch, as_of, 8, 40)
    assert _seen(fast) == _seen(plain)
    # rows still in blocks became Records only where a finding names them
    assert sum(len(b.made) for b in blocks) - made_before <= len(fast)
    assert _marks(fast_batch) == _marks(plain_batch)
    return fast


def _as_blocks(batch: Batch) -> Batch:
    """The batch with each table's Records back in a RecordBlock, as the reader leaves them (the
    rows with a mark or extras stay Records inside it): validation must read blocks as Records."""
    for wb in batch.workbooks:
        for table in wb.tables:
            records = table.records
            if not records:
                continue
            keys = tuple(records[0].values)
            block = RecordBlock(table.kind, Source(table.file, table.sheet, 0, records[0].source.path),
                                dict.fromkeys(keys), keys, [[r.values[k] for r in records] for k in keys],
                                [r.source.row for r in records], {j: r.raw for j, r in enumerate(records) if r.raw},
                                table.columns, table.department)
            block.made.update({j: r for j, r in enumerate(records) if r.has_error or r.issues or r.extras})
            table.parts = [block]
    return batch


def _messed_up(batch: Batch, seed: int, repeats: bool = True) -> Batch:
    """Repeated IDs (case, spaces, full-width), cycles through them, self and unknown
    dependencies, blank IDs, owners and projects nobody knows."""
    rng = random.Random(seed)
    tasks = batch.records("tasks")
    ids = [t.values["id"] for t in tasks]
    for task in rng.sample(tasks, len(tasks) // 10 if repeats else 0):
        other = rng.choice(ids)
        task.values["id"] = rng.choice([other, other.lower(), f" {other} ", other.replace("-", "－"), "", "  "])
    for task in rng.sample(tasks, len(tasks) // 5):
        deps = [rng.choice(ids) for _ in range(rng.randint(1, 3))]
        if rng.random() < 0.2:
            deps.append(str(task.values["id"]).upper())            # itself
        if rng.random() < 0.2:
            deps.append("NOPE-" + str(rng.randint(1, 99)))         # unknown
        task.values["depends_on"] = tuple(deps)
    for i in range(0, 60, 3):                                      # short cycles, some through repeats
        a, b, c = tasks[i], tasks[i + 1], tasks[i + 2]
        a.values["depends_on"] = (b.values["id"] or "X",)
        b.values["depends_on"] = (c.values["id"] or "Y",)
        c.values["depends_on"] = (a.values["id"] or "Z",)
    for task in rng.sample(tasks, len(tasks) // 20):
        task.values["owner"] = rng.choice(["Nobody", "owner 000-1", " Owner 000-2 ", 12, True])
        task.values["project"] = rng.choice(["P-none", "客服体系升级 ", "供应链流程优化"])
    return batch


@pytest.mark.parametrize("make_records", [False, True])
def test_sample_company(make_records):
    batch = read_inputs([REPO / "workbooks" / "sample"], Settings(), make_records=make_records)
    if not make_records:
        assert _blocks(batch), "the sample company's sheets take the column-wise path"
    found = _same_as_plain(batch, AS_OF)
    assert found


@pytest.mark.parametrize("seed, repeats", [(1, True), (2, True), (3, True), (4, False)])
def test_generated_with_repeats_and_cycles(tmp_path, seed, repeats):
    sys.path.insert(0, str(REPO / "benchmarks"))
    from generate import make_department_workbooks
    make_department_workbooks(tmp_path / "gen", 4, 300)
    batch = _messed_up(read_inputs([tmp_path / "gen"], Settings()), seed, repeats)
    found = _same_as_plain(batch, date(2026, 10, 20))
    codes = {f.code for f in found}
    assert {"dependency-cycle", "self-dependency", "unknown-dependency", "unknown-owner"} <= codes
    assert ("duplicate-id" in codes) == repeats
    assert _seen(_same_as_plain(_as_blocks(batch), date(2026, 10, 20))) == _seen(found)


def test_normalize_id_ascii_shortcut_is_the_full_rule():
    """ASCII text skips NFKC and casefold (both leave ASCII as `lower()` does): the same keys."""
    import unicodedata

    def full(text: str) -> str:
        return "".join(unicodedata.normalize("NFKC", text).casefold().split())

    rng = random.Random(5)
    alphabet = [chr(c) for c in range(128)]
    samples = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12))) for _ in range(5000)]
    samples += ["T-001", " t 001 ", "A\x1cB\x1fC\x0b\x0c", "ß", "Ｔ－００１", "İx", "ﬁ"]
    for text in samples:
        assert normalize_id(text) == full(text), repr(text)
    class Id(str):
        pass
    assert normalize_id(Id(" X-1 ")) == "x-1"


def test_sort_findings_as_before():
    """Plain cells ("AB12") are split by one regex: the order is the one of the letter and digit scan."""
    from toolkit.errors import Severity

    def plain_order(f: Finding) -> tuple:
        letters = "".join(ch for ch in (f.cell or "") if ch.isalpha())
        return (f.file, f.sheet or "", f.row or 0, len(letters), letters, f.code)

    rng = random.Random(9)
    cells = [None, "", "A1", "B2", "AA1", "Z10", "AB12", "a3", "A1:B2", "Ａ1", "X", "١٢", "C0", "AZ100", "B10"]
    findings = [Finding(rng.choice(["dup", "bad-date", "x"]), Severity.ERROR, rng.choice(["a.xlsx", "b.xlsx"]),
                        rng.choice([None, "Tasks", "Team"]), rng.choice(cells)) for _ in range(2000)]
    assert validate.sort_findings(findings) == sorted(findings, key=plain_order)
    assert [id(f) for f in validate.sort_findings(findings)] == [id(f) for f in sorted(findings, key=plain_order)]
