"""The nightly job: consolidation every night, the weekly report on its day, emailed.

    nightly(ctx) / weekly(ctx)          the jobs: one pipeline call each (+ the email)
    JobRunner.run(name, job)            one run: the job lock, a row in `job_runs`, the log, never raises
    build_schedule(settings, runner)    a `schedule.Scheduler` with both jobs at the configured times
    run_schedule(settings, lang, stop)  the loop of `toolkit schedule`: catches up a missed night
                                        on start, runs what is due, stops after the current job
                                        when `stop` is set (SIGTERM)

Two runs never overlap: every job holds the job lock of the output folder (`.toolkit-job.lock`,
the run lock of `toolkit.outputs.safe_output`), so `toolkit run-nightly` from cron, `toolkit
schedule` and the drop folder's consolidation wait for each other; the consolidation inside
holds the master's own lock as well. A job's exception is logged with its traceback in the log
file (`toolkit-jobs.log` in the output folder, rotating) and recorded as failed; the loop goes on.
"""
from __future__ import annotations

import logging
import logging.handlers
import os
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

import schedule as schedule_lib

from .. import pipeline
from ..config import Settings
from ..config_jobs import WEEKDAYS
from ..errors import ToolkitError
from ..i18n import text
from ..outputs.safe_output import run_lock
from .ledger import Ledger

log = logging.getLogger("toolkit.jobs")

LOG_NAME = "toolkit-jobs.log"
JOB_LOCK = ".toolkit-job.lock"
JOBS = ("nightly", "weekly")
JOB_LOCK_WAIT = 3 * 3600.0     # a job waits this long for another one to finish


# ------------------------------------------------------------------ where things are

def output_folder(settings: Settings) -> Path:
    return settings.resolve(settings.paths.output)


def ledger_url(settings: Settings) -> str:
    """The history database: the job records live beside the snapshots."""
    return pipeline.history_url(settings, pipeline.master_path(settings))


def log_path(settings: Settings) -> Path:
    return output_folder(settings) / LOG_NAME


def setup_logging(settings: Settings, *, also: logging.Handler | None = None) -> Path:
    """The rotating log file of the jobs (`toolkit-jobs.log` in the output folder)."""
    path = log_path(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    root = logging.getLogger("toolkit")
    for handler in list(root.handlers):
        if getattr(handler, "_toolkit_jobs", False):
            root.removeHandler(handler)
            handler.close()
    handler = logging.handlers.RotatingFileHandler(path, maxBytes=settings.schedule.log_max_kb * 1024,
                                                   backupCount=settings.schedule.log_keep, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(process)d %(levelname)s %(name)s: %(message)s"))
    handler._toolkit_jobs = True   # type: ignore[attr-defined]
    root.addHandler(handler)
    if also is not None:
        also._toolkit_jobs = True  # type: ignore[attr-defined]
        root.addHandler(also)
    root.setLevel(logging.INFO)
    return path


# ------------------------------------------------------------------ the jobs

@dataclass(frozen=True)
class JobContext:
    """What a job gets: the settings, language, day and time (read by the caller), environment."""

    settings: Settings
    lang: str
    now: datetime
    env: Mapping[str, str] = field(default_factory=dict)

    @property
    def as_of(self) -> date:
        return self.now.date()

    @property
    def stamp(self) -> str:
        return self.now.strftime("%Y-%m-%d %H%M%S")


@dataclass(frozen=True)
class JobOutcome:
    result: str          # ok, findings (the inputs have errors; the master is written), failed
    message: str
    exit_code: int = 0


Job = Callable[[JobContext], JobOutcome]


def nightly(ctx: JobContext) -> JobOutcome:
    """The nightly consolidation of `paths.inputs` into the master."""
    run = pipeline.run_consolidation(None, ctx.settings, ctx.as_of, stamp=ctx.stamp, lang=ctx.lang,
                                     lock_timeout=JOB_LOCK_WAIT)
    report = run.findings
    message = text("job.msg.nightly", ctx.lang, master=run.master, errors=report.error_count,
                   warnings=report.warning_count, files=len(report.files))
    if run.conflict:
        message += "; " + text("job.msg.conflict", ctx.lang, master=run.master)
    return JobOutcome("findings" if report.error_count else "ok", message, 1 if report.error_count else 0)


def weekly(ctx: JobContext) -> JobOutcome:
    """The weekly Word report (consolidating first), emailed to the `[email]` recipients once per
    week (the sent log holds back a second send of the same week); its PDF too with
    `schedule.weekly_report_pdf`."""
    outcome = pipeline.run_weekly_report(ctx.settings, ctx.as_of, stamp=ctx.stamp, lang=ctx.lang,
                                         pdf=ctx.settings.schedule.weekly_report_pdf)
    sent = pipeline.email_report(outcome, "weekly", ctx.settings, ctx.lang, env=ctx.env, now=ctx.now.astimezone())
    files = [outcome.docx] + ([outcome.pdf] if outcome.pdf else [])
    errors = outcome.run.findings.error_count
    status = sent.status if sent.status in ("sent", "outbox", "skipped") else "sent"
    message = text(f"job.msg.weekly.{status}", ctx.lang, files=", ".join(p.name for p in files),
                   folder=sent.path.parent if getattr(sent, "path", None) else "")
    return JobOutcome("findings" if errors else "ok", message, 1 if errors else 0)


JOB_FUNCTIONS: dict[str, Job] = {"nightly": nightly, "weekly": weekly}


# ------------------------------------------------------------------ running one job

class JobRunner:
    """Runs jobs one at a time under the job lock, records each in `job_runs`, logs it; never raises."""

    def __init__(self, settings: Settings, lang: str, *, env: Mapping[str, str] | None = None,
                 now: Callable[[], datetime] = datetime.now, lock_wait: float = JOB_LOCK_WAIT):
        self.settings, self.lang = settings, lang
        self.env = dict(os.environ if env is None else env)
        self.now = now
        self.lock_wait = lock_wait
        self.running = threading.Event()

    def run(self, name: str, job: Job | None = None) -> JobOutcome:
        job = job or JOB_FUNCTIONS[name]
        folder = output_folder(self.settings)
        self.running.set()
        try:
            folder.mkdir(parents=True, exist_ok=True)
            with run_lock(folder, timeout=self.lock_wait, name=JOB_LOCK):
                return self._run_locked(name, job)
        except ToolkitError as exc:            # the lock was not had, the folder cannot be made
            log.error("%s: %s", name, exc.message("en"))
            return JobOutcome("failed", exc.message(self.lang), exc.exit_code)
        except OSError as exc:
            log.error("%s: %s", name, exc)
            return JobOutcome("failed", str(exc), 3)
        finally:
            self.running.clear()

    def _run_locked(self, name: str, job: Job) -> JobOutcome:
        started = self.now()
        with Ledger(ledger_url(self.settings)) as ledger:
            run_id = ledger.start_job(name, started)
            log.info("%s: started", name)
            ctx = JobContext(self.settings, self.lang, started, self.env)
            try:
                outcome = job(ctx)
            except ToolkitError as exc:
                outcome = JobOutcome("failed", exc.message(self.lang), exc.exit_code)
                log.error("%s: failed: %s", name, exc.message("en"))
            except Exception as exc:  # noqa: BLE001 - one job's bug must not stop the next night
                log.exception("%s: failed with an unexpected error", name)
                outcome = JobOutcome("failed", text("job.msg.exception", self.lang, error=f"{type(exc).__name__}: {exc}",
                                                    log=log_path(self.settings)), 3)
            else:
                log.info("%s: %s: %s", name, outcome.result, outcome.message)
            ledger.finish_job(run_id, self.now(), outcome.result, outcome.message)
        return outcome


# ------------------------------------------------------------------ when

def _at(day: date, hhmm: str) -> datetime:
    parts = [int(p) for p in hhmm.split(":")]
    return datetime(day.year, day.month, day.day, parts[0], parts[1], parts[2] if len(parts) > 2 else 0)


def last_scheduled(settings: Settings, now: datetime) -> datetime:
    """The latest nightly time at or before `now`."""
    today = _at(now.date(), settings.schedule.consolidate_at)
    return today if today <= now else today - timedelta(days=1)


def last_weekly_scheduled(settings: Settings, now: datetime) -> datetime:
    """The latest weekly-report time at or before `now`."""
    weekday = WEEKDAYS.index(settings.schedule.weekly_report_day)
    at = _at(now.date() - timedelta(days=(now.weekday() - weekday) % 7), settings.schedule.weekly_report_at)
    return at if at <= now else at - timedelta(days=7)


def missed_week(settings: Settings, now: datetime, last_done: datetime | None) -> bool:
    """True when the weekly report ran before (so this is not a first start) but not since its
    last scheduled time: the machine was off, or the job failed."""
    return last_done is not None and last_done < last_weekly_scheduled(settings, now)


def next_runs(settings: Settings, now: datetime) -> dict[str, datetime]:
    """When each job runs next after `now`."""
    nightly_at = _at(now.date(), settings.schedule.consolidate_at)
    if nightly_at <= now:
        nightly_at += timedelta(days=1)
    weekday = WEEKDAYS.index(settings.schedule.weekly_report_day)
    weekly_at = _at(now.date() + timedelta(days=(weekday - now.weekday()) % 7), settings.schedule.weekly_report_at)
    if weekly_at <= now:
        weekly_at += timedelta(days=7)
    return {"nightly": nightly_at, "weekly": weekly_at}


def missed_night(settings: Settings, now: datetime, last_done: datetime | None) -> bool:
    """True when the last nightly consolidation that got done is older than the last nightly time."""
    return last_done is None or last_done < last_scheduled(settings, now)


def _last_done(job: str, settings: Settings) -> datetime | None:
    with Ledger(ledger_url(settings)) as ledger:
        run = ledger.last_completed(job)
    return run.started if run else None


def last_nightly_done(settings: Settings) -> datetime | None:
    """When a consolidation last got done: the latest nightly job run or history snapshot."""
    from ..history import History

    url = ledger_url(settings)
    with Ledger(url) as ledger:
        run = ledger.last_completed("nightly")
    latest = run.started if run else None
    with History(url) as history:
        for snap in history.list_snapshots()[-1:]:
            try:
                taken = datetime.strptime(snap.label, "%Y-%m-%d %H%M%S")
            except ValueError:
                continue
            latest = max(latest, taken) if latest else taken
    return latest


# ------------------------------------------------------------------ the loop

def build_schedule(settings: Settings, runner: JobRunner,
                   jobs: Mapping[str, Job] | None = None) -> schedule_lib.Scheduler:
    jobs = jobs or JOB_FUNCTIONS
    scheduler = schedule_lib.Scheduler()
    cfg = settings.schedule
    scheduler.every().day.at(cfg.consolidate_at).do(runner.run, "nightly", jobs["nightly"]).tag("nightly")
    getattr(scheduler.every(), cfg.weekly_report_day).at(cfg.weekly_report_at).do(
        runner.run, "weekly", jobs["weekly"]).tag("weekly")
    return scheduler


def run_schedule(settings: Settings, lang: str, stop: threading.Event, *, runner: JobRunner | None = None,
                 jobs: Mapping[str, Job] | None = None, tick: float = 1.0,
                 on_ready: Callable[[], None] | None = None, max_seconds: float | None = None) -> None:
    """Run the schedule until `stop` is set (checked between jobs, so the current one finishes).

    `max_seconds` bounds the loop (tests).
    """
    runner = runner or JobRunner(settings, lang)
    jobs = jobs or JOB_FUNCTIONS
    scheduler = build_schedule(settings, runner, jobs)
    log.info("schedule started: nightly at %s, weekly on %s at %s", settings.schedule.consolidate_at,
             settings.schedule.weekly_report_day, settings.schedule.weekly_report_at)
    if settings.schedule.catch_up and missed_night(settings, runner.now(), last_nightly_done(settings)):
        log.info("nightly: the run of %s was missed; catching up", last_scheduled(settings, runner.now()))
        runner.run("nightly", jobs["nightly"])
    if settings.schedule.catch_up and missed_week(settings, runner.now(), _last_done("weekly", settings)):
        log.info("weekly: the report of %s was missed; catching up", last_weekly_scheduled(settings, runner.now()))
        runner.run("weekly", jobs["weekly"])
    if on_ready:
        on_ready()
    deadline = time.monotonic() + max_seconds if max_seconds else None
    while not stop.is_set():
        if deadline is not None and time.monotonic() >= deadline:
            break
        scheduler.run_pending()
        idle = scheduler.idle_seconds
        stop.wait(max(0.05, min(tick, idle if idle is not None else tick)))
    log.info("schedule stopped")
