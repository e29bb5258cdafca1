"""What `toolkit status` shows: each job's last run, its result and its next run; the drop folder."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from ..config import Settings
from .inbox import STAGING, candidates, inbox_folder
from .ledger import JobRun, Ledger
from .scheduler import ledger_url, log_path, next_runs

STATUS_JOBS = ("nightly", "weekly", "inbox")


@dataclass(frozen=True)
class JobStatus:
    job: str
    last: JobRun | None
    next: datetime | None          # None: runs when files arrive (the drop folder)


@dataclass(frozen=True)
class InboxStatus:
    inbox: Path
    accepted: int
    rejected: int
    duplicates: int
    waiting: int                   # files in the inbox (or half-done in .processing/) not yet taken
    pending: int                   # accepted, not yet in the master


@dataclass(frozen=True)
class Status:
    jobs: tuple[JobStatus, ...]
    inbox: InboxStatus
    log: Path


def job_status(settings: Settings, now: datetime) -> Status:
    upcoming = next_runs(settings, now)
    with Ledger(ledger_url(settings)) as ledger:
        last = ledger.last_runs()
        entries = ledger.entries()
    jobs = tuple(JobStatus(job, last.get(job), upcoming.get(job)) for job in STATUS_JOBS)
    folder = inbox_folder(settings)
    staged = folder / STAGING
    waiting = len(candidates(folder)) + (sum(1 for _ in staged.glob("*/*")) if staged.is_dir() else 0)
    inbox = InboxStatus(folder, sum(e.status == "accepted" for e in entries), sum(e.status == "rejected" for e in entries),
                        sum(e.duplicates for e in entries), waiting,
                        sum(e.status == "accepted" and not e.consolidated for e in entries))
    return Status(jobs, inbox, log_path(settings))
