"""Closing a project: the archive folder with its manifest, and the cross-project lessons register.

- `write_archive(folder, files)` copies files into `archive/<project>/<date>/` (sources/,
  master/, reports/) with `manifest.csv` (file, size, sha256). The folder is filled under a
  temporary name and renamed at the end, so an archive is complete or absent; an existing
  archive is never overwritten (OutputError "archive_exists").
- `append_lessons(register, lessons, lang)` adds a project's lessons to `lessons_register.xlsx`
  (openpyxl: the register is edited in place), skipping any lesson already there (same
  project and same lesson text, ignoring case and spacing).
"""
from __future__ import annotations

import csv
import os
import re
import shutil
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..digest import sha256_of
from ..errors import OutputError
from ..i18n import text

MANIFEST = "manifest.csv"
REGISTER_NAME = "lessons_register.xlsx"
LESSON_COLUMNS = ("project", "type", "lesson", "action", "owner", "due", "closed_on", "archive")
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')


def safe_name(name: str) -> str:
    """A file or folder name from a project name (Chinese kept; path characters replaced)."""
    cleaned = _UNSAFE.sub("_", name).strip(" .")
    return cleaned or "_"



@dataclass(frozen=True)
class ArchivedFile:
    file: str          # path inside the archive, "sources/IT.xlsx"
    size: int
    sha256: str

    def as_dict(self) -> dict[str, Any]:
        return {"file": self.file, "size": self.size, "sha256": self.sha256}


def index_files(files: Sequence[tuple[Path, str]]) -> list[ArchivedFile]:
    """The manifest rows of `files` ((source path, subfolder)) before they are copied."""
    return [ArchivedFile(f"{sub}/{path.name}", path.stat().st_size, sha256_of(path)) for path, sub in files]


def write_archive(folder: Path, files: Sequence[tuple[Path, str]]) -> list[ArchivedFile]:
    """Copy `files` ((path, subfolder)) into `folder` with a manifest; never overwrites."""
    if folder.exists():
        raise OutputError("archive_exists", folder=folder)
    partial = folder.with_name(f".{folder.name}.partial")
    try:
        shutil.rmtree(partial, ignore_errors=True)
        partial.mkdir(parents=True)
        entries = []
        for path, sub in files:
            target = partial / sub / path.name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)
            entries.append(ArchivedFile(f"{sub}/{path.name}", target.stat().st_size, sha256_of(target)))
        with open(partial / MANIFEST, "w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["file", "size", "sha256"])
            writer.writerows([e.file, e.size, e.sha256] for e in entries)
        if folder.exists():            # made meanwhile by another run: keep theirs
            raise OutputError("archive_exists", folder=folder)
        os.rename(partial, folder)
    except OSError as exc:
        shutil.rmtree(partial, ignore_errors=True)
        raise OutputError("output_not_writable", folder=folder.parent, reason=exc.strerror or exc) from exc
    except OutputError:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return entries


def _key(project: Any, lesson: Any) -> tuple[str, str]:
    def norm(value: Any) -> str:
        return " ".join(str(value or "").split()).casefold()
    return norm(project), norm(lesson)


@dataclass(frozen=True)
class RegisterUpdate:
    path: Path
    added: int
    known: int


def append_lessons(register: Path, lessons: Sequence[Mapping[str, Any]], lang: str) -> RegisterUpdate:
    """Add `lessons` (dicts with LESSON_COLUMNS keys) to the register, each at most once."""
    from openpyxl import Workbook, load_workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    try:
        if register.exists():
            book = load_workbook(register)
            sheet = book.worksheets[0]
        else:
            book = Workbook()
            sheet = book.active
            sheet.title = text("lessons.sheet", lang)
            sheet.append([text(f"lessons.col.{c}", lang) for c in LESSON_COLUMNS])
            for cell in sheet[1]:
                cell.font = Font(bold=True)
                cell.fill = PatternFill("solid", fgColor="DDEBF7")
            sheet.freeze_panes = "A2"
            for letter, width in zip("ABCDEFGH", (18, 10, 48, 40, 10, 12, 14, 40)):
                sheet.column_dimensions[letter].width = width
        known = {_key(row[0], row[2]) for row in sheet.iter_rows(min_row=2, max_col=3, values_only=True)}
        added = seen = 0
        for lesson in lessons:
            key = _key(lesson.get("project"), lesson.get("lesson"))
            if key in known:
                seen += 1
                continue
            known.add(key)
            sheet.append([_as_text(lesson.get(c)) for c in LESSON_COLUMNS])
            for cell in sheet[sheet.max_row]:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    cell.data_type = "s"     # a lesson that starts with "=" stays a sentence
            added += 1
        register.parent.mkdir(parents=True, exist_ok=True)
        partial = register.with_name(f".{register.stem}.partial.xlsx")
        book.save(partial)
        os.replace(partial, register)
    except OSError as exc:
        raise OutputError("lessons_register", path=register, reason=exc.strerror or exc) from exc
    except Exception as exc:  # noqa: BLE001 - openpyxl's errors on a damaged register, wrapped once here
        raise OutputError("lessons_register", path=register, reason=exc) from exc
    return RegisterUpdate(register, added, seen)


def _as_text(value: Any) -> str | None:
    return None if value is None or value == "" else str(value)
