"""`toolkit watch`: the thin loop around `inbox.process_inbox`.

watchdog wakes the loop when something changes in the inbox; the loop itself decides from the
folder's content (so a missed or doubled event changes nothing). Network shares do not deliver
file-system events reliably, so on a share (NFS, SMB/CIFS, sshfs, a UNC path or a mapped network
drive), with `--poll` / `inbox.poll = true`, or when the native observer cannot start (inotify
limits), watchdog's polling observer is used instead. The master is re-consolidated once the
inbox has been quiet for `inbox.debounce_seconds` after a burst of accepted files.
"""
from __future__ import annotations

import logging
import os
import sys
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from filelock import FileLock, Timeout

from ..config import Settings
from ..errors import ToolkitError
from .inbox import (Dropped, InputCache, Settling, consolidate_accepted, inbox_folder, pending_consolidation,
                    process_inbox, remove_leftovers)
from .ledger import Ledger
from .scheduler import JOB_LOCK, JOB_LOCK_WAIT, ledger_url, output_folder

log = logging.getLogger("toolkit.jobs.watch")

WATCH_LOCK = ".toolkit-watch.lock"     # one watcher per inbox

NETWORK_FS = frozenset({"nfs", "nfs4", "cifs", "smb3", "smbfs", "smb2", "afs", "ncpfs", "9p", "davfs", "fuse.sshfs",
                        "fuse.rclone", "fuse.davfs2", "fuse.gvfsd-fuse", "glusterfs", "ceph", "lustre", "vboxsf",
                        "fuse.s3fs", "fuse.smbnetfs", "prl_fs", "vmhgfs", "fuse.vmhgfs-fuse", "drvfs", "9p2000"})


def is_network_path(path: Path) -> bool:
    """True when `path` is on a network share (events from it cannot be trusted)."""
    path = Path(os.path.abspath(path))
    if sys.platform == "win32":
        text = str(path)
        if text.startswith("\\\\"):
            return True
        try:
            import ctypes
            return ctypes.windll.kernel32.GetDriveTypeW(text[:3]) == 4   # DRIVE_REMOTE
        except (AttributeError, OSError):
            return False
    try:
        mounts = Path("/proc/mounts").read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return False
    best, kind = "", ""
    resolved = str(path.resolve()) if path.exists() else str(path)
    for line in mounts:
        parts = line.split()
        if len(parts) < 3:
            continue
        point = parts[1].replace("\\040", " ")
        if (resolved == point or resolved.startswith(point.rstrip("/") + "/")) and len(point) >= len(best):
            best, kind = point, parts[2]
    return kind in NETWORK_FS


@dataclass
class WatchEvent:
    """What the loop tells its caller (the CLI prints it)."""

    kind: str                       # dropped, consolidated, failed
    dropped: Dropped | None = None
    master: Path | None = None
    files: int = 0
    message: str = ""


class Watcher:
    """The drop-folder loop. `run(stop)` returns when `stop` is set (after the current file)."""

    def __init__(self, settings: Settings, lang: str, *, inbox: Path | None = None, poll: bool | None = None,
                 env: Mapping[str, str] | None = None, now: Callable[[], datetime] = datetime.now,
                 clock: Callable[[], float] = time.monotonic, report: Callable[[WatchEvent], None] | None = None):
        self.settings, self.lang = settings, lang
        self.inbox = (inbox or inbox_folder(settings)).resolve()
        self.env = dict(os.environ if env is None else env)
        self.now, self.clock = now, clock
        self.report = report or (lambda event: None)
        self.wake = threading.Event()
        self.settling = Settling()
        self.cache = InputCache()
        self.poll = bool(poll or settings.inbox.poll or is_network_path(self.inbox))
        self.observer: Any = None                 # a watchdog observer while running

    # ---------------------------------------------------------------- observer

    def start_observer(self) -> str:
        """Start watchdog (native, else polling); which one runs: "native" or "poll"."""
        from watchdog.events import FileSystemEventHandler
        from watchdog.observers.polling import PollingObserver

        wake = self.wake

        class Wake(FileSystemEventHandler):
            def on_any_event(self, event) -> None:   # noqa: ANN001 - watchdog's signature
                wake.set()

        if not self.poll:
            try:
                from watchdog.observers import Observer
                observer = Observer()
                observer.schedule(Wake(), str(self.inbox), recursive=False)
                observer.start()
                self.observer = observer
                return "native"
            except (OSError, RuntimeError) as exc:   # inotify watch limit, unsupported file system
                log.warning("native file-system events unavailable (%s): polling %s", exc, self.inbox)
                self.poll = True
        observer = PollingObserver(timeout=self.settings.inbox.poll_seconds)
        observer.schedule(Wake(), str(self.inbox), recursive=False)
        observer.start()
        self.observer = observer
        return "poll"

    def stop_observer(self) -> None:
        if self.observer is not None:
            self.observer.stop()
            self.observer.join(timeout=10)
            self.observer = None

    # ---------------------------------------------------------------- loop

    def run(self, stop: threading.Event, *, max_seconds: float | None = None,
            on_ready: Callable[[str], None] | None = None) -> None:
        self.inbox.mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(self.inbox / WATCH_LOCK))
        try:
            lock.acquire(timeout=0)
        except Timeout as exc:
            raise ToolkitError("watch_running", inbox=self.inbox) from exc
        try:
            self._run(stop, max_seconds, on_ready)
        finally:
            lock.release()

    def _run(self, stop: threading.Event, max_seconds: float | None, on_ready: Callable[[str], None] | None) -> None:
        remove_leftovers(self.settings.resolve(self.settings.paths.inputs))
        threading.Thread(target=self._wake_on, args=(stop,), daemon=True).start()   # stop wakes the loop
        how = self.start_observer()
        if on_ready:
            on_ready(how)
        cfg = self.settings.inbox
        deadline = self.clock() + max_seconds if max_seconds else None
        last_activity = self.clock()
        try:
            with Ledger(ledger_url(self.settings)) as ledger:
                pending = bool(pending_consolidation(ledger))   # accepted before a restart, not yet in the master
                while not stop.is_set():
                    if deadline is not None and self.clock() >= deadline:
                        break
                    self.wake.clear()
                    try:
                        result = self.step(ledger)
                    except ToolkitError as exc:
                        log.error("drop folder: %s", exc.message("en"))
                        self.report(WatchEvent("failed", message=exc.message(self.lang)))
                        result = None
                    except Exception:  # noqa: BLE001 - the watcher runs for weeks: log, go on
                        log.exception("drop folder: unexpected error")
                        self.report(WatchEvent("failed", message="unexpected error, see the log"))
                        result = None
                    if result is not None and (result.dropped or result.waiting):
                        last_activity = self.clock()
                        pending = pending or bool(result.accepted)
                    waiting = result.waiting if result is not None else 0
                    if pending and not waiting and self.clock() - last_activity >= cfg.debounce_seconds:
                        pending = not self.consolidate(ledger)
                        if pending:                  # failed: try again after another quiet period
                            last_activity = self.clock()
                    if stop.is_set():
                        break
                    self.wake.wait(self._pause(waiting, pending, last_activity))
        finally:
            self.stop_observer()

    def _wake_on(self, stop: threading.Event) -> None:
        stop.wait()
        self.wake.set()

    def _pause(self, waiting: int, pending: bool, last_activity: float) -> float:
        cfg = self.settings.inbox
        if waiting:
            return max(0.05, min(0.5, cfg.stable_seconds / 4 or 0.05))
        if pending:
            return max(0.05, min(1.0, cfg.debounce_seconds - (self.clock() - last_activity)))
        return cfg.poll_seconds if self.poll else 5.0

    def step(self, ledger: Ledger):
        now = self.now()
        result = process_inbox(self.settings, now.date(), ledger=ledger, settling=self.settling,
                               clock=self.clock(), now=now, lang=self.lang, env=self.env, cache=self.cache,
                               inbox=self.inbox)
        for dropped in result.dropped:
            self.report(WatchEvent("dropped", dropped=dropped))
        return result

    def consolidate(self, ledger: Ledger) -> bool:
        """Re-consolidate for the accepted files (under the job lock); True when done."""
        from ..outputs.safe_output import run_lock

        now = self.now()
        waiting = len(pending_consolidation(ledger))
        started = ledger.start_job("inbox", now)
        try:
            folder = output_folder(self.settings)
            folder.mkdir(parents=True, exist_ok=True)
            with run_lock(folder, timeout=JOB_LOCK_WAIT, name=JOB_LOCK):
                run = consolidate_accepted(self.settings, now.date(), ledger=ledger,
                                           stamp=now.strftime("%Y-%m-%d %H%M%S"), lang=self.lang)
        except ToolkitError as exc:
            log.error("drop folder: consolidation failed: %s", exc.message("en"))
            ledger.finish_job(started, self.now(), "failed", exc.message(self.lang))
            self.report(WatchEvent("failed", message=exc.message(self.lang)))
            return False
        except Exception as exc:  # noqa: BLE001
            log.exception("drop folder: consolidation failed")
            ledger.finish_job(started, self.now(), "failed", f"{type(exc).__name__}: {exc}")
            self.report(WatchEvent("failed", message=str(exc)))
            return False
        master = run.master if run is not None else None
        result = "findings" if run is not None and run.findings.error_count else "ok"
        from ..i18n import text
        message = text("job.msg.inbox", self.lang, files=waiting, master=master)
        ledger.finish_job(started, self.now(), result, message)
        log.info("drop folder: %s", message)
        self.report(WatchEvent("consolidated", master=master, files=waiting))
        return True
