"""Formulas without a saved result are found, those with one are not, quickly and safely."""
from __future__ import annotations

import zipfile

import openpyxl
import pytest
import xlsxwriter

from toolkit.inputs.formulas import formulas_without_value
from conftest import require_corpus, write_workbook


def test_openpyxl_formula_has_no_cached_value(tmp_path):
    path = write_workbook(tmp_path / "IT.xlsx", {"Tasks": [["Hours", "Total"], [8, "=2*8"], [4, 5]]})
    assert formulas_without_value(path) == {"Tasks": {"B2": "=2*8"}}


def test_formulas_with_cached_values_are_not_reported(tmp_path):
    path = tmp_path / "calc.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Tasks")
    sheet.write_formula("A1", "=2*8", None, 16)
    sheet.write_formula("A2", '=UPPER("a")', None, "A")
    sheet.write_formula("A3", "=2*9")                 # XlsxWriter saves 0 as the result: a value
    book.close()
    assert formulas_without_value(path) == {}


def test_chinese_sheet_names_and_several_sheets(tmp_path):
    path = write_workbook(tmp_path / "客服部.xlsx", {
        "任务清单": [["预计工时"], ["=SUM(1,2)"]],
        "团队成员": [["姓名"], ["张伟"]],
        "里程碑验收": [["计划日期"], [None], ['=DATE(2026,11,2)']],
    })
    assert formulas_without_value(path) == {"任务清单": {"A2": "=SUM(1,2)"}, "里程碑验收": {"A3": "=DATE(2026,11,2)"}}


SHEET = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
         '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{rows}'
         '</sheetData></worksheet>')


def replace_sheet(path, rows: str):
    """Rewrite sheet1 of an openpyxl workbook with hand-written rows (what Excel or others write)."""
    with zipfile.ZipFile(path) as old:
        parts = {info.filename: old.read(info) for info in old.infolist()}
    parts["xl/worksheets/sheet1.xml"] = SHEET.format(rows=rows).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as new:
        for name, data in parts.items():
            new.writestr(name, data)
    return path


def test_shared_formulas_followers_read_as_moved_formulas(tmp_path):
    path = replace_sheet(write_workbook(tmp_path / "s.xlsx", {"Tasks": [["x"]]}),
                         '<row r="1"><c r="A1"><f t="shared" ref="A1:A3" si="0">B1*2</f></c></row>'
                         '<row r="2"><c r="A2"><f t="shared" si="0"/><v>4</v></c></row>'
                         '<row r="3"><c r="A3"><f t="shared" si="0"/></c></row>')
    assert formulas_without_value(path) == {"Tasks": {"A1": "=B1*2", "A3": "=B3*2"}}


def test_empty_string_and_inline_results_and_cells_without_references(tmp_path):
    path = replace_sheet(write_workbook(tmp_path / "s.xlsx", {"Tasks": [["x"]]}),
                         '<row r="4"><c r="B4" t="str"><f>IF(A4="","",A4)</f><v></v></c>'   # Excel: a cached ""
                         '<c><f>1+1</f><v/></c></row>'                                      # C4, no r attribute
                         '<row><c><f>2+2</f></c></row>'                                     # A5
                         '<row r="6"><c r="A6" t="inlineStr"><f>A1</f><is><t>x</t></is></c></row>')
    assert formulas_without_value(path) == {"Tasks": {"C4": "=1+1", "A5": "=2+2"}}


@pytest.mark.parametrize("content", [
    b"not a zip at all",
    b"PK\x03\x04" + bytes(60),
])
def test_anything_unreadable_gives_nothing(tmp_path, content):
    path = tmp_path / "bad.xlsx"
    path.write_bytes(content)
    assert formulas_without_value(path) == {}


def test_doctype_is_refused_not_expanded(tmp_path):
    path = replace_sheet(write_workbook(tmp_path / "s.xlsx", {"Tasks": [["x"]]}), "")
    with zipfile.ZipFile(path) as old:
        parts = {info.filename: old.read(info) for info in old.infolist()}
    parts["xl/worksheets/sheet1.xml"] = (b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "1+1">]>'
                                         b'<worksheet><sheetData><row r="1"><c r="A1"><f>&a;</f></c></row>'
                                         b'</sheetData></worksheet>')
    with zipfile.ZipFile(path, "w") as new:
        for name, data in parts.items():
            new.writestr(name, data)
    assert formulas_without_value(path) == {}


def test_many_workbooks_cost_little(tmp_path):
    rows = [["Task ID", "Task", "Hours"]] + [[f"T-{i}", "Write", 8] for i in range(500)]
    paths = [write_workbook(tmp_path / f"d{i}.xlsx", {"Tasks": rows}) for i in range(20)]
    book = openpyxl.load_workbook(paths[0])
    for i in range(2, 502):
        book["Tasks"][f"D{i}"] = f"=C{i}*2"
    book.save(paths[0])
    results = [formulas_without_value(p) for p in paths]
    assert len(results[0]["Tasks"]) == 500 and results[1:] == [{}] * 19


def test_corpus_formulas_without_saved_results_are_found_exactly():
    # the scan swallows what it cannot parse (a nicety must not make a file unreadable), so the
    # test pins what it finds: exactly these two corpus workbooks hold formulas with no saved result
    corpus = require_corpus()
    found = {str(p.relative_to(corpus)): {sheet: len(cells) for sheet, cells in formulas_without_value(p).items()}
             for p in sorted(corpus.rglob("*.xls[xm]"))}
    assert {name: sheets for name, sheets in found.items() if sheets} == {
        "10_cell_content/poi__bug60858.xlsx": {"Arbeitszeitcheck_2.3": 4},
        "12_packaging/sheetjs__wtf_path.xlsx": {"SheetJS": 3},
    }
    assert len(found) > 50


def test_the_quick_formula_check_is_the_plain_one():
    """`_may_hold_formula` (an `f` found with memchr, then what comes before it) says what the two
    substring searches say, on every part of the corpus packages and on parts made to be odd."""
    from toolkit.inputs.formulas import _may_hold_formula

    def plain(data: bytes) -> bool:
        return b"<f" in data or b":f" in data

    made = [b"", b"f", b"ff", b"<f>", b"<f/>", b"x:f ", b"a<fa", b"<c><v>1</v></c>", b"f" * 63 + b"<f",
            b"f" * 64 + b"<f", b"f" * 65 + b":f", b"f" * 200, b"<" + b"f" * 200, b"of" * 100 + b"<x:f>",
            b"of" * 100 + b"<v>1</v>"]
    checked = 0
    for path in sorted(require_corpus().rglob("*")):
        if not (path.is_file() and zipfile.is_zipfile(path)):
            continue
        try:
            with zipfile.ZipFile(path) as archive:
                for info in archive.infolist():
                    try:
                        made.append(archive.read(info))
                    except Exception:  # noqa: BLE001 - a damaged part: not what this test is about
                        continue
        except (zipfile.BadZipFile, OSError, ValueError):
            continue
    for data in made:
        assert _may_hold_formula(data) == plain(data), data[:80]
        checked += 1
    assert checked > 500
