"""The Tasks sheet's rows written as XML by `fast_rows.RowWriter` are the rows XlsxWriter's public
API writes: the sheet XML byte for byte, and every cell (value, type, format, fill) read back."""
from __future__ import annotations

import re
import sys
import zipfile
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter

import warnings

from conftest import AS_OF, REPO, workbook_content
from toolkit.config import Settings
from toolkit.outputs.master import WORKBOOK_OPTIONS, book, fast_rows
from toolkit.pipeline import run_consolidation

TRICKY = ["plain", " leading", "trailing ", "a & b < c > d", 'quote "q"', "tab\there", "line\nbreak",
          "ctrl\x01\x1f", "_x0041_ literal", "<r>rich?</r>", "非字符\ufffe", "emoji 😀", "=SUM(A1)",
          "", "x" * 20000, "😀" * 17000]
VALUES = [1, 0.1, 1e20, -3.5, 46000, date(2026, 11, 24), date(1900, 2, 1), datetime(2026, 1, 2, 13, 30),
          True, False, None, (1, "b"), 12345678901234567]


def _write(path: Path, fast: bool) -> None:
    wb = xlsxwriter.Workbook(str(path), WORKBOOK_OPTIONS)
    ws = wb.add_worksheet("S")
    bold, red = wb.add_format({"bold": True}), wb.add_format({"bg_color": "#FFC7CE", "pattern": 1})
    date_fmt = wb.add_format({"num_format": "yyyy-mm-dd", "bg_color": "#FFEB9C", "pattern": 1})
    ws.set_column(3, 3, 20, wb.add_format({"italic": True}))
    ws.set_row(4, None, wb.add_format({"font_color": "#00FF00"}))
    ws.write_row(0, 0, ["h1", "h2", "h3"], bold)
    ws.set_row(2, 30)
    out = fast_rows.RowWriter(ws) if fast else fast_rows.PublicRows(ws)
    r = 1
    for r, text in enumerate(TRICKY, start=1):
        out.write_string(r, 0, text, red)
        out.write_value(r, 1, VALUES[r % len(VALUES)], date_fmt if r % 2 else None)
        out.write_blank(r, 2, None, red if r % 3 else None)
        out.write_value(r, 3, text or None)          # no format: the column's, or the row's
        out.write_text(r, 6, text + "\x7f\ud800", red)
        out.write_number(r, 5, r * 1.5, bold)
        out.write_string(r, 4, "out of order", bold)
        out.write_number(r, 5, r * 2.5, red)          # written twice: the last one counts
    for k, value in enumerate(VALUES):
        out.write_value(r + 1 + k, 0, value, date_fmt)
    out.close()
    ws.write_string(r + len(VALUES) + 3, 0, "after", bold)
    ws.autofilter(0, 0, r, 5)
    wb.close()


def _sheet_xml(path: Path, name: str = "xl/worksheets/sheet1.xml") -> bytes:
    with zipfile.ZipFile(path) as z:
        return z.read(name)


def test_row_writer_writes_the_public_apis_xml(tmp_path):
    warnings.filterwarnings("ignore", "Cell .* is marked as a date", UserWarning)  # 1e20 in a date format
    public, fast = tmp_path / "public.xlsx", tmp_path / "fast.xlsx"
    _write(public, fast=False)
    _write(fast, fast=True)
    assert _sheet_xml(fast) == _sheet_xml(public)
    assert workbook_content(fast) == workbook_content(public)


def test_rows_must_go_top_to_bottom(tmp_path):
    wb = xlsxwriter.Workbook(str(tmp_path / "x.xlsx"), WORKBOOK_OPTIONS)
    out = fast_rows.RowWriter(wb.add_worksheet())
    out.write_number(3, 0, 1)
    with pytest.raises(ValueError):
        out.write_number(2, 0, 1)
    out.close()
    wb.close()


def test_fast_for_the_master_public_api_otherwise(tmp_path):
    wb = xlsxwriter.Workbook(str(tmp_path / "x.xlsx"), WORKBOOK_OPTIONS)
    assert isinstance(fast_rows.row_writer(wb.add_worksheet()), fast_rows.RowWriter)
    wb.close()
    wb = xlsxwriter.Workbook(str(tmp_path / "y.xlsx"))
    assert isinstance(fast_rows.row_writer(wb.add_worksheet()), fast_rows.PublicRows)
    wb.close()


def _masters(inputs: list[Path], tmp_path: Path, monkeypatch, lang: str) -> tuple[Path, Path]:
    paths = []
    for fast in (False, True):
        monkeypatch.setattr(fast_rows, "ENABLED", fast)
        out = tmp_path / f"{lang}-{'fast' if fast else 'public'}"
        run = run_consolidation(inputs, Settings(base_dir=out), AS_OF, output=out / "master.xlsx",
                                stamp="t", lang=lang)
        paths.append(run.master)
    return paths[0], paths[1]


def _tasks_sheet(path: Path) -> str:
    """The Tasks sheet's part (the second sheet)."""
    return "xl/worksheets/sheet2.xml"


TIMELINE = "xl/worksheets/sheet3.xml"      # the Timeline's bars go through the row writer too


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_sample_master_same_cells(tmp_path, monkeypatch, lang):
    public, fast = _masters([REPO / "workbooks" / "sample"], tmp_path, monkeypatch, lang)
    assert _sheet_xml(fast, _tasks_sheet(fast)) == _sheet_xml(public, _tasks_sheet(public))
    assert _sheet_xml(fast, TIMELINE) == _sheet_xml(public, TIMELINE)
    assert b"Timeline" in _sheet_xml(fast, "xl/workbook.xml") or "zh" == lang
    assert workbook_content(fast) == workbook_content(public)


def test_generated_master_same_cells(tmp_path, monkeypatch):
    sys.path.insert(0, str(REPO / "benchmarks"))
    from generate import make_department_workbooks
    folder = tmp_path / "gen"
    make_department_workbooks(folder, 3, 150)
    public, fast = _masters([folder], tmp_path, monkeypatch, "en")
    assert _sheet_xml(fast, _tasks_sheet(fast)) == _sheet_xml(public, _tasks_sheet(public))
    assert _sheet_xml(fast, TIMELINE) == _sheet_xml(public, TIMELINE)
    assert workbook_content(fast) == workbook_content(public)


# ------------------------------------------------------------------ issue 8, item 18: never raw XML

RICH_SHAPED = ["<r>rich?</r>", "<r></r>", "<r> spaced </r>", "<r>\t_x0041_ & \x01 é 😀</r>",
               '<r><t>x</t></r></is></c><c r="Z1" t="str"><f>HYPERLINK("http://attacker.example/","click")</f>'
               '<v>click</v></c><c r="Z2" t="inlineStr"><is><r><t>y</t></r>']


def _write_texts(path: Path, fast: bool) -> None:
    wb = xlsxwriter.Workbook(str(path), WORKBOOK_OPTIONS)
    ws = wb.add_worksheet("S")
    fmt = wb.add_format({"bg_color": "#FFC7CE", "pattern": 1})
    ws.set_column(2, 2, 20, wb.add_format({"italic": True}))
    out = fast_rows.RowWriter(ws) if fast else None
    for r, text in enumerate(RICH_SHAPED):
        for c, f in enumerate((fmt, None, None)):         # a format; none; the column's format
            if out is not None:
                out.write_text(r, c, text, f)
                out.write_value(r, c + 3, text, f)
                out.write_string(r, c + 6, text, f)
            else:                                          # main's safe path (book.write_text, public API)
                book.write_text(ws, r, c, text, f)
                book.write_value(ws, r, c + 3, text, f)
                fast_rows.PublicRows(ws).write_string(r, c + 6, text, f)   # not cleaned: ws.write_string
    if out is not None:
        out.close()
    wb.close()


def test_rich_shaped_text_is_written_as_the_safe_path_writes_it_never_as_xml(tmp_path):
    safe, fast = tmp_path / "safe.xlsx", tmp_path / "fast.xlsx"
    _write_texts(safe, fast=False)
    _write_texts(fast, fast=True)
    xml = _sheet_xml(fast)
    assert xml == _sheet_xml(safe)
    assert b"<f>" not in xml and b"<v>click</v>" not in xml
    assert workbook_content(fast) == workbook_content(safe)
    sheet = openpyxl.load_workbook(fast)["S"]
    for r, text in enumerate(RICH_SHAPED, start=1):
        if "_x" not in text and "\x01" not in text:     # (those escapes are XlsxWriter's own, as on main)
            assert [sheet.cell(r, c).value for c in range(1, 10)] == [text] * 9
    assert sheet.cell(len(RICH_SHAPED), 1).value == RICH_SHAPED[-1]      # the payload, as text


def test_hostile_master_fast_writer_writes_what_the_safe_path_writes(tmp_path, monkeypatch):
    from test_safety_outputs import PAYLOAD, hostile_inputs
    folder = tmp_path / "in"
    hostile_inputs(folder)
    used: list[str] = []
    real = fast_rows._rich_inline

    def spy(ws, string):
        used.append(ws.name)
        return real(ws, string)

    monkeypatch.setattr(fast_rows, "_rich_inline", spy)
    public, fast = _masters([folder], tmp_path, monkeypatch, "en")
    assert {"Tasks", "Timeline"} <= set(used)             # the fast writer met the payload on both sheets
    for part in (_tasks_sheet(fast), TIMELINE):
        xml = _sheet_xml(fast, part)
        # the same XML but for style numbers: a format first used on the last row is numbered by
        # XlsxWriter when the workbook closes, by the row writer when the row is written (the
        # formats themselves are compared cell by cell below)
        assert re.sub(rb' s="\d+"', b"", xml) == re.sub(rb' s="\d+"', b"", _sheet_xml(public, part))
        assert b"<f>HYPERLINK" not in xml and b"<v>click</v>" not in xml
    assert workbook_content(fast) == workbook_content(public)
    saved = openpyxl.load_workbook(fast)
    for name in ("Tasks", "Timeline"):
        assert PAYLOAD in [c.value for row in saved[name].iter_rows() for c in row], name
