"""The findings report as plain data: per file, one row per finding, in a language.

Shared by the CLI table, the `--json` payload, the demo's text report, the master's Findings
sheet and the Excel write-back.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..errors import Finding
from ..i18n import text
from ..run import FindingsReport, Run


@dataclass(frozen=True)
class FindingRow:
    place: str          # "Sheet › D14" inside its file, "—" for the file as a whole
    full_place: str     # "客服部.xlsx › Tasks › D14"
    severity: str       # "error" | "warning"
    severity_label: str
    code: str
    message: str


@dataclass(frozen=True)
class FileFindings:
    file: str
    rows: list[FindingRow]


def finding_row(finding: Finding, lang: str) -> FindingRow:
    place = " › ".join(p for p in (finding.sheet, finding.cell) if p) or "—"
    return FindingRow(place, finding.place(lang), finding.severity.value,
                      text(f"severity.{finding.severity.value}", lang), finding.code, finding.message(lang))


def findings_by_file(report: FindingsReport, lang: str) -> list[FileFindings]:
    """Files with findings, in input order, each with its rows."""
    return [FileFindings(f.file, [finding_row(x, lang) for x in f.findings]) for f in report.files if f.findings]


def summary_line(report: FindingsReport, lang: str) -> str:
    files = len(report.files)
    if not report.findings:
        return text("validate.clean", lang, files=files)
    return text("validate.summary", lang, files=files, errors=report.error_count, warnings=report.warning_count)


def findings_payload(run: Run, lang: str) -> dict[str, Any]:
    """What `toolkit validate --json` prints."""
    report = run.findings
    return {
        "as_of": run.as_of.isoformat(),
        "files": [{"file": f.file, "errors": f.errors, "warnings": f.warnings, "readable": f.readable}
                  for f in report.files],
        "errors": report.error_count,
        "warnings": report.warning_count,
        "findings": [f.as_dict(lang) for f in report.findings],
    }


def findings_text(report: FindingsReport, lang: str) -> str:
    """One tab-separated line per finding and the summary: the demo's findings_<lang>.txt."""
    lines = [f"{r.full_place}\t{r.severity_label}\t{r.code}\t{r.message}"
             for f in report.findings for r in [finding_row(f, lang)]]
    lines.append(summary_line(report, lang))
    return "\n".join(lines) + "\n"
