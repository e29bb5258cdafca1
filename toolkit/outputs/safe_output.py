"""Put an output in place without ever leaving a half-written or lost file.

`publish` writes to a temporary file in the destination's folder, then either replaces the
destination atomically (keeping the previous one under `backups/`) or, when the destination is
open in Excel / LibreOffice or cannot be replaced, saves a clearly named conflict copy beside
it. `run_lock` keeps two consolidations from running in the same folder at once.

Neither reads the clock: the caller passes `stamp` (e.g. "2026-11-24 0930"), which names
backups and conflict copies.

Crash and attack hygiene (issue 8):

- **No links followed**: an output, its `backups/` folder, a backup name or the lock file that is
  a symbolic link is refused (`OutputError output_is_link`), never written through.
- **Durable**: the temporary file is fsynced before the rename and the folder after it.
- **Atomic backups**: a backup is copied to a temporary name in `backups/`, fsynced and renamed,
  so a kill or a full disk never leaves a truncated backup that counts as one.
- **Rotation by time**: backups are ordered by modification time (then by their sequence
  number), never by name, so two runs in one second never delete the newer backup.
- `clean_stale_temps` removes what a killed run left (called once the run lock is held).
"""
from __future__ import annotations

import errno
import os
import re
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


def refuse_link(path: Path) -> None:
    """OutputError when `path` is a symbolic link: outputs are never written through one."""
    if path.is_symlink():
        raise OutputError("output_is_link", path=path)


def backup_path(dest: Path, stamp: str) -> Path:
    folder = dest.parent / BACKUP_DIR
    candidate = folder / f"{dest.stem} {stamp}{dest.suffix}"
    n = 2
    while os.path.lexists(candidate):
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
    refuse_link(dest)
    refuse_link(folder / BACKUP_DIR)
    try:
        fd, tmp_name = tempfile.mkstemp(dir=folder, prefix=f".{dest.stem}.", suffix=dest.suffix)
    except OSError as exc:
        raise OutputError("output_not_writable", folder=folder, reason=exc) from exc
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        try:
            write(tmp)
            _fsync_file(tmp)
        except OSError as exc:
            if exc.errno == errno.ENOSPC:
                raise OutputError("disk_full", folder=folder) from exc
            raise
        _set_mode(tmp, dest)
        if is_open_elsewhere(dest):
            return PublishResult(_to_conflict(tmp, dest, stamp), True, None)
        backup = _backup(dest, stamp, keep_backups)
        try:
            refuse_link(dest)
            os.replace(tmp, dest)
            _fsync_dir(folder)
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


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(folder: Path) -> None:
    """Make a rename in `folder` durable (POSIX; Windows has no directory handles to sync)."""
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    except OSError:
        pass                # some file systems refuse fsync on a directory: nothing more to do
    finally:
        os.close(fd)


def _backup(dest: Path, stamp: str, keep: int) -> Path | None:
    """Copy the current dest into backups/ atomically (a temporary copy, fsynced, renamed):
    dest stays in place until the replace, and an interrupted copy never looks like a backup."""
    if keep <= 0 or not dest.is_file() or dest.is_symlink():
        return None
    folder = dest.parent / BACKUP_DIR
    refuse_link(folder)
    target = backup_path(dest, stamp)
    tmp: Path | None = None
    try:
        folder.mkdir(exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(dir=folder, prefix=f".{dest.stem}.", suffix=".tmp")
        tmp = Path(tmp_name)
        with open(dest, "rb") as source, os.fdopen(fd, "wb") as copy:
            shutil.copyfileobj(source, copy, 1024 * 1024)
            copy.flush()
            os.fsync(copy.fileno())
        shutil.copystat(dest, tmp)          # the backup keeps the old master's time: rotation uses it
        refuse_link(target)
        os.replace(tmp, target)
        tmp = None
        _fsync_dir(folder)
    except OSError as exc:
        raise OutputError("backup_failed", file=dest.name, folder=folder, reason=exc) from exc
    finally:
        if tmp is not None:
            tmp.unlink(missing_ok=True)
    return target


_SEQUENCE = re.compile(r" \((\d+)\)$")


def backups_of(dest: Path) -> list[Path]:
    """The backups of `dest`, oldest first: by modification time (a backup keeps its master's),
    then by the sequence number of names made in the same second ("… (2)"), then by name."""
    folder = dest.parent / BACKUP_DIR
    if not folder.is_dir() or folder.is_symlink():
        return []
    prefix, suffix = f"{dest.stem} ", dest.suffix
    found = []
    for p in folder.iterdir():
        if p.name.startswith(prefix) and p.name.endswith(suffix) and p.is_file() and not p.is_symlink():
            try:
                mtime = p.stat().st_mtime_ns
            except OSError:
                continue
            match = _SEQUENCE.search(p.name[:-len(suffix)] if suffix else p.name)
            found.append((mtime, int(match.group(1)) if match else 1, p.name, p))
    return [p for *_, p in sorted(found)]


def clean_stale_temps(dest: Path) -> list[Path]:
    """Remove the temporary files a killed run left beside `dest` and in its backups folder
    (call it only while holding the run lock: then no other run is writing them)."""
    removed = []
    patterns = [(dest.parent, f".{dest.stem}.", dest.suffix), (dest.parent / BACKUP_DIR, f".{dest.stem}.", ".tmp")]
    for folder, prefix, suffix in patterns:
        if not folder.is_dir() or folder.is_symlink():
            continue
        for p in folder.iterdir():
            if p.name.startswith(prefix) and p.name.endswith(suffix) and not p.is_symlink() and p.is_file():
                try:
                    p.unlink()
                    removed.append(p)
                except OSError:
                    pass
    return removed


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
    refuse_link(folder / name)            # filelock would open (and truncate) the link's target
    lock = FileLock(str(folder / name), timeout=timeout)
    try:
        lock.acquire()
    except Timeout as exc:
        raise OutputError("locked", folder=folder) from exc
    try:
        yield
    finally:
        lock.release()
