"""The old master is read whole only when its Tasks header has a column to carry: the header
row is streamed from the sheet's XML (inline strings from XlsxWriter, shared strings from
openpyxl/Excel), and the carried columns are the same either way."""
from __future__ import annotations

import openpyxl
import pytest
import python_calamine

from test_master_writer import write
from toolkit.inputs import previous_master
from toolkit.inputs.previous_master import CarriedColumns, read_carried_columns, without_headers
from toolkit.inputs.sheet_head import first_rows


def _no_full_read(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the whole sheet was read")
    monkeypatch.setattr(python_calamine.CalamineWorkbook, "from_path", refuse)


def test_header_streamed_from_an_xlsxwriter_master(tmp_path, monkeypatch):
    master = write(tmp_path / "master.xlsx")
    name, rows = first_rows(master, lambda n: n == "Tasks", max_rows=3)
    assert name == "Tasks" and rows[0][0] == "Task ID" and rows[1][0] == "T1" and len(rows) == 3
    _no_full_read(monkeypatch)
    assert read_carried_columns(master, {"Budget"}) == CarriedColumns()


def test_header_streamed_from_shared_strings(tmp_path, monkeypatch):
    master = write(tmp_path / "master.xlsx")
    wb = openpyxl.load_workbook(master)
    wb["Tasks"]["B2"] = 12.5
    wb.save(master)                                     # openpyxl writes shared strings
    name, rows = first_rows(master, lambda n: n == "Tasks", max_rows=2)
    assert rows[0][:3] == ["Task ID", "Project", "Task"] and rows[1][:2] == ["T1", 12.5]
    _no_full_read(monkeypatch)
    assert read_carried_columns(master, {"Budget"}) == CarriedColumns()


def test_hand_added_column_still_read(tmp_path):
    master = write(tmp_path / "master.xlsx")
    wb = openpyxl.load_workbook(master)
    ws = wb["Tasks"]
    ws.cell(1, ws.max_column + 1, "PMO comment")
    ws.cell(3, ws.max_column, "check")
    wb.save(master)
    carried = read_carried_columns(master, set())
    assert "PMO comment" in carried.headers and {"PMO comment": "check"} in carried.values.values()
    assert without_headers(carried, {"Budget"}) == read_carried_columns(master, {"Budget"})
    assert without_headers(carried, {"pmo  COMMENT", "Budget"}) == read_carried_columns(master, {"PMO comment", "Budget"})


def test_unmatched_sheet_read_even_when_the_tasks_header_has_nothing_to_carry(tmp_path):
    from toolkit import i18n
    master = write(tmp_path / "master.xlsx")
    wb = openpyxl.load_workbook(master)
    aside = wb.create_sheet(i18n.TEXT["sheet.carried_unmatched"][0])
    aside.append(["Department", "Task ID", i18n.TEXT["col.carried_why"][0], "PMO comment"])
    aside.append(["IT", "T-gone", "gone", "keep me"])
    wb.save(master)
    carried = read_carried_columns(master, {"Budget"})     # the Tasks sheet: nothing to carry
    assert carried.headers == ["PMO comment"]
    assert [(r.department, r.task_id, r.values) for r in carried.rows] == [("IT", "T-gone", {"PMO comment": "keep me"})]


@pytest.mark.parametrize("content", [b"not a zip", b""])
def test_unreadable_head_falls_back(tmp_path, content):
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(content)
    assert first_rows(bad, lambda n: True) is None
    assert read_carried_columns(bad, set()) == CarriedColumns()


def test_no_tasks_sheet(tmp_path):
    path = tmp_path / "x.xlsx"
    wb = openpyxl.Workbook()
    wb.active.title = "Other"
    wb.save(path)
    assert first_rows(path, lambda n: n == "Tasks") == ("", [])
    assert previous_master.read_carried_columns(path, set()) == CarriedColumns()
