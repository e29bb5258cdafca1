"""Annotated copies: marks on the right cells, a findings sheet with links, inert text, the
original untouched."""
from __future__ import annotations

import zipfile
from datetime import date

import openpyxl
import pytest
from openpyxl.comments import Comment

from toolkit.errors import Bilingual, FileRejected, Finding, OutputError, Severity
from toolkit.outputs.annotate import AUTHOR, write_annotated_copy
from conftest import TASK_HEADERS, sha256, write_workbook

ROW = ["T-1", "客服体系升级", "Write FAQ", "", "张伟", date(2026, 11, 2), "soon", "Nearly there", 0.5, 16]


def finding(code, cell=None, value=None, severity=Severity.ERROR, sheet="Tasks", file="IT.xlsx", **params):
    return Finding(code, severity, file, sheet if cell or sheet else None, cell, value, params)


@pytest.fixture
def workbook(tmp_path):
    return write_workbook(tmp_path / "in" / "IT.xlsx", {"Tasks": [TASK_HEADERS, ROW, ["T-1"] + ROW[1:]],
                                                         "Team": [["Name"], ["张伟"]]})


FINDINGS = [
    finding("bad-date", "G2", "soon", column=Bilingual("Due", "截止日期")),
    finding("not-in-list", "H2", "Nearly there", column=Bilingual("Status", "状态"), allowed="Done / In progress"),
    finding("duplicate-id", "A3", "T-1", column=Bilingual("Task ID", "任务编号"), other="IT.xlsx › Tasks › A2"),
    finding("control-chars", "G2", "soon", Severity.WARNING, column=Bilingual("Due", "截止日期")),
    finding("unknown-owner", "E2", "张伟", Severity.WARNING),
    finding("no-standard-sheet", sheet=None, severity=Severity.WARNING),
]


def test_original_is_untouched_and_copy_has_the_same_name(workbook, tmp_path):
    before = sha256(workbook)
    copy = write_annotated_copy(workbook, FINDINGS, tmp_path / "out", "en")
    assert copy == tmp_path / "out" / "IT.xlsx" and copy.exists()
    assert sha256(workbook) == before
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["IT.xlsx"]    # no temp files left


def test_cells_are_filled_and_commented(workbook, tmp_path):
    book = openpyxl.load_workbook(write_annotated_copy(workbook, FINDINGS, tmp_path / "out", "en"))
    tasks = book["Tasks"]
    marked = {c.coordinate for row in tasks.iter_rows() for c in row if c.comment is not None}
    assert marked == {"G2", "H2", "A3", "E2"}
    assert tasks["G2"].fill.fgColor.rgb.endswith("FFC7CE")             # an error and a warning: red
    assert tasks["E2"].fill.fgColor.rgb.endswith("FFEB9C")             # a warning only: amber
    assert tasks["F2"].fill.fill_type is None
    comment = tasks["G2"].comment
    assert comment.author == AUTHOR
    assert comment.text.splitlines() == ["error: Due: “soon” is not a date",
                                         "warning: Due: invisible control characters were removed"]
    assert tasks["A2"].value == "T-1" and tasks["F2"].value.date() == date(2026, 11, 2)   # data kept


def test_findings_sheet_lists_everything_with_links(workbook, tmp_path):
    book = openpyxl.load_workbook(write_annotated_copy(workbook, FINDINGS, tmp_path / "out", "en"))
    assert book.sheetnames == ["Tasks", "Team", "Findings"]
    assert book.active.title == "Findings"
    assert [ws.sheet_view.tabSelected for ws in book.worksheets] == [False, False, True]
    sheet = book["Findings"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Place", "Severity", "Message", "Value")
    assert rows[1] == ("IT.xlsx › Tasks › G2", "error", "Due: “soon” is not a date", "soon")
    assert rows[-1][:2] == ("IT.xlsx", "warning")
    links = [(c.value, c.hyperlink.location if c.hyperlink else None) for c in sheet["A"][1:]]
    assert links[0] == ("IT.xlsx › Tasks › G2", "'Tasks'!G2")
    assert links[2] == ("IT.xlsx › Tasks › A3", "'Tasks'!A3")
    assert links[-1] == ("IT.xlsx", None)                               # file-level: no link


def test_formula_like_text_stays_text(workbook, tmp_path):
    hostile = ["=HYPERLINK(\"http://evil\",\"x\")", "+1+1", "-2+3", "@SUM(A1)", "=2*8"]
    found = [finding("bad-number", "J2", value, column=Bilingual("Est. Hours", "预计工时")) for value in hostile]
    copy = write_annotated_copy(workbook, found, tmp_path / "out", "en")
    sheet = openpyxl.load_workbook(copy)["Findings"]
    values = [sheet.cell(row, 4) for row in range(2, 2 + len(hostile))]
    assert [c.value for c in values] == hostile
    assert all(c.data_type == "s" for c in values)
    with zipfile.ZipFile(copy) as archive:
        xml = archive.read("xl/worksheets/sheet3.xml").decode()
    assert "<f>" not in xml                                             # not one formula was written


def test_chinese_copy(workbook, tmp_path):
    book = openpyxl.load_workbook(write_annotated_copy(workbook, FINDINGS, tmp_path / "out", "zh"))
    assert "问题清单" in book.sheetnames
    sheet = book["问题清单"]
    assert next(sheet.iter_rows(values_only=True)) == ("位置", "级别", "说明", "内容")
    assert sheet["B2"].value == "错误"
    assert book["Tasks"]["G2"].comment.text.splitlines() == ["错误：“截止日期”：“soon”不是有效日期",
                                                            "警告：“截止日期”：已删除不可见的控制字符"]


def test_chinese_sheet_names_are_linked_and_quoted(tmp_path):
    path = write_workbook(tmp_path / "in" / "客服部.xlsx", {"任务清单": [TASK_HEADERS, ROW],
                                                             "O'Brien": [["x"]]})
    found = [finding("missing-value", "E2", sheet="任务清单", file="客服部.xlsx"),
             finding("no-header", sheet="O'Brien", file="客服部.xlsx")]
    book = openpyxl.load_workbook(write_annotated_copy(path, found, tmp_path / "out", "zh"))
    links = [c.hyperlink.location for c in book["问题清单"]["A"][1:]]
    assert links == ["'任务清单'!E2", "'O''Brien'!A1"]                 # a sheet-level finding links to A1
    assert book["任务清单"]["E2"].comment is not None


def test_existing_findings_sheet_name_gets_a_suffix_and_user_comments_stay(tmp_path):
    path = write_workbook(tmp_path / "in" / "IT.xlsx", {"Tasks": [TASK_HEADERS, ROW], "Findings": [["mine"]]})
    book = openpyxl.load_workbook(path)
    book["Tasks"]["G2"].comment = Comment("check with Li", "Li Na")
    book.save(path)
    copy = openpyxl.load_workbook(write_annotated_copy(path, FINDINGS[:1], tmp_path / "out", "en"))
    assert copy.sheetnames == ["Tasks", "Findings", "Findings (2)"]
    assert copy["Findings"]["A1"].value == "mine"
    assert "check with Li" in copy["Tasks"]["G2"].comment.text
    assert copy["Tasks"]["G2"].comment.text.startswith("error:")


def test_merged_cells_are_marked_on_their_top_left_cell(workbook, tmp_path):
    book = openpyxl.load_workbook(workbook)
    book["Tasks"].merge_cells("B2:B3")
    book.save(workbook)
    copy = openpyxl.load_workbook(write_annotated_copy(workbook, [finding("missing-value", "B3")],
                                                       tmp_path / "out", "en"))
    assert copy["Tasks"]["B2"].comment is not None


def test_findings_pointing_nowhere_are_listed_not_marked(workbook, tmp_path):
    found = [finding("missing-sheet", sheet="Risks"), finding("bad-date", "ZZ", "x"),
             finding("bad-date", "G2", "x", sheet="Gone")]
    book = openpyxl.load_workbook(write_annotated_copy(workbook, found, tmp_path / "out", "en"))
    assert len(list(book["Findings"].iter_rows())) == 4
    assert not any(c.comment for row in book["Tasks"].iter_rows() for c in row)


def test_macro_workbooks_keep_their_macros(tmp_path):
    source = tmp_path / "in" / "buttons.xlsm"
    write_workbook(source, {"Tasks": [TASK_HEADERS, ROW]})
    with zipfile.ZipFile(source, "a") as archive:       # a stand-in VBA project: kept byte for byte
        archive.writestr("xl/vbaProject.bin", b"\xcc\x61" + bytes(100))
    copy = write_annotated_copy(source, FINDINGS[:1], tmp_path / "out", "en")
    with zipfile.ZipFile(copy) as archive:
        assert archive.read("xl/vbaProject.bin") == b"\xcc\x61" + bytes(100)
        assert b"macroEnabled" in archive.read("[Content_Types].xml")


def test_plain_xlsx_is_not_made_macro_enabled(workbook, tmp_path):
    copy = write_annotated_copy(workbook, FINDINGS[:1], tmp_path / "out", "en")
    with zipfile.ZipFile(copy) as archive:
        assert b"macroEnabled" not in archive.read("[Content_Types].xml")


def test_other_formats_give_none_and_write_nothing(tmp_path):
    csv = tmp_path / "in" / "IT.xlsx"                   # a CSV named .xlsx: judged by content
    csv.parent.mkdir()
    csv.write_text("Task ID,Task\nT-1,x\n", encoding="utf-8")
    assert write_annotated_copy(csv, FINDINGS, tmp_path / "out", "en") is None
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_refuses_to_replace_the_original(workbook):
    before = sha256(workbook)
    with pytest.raises(OutputError):
        write_annotated_copy(workbook, FINDINGS, workbook.parent, "en")
    assert sha256(workbook) == before


def test_a_workbook_openpyxl_cannot_load_is_a_file_finding(tmp_path):
    path = tmp_path / "in" / "odd.xlsx"
    path.parent.mkdir()
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
    with pytest.raises(FileRejected) as caught:
        write_annotated_copy(path, FINDINGS, tmp_path / "out", "en")
    assert caught.value.finding.code == "annotate-failed"
    assert caught.value.finding.message("zh").startswith("未生成标注副本")
    assert [p.name for p in (tmp_path / "out").iterdir()] == []


def test_a_chosen_name_for_the_copy(workbook, tmp_path):
    copy = write_annotated_copy(workbook, FINDINGS, tmp_path / "out", "en", name="a - IT.xlsx")
    assert copy.name == "a - IT.xlsx"
