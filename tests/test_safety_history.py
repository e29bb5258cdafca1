"""Issue 8, history: each master its own history; a database that cannot be written stops the run
before anything is written; a damaged one is set aside under a dated name, never deleted.
Real SQLite files, a real read-only mount, a real lock held by another process."""
from __future__ import annotations

import sqlite3
import subprocess
import sys
from datetime import date

import pytest
from typer.testing import CliRunner

from conftest import sha256
from safety_helpers import can_mount, mount, tracker, umount
from toolkit.cli import app
from toolkit.config import Settings
from toolkit.errors import OutputError
from toolkit.history import History
from toolkit.pipeline import run_consolidation

DAY1, DAY2 = date(2026, 11, 23), date(2026, 11, 24)


def consolidate(inputs, output, as_of, stamp, settings=None):
    return run_consolidation([inputs], settings or Settings(), as_of, output=output, stamp=stamp, lock_timeout=5)


# ------------------------------------------------------------------ 10. one history per master

def test_two_masters_in_one_folder_keep_their_histories_apart(tmp_path):
    a_in, b_in = tmp_path / "a", tmp_path / "b"
    tracker(a_in / "IT.xlsx", *(f"A-{i}" for i in range(30)))
    tracker(b_in / "HR.xlsx", *(f"B-{i}" for i in range(40)))
    out = tmp_path / "out"
    consolidate(a_in, out / "a.xlsx", DAY1, "2026-11-23 010000")
    consolidate(b_in, out / "b.xlsx", DAY1, "2026-11-23 020000")
    again = consolidate(a_in, out / "a.xlsx", DAY2, "2026-11-24 010000")
    assert again.compared_with is not None and again.compared_with.as_of == DAY1
    assert [c.kind for c in again.changes if c.kind in ("new", "removed")] == []   # no false changes
    with History(again.history_url, series=str(out / "a.xlsx")) as history:
        assert [s.task_count for s in history.list_snapshots()] == [30, 30]
    with History(again.history_url, series=str(out / "b.xlsx")) as history:
        assert [s.task_count for s in history.list_snapshots()] == [40]


def test_a_database_made_before_series_is_migrated_and_kept(tmp_path):
    path = tmp_path / "history.sqlite"
    with sqlite3.connect(path) as db:
        db.executescript("""
            CREATE TABLE snapshots (id INTEGER PRIMARY KEY AUTOINCREMENT, as_of DATE NOT NULL,
                                    taken_at_label VARCHAR(64) NOT NULL, task_count INTEGER NOT NULL);
            CREATE TABLE snapshot_tasks (id INTEGER PRIMARY KEY AUTOINCREMENT, snapshot_id INTEGER NOT NULL,
                task_id VARCHAR(255) NOT NULL, title TEXT, department VARCHAR(255), owner VARCHAR(255),
                status VARCHAR(32), due DATE, percent FLOAT, overdue BOOLEAN NOT NULL);
            INSERT INTO snapshots (as_of, taken_at_label, task_count) VALUES ('2026-11-20', 'old run', 1);
            INSERT INTO snapshot_tasks (snapshot_id, task_id, title, status, overdue) VALUES (1, 'T-1', 'x', 'done', 0);
        """)
    url = f"sqlite:///{path}"
    with History(url, series="/pmo/out/master.xlsx") as history:
        found = history.previous_snapshot(DAY2)
        assert found is not None and found.label == "old run" and found.rows[0].task_id == "T-1"
    with History(url, series="/pmo/out/other.xlsx") as history:
        assert history.list_snapshots() == []                 # the legacy snapshot went to the first master
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT series FROM snapshots").fetchall() == [("/pmo/out/master.xlsx",)]


# ------------------------------------------------------------------ 11. failures tell the truth

def test_a_read_only_history_stops_the_run_before_the_master_is_replaced(tmp_path):
    reason = can_mount()
    if reason:
        pytest.skip(reason)
    inputs = tmp_path / "in"
    tracker(inputs / "IT.xlsx", "T-1")
    store = tmp_path / "store"
    mount("tmpfs", store, "size=4m")
    try:
        settings = Settings(history_url=f"sqlite:///{store / 'history.sqlite'}")
        master = tmp_path / "out" / "master.xlsx"
        consolidate(inputs, master, DAY1, "2026-11-23 010000", settings)
        before = sha256(master)
        tracker(inputs / "IT.xlsx", "T-1", "T-2")
        subprocess.run(["mount", "-o", "remount,ro", str(store)], check=True)     # a real read-only store
        with pytest.raises(OutputError) as caught:
            consolidate(inputs, master, DAY2, "2026-11-24 010000", settings)
        assert caught.value.code in ("history_unwritable", "history_open")
        assert "nothing was written" in caught.value.message("en") or "cannot open" in caught.value.message("en")
        assert sha256(master) == before                               # the message is true: nothing replaced
        assert not (master.parent / "backups").exists() or not any((master.parent / "backups").iterdir())
    finally:
        umount(store)


_HOLD_LOCK = """
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("BEGIN IMMEDIATE")          # a writer holds the database (another program, a stuck job)
print("locked", flush=True)
time.sleep(60)
"""


def test_a_locked_history_stops_the_run_before_the_master_is_replaced(tmp_path):
    inputs = tmp_path / "in"
    tracker(inputs / "IT.xlsx", "T-1")
    master = tmp_path / "out" / "master.xlsx"
    consolidate(inputs, master, DAY1, "2026-11-23 010000")
    before = sha256(master)
    tracker(inputs / "IT.xlsx", "T-1", "T-2")
    holder = subprocess.Popen([sys.executable, "-c", _HOLD_LOCK, str(master.parent / "history.sqlite")],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        result = CliRunner().invoke(app, ["consolidate", str(inputs), "-o", str(master), "--as-of", "2026-11-24"])
    finally:
        holder.kill()
        holder.wait(timeout=30)
    assert result.exit_code == 3
    assert "nothing was written" in result.output
    assert sha256(master) == before


@pytest.mark.parametrize("damage", ["garbage", "truncated"])
def test_a_damaged_history_is_set_aside_and_a_new_one_started(tmp_path, damage):
    inputs = tmp_path / "in"
    tracker(inputs / "IT.xlsx", "T-1")
    master = tmp_path / "out" / "master.xlsx"
    consolidate(inputs, master, DAY1, "2026-11-23 010000")
    history = master.parent / "history.sqlite"
    if damage == "garbage":
        history.write_bytes(b"this is not a database at all " * 100)
    else:
        history.write_bytes(history.read_bytes()[:1500])
    damaged = history.read_bytes()
    result = CliRunner().invoke(app, ["consolidate", str(inputs), "-o", str(master), "--as-of", "2026-11-24"])
    assert result.exit_code == 0, result.output
    kept = [p for p in master.parent.iterdir() if p.name.startswith("history.sqlite.damaged-")]
    assert len(kept) == 1 and kept[0].read_bytes() == damaged        # nothing deleted
    assert kept[0].name in result.output.replace("\n", "")
    with History(f"sqlite:///{history}", series=str(master)) as fresh:
        assert [s.as_of for s in fresh.list_snapshots()] == [DAY2]   # a new history, started now
