"""The pipelines every entry point calls: read → validate → (consolidate → analyze → write).

Functions of their inputs, the settings and `as_of`; only entry points read the clock.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from .config import Settings
from .errors import Finding, InputError
from .io.reader import read_workbook
from .io.safe_open import discover_inputs
from .model import Batch, WorkbookData
from .validate import sort_findings, validate_batch

Progress = Callable[[Path], None]


def read_inputs(paths: Sequence[Path], settings: Settings, progress: Progress | None = None,
                on_count: Callable[[int], None] | None = None) -> Batch:
    """Read every workbook under `paths` (files or folders). Unreadable files become findings."""
    files, found = discover_inputs([Path(p) for p in paths])
    if not files and not found:
        shown = ", ".join(str(p) for p in paths)
        raise InputError(f"no workbooks found in {shown}", f"在 {shown} 中未找到工作簿")
    if on_count:
        on_count(len(files))
    workbooks: list[WorkbookData] = []
    for path in files:
        workbooks.append(read_workbook(path, limits=settings.limits, file_label=_label(path, files)))
        if progress:
            progress(path)
    return Batch(workbooks=workbooks, findings=list(found))


def _label(path: Path, files: list[Path]) -> str:
    """The file name people see; the parent folder too when two inputs share a name."""
    same = [f for f in files if f.name == path.name]
    return path.name if len(same) == 1 else f"{path.parent.name}/{path.name}"


def run_validation(paths: Sequence[Path], settings: Settings, as_of: date,
                   progress: Progress | None = None,
                   on_count: Callable[[int], None] | None = None) -> Batch:
    batch = read_inputs(paths, settings, progress, on_count)
    batch.findings = sort_findings(batch.findings + validate_batch(batch, as_of))
    return batch


@dataclass
class FileSummary:
    file: str
    errors: int
    warnings: int
    readable: bool


def summarize_files(batch: Batch) -> list[FileSummary]:
    by_file: dict[str, list[Finding]] = {}
    for finding in batch.findings:
        by_file.setdefault(finding.file, []).append(finding)
    summaries = []
    for wb in batch.workbooks:
        found = by_file.get(wb.file, [])
        summaries.append(FileSummary(wb.file, sum(f.is_error for f in found),
                                     sum(not f.is_error for f in found), wb.readable))
    return summaries
