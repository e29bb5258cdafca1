"""One value for one run: everything the outputs need, computed once.

`pipeline.run_validation` and `pipeline.run_consolidation` return a `Run`; every output (the
master, the CLI summary, Word reports, the Excel write-back, emails) takes a Run and a
language, never the pieces. The stages behind each field may change how they compute
(row-wise today, column-wise later); the fields are the contract.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from .config import Settings
from .errors import Finding
from .model import Batch

if TYPE_CHECKING:
    from .consolidate import Consolidated
    from .results import Analysis, Change


@dataclass(frozen=True)
class FileReport:
    """One input file as the findings report shows it."""

    file: str                  # the name people see (with its folder when two inputs share a name)
    path: str                  # full path, for links
    department: str
    readable: bool
    rows: int                  # rows read from its recognised sheets
    findings: tuple[Finding, ...]
    modified: datetime | None = None   # when the file was last saved (mtime read by inputs/)

    @property
    def errors(self) -> int:
        return sum(f.is_error for f in self.findings)

    @property
    def warnings(self) -> int:
        return sum(f.is_warning for f in self.findings)


@dataclass(frozen=True)
class FindingsReport:
    """Every finding of a run, sorted, and grouped once per file (files in input order)."""

    findings: tuple[Finding, ...]
    files: tuple[FileReport, ...]

    @classmethod
    def of(cls, batch: Batch) -> FindingsReport:
        by_file: dict[str, list[Finding]] = {}
        for finding in batch.findings:
            by_file.setdefault(finding.file, []).append(finding)
        files = [FileReport(wb.file, str(wb.path), wb.department, wb.readable, wb.rows_read,
                            tuple(by_file.pop(wb.file, ())), modified=wb.modified) for wb in batch.workbooks]
        # findings about files that were never read as workbooks (links refused, folders empty)
        files += [FileReport(name, found[0].path or "", "", False, 0, tuple(found))
                  for name, found in by_file.items()]
        return cls(tuple(batch.findings), tuple(files))

    @property
    def error_count(self) -> int:
        return sum(f.is_error for f in self.findings)

    @property
    def warning_count(self) -> int:
        return sum(f.is_warning for f in self.findings)

    def for_file(self, file: str) -> tuple[Finding, ...]:
        for report in self.files:
            if report.file == file:
                return report.findings
        return ()


@dataclass(frozen=True)
class SnapshotRef:
    """The earlier run that the changes compare against."""

    as_of: date
    taken_at: str              # the run's stamp, e.g. "2026-11-24 020000"


@dataclass
class Run:
    """What one run produced. Validation-only runs leave the consolidation fields empty."""

    as_of: date
    settings: Settings
    batch: Batch
    findings: FindingsReport
    consolidated: Consolidated | None = None
    analysis: Analysis | None = None
    changes: list[Change] = field(default_factory=list)
    compared_with: SnapshotRef | None = None
    history_url: str = ""
    history_series: str = ""          # the master's own history in that database (issue 8)
    master: Path | None = None        # where the master was written (None: not consolidated)
    conflict: bool = False            # saved as a conflict copy because the master was open or locked
    backup: Path | None = None

    @property
    def red_projects(self) -> list[str]:
        return [p.project for p in self.analysis.projects if p.rag == "red"] if self.analysis else []

    @property
    def previous_snapshot(self) -> date | None:
        return self.compared_with.as_of if self.compared_with else None

    def require_analysis(self) -> Analysis:
        """The analysis of a consolidation run (outputs that need one call this)."""
        if self.analysis is None or self.consolidated is None:
            raise ValueError("this run did not consolidate")
        return self.analysis
