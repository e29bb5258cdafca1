"""Issue 8, reading: nothing read twice, nothing lost in silence, damage named in plain words.

Every case is built in code: real workbooks written by openpyxl and edited as zips, real
symbolic links, a real writer process for a file still being copied.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import unicodedata
import zipfile
from datetime import date, timedelta
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils.datetime import CALENDAR_MAC_1904

from conftest import AS_OF, TASK_HEADERS, write_workbook
from safety_helpers import lie_about_size, part, rezip, sheet_part, task, tracker
from toolkit.config import Limits, Reading, Settings
from toolkit.errors import FileRejected
from toolkit.inputs.reader import read_workbook
from toolkit.inputs.safe_open import detect_file, discover_inputs
from toolkit.outputs.annotate import write_annotated_copy
from toolkit.pipeline import run_validation


def codes(wb) -> list[str]:
    return [f.code for f in wb.findings]


def ids(wb) -> list[str]:
    return [r.values["id"] for t in wb.tables_of("tasks") for r in t.records]


# ------------------------------------------------------------------ 3. duplicate sheet names

def test_duplicate_sheet_names_are_read_by_position_and_reported(tmp_path):
    source = write_workbook(tmp_path / "src.xlsx", {"Tasks": [TASK_HEADERS, task("T-1")],
                                                     "TasksB": [TASK_HEADERS, task("T-2")]})
    workbook = part(source, "xl/workbook.xml").replace(b'name="TasksB"', b'name="Tasks"')
    path = rezip(source, tmp_path / "IT.xlsx", replace={"xl/workbook.xml": workbook})
    wb = read_workbook(path)
    assert sorted(ids(wb)) == ["T-1", "T-2"]                 # each sheet once, none lost
    found = [f for f in wb.findings if f.code == "duplicate-sheet-name"]
    assert len(found) == 1 and found[0].params["positions"] == "1, 2"
    assert "Tasks" in found[0].message("en") and "Tasks" in found[0].message("zh")


# ------------------------------------------------------------------ 4. a damaged sheet

def test_a_damaged_sheet_is_an_error_naming_it(tmp_path):
    source = tracker(tmp_path / "src.xlsx", "T-1")
    team = sheet_part(source, "Team")
    path = rezip(source, tmp_path / "IT.xlsx", replace={team: b"<worksheet><sheetData><row r='1'><c r='A1' t="})
    wb = read_workbook(path)
    assert wb.readable and ids(wb) == ["T-1"]              # the other sheets are still read
    damaged = [f for f in wb.findings if f.code == "sheet-unreadable"]
    assert len(damaged) == 1 and damaged[0].is_error and damaged[0].sheet == "Team"
    assert "Team" in damaged[0].message("en") and "Team" in damaged[0].message("zh")


# ------------------------------------------------------------------ 5. values under no header

def test_values_in_a_column_without_header_are_reported_with_their_rows(tmp_path):
    rows = [TASK_HEADERS, task("T-1"), task("T-2"), [None] * len(TASK_HEADERS)]
    path = write_workbook(tmp_path / "IT.xlsx", {"Tasks": rows})
    book = openpyxl.load_workbook(path)
    ws = book["Tasks"]
    ws["Q3"] = "approved by COO"                   # beside a task, no header above it
    ws["R4"] = "only data of this row"             # a row whose only value has no header
    book.save(path)
    wb = read_workbook(path)
    found = {f.params["column"]: f for f in wb.findings if f.code == "unnamed-column-values"}
    assert set(found) == {"Q", "R"}
    assert found["Q"].cell == "Q3" and found["Q"].params["rows"] == "3"
    assert found["R"].cell == "R4" and found["R"].params["count"] == 1
    assert not found["R"].is_error and "R" in found["R"].message("zh")


# ------------------------------------------------------------------ 6. the 1904 date system

def test_plain_serial_dates_of_a_1904_workbook_are_not_four_years_early(tmp_path):
    path = tmp_path / "Mac.xlsx"
    book = openpyxl.Workbook()
    book.epoch = CALENDAR_MAC_1904
    ws = book.active
    ws.title = "Tasks"
    ws.append(TASK_HEADERS)
    ws.append(task("T-1", Due=45000, Start=date(2026, 11, 2)))     # a plain serial number in Due
    ws["F2"].number_format = "yyyy-mm-dd"                             # a formatted date in Start
    book.save(path)
    record = read_workbook(path).tables_of("tasks")[0].records[0]
    assert record.values["due"] == date(1904, 1, 1) + timedelta(days=45000)     # 2027-03-15
    assert record.values["start"] == date(2026, 11, 2)


# ------------------------------------------------------------------ 7. hidden sheets

def test_hidden_sheets_are_skipped_with_a_warning_unless_asked_for(tmp_path):
    path = tmp_path / "IT.xlsx"
    write_workbook(path, {"Tasks": [TASK_HEADERS, task("T-1")], "Tasks 2025": [TASK_HEADERS, task("OLD-1")],
                          "Lists": [["a"], ["b"]]})
    book = openpyxl.load_workbook(path)
    book["Tasks 2025"].sheet_state = "veryHidden"
    book["Lists"].sheet_state = "hidden"           # a helper list: no table of the standard, no word
    book.save(path)
    wb = read_workbook(path)
    assert ids(wb) == ["T-1"]                                  # archived tasks do not become live
    skipped = [f for f in wb.findings if f.code == "hidden-sheet-skipped"]
    assert [(f.sheet, f.params["rows"]) for f in skipped] == [("Tasks 2025", 1)]
    assert "very hidden" in skipped[0].message("en") and "深度隐藏" in skipped[0].message("zh")

    included = read_workbook(path, reading=Reading(include_hidden_sheets=True))
    assert sorted(ids(included)) == ["OLD-1", "T-1"]
    assert "hidden-sheet-read" in codes(included)


# ------------------------------------------------------------------ 8. one workbook, two names

def test_the_same_workbook_under_two_names_is_counted_once(tmp_path):
    folder = tmp_path / "in"
    first = tracker(folder / unicodedata.normalize("NFC", "Café.xlsx"), "T-1", "T-2")
    twin = folder / unicodedata.normalize("NFD", "Café.xlsx")       # another name on Linux, same bytes
    twin.write_bytes(first.read_bytes())
    (folder / "copy of Café.xlsx").write_bytes(first.read_bytes())
    run = run_validation([folder], Settings(), AS_OF)
    tasks = run.batch.records("tasks")
    assert sorted(r.values["id"] for r in tasks) == ["T-1", "T-2"]
    dupes = [f for f in run.batch.findings if f.code == "duplicate-file"]
    assert len(dupes) == 2 and not any(f.is_error for f in dupes)
    assert all(f.params["other"] for f in dupes) and "相同" in dupes[0].message("zh")
    assert not any(f.code == "duplicate-id" for f in run.batch.findings)


# ------------------------------------------------------------------ 9. rows not read

def test_rows_past_the_cell_cap_are_an_error_with_their_count(tmp_path):
    path = tracker(tmp_path / "IT.xlsx", *(f"T-{i}" for i in range(200)))
    wb = read_workbook(path, limits=Limits(max_cells_per_sheet=1000))
    cut = [f for f in wb.findings if f.code == "rows-not-read"]
    assert len(cut) == 1 and cut[0].is_error
    read = len(ids(wb))
    assert read + cut[0].params["count"] == 200 and read < 200
    assert str(cut[0].params["count"]) in cut[0].message("en") and "未读取" in cut[0].message("zh")


# ------------------------------------------------------------------ 13. one link policy

def test_a_file_named_on_the_command_line_does_not_follow_a_link_out_of_its_folder(tmp_path):
    secret = tracker(tmp_path / "elsewhere" / "secret.xlsx", "S-1")
    folder = tmp_path / "in"
    folder.mkdir()
    link = folder / "IT.xlsx"
    link.symlink_to(secret)
    inside = folder / "inside.xlsx"
    inside.symlink_to(tracker(folder / "real.xlsx", "T-1"))   # a link within its own folder is fine
    files, found = discover_inputs([link, inside])
    assert files == [inside]
    assert [(f.code, f.file) for f in found] == [("file-outside-folder", "IT.xlsx")]
    folder_files, folder_found = discover_inputs([folder])   # the folder form: the same answer
    assert link not in folder_files and [f.code for f in folder_found] == ["file-outside-folder"]


# ------------------------------------------------------------------ 14. every inflated byte counts

def test_a_worksheet_part_with_another_name_that_lies_about_its_size_is_refused(tmp_path):
    source = tracker(tmp_path / "src.xlsx", "T-1")
    sheet = sheet_part(source, "Tasks")
    rows = b"".join(b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>x</t></is></c></row>' % (i, i)
                    for i in range(2, 40000))
    body = part(source, sheet).replace(b"</sheetData>", rows + b"</sheetData>")
    rels = part(source, "xl/_rels/workbook.xml.rels").replace(sheet.split("/")[-1].encode(), b"sheet1.dat")
    types = part(source, "[Content_Types].xml").replace(b"/" + sheet.encode(), b"/xl/worksheets/sheet1.dat")
    path = rezip(source, tmp_path / "bomb.xlsx", drop=(sheet,),
                 replace={"xl/_rels/workbook.xml.rels": rels, "[Content_Types].xml": types},
                 extra={"xl/worksheets/sheet1.dat": body})
    assert len(body) > 2 * 1024 * 1024
    lie_about_size(path, "xl/worksheets/sheet1.dat", 1000)
    with pytest.raises(FileRejected) as caught:
        detect_file(path, Limits(max_unzipped_mb=1, max_ratio=100_000))
    assert caught.value.finding.code in ("file-too-large", "file-ratio")


# ------------------------------------------------------------------ 16. macros

_VBA_TYPE = b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>'
_MACRO_REL = (b'<Relationship Id="rIdM1" Type="http://schemas.microsoft.com/office/2006/relationships/xlMacrosheet" '
              b'Target="macrosheets/sheet1.xml"/>')
_MACRO_SHEET = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                b'<xm:macrosheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                b'xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main"><sheetData><row r="1">'
                b'<c r="A1"><f>HALT()</f></c></row></sheetData></xm:macrosheet>')


def with_macros(source: Path, target: Path, *, vba: bool = True, xlm: bool = False) -> Path:
    replace, extra = {}, {}
    types = part(source, "[Content_Types].xml")
    rels = part(source, "xl/_rels/workbook.xml.rels")
    workbook = part(source, "xl/workbook.xml")
    if vba:
        types = types.replace(b"<Default ", _VBA_TYPE + b"<Default ", 1).replace(
            b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
            b"application/vnd.ms-excel.sheet.macroEnabled.main+xml")
        rels = rels.replace(b"</Relationships>", b'<Relationship Id="rIdV1" Type="http://schemas.microsoft.com/'
                                                 b'office/2006/relationships/vbaProject" Target="vbaProject.bin"/>'
                                                 b"</Relationships>")
        extra["xl/vbaProject.bin"] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    if xlm:
        types = types.replace(b"</Types>", b'<Override PartName="/xl/macrosheets/sheet1.xml" ContentType='
                                           b'"application/vnd.ms-excel.macrosheet+xml"/></Types>')
        rels = rels.replace(b"</Relationships>", _MACRO_REL + b"</Relationships>")
        workbook = workbook.replace(b"</sheets>", b'<sheet xmlns:r="http://schemas.openxmlformats.org/'
                                                  b'officeDocument/2006/relationships" '
                                                  b'name="Macro1" sheetId="99" r:id="rIdM1"/></sheets>')
        extra["xl/macrosheets/sheet1.xml"] = _MACRO_SHEET
    replace.update({"[Content_Types].xml": types, "xl/_rels/workbook.xml.rels": rels, "xl/workbook.xml": workbook})
    return rezip(source, target, replace=replace, extra=extra)


def test_macros_are_reported_as_present_and_never_run(tmp_path):
    source = tracker(tmp_path / "src.xlsx", "T-1")
    vba = read_workbook(with_macros(source, tmp_path / "IT.xlsm"))
    assert vba.readable and ids(vba) == ["T-1"]
    found = [f for f in vba.findings if f.code == "macros-present"]
    assert len(found) == 1 and "VBA" in found[0].message("en") and "宏" in found[0].message("zh")


def test_an_excel4_macro_sheet_does_not_make_the_workbook_damaged(tmp_path):
    source = tracker(tmp_path / "src.xlsx", "T-1", "T-2")
    wb = read_workbook(with_macros(source, tmp_path / "Ops.xlsm", vba=False, xlm=True))
    assert wb.readable, wb.findings
    assert ids(wb) == ["T-1", "T-2"]
    found = [f for f in wb.findings if f.code == "macros-present"]
    assert len(found) == 1 and "Excel 4" in found[0].message("en")


def test_the_annotated_copy_of_a_macro_workbook_keeps_its_type(tmp_path):
    source = tracker(tmp_path / "src.xlsx", "T-1")
    (tmp_path / "in").mkdir()
    named_xlsx = with_macros(source, tmp_path / "in" / "IT.xlsx")
    wb = read_workbook(named_xlsx)
    copy = write_annotated_copy(named_xlsx, wb.findings, tmp_path / "checked", "en")
    assert copy is not None and copy.suffix == ".xlsm"
    with zipfile.ZipFile(copy) as archive:
        assert "xl/vbaProject.bin" in archive.namelist()
        assert b"macroEnabled" in archive.read("[Content_Types].xml")
    assert not (tmp_path / "checked" / "IT.xlsx").exists()


# ------------------------------------------------------------------ 17. formulas and other workbooks

def test_real_formulas_and_external_references_are_reported(tmp_path):
    source = tracker(tmp_path / "src.xlsx", "T-1", "T-2")
    book = openpyxl.load_workbook(source)
    book["Tasks"]["J2"] = "=2*4"
    book["Tasks"]["J3"] = "=[1]Budget!B2"
    book.save(source)
    sheet = sheet_part(source, "Tasks")
    body = re.sub(rb"(<f>2\*4</f>)(<v\s*/>|<v></v>)?", rb"\1<v>8</v>", part(source, sheet))
    body = re.sub(rb"(<f>\[1\]Budget!B2</f>)(<v\s*/>|<v></v>)?", rb"\1<v>16</v>", body)
    link_rels = (b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
                 b'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
                 b'officeDocument/2006/relationships/externalLinkPath" Target="file:///C:/budget/Finance%202026.xlsx" '
                 b'TargetMode="External"/></Relationships>')
    link = (b'<?xml version="1.0" encoding="UTF-8"?><externalLink xmlns="http://schemas.openxmlformats.org/'
            b'spreadsheetml/2006/main"><externalBook r:id="rId1" xmlns:r="http://schemas.openxmlformats.org/'
            b'officeDocument/2006/relationships"/></externalLink>')
    path = rezip(source, tmp_path / "IT.xlsx", replace={sheet: body},
                 extra={"xl/externalLinks/externalLink1.xml": link,
                        "xl/externalLinks/_rels/externalLink1.xml.rels": link_rels})
    wb = read_workbook(path)
    assert [r.values["hours"] for t in wb.tables_of("tasks") for r in t.records] == [8, 16]
    formulas = [f for f in wb.findings if f.code == "formulas-present"]
    assert [(f.sheet, f.cell, f.params["count"]) for f in formulas] == [("Tasks", "J2", 2)]
    external = [f for f in wb.findings if f.code == "external-links"]
    assert len(external) == 1 and "Finance%202026.xlsx" in external[0].message("en")
    assert not any(f.is_error for f in formulas + external)
    assert "公式" in formulas[0].message("zh")


# ------------------------------------------------------------------ 19. read by content

@pytest.mark.parametrize("name", ["IT.xls", "IT.xlsb", "IT.ods"])
def test_a_workbook_named_as_another_format_is_read_by_what_it_is(tmp_path, name):
    source = tracker(tmp_path / "src.xlsx", "T-1")
    path = tmp_path / name
    path.write_bytes(source.read_bytes())
    wb = read_workbook(path)
    assert wb.readable and ids(wb) == ["T-1"], wb.findings
    misnamed = [f for f in wb.findings if f.code == "file-misnamed"]
    assert len(misnamed) == 1 and ".xlsx" in misnamed[0].message("en") and path.suffix in misnamed[0].message("zh")


# ------------------------------------------------------------------ 20. files still being copied

_SLOW_WRITER = """
import sys, time
data = open(sys.argv[1], 'rb').read()
with open(sys.argv[2], 'wb') as out:
    out.write(data[: len(data) // 2]); out.flush()
    open(sys.argv[3], 'w').close()                       # tell the test: half is there
    if sys.argv[5] == 'finish':
        time.sleep(float(sys.argv[4]))
        out.write(data[len(data) // 2:]); out.flush()
    else:                                                # keeps growing for a long time
        for _ in range(int(float(sys.argv[4]) * 10)):
            out.write(b'x' * 100); out.flush(); time.sleep(0.1)
"""


def slow_copy(tmp_path: Path, source: Path, pause: float, mode: str) -> tuple[subprocess.Popen, Path]:
    target = tmp_path / "copying" / "IT.xlsx"
    target.parent.mkdir()
    ready = tmp_path / "ready"
    writer = subprocess.Popen([sys.executable, "-c", _SLOW_WRITER, str(source), str(target), str(ready),
                               str(pause), mode])
    deadline = time.monotonic() + 20
    while not ready.exists():
        assert time.monotonic() < deadline and writer.poll() is None, "the writer did not start"
        time.sleep(0.02)
    return writer, target


def test_a_file_still_being_copied_is_waited_for_then_read(tmp_path):
    source = tracker(tmp_path / "src.xlsx", *(f"T-{i}" for i in range(50)))
    writer, target = slow_copy(tmp_path, source, 0.6, "finish")
    try:
        wb = read_workbook(target, reading=Reading(settle_seconds=2.0, settle_max_seconds=20))
    finally:
        writer.wait(timeout=30)
    assert wb.readable, wb.findings
    assert len(ids(wb)) == 50


def test_a_file_that_never_settles_is_still_being_written_not_damaged(tmp_path):
    source = tracker(tmp_path / "src.xlsx", *(f"T-{i}" for i in range(50)))
    writer, target = slow_copy(tmp_path, source, 6, "grow")
    try:
        wb = read_workbook(target, reading=Reading(settle_seconds=0.5, settle_max_seconds=1.5))
    finally:
        writer.kill()
        writer.wait(timeout=30)
    assert not wb.readable
    assert codes(wb) == ["file-still-being-written"]
    assert "still being written" in wb.findings[0].message("en") and "写入" in wb.findings[0].message("zh")


# ------------------------------------------------------------------ 22. text past Excel's cell limit

def test_text_longer_than_a_cell_holds_is_reported(tmp_path):
    path = tmp_path / "IT.csv"
    long_title = "x" * 40_000
    path.write_text(",".join(TASK_HEADERS) + "\n" + ",".join(
        ["T-1", "P1", long_title, "", "张伟", "2026-11-02", "2026-11-30", "In progress", "50%", "8"]
        + [""] * 5) + "\n", encoding="utf-8")
    wb = read_workbook(path)
    found = [f for f in wb.findings if f.code == "text-too-long"]
    assert [(f.cell, f.params["length"]) for f in found] == [("C2", 40_000)]
    assert "32 767" in found[0].message("en") and "32 767" in found[0].message("zh")


# ------------------------------------------------------------------ 23. plain words

_LIBRARY_WORDS = ("Cfb", "Sector", "Relationships", "zip file", "Zip", "Xml", "xml", "Error", "error:", "Invalid",
                  "header says", "CRC", "EOF", "\\x")


def damaged_files(tmp_path: Path) -> list[Path]:
    good = tracker(tmp_path / "good.xlsx", "T-1")
    data = good.read_bytes()
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(data[: len(data) // 2])
    ole = tmp_path / "ole.xls"
    ole.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + os.urandom(3000))
    no_rels = rezip(good, tmp_path / "norels.xlsx", drop=("xl/_rels/workbook.xml.rels",))
    bad_sheet = rezip(good, tmp_path / "badxml.xlsx", replace={sheet_part(good, "Tasks"): b"<worksheet><sheetData>"})
    bad_sheet2 = rezip(good, tmp_path / "badshared.xlsx", replace={"xl/workbook.xml": b"<workbook><sheets><sheet"})
    return [cut, ole, no_rels, bad_sheet, bad_sheet2]


def test_every_file_level_message_is_plain_words_in_both_languages(tmp_path):
    for path in damaged_files(tmp_path):
        wb = read_workbook(path)
        messages = [(f.message("en"), f.message("zh")) for f in wb.findings
                    if f.code.startswith(("file-", "sheet-"))]
        assert messages, (path.name, wb.findings)
        for en, zh in messages:
            assert not any(word in en or word in zh for word in _LIBRARY_WORDS), (path.name, en, zh)
            assert re.search(r"[\u4e00-\u9fff]", zh.split("：", 1)[-1]), (path.name, zh)
