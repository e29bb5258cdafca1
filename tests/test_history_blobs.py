"""History stores one compressed blob per snapshot; old databases (a row per task) are migrated,
and the column-wise comparison gives exactly the changes of the row-by-row rules."""
from __future__ import annotations

import random
from dataclasses import asdict
from datetime import date, timedelta

from toolkit.calendar import WorkCalendar

import pytest
from sqlalchemy import create_engine, func, insert, select

from test_history import WEEK1, WEEK2, view, week1, week2
from toolkit.history import (History, SnapshotRow, changes_between, metadata, row_of, snapshot_blobs,
                             snapshot_tasks, snapshots)
from toolkit.ids import normalize_id
from toolkit.results import Change


def reference_changes(old_rows, tasks, workdays=None) -> list[Change]:
    """The row-by-row rules as main wrote them before blobs (the oracle): tasks matched by
    `normalize_id`, the first row of a normalised ID on each side counts."""
    old: dict[str, SnapshotRow] = {}
    for row in old_rows:
        old.setdefault(normalize_id(row.task_id), row)
    changes = []
    seen: set[str] = set()
    for v in tasks:
        now = row_of(v)
        if not now.task_id:
            continue
        key = normalize_id(now.task_id)
        if key in seen:
            continue
        seen.add(key)
        was = old.get(key)
        base = {"task_id": now.task_id, "title": now.title, "department": now.department}
        if was is None:
            changes.append(Change("new", **base, new=now.status))
            continue
        if now.status != was.status:
            changes.append(Change("completed" if now.status == "done" else "status", **base, old=was.status,
                                  new=now.status))
        if was.due is not None and now.due is not None and now.due > was.due:
            changes.append(Change("slipped", **base, old=was.due.isoformat(), new=now.due.isoformat(),
                                  slip_days=(workdays(was.due + timedelta(days=1), now.due + timedelta(days=1))
                                             if workdays else (now.due - was.due).days)))
        if now.overdue and not was.overdue:
            changes.append(Change("newly_overdue", **base, old=was.due.isoformat() if was.due else "",
                                  new=now.due.isoformat() if now.due else "", days_late=v.flags.days_late))
        if now.owner != was.owner:
            changes.append(Change("owner", **base, old=was.owner, new=now.owner))
    for key, was in old.items():
        if key not in seen:
            changes.append(Change("removed", was.task_id, was.title, was.department, old=was.status))
    order = {"new": 0, "completed": 1, "slipped": 2, "newly_overdue": 3, "status": 4, "owner": 5, "removed": 6}
    return sorted(changes, key=lambda c: order[c.kind])


def random_week(rng: random.Random, n: int) -> list:
    statuses = ["not_started", "in_progress", "blocked", "done", "cancelled"]
    out = []
    for _ in range(n):
        task_id = f"T{rng.randint(0, n)}" if rng.random() > 0.02 else ""
        if task_id and rng.random() < 0.2:      # the same ID written another way (case, spaces, full width)
            task_id = rng.choice([task_id.lower(), f" {task_id} ", "Ｔ" + task_id[1:]])
        due = date(2026, 11, 1) + timedelta(days=rng.randint(0, 40))
        v = view(task_id, status=rng.choice(statuses), due=due, owner=rng.choice(["王磊", "李娜", "Ann"]),
                 overdue=rng.random() < 0.3, dept=rng.choice(["IT", "客服部"]))
        v.flags.days_late = rng.randint(0, 9) if v.flags.overdue else 0
        out.append(v)
    return out


def test_column_compare_matches_the_row_rules_on_random_weeks(tmp_path):
    rng = random.Random(3)
    with History(f"sqlite:///{tmp_path / 'h.sqlite'}") as history:
        for _ in range(5):
            before, after = random_week(rng, 300), random_week(rng, 300)
            history.store_snapshot(WEEK1, before, label="w1")
            stored = history.previous_snapshot(WEEK2)
            kept = [r for v in before if (r := row_of(v)).task_id]
            assert list(stored.rows) == kept        # every task with an ID, a repeated ID included
            expected = reference_changes(kept, after)
            assert history.changes_between(stored.rows, after) == expected
            assert changes_between(list(stored.rows), after) == expected
            cal = WorkCalendar()
            with_days = reference_changes(list(stored.rows), after, cal.workdays_between)
            assert changes_between(stored.rows, after, None, cal.workdays_between) == with_days
            assert with_days != expected
            assert len(expected) > 100


def test_one_blob_per_snapshot_and_no_task_rows(tmp_path):
    url = f"sqlite:///{tmp_path / 'h.sqlite'}"
    with History(url) as history:
        history.store_snapshot(WEEK1, week1(), label="a")
        history.store_snapshot(WEEK2, week2(), label="b")
        history.store_snapshot(WEEK2, week2(), label="b again")     # replaces, blob included
        with history.engine.connect() as conn:
            assert conn.execute(select(func.count()).select_from(snapshot_blobs)).scalar() == 2
            assert conn.execute(select(func.count()).select_from(snapshot_tasks)).scalar() == 0


def test_old_database_with_task_rows_is_migrated(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    engine = create_engine(url)
    metadata.create_all(engine, tables=[snapshots, snapshot_tasks])    # the layout before blobs
    rows = [row_of(v) for v in week1()]
    with engine.begin() as conn:
        sid = conn.execute(insert(snapshots).values(as_of=WEEK1, taken_at_label="old", task_count=8)
                           ).inserted_primary_key[0]
        conn.execute(insert(snapshot_tasks), [{"snapshot_id": sid, **asdict(r)} for r in rows])
    engine.dispose()
    with History(url) as history:
        previous = history.previous_snapshot(WEEK2)
        assert previous.label == "old" and list(previous.rows) == rows
        assert history.changes_between(previous.rows, week2()) == reference_changes(rows, week2())
        with history.engine.connect() as conn:
            assert conn.execute(select(func.count()).select_from(snapshot_tasks)).scalar() == 0
            assert conn.execute(select(func.count()).select_from(snapshot_blobs)).scalar() == 1
    with History(url) as again:                         # opening again finds nothing to migrate
        assert list(again.previous_snapshot(WEEK2).rows) == rows


@pytest.mark.parametrize("text", ["T-01", "  a  B\tc ", "ÄÖ", "Ｔ－０１", "ǅ", "ﬁle", "ß", "", "A\x0bB"])
def test_key_of_ascii_fast_path(text):
    from toolkit.coerce import fold, key_of
    assert key_of(text) == " ".join(fold(str(text)).casefold().split())
