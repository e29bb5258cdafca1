"""`compare_columns` gives exactly the changes of the plain comparison kept below as it was
(every change, in order, with its fields), on the tasks of a generated company against
snapshots that differ in every way: the same IDs in the same order (the column-at-a-time path),
a repeated ID, tasks added and removed. The blob's codec reads back what it wrote."""
from __future__ import annotations

import random
import sys
from datetime import date, timedelta
from typing import Any, Callable

import pytest

from conftest import REPO
from toolkit.analyze import analyze
from toolkit.calendar import WorkCalendar
from toolkit.config import Settings
from toolkit.consolidate import consolidate
from toolkit.history import _KIND_ORDER, columns_of, compare_columns, decode_columns, encode_columns
from toolkit.ids import normalize_id
from toolkit.pipeline import run_validation
from toolkit.results import Change

AS_OF = date(2026, 10, 20)


def plain_compare(old: dict[str, list[Any]], new: dict[str, list[Any]],
                  workdays: Callable[[date, date], int] | None = None) -> list[Change]:
    old_at: dict[str, int] = {}
    for index, old_id in enumerate(old["task_id"]):
        old_at.setdefault(normalize_id(old_id), index)
    o_status, o_due, o_overdue, o_owner = old["status"], old["due"], old["overdue"], old["owner"]
    one_day = timedelta(days=1)
    changes: list[Change] = []
    seen: set[str] = set()
    for task_id, title, dept, status, due, overdue, owner, late in zip(
            new["task_id"], new["title"], new["department"], new["status"], new["due"], new["overdue"],
            new["owner"], new.get("days_late") or [None] * len(new["task_id"])):
        key = normalize_id(task_id)
        if key in seen:
            continue
        seen.add(key)
        i = old_at.get(key)
        if i is None:
            changes.append(Change("new", task_id, title, dept, new=status))
            continue
        if status != o_status[i]:
            kind = "completed" if status == "done" else "status"
            changes.append(Change(kind, task_id, title, dept, old=o_status[i], new=status))
        was_due = o_due[i]
        if was_due is not None and due is not None and due > was_due:
            changes.append(Change("slipped", task_id, title, dept, old=was_due.isoformat(), new=due.isoformat(),
                                  slip_days=(workdays(was_due + one_day, due + one_day) if workdays
                                             else (due - was_due).days)))
        if overdue and not o_overdue[i]:
            changes.append(Change("newly_overdue", task_id, title, dept, old=was_due.isoformat() if was_due else "",
                                  new=due.isoformat() if due else "", days_late=late))
        if owner != o_owner[i]:
            changes.append(Change("owner", task_id, title, dept, old=o_owner[i], new=owner))
    for key, i in old_at.items():
        if key not in seen:
            changes.append(Change("removed", old["task_id"][i], old["title"][i], old["department"][i],
                                  old=o_status[i]))
    return sorted(changes, key=lambda c: _KIND_ORDER.get(c.kind, 9))


@pytest.fixture(scope="module")
def current(tmp_path_factory) -> dict[str, list[Any]]:
    sys.path.insert(0, str(REPO / "benchmarks"))
    from generate import make_department_workbooks
    folder = tmp_path_factory.mktemp("gen")
    make_department_workbooks(folder, 4, 300)
    settings = Settings()
    merged = consolidate(run_validation([folder], settings, AS_OF).batch)
    analysis = analyze(merged["tasks"], merged["team"], merged["projects"], merged["kpis"], merged["risks"],
                       merged["milestones"], settings, AS_OF)
    return columns_of(analysis.tasks)


def _older(new: dict[str, list[Any]], seed: int) -> dict[str, list[Any]]:
    """The same tasks a week before, with statuses, due dates, overdue flags and owners changed."""
    rng = random.Random(seed)
    old = {name: list(values) for name, values in new.items() if name != "days_late"}
    for i in range(len(old["task_id"])):
        roll = rng.random()
        if roll < 0.05:
            old["status"][i] = rng.choice(["in_progress", "not_started", "blocked", "done", ""])
        elif roll < 0.10 and old["due"][i] is not None:
            old["due"][i] = old["due"][i] + timedelta(days=rng.choice([-9, -3, -1, 2, 5]))
        elif roll < 0.12:
            old["due"][i] = None
        elif roll < 0.17:
            old["overdue"][i] = not old["overdue"][i]
        elif roll < 0.20:
            old["owner"][i] = "Someone else"
    return old


@pytest.mark.parametrize("seed", [1, 2])
@pytest.mark.parametrize("calendar", [True, False])
def test_same_ids_same_order(current, seed, calendar):
    old = _older(current, seed)
    assert old["task_id"] == current["task_id"]
    workdays = WorkCalendar().workdays_between if calendar else None
    got = compare_columns(old, current, workdays)
    assert got == plain_compare(old, current, workdays)
    assert {c.kind for c in got} >= {"completed", "status", "slipped", "newly_overdue", "owner"}


def test_a_repeated_id(current):
    new = {name: list(values) for name, values in current.items()}
    new["task_id"][5] = new["task_id"][3].lower()          # the same ID, spelt otherwise
    old = _older(new, 3)
    assert compare_columns(old, new) == plain_compare(old, new)


def test_tasks_added_and_removed(current):
    old = _older(current, 4)
    old = {name: values[30:] + values[:10] for name, values in old.items()}    # 20 new, 10 moved
    old["task_id"][0] = " " + old["task_id"][0].upper() + " "                   # spelt otherwise
    for name in old:
        old[name].append(old[name][-1])                                         # a removed task …
    old["task_id"][-1] = "GONE-1"                                               # … named once
    got = compare_columns(old, current)
    assert got == plain_compare(old, current)
    assert {c.kind for c in got} >= {"new", "removed", "completed", "owner"}


def test_blob_reads_back(current):
    columns = {name: values for name, values in current.items() if name != "days_late"}
    assert decode_columns(encode_columns(columns)) == columns


def test_columns_of_is_row_of_of_each_task_with_an_id_on_odd_values(tmp_path):
    """The column-wise `columns_of` gives what `row_of` gives task by task (tasks without an ID
    left out), on values of every odd kind: numbers, booleans, padded text, a str subclass."""
    from toolkit.history import FIELDS, row_of

    sys.path.insert(0, str(REPO / "benchmarks"))
    from generate import make_department_workbooks
    make_department_workbooks(tmp_path, 2, 60)
    settings = Settings()
    merged = consolidate(run_validation([tmp_path], settings, AS_OF).batch)
    tasks = analyze(merged["tasks"], merged["team"], merged["projects"], merged["kpis"], merged["risks"],
                    merged["milestones"], settings, AS_OF).tasks

    class Text(str):
        pass

    odd = [("owner", 1), ("owner", 1.0), ("owner", True), ("status", " done "), ("department", None),
           ("department", 7), ("id", None), ("id", "  "), ("id", 12), ("title", Text(" a subclass ")),
           ("title", 3.5), ("due", "not a date"), ("percent", "50"), ("percent", True), ("owner", Text("x"))]
    for k, (key, value) in enumerate(odd):
        tasks[k * 5].record.values[key] = value
    columns = columns_of(tasks)
    rows = [row_of(v) for v in tasks if row_of(v).task_id]
    assert list(zip(*(columns[name] for name in FIELDS))) == [tuple(getattr(r, n) for n in FIELDS) for r in rows]
    assert columns["days_late"] == [v.flags.days_late for v in tasks if row_of(v).task_id]
    assert [type(x) for x in columns["owner"]] == [type(r.owner) for r in rows]
