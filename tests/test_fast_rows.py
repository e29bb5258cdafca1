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
WORKLOAD = "xl/worksheets/sheet4.xml"      # and the Workload grid
FINDINGS = "xl/worksheets/sheet11.xml"     # and the Findings (their links kept by XlsxWriter)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_sample_master_same_cells(tmp_path, monkeypatch, lang):
    public, fast = _masters([REPO / "workbooks" / "sample"], tmp_path, monkeypatch, lang)
    assert _sheet_xml(fast, _tasks_sheet(fast)) == _sheet_xml(public, _tasks_sheet(public))
    assert _sheet_xml(fast, TIMELINE) == _sheet_xml(public, TIMELINE)
    assert _sheet_xml(fast, WORKLOAD) == _sheet_xml(public, WORKLOAD)
    assert _sheet_xml(fast, FINDINGS) == _sheet_xml(public, FINDINGS)
    assert _sheet_xml(fast, "xl/worksheets/_rels/sheet11.xml.rels") == _sheet_xml(
        public, "xl/worksheets/_rels/sheet11.xml.rels")
    assert b"Timeline" in _sheet_xml(fast, "xl/workbook.xml") or "zh" == lang
    assert workbook_content(fast) == workbook_content(public)
    # every sheet: the registers and Changes (book.table_sheet) go through the row writer too
    with zipfile.ZipFile(fast) as a, zipfile.ZipFile(public) as b:
        sheets = sorted(n for n in a.namelist() if n.startswith("xl/worksheets/sheet"))
        assert sheets == sorted(n for n in b.namelist() if n.startswith("xl/worksheets/sheet")) and len(sheets) >= 11
        for name in sheets:
            assert a.read(name) == b.read(name), name


def test_generated_master_same_cells(tmp_path, monkeypatch):
    sys.path.insert(0, str(REPO / "benchmarks"))
    from generate import make_department_workbooks
    folder = tmp_path / "gen"
    make_department_workbooks(folder, 3, 150)
    public, fast = _masters([folder], tmp_path, monkeypatch, "en")
    assert _sheet_xml(fast, _tasks_sheet(fast)) == _sheet_xml(public, _tasks_sheet(public))
    assert _sheet_xml(fast, TIMELINE) == _sheet_xml(public, TIMELINE)
    assert _sheet_xml(fast, WORKLOAD) == _sheet_xml(public, WORKLOAD)
    assert _sheet_xml(fast, FINDINGS) == _sheet_xml(public, FINDINGS)
    assert _sheet_xml(fast, "xl/worksheets/_rels/sheet11.xml.rels") == _sheet_xml(
        public, "xl/worksheets/_rels/sheet11.xml.rels")
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
    for part in (_tasks_sheet(fast), TIMELINE, FINDINGS, "xl/worksheets/_rels/sheet11.xml.rels"):
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


# ------------------------------------------------------------------ issue 7: column-wise Tasks and Timeline

def test_all_plain_never_says_plain_of_a_text_the_row_writer_changes(tmp_path):
    """`all_plain` (one check for a whole column) is True only where `write_text` writes the text
    as it is; the column-wise writers rely on that."""
    wb = xlsxwriter.Workbook(str(tmp_path / "x.xlsx"), WORKBOOK_OPTIONS)
    ws = wb.add_worksheet()
    cell = fast_rows.RowWriter(ws).cell_xml()
    texts = TRICKY + ["a\u3000", "\u3000a", "a\xa0", "x\x7f", "\ud800x", "\uffff", "a_x00C1_b", "_x", "ok_xyz_",
                      "tab\tinside", "new\nline", "é", "年度", "x" * 16383, "x" * 16384, "a\x85", "<", ">", "&amp;"]
    for text in texts:
        out = cell.at(0)
        out.write_text(0, 0, text)
        written = cell.take()
        as_is = written == f'<c r="A1" t="inlineStr"><is><t>{text}</t></is></c>'
        if fast_rows.all_plain([text]):
            assert as_is, repr(text)
        for pair in (["plain", text], [text, "plain"]):
            assert fast_rows.all_plain(pair) == fast_rows.all_plain([text]) or not fast_rows.all_plain(pair)
    assert fast_rows.all_plain(["Task 1 of Dept 000", "年度促销活动", "a\tb", "王磊 W48 52/40 h"])
    assert not fast_rows.all_plain(["ok", None]) and not fast_rows.all_plain(["ok", ""])
    wb.close()


def _reference_wrapped_lines(value: str, width: float) -> int:
    """`book.wrapped_lines` as it was written before issue 7 (word by word, no caches)."""
    usable = max(width - 0.8, 1.0)
    if len(value) * 2 <= usable and "\n" not in value:
        return 1
    lines = 0
    for part in value.split("\n"):
        line, count = 0.0, 1
        for word in re.split(r"(?<=[ \u3000-\u9fff\uff00-\uffef])", part):
            w = book.text_width.__wrapped__(word)
            if line and line + w > usable:
                count += 1 + int(w // usable)
                line = w % usable
            else:
                line += w
                if line > usable:
                    count += int(line // usable)
                    line = line % usable
        lines += count
    return max(lines, 1)


def test_wrapped_lines_and_wide_text_are_the_plain_rules():
    import random
    import unicodedata

    rng = random.Random(7)
    alphabet = "abcXYZ019 ·—é\n\t年度促销活动王磊ＡＢ１\u3000!-_/."
    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 90))) for _ in range(3000)]
    texts += ["Overdue 22 wd · Blocked · Behind 100 pt · Owner 000-0 W48 463.1/40 h", "x" * 40, "WWWW " * 12,
              "Task 1 of Dept 000", "年度促销活动", "\ud800 lone", ""]
    for text in texts:
        for width in (8, 12, 32, 33.0, 34, 35.2):
            assert book.wrapped_lines(text, width) == _reference_wrapped_lines(text, width), (text, width)
        wide = not text.isascii() and any(unicodedata.east_asian_width(ch) in "WF" for ch in text)
        assert book.has_wide(text) == wide, text


def _odd_run(tmp_path: Path):
    """A generated run whose tasks carry every kind of value the writers meet: dates with a
    time, numbers as text and text as numbers, ints, booleans, lists of numbers, raw text kept
    for values not understood, a str subclass, XML characters, leading spaces, long CJK titles,
    a missing department, extra columns."""
    sys.path.insert(0, str(REPO / "benchmarks"))
    from generate import make_department_workbooks
    folder = tmp_path / "gen"
    make_department_workbooks(folder, 2, 120)
    out = tmp_path / "run"
    run = run_consolidation([folder], Settings(base_dir=out), AS_OF, output=out / "master.xlsx", stamp="t")

    class Text(str):
        pass

    odd = [("completed_on", datetime(2026, 10, 1, 9, 30)), ("due", "next Friday"), ("hours", 7), ("hours", "7"),
           ("percent", 50), ("percent", "50"), ("title", " leading & <b>"), ("title", "年度促销活动 " * 12),
           ("title", 12.5), ("owner", True), ("notes", Text("a str subclass")), ("notes", "_x0041_"),
           ("depends_on", (1, "D000-00002")), ("depends_on", ()), ("project", None), ("id", None),
           ("status", "unknown-status"), ("priority", ""), ("milestone", "M1\nM2"), ("completed_on", 46000.0),
           ("notes", float("nan")), ("hours", float("inf")), ("notes", "\x01ctrl"), ("title", "<r>rich</r>"),
           ("department", None), ("due", None), ("start", None), ("title", "x" * 300)]
    tasks = run.analysis.tasks
    for k, (key, value) in enumerate(odd):
        record = tasks[(k * 7) % len(tasks)].record
        record.values[key] = value
        if value is None:
            record.raw[key] = f"typed {key}"
    tasks[3].record.department = ""
    tasks[5].record.extras.update({"Budget": 12.5, "Reviewed": date(2026, 11, 2), "Comment": "ok & fine"})
    tasks[9].record.extras.update({"Comment": None, "Budget": "n/a"})
    tasks[11].flags.overloaded = True                      # overloaded without a note: an empty text
    return run


def test_column_wise_writers_write_what_the_cell_writers_write_on_odd_values(tmp_path, monkeypatch):
    from toolkit.inputs.previous_master import CarriedColumns, CarriedRow, master_task_key
    from toolkit.outputs.master import write_master

    run = _odd_run(tmp_path)
    run.consolidated.extra_task_headers[:] = ["Budget", "Reviewed", "Comment"]
    keys = [master_task_key(v.record) for v in run.analysis.tasks[:40]]
    carried = CarriedColumns(["Sign-off", "Risk note"],
                             [CarriedRow(d, t, {"Sign-off": "yes" if i % 3 else date(2026, 1, i % 28 + 1),
                                                "Risk note": ("" if i % 5 == 0 else "=1+1" if i % 7 == 0 else
                                                              3 if i % 11 == 0 else None if i % 13 == 0 else
                                                              i * 1.5 if i % 2 else "&")})
                              for i, (d, t) in enumerate(keys) if t])
    paths = {}
    for fast in (False, True):
        monkeypatch.setattr(fast_rows, "ENABLED", fast)
        paths[fast] = tmp_path / f"{fast}.xlsx"
        write_master(paths[fast], run, "en", carried=carried)
    public, fast = paths[False], paths[True]
    for part in (_tasks_sheet(fast), TIMELINE, WORKLOAD, FINDINGS):
        assert _sheet_xml(fast, part) == _sheet_xml(public, part), part
    assert workbook_content(fast) == workbook_content(public)
    tasks = openpyxl.load_workbook(fast)["Tasks"]
    headers = [c.value for c in tasks[1]]
    assert {"Budget", "Sign-off", "Risk note"} <= set(headers)
    assert "年度促销活动 " * 12 in [c.value for c in tasks["C"]]


# ------------------------------------------------------------------ issue 7: shortcuts equal the plain rules

def test_task_keys_are_master_task_key_on_odd_ids(tmp_path):
    from toolkit.inputs.previous_master import master_task_key

    run = _odd_run(tmp_path)
    tasks = run.analysis.tasks
    odd_ids = [" t-001 ", "Ｔ－００１", "T - 001", "T\t001\x1f", "ÅB-1", "ǅ-1", "ß-2", "ﬁ-3", 12.0, 12, True, "",
               "MiXeD Case", "a\u00a0b", "x\u2028y"]
    for k, value in enumerate(odd_ids):
        tasks[k * 3].record.values["id"] = value
    tasks[1].record.values["id"] = None
    tasks[1].record.raw["id"] = " Raw-ID "
    tasks[4].record.values["department"] = "Ｉｔ Dept"
    tasks[7].record.values["department"] = None
    assert book.task_keys(tasks) == [master_task_key(v.record) for v in tasks]


def test_dashboard_top_tasks_and_counts_are_the_plain_ones(tmp_path):
    from toolkit.analyze.tasks import status_unknown
    from toolkit.outputs.master.dashboard import TOP_TASKS, _late_order, top_tasks
    from toolkit.present.summary import count_flags, data_figures

    run = _odd_run(tmp_path)
    tasks = run.analysis.tasks
    flagged = [v for v in tasks if v.flags.any]
    assert sum(v.flags.overdue for v in flagged) > TOP_TASKS
    for views in (flagged, [v for v in flagged if not v.flags.overdue], flagged[::-1], flagged[:3],
                  [v for v in flagged if not v.flags.overdue][:20] + [v for v in flagged if v.flags.overdue][:2]):
        assert top_tasks(views) == sorted(views, key=_late_order)[:TOP_TASKS]
    flags = count_flags(run.analysis)
    for name in ("overdue", "due_soon", "behind", "overloaded", "blocked"):
        assert getattr(flags, name) == sum(getattr(v.flags, name) for v in tasks)
    figures = data_figures(run)
    assert figures.no_due == sum(1 for v in tasks if v.record.values.get("due") is None)
    assert figures.no_owner == sum(1 for v in tasks if not v.record.values.get("owner"))
    assert figures.no_status == sum(1 for v in tasks if status_unknown(v.record))
    assert figures.issues == sum(1 for v in tasks if v.flags.data_issue)


def test_master_zip_entries_are_the_plain_zip_entries(tmp_path):
    import random

    part = tmp_path / "part.xml"
    rng = random.Random(7)
    part.write_bytes(b"".join(b'<c r="A%d"><v>%d</v></c>' % (i, rng.randrange(10**6)) for i in range(200_000)))
    small = tmp_path / "small.xml"
    small.write_bytes(b"<x/>")
    contents = []
    for cls in (zipfile.ZipFile, fast_rows._ZipFile):
        path = tmp_path / f"{cls.__name__}-{len(contents)}.zip"
        with cls(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
            zf.write(part, "xl/part.xml")
            zf.write(small, "small.xml")
        with zipfile.ZipFile(path) as zf:
            assert zf.testzip() is None
            contents.append([(i.filename, i.CRC, i.file_size, i.date_time, zf.read(i)) for i in zf.infolist()])
    assert contents[0] == contents[1]
    assert part.stat().st_size > 2 * fast_rows._ZipFile.CHUNK
