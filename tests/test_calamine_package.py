"""The package made for calamine (toolkit/inputs/calamine_package.py) gives calamine's own
cells, origins and merged ranges for every worksheet of every workbook we have."""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

import openpyxl
import pytest
import python_calamine as calamine
from conftest import CORPUS, REPO

from toolkit.inputs import calamine_package
from toolkit.inputs.calamine_package import merges_in_part, stored_package, empty_merges_at
from toolkit.inputs.layout import scan_worksheets

REALWORLD = REPO.parent / "shared" / "realworld_trackers"


def _workbooks() -> list[Path]:
    found = sorted((REPO / "workbooks").rglob("*.xls[xm]"))
    for folder in (CORPUS, REALWORLD):
        if folder.is_dir():
            found += sorted(p for p in folder.rglob("*") if p.suffix.lower() in (".xlsx", ".xlsm"))
    return found


def _sheets(workbook: calamine.CalamineWorkbook) -> list[tuple]:
    shown = []
    for index, meta in enumerate(workbook.sheets_metadata):
        if str(meta.typ) not in ("SheetTypeEnum.WorkSheet", "WorkSheet"):
            continue
        try:
            sheet = workbook.get_sheet_by_index(index)
        except Exception as exc:  # noqa: BLE001 - a damaged sheet must be damaged both ways
            shown.append((meta.name, "unreadable", type(exc).__name__))
            continue
        shown.append((meta.name, sheet.start, sheet.to_python(), list(sheet.merged_cell_ranges or [])))
    return shown


def _prepared_and_plain(path: Path) -> tuple[list[tuple], list[tuple]] | None:
    scan = scan_worksheets(path)
    if not scan.prepared:
        return None
    package = stored_package(path, scan.prepared)
    if package is None:
        return None
    try:
        plain = calamine.CalamineWorkbook.from_path(str(path))
    except calamine.CalamineError:
        return None
    prepared = calamine.CalamineWorkbook.from_filelike(package)
    mine = [(name, start, rows, scan.merges[name]) if start != "unreadable" else (name, start, rows)
            for name, start, rows, *_ in ((*s, None) if len(s) == 3 else s for s in _sheets(prepared))]
    theirs = [s[:3] if s[1] == "unreadable" else s for s in _sheets(plain)]
    return mine, theirs


def test_every_workbook_reads_alike_from_the_prepared_package():
    compared = 0
    for path in _workbooks():
        both = _prepared_and_plain(path)
        if both is None:
            continue
        mine, theirs = both
        assert mine == theirs, path.name
        compared += 1
    assert compared >= 10, compared


def test_merged_cells_are_found_as_calamine_finds_them(tmp_path):
    path = tmp_path / "merged.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Tasks"
    sheet.append(["Task ID", "Title", "Owner", "Due"])
    for n in range(2, 30):
        sheet.append([f"T-{n}", f"task {n}", "王磊", "2026-12-01"])
    for ref in ("A1:B1", "C3:C9", "D12:F20", "AA40:AB41", "B50"):
        sheet.merge_cells(ref)
    book.create_sheet("Team").append(["Name", "Capacity"])
    book.save(path)
    both = _prepared_and_plain(path)
    assert both is not None
    mine, theirs = both
    assert mine == theirs
    assert len(mine[0][3]) == 5


@pytest.mark.parametrize("xml", [
    b'<worksheet><sheetData/><mergeCells count="1"><mergeCell ref="A1:B$2"/></mergeCells></worksheet>',
    b"<worksheet><sheetData/><mergeCells count=\"1\"><mergeCell ref='A1:B2'/></mergeCells></worksheet>",
    b'<worksheet><sheetData/><mergeCells count="1"><mergeCell ref="a1:b2"/></mergeCells></worksheet>',
])
def test_a_merge_written_oddly_is_left_to_calamine(xml):
    assert merges_in_part(xml) is None


def test_the_root_is_found_or_the_sheet_is_left_alone():
    assert empty_merges_at(b'<?xml version="1.0"?>\n<x:worksheet xmlns:x="urn:x"><x:sheetData/></x:worksheet>') \
        == len(b'<?xml version="1.0"?>\n<x:worksheet xmlns:x="urn:x">')
    assert empty_merges_at(b"<worksheet/>") is None
    assert empty_merges_at(b"<chartsheet></chartsheet>") is None


def test_a_package_too_big_or_odd_is_read_from_its_file(tmp_path, monkeypatch):
    path = REPO / "workbooks" / "sample" / "IT.xlsx"
    scan = scan_worksheets(path)
    assert scan.prepared and stored_package(path, scan.prepared) is not None
    monkeypatch.setattr(calamine_package, "STORED_MAX_BYTES", 10)
    assert stored_package(path, scan.prepared) is None
    monkeypatch.undo()
    twice = tmp_path / "twice.xlsx"             # a part name written twice: calamine decides
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(twice, "w") as target:
        for info in source.infolist():
            target.writestr(info, source.read(info))
        with pytest.warns(UserWarning):
            target.writestr("docProps/app.xml", b"<x/>")
    assert stored_package(twice, scan.prepared) is None


def test_the_package_is_a_valid_zip_with_the_same_parts():
    path = REPO / "workbooks" / "sample" / "IT.xlsx"
    scan = scan_worksheets(path)
    package = stored_package(path, scan.prepared)
    assert package is not None
    with zipfile.ZipFile(io.BytesIO(package.getvalue())) as made, zipfile.ZipFile(path) as source:
        assert made.testzip() is None
        assert made.namelist() == source.namelist()
        for name in source.namelist():
            if name in scan.prepared:
                assert made.read(name).replace(calamine_package.EMPTY_MERGES, b"", 1) == source.read(name)
            else:
                assert made.read(name) == source.read(name)
