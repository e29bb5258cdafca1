"""Shared test helpers: a factory that writes real workbooks with real libraries."""
from __future__ import annotations

import hashlib
import os
from datetime import date
from pathlib import Path

import openpyxl
import pytest

AS_OF = date(2026, 11, 24)
REPO = Path(__file__).resolve().parent.parent


def _find_corpus() -> Path:
    """The shared real-world corpus: $TOOLKIT_CORPUS, else ../shared/corpus beside the clone,
    else the team's workspace copy (CI clones main elsewhere)."""
    candidates = [os.environ.get("TOOLKIT_CORPUS", ""), REPO.parent / "shared" / "corpus",
                  "/work/shared/corpus"]
    for candidate in candidates:
        if candidate and Path(candidate, "README.md").is_file():
            return Path(candidate)
    return REPO.parent / "shared" / "corpus"


CORPUS = _find_corpus()
IN_CI = os.environ.get("CI") == "true"


def require(what: str, present: bool) -> None:
    """Skip a test whose real part is missing here; in CI a missing part is a failure, never a skip."""
    if present:
        return
    if IN_CI:
        pytest.fail(f"{what} is required in CI and is missing")
    pytest.skip(f"{what} is not available on this machine")


def require_corpus() -> Path:
    require(f"the shared corpus ({CORPUS})", CORPUS.exists())
    return CORPUS


def require_soffice() -> str:
    """The LibreOffice binary (soffice), required in CI."""
    import shutil

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    require("LibreOffice (soffice)", soffice is not None)
    assert soffice is not None
    return soffice

TASK_HEADERS = ["Task ID", "Project", "Task", "Department", "Owner", "Start", "Due", "Status",
                "% Complete", "Est. Hours", "Priority", "Depends On", "Milestone", "Completed On", "Notes"]


def write_workbook(path: Path, sheets: dict[str, list[list]]) -> Path:
    """Write `sheets` ({name: rows}) as a real .xlsx with openpyxl; first sheet first."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def workbook_content(path: Path) -> dict:
    """What a person sees in a workbook, read back with openpyxl: per sheet its state, frozen
    panes, column widths, data validations and every cell's value, number format, fill and bold.
    Generated files are compared by this, not by bytes, so a new XlsxWriter release that
    writes the same workbook differently does not fail the tests."""
    book = openpyxl.load_workbook(path)
    content = {}
    for ws in book.worksheets:
        cells = {}
        for row in ws.iter_rows():
            for cell in row:
                if cell.value is None and cell.fill.fill_type is None:
                    continue
                cells[cell.coordinate] = (cell.value, cell.number_format, cell.fill.fill_type,
                                          str(cell.fill.fgColor.rgb), bool(cell.font.b))
        validations = sorted((str(v.sqref), v.type, v.formula1, v.formula2, v.operator)
                             for v in ws.data_validations.dataValidation)
        widths = {key: dim.width for key, dim in ws.column_dimensions.items()}
        content[ws.title] = {"state": ws.sheet_state, "freeze": ws.freeze_panes, "widths": widths,
                             "validations": validations, "cells": cells}
    return content


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def tree_hashes(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): sha256(p) for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def make_workbook(tmp_path):
    """make_workbook("IT.xlsx", {"Tasks": [headers, row, ...], "Team": [...]}) -> Path"""

    def factory(name: str, sheets: dict[str, list[list]], folder: Path | None = None) -> Path:
        return write_workbook((folder or tmp_path / "in") / name, sheets)

    return factory
