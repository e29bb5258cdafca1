"""Only task rows are tasks (issue 9): hidden rows, repeated header rows, totals rows, outline
summary rows and empty stub rows are skipped with an info finding; an Excel table bounds the
data; a sheet not read is named with the closest kind. Workbooks built in code (English and
Chinese), consolidated, and the master read back."""
from __future__ import annotations

from datetime import date

import openpyxl
import pytest
from openpyxl.worksheet.table import Table

from toolkit.config import Settings
from toolkit.i18n import text
from toolkit.inputs.reader import read_workbook
from toolkit.pipeline import run_consolidation
from toolkit.schema import TASKS

AS_OF = date(2026, 11, 24)
D1, D2 = date(2026, 11, 2), date(2026, 11, 30)


def headers(lang):
    return [c.header(lang) for c in TASKS.columns]


def row(lang, id_, title, owner="王磊", start=D1, due=D2):
    return [id_, "P1", title, "", owner, start, due, "In progress" if lang == "en" else "进行中", 0.9, 8,
            None, None, None, None, None]


def build(path, lang, hidden=(), table=None, below=None):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = TASKS.title(lang)
    total = "Total" if lang == "en" else "合计"
    rows = [
        ["Tracker 2026"],                                          # 1 title row
        headers(lang),                                             # 2 header
        row(lang, "T-1", "Summary of design"),                     # 3 parent of the outline (has dates: kept)
        row(lang, "T-2", "   Design screens"),                     # 4
        [None, None, "Build", None, None, None, None, None],       # 5 outline parent: no start, due, owner
        row(lang, "T-3", "   Build API"),                          # 6
        row(lang, "T-4", "   Build UI"),                           # 7
        headers(lang),                                             # 8 the header again
        row(lang, "T-5", "Hidden finished work"),                  # 9 hidden
        [None, None, None, None, None, None, None, "Not started" if lang == "en" else "未开始"],   # 10 stub
        [total, None, None, None, None, None, None, None, None, 40],   # 11 totals
        row(lang, "T-6", "Last real task"),                        # 12
    ]
    for values in rows:
        ws.append(values)
    for number in hidden:
        ws.row_dimensions[number].hidden = True
    if table:
        ws.add_table(Table(displayName="Tasks1", ref=table))
    if below:
        ws.cell(below, 3, "To add more data, insert rows ABOVE this one")
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_only_task_rows_are_tasks(tmp_path, lang):
    build(tmp_path / "in" / "IT.xlsx", lang, hidden=(9,))
    out = tmp_path / "out" / "master.xlsx"
    run = run_consolidation([tmp_path / "in"], Settings(base_dir=tmp_path), AS_OF, output=out, stamp="2026-11-24 090000",
                            lang=lang)
    ids = [v.record.values.get("id") for v in run.analysis.tasks]
    assert ids == ["T-1", "T-2", "T-3", "T-4", "T-6"]
    skipped = [(f.cell, f.code, f.params.get("rows")) for f in run.findings.findings if f.code.startswith("skipped-")]
    assert skipped == [("A5", "skipped-summary-row", "5"), ("A8", "skipped-header-row", "8"),
                       ("A9", "skipped-hidden-row", "9"), ("A10", "skipped-empty-row", "10"),
                       ("A11", "skipped-totals-row", "11")]
    assert all(f.severity.value == "info" for f in run.findings.findings if f.code.startswith("skipped-"))
    # no finding about the skipped rows' blanks: they are no tasks
    assert not [f for f in run.findings.findings if f.row in (5, 8, 10, 11) and not f.code.startswith("skipped-")]
    # every row of the sheet is either in the master or named by a finding
    in_master = {v.record.source.row for v in run.analysis.tasks}
    named = {int(r) for f in run.findings.findings if f.code.startswith("skipped-") for r in [f.params["rows"]]}
    assert in_master | named == set(range(3, 13))
    book = openpyxl.load_workbook(out)
    ws = book[TASKS.title(lang)]
    assert [r[0].value for r in ws.iter_rows(min_row=2)] == ["T-1", "T-2", "T-3", "T-4", "T-6"]
    findings = book[text("sheet.findings", lang)]
    codes = {c.value for c in findings["C"]}
    assert {"skipped-summary-row", "skipped-header-row", "skipped-totals-row"} <= codes
    assert text("severity.info", lang) in {c.value for c in findings["B"]}


def test_an_excel_table_bounds_the_data(tmp_path):
    path = build(tmp_path / "IT.xlsx", "en", table="A2:O7", below=14)
    wb = read_workbook(path)
    table = wb.tables[0]
    assert [r.values["id"] for r in table.records] == ["T-1", "T-2", "T-3", "T-4"]
    found = [(f.cell, f.code) for f in wb.findings]
    assert ("A8", "skipped-below-table") in found and ("A5", "skipped-summary-row") in found


def test_a_sheet_not_read_is_named_with_the_closest_kind(tmp_path):
    path = tmp_path / "notes.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "三期功能列表"
    ws.append(["序号", "优先级", "类别", "功能", "待确认事项"])
    ws.append([1, "高", "支付方式", "促销商品不参与折扣", None])
    wb.save(path)
    got = read_workbook(path)
    codes = {f.code: f for f in got.findings}
    assert codes["sheet-skipped-closest"].sheet == "三期功能列表"
    message = codes["sheet-skipped-closest"].message("zh")
    assert "任务清单" in message and "“优先级”" in message and "负责人" in message
    english = codes["no-standard-sheet"].message("en")
    assert "closest: sheet “三期功能列表” (Tasks, 1 column(s) matched)" in english


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_registers_keep_the_columns_a_team_added(tmp_path, lang):
    from conftest import write_workbook
    from toolkit.schema import PROJECTS, RISKS

    projects = [[c.header(lang) for c in PROJECTS.columns] + ["Budget"],
                ["P1", "", "", "", "", None, None, None, "1.2m"]]
    risks = [[c.header(lang) for c in RISKS.columns] + ["Trigger"],
             ["R-1", "P1", "Vendor late", 3, 3, "王磊", "", "Open" if lang == "en" else "未关闭", None, "no PO by Dec"]]
    tasks = [headers(lang), row(lang, "T-1", "Only task")]
    write_workbook(tmp_path / "in" / "IT.xlsx", {TASKS.title(lang): tasks, PROJECTS.title(lang): projects,
                                                 RISKS.title(lang): risks})
    out = tmp_path / "out" / "master.xlsx"
    run_consolidation([tmp_path / "in"], Settings(base_dir=tmp_path), AS_OF, output=out, stamp="2026-11-24 090000",
                      lang=lang)
    book = openpyxl.load_workbook(out)
    for title, header, value in ((PROJECTS.title(lang), "Budget", "1.2m"), (RISKS.title(lang), "Trigger", "no PO by Dec")):
        ws = book[title]
        head = [c.value for c in ws[1]]
        assert ws.cell(2, head.index(header) + 1).value == value
        assert head[-3:] == [text(k, lang) for k in ("master.col.source_file", "master.col.source_sheet",
                                                     "master.col.source_row")]
