"""Snapshots of every consolidation, and what changed since the last one (SQLAlchemy 2 Core).

A SQLite file by default; any SQLAlchemy URL (e.g. PostgreSQL for a shared PMO server).
Tables are created on first use.

Rules:

- One snapshot per as-of date: running again for the same as-of date **replaces** that day's
  snapshot (the morning run and a re-run after a fix give one history entry, the latest).
- `previous_snapshot(as_of)` is the latest snapshot of a date **up to** `as_of`, read before this
  run stores its own: the previous run, even earlier the same day (a re-run after edits shows
  the edits); its stamp names it.
- Tasks are tracked by Task ID, normalised by `ids.normalize_id` (case, spaces and full-width
  forms do not matter); tasks without an ID are not stored, and when an ID occurs twice the
  first occurrence counts (the validator reports the duplicate).
- **Each master has its own history** (`series`: the master's resolved path), so two masters
  written into one folder (one database) never see each other's snapshots. A database made
  before series existed is migrated on first use (a `series` column is added); its snapshots
  are given to the first master that uses it. A History opened without a series reads them all.
- **Failures**: `check_writable()` proves the database can take a snapshot before the master is
  replaced, so an unwritable or locked database stops the run with nothing written. A SQLite
  file that is damaged (not a database, truncated, garbage) is never deleted: it is renamed
  `<name>.damaged-<stamp>` beside itself, a new one is started, and `damaged_kept` names it.
- `changes_between` gives the changes grouped by kind, in this order: new, completed (status
  became Done), slipped (due date moved later; `slip_days` in working days when a calendar is
  given, else calendar days), newly overdue (with `days_late`)
  (overdue now, not then), status (any other status change), owner, removed; within a kind in
  task order. One task can have several (completed and owner changed, slipped and newly overdue).
"""
from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from sys import intern
from typing import Any

from sqlalchemy import (Boolean, Column, Date, Float, ForeignKey, Integer, MetaData, String, Table, Text,
                        create_engine, delete, insert, inspect, select, text, true, update)
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from .errors import OutputError
from .ids import normalize_id
from .results import Change, TaskView

metadata = MetaData()
_INSERT_CHUNK = 5000         # snapshot rows per INSERT: 170 000 rows as one list of dicts cost 100+ MB

snapshots = Table(
    "snapshots", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("as_of", Date, nullable=False, index=True),
    Column("taken_at_label", String(64), nullable=False, default=""),
    Column("task_count", Integer, nullable=False, default=0),
    Column("series", String(1024), nullable=False, default="", index=True),
)

snapshot_tasks = Table(
    "snapshot_tasks", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("snapshot_id", Integer, ForeignKey("snapshots.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("task_id", String(255), nullable=False),
    Column("title", Text),
    Column("department", String(255)),
    Column("owner", String(255)),
    Column("status", String(32)),
    Column("due", Date),
    Column("percent", Float),
    Column("overdue", Boolean, nullable=False, default=False),
)


@dataclass(frozen=True, slots=True)
class SnapshotRow:
    task_id: str
    title: str = ""
    department: str = ""
    owner: str = ""
    status: str = ""
    due: date | None = None
    percent: float | None = None
    overdue: bool = False


@dataclass
class Snapshot:
    id: int
    as_of: date
    label: str
    task_count: int
    rows: list[SnapshotRow] = field(default_factory=list)


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def row_of(view: TaskView) -> SnapshotRow:
    values = view.record.values
    due = values.get("due")
    percent = values.get("percent")
    return SnapshotRow(
        task_id=_text(values.get("id")),
        title=_text(values.get("title")),
        department=_text(values.get("department") or view.record.department),
        owner=_text(values.get("owner")),
        status=_text(values.get("status")),
        due=due if isinstance(due, date) else None,
        percent=float(percent) if isinstance(percent, (int, float)) else None,
        overdue=bool(view.flags.overdue),
    )


# driver module -> (package to install, extra of this toolkit that installs it)
DRIVER_PACKAGES = {"psycopg": ("psycopg", "postgres"), "psycopg2": ("psycopg2-binary", "postgres"),
                   "pymysql": ("PyMySQL", "mysql"), "MySQLdb": ("mysqlclient", "mysql")}


class History:
    """The snapshot store at `url` (e.g. "sqlite:///output/history.sqlite") for one master
    (`series`, its resolved path; "" for a store shared by callers that do not say)."""

    def __init__(self, url: str, series: str = "", stamp: str = ""):
        self.url = url
        self.series = series
        self.damaged_kept: Path | None = None    # where a damaged SQLite file was set aside
        try:
            self._open()
        except ImportError as exc:   # the URL names a database whose driver is not installed
            package, extra = DRIVER_PACKAGES.get((exc.name or "").split(".")[0], (exc.name or "?", "postgres"))
            raise OutputError("history_driver", url=_safe_url(url), package=package, extra=extra) from exc
        except SQLAlchemyError as exc:
            kept = self._set_aside_damaged(exc, stamp)
            if kept is None:
                raise OutputError("history_open", url=_safe_url(url), reason=exc) from exc
            self.damaged_kept = kept
            try:
                self._open()
            except SQLAlchemyError as again:
                raise OutputError("history_open", url=_safe_url(url), reason=again) from again

    def _open(self) -> None:
        self.engine: Engine = create_engine(self.url)
        try:
            metadata.create_all(self.engine)
            self._migrate()
        except SQLAlchemyError:
            self.engine.dispose()
            raise

    def _migrate(self) -> None:
        """Add `series` to a database made before it existed; legacy snapshots go to this series."""
        columns = {c["name"] for c in inspect(self.engine).get_columns("snapshots")}
        with self.engine.begin() as conn:
            if "series" not in columns:
                conn.execute(text("ALTER TABLE snapshots ADD COLUMN series VARCHAR(1024) NOT NULL DEFAULT ''"))
            if self.series:
                mine = conn.execute(select(snapshots.c.id).where(snapshots.c.series == self.series).limit(1)).first()
                if mine is None:
                    conn.execute(update(snapshots).where(snapshots.c.series == "").values(series=self.series))

    def _set_aside_damaged(self, exc: SQLAlchemyError, stamp: str) -> Path | None:
        """Rename a damaged SQLite file (never delete it); None when the failure is another one."""
        message = str(getattr(exc, "orig", exc)).lower()
        if not any(word in message for word in ("not a database", "malformed", "file is encrypted",
                                                "disk image")):
            return None
        path = _sqlite_file(self.url)
        if path is None or not path.is_file():
            return None
        try:
            self.engine.dispose()
        except Exception:  # noqa: BLE001
            pass
        label = "".join(ch if ch.isalnum() else "-" for ch in (stamp or "unknown")).strip("-")
        kept = path.with_name(f"{path.name}.damaged-{label}")
        n = 2
        while os.path.lexists(kept):
            kept = path.with_name(f"{path.name}.damaged-{label}-{n}")
            n += 1
        try:
            os.replace(path, kept)
            for extra in ("-journal", "-wal", "-shm"):     # SQLite's side files belong to the damaged one
                side = path.with_name(path.name + extra)
                if side.exists():
                    os.replace(side, kept.with_name(kept.name + extra))
        except OSError:
            return None
        return kept

    def _mine(self) -> Any:
        """The snapshots this History reads: its series', or all of them for a History opened
        without one (a reader that does not say which master, e.g. a report on a shared store)."""
        return snapshots.c.series == self.series if self.series else true()

    def check_writable(self) -> None:
        """Prove a snapshot can be stored (write, then roll back): OutputError when not."""
        try:
            with self.engine.connect() as conn:
                trans = conn.begin()
                try:
                    conn.execute(insert(snapshots).values(as_of=date(1900, 1, 1), taken_at_label="probe",
                                                          task_count=0, series=self.series))
                finally:
                    trans.rollback()
        except SQLAlchemyError as exc:
            raise OutputError("history_unwritable", url=_safe_url(self.url),
                              reason=str(getattr(exc, "orig", exc))) from exc

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> "History":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------ writing

    def store_snapshot(self, as_of: date, tasks: Sequence[TaskView], label: str) -> int:
        """Store the tasks as the snapshot of `as_of` (replacing one of the same date); its id."""
        # every task with an ID, a repeated ID included (it is a finding, not a reason to count the
        # task once): reports count a snapshot's tasks as the master did; comparisons take the first
        stored = [row for row in map(row_of, tasks) if row.task_id]
        try:
            with self.engine.begin() as conn:
                old_ids = [i for (i,) in conn.execute(select(snapshots.c.id).where(
                    snapshots.c.as_of == as_of, snapshots.c.series == self.series))]
                if old_ids:
                    conn.execute(delete(snapshot_tasks).where(snapshot_tasks.c.snapshot_id.in_(old_ids)))
                    conn.execute(delete(snapshots).where(snapshots.c.id.in_(old_ids)))
                result = conn.execute(insert(snapshots).values(as_of=as_of, taken_at_label=label or "",
                                                               task_count=len(tasks), series=self.series))
                assert result.inserted_primary_key is not None
                snapshot_id = int(result.inserted_primary_key[0])
                for start in range(0, len(stored), _INSERT_CHUNK):   # chunks: memory stays flat
                    conn.execute(insert(snapshot_tasks), [
                        {"snapshot_id": snapshot_id, "task_id": r.task_id, "title": r.title,
                         "department": r.department, "owner": r.owner, "status": r.status, "due": r.due,
                         "percent": r.percent, "overdue": r.overdue}
                        for r in stored[start:start + _INSERT_CHUNK]])
        except SQLAlchemyError as exc:
            raise OutputError("history_store", url=_safe_url(self.url), reason=exc) from exc
        return snapshot_id

    # ------------------------------------------------------------ reading

    def list_snapshots(self) -> list[Snapshot]:
        """Every snapshot, oldest first, without its rows."""
        with self.engine.connect() as conn:
            found = conn.execute(select(snapshots).where(self._mine())
                                 .order_by(snapshots.c.as_of, snapshots.c.id)).all()
        return [Snapshot(r.id, r.as_of, r.taken_at_label, r.task_count) for r in found]

    def previous_snapshot(self, as_of: date, exclude_id: int | None = None,
                          only_id: int | None = None) -> Snapshot | None:
        """The latest snapshot of a date up to `as_of` (with its rows), or None: called before this
        run stores its own, it is the previous run."""
        query = select(snapshots).where(snapshots.c.as_of <= as_of, self._mine())
        if only_id is not None:
            query = query.where(snapshots.c.id == only_id)
        if exclude_id is not None:
            query = query.where(snapshots.c.id != exclude_id)
        query = query.order_by(snapshots.c.as_of.desc(), snapshots.c.id.desc()).limit(1)
        with self.engine.connect() as conn:
            found = conn.execute(query).first()
            if found is None:
                return None
            result = conn.execute(select(snapshot_tasks).where(snapshot_tasks.c.snapshot_id == found.id)
                                  .order_by(snapshot_tasks.c.id))
            # streamed, not .all(); the few departments, owners and statuses are shared strings
            rows = [SnapshotRow(r.task_id, r.title or "", intern(r.department or ""), intern(r.owner or ""),
                                intern(r.status or ""), r.due, r.percent, bool(r.overdue)) for r in result]
        return Snapshot(found.id, found.as_of, found.taken_at_label, found.task_count, rows)

    def snapshot_near(self, target: date, before: date) -> Snapshot | None:
        """The snapshot (with its rows) of a date strictly before `before` that is nearest to
        `target` (a week before the as-of date for week-over-week figures); on a tie the
        earlier one. None when there is none."""
        with self.engine.connect() as conn:
            found = conn.execute(select(snapshots.c.id, snapshots.c.as_of).where(
                snapshots.c.as_of < before, self._mine())).all()
        if not found:
            return None
        best = min(found, key=lambda r: (abs((r.as_of - target).days), r.as_of, -r.id))
        return self.previous_snapshot(best.as_of + timedelta(days=1), only_id=best.id)

    def first_due_dates(self, task_ids: Iterable[str]) -> dict[str, tuple[date, date]]:
        """Task ID -> (the first due date any snapshot recorded, the as-of date of that snapshot)."""
        wanted = set(task_ids)
        out: dict[str, tuple[date, date]] = {}
        if not wanted:
            return out
        query = (select(snapshot_tasks.c.task_id, snapshot_tasks.c.due, snapshots.c.as_of)
                 .join(snapshots, snapshots.c.id == snapshot_tasks.c.snapshot_id)
                 .where(snapshot_tasks.c.due.is_not(None), self._mine())
                 .order_by(snapshots.c.as_of, snapshots.c.id))
        with self.engine.connect() as conn:
            for task_id, due, as_of in conn.execute(query):
                if task_id in wanted and task_id not in out:
                    out[str(task_id)] = (due, as_of)  # type: ignore[assignment]  # SQLAlchemy rows are untyped
        return out

    def changes_between(self, old_rows: Iterable[SnapshotRow] | None, tasks: Sequence[TaskView],
                        as_of: date | None = None, workdays: Callable[[date, date], int] | None = None) -> list[Change]:
        return changes_between(old_rows, tasks, as_of, workdays)


def changes_between(old_rows: Iterable[SnapshotRow] | None, tasks: Sequence[TaskView],
                    as_of: date | None = None, workdays: Callable[[date, date], int] | None = None) -> list[Change]:
    """What changed from a snapshot's rows to the current tasks (no snapshot: no changes).

    `as_of` is accepted for symmetry with the pipeline; overdue comes from the tasks' flags.
    """
    if old_rows is None:
        return []
    old: dict[str, SnapshotRow] = {}
    for row in old_rows:
        old.setdefault(normalize_id(row.task_id), row)

    changes: list[Change] = []
    seen: set[str] = set()          # keys only: a 170 000-task run keeps no second copy of its rows
    for view in tasks:
        now = row_of(view)
        if not now.task_id:
            continue
        key = normalize_id(now.task_id)
        if key in seen:
            continue
        seen.add(key)
        was = old.get(key)
        base = (now.task_id, now.title, now.department)
        if was is None:
            changes.append(Change("new", *base, new=now.status))
            continue
        if now.status != was.status:
            kind = "completed" if now.status == "done" else "status"
            changes.append(Change(kind, *base, old=was.status, new=now.status))
        if was.due is not None and now.due is not None and now.due > was.due:
            changes.append(Change("slipped", *base, old=was.due.isoformat(), new=now.due.isoformat(),
                                  slip_days=(workdays(was.due + timedelta(days=1), now.due + timedelta(days=1))
                                             if workdays else (now.due - was.due).days)))
        if now.overdue and not was.overdue:
            changes.append(Change("newly_overdue", *base, old=was.due.isoformat() if was.due else "",
                                  new=now.due.isoformat() if now.due else "", days_late=view.flags.days_late))
        if now.owner != was.owner:
            changes.append(Change("owner", *base, old=was.owner, new=now.owner))
    for key, was in old.items():
        if key not in seen:
            changes.append(Change("removed", was.task_id, was.title, was.department, old=was.status))
    order = {"new": 0, "completed": 1, "slipped": 2, "newly_overdue": 3, "status": 4, "owner": 5, "removed": 6}
    return sorted(changes, key=lambda c: order.get(c.kind, 9))   # stable: task order within a kind


def _safe_url(url: str) -> str:
    """The URL without a password, for messages."""
    try:
        from sqlalchemy.engine import make_url
        return make_url(url).render_as_string(hide_password=True)
    except Exception:   # noqa: BLE001
        return "the configured URL"


def _sqlite_file(url: str) -> Path | None:
    """The file of a SQLite URL (None for other databases and in-memory ones)."""
    try:
        from sqlalchemy.engine import make_url
        parsed = make_url(url)
    except Exception:   # noqa: BLE001
        return None
    if not parsed.drivername.startswith("sqlite") or not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database)
