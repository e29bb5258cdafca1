"""The master workbook being written: formats, the run's pieces and the helpers every sheet uses.

Rules kept here for every sheet:

- **Nothing a user typed becomes a formula.** Every value goes through `write_value`: text by
  `write_string` (so "=HYPERLINK(…)", "+cmd|' /C calc'!A0", "@SUM(1)" and "-2+3" stay text),
  numbers by `write_number`, dates by `write_datetime`, None as a blank. The workbook is also opened
  with `strings_to_formulas/urls/numbers` off. Control characters (except tab and newline) are
  removed and text longer than Excel's 32 767 characters is cut, so no input can crash the writer.
- **Formats are created once** per workbook (a small cache keyed by style), never per cell.
- **constant_memory** mode: rows are flushed to disk as they are written, so each sheet is
  written top to bottom, row by row (strings inline; Excel, LibreOffice and openpyxl read both).
"""
from __future__ import annotations

import functools
import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from ... import i18n
from ...inputs.previous_master import SOURCE_COLUMNS
from ...errors import Finding
from ...model import Record
from ...present.labels import fmt_number, rag_label, record_values
from ...present.marks import row_mark
from ...present.palette import (
    FAR_OVER_RATIO,
    FILL_ORDER,
    FILLS,
    HEADER_FILL,
    HEAT,
    NEAR_RATIO,
)
from ...results import Analysis, Change, TaskView
from ...run import FileReport, SnapshotRef
from ...schema import SheetSpec

DATE_FORMAT = "yyyy-mm-dd"
MAX_TEXT = 32_767            # Excel's limit of characters in a cell
MAX_LINKS = 65_530           # Excel's limit of hyperlinks in a worksheet
MAX_URL = 2_000              # XlsxWriter refuses longer URLs (Excel: 2 079)



_BAD_CHARS = re.compile("[\x00-\x08\x0b-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


# ---------------------------------------------------------------- print

PAPER = {"A4": 9, "Letter": 1}   # Excel's paper codes
PORTRAIT_MAX_WIDTH = 90          # column-width units that still print legibly on a portrait page
WRAP_MAX_WIDTH = 24               # table columns wider than this print narrower, their text wrapped
LINE_HEIGHT = 15.0                # points per line of Calibri 11 (Excel's default row)
LINE_HEIGHT_CJK = 16.5            # the CJK fallback font draws taller lines


@functools.lru_cache(maxsize=1 << 16)    # words and short texts repeat across 100 000 rows (issue 7)
def text_width(value: str) -> float:
    """Width of `value` in column-width units (the width of a digit): wide (CJK) characters count
    two, digits and capitals one, other characters a little less."""
    if value.isascii():
        narrow = sum(ch.isdigit() or ch.isupper() for ch in value)
        return narrow + 0.85 * (len(value) - narrow)
    return sum(2.0 if unicodedata.east_asian_width(ch) in "WF" else 1.0 if ch.isdigit() or ch.isupper() else 0.85
               for ch in value)


# Every ASCII character by its width class (digits and capitals "D", the rest "x", spaces and line
# breaks kept): a text and its shape wrap into the same lines, and shapes repeat ("Overdue 12 wd …").
_SHAPE = str.maketrans({chr(i): ("D" if chr(i).isdigit() or chr(i).isupper() else
                                 chr(i) if chr(i) in " \n" else "x") for i in range(128)})

_SHAPE_BYTES = bytes(ord(chr(i).translate(_SHAPE)) if i < 128 else i for i in range(256))


def wrapped_lines(value: str, width: float) -> int:
    """Lines `value` takes when wrapped in a column `width` units wide (words do not break)."""
    usable = max(width - 0.8, 1.0)   # a cell keeps about 5 px of padding
    if len(value) * 2 <= usable and "\n" not in value:
        return 1                     # fits even if every character were wide
    if len(value) <= usable and value.isascii() and "\n" not in value:
        return 1                     # an ASCII character is at most one unit wide
    if value.isascii():
        return _shape_lines(value.translate(_SHAPE), usable)
    try:                             # the same map on the UTF-8 bytes (a C loop): other characters kept
        shape = value.encode().translate(_SHAPE_BYTES).decode()
    except UnicodeError:             # a lone surrogate
        shape = value.translate(_SHAPE)
    return _shape_lines(shape, usable)


@functools.lru_cache(maxsize=1 << 15)
def _shape_lines(value: str, usable: float) -> int:
    lines = 0
    for part in value.split("\n"):
        line = 0.0
        count = 1
        for word in _WORDS.split(part):
            w = text_width(word)
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


_WORDS = re.compile(r"(?<=[ \u3000-\u9fff\uff00-\uffef])")
_NOT_ASCII = re.compile(r"[^\x00-\x7f]")


@functools.lru_cache(maxsize=1 << 12)
def _wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in "WF"


def has_wide(text: str) -> bool:
    """True when `text` has a wide (CJK) character."""
    if text.isascii() or len(text.encode("latin-1", "ignore")) == len(text):
        return False                 # no character past U+00FF: none is wide
    return any(map(_wide, set(_NOT_ASCII.findall(text))))


def row_height(lines: int, text: str = "") -> float:
    """Points for `lines` lines of `text` (CJK text draws taller lines)."""
    cjk = has_wide(text)
    return round(lines * (LINE_HEIGHT_CJK if cjk else LINE_HEIGHT) + (2 if lines > 1 else 0), 1)


# ---------------------------------------------------------------- values

def clean_text(value: str) -> str:
    """`value` without control characters (tab and newline kept), cut to Excel's cell limit."""
    if _BAD_CHARS.search(value):
        value = _BAD_CHARS.sub("", value)
    if len(value) > MAX_TEXT:
        value = value[:MAX_TEXT]
    return value


def write_text(ws: Any, row: int, col: int, value: str, fmt: Any = None) -> None:
    """`ws.write_string` for any user text, cleaned: a string that starts with `<r>` and ends
    with `</r>` would be written raw as rich-text XML by XlsxWriter's constant_memory mode (a
    crafted task title could put a live formula cell into the master, or break it), so such a
    string is written as plain runs, which XlsxWriter escapes. Excel shows the same text."""
    value = clean_text(value)
    if value.startswith("<r>") and value.endswith("</r>"):
        parts = (value[:1], value[1:2], value[2:])     # XlsxWriter wants three pieces or more
        if fmt is None:
            ws.write_rich_string(row, col, *parts)
        else:
            ws.write_rich_string(row, col, *parts, fmt)
    else:
        ws.write_string(row, col, value, fmt)


def text_writer(ws: Any) -> Any:
    """`write_text` bound to one sheet: (row, col, text, fmt)."""
    def write(row: int, col: int, value: str, fmt: Any = None) -> None:
        write_text(ws, row, col, value, fmt)
    return write


def write_value(ws: Any, row: int, col: int, value: Any, fmt: Any = None) -> None:
    """Write one value as what it is: text as text (never a formula), numbers, dates, blanks."""
    if value is None or value == "":
        if fmt is not None:
            ws.write_blank(row, col, None, fmt)
        return
    if isinstance(value, str):
        write_text(ws, row, col, value, fmt)
    elif isinstance(value, bool):
        ws.write_boolean(row, col, value, fmt)
    elif isinstance(value, (int, float, Decimal)):
        number = float(value)
        if math.isfinite(number):
            ws.write_number(row, col, number, fmt)
        else:
            write_text(ws, row, col, str(value), fmt)
    elif isinstance(value, (datetime, date, time)):
        ws.write_datetime(row, col, value, fmt)
    elif isinstance(value, (list, tuple, set, frozenset)):
        write_text(ws, row, col, ", ".join(str(v) for v in value), fmt)
    else:
        write_text(ws, row, col, str(value), fmt)





class Styles:
    """Every format of the workbook, created once and reused (XlsxWriter formats are per workbook)."""

    KINDS: dict[str, dict[str, Any]] = {
             "text": {}, "wrap": {"text_wrap": True}, "date": {"num_format": DATE_FORMAT},
             "percent": {"num_format": "0%"}, "number": {"num_format": "General"}, "int": {"num_format": "0"},
             "points": {"num_format": "0"}}
    for _props in KINDS.values():
        _props["valign"] = "top"      # a wrapped cell's neighbours line up with its first line

    def __init__(self, wb: Any):
        self.wb = wb
        self._cache: dict[tuple, Any] = {}
        self.header = wb.add_format({"bold": True, "bg_color": HEADER_FILL, "border": 1, "text_wrap": True,
                                     "valign": "top"})
        self.title = wb.add_format({"bold": True, "font_size": 14})
        self.subtitle = wb.add_format({"bold": True, "font_size": 11})
        self.link = wb.add_format({"font_color": "#0563C1", "underline": 1, "valign": "top"})
        # the Tasks grid: kind × fill, created up front
        self.task = {fill: {kind: self.get(kind, FILLS.get(fill or "")) for kind in self.KINDS}
                     for fill in (None, *FILL_ORDER)}

    def get(self, kind: str = "text", fill: str | None = None, bold: bool = False, font: str | None = None,
            num_format: str | None = None) -> Any:
        key = (kind, fill, bold, font, num_format)
        fmt = self._cache.get(key)
        if fmt is None:
            props = dict(self.KINDS.get(kind, {}))
            if fill:
                props.update({"bg_color": fill, "pattern": 1})
            if bold:
                props["bold"] = True
            if font:
                props["font_color"] = font
            if num_format:
                props["num_format"] = num_format
            fmt = self.wb.add_format(props)
            self._cache[key] = fmt
        return fmt



def task_keys(views: Sequence[TaskView]) -> list[tuple[str, str]]:
    """`master_task_key` of every task, in order: an ASCII text's key is worked out by its
    ASCII rules (NFKC leaves ASCII as it is, case folding is lower case), anything else by
    `normalize_id`; the department (few of them) once each."""
    from ...ids import normalize_id
    from ...inputs.previous_master import master_task_key

    keys: list[tuple[str, str]] = []
    departments: dict[Any, str] = {}
    for view in views:
        record = view.record
        values = record.values
        department = values.get("department") or record.department
        task_id = values.get("id")
        if task_id is None:
            task_id = record.raw.get("id")
        if type(department) is not str or type(task_id) is not str or not task_id.isascii():
            keys.append(master_task_key(record))
            continue
        dept = departments.get(department)
        if dept is None:
            dept = departments[department] = normalize_id(department)
        keys.append((dept, "".join(task_id.lower().split())))
    return keys


class MasterBook:
    """One master being written: the workbook, its formats, the language and the run's pieces."""

    carried_unmatched: list[Any] = []      # set by write_master: carried rows with no single task
    link_base: Any = None                  # the master's folder: Findings links are relative to it
    linkable: set[str] | None = None       # paths of the workbooks that were read (only those are linked)

    def __init__(self, wb: Any, analysis: Analysis, team: list[Record], projects: list[Record],
                 lessons: list[Record], changes: list[Change], findings: list[Finding], lang: str, as_of: date,
                 extra_headers: list[str], carried: dict[tuple[str, str], dict[str, Any]],
                 carried_headers: list[str],
                 *, paper: str = "A4", files: Sequence[FileReport] = (), compared_with: SnapshotRef | None = None):
        self.wb = wb
        self.st = Styles(wb)
        self.analysis = analysis
        self.team = team
        self.projects = projects
        self.lessons = lessons
        self.changes = changes
        self.findings = findings
        self.lang = lang
        self.as_of = as_of
        self.extra_headers = extra_headers
        self.carried = carried
        self.carried_headers = [h for h in carried_headers if h not in set(extra_headers)]
        self.run: Any = None          # the whole Run, for sheets that tell about the run itself
        self.paper = paper
        self.files = list(files)              # the input files, for data quality on the Dashboard
        self.compared_with = compared_with    # the earlier run the Changes compare against

    def print_setup(self, ws: Any, widths: Sequence[float], *, last_row: int, header_rows: int = 1,
                    id_columns: int = 0, landscape: bool | None = None, one_page: bool = False,
                    gridlines: bool = True) -> None:
        """Paper from the settings, landscape when the printed columns are wide, one page wide
        (one page in all with `one_page`), header rows and ID columns repeated on every page, the
        print area, and a footer: sheet name, as-of date, page X of Y."""
        ws.set_paper(PAPER.get(self.paper, 9))
        if landscape is None:
            landscape = sum(widths) > PORTRAIT_MAX_WIDTH
        if landscape:
            ws.set_landscape()
        else:
            ws.set_portrait()
        ws.fit_to_pages(1, 1 if one_page else 0)
        ws.set_margins(left=0.25, right=0.25, top=0.3, bottom=0.45)
        if header_rows:
            ws.repeat_rows(0, header_rows - 1)
        if id_columns:
            ws.repeat_columns(0, id_columns - 1)
        ws.print_area(0, 0, max(last_row, header_rows), max(len(widths) - 1, 0))
        if gridlines:
            ws.hide_gridlines(0)
        sheet = ws.get_name().replace("&", "&&")
        ws.set_footer(self.t("print.footer", sheet=sheet, as_of=self.as_of.isoformat()), {"margin": 0.2})

    def task_marks(self) -> list[str | None]:
        """`row_mark` of every task, in the tasks' order (computed once for all sheets)."""
        marks = getattr(self, "_marks", None)
        if marks is None or len(marks) != len(self.analysis.tasks):
            marks = self._marks = [row_mark(v) for v in self.analysis.tasks]
        return marks

    def task_keys(self) -> list[tuple[str, str]]:
        """`master_task_key` of every task, in the tasks' order (computed once)."""
        keys = getattr(self, "_keys", None)
        if keys is None or len(keys) != len(self.analysis.tasks):
            keys = self._keys = task_keys(self.analysis.tasks)
        return keys

    def task_values(self) -> dict[str, tuple]:
        """Every task's value of each schema column, column by column in the tasks' order (read
        once for all sheets: reading 100 000 records is mostly waiting for memory)."""
        found = getattr(self, "_task_values", None)
        if found is None or len(next(iter(found.values()), ())) != len(self.analysis.tasks):
            from ...schema import TASKS
            from .fast_rows import columns

            keys = tuple(c.key for c in TASKS.columns)
            found = self._task_values = dict(zip(keys, columns([v.record.values for v in self.analysis.tasks], keys)))
        return found

    def t(self, key: str, **params: Any) -> str:
        return i18n.text(key, self.lang, **params)

    def header(self, ws: Any, row: int, headers: Sequence[str], widths: Sequence[int] | None = None) -> None:
        for col, text in enumerate(headers):
            write_value(ws, row, col, text, self.st.header)
        if widths:
            for col, width in enumerate(widths):
                ws.set_column(col, col, width)

    def table_sheet(self, name: str, headers: list[str], widths: list[int], rows: Iterable[list[tuple]],
                     ) -> tuple[Any, int]:
        """A sheet with one table: header row frozen, autofilter; rows of (value, kind, fill).

        Columns print no wider than WRAP_MAX_WIDTH; a text longer than its column wraps and its
        row is made tall enough for it, so nothing overprints and the sheet prints one page wide."""
        ws = self.wb.add_worksheet(name)
        widths = [min(w, WRAP_MAX_WIDTH) for w in widths]
        self.header(ws, 0, headers, widths)
        self.fit_row(ws, 0, headers, widths)
        ws.freeze_panes(1, 0)
        r = 0
        get = self.st.get
        from .fast_rows import row_writer

        out = row_writer(ws)     # row XML (fast_rows), byte for byte what the public calls write
        for r, cells in enumerate(rows, start=1):
            cells = self.wrap_cells(ws, r, cells, widths)
            for c, (value, kind, fill) in enumerate(cells):
                out.write_value(r, c, value, get(kind, fill))
        out.close()
        ws.autofilter(0, 0, max(r, 1), len(headers) - 1)
        # the source file/sheet/row columns stay on screen; paper gets the register itself
        sourced = len(headers) > len(SOURCE_COLUMNS) and headers[-len(SOURCE_COLUMNS):] == self.source_headers()
        self.print_setup(ws, widths[:-len(SOURCE_COLUMNS)] if sourced else widths, last_row=r, id_columns=1)
        return ws, r

    @staticmethod
    def extras_of(records: Iterable[Record]) -> list[str]:
        """The columns teams added to a register, in first-seen order (never dropped)."""
        seen: dict[str, None] = {}
        for record in records:
            seen.update(dict.fromkeys(record.extras))
        return list(seen)

    @staticmethod
    def extra_cells(record: Record | None, headers: list[str]) -> list[tuple]:
        got = record.extras if record is not None else {}
        return [(got.get(h), "date" if isinstance(got.get(h), (date, datetime)) else "text", None) for h in headers]

    def fit_row(self, ws: Any, row: int, texts: Sequence[Any], widths: Sequence[float]) -> None:
        """Make `row` tall enough for its wrapped texts (call before writing the row's cells)."""
        lines, longest = 1, ""
        for value, width in zip(texts, widths):
            if isinstance(value, str) and value:
                n = wrapped_lines(value, width)
                if n > lines:
                    lines, longest = n, value
        if lines > 1:
            ws.set_row(row, row_height(lines, longest))

    def wrap_cells(self, ws: Any, row: int, cells: list[tuple], widths: Sequence[float]) -> list[tuple]:
        """`cells` with every text longer than its column turned to "wrap"; the row's height set."""
        out = []
        lines, longest = 1, ""
        for c, (value, kind, fill) in enumerate(cells):
            if kind in ("text", "wrap") and isinstance(value, str) and value and c < len(widths):
                n = wrapped_lines(value, widths[c])
                if n > 1 or kind == "wrap":
                    kind = "wrap"
                    if n > lines:
                        lines, longest = n, value
            out.append((value, kind, fill))
        if lines > 1:
            ws.set_row(row, row_height(min(lines, 30), longest))
        return out

    def source_cells(self, record: Record, fill: str | None = None) -> list[tuple]:
        src = record.source
        return [(src.file, "text", fill), (src.sheet, "text", fill), (src.row, "int", fill)]

    def source_headers(self) -> list[str]:
        return [self.t(k) for k in SOURCE_COLUMNS]

    def task_department(self, view: TaskView) -> str:
        value = view.record.values.get("department") or view.record.department
        return str(value) if value else "—"

    def rag_label(self, rag: str) -> str:
        return rag_label(rag, self.lang)

    def spec_headers(self, spec: SheetSpec) -> tuple[list[str], list[int]]:
        return [c.header(self.lang) for c in spec.columns], [c.width for c in spec.columns]

    def spec_cells(self, record: Record, spec: SheetSpec, labels: dict, fill: str | None = None) -> list[tuple]:
        return [(v, k, fill) for v, k in record_values(record, spec, labels)]

    def heat_format(self, cell: Any) -> Any:
        ratio = cell.ratio
        if cell.overloaded:
            band = "far" if ratio >= FAR_OVER_RATIO else "over"
            text = self.t("master.workload_of", capacity=fmt_number(cell.capacity)).replace('"', "'")
            return self.st.get("number", HEAT[band], bold=band == "far",
                               font="#9C0006" if band == "far" else None, num_format=f'0" {text}"')
        band = "near" if ratio > NEAR_RATIO else "low"
        return self.st.get("number", HEAT[band], num_format='0" h"')
