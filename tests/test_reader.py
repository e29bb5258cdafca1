"""Reading real workbooks: header detection, languages, types, sources, odd cells."""
from __future__ import annotations

from datetime import date, datetime

import openpyxl
import pytest
import xlsxwriter

from toolkit.inputs.reader import read_workbook
from toolkit.rows import column_letter
from conftest import TASK_HEADERS, sha256

ROW = ["T-1", "客服体系升级", "Write FAQ", "", "张伟", date(2026, 11, 2), date(2026, 11, 20), "In progress",
       0.5, 16, "High", "", "", None, "note"]


def _codes(wb):
    return [(f.sheet, f.cell, f.code) for f in wb.findings]


def test_english_headers_typed_values_and_source(make_workbook):
    path = make_workbook("IT.xlsx", {"Tasks": [TASK_HEADERS, ROW]})
    wb = read_workbook(path)
    assert wb.readable and _codes(wb) == []
    [table] = wb.tables
    [task] = table.records
    assert task.values["start"] == date(2026, 11, 2)
    assert task.values["percent"] == 50
    assert task.values["hours"] == 16
    assert task.values["status"] == "in_progress"
    assert task.values["priority"] == "high"
    assert task.values["department"] == "IT"       # defaults to the workbook's department
    assert (task.source.file, task.source.sheet, task.source.row) == ("IT.xlsx", "Tasks", 2)
    assert task.cell("due") == "G2"


def test_chinese_headers_title_rows_fullwidth_and_extra_columns(make_workbook):
    headers = ["任务编号", "所属项目", "任务名称", "负责人", "开始日期", "截止日期", "状态", "完成率", "供应商",
               "ＰＲＩＯＲＩＴＹ"]
    rows = [["客服部任务清单（2026）"], [], headers,
            ["KF-01", "客服体系升级", "培训", "李娜", "2026年11月2日", "2026/11/30", "进行中", "50%", "顺丰", "高"]]
    path = make_workbook("客服部.xlsx", {"任务清单": rows})
    wb = read_workbook(path)
    assert _codes(wb) == []
    [table] = wb.tables
    assert table.header_row == 3
    assert table.extra_headers == ["供应商"]
    [task] = table.records
    assert task.values["start"] == date(2026, 11, 2) and task.values["due"] == date(2026, 11, 30)
    assert task.values["status"] == "in_progress" and task.values["percent"] == 50
    assert task.values["priority"] == "high"
    assert task.extras == {"供应商": "顺丰"}
    assert task.department == "客服部" and task.source.row == 4


@pytest.mark.parametrize("cell, value, code", [
    ("F2", "next Friday", "bad-date"),
    ("H2", "Nearly there", "not-in-list"),
    ("I2", "120%", "bad-percent"),
    ("J2", "lots", "bad-number"),
    ("J2", -3, "negative-number"),
    ("E2", None, "missing-value"),
])
def test_bad_cells_become_findings_at_their_cell(make_workbook, cell, value, code):
    row = list(ROW)
    row[TASK_HEADERS.index({"F": "Start", "H": "Status", "I": "% Complete", "J": "Est. Hours", "E": "Owner"}[cell[0]])] = value
    wb = read_workbook(make_workbook("IT.xlsx", {"Tasks": [TASK_HEADERS, row]}))
    assert ("Tasks", cell, code) in _codes(wb)
    assert wb.tables[0].records[0].has_error


def test_missing_required_column_is_one_finding(make_workbook):
    headers = [h for h in TASK_HEADERS if h != "Owner"]
    row = [v for h, v in zip(TASK_HEADERS, ROW) if h != "Owner"]
    wb = read_workbook(make_workbook("IT.xlsx", {"Tasks": [headers, row]}))
    assert [(f.code, f.params["column"].en) for f in wb.findings] == [("missing-column", "Owner")]


def test_formula_without_cached_value_is_a_finding_not_blank(make_workbook):
    path = make_workbook("IT.xlsx", {"Tasks": [TASK_HEADERS, ROW]})
    book = openpyxl.load_workbook(path)
    book["Tasks"]["J2"] = "=2*8"      # openpyxl saves formulas without a cached result
    book.save(path)
    wb = read_workbook(path)
    assert ("Tasks", "J2", "formula-no-value") in _codes(wb)


def test_dates_1904_serials_and_control_characters(tmp_path):
    path = tmp_path / "in" / "Ops.xlsx"
    path.parent.mkdir()
    book = xlsxwriter.Workbook(str(path), {"date_1904": True})
    ws = book.add_worksheet("Tasks")
    fmt = book.add_format({"num_format": "yyyy-mm-dd"})
    ws.write_row(0, 0, TASK_HEADERS)
    ws.write_row(1, 0, ["T-1", "P", "Ti\x07tle", "", "张伟"])
    ws.write_datetime(1, 5, datetime(2026, 11, 2), fmt)
    ws.write_number(1, 6, 46351)           # a plain serial in a date column (1900 system)
    ws.write_string(1, 7, "Done")
    book.close()
    wb = read_workbook(path)
    task = wb.tables[0].records[0]
    assert task.values["start"] == date(2026, 11, 2)
    assert task.values["title"] == "Title"
    assert ("Tasks", "C2", "control-chars") in _codes(wb)


def test_merged_cells_give_their_value_to_every_row(make_workbook):
    path = make_workbook("IT.xlsx", {"Tasks": [TASK_HEADERS, ROW, ["T-2"] + [None] * 14]})
    book = openpyxl.load_workbook(path)
    ws = book["Tasks"]
    for col, value in zip("CEFGH", ["Other", "王磊", date(2026, 11, 1), date(2026, 11, 9), "Done"]):
        ws[f"{col}3"] = value
    ws.merge_cells("B2:B3")
    book.save(path)
    tasks = read_workbook(path).tables[0].records
    assert [t.values["project"] for t in tasks] == ["客服体系升级", "客服体系升级"]


def test_blank_rows_skipped_and_rows_numbered_as_in_excel(make_workbook):
    second = ["T-2"] + ROW[1:]
    wb = read_workbook(make_workbook("IT.xlsx", {"Tasks": [TASK_HEADERS, ROW, [], [], second]}))
    assert [r.source.row for r in wb.tables[0].records] == [2, 5]


def test_one_workbook_with_a_sheet_per_department(make_workbook):
    path = make_workbook("ops.xlsx", {"客服部": [TASK_HEADERS, ROW], "IT": [TASK_HEADERS, ["T-2"] + ROW[1:]]})
    wb = read_workbook(path)
    assert [(t.kind, t.department) for t in wb.tables] == [("tasks", "客服部"), ("tasks", "IT")]
    assert [t.records[0].values["department"] for t in wb.tables] == ["客服部", "IT"]


def test_csv_is_read_by_content(tmp_path):
    path = tmp_path / "IT.xlsx"      # a CSV wrongly named .xlsx
    path.write_text(",".join(TASK_HEADERS) + "\nT-1,P,Title,,张伟,2026-11-02,2026-11-20,Done,100%,8,,,,2026-11-20,\n",
                    encoding="utf-8-sig")
    wb = read_workbook(path)
    assert wb.readable and wb.tables[0].records[0].values["status"] == "done"


def test_unreadable_file_is_one_finding_and_input_unchanged(tmp_path):
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04" + b"\x00" * 40)
    before = sha256(path)
    wb = read_workbook(path)
    assert not wb.readable and len(wb.findings) == 1 and wb.findings[0].code.startswith("file-")
    assert sha256(path) == before


def test_column_letters():
    assert [column_letter(i) for i in (0, 25, 26, 27, 701, 702)] == ["A", "Z", "AA", "AB", "ZZ", "AAA"]
