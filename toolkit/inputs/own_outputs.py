"""Inputs the toolkit must not read: its own outputs, and the same workbook met twice.

Every master (and so every backup and conflict copy of one) and every annotated copy carries a
custom document property `Ops Tracker Toolkit` (Excel keeps custom properties when a user saves
the file), so it is recognised by content wherever it lies and whatever it is called. A file
whose bytes equal an earlier input's (a copy, or NFC/NFD twins of one name) is counted once: the later copy is dropped.
"""
from __future__ import annotations

import re
import zipfile
from pathlib import Path

from ..digest import size_and_sha256
from ..errors import Bilingual, Finding, Severity
from ..i18n import TEXT

MARKER = "Ops Tracker Toolkit"          # the custom document property every output carries
_MARKER_VALUE = re.compile(rb'name="' + re.escape(MARKER.encode()) + rb'"[^>]*>\s*<[^>]*>([^<]*)<')
BACKUP_FOLDER = "backups"


def toolkit_output_kind(path: Path) -> str | None:
    """"master", "backup", "conflict" or "annotated" for a file this toolkit wrote; else None."""
    try:
        with open(path, "rb") as handle:
            if handle.read(4) != b"PK\x03\x04":
                return None
        with zipfile.ZipFile(path) as archive:
            name = next((n for n in archive.namelist() if n.lower() == "docprops/custom.xml"), None)
            if name is None or archive.getinfo(name).file_size > 1_000_000:
                return None
            data = archive.read(name)
    except (OSError, zipfile.BadZipFile, ValueError, KeyError, EOFError, NotImplementedError):
        return None
    found = _MARKER_VALUE.search(data)
    if found is None:
        return None
    if found.group(1).strip() == b"annotated":
        return "annotated"
    if path.parent.name == BACKUP_FOLDER:
        return "backup"
    if "(conflict " in path.name:
        return "conflict"
    return "master"


def own_output_finding(path: Path, label: str, kind: str) -> Finding:
    return Finding("own-output-skipped", Severity.WARNING, label, path=str(path),
                   params={"what": Bilingual(*TEXT[f"own.{kind}"])})


def content_key(path: Path) -> tuple[int, str] | None:
    """(size, sha-256) of a file's bytes; None when it cannot be read (the reader says why)."""
    try:
        return size_and_sha256(path)
    except OSError:
        return None


def duplicate_finding(path: Path, label: str, other: str) -> Finding:
    return Finding("duplicate-file", Severity.WARNING, label, path=str(path), params={"other": other})
