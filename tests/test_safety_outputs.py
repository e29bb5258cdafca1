"""Issue 8, outputs: nothing overwritten, nothing read back, nothing let in, honest exit codes,
clean after a crash. Real symbolic links, a real full disk (a 1 MB tmpfs), a real SIGKILL."""
from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import zipfile
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from conftest import AS_OF, TASK_HEADERS, sha256, write_workbook
from safety_helpers import TEAM, can_mount, mount, task, tracker, umount
from toolkit.cli import app
from toolkit.config import Settings
from toolkit.errors import InputError, OutputError
from toolkit.outputs import safe_output
from toolkit.outputs.annotate import write_annotated_copy
from toolkit.outputs.safe_output import backups_of, publish, run_lock
from toolkit.pipeline import run_consolidation


def invoke(*args) -> object:
    return CliRunner().invoke(app, [str(a) for a in args], catch_exceptions=False)


def consolidate(inputs, output, stamp="2026-11-24 020000", as_of=AS_OF, **kw):
    return run_consolidation([inputs], Settings(), as_of, output=output, stamp=stamp, lock_timeout=5, **kw)


# ------------------------------------------------------------------ 2. outputs are never inputs

def test_an_output_that_is_an_input_is_refused(tmp_path):
    folder = tmp_path / "in"
    it = tracker(folder / "IT.xlsx", "T-1")
    tracker(folder / "HR.xlsx", "H-1")
    before = sha256(it)
    result = invoke("consolidate", folder, "-o", it, "--as-of", "2026-11-24")
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "input" in result.output and sha256(it) == before
    with pytest.raises(InputError) as caught:
        consolidate(folder, folder / "HR.xlsx")
    assert "输入" in caught.value.message("zh")


def test_the_toolkits_own_outputs_are_never_read_back(tmp_path):
    folder = tmp_path / "in"
    tracker(folder / "IT.xlsx", "T-1", "T-2")
    tracker(folder / "HR.xlsx", "H-1")
    master = folder / "master.xlsx"                       # the master written inside the inputs folder
    first = consolidate(folder, master, stamp="2026-11-24 020000")
    assert len(first.analysis.tasks) == 3
    second = consolidate(folder, master, stamp="2026-11-24 030000")
    third = consolidate(folder, master, stamp="2026-11-24 040000")
    assert len(backups_of(master)) == 2
    conflict = folder / "master (conflict 2026-11-24 050000).xlsx"
    conflict.write_bytes(master.read_bytes())
    write_annotated_copy(folder / "IT.xlsx", [], folder / "checked", "en")
    fourth = consolidate(folder, master, stamp="2026-11-24 060000")
    for run in (second, third, fourth):
        assert len(run.analysis.tasks) == 3                  # never doubled by its own outputs
        assert not any(f.code == "duplicate-id" for f in run.findings.findings)
    skipped = {f.file: f for f in fourth.findings.findings if f.code == "own-output-skipped"}
    assert set(skipped) == {"master.xlsx", "master (conflict 2026-11-24 050000).xlsx", "IT.xlsx",
                            "master 2026-11-24 030000.xlsx", "master 2026-11-24 040000.xlsx"} or \
        {Path(f.path).name for f in skipped.values()} >= {"master.xlsx", "master (conflict 2026-11-24 050000).xlsx"}
    kinds = {f.message("en") for f in skipped.values()}
    assert any("annotated copy" in k for k in kinds) and any("backup" in k for k in kinds)
    assert any("conflict copy" in k for k in kinds)
    assert all(not f.is_error for f in skipped.values())


# ------------------------------------------------------------------ 12. no link is followed

def test_an_output_that_is_a_symlink_is_refused_and_its_target_untouched(tmp_path):
    folder = tmp_path / "in"
    tracker(folder / "IT.xlsx", "T-1")
    victim = tmp_path / "victim" / "payroll.xlsx"
    victim.parent.mkdir()
    victim.write_bytes(b"precious")
    out = tmp_path / "out"
    out.mkdir()
    (out / "master.xlsx").symlink_to(victim)
    result = invoke("consolidate", folder, "-o", out / "master.xlsx", "--as-of", "2026-11-24")
    assert result.exit_code == 3 and "link" in result.output
    assert victim.read_bytes() == b"precious"
    assert sorted(p.name for p in victim.parent.iterdir()) == ["payroll.xlsx"]   # no backups, no lock there
    assert (out / "master.xlsx").is_symlink()


def test_a_lock_or_backups_folder_that_is_a_symlink_is_refused(tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_bytes(b"precious")
    out = tmp_path / "out"
    out.mkdir()
    (out / ".toolkit.lock").symlink_to(victim)
    with pytest.raises(OutputError) as caught:
        with run_lock(out, timeout=1):
            pass
    assert caught.value.code == "output_is_link" and victim.read_bytes() == b"precious"

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    dest = tmp_path / "out2" / "master.xlsx"
    dest.parent.mkdir()
    dest.write_bytes(b"old")
    (dest.parent / "backups").symlink_to(elsewhere)
    with pytest.raises(OutputError) as caught:
        publish(lambda p: p.write_bytes(b"new"), dest, keep_backups=3, stamp="s1")
    assert caught.value.code == "output_is_link"
    assert list(elsewhere.iterdir()) == [] and dest.read_bytes() == b"old"


# ------------------------------------------------------------------ 15. links only to read cells, relative

def findings_links(master: Path) -> list[str]:
    """Targets of the hyperlinks on the Findings sheet, from the package's relationships."""
    book = openpyxl.load_workbook(master)
    index = book.sheetnames.index("Findings") + 1
    with zipfile.ZipFile(master) as archive:
        names = archive.namelist()
        rels = f"xl/worksheets/_rels/sheet{index}.xml.rels"
        if rels not in names:
            return []
        return re.findall(r'Target="([^"]*)"', archive.read(rels).decode())


def test_findings_link_only_to_read_workbooks_relative_and_never_to_a_host(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    folder = Path("in")                                      # a relative input folder
    tracker(folder / "IT.xlsx", "T-1", Status="Maybe")     # an error at a cell
    tracker(folder / "\\\\host\\share\\HR.xlsx", "H-1", Status="Later")   # backslashes in a POSIX name
    (folder / "broken.xlsx").write_bytes(b"PK\x03\x04 not really")          # rejected
    master = Path("out") / "master.xlsx"
    Path("out").mkdir()
    consolidate(folder, master)
    targets = findings_links(tmp_path / "out" / "master.xlsx")
    assert targets, "the finding in IT.xlsx has its link"
    for target in targets:
        assert not target.lower().startswith(("file:", "//", "\\\\")) and "\\" not in target, target
        file_part = target.split("#")[0].replace("%20", " ")
        assert (tmp_path / "out" / file_part).resolve() == (tmp_path / "in" / "IT.xlsx").resolve(), target
    book = openpyxl.load_workbook(tmp_path / "out" / "master.xlsx")
    ws = book["Findings"]
    linked = {c.value for c in ws["A"] if c.hyperlink is not None}
    assert all(v.startswith("IT.xlsx") for v in linked)
    assert any(str(c.value).startswith("broken.xlsx") and c.hyperlink is None for c in ws["A"])


# ------------------------------------------------------------------ 18. no XML from a text cell

PAYLOAD = ('<r><t>x</t></r></is></c><c r="Z1" t="str"><f>HYPERLINK("http://attacker.example/","click")</f>'
           '<v>click</v></c><c r="Z2" t="inlineStr"><is><r><t>y</t></r>')


def hostile_inputs(folder: Path, status: str = "In progress") -> None:
    headers = TASK_HEADERS + ["Hand note"]
    write_workbook(folder / "IT.xlsx", {
        "Tasks": [headers,
                  task("T-1", Task=PAYLOAD, Owner=PAYLOAD, Department=PAYLOAD, Project=PAYLOAD, Notes=PAYLOAD,
                       Status=status, Due=date(2026, 11, 10)) + [PAYLOAD],
                  task("T-2", Status=PAYLOAD)],
        "Team": [TEAM[0], [PAYLOAD, "IT", "Dev", 40]],
        "Projects": [["Project", "Sponsor", "Manager", "Goal"], [PAYLOAD, PAYLOAD, PAYLOAD, PAYLOAD]],
        "Risks": [["Risk ID", "Project", "Risk", "Probability", "Impact", "Owner", "Mitigation", "Status"],
                  ["R-1", PAYLOAD, PAYLOAD, 4, 4, PAYLOAD, PAYLOAD, "Open"]],
        "KPIs": [["Project", "KPI", "Unit", "Baseline", "Target", "Actual", "Direction"],
                 [PAYLOAD, PAYLOAD, PAYLOAD, 1, 2, 1, "Higher is better"]],
        "Milestones": [["Project", "Milestone", "Due", "Acceptance Criteria", "Status"],
                       [PAYLOAD, PAYLOAD, date(2026, 12, 1), PAYLOAD, "Pending"]],
        "Lessons": [["Project", "Type", "Lesson", "Action", "Owner"],
                    [PAYLOAD, "Went well", PAYLOAD, PAYLOAD, PAYLOAD]],
    })


def test_a_text_cell_can_never_inject_xml_into_any_sheet_of_the_master(tmp_path):
    folder = tmp_path / "in"
    hostile_inputs(folder)
    master = tmp_path / "out" / "master.xlsx"
    consolidate(folder, master, stamp="2026-11-23 020000", as_of=date(2026, 11, 23))
    book = openpyxl.load_workbook(master)
    assert PAYLOAD in [c.value for c in book["Workload"]["A"]]      # owners with hours left (first run)
    carried_by_hand = book["Tasks"]
    carried_by_hand.cell(1, carried_by_hand.max_column + 1, "PMO comment")
    for row in range(2, carried_by_hand.max_row + 1):
        carried_by_hand.cell(row, carried_by_hand.max_column, PAYLOAD)
    book.save(master)
    hostile_inputs(folder, status="Done")                  # a change for the Changes sheet
    consolidate(folder, master, stamp="2026-11-24 020000")
    with zipfile.ZipFile(master) as archive:
        sheets = {n: archive.read(n) for n in archive.namelist() if n.startswith("xl/worksheets/sheet")}
    for name, xml in sheets.items():
        assert b"<f>HYPERLINK" not in xml and b"<v>click</v>" not in xml, name
    book = openpyxl.load_workbook(master)          # parses: nothing broken
    carrying = {ws.title for ws in book.worksheets
                if any(PAYLOAD in str(c.value) for row in ws.iter_rows() for c in row if c.value is not None)}
    # every sheet that shows user text got it (Workload: checked on the first run, T-1 is done now)
    assert carrying >= {"Dashboard", "Tasks", "Risks", "KPIs", "Milestones", "Projects", "Lessons", "Changes",
                        "Findings"}, carrying
    tasks = book["Tasks"]
    titles = [c.value for c in tasks["C"]]
    assert PAYLOAD in titles                        # the text itself, exactly as typed


# ------------------------------------------------------------------ 21. honest exit codes

def test_consolidate_exits_1_when_inputs_had_errors_or_unreadable_files(tmp_path):
    folder = tmp_path / "in"
    tracker(folder / "IT.xlsx", "T-1")
    master = tmp_path / "out" / "master.xlsx"
    assert invoke("consolidate", folder, "-o", master, "--as-of", "2026-11-24").exit_code == 0
    (folder / "HR.xlsx").write_bytes(b"PK\x03\x04 cut short")
    result = invoke("consolidate", folder, "-o", master, "--as-of", "2026-11-24")
    assert result.exit_code == 1 and master.is_file()
    assert "exit code 1" in result.output
    (folder / "HR.xlsx").unlink()
    tracker(folder / "HR.xlsx", "H-1", Status="Perhaps")          # readable, with an error at a cell
    assert invoke("consolidate", folder, "-o", master, "--as-of", "2026-11-24").exit_code == 1


# ------------------------------------------------------------------ 25. crash hygiene

def test_temp_file_and_folder_are_fsynced_around_the_rename(tmp_path, monkeypatch):
    synced: list[str] = []
    real_fsync = os.fsync

    def fsync(fd):
        synced.append(os.readlink(f"/proc/self/fd/{fd}"))
        return real_fsync(fd)

    monkeypatch.setattr(safe_output.os, "fsync", fsync)
    dest = tmp_path / "master.xlsx"
    dest.write_bytes(b"old")
    publish(lambda p: p.write_bytes(b"new"), dest, keep_backups=2, stamp="s1")
    temp = [p for p in synced if Path(p).name.startswith(".master.") and p.endswith(".xlsx")]
    assert temp, synced                                            # the new file, before the rename
    assert str(tmp_path) in synced                                 # the folder, after it
    assert any(Path(p).parent.name == "backups" for p in synced)  # the backup copy


_KILLED_WRITER = """
import sys, time
from pathlib import Path
from toolkit.outputs.safe_output import publish
def write(tmp):
    tmp.write_bytes(b"half a master")
    print("writing", flush=True)
    time.sleep(60)
publish(write, Path(sys.argv[1]), keep_backups=3, stamp="s1")
"""


def test_temp_files_of_a_killed_run_are_cleaned_once_the_lock_is_held(tmp_path):
    folder = tmp_path / "in"
    tracker(folder / "IT.xlsx", "T-1")
    master = tmp_path / "out" / "master.xlsx"
    consolidate(folder, master)
    child = subprocess.Popen([sys.executable, "-c", _KILLED_WRITER, str(master)], stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "writing"
        os.kill(child.pid, signal.SIGKILL)                                  # a real kill, mid-write
    finally:
        child.wait(timeout=30)
    left = [p for p in master.parent.iterdir() if p.name.startswith(".master.")]
    assert len(left) == 1                                                  # what a kill leaves behind
    consolidate(folder, master, stamp="2026-11-24 030000")
    assert [p for p in master.parent.iterdir() if p.name.startswith(".master.")] == []


def test_two_runs_in_one_second_never_rotate_away_the_newer_backup(tmp_path):
    dest = tmp_path / "master.xlsx"
    dest.write_bytes(b"v0")
    for n in range(1, 5):
        time.sleep(0.01)
        publish(lambda p, n=n: p.write_bytes(b"v%d" % n), dest, keep_backups=2, stamp="2026-11-24 020000")
    kept = sorted(p.read_bytes() for p in backups_of(dest))
    assert kept == [b"v2", b"v3"]                  # the two newest earlier masters
    assert dest.read_bytes() == b"v4"


@pytest.fixture
def tiny_disk(tmp_path):
    reason = can_mount()
    if reason:
        pytest.skip(reason)
    disk = tmp_path / "disk"
    mount("tmpfs", disk, "size=1m")
    try:
        yield disk
    finally:
        umount(disk)


def test_a_full_disk_leaves_no_truncated_backup_and_the_old_master_whole(tiny_disk):
    dest = tiny_disk / "master.xlsx"
    old = os.urandom(400 * 1024)
    dest.write_bytes(old)
    with pytest.raises(OutputError) as caught:
        publish(lambda p: p.write_bytes(os.urandom(400 * 1024)), dest, keep_backups=5, stamp="s1")
    assert caught.value.exit_code == 3
    assert dest.read_bytes() == old
    assert backups_of(dest) == []                                          # no truncated "backup"
    leftovers = [p.name for p in tiny_disk.rglob("*") if p.is_file() and p != dest]
    assert leftovers == []


def test_a_master_too_big_for_the_disk_is_a_clear_error(tiny_disk):
    dest = tiny_disk / "master.xlsx"
    dest.write_bytes(b"old")
    with pytest.raises(OutputError) as caught:
        publish(lambda p: p.write_bytes(os.urandom(2 * 1024 * 1024)), dest, keep_backups=5, stamp="s1")
    assert "space" in caught.value.message("en") and "空间" in caught.value.message("zh")
    assert dest.read_bytes() == b"old"
    assert [p.name for p in tiny_disk.iterdir() if p.is_file()] == ["master.xlsx"]
