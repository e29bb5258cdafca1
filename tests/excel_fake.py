"""A small stand-in for the xlwings object model, backed by a real workbook file (openpyxl).

It offers exactly the xlwings calls `toolkit.excel` makes and nothing else, so a call the
entry points start making without adding it here fails the tests; `test_excel_python.py`
checks every member below against the real xlwings class named in `REAL` (same kind,
same parameters), so the stand-in cannot drift from xlwings either.

Members whose names start with `_` are the stand-in's own plumbing and are not checked.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.comments import Comment
from openpyxl.styles import PatternFill
from openpyxl.utils import get_column_letter, range_boundaries

_REF = re.compile(r"^'?(.*?)'?!\$?([A-Z]+)\$?(\d+)(?::\$?([A-Z]+)\$?(\d+))?$")


class FakeBook:
    REAL = "Book"
    _current: FakeBook | None = None

    def __init__(self, path: Path | str, fullname: str | None = None):
        self._path = Path(path)
        self._fullname = fullname if fullname is not None else str(self._path)
        self._wb = openpyxl.load_workbook(self._path, keep_vba=self._path.suffix == ".xlsm")
        self._app = FakeApp()
        self._saves = 0

    @classmethod
    def caller(cls) -> FakeBook:
        if cls._current is None:
            raise RuntimeError("no calling workbook")
        return cls._current

    @property
    def fullname(self) -> str:
        return self._fullname

    @property
    def sheets(self) -> FakeSheets:
        return FakeSheets(self)

    @property
    def names(self) -> FakeNames:
        return FakeNames(self)

    @property
    def app(self) -> FakeApp:
        return self._app

    def save(self, path=None, password=None):
        self._wb.save(self._path)
        self._saves += 1


class FakeSheets:
    REAL = "Sheets"

    def __init__(self, book: FakeBook):
        self._book = book

    def __getitem__(self, key):
        wb = self._book._wb
        return FakeSheet(self._book, wb.worksheets[key] if isinstance(key, int) else wb[key])

    def __contains__(self, key):
        return key in self._book._wb.sheetnames

    def __iter__(self):
        return iter([FakeSheet(self._book, ws) for ws in self._book._wb.worksheets])

    def add(self, name=None, before=None, after=None):
        wb = self._book._wb
        ws = wb.create_sheet(name, index=wb.index(wb.active))   # xlwings adds before the active sheet
        wb.active = wb.index(ws)
        return FakeSheet(self._book, ws)


class FakeSheet:
    REAL = "Sheet"

    def __init__(self, book: FakeBook, ws):
        self._book, self._ws = book, ws

    @property
    def name(self) -> str:
        return self._ws.title

    def range(self, cell1, cell2=None):
        if cell2 is not None:
            raise NotImplementedError("the entry points address ranges by one argument")
        if isinstance(cell1, tuple):
            cell1 = f"{get_column_letter(cell1[1])}{cell1[0]}"
        return FakeRange(self._ws, cell1)

    @property
    def used_range(self) -> FakeRange:
        return FakeRange(self._ws, self._ws.dimensions)

    def clear(self):
        if self._ws.max_row:
            self._ws.delete_rows(1, self._ws.max_row)


class FakeRange:
    REAL = "Range"

    def __init__(self, ws, address: str):
        self._ws = ws
        min_col, min_row, max_col, max_row = range_boundaries(address.replace("$", ""))
        self._box = (min_row, min_col, max_row or min_row, max_col or min_col)

    def _cells(self):
        r0, c0, r1, c1 = self._box
        return [[self._ws.cell(r, c) for c in range(c0, c1 + 1)] for r in range(r0, r1 + 1)]

    @property
    def value(self):
        rows = [[cell.value for cell in row] for row in self._cells()]
        if len(rows) == 1 and len(rows[0]) == 1:
            return rows[0][0]
        if len(rows) == 1:
            return rows[0]            # xlwings gives a single row as a flat list
        return rows

    @value.setter
    def value(self, data):
        if not isinstance(data, (list, tuple)):
            data = [[data]]
        elif data and not isinstance(data[0], (list, tuple)):
            data = [data]
        r0, c0 = self._box[0], self._box[1]
        for i, row in enumerate(data):
            for j, item in enumerate(row):
                cell = self._ws.cell(r0 + i, c0 + j)
                if isinstance(item, str) and item.startswith("'"):
                    cell.value = item[1:]         # as Excel: the prefix marks text and is not kept
                    cell.data_type = "s"
                else:
                    cell.value = item             # as Excel: "=…" becomes a formula

    @property
    def color(self):
        fill = self._cells()[0][0].fill
        if fill.fill_type != "solid":
            return None
        rgb = str(fill.fgColor.rgb)[-6:]
        return tuple(int(rgb[i:i + 2], 16) for i in (0, 2, 4))

    @color.setter
    def color(self, color_or_rgb):
        for row in self._cells():
            for cell in row:
                if color_or_rgb is None:
                    cell.fill = PatternFill(fill_type=None)
                else:
                    cell.fill = PatternFill("solid", fgColor=color_or_rgb.lstrip("#").upper())

    @property
    def note(self):
        cell = self._cells()[0][0]
        return None if cell.comment is None else FakeNote(cell)

    def add_note(self, text):
        cell = self._cells()[0][0]
        if cell.comment is not None:
            raise RuntimeError("Excel refuses a second note on one cell")
        cell.comment = Comment(text, "xlwings")
        return FakeNote(cell)

    @property
    def column_width(self):
        return self._ws.column_dimensions[get_column_letter(self._box[1])].width

    @column_width.setter
    def column_width(self, value):
        self._ws.column_dimensions[get_column_letter(self._box[1])].width = value


class FakeNote:
    REAL = "Note"

    def __init__(self, cell):
        self._cell = cell

    @property
    def text(self):
        return self._cell.comment.text

    def delete(self):
        self._cell.comment = None


class FakeNames:
    REAL = "Names"

    def __init__(self, book: FakeBook):
        self._book = book

    def __contains__(self, item):
        return item in self._book._wb.defined_names

    def __getitem__(self, item):
        return FakeName(self._book, self._book._wb.defined_names[item])


class FakeName:
    REAL = "Name"

    def __init__(self, book: FakeBook, defined):
        self._book, self._defined = book, defined

    @property
    def refers_to(self):
        return "=" + self._defined.attr_text

    @property
    def refers_to_range(self):
        match = _REF.match(self._defined.attr_text)
        if not match:
            raise ValueError(f"{self._defined.name} does not refer to a range")
        sheet, c0, r0, c1, r1 = match.groups()
        address = f"{c0}{r0}" + (f":{c1}{r1}" if c1 else "")
        return FakeRange(self._book._wb[sheet.replace("''", "'")], address)


class FakeApp:
    REAL = "App"

    def __init__(self):
        self._alerts: list[dict[str, Any]] = []
        self._books = FakeBooks()

    def alert(self, prompt, title=None, buttons="ok", mode=None, callback=None):
        self._alerts.append({"prompt": prompt, "title": title, "mode": mode})

    @property
    def books(self):
        return self._books


class FakeBooks:
    REAL = "Books"

    def __init__(self):
        self._opened: list[str] = []

    def open(self, fullname=None, update_links=None, read_only=None, format=None, password=None,
             write_res_password=None, ignore_read_only_recommended=None, origin=None, delimiter=None,
             editable=None, notify=None, converter=None, add_to_mru=None, local=None, corrupt_load=None,
             json=None):
        if not Path(fullname).is_file():
            raise FileNotFoundError(fullname)
        self._opened.append(str(fullname))


FAKES = (FakeBook, FakeSheets, FakeSheet, FakeRange, FakeNote, FakeNames, FakeName, FakeApp, FakeBooks)
