"""History: snapshots in a real SQLite file and the changes between two of them."""
from __future__ import annotations

from datetime import date

import pytest

from toolkit.errors import OutputError
from toolkit.history import History, SnapshotRow, changes_between
from toolkit.model import Record, Source
from toolkit.results import Change, TaskFlags, TaskView

WEEK1 = date(2026, 11, 17)
WEEK2 = date(2026, 11, 24)


def view(id_: str, *, status: str = "in_progress", due: date = date(2026, 12, 1), owner: str = "王磊",
         overdue: bool = False, title: str | None = None, dept: str = "IT") -> TaskView:
    record = Record("tasks", Source(f"{dept}.xlsx", "Tasks", 2), {
        "id": id_, "title": title or f"Task {id_}", "department": dept, "owner": owner, "status": status,
        "due": due, "percent": 100.0 if status == "done" else 40.0}, department=dept)
    return TaskView(record, TaskFlags(overdue=overdue))


def week1() -> list[TaskView]:
    return [
        view("T1"),                                   # will be completed
        view("T2", due=date(2026, 11, 20)),           # will slip by 7 days
        view("T3", due=date(2026, 11, 23)),           # will become overdue
        view("T4"),                                   # owner changes
        view("T5", status="not_started"),             # status changes
        view("T6"),                                   # removed next week
        view("T7"),                                   # unchanged
        view("T8", overdue=True, due=date(2026, 11, 10)),   # overdue both weeks
    ]


def week2() -> list[TaskView]:
    return [
        view("T1", status="done"),
        view("T2", due=date(2026, 11, 27)),
        view("T3", due=date(2026, 11, 23), overdue=True),
        view("T4", owner="李娜"),
        view("T5", status="blocked"),
        view("T7"),
        view("T8", overdue=True, due=date(2026, 11, 10)),
        view("T9", title="New one", dept="客服部"),
        view("", title="no id: not tracked"),
    ]


@pytest.fixture
def history(tmp_path):
    store = History(f"sqlite:///{tmp_path / 'history.sqlite'}")
    yield store
    store.close()


def test_two_snapshots_a_week_apart(history, tmp_path):
    assert history.previous_snapshot(WEEK1) is None
    first = history.store_snapshot(WEEK1, week1(), label="2026-11-17 0200")
    previous = history.previous_snapshot(WEEK2)
    assert previous.id == first and previous.as_of == WEEK1 and previous.label == "2026-11-17 0200"
    assert previous.task_count == 8 and len(previous.rows) == 8
    assert previous.rows[1] == SnapshotRow("T2", "Task T2", "IT", "王磊", "in_progress", date(2026, 11, 20), 40.0,
                                           False)

    changes = history.changes_between(previous.rows, week2(), WEEK2)
    assert changes == [
        Change("new", "T9", "New one", "客服部", new="in_progress"),
        Change("completed", "T1", "Task T1", "IT", "in_progress", "done"),
        Change("slipped", "T2", "Task T2", "IT", "2026-11-20", "2026-11-27", 7),
        Change("newly_overdue", "T3", "Task T3", "IT", "2026-11-23", "2026-11-23", days_late=0),
        Change("status", "T5", "Task T5", "IT", "not_started", "blocked"),
        Change("owner", "T4", "Task T4", "IT", "王磊", "李娜"),
        Change("removed", "T6", "Task T6", "IT", old="in_progress"),
    ]
    second = history.store_snapshot(WEEK2, week2(), label="2026-11-24 0200")
    assert second != first
    # the file persists: a new History on the same URL sees both
    again = History(f"sqlite:///{tmp_path / 'history.sqlite'}")
    assert [(s.as_of, s.task_count) for s in again.list_snapshots()] == [(WEEK1, 8), (WEEK2, 9)]
    assert again.previous_snapshot(date(2026, 12, 1)).id == second
    again.close()


def test_rerun_on_the_same_day_replaces_that_snapshot(history):
    history.store_snapshot(WEEK1, week1(), label="a")
    history.store_snapshot(WEEK2, week1(), label="morning")
    # a re-run on WEEK2 compares with the previous RUN, the morning one (issue 9), named by its stamp
    previous = history.previous_snapshot(WEEK2)
    assert (previous.as_of, previous.label) == (WEEK2, "morning")
    assert [c.kind for c in history.changes_between(previous.rows, week2(), WEEK2)][:2] == ["new", "completed"]
    replaced = history.store_snapshot(WEEK2, week2(), label="after the fix")
    assert [s.label for s in history.list_snapshots()] == ["a", "after the fix"]
    previous = history.previous_snapshot(WEEK2)
    assert previous.label == "after the fix"
    assert history.previous_snapshot(WEEK2, exclude_id=previous.id).label == "a"
    assert history.previous_snapshot(date(2026, 12, 1)).id == replaced


def test_no_snapshot_no_changes():
    assert changes_between(None, week2()) == []


def test_one_task_can_change_in_several_ways():
    old = [SnapshotRow("T1", "x", "IT", "王磊", "in_progress", date(2026, 11, 20), 40.0, False)]
    now = [view("T1", status="done", owner="李娜", due=date(2026, 11, 21))]
    assert [c.kind for c in changes_between(old, now)] == ["completed", "slipped", "owner"]


def test_a_bad_url_is_an_output_error(tmp_path):
    with pytest.raises(OutputError):
        History(f"sqlite:///{tmp_path / 'no' / 'such' / 'folder' / 'h.sqlite'}")
