"""publish() and run_lock() with real files and real processes."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from toolkit.errors import OutputError
from toolkit.outputs import safe_output
from toolkit.outputs.safe_output import backups_of, publish, run_lock

REPO = Path(__file__).resolve().parent.parent


def writer(content: bytes):
    def write(target: Path) -> None:
        target.write_bytes(content)
    return write


def leftovers(folder: Path) -> list[str]:
    """Temporary files publish() may have left behind."""
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".master."))


def test_first_publish_has_no_backup(tmp_path):
    dest = tmp_path / "master.xlsx"
    result = publish(writer(b"v1"), dest, keep_backups=3, stamp="2026-11-24 0930")
    assert result == safe_output.PublishResult(dest, False, None)
    assert dest.read_bytes() == b"v1"
    assert leftovers(tmp_path) == []


def test_publish_keeps_and_rotates_backups(tmp_path):
    dest = tmp_path / "master.xlsx"
    stamps = [f"2026-11-{day:02d} 0200" for day in range(20, 26)]
    results = [publish(writer(s.encode()), dest, keep_backups=3, stamp=s) for s in stamps]
    assert dest.read_bytes() == stamps[-1].encode()
    assert results[1].backup == tmp_path / "backups" / f"master {stamps[1]}.xlsx"
    assert results[1].backup.name == "master 2026-11-21 0200.xlsx"
    kept = backups_of(dest)
    # each backup holds the master as it was before that run; only the newest three are kept
    assert [p.name for p in kept] == [f"master {s}.xlsx" for s in stamps[-3:]]
    assert [p.read_bytes() for p in kept] == [s.encode() for s in stamps[-4:-1]]
    assert leftovers(tmp_path) == []


def test_no_backups_when_keep_is_zero(tmp_path):
    dest = tmp_path / "master.xlsx"
    publish(writer(b"v1"), dest, keep_backups=0, stamp="a")
    result = publish(writer(b"v2"), dest, keep_backups=0, stamp="b")
    assert result.backup is None and dest.read_bytes() == b"v2"
    assert not (tmp_path / "backups").exists()


@pytest.mark.parametrize("owner", ["~$master.xlsx", "~$ster.xlsx", ".~lock.master.xlsx#"])
def test_open_in_excel_gives_a_conflict_copy(tmp_path, owner):
    dest = tmp_path / "master.xlsx"
    dest.write_bytes(b"old")
    (tmp_path / owner).write_bytes(b"owner")
    result = publish(writer(b"new"), dest, keep_backups=3, stamp="2026-11-24 0930")
    assert result.conflict is True
    assert result.path == tmp_path / "master (conflict 2026-11-24 0930).xlsx"
    assert result.path.read_bytes() == b"new"
    assert dest.read_bytes() == b"old"
    assert result.backup is None and backups_of(dest) == []
    assert leftovers(tmp_path) == []
    # a second conflict with the same stamp does not overwrite the first
    again = publish(writer(b"newer"), dest, keep_backups=3, stamp="2026-11-24 0930")
    assert again.path.name == "master (conflict 2026-11-24 0930 2).xlsx"
    assert result.path.read_bytes() == b"new"


def test_replace_failing_gives_a_conflict_copy(tmp_path, monkeypatch):
    dest = tmp_path / "master.xlsx"
    dest.write_bytes(b"old")
    real_replace = safe_output.os.replace

    def replace(src, dst):
        if Path(dst) == dest:
            raise PermissionError(13, "The process cannot access the file", str(dst))
        return real_replace(src, dst)

    monkeypatch.setattr(safe_output.os, "replace", replace)
    result = publish(writer(b"new"), dest, keep_backups=3, stamp="s1")
    assert result.conflict is True and result.path.read_bytes() == b"new"
    assert dest.read_bytes() == b"old"
    assert backups_of(dest) == []            # the backup made before the failed replace is removed
    assert leftovers(tmp_path) == []


def test_nothing_writable_is_a_clean_error(tmp_path, monkeypatch):
    dest = tmp_path / "master.xlsx"
    dest.write_bytes(b"old")

    real_replace = os.replace

    def replace(src, dst):
        if Path(dst).parent.name == "backups":      # backups are renamed into place too (issue 8)
            return real_replace(src, dst)
        raise PermissionError(13, "denied", str(dst))

    monkeypatch.setattr(safe_output.os, "replace", replace)
    with pytest.raises(OutputError) as caught:
        publish(writer(b"new"), dest, keep_backups=3, stamp="s1")
    assert "open or locked" in caught.value.message("en") and "锁定" in caught.value.message("zh")
    assert dest.read_bytes() == b"old"
    assert leftovers(tmp_path) == []
    assert [p.name for p in tmp_path.iterdir() if p.is_file()] == ["master.xlsx"]


def test_write_failing_leaves_the_old_master(tmp_path):
    dest = tmp_path / "master.xlsx"
    dest.write_bytes(b"old")

    def write(target: Path) -> None:
        target.write_bytes(b"half")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError, match="disk full"):
        publish(write, dest, keep_backups=3, stamp="s1")
    assert dest.read_bytes() == b"old"
    assert leftovers(tmp_path) == []
    assert not (tmp_path / "backups").exists()


def test_missing_folder_is_an_output_error(tmp_path):
    with pytest.raises(OutputError):
        publish(writer(b"x"), tmp_path / "nope" / "master.xlsx", keep_backups=1, stamp="s")


def test_run_lock_is_taken_again_after_release(tmp_path):
    from filelock import FileLock

    other = FileLock(str(tmp_path / safe_output.LOCK_NAME), timeout=0)
    with run_lock(tmp_path, timeout=1):
        # while held, nobody else gets it (a lock that locks nothing would let this through)
        with pytest.raises(Exception) as caught:
            other.acquire()
        assert type(caught.value).__name__ == "Timeout"
    with run_lock(tmp_path, timeout=1):      # released: the next run takes it at once
        pass
    other.acquire()
    assert other.is_locked
    other.release()


HOLDER = """
import sys, time
from pathlib import Path
from toolkit.outputs.safe_output import run_lock
with run_lock(Path(sys.argv[1]), timeout=5):
    Path(sys.argv[2]).write_text("locked")
    time.sleep(float(sys.argv[3]))
"""


def start_holder(folder: Path, seconds: float) -> subprocess.Popen:
    flag = folder / "holding.txt"
    proc = subprocess.Popen([sys.executable, "-c", HOLDER, str(folder), str(flag), str(seconds)], cwd=REPO)
    deadline = time.monotonic() + 30
    while not flag.exists():
        assert proc.poll() is None, "the lock holder died"
        assert time.monotonic() < deadline, "the lock holder never took the lock"
        time.sleep(0.05)
    return proc


def test_second_run_times_out_with_a_clear_message(tmp_path):
    proc = start_holder(tmp_path, 10)
    try:
        started = time.monotonic()
        with pytest.raises(OutputError) as caught:
            with run_lock(tmp_path, timeout=0.5):
                pytest.fail("got the lock while another process holds it")
        assert time.monotonic() - started >= 0.4
        assert "another consolidation is running" in caught.value.message("en")
        assert str(tmp_path) in caught.value.message("en")
        assert "另一个汇总任务正在" in caught.value.message("zh")
    finally:
        proc.kill()
        proc.wait()


def test_second_run_waits_for_the_first(tmp_path):
    proc = start_holder(tmp_path, 1.0)
    try:
        started = time.monotonic()
        with run_lock(tmp_path, timeout=20):
            waited = time.monotonic() - started
        assert waited > 0.3   # it waited for the holder to finish rather than running alongside
    finally:
        proc.wait(timeout=30)
    assert proc.returncode == 0


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_published_file_is_not_private(tmp_path):
    dest = tmp_path / "master.xlsx"
    publish(writer(b"v1"), dest, keep_backups=1, stamp="a")
    umask = os.umask(0)
    os.umask(umask)
    assert dest.stat().st_mode & 0o777 == 0o666 & ~umask   # like any saved file, not mkstemp's 0600
    dest.chmod(0o640)
    publish(writer(b"v2"), dest, keep_backups=1, stamp="b")
    assert dest.stat().st_mode & 0o777 == 0o640  # the old master's permissions are kept
