"""What the unattended jobs did, kept in the history database (SQLAlchemy 2 Core).

Two tables beside the snapshots, created on first use:

- `job_runs`: one row per job run (job, started, finished, result, message). `toolkit status`
  shows the last of each job; the scheduler finds a missed night from it.
- `inbox_files`: one row per distinct content (sha256) that came through the drop folder, with
  what became of it (accepted / rejected), where it went and whether the master has taken it
  in yet. The row is the commit point of a dropped file: written once, after the file's effects
  are in place, so a file is processed exactly once across restarts and the same content
  dropped again is recognised as a duplicate.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import (Boolean, Column, DateTime, Integer, MetaData, String, Table, Text, create_engine, func,
                        insert, select, update)
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from ..errors import OutputError

metadata = MetaData()

job_runs = Table(
    "job_runs", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("job", String(32), nullable=False, index=True),
    Column("started", DateTime, nullable=False),
    Column("finished", DateTime),
    Column("result", String(16), nullable=False, default="running"),   # running, ok, findings, failed
    Column("message", Text, nullable=False, default=""),
)

inbox_files = Table(
    "inbox_files", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("sha256", String(64), nullable=False, unique=True),
    Column("name", Text, nullable=False),                 # the file name it was dropped under
    Column("department", Text, nullable=False, default=""),
    Column("status", String(16), nullable=False),         # accepted, rejected
    Column("reason", Text, nullable=False, default=""),
    Column("target", Text, nullable=False, default=""),   # the input it replaced, or its rejected/ folder
    Column("processed", DateTime, nullable=False),
    Column("consolidated", Boolean, nullable=False, default=False),
    Column("notice", String(16), nullable=False, default=""),   # "", pending, sent, failed
    Column("duplicates", Integer, nullable=False, default=0),   # the same content dropped again
)


@dataclass(frozen=True)
class JobRun:
    id: int
    job: str
    started: datetime
    finished: datetime | None
    result: str
    message: str


@dataclass(frozen=True)
class InboxEntry:
    sha256: str
    name: str
    department: str
    status: str
    reason: str
    target: str
    processed: datetime
    consolidated: bool
    notice: str
    duplicates: int


class Ledger:
    """The job and drop-folder records in the database at `url` (the history database)."""

    def __init__(self, url: str):
        self.url = url
        try:
            self.engine: Engine = create_engine(url)
            metadata.create_all(self.engine)
        except SQLAlchemyError as exc:
            raise OutputError("history_open", url=url, reason=exc) from exc

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------ job runs

    def start_job(self, job: str, started: datetime) -> int:
        with self.engine.begin() as conn:
            result = conn.execute(insert(job_runs).values(job=job, started=started, result="running", message=""))
            key = result.inserted_primary_key
            assert key is not None
            return int(key[0])

    def finish_job(self, run_id: int, finished: datetime, result: str, message: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(update(job_runs).where(job_runs.c.id == run_id)
                         .values(finished=finished, result=result, message=message[:4000]))

    def last_runs(self) -> dict[str, JobRun]:
        """The latest run of each job."""
        latest = select(job_runs.c.job, func.max(job_runs.c.id).label("id")).group_by(job_runs.c.job).subquery()
        with self.engine.connect() as conn:
            rows = conn.execute(select(job_runs).join(latest, job_runs.c.id == latest.c.id)).all()
        return {r.job: _job_run(r) for r in rows}

    def last_completed(self, job: str) -> JobRun | None:
        """The latest run of `job` that got to the end (ok or with findings in the inputs)."""
        query = (select(job_runs).where(job_runs.c.job == job, job_runs.c.result.in_(("ok", "findings")))
                 .order_by(job_runs.c.started.desc(), job_runs.c.id.desc()).limit(1))
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
        return _job_run(row) if row is not None else None

    def runs(self, job: str | None = None) -> list[JobRun]:
        query = select(job_runs).order_by(job_runs.c.id)
        if job:
            query = query.where(job_runs.c.job == job)
        with self.engine.connect() as conn:
            return [_job_run(r) for r in conn.execute(query).all()]

    # ------------------------------------------------------------ the drop folder

    def lookup(self, sha256: str) -> InboxEntry | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(inbox_files).where(inbox_files.c.sha256 == sha256)).first()
        return _entry(row) if row is not None else None

    def record(self, entry: InboxEntry) -> bool:
        """Write the outcome of one content; False when it was already there (then nothing changes)."""
        values = {k: getattr(entry, k) for k in ("sha256", "name", "department", "status", "reason", "target",
                                                 "processed", "consolidated", "notice", "duplicates")}
        try:
            with self.engine.begin() as conn:
                conn.execute(insert(inbox_files).values(**values))
        except IntegrityError:
            return False
        return True

    def count_duplicate(self, sha256: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(update(inbox_files).where(inbox_files.c.sha256 == sha256)
                         .values(duplicates=inbox_files.c.duplicates + 1))

    def set_notice(self, sha256: str, notice: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(update(inbox_files).where(inbox_files.c.sha256 == sha256).values(notice=notice))

    def entries(self, *, status: str | None = None, consolidated: bool | None = None,
                notice: str | None = None) -> list[InboxEntry]:
        query = select(inbox_files).order_by(inbox_files.c.id)
        if status is not None:
            query = query.where(inbox_files.c.status == status)
        if consolidated is not None:
            query = query.where(inbox_files.c.consolidated == consolidated)
        if notice is not None:
            query = query.where(inbox_files.c.notice == notice)
        with self.engine.connect() as conn:
            return [_entry(r) for r in conn.execute(query).all()]

    def mark_consolidated(self, shas: Sequence[str]) -> None:
        if not shas:
            return
        with self.engine.begin() as conn:
            conn.execute(update(inbox_files).where(inbox_files.c.sha256.in_(list(shas))).values(consolidated=True))


def _job_run(row) -> JobRun:
    return JobRun(row.id, row.job, row.started, row.finished, row.result, row.message or "")


def _entry(row) -> InboxEntry:
    return InboxEntry(row.sha256, row.name, row.department or "", row.status, row.reason or "", row.target or "",
                      row.processed, bool(row.consolidated), row.notice or "", int(row.duplicates or 0))
