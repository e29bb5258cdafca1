"""Helpers for the nightly-job and drop-folder tests: a working folder, department workbooks,
waiting with a bound, the toolkit as a real subprocess."""
from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

import openpyxl

from conftest import TASK_HEADERS
from toolkit.config import load_settings
from toolkit.jobs.ledger import Ledger
from toolkit.jobs.scheduler import ledger_url

TEAM_HEADERS = ["Name", "Department", "Role", "Weekly Capacity (h)", "Email"]


def workspace(folder: Path, **sections: dict) -> Path:
    """A working folder: toolkit.toml with `sections` ({"inbox": {...}}), inputs/, output/, inbox/."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = []
    for name, values in sections.items():
        if not isinstance(values, dict):
            lines.insert(0, f"{name} = {_toml(values)}")
            continue
        lines.append(f"[{name}]")
        lines += [f"{key} = {_toml(value)}" for key, value in values.items()]
    (folder / "toolkit.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    for sub in ("inputs", "output", "inbox", "archive"):
        (folder / sub).mkdir(exist_ok=True)
    return folder / "toolkit.toml"


def _toml(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


def department_bytes(dept: str, tasks: int = 2, *, id_prefix: str | None = None, note: str = "",
                     email: str = "") -> bytes:
    """A clean department workbook (Tasks + Team) as xlsx bytes; `note` makes contents differ."""
    prefix = id_prefix or dept
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "Tasks"
    ws.append(TASK_HEADERS)
    for n in range(1, tasks + 1):
        ws.append([f"{prefix}-{n:03d}", "Promo", f"Task {n}", dept, f"Owner {dept}", date(2026, 11, 2),
                   date(2026, 12, 20), "In progress", 50, 8, "High", "", "", None, note])
    team = book.create_sheet("Team")
    team.append(TEAM_HEADERS)
    team.append([f"Owner {dept}", dept, "Lead", 40, email or f"lead.{len(dept)}@example.com"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def drop(inbox: Path, name: str, data: bytes) -> Path:
    """Put a file in the inbox the way a careful copier does: written aside, then renamed in."""
    part = inbox / f"{name}.part"
    part.write_bytes(data)
    target = inbox / name
    os.replace(part, target)
    return target


def wait_for(condition: Callable[[], object], timeout: float, what: str, step: float = 0.05):
    """Poll `condition` until it is truthy; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(step)


def ledger_of(config: Path) -> Ledger:
    return Ledger(ledger_url(load_settings(config)))


def toolkit(*args: str, cwd: Path, stdout=subprocess.PIPE) -> subprocess.Popen:
    """`python -m toolkit ARGS` as a real process (its own process group, text output)."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen([sys.executable, "-m", "toolkit", *args], cwd=cwd, stdout=stdout,
                            stderr=subprocess.PIPE, text=True, env=env, start_new_session=True)


def stop(process: subprocess.Popen, sig: int = signal.SIGTERM, timeout: float = 30) -> int:
    process.send_signal(sig)
    try:
        return process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)
        raise AssertionError(f"the process did not stop within {timeout} s after signal {sig}") from None
