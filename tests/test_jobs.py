"""The unattended ways in, with the real file system, watchdog, clock, subprocesses and an
SMTP server (aiosmtpd on 127.0.0.1): the drop folder and the nightly job."""
from __future__ import annotations

import configparser
import hashlib
import re
import shlex
import subprocess
import threading
import time
import xml.etree.ElementTree as ET
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from conftest import REPO, sha256
from jobs_helpers import department_bytes, drop, ledger_of, stop, toolkit, wait_for, workspace
from smtp_server import SmtpServer
from toolkit.cli import app
from toolkit.config import load_settings
from toolkit.errors import ConfigError
from toolkit.jobs.inbox import (InputCache, Settling, consolidate_accepted, is_skipped, pending_consolidation,
                                process_inbox)
from toolkit.jobs.scheduler import (JobOutcome, JobRunner, last_scheduled, last_weekly_scheduled, missed_night,
                                    missed_week, next_runs, run_schedule, setup_logging)
from toolkit.jobs.watcher import Watcher, is_network_path

pytestmark = pytest.mark.timeout(60)
runner = CliRunner()
NOW = datetime(2026, 11, 24, 9, 30)
FAST = {"stable_seconds": 0, "debounce_seconds": 0, "unreadable_grace_seconds": 0}


# ------------------------------------------------------------------ settings

@pytest.mark.parametrize("key, value", [("consolidate_at", "25:99"), ("consolidate_at", "2am"),
                                        ("weekly_report_at", "7:3"), ("weekly_report_at", "")])
def test_times_are_checked_on_load_with_the_valid_form(tmp_path, key, value):
    config = workspace(tmp_path, schedule={key: value})
    with pytest.raises(ConfigError) as caught:
        load_settings(config)
    assert f"'schedule.{key}': valid format is HH:MM" in caught.value.message("en")


def test_a_bad_time_stops_the_command_with_exit_2(tmp_path):
    config = workspace(tmp_path, schedule={"consolidate_at": "25:99"})
    result = runner.invoke(app, ["run-nightly", "--config", str(config)])
    assert result.exit_code == 2
    assert "'schedule.consolidate_at': valid format is HH:MM" in result.output


def test_good_times_and_days_load(tmp_path):
    config = workspace(tmp_path, schedule={"consolidate_at": "23:59:30", "weekly_report_day": "Monday",
                                           "weekly_report_at": "00:00"})
    cfg = load_settings(config).schedule
    assert (cfg.consolidate_at, cfg.weekly_report_day, cfg.weekly_report_at) == ("23:59:30", "monday", "00:00")


def test_next_runs_and_the_last_scheduled_night(tmp_path):
    settings = load_settings(workspace(tmp_path, schedule={"consolidate_at": "02:00", "weekly_report_day": "friday",
                                                           "weekly_report_at": "07:30"}))
    assert next_runs(settings, NOW) == {"nightly": datetime(2026, 11, 25, 2, 0), "weekly": datetime(2026, 11, 27, 7, 30)}
    assert last_scheduled(settings, NOW) == datetime(2026, 11, 24, 2, 0)
    assert last_scheduled(settings, datetime(2026, 11, 24, 1, 59)) == datetime(2026, 11, 23, 2, 0)
    assert missed_night(settings, NOW, None)
    assert missed_night(settings, NOW, datetime(2026, 11, 23, 2, 0, 5))
    assert not missed_night(settings, NOW, datetime(2026, 11, 24, 2, 0, 5))


def test_every_job_command_has_help_with_an_example():
    for command in ("schedule", "run-nightly", "run-weekly", "status", "watch"):
        result = runner.invoke(app, [command, "--help"])
        assert result.exit_code == 0 and "Example:" in result.output, command


# ------------------------------------------------------------------ service examples

def _unit(path: Path) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=True, interpolation=None)
    parser.optionxform = str
    parser.read_string(path.read_text(encoding="utf-8"))
    return parser


def _calls_toolkit(command: str, *subcommands: str) -> bool:
    words = shlex.split(command, posix=True)
    return bool(words) and Path(words[0]).name in ("toolkit", "toolkit.exe") and words[1] in subcommands


@pytest.mark.parametrize("name, sub", [("toolkit-nightly.service", "run-nightly"),
                                       ("toolkit-weekly.service", "run-weekly"),
                                       ("toolkit-schedule.service", "schedule"),
                                       ("toolkit-watch.service", "watch")])
def test_systemd_services_run_the_toolkit(name, sub):
    unit = _unit(REPO / "jobs" / "systemd" / name)
    assert unit["Unit"]["Description"]
    service = unit["Service"]
    assert service["Type"] in ("oneshot", "simple") and service["User"] and service["WorkingDirectory"]
    assert _calls_toolkit(service["ExecStart"], sub)
    if service["Type"] == "simple":
        assert service["KillSignal"] == "SIGTERM" and int(service["TimeoutStopSec"]) >= 60
        assert unit["Install"]["WantedBy"] == "multi-user.target"


@pytest.mark.parametrize("name", ["toolkit-nightly.timer", "toolkit-weekly.timer"])
def test_systemd_timers_are_persistent(name):
    unit = _unit(REPO / "jobs" / "systemd" / name)
    timer = unit["Timer"]
    assert timer["Persistent"] == "true"
    assert re.fullmatch(r"(\w{3} )?\*-\*-\* \d\d:\d\d:\d\d", timer["OnCalendar"])
    assert (REPO / "jobs" / "systemd" / timer["Unit"]).is_file()
    assert unit["Install"]["WantedBy"] == "timers.target"


def test_cron_lines_have_five_fields_and_a_toolkit_command():
    lines = [line for line in (REPO / "jobs" / "cron" / "toolkit.crontab").read_text().splitlines()
             if line.strip() and not line.startswith("#")]
    assert len(lines) == 2
    fields = re.compile(r"^([\d*/,-]+)\s+([\d*/,-]+)\s+([\d*/,-]+)\s+([\d*/,-]+)\s+([\d*/,-]+)\s+(.+)$")
    for line in lines:
        match = fields.match(line)
        assert match, line
        assert _calls_toolkit(match[6].split(">>")[0], "run-nightly", "run-weekly")


@pytest.mark.parametrize("name, sub", [("toolkit-nightly.xml", "run-nightly"), ("toolkit-weekly.xml", "run-weekly")])
def test_windows_tasks_are_well_formed(name, sub):
    root = ET.parse(REPO / "jobs" / "windows" / name).getroot()
    ns = {"t": "http://schemas.microsoft.com/windows/2004/02/mit/task"}
    assert root.tag == "{%s}Task" % ns["t"]
    assert root.find("t:Settings/t:StartWhenAvailable", ns).text == "true"      # a missed run runs later
    assert root.find("t:Triggers/t:CalendarTrigger/t:StartBoundary", ns) is not None
    command = root.find("t:Actions/t:Exec/t:Command", ns).text
    arguments = root.find("t:Actions/t:Exec/t:Arguments", ns).text
    assert Path(command.replace("\\", "/")).name == "toolkit.exe" and arguments.split()[0] == sub


# ------------------------------------------------------------------ the drop folder, step by step

@pytest.mark.parametrize("name, skipped", [("~$IT.xlsx", True), (".~lock.IT.xlsx#", True), ("~WRL0001.tmp", True),
                                           ("IT.xlsx.part", True), (".hidden.xlsx", True), ("IT.xlsx", False),
                                           ("客服部 (2).xlsx", False)])
def test_lock_temp_and_hidden_files_are_skipped(name, skipped):
    assert is_skipped(name) is skipped


def _process(config: Path, lang: str = "en", env: dict | None = None, now: datetime = NOW):
    settings = load_settings(config)
    with ledger_of(config) as ledger:
        return process_inbox(settings, now.date(), ledger=ledger, settling=Settling(), clock=0.0, now=now, lang=lang,
                             env=env or {}, cache=InputCache())


def test_accepted_workbook_replaces_its_input_and_the_old_one_is_kept(tmp_path):
    config = workspace(tmp_path, inbox=FAST)
    old, new = department_bytes("D01", note="v1"), department_bytes("D01", note="v2", tasks=3)
    (tmp_path / "inputs" / "D01.xlsx").write_bytes(old)
    drop(tmp_path / "inbox", "D01 (2).xlsx", new)
    result = _process(config)
    assert [(d.name, d.status, d.department) for d in result.dropped] == [("D01 (2).xlsx", "accepted", "D01")]
    assert (tmp_path / "inputs" / "D01.xlsx").read_bytes() == new
    versions = list((tmp_path / "archive" / "versions" / "D01").iterdir())
    assert [v.read_bytes() == old for v in versions] == [True]
    assert not list((tmp_path / "inbox").glob("*.xlsx"))
    settings = load_settings(config)
    with ledger_of(config) as ledger:
        assert len(pending_consolidation(ledger)) == 1
        run = consolidate_accepted(settings, NOW.date(), ledger=ledger, stamp="2026-11-24 093000")
        assert pending_consolidation(ledger) == []
    tasks = openpyxl.load_workbook(run.master, read_only=True)["Tasks"]
    ids = {row[0] for row in tasks.iter_rows(min_row=2, values_only=True)}
    assert {"D01-001", "D01-002", "D01-003"} <= ids


def test_the_sample_workbooks_are_accepted_and_a_broken_one_rejected_with_a_readable_reason(tmp_path):
    config = workspace(tmp_path, inbox={**FAST, "notify_submitter": False})
    samples = sorted((REPO / "workbooks" / "sample").glob("*.xlsx"))
    for sample in samples:
        drop(tmp_path / "inbox", sample.name, sample.read_bytes())
    drop(tmp_path / "inbox", "财务部.xlsx", b"\x00" * 2048)
    result = _process(config)
    assert sorted((d.name, d.status) for d in result.dropped) == sorted(
        [(s.name, "accepted") for s in samples] + [("财务部.xlsx", "rejected")])
    assert sorted(p.name for p in (tmp_path / "inputs").iterdir()) == sorted(s.name for s in samples)
    reason = (tmp_path / "inbox" / "rejected" / "2026-11-24" / "财务部.reason.txt").read_text(encoding="utf-8-sig")
    assert reason.splitlines()[0] == "财务部.xlsx (department 财务部) was not accepted on 2026-11-24 09:30."
    assert "Reason: the file cannot be read as a workbook" in reason


def test_the_same_content_dropped_again_is_a_duplicate(tmp_path):
    config = workspace(tmp_path, inbox=FAST)
    data = department_bytes("D01")
    drop(tmp_path / "inbox", "D01.xlsx", data)
    assert [d.status for d in _process(config).dropped] == ["accepted"]
    drop(tmp_path / "inbox", "D01 copy.xlsx", data)
    again = _process(config, now=NOW + timedelta(hours=1)).dropped
    assert [(d.status, d.name) for d in again] == [("duplicate", "D01 copy.xlsx")]
    assert "D01.xlsx" in again[0].reason and "accepted" in again[0].reason
    folder = tmp_path / "inbox" / "rejected" / "2026-11-24"
    assert (folder / "D01 copy.xlsx").read_bytes() == data
    assert "already processed" in (folder / "D01 copy.reason.txt").read_text(encoding="utf-8-sig")
    with ledger_of(config) as ledger:
        assert [(e.name, e.duplicates) for e in ledger.entries()] == [("D01.xlsx", 1)]


def test_a_corrupt_file_lands_in_rejected_with_its_reason_in_the_users_language(tmp_path):
    config = workspace(tmp_path, inbox=FAST, language="zh")
    data = department_bytes("D02")
    drop(tmp_path / "inbox", "D02.xlsx", data[: len(data) // 2])     # a download cut in half
    result = _process(config, lang="zh")
    assert [(d.status, d.name) for d in result.dropped] == [("rejected", "D02.xlsx")]
    folder = tmp_path / "inbox" / "rejected" / "2026-11-24"
    assert (folder / "D02.xlsx").read_bytes() == data[: len(data) // 2]
    reason = (folder / "D02.原因.txt").read_text(encoding="utf-8-sig")
    assert "未被接收" in reason and "文件无法作为工作簿读取" in reason
    assert not (tmp_path / "inputs" / "D02.xlsx").exists()
    with ledger_of(config) as ledger:
        assert [(e.status, e.consolidated) for e in ledger.entries()] == [("rejected", True)]


@pytest.mark.parametrize("policy, status", [("unreadable", "accepted"), ("errors", "rejected")])
def test_duplicate_ids_across_files_follow_the_rejection_policy(tmp_path, policy, status):
    config = workspace(tmp_path, inbox={**FAST, "reject": policy})
    (tmp_path / "inputs" / "D01.xlsx").write_bytes(department_bytes("D01", id_prefix="X"))
    drop(tmp_path / "inbox", "D02.xlsx", department_bytes("D02", id_prefix="X"))   # again
    [dropped] = _process(config).dropped
    assert dropped.status == status
    assert {(f.code, f.file) for f in dropped.findings} == {("duplicate-id", "D02.xlsx")}
    folder = tmp_path / "inbox" / ("accepted" if status == "accepted" else "rejected") / "2026-11-24"
    notes = (folder / "D02.reason.txt").read_text(encoding="utf-8-sig")
    assert "D01.xlsx" in notes and "X-001" in notes
    annotated = openpyxl.load_workbook(folder / "D02.annotated.xlsx")
    assert annotated["Tasks"]["A2"].comment is not None
    assert (tmp_path / "inputs" / "D02.xlsx").exists() is (status == "accepted")


def test_the_submitter_is_mailed_the_reasons(tmp_path):
    with SmtpServer() as server:
        config = workspace(tmp_path, inbox=FAST, email={"transport": "smtp", "host": "127.0.0.1", "port": server.port,
                                                         "sender": "pmo@example.com", "retries": 0})
        (tmp_path / "inputs" / "D03.xlsx").write_bytes(department_bytes("D03", email="d03.lead@example.com"))
        drop(tmp_path / "inbox", "D03.xlsx", b"PK\x03\x04 not really a workbook")
        [dropped] = _process(config).dropped
        assert (dropped.status, dropped.notice) == ("rejected", "sent")
        wait_for(lambda: server.messages, 10, "the notice")
    [message] = server.messages
    assert message["To"] == "d03.lead@example.com" and "D03.xlsx" in message["Subject"]
    names = [part.get_filename() for part in message.iter_attachments()]
    assert names == ["D03.reason.txt"]
    with ledger_of(config) as ledger:
        assert [e.notice for e in ledger.entries()] == ["sent"]


# ------------------------------------------------------------------ the watcher, live

@contextmanager
def live_watcher(config: Path, **options):
    settings = load_settings(config)
    events = []
    watcher = Watcher(settings, "en", env={}, report=events.append, **options)
    halt = threading.Event()
    ready = threading.Event()
    thread = threading.Thread(target=watcher.run, args=(halt,), kwargs={"max_seconds": 50,
                                                                          "on_ready": lambda how: ready.set()},
                              daemon=True)
    thread.start()
    assert ready.wait(10)
    try:
        yield watcher, events
    finally:
        halt.set()
        watcher.wake.set()
        thread.join(15)
        assert not thread.is_alive()


def _csv_bytes(dept: str, rows: int) -> bytes:
    lines = [",".join(["Task ID", "Project", "Task", "Department", "Owner", "Start", "Due", "Status", "% Complete"])]
    lines += [f"{dept}-{n:03d},Promo,Task {n},{dept},Owner,2026-11-02,2026-12-20,In progress,50" for n in range(rows)]
    return ("\n".join(lines) + "\n").encode("utf-8")


@pytest.mark.parametrize("name", ["D04.xlsx", "D04.csv"])
def test_a_file_written_slowly_is_not_taken_early(tmp_path, name):
    """A half-written xlsx does not open; a half-written CSV does: only the wait for a stable
    size and mtime keeps it from being taken with half its rows."""
    config = workspace(tmp_path, inbox={"stable_seconds": 1.5, "unreadable_grace_seconds": 0, "debounce_seconds": 0.2})
    data = department_bytes("D04", tasks=40) if name.endswith(".xlsx") else _csv_bytes("D04", 400)
    target = tmp_path / "inbox" / name
    with live_watcher(config) as (_, events):
        with open(target, "wb") as handle:                  # over ~3.5 s, never pausing for 1.5 s
            for n in range(6):
                handle.write(data[n * len(data) // 6:(n + 1) * len(data) // 6])
                handle.flush()
                time.sleep(0.6)
        wait_for(lambda: any(e.kind == "consolidated" for e in events), 20, "the consolidation")
    assert [(e.dropped.status, e.dropped.sha256) for e in events if e.kind == "dropped"] == [
        ("accepted", hashlib.sha256(data).hexdigest())]
    assert (tmp_path / "inputs" / name).read_bytes() == data
    assert not (tmp_path / "inbox" / "rejected").exists()


def test_fifty_files_at_once_are_each_processed_once_with_one_consolidation(tmp_path):
    config = workspace(tmp_path, inbox={"stable_seconds": 0.3, "debounce_seconds": 2.0})
    files = {f"Dept{n:02d}.xlsx": department_bytes(f"Dept{n:02d}") for n in range(50)}
    staging = tmp_path / "outside"
    staging.mkdir()
    for name, data in files.items():
        (staging / name).write_bytes(data)
    with live_watcher(config) as (_, events):
        for name in files:                                  # one copy of 50 files, as Explorer does it
            (staging / name).rename(tmp_path / "inbox" / name)
            time.sleep(0.02)
        wait_for(lambda: any(e.kind == "consolidated" for e in events), 40, "the consolidation")
        time.sleep(0.5)                                     # a second consolidation would show here
    dropped = [e.dropped for e in events if e.kind == "dropped"]
    assert sorted(d.name for d in dropped) == sorted(files) and {d.status for d in dropped} == {"accepted"}
    assert [e.files for e in events if e.kind == "consolidated"] == [50]
    assert {p.name: p.read_bytes() for p in (tmp_path / "inputs").iterdir()} == files
    with ledger_of(config) as ledger:
        assert len(ledger.entries(status="accepted", consolidated=True)) == 50
        assert [r.result for r in ledger.runs("inbox")] == ["ok"]
    tasks = openpyxl.load_workbook(tmp_path / "output" / "master.xlsx", read_only=True)["Tasks"]
    assert sum(1 for row in tasks.iter_rows(min_row=2, values_only=True) if row[0]) == 100


def test_watcher_killed_mid_file_and_restarted_loses_nothing_and_repeats_nothing(tmp_path):
    config = workspace(tmp_path, inbox={"stable_seconds": 0.5, "debounce_seconds": 0.5})
    inbox = tmp_path / "inbox"
    files = {f"K{n:02d}.xlsx": department_bytes(f"K{n:02d}", tasks=3) for n in range(20)}
    slow_name, slow = "Slow.xlsx", department_bytes("Slow", tasks=30)
    watcher = toolkit("watch", "--config", str(config), cwd=tmp_path, stdout=subprocess.DEVNULL)
    try:
        with ledger_of(config) as ledger:
            wait_for(lambda: (tmp_path / "output" / "toolkit-jobs.log").exists(), 20, "the watcher to start")
            for name, data in files.items():
                drop(inbox, name, data)
            with open(inbox / slow_name, "wb") as handle:
                handle.write(slow[: len(slow) // 2])       # a file half written when the watcher dies
                handle.flush()
                wait_for(lambda: len(ledger.entries()) >= 3 and any((inbox / ".processing").glob("*/*")), 20,
                         "a file being processed", step=0.002)
                watcher.kill()                              # SIGKILL, in the middle of a file
                watcher.wait(10)
                done_at_kill = len(ledger.entries())
                staged_at_kill = list((inbox / ".processing").glob("*/*"))
                handle.write(slow[len(slow) // 2:])
            watcher = toolkit("watch", "--config", str(config), cwd=tmp_path, stdout=subprocess.DEVNULL)
            wait_for(lambda: len(ledger.entries(consolidated=True)) == 21, 40, "every file, consolidated")
            entries = ledger.entries()
    finally:
        assert stop(watcher) == 0
    assert 3 <= done_at_kill < 21 and staged_at_kill
    expected = {**files, slow_name: slow}
    assert sorted(e.name for e in entries) == sorted(expected)                       # nothing lost
    assert {e.status for e in entries} == {"accepted"} and sum(e.duplicates for e in entries) == 0
    assert {p.name: sha256(p) for p in (tmp_path / "inputs").iterdir()} == {
        n: hashlib.sha256(d).hexdigest() for n, d in expected.items()}
    log = (tmp_path / "output" / "toolkit-jobs.log").read_text(encoding="utf-8")
    for name in expected:                                                            # nothing twice
        assert len(re.findall(rf": {re.escape(name)}: accepted as ", log)) <= 1, name
    assert not (tmp_path / "archive" / "versions").exists()
    assert not list(inbox.glob("*.xlsx")) and not list((inbox / ".processing").glob("*/*"))


# ------------------------------------------------------------------ the nightly job

def test_schedule_runs_a_job_a_few_seconds_ahead_and_emails_it(tmp_path):
    with SmtpServer() as server:
        at = datetime.now() + timedelta(seconds=4)
        config = workspace(tmp_path, schedule={"consolidate_at": (at - timedelta(hours=2)).strftime("%H:%M"),
                                               "weekly_report_day": at.strftime("%A").lower(),
                                               "weekly_report_at": at.strftime("%H:%M:%S"), "catch_up": False},
                           email={"transport": "smtp", "host": "127.0.0.1", "port": server.port, "retries": 0,
                                  "recipients": ["boss@example.com"]})
        (tmp_path / "inputs" / "D05.xlsx").write_bytes(department_bytes("D05"))
        process = toolkit("schedule", "--config", str(config), cwd=tmp_path)
        try:
            wait_for(lambda: server.messages, 30, "the weekly email")
        finally:
            code = stop(process)
        out, errors = process.communicate(timeout=10)
    assert code == 0, errors
    [message] = server.messages
    assert message["To"] == "boss@example.com" and "W" in message["Subject"]
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename() == f"weekly_{at.date().isoformat()}_en.docx"
    assert attachment.get_content()[:2] == b"PK"                          # the Word file, intact
    with ledger_of(config) as ledger:
        assert [(r.job, r.result) for r in ledger.runs()] == [("weekly", "ok")]


def test_a_missed_night_is_caught_up_on_start_and_sigterm_lets_it_finish(tmp_path):
    config = workspace(tmp_path, schedule={"consolidate_at": "00:00"})
    for name in ("IT.xlsx", "采购部.xlsx", "客服部.xlsx"):
        (tmp_path / "inputs" / name).write_bytes((REPO / "workbooks" / "sample" / name).read_bytes())
    with ledger_of(config) as ledger:                     # the last night that ran: two days ago
        run_id = ledger.start_job("nightly", datetime.now() - timedelta(days=2))
        ledger.finish_job(run_id, datetime.now() - timedelta(days=2), "ok", "")
    process = toolkit("schedule", "--config", str(config), cwd=tmp_path)
    log = tmp_path / "output" / "toolkit-jobs.log"
    try:
        wait_for(lambda: log.exists() and "nightly: started" in log.read_text(encoding="utf-8"), 30,
                 "the catch-up to start")
    finally:
        code = stop(process)                              # SIGTERM while the consolidation runs
    assert code == 0
    with ledger_of(config) as ledger:
        runs = [(r.job, r.result, r.finished is not None) for r in ledger.runs()]
    assert runs[-1] == ("nightly", "findings", True)      # the sample has errors; the master is written
    assert (tmp_path / "output" / "master.xlsx").exists()
    assert "catching up" in log.read_text(encoding="utf-8")


def test_no_catch_up_when_last_night_ran(tmp_path):
    config = workspace(tmp_path, schedule={"consolidate_at": "00:00"})
    settings = load_settings(config)
    with ledger_of(config) as ledger:
        ledger.finish_job(ledger.start_job("nightly", datetime.now()), datetime.now(), "ok", "")
    ran = []
    run_schedule(settings, "en", threading.Event(), jobs={"nightly": lambda ctx: ran.append(1) or JobOutcome("ok", ""),
                                                          "weekly": lambda ctx: JobOutcome("ok", "")},
                 max_seconds=0.3, tick=0.1)
    assert ran == []


def test_a_missed_weekly_report_is_caught_up_but_not_on_a_first_start(tmp_path):
    config = workspace(tmp_path, schedule={"weekly_report_day": "friday", "weekly_report_at": "07:30"})
    settings = load_settings(config)
    assert last_weekly_scheduled(settings, NOW) == datetime(2026, 11, 20, 7, 30)        # NOW is a Tuesday
    assert not missed_week(settings, NOW, None)                                      # never ran: no surprise email
    assert missed_week(settings, NOW, datetime(2026, 11, 13, 7, 30))
    assert not missed_week(settings, NOW, datetime(2026, 11, 20, 7, 30, 4))
    with ledger_of(config) as ledger:                     # it ran once, more than a week ago
        ledger.finish_job(ledger.start_job("weekly", datetime.now() - timedelta(days=8)), datetime.now(), "ok", "")
        ledger.finish_job(ledger.start_job("nightly", datetime.now()), datetime.now(), "ok", "")
    ran = []
    run_schedule(settings, "en", threading.Event(), jobs={"nightly": lambda ctx: JobOutcome("ok", ""),
                                                          "weekly": lambda ctx: ran.append(1) or JobOutcome("ok", "")},
                 max_seconds=0.3, tick=0.1)
    assert ran == [1]


def test_a_job_that_raises_does_not_stop_the_next(tmp_path):
    at = datetime.now() + timedelta(seconds=3)
    config = workspace(tmp_path, schedule={"consolidate_at": at.strftime("%H:%M:%S"), "catch_up": False,
                                           "weekly_report_day": (at + timedelta(seconds=1)).strftime("%A").lower(),
                                           "weekly_report_at": (at + timedelta(seconds=1)).strftime("%H:%M:%S")})
    settings = load_settings(config)
    log = setup_logging(settings)
    halt = threading.Event()
    done = []

    def broken(ctx):
        return 1 / 0

    def fine(ctx):
        done.append(ctx.now)
        halt.set()
        return JobOutcome("ok", "weekly done")

    run_schedule(settings, "en", halt, runner=JobRunner(settings, "en", env={}), jobs={"nightly": broken, "weekly": fine},
                 max_seconds=15, tick=0.1)
    assert done, "the second job did not run"
    text = log.read_text(encoding="utf-8")
    assert "Traceback" in text and "ZeroDivisionError" in text
    with ledger_of(config) as ledger:
        assert [(r.job, r.result) for r in ledger.runs()] == [("nightly", "failed"), ("weekly", "ok")]
        assert "ZeroDivisionError" in ledger.runs("nightly")[0].message
    result = runner.invoke(app, ["status", "--config", str(config)])
    assert result.exit_code == 0
    assert "failed" in result.output and "weekly report" in result.output and "ok" in result.output


def test_run_nightly_exit_codes(tmp_path):
    config = workspace(tmp_path)
    (tmp_path / "inputs" / "D06.xlsx").write_bytes(department_bytes("D06"))
    result = runner.invoke(app, ["run-nightly", "--config", str(config)])
    assert result.exit_code == 0, result.output
    (tmp_path / "inputs" / "D07.xlsx").write_bytes(department_bytes("D07", id_prefix="D06"))   # duplicate IDs
    assert runner.invoke(app, ["run-nightly", "--config", str(config)]).exit_code == 1
    with ledger_of(config) as ledger:
        assert [(r.job, r.result) for r in ledger.runs()] == [("nightly", "ok"), ("nightly", "findings")]


def test_one_watcher_per_inbox_and_leftovers_of_a_killed_copy_are_removed(tmp_path):
    config = workspace(tmp_path, inbox={"poll_seconds": 0.1})
    leftover = tmp_path / "inputs" / ".incoming-x1y2.xlsx"
    leftover.write_bytes(b"")
    with live_watcher(config):
        assert not leftover.exists()
        second = runner.invoke(app, ["watch", "--config", str(config)])
        assert second.exit_code == 2 and "already watching" in second.output


def test_polling_when_asked_and_native_events_otherwise(tmp_path):
    config = workspace(tmp_path, inbox={"poll_seconds": 0.1})
    settings = load_settings(config)
    assert not is_network_path(tmp_path)
    for poll, expected in ((True, "poll"), (False, "native")):
        watcher = Watcher(settings, "en", env={}, poll=poll)
        try:
            assert watcher.start_observer() == expected
        finally:
            watcher.stop_observer()
