"""Helpers shared by the tests/test_safety_*.py files (issue 8): real workbooks, edited as zips."""
from __future__ import annotations

import re
import shutil
import struct
import subprocess
import zipfile
from datetime import date
from pathlib import Path

from conftest import TASK_HEADERS, write_workbook

TEAM = [["Name", "Department", "Role", "Weekly Capacity (h)"], ["张伟", "IT", "Dev", 40]]
PROJECTS = [["Project", "Sponsor"], ["P1", "CEO"]]


def task(task_id: str, **over) -> list:
    base = {"Task ID": task_id, "Project": "P1", "Task": f"Do {task_id}", "Owner": "张伟",
            "Start": date(2026, 11, 2), "Due": date(2026, 11, 30), "Status": "In progress",
            "% Complete": 0.5, "Est. Hours": 8}
    base.update(over)
    return [base.get(h) for h in TASK_HEADERS]


def tracker(path: Path, *ids: str, sheets: dict | None = None, **over) -> Path:
    """A department workbook with one Tasks row per ID (plus Team and Projects)."""
    content = {"Tasks": [TASK_HEADERS, *(task(i, **over) for i in ids)], "Team": TEAM, "Projects": PROJECTS}
    content.update(sheets or {})
    return write_workbook(path, content)


def rezip(source: Path, target: Path, replace: dict[str, bytes] | None = None,
          extra: dict[str, bytes] | None = None, drop: tuple[str, ...] = ()) -> Path:
    """A copy of the package `source` with parts replaced, added or dropped (real zip, real CRCs)."""
    replace = replace or {}
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            if info.filename in drop:
                continue
            new.writestr(info.filename, replace.get(info.filename, old.read(info.filename)))
        for name, data in (extra or {}).items():
            new.writestr(name, data)
    return target


def part(path: Path, name: str) -> bytes:
    with zipfile.ZipFile(path) as archive:
        return archive.read(name)


def sheet_part(path: Path, sheet: str) -> str:
    """The worksheet part of `sheet` (by the workbook's relationships)."""
    workbook = part(path, "xl/workbook.xml").decode()
    rels = part(path, "xl/_rels/workbook.xml.rels").decode()
    rel_id = re.search(r'<sheet [^>]*name="' + re.escape(sheet) + r'"[^>]*r:id="([^"]+)"', workbook).group(1)
    target = re.search(r'<Relationship [^>]*Id="' + rel_id + r'"[^>]*Target="([^"]+)"', rels) or \
        re.search(r'<Relationship [^>]*Target="([^"]+)"[^>]*Id="' + rel_id + '"', rels)
    found = target.group(1)
    return found.lstrip("/") if found.startswith("/") else "xl/" + found


def lie_about_size(path: Path, name: str, size: int) -> None:
    """Patch the local header and the central directory so that part `name` claims `size` bytes."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(name)
    struct.pack_into("<I", data, info.header_offset + 22, size)          # local header: uncompressed size
    encoded = name.encode()
    at = 0
    while True:
        at = data.find(b"PK\x01\x02", at)
        if at < 0:
            break
        name_length = struct.unpack_from("<H", data, at + 28)[0]
        if bytes(data[at + 46:at + 46 + name_length]) == encoded:
            struct.pack_into("<I", data, at + 24, size)                    # central: uncompressed size
        at += 4
    path.write_bytes(bytes(data))


def can_mount() -> str | None:
    """None when this process may mount a tmpfs (root with CAP_SYS_ADMIN), else the reason."""
    probe = Path("/tmp") / "toolkit-mount-probe"
    probe.mkdir(exist_ok=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(probe)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        return f"cannot mount a tmpfs here: {done.stderr.strip() or done.returncode}"
    subprocess.run(["umount", str(probe)], capture_output=True)
    shutil.rmtree(probe, ignore_errors=True)
    return None


def mount(kind: str, folder: Path, options: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run(["mount", "-t", kind, "-o", options, kind, str(folder)], check=True, capture_output=True)


def umount(folder: Path) -> None:
    subprocess.run(["umount", "-l", str(folder)], capture_output=True)
