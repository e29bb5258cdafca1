"""Put an output in place without ever leaving a half-written or lost file.

`publish` writes to a temporary file in the destination's folder, then either replaces the
destination atomically (keeping the previous one under `backups/`) or, when the destination is
open in Excel / LibreOffice or cannot be replaced, saves a clearly named conflict copy beside
it. `run_lock` keeps two consolidations from running in the same folder at once.

Neither reads the clock: the caller passes `stamp` (e.g. "2026-11-24 0930"), which names
backups and conflict copies. Backups are rotated by name, so stamps must sort in time order.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from filelock import FileLock, Timeout

from ..errors import OutputError

BACKUP_DIR = "backups"
LOCK_NAME = ".toolkit.lock"


@dataclass(frozen=True)
class PublishResult:
    path: Path                 # where the new file is: dest, or the conflict copy
    conflict: bool             # True: dest was open or locked, the new file is a conflict copy
    backup: Path | None        # the previous dest, kept under backups/ (None: none kept)


def owner_files(dest: Path) -> list[Path]:
    """The lock files an office program keeps beside an open document.

    Excel: `~$` + the name, or the name with its first two characters replaced by `~$` (long
    names); LibreOffice: `.~lock.<name>#`.
    """
    name = dest.name
    candidates = [f"~${name}", f".~lock.{name}#"]
    if len(name) > 2:
        candidates.append(f"~${name[2:]}")
    return [dest.parent / c for c in candidates]


def is_open_elsewhere(dest: Path) -> bool:
    return any(p.exists() for p in owner_files(dest))


def conflict_path(dest: Path, stamp: str) -> Path:
    """`<stem> (conflict <stamp>)<suffix>`, numbered when that name is taken."""
    candidate = dest.with_name(f"{dest.stem} (conflict {stamp}){dest.suffix}")
    n = 2
    while candidate.exists():
        candidate = dest.with_name(f"{dest.stem} (conflict {stamp} {n}){dest.suffix}")
        n += 1
    return candidate


def backup_path(dest: Path, stamp: str) -> Path:
    folder = dest.parent / BACKUP_DIR
    candidate = folder / f"{dest.stem} {stamp}{dest.suffix}"
    n = 2
    while candidate.exists():
        candidate = folder / f"{dest.stem} {stamp} ({n}){dest.suffix}"
        n += 1
    return candidate


def publish(write: Callable[[Path], None], dest: Path, *, keep_backups: int, stamp: str) -> PublishResult:
    """Write with `write(temp_path)`, then put the result at `dest` (or a conflict copy).

    If `write` raises, the temporary file is removed, `dest` is untouched and the error goes on.
    """
    dest = Path(dest)
    folder = dest.parent
    if not folder.is_dir():
        raise OutputError("output_folder_missing", folder=folder)
    try:
        fd, tmp_name = tempfile.mkstemp(dir=folder, prefix=f".{dest.stem}.", suffix=dest.suffix)
    except OSError as exc:
        raise OutputError("output_not_writable", folder=folder, reason=exc) from exc
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        write(tmp)
        _set_mode(tmp, dest)
        if is_open_elsewhere(dest):
            return PublishResult(_to_conflict(tmp, dest, stamp), True, None)
        backup = _backup(dest, stamp, keep_backups)
        try:
            os.replace(tmp, dest)
        except OSError:
            # locked (Windows: open in Excel), read-only, or vanished folder: keep the new file aside
            if backup is not None:
                backup.unlink(missing_ok=True)
            return PublishResult(_to_conflict(tmp, dest, stamp), True, None)
        _rotate(dest, keep_backups)
        return PublishResult(dest, False, backup)
    finally:
        tmp.unlink(missing_ok=True)


def _set_mode(tmp: Path, dest: Path) -> None:
    """Give the new file the old one's permissions (mkstemp makes it private to its owner)."""
    try:
        if dest.exists():
            shutil.copymode(dest, tmp)
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)
    except OSError:
        pass


def _to_conflict(tmp: Path, dest: Path, stamp: str) -> Path:
    target = conflict_path(dest, stamp)
    try:
        os.replace(tmp, target)
    except OSError as exc:
        raise OutputError("output_conflict_failed", file=dest.name, folder=dest.parent, reason=exc) from exc
    return target


def _backup(dest: Path, stamp: str, keep: int) -> Path | None:
    """Copy the current dest into backups/ (a copy: dest stays in place until the replace)."""
    if keep <= 0 or not dest.is_file():
        return None
    target = backup_path(dest, stamp)
    try:
        target.parent.mkdir(exist_ok=True)
        shutil.copy2(dest, target)
    except OSError as exc:
        raise OutputError("backup_failed", file=dest.name, folder=target.parent, reason=exc) from exc
    return target


def backups_of(dest: Path) -> list[Path]:
    """The backups of `dest`, oldest first (by name: the stamps sort in time order)."""
    folder = dest.parent / BACKUP_DIR
    if not folder.is_dir():
        return []
    prefix, suffix = f"{dest.stem} ", dest.suffix
    return sorted(p for p in folder.iterdir()
                  if p.is_file() and p.name.startswith(prefix) and p.name.endswith(suffix))


def _rotate(dest: Path, keep: int) -> None:
    if keep <= 0:
        return
    for old in backups_of(dest)[:-keep]:
        try:
            old.unlink()
        except OSError:   # an old backup open somewhere: leave it, try next time
            pass


@contextmanager
def run_lock(folder: Path, timeout: float, name: str = LOCK_NAME) -> Iterator[None]:
    """One consolidation at a time per folder: wait up to `timeout` s, then OutputError.

    `name` picks another lock of the folder (the unattended jobs hold `.toolkit-job.lock` around
    a whole job, which then takes the consolidation's own lock inside)."""
    folder = Path(folder)
    lock = FileLock(str(folder / name), timeout=timeout)
    try:
        lock.acquire()
    except Timeout as exc:
        raise OutputError("locked", folder=folder) from exc
    try:
        yield
    finally:
        lock.release()
