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
  first occurrence counts in comparisons (the validator reports the duplicate); a snapshot keeps
  every task with an ID, a repeated ID included.
- A snapshot's tasks are stored as **one compressed blob** (`snapshot_blobs`: the eight fields
  of `SnapshotRow` as JSON columns, zlib-compressed, about 1 MB for 100 000 tasks) belonging to
  its `snapshots` row (which carries the series), instead of a row per task: storing, loading
  and comparing 100 000 tasks takes a fraction of a second instead of seconds, in SQLite and
  PostgreSQL alike (issue 7). Databases written before keep working: their rows in
  `snapshot_tasks` are moved into blobs the first time the database is opened.
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

import json
import os
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import compress
from operator import ne
from datetime import date, timedelta
from pathlib import Path
from sys import intern
from typing import Any, overload

from sqlalchemy import (Boolean, Column, Date, Float, ForeignKey, Integer, LargeBinary, MetaData, String, Table,
                        Text, create_engine, delete, insert, inspect, select, text, true, update)
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from .errors import OutputError
from .ids import normalize_id
from .results import Change, TaskView

metadata = MetaData()

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

# one blob per snapshot: its tasks as columns (see `encode_columns`); the snapshot row holds the series
snapshot_blobs = Table(
    "snapshot_blobs", metadata,
    Column("snapshot_id", Integer, ForeignKey("snapshots.id", ondelete="CASCADE"), primary_key=True),
    Column("codec", String(32), nullable=False),
    Column("data", LargeBinary, nullable=False),
)

CODEC = "json-columns+zlib/1"
FIELDS = ("task_id", "title", "department", "owner", "status", "due", "percent", "overdue")
_SHARED = ("department", "owner", "status")     # few distinct values: interned when loaded


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


class SnapshotRows(Sequence[SnapshotRow]):
    """A snapshot's tasks held as columns (what the blob stores), every row kept (a repeated ID
    too); `SnapshotRow`s are made when asked for."""

    def __init__(self, columns: dict[str, list[Any]]):
        self.columns = columns

    @classmethod
    def of(cls, rows: Iterable[SnapshotRow]) -> SnapshotRows:
        if isinstance(rows, SnapshotRows):
            return rows
        columns: dict[str, list[Any]] = {name: [] for name in FIELDS}
        for row in rows:
            for name in FIELDS:
                columns[name].append(getattr(row, name))
        return cls(columns)

    def __len__(self) -> int:
        return len(self.columns["task_id"])

    @overload
    def __getitem__(self, index: int) -> SnapshotRow: ...
    @overload
    def __getitem__(self, index: slice) -> list[SnapshotRow]: ...

    def __getitem__(self, index: int | slice) -> SnapshotRow | list[SnapshotRow]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        return SnapshotRow(*(self.columns[name][index] for name in FIELDS))

    def __iter__(self) -> Iterator[SnapshotRow]:
        return (SnapshotRow(*values) for values in zip(*(self.columns[name] for name in FIELDS)))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, SnapshotRows):
            return self.columns == other.columns
        return isinstance(other, Sequence) and list(self) == list(other)

    __hash__ = None  # type: ignore[assignment]   # mutable, compared by value


_ENCODE_CHUNK = 10_000       # values per piece of JSON: the text of 170 000 tasks is never whole in memory


def encode_columns(columns: dict[str, list[Any]]) -> bytes:
    """The blob of a snapshot: JSON columns (dates as ordinals), zlib-compressed; written and
    compressed a piece at a time, so memory stays flat (issue 8, item 9: 170 000 rows)."""
    packer = zlib.compressobj(1)      # level 1: a quarter of level 6's time, a third bigger (1.1 MB for 100 000 tasks)
    out: list[bytes] = []

    def feed(piece: str) -> None:
        out.append(packer.compress(piece.encode("utf-8")))

    feed("{")
    for n, name in enumerate(FIELDS):
        values = columns[name]
        feed(("," if n else "") + json.dumps(name) + ":[")
        for start in range(0, len(values), _ENCODE_CHUNK):
            chunk = values[start:start + _ENCODE_CHUNK]
            if name == "due":
                chunk = [d.toordinal() if d is not None else None for d in chunk]
            feed(("," if start else "") + json.dumps(chunk, ensure_ascii=False, separators=(",", ":"))[1:-1])
        feed("]")
    feed("}")
    out.append(packer.flush())
    return b"".join(out)


def decode_columns(data: bytes) -> dict[str, list[Any]]:
    columns = json.loads(zlib.decompress(data).decode("utf-8"))
    dues = columns["due"]
    day_of = {d: date.fromordinal(d) for d in set(dues) if d is not None}    # a few hundred dates
    columns["due"] = list(map(day_of.get, dues))                               # None stays None
    columns["overdue"] = list(map(bool, columns["overdue"]))
    for name in _SHARED:     # the few departments, owners and statuses are shared strings
        columns[name] = list(map(intern, columns[name]))
    return {name: columns[name] for name in FIELDS}


@dataclass
class Snapshot:
    id: int
    as_of: date
    label: str
    task_count: int
    rows: Sequence[SnapshotRow] = field(default_factory=list)


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


def columns_of(tasks: Sequence[TaskView]) -> dict[str, list[Any]]:
    """`row_of` of every task with an ID (a repeated ID included), as columns; plus `days_late`
    (for the changes only, not stored). Built a column at a time: a value met again (the few
    departments, owners and statuses) is cleaned once."""
    values = [view.record.values for view in tasks]
    ids = _texts([v.get("id") for v in values])
    kept = [j for j, task_id in enumerate(ids) if task_id]
    if len(kept) < len(ids):
        tasks, values, ids = [tasks[j] for j in kept], [values[j] for j in kept], [ids[j] for j in kept]
    flags = [view.flags for view in tasks]
    dues = [v.get("due") for v in values]
    percents = [v.get("percent") for v in values]
    return {
        "task_id": ids,
        "title": _texts([v.get("title") for v in values]),
        "department": _texts([v.get("department") or view.record.department for v, view in zip(values, tasks)],
                             shared=True),
        "owner": _texts([v.get("owner") for v in values], shared=True),
        "status": _texts([v.get("status") for v in values], shared=True),
        "due": [d if isinstance(d, date) else None for d in dues],
        "percent": [float(x) if isinstance(x, (int, float)) else None for x in percents],
        "overdue": [bool(f.overdue) for f in flags],
        "days_late": [f.days_late for f in flags],
    }


_STR_OR_NONE = frozenset({str, type(None)})


def _texts(column: list[Any], shared: bool = False) -> list[str]:
    """`_text` of each value; with `shared`, each distinct value is cleaned once."""
    if shared and set(map(type, column)) <= _STR_OR_NONE:      # (1, 1.0 and True would share a key)
        cleaned = {value: _text(value) for value in set(column)}
        return list(map(cleaned.__getitem__, column))
    return [value.strip() if type(value) is str else _text(value) for value in column]


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
        self._columns: tuple[Sequence[TaskView], dict[str, list[Any]], int] | None = None
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
            self._migrate_rows_to_blobs()
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

    def _migrate_rows_to_blobs(self) -> None:
        """Snapshots stored a row per task (before blobs) become one blob each, once."""
        with self.engine.connect() as conn:
            if conn.execute(select(snapshot_tasks.c.id).limit(1)).first() is None:
                return
        with self.engine.begin() as conn:
            ids: list[Any] = [i for (i,) in conn.execute(select(snapshot_tasks.c.snapshot_id).distinct())]
            for snapshot_id in ids:
                has_blob = conn.execute(select(snapshot_blobs.c.snapshot_id)
                                        .where(snapshot_blobs.c.snapshot_id == snapshot_id)).first()
                if has_blob is None:
                    rows = SnapshotRows.of(self._legacy_rows(conn, snapshot_id))
                    conn.execute(insert(snapshot_blobs).values(snapshot_id=snapshot_id, codec=CODEC,
                                                               data=encode_columns(rows.columns)))
                conn.execute(delete(snapshot_tasks).where(snapshot_tasks.c.snapshot_id == snapshot_id))

    @staticmethod
    def _legacy_rows(conn: Any, snapshot_id: Any) -> list[SnapshotRow]:
        result = conn.execute(select(snapshot_tasks).where(snapshot_tasks.c.snapshot_id == snapshot_id)
                              .order_by(snapshot_tasks.c.id))
        return [SnapshotRow(r.task_id, r.title or "", intern(r.department or ""), intern(r.owner or ""),
                            intern(r.status or ""), r.due, r.percent, bool(r.overdue)) for r in result]

    def _rows(self, conn: Any, snapshot_id: Any) -> SnapshotRows:
        """A snapshot's rows: its blob, or its rows of before blobs."""
        blob = conn.execute(select(snapshot_blobs).where(snapshot_blobs.c.snapshot_id == snapshot_id)).first()
        if blob is not None and blob.codec == CODEC:
            return SnapshotRows(decode_columns(blob.data))
        return SnapshotRows.of(self._legacy_rows(conn, snapshot_id))

    def _columns_of(self, tasks: Sequence[TaskView]) -> dict[str, list[Any]]:
        """`columns_of(tasks)`, computed once for the compare and the store of one run."""
        if self._columns is None or self._columns[0] is not tasks or len(tasks) != self._columns[2]:
            self._columns = (tasks, columns_of(tasks), len(tasks))
        return self._columns[1]

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
                    result = conn.execute(insert(snapshots).values(as_of=date(1900, 1, 1), taken_at_label="probe",
                                                                   task_count=0, series=self.series))
                    assert result.inserted_primary_key is not None
                    conn.execute(insert(snapshot_blobs).values(snapshot_id=int(result.inserted_primary_key[0]),
                                                               codec=CODEC, data=b""))
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
        blob = encode_columns(self._columns_of(tasks))
        try:
            with self.engine.begin() as conn:
                old_ids = [i for (i,) in conn.execute(select(snapshots.c.id).where(
                    snapshots.c.as_of == as_of, snapshots.c.series == self.series))]
                if old_ids:
                    conn.execute(delete(snapshot_tasks).where(snapshot_tasks.c.snapshot_id.in_(old_ids)))
                    conn.execute(delete(snapshot_blobs).where(snapshot_blobs.c.snapshot_id.in_(old_ids)))
                    conn.execute(delete(snapshots).where(snapshots.c.id.in_(old_ids)))
                result = conn.execute(insert(snapshots).values(as_of=as_of, taken_at_label=label or "",
                                                               task_count=len(tasks), series=self.series))
                assert result.inserted_primary_key is not None
                snapshot_id = int(result.inserted_primary_key[0])
                conn.execute(insert(snapshot_blobs).values(snapshot_id=snapshot_id, codec=CODEC, data=blob))
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
            rows = self._rows(conn, found.id)
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
        with self.engine.connect() as conn:
            found = conn.execute(select(snapshots.c.id, snapshots.c.as_of).where(self._mine())
                                 .order_by(snapshots.c.as_of, snapshots.c.id)).all()
            for snapshot_id, as_of in found:
                columns = self._rows(conn, snapshot_id).columns
                for task_id, due in zip(columns["task_id"], columns["due"]):
                    if due is not None and task_id in wanted and task_id not in out:
                        out[str(task_id)] = (due, as_of)  # type: ignore[assignment]  # SQLAlchemy rows are untyped
                if len(out) == len(wanted):
                    break
        return out

    def changes_between(self, old_rows: Iterable[SnapshotRow] | None, tasks: Sequence[TaskView],
                        as_of: date | None = None, workdays: Callable[[date, date], int] | None = None) -> list[Change]:
        if old_rows is None:
            return []
        return compare_columns(SnapshotRows.of(old_rows).columns, self._columns_of(tasks), workdays)


def changes_between(old_rows: Iterable[SnapshotRow] | None, tasks: Sequence[TaskView],
                    as_of: date | None = None, workdays: Callable[[date, date], int] | None = None) -> list[Change]:
    """What changed from a snapshot's rows to the current tasks (no snapshot: no changes).

    `as_of` is accepted for symmetry with the pipeline; overdue comes from the tasks' flags.
    """
    if old_rows is None:
        return []
    return compare_columns(SnapshotRows.of(old_rows).columns, columns_of(tasks), workdays)


_KIND_ORDER = {"new": 0, "completed": 1, "slipped": 2, "newly_overdue": 3, "status": 4, "owner": 5, "removed": 6}


def compare_columns(old: dict[str, list[Any]], new: dict[str, list[Any]],
                    workdays: Callable[[date, date], int] | None = None) -> list[Change]:
    """The changes from one snapshot's columns to the current tasks' (`columns_of`). Tasks are
    matched by `normalize_id`; on each side the first row of a normalised ID counts."""
    if old["task_id"] == new["task_id"]:
        same = _compare_same_rows(old, new, workdays)
        if same is not None:
            return same
    old_at: dict[str, int] = {}
    for index, old_id in enumerate(old["task_id"]):
        old_at.setdefault(normalize_id(old_id), index)
    o_status, o_due, o_overdue, o_owner = old["status"], old["due"], old["overdue"], old["owner"]
    changes: list[Change] = []
    seen: set[str] = set()          # keys only: a 170 000-task run keeps no second copy of its rows
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
        elif status != o_status[i] or due != o_due[i] or overdue != o_overdue[i] or owner != o_owner[i]:
            _row_changes(changes, task_id, title, dept, status, due, overdue, owner, late,
                         o_status[i], o_due[i], o_overdue[i], o_owner[i], workdays)
    for key, i in old_at.items():
        if key not in seen:
            changes.append(Change("removed", old["task_id"][i], old["title"][i], old["department"][i],
                                  old=o_status[i]))
    return sorted(changes, key=lambda c: _KIND_ORDER.get(c.kind, 9))   # stable: task order within a kind


def _compare_same_rows(old: dict[str, list[Any]], new: dict[str, list[Any]],
                       workdays: Callable[[date, date], int] | None) -> list[Change] | None:
    """`compare_columns` when both sides list the same IDs in the same order (a run on unchanged
    inputs): each row's old row is itself, so the rows that changed are found a column at a time
    at C speed (`map(ne, …)`), and only those are looked at. None when an ID repeats."""
    ids = new["task_id"]
    n = len(ids)
    if len(set(map(normalize_id, ids))) < n:
        return None
    looked: set[int] = set()
    for name in ("status", "due", "overdue", "owner"):
        looked.update(compress(range(n), map(ne, new[name], old[name])))
    changes: list[Change] = []
    late_l = new.get("days_late") or [None] * n
    for i in sorted(looked):
        _row_changes(changes, ids[i], new["title"][i], new["department"][i], new["status"][i], new["due"][i],
                     new["overdue"][i], new["owner"][i], late_l[i], old["status"][i], old["due"][i],
                     old["overdue"][i], old["owner"][i], workdays)
    return sorted(changes, key=lambda c: _KIND_ORDER.get(c.kind, 9))


def _row_changes(changes: list[Change], task_id: str, title: str, dept: str, status: Any, due: Any, overdue: Any,
                 owner: Any, late: Any, was_status: Any, was_due: Any, was_overdue: Any, was_owner: Any,
                 workdays: Callable[[date, date], int] | None) -> None:
    """The changes of one task found in both snapshots (none unless one of the four differs)."""
    if status != was_status:
        kind = "completed" if status == "done" else "status"
        changes.append(Change(kind, task_id, title, dept, old=was_status, new=status))
    if was_due is not None and due is not None and due > was_due:
        one_day = timedelta(days=1)
        changes.append(Change("slipped", task_id, title, dept, old=was_due.isoformat(), new=due.isoformat(),
                              slip_days=(workdays(was_due + one_day, due + one_day) if workdays
                                         else (due - was_due).days)))
    if overdue and not was_overdue:
        changes.append(Change("newly_overdue", task_id, title, dept, old=was_due.isoformat() if was_due else "",
                              new=due.isoformat() if due else "", days_late=late))
    if owner != was_owner:
        changes.append(Change("owner", task_id, title, dept, old=was_owner, new=owner))


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
