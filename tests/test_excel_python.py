"""The Excel button entry points (toolkit.excel) against a stand-in for xlwings on real files.

The stand-in (tests/excel_fake.py) offers exactly the xlwings calls the entry points make;
the first tests hold every one of them to the real xlwings classes.
"""
from __future__ import annotations

import inspect
import shutil
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
import xlwings
import xlwings.main
from conftest import AS_OF, REPO
from excel_fake import FAKES, FakeBook

from toolkit import excel, pipeline
from toolkit.config import load_settings
from toolkit.excel_writeback import (
    CellState,
    Mark,
    findings_table,
    hex_color,
    plan_marks,
    plan_restores,
    status_name,
)
from toolkit.i18n import text_in

text = text_in("excel")
from toolkit.outputs.excel_build import build_control_panel
from toolkit.present.findings import summary_line

NOW = datetime(2026, 11, 24, 8, 30, 0)
SAMPLE = REPO / "workbooks" / "sample"


# ---------------------------------------------------------------- the stand-in matches xlwings

def _members(fake: type) -> list[str]:
    return [name for name in vars(fake) if not name.startswith("_") and name != "REAL"
            or name in ("__getitem__", "__contains__", "__iter__")]


def _shape(func) -> list[tuple]:
    params = list(inspect.signature(func).parameters.values())
    return [(p.name, p.kind, p.default) for p in params]


@pytest.mark.parametrize("fake", FAKES, ids=lambda f: f.REAL)
def test_fake_calls_exist_on_real_xlwings_with_same_signature(fake):
    real = getattr(xlwings.main, fake.REAL)
    assert _members(fake), fake
    for name in _members(fake):
        mine = inspect.getattr_static(fake, name)
        theirs = inspect.getattr_static(real, name, None)
        assert theirs is not None, f"xlwings.{fake.REAL} has no {name}"
        if isinstance(mine, property):
            assert isinstance(theirs, property), f"{fake.REAL}.{name} is not a property in xlwings"
            if mine.fset is not None:
                assert theirs.fset is not None, f"{fake.REAL}.{name} cannot be set in xlwings"
        elif isinstance(mine, classmethod):
            assert isinstance(theirs, classmethod), f"{fake.REAL}.{name} is not a classmethod in xlwings"
            assert _shape(getattr(fake, name)) == _shape(getattr(real, name))
        else:
            assert callable(theirs), f"{fake.REAL}.{name}"
            assert _shape(mine) == _shape(theirs), f"{fake.REAL}.{name}"


def test_fake_covers_every_xlwings_call_the_adapter_makes():
    """Each attribute the adapter reads off an xlwings object is one the stand-in offers."""
    source = inspect.getsource(excel.BookAdapter)
    offered = {name for fake in FAKES for name in _members(fake)}
    used = {word for word in ("caller", "fullname", "save", "names", "sheets", "app", "refers_to",
                              "refers_to_range", "value", "used_range", "add", "clear", "range", "color",
                              "column_width", "note", "delete", "add_note", "text", "alert", "books", "open")
            if f".{word}" in source}
    assert used <= offered | {"caller"}
    assert "refers_to_range" in used and "add_note" in used


# ---------------------------------------------------------------- a PMO folder with the control panel

@pytest.fixture
def pmo(tmp_path, monkeypatch):
    """tmp/pmo: toolkit.toml, inputs/ with copies of the sample workbooks, the English control panel."""
    folder = tmp_path / "pmo"
    shutil.copytree(SAMPLE, folder / "inputs")
    (folder / "toolkit.toml").write_text('language = "en"\n', encoding="utf-8")
    build_control_panel("en", folder / "control_panel_en.xlsm")
    return folder


def _press(monkeypatch, path: Path, entry, **kwargs) -> FakeBook:
    book = FakeBook(path, **kwargs)
    monkeypatch.setattr(xlwings, "Book", FakeBook)
    monkeypatch.setattr(FakeBook, "_current", book)
    entry(as_of=AS_OF, now=NOW)
    return book



def _status(book: FakeBook, job: str) -> list:
    return book.names[status_name(job)].refers_to_range.value


def _findings_rows(book: FakeBook, name: str) -> list[list]:
    ws = book._wb[name]
    return [list(row) for row in ws.iter_rows(min_row=2, values_only=True)]


def test_validate_all_writes_the_same_findings_as_the_cli(pmo, monkeypatch):
    book = _press(monkeypatch, pmo / "control_panel_en.xlsm", excel.validate_all)
    run = pipeline.run_validation([pmo / "inputs"], load_settings(base_dir=pmo), AS_OF)
    expected = list(run.findings.findings)
    assert expected, "the sample company has findings"
    rows = _findings_rows(book, "Findings")
    assert [(r[0], r[2], r[3]) for r in rows] == [(f.place("en"), f.message("en"), f.code) for f in expected]
    errors = sum(f.is_error for f in expected)
    assert _status(book, "validate_all") == [NOW, f"{errors} errors, {len(expected) - errors} warnings",
                                             book.app._alerts[0]["prompt"]]
    alert = book.app._alerts[-1]
    assert alert["mode"] == "critical"
    assert alert["prompt"] == summary_line(run.findings, "en") + "\nThe Findings sheet lists them."
    assert book._saves == 1
    red = book._wb["Findings"]["B2"].fill.fgColor.rgb
    assert str(red).endswith("FFC7CE") or str(red).endswith("FFEB9C")


def test_consolidate_now_writes_the_master_and_open_master_opens_it(pmo, monkeypatch):
    panel = pmo / "control_panel_en.xlsm"
    before = _press(monkeypatch, panel, excel.open_master)
    assert "no master yet" in before.app._alerts[-1]["prompt"] and before.app.books._opened == []
    assert _status(before, "open_master")[1] == "Failed"

    book = _press(monkeypatch, panel, excel.consolidate_now)
    master = pmo / "output" / "master.xlsx"
    assert master.is_file()
    assert openpyxl.load_workbook(master, read_only=True).sheetnames[0] == "Dashboard"
    prompt = book.app._alerts[-1]["prompt"]
    assert f"Master written to {master}" in prompt and " tasks · " in prompt
    assert _status(book, "consolidate_now")[0] == NOW

    opened = _press(monkeypatch, panel, excel.open_master)
    assert opened.app.books._opened == [str(master)]
    assert _status(opened, "open_master")[1] == "OK"


def test_weekly_report_says_when_the_pipeline_has_none(pmo, monkeypatch):
    monkeypatch.delattr(pipeline, "run_weekly_report", raising=False)
    book = _press(monkeypatch, pmo / "control_panel_en.xlsm", excel.weekly_report)
    assert book.app._alerts[-1]["prompt"] == text("msg.report_unavailable", "en")
    assert _status(book, "weekly_report")[1] == "Not available"


def test_weekly_report_calls_the_pipeline_when_it_exists(pmo, monkeypatch):
    calls = []

    def run_weekly_report(paths, settings, as_of, *, output, stamp, lang):
        calls.append((paths, as_of, output, stamp, lang))
        return output / "weekly.docx"

    monkeypatch.setattr(pipeline, "run_weekly_report", run_weekly_report, raising=False)
    book = _press(monkeypatch, pmo / "control_panel_en.xlsm", excel.weekly_report)
    assert calls == [([pmo / "inputs"], AS_OF, pmo / "output", "2026-11-24 083000", "en")]
    assert str(pmo / "output" / "weekly.docx") in book.app._alerts[-1]["prompt"]


def _department(tmp_path: Path, name: str, lang: str = "en") -> Path:
    folder = tmp_path / "dept"
    folder.mkdir(exist_ok=True)
    shutil.copy(SAMPLE / name, folder / name)
    (folder / "toolkit.toml").write_text(f'language = "{lang}"\n', encoding="utf-8")
    return folder / name


def test_validate_this_workbook_marks_cells_and_keeps_the_users_own(tmp_path, monkeypatch):
    path = _department(tmp_path, "采购部.xlsx")
    run = pipeline.run_validation([path], load_settings(base_dir=path.parent), AS_OF)
    expected = [f for f in run.findings.findings if f.cell]
    assert expected
    first = expected[0]
    # the user's own fill and note on a cell that has a finding
    wb = openpyxl.load_workbook(path)
    wb[first.sheet][first.cell].fill = openpyxl.styles.PatternFill("solid", fgColor="FF00B0F0")
    wb[first.sheet][first.cell].comment = openpyxl.comments.Comment("checked with Li", "Li")
    wb.save(path)

    book = _press(monkeypatch, path, excel.validate_this_workbook)
    cell = book._wb[first.sheet][first.cell]
    assert str(cell.fill.fgColor.rgb).endswith("FFC7CE" if first.is_error else "FFEB9C")
    assert first.message("en") in cell.comment.text and cell.comment.text.endswith("checked with Li")
    for finding in expected:
        assert book._wb[finding.sheet][finding.cell].comment is not None
    rows = _findings_rows(book, "Findings")
    assert len(rows) >= len(expected)
    assert "error(s)" in book.app._alerts[-1]["prompt"]

    # press again on the marked, saved workbook: same marks, the user's note kept once
    book.save()
    again = _press(monkeypatch, path, excel.validate_this_workbook)
    cell = again._wb[first.sheet][first.cell]
    assert cell.comment.text.count("checked with Li") == 1 and cell.comment.text.count("Ops Tracker Toolkit") == 1
    assert _findings_rows(again, "Findings") == rows

    # the restore plan read from the Findings sheet gives the user's cell back as it was
    restored = {(m.sheet, m.cell): m.state for m in plan_restores(rows)}
    assert restored[(first.sheet, first.cell)] == CellState("#00B0F0", "checked with Li")


def test_validate_this_workbook_in_chinese(tmp_path, monkeypatch):
    path = _department(tmp_path, "客服部.xlsx", lang="zh")
    book = _press(monkeypatch, path, excel.validate_this_workbook)
    assert "问题清单" in book._wb.sheetnames
    header = [c.value for c in book._wb["问题清单"][1]][:3]
    assert header == ["位置", "级别", "说明"]
    assert "本工作簿有" in book.app._alerts[-1]["prompt"]


def test_department_template_is_clean_and_answers_in_its_language(tmp_path, monkeypatch):
    from toolkit.outputs.excel_build import build_department_tracker

    path = build_department_tracker("zh", tmp_path / "dept" / "department_tracker_zh.xlsm")
    (tmp_path / "dept" / "toolkit.toml").write_text('language = "en"\n', encoding="utf-8")
    book = _press(monkeypatch, path, excel.validate_this_workbook)
    assert book.app._alerts[-1]["prompt"] == text("msg.this_clean", "zh")   # ToolkitLanguage wins over the toml


def test_a_bad_setting_is_a_message_box_not_a_traceback(pmo, monkeypatch):
    (pmo / "toolkit.toml").write_text("[thresholds]\ndue_soon_days = -1\n", encoding="utf-8")
    book = _press(monkeypatch, pmo / "control_panel_en.xlsm", excel.validate_all)
    alert = book.app._alerts[-1]
    assert alert["mode"] == "critical" and "due_soon_days" in alert["prompt"]
    assert "Traceback" not in alert["prompt"]
    assert _status(book, "validate_all")[1] == "Failed"


def test_an_unexpected_error_is_a_message_box_in_the_users_language(tmp_path, monkeypatch):
    path = build_control_panel("zh", tmp_path / "control_panel_zh.xlsm")

    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(pipeline, "run_validation", broken)
    book = _press(monkeypatch, path, excel.validate_all)
    alert = book.app._alerts[-1]
    assert alert["prompt"].startswith("工具内部出错") and "RuntimeError" in alert["prompt"]
    assert alert["title"] == "运营项目跟踪工具"
    assert _status(book, "validate_all")[1] == "失败"


def test_a_never_saved_workbook_is_asked_to_be_saved_first(pmo, monkeypatch):
    book = _press(monkeypatch, pmo / "control_panel_en.xlsm", excel.validate_all, fullname="Book1")
    assert book.app._alerts[-1]["prompt"] == text("msg.unsaved", "en") and book._saves == 0


# ---------------------------------------------------------------- pure write-back plans

def test_plan_marks_one_note_per_cell_worst_fill_wins():
    from toolkit.errors import Finding, Severity

    findings = [Finding("bad-date", Severity.WARNING, "a.xlsx", "Tasks", "G9", value="x"),
                Finding("due-before-start", Severity.ERROR, "a.xlsx", "Tasks", "G9"),
                Finding("missing-column", Severity.ERROR, "a.xlsx", "Tasks", None)]
    marks = plan_marks(findings, "en", {("Tasks", "G9"): CellState(None, "mine")})
    assert len(marks) == 1 and marks[0].state.fill == "#FFC7CE"
    assert marks[0].state.note.splitlines()[0] == "Ops Tracker Toolkit"
    assert marks[0].state.note.endswith("—\nmine") and marks[0].state.note.count("\n") == 4
    table = findings_table(findings, "en", {("Tasks", "G9"): CellState("#00B0F0", "mine")})
    assert [r[6:] for r in table.rows] == [["G9", "#00B0F0", "mine"], ["G9", "#00B0F0", "mine"], ["", "", ""]]
    assert plan_restores(table.rows) == [Mark("Tasks", "G9", CellState("#00B0F0", "mine"))]


@pytest.mark.parametrize("value,expected", [((255, 199, 206), "#FFC7CE"), ("#ffc7ce", "#FFC7CE"),
                                            (0xCEC7FF, "#FFC7CE"), (None, None)])
def test_hex_color(value, expected):
    assert hex_color(value) == expected


def test_fixing_a_cell_and_pressing_again_gives_the_cell_back(tmp_path, monkeypatch):
    """Step 4 of the manual check in README.md (Excel buttons), on Linux."""
    from datetime import date

    from toolkit.outputs.excel_build import build_department_tracker

    path = build_department_tracker("zh", tmp_path / "dept" / "department_tracker_zh.xlsm")
    wb = openpyxl.load_workbook(path, keep_vba=True)
    tasks = wb["任务清单"]
    due = next(c.column_letter for c in tasks[1] if c.value == "截止日期")
    original = tasks[f"{due}3"].value
    tasks[f"{due}3"].value = datetime(2026, 3, 1)
    wb.save(path)

    book = _press(monkeypatch, path, excel.validate_this_workbook)
    cell = book._wb["任务清单"][f"{due}3"]
    assert str(cell.fill.fgColor.rgb).endswith("FFC7CE") and "截止日期" in cell.comment.text
    assert [r[3] for r in _findings_rows(book, "问题清单")] == ["due-before-start"]
    book.save()

    wb = openpyxl.load_workbook(path, keep_vba=True)
    wb["任务清单"][f"{due}3"].value = original
    wb.save(path)
    again = _press(monkeypatch, path, excel.validate_this_workbook)
    cell = again._wb["任务清单"][f"{due}3"]
    assert cell.fill.fill_type is None and cell.comment is None
    assert _findings_rows(again, "问题清单") == []
    assert again.app._alerts[-1]["prompt"] == text("msg.this_clean", "zh")
    assert isinstance(original, datetime) and original.date() > date(2026, 3, 1)


def test_user_text_that_looks_like_a_formula_stays_text(tmp_path, monkeypatch):
    from toolkit.errors import Finding, Severity

    path = build_control_panel("en", tmp_path / "control_panel_en.xlsm")
    book = FakeBook(path)
    finding = Finding("not-in-list", Severity.ERROR, "=HYPERLINK(\"http://x\").xlsx", "Tasks", "H3",
                      value="=1+1", params={"allowed": "a / b", "column": "Status"})
    table = findings_table([finding], "en", {("Tasks", "H3"): CellState(None, "=cmd|' /c calc'!A0")})
    excel.BookAdapter(book).write_table(table)
    row = next(book._wb["Findings"].iter_rows(min_row=2))
    assert row[0].value.startswith("=HYPERLINK") and row[0].data_type == "s"
    assert row[8].value == "=cmd|' /c calc'!A0" and row[8].data_type == "s"
    assert plan_restores([[c.value for c in row]])[0].state.note == "=cmd|' /c calc'!A0"


def test_write_back_plans_import_no_excel_library_and_entry_points_load_xlwings_late():
    import subprocess
    import sys

    probe = ("import sys, toolkit.excel_writeback; a = sorted(m for m in ('xlwings', 'openpyxl', 'xlsxwriter', "
             "'python_calamine') if m in sys.modules); import toolkit.excel; "
             "print(a, 'xlwings' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True)
    assert done.stdout.split() == ["[]", "False"]
