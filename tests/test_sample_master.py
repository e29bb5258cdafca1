"""The master of the sample company, read back cell by cell: every overdue, overloaded, blocked
and high-risk row is flagged and coloured, and nothing else is (issue 3's "done when").

The expectations come from `toolkit.sample` (written with the data, scenario by scenario), not
from the code under test.
"""
from __future__ import annotations

import subprocess

import openpyxl
import pytest
from typer.testing import CliRunner

from conftest import REPO, require_soffice, tree_hashes
import sample_expectations as expect
from toolkit import sample
from toolkit.cli import app
from toolkit.i18n import text
from toolkit.present.palette import FILLS, RISK_FILLS
from toolkit.schema import RISKS, STATUS, TASKS

DONE = next(choice for choice in STATUS if choice.key == "done")

SAMPLE = REPO / "workbooks" / "sample"
FLAG_HEADERS = {"overdue": "master.col.overdue", "due_soon": "master.col.due_soon",
                "behind": "master.col.behind", "overloaded": "master.col.overloaded",
                "blocked": "master.col.blocked"}


def fill_of(cell) -> str | None:
    fill = cell.fill
    if fill is None or fill.fill_type != "solid":
        return None
    rgb = fill.fgColor.rgb
    return "#" + rgb[-6:].upper() if isinstance(rgb, str) else None


def expected_fill(task_id: str, status: str, lang: str) -> str | None:
    flags = expect.EXPECTED_FLAGS.get(task_id, frozenset())
    if "overdue" in flags:
        return FILLS["overdue"]
    if task_id in expect.DATA_ISSUE_TASKS:
        return FILLS["data_issue"]
    if "blocked" in flags:          # blocked rows are coloured since issue 10
        return FILLS["blocked"]
    if "overloaded" in flags:
        return FILLS["overloaded"]
    if flags & {"due_soon", "behind"}:
        return FILLS["amber"]
    if status == DONE.label(lang):
        return FILLS["done"]
    return None


@pytest.fixture(scope="module", params=["en", "zh"])
def master(request, tmp_path_factory):
    lang = request.param
    out = tmp_path_factory.mktemp(f"master_{lang}")
    before = tree_hashes(SAMPLE)
    result = CliRunner().invoke(app, ["consolidate", str(SAMPLE), "-o", str(out / "master.xlsx"),
                                      "--as-of", sample.SAMPLE_AS_OF.isoformat(), "--lang", lang],
                                catch_exceptions=False)
    assert result.exit_code == 1, result.output        # the sample has deliberate errors (issue 8: exit 1)
    assert tree_hashes(SAMPLE) == before
    return lang, out / "master.xlsx", result.output


def sheet_rows(book, title):
    ws = book[title]
    headers = [c.value for c in ws[1]]
    return headers, [dict(zip(headers, row)) for row in ws.iter_rows(min_row=2) if row[0].value is not None]


def test_every_task_row_has_exactly_its_flags_and_fill(master):
    lang, path, _ = master
    book = openpyxl.load_workbook(path)
    headers, rows = sheet_rows(book, TASKS.title(lang))
    id_header, status_header = headers[0], headers[7]
    flag_header = {flag: text(key, lang) for flag, key in FLAG_HEADERS.items()}
    seen = set()
    for row in rows:
        task_id = row[id_header].value
        seen.add(task_id)
        expected = expect.EXPECTED_FLAGS.get(task_id, frozenset())
        shown = {flag for flag, header in flag_header.items() if row[header].value not in (None, "")}
        assert shown == expected, (task_id, shown, expected)
        status = row[status_header].value
        want = expected_fill(task_id, status, lang)
        got = {fill_of(cell) for cell in row.values()}
        assert got == {want}, (task_id, got, want)
    assert set(expect.EXPECTED_FLAGS) <= seen


def test_overload_note_names_owner_week_and_hours(master):
    lang, path, _ = master
    book = openpyxl.load_workbook(path)
    headers, rows = sheet_rows(book, TASKS.title(lang))
    overloaded = text(FLAG_HEADERS["overloaded"], lang)
    notes = [row[overloaded].value for row in rows if row[overloaded].value]
    assert notes and all("王磊" in n and "2026-W48" in n and "52" in n and "40" in n for n in notes)


def test_high_risks_and_only_those_are_red(master):
    lang, path, _ = master
    book = openpyxl.load_workbook(path)
    headers, rows = sheet_rows(book, RISKS.title(lang))
    level_header = text("master.col.level", lang)
    high = {row[headers[0]].value for row in rows
            if fill_of(row[level_header]) == RISK_FILLS["high"]}
    assert high == set(expect.HIGH_RISK_IDS)


def test_summary_and_projects(master):
    lang, path, output = master
    assert str(len(expect.OVERLOADED_OWNERS)) in output
    for project in expect.EXPECTED_RED_PROJECTS:
        assert project in output
    assert "Traceback" not in output


def test_findings_sheet_lists_the_deliberate_errors(master):
    lang, path, _ = master
    book = openpyxl.load_workbook(path)
    ws = book[text("sheet.findings", lang)]
    places = {str(c.value) for row in ws.iter_rows(min_row=2) for c in row if c.value}
    sep = text("place.sep", lang)
    for file, sheet, cell, _code in expect.DELIBERATE_FINDINGS:
        assert sep.join((file, sheet, cell)) in places, (file, sheet, cell)


@pytest.mark.client
def test_libreoffice_opens_the_sample_master(master, tmp_path):
    soffice = require_soffice()
    lang, path, _ = master
    done = subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/profile",
                           "--convert-to", "pdf", "--outdir", str(tmp_path), str(path)],
                          capture_output=True, timeout=240)
    pdf = tmp_path / "master.pdf"
    assert done.returncode == 0 and pdf.exists() and pdf.stat().st_size > 10_000, done.stderr
