"""Row XML written straight into an XlsxWriter worksheet: the Tasks sheet's 2 million cells, fast.

XlsxWriter's public `write_*` calls cost 3–5 µs a cell on the 100 000-task master, almost all
in its per-cell Python (a tuple per cell, attribute escaping, several regex searches while the
row is flushed). `RowWriter` has the same `write_string / write_number / write_datetime /
write_blank / write_boolean / write_value` methods but builds each cell's XML at once with one
escaping check, and writes each finished row to the worksheet's row file, exactly as XlsxWriter's
constant-memory mode would (same `<row>` and `<c>` elements, same style indexes, same number
formatting, same control-character and whitespace handling). `tests/test_fast_rows.py` keeps
that promise: the sheet XML is byte for byte the one the public API writes, and every cell
(value, type, format, fill) reads back the same.

User text is never written as XML: XlsxWriter's constant-memory mode would write a string shaped
`<r>…</r>` raw, as rich-text XML (issue 8, item 18), so such a string goes, as in
`book.write_text`, as three plain rich-text runs, whose XML XlsxWriter itself builds and escapes.

Only for a worksheet in constant-memory mode with rows written top to bottom (what the master
does); anything else gets `PublicRows`, the same interface over the public API. The private
XlsxWriter attributes used are pinned by the version range in `pyproject.toml`.
"""
from __future__ import annotations

import io
import math
import operator
import os
import re
import shutil
import zipfile
from datetime import date, datetime, time
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import xlsxwriter
import xlsxwriter.worksheet
from xlsxwriter.utility import _utf16_len, xl_col_to_name
from xlsxwriter.worksheet import RowInfo as _RowInfo

from .book import clean_text
from .book import write_text as safe_write_text

ENABLED = True                      # tests turn it off to compare with the public API

_SUPPORTED = ((3, 3), (3, 4))       # XlsxWriter versions whose row XML this module reproduces (pyproject pin)
_EXCEL_1900 = EXCEL_1900 = date(1899, 12, 31).toordinal()
_STRMAX_HALF = 32767 // 2
_INF, _NINF = math.inf, -math.inf
# anything that needs more than plain copying: XML escapes, control characters (and XlsxWriter's
# "_xHHHH_" escape of them), non-characters, leading/trailing whitespace
_UNPLAIN = re.compile(r"[&<>\x00-\x08\x0b-\x1f\ufffe\uffff]|_x[0-9a-fA-F]{4}_|^\s|\s$")
_CTRL_ESCAPE = re.compile("(_x[0-9a-fA-F]{4}_)")
_CTRL = re.compile(r"([\x00-\x08\x0b-\x1f])")
_LEADING, _TRAILING = re.compile(r"^\s"), re.compile(r"\s$")


def _plain(s: str) -> bool:
    """True when `s` goes into the XML as it is: nothing to escape, clean or preserve (no control
    character, surrogate or non-character: all non-printable; no &, <, >, "_x"; no space at an
    end; short). A cheaper test than the regexes for the common cell; False sends a text through
    them (`_inline`, `book.clean_text`), so it only has to be sure when it says True."""
    return (len(s) <= _STRMAX_HALF and s.isprintable() and "&" not in s and "<" not in s and ">" not in s
            and "_x" not in s and s[:1] != " " and s[-1:] != " ")


# bytes (UTF-8) that make a text need more than plain copying (see `_plain`): XML escapes and the
# control characters `clean_text` removes or XlsxWriter escapes (tab and newline are kept as they are)
_BAD_BYTES = bytes(range(0, 9)) + bytes(range(11, 32)) + b"\x7f&<>"
_NON_CHARS = ("\ufffe".encode(), "\uffff".encode())
_X_ESCAPE = re.compile(rb"_x[0-9a-fA-F]{4}_")


def all_plain(texts: Sequence[Any]) -> bool:
    """True when every item of `texts` is a non-empty `str` that `write_text` writes as it is
    (`<t>text</t>`), checked for them all at once (C loops over their UTF-8 bytes) instead of a
    check per text; False may be wrong (then the texts are checked one by one), True never is."""
    if not texts:
        return True
    try:
        joined = "".join(texts).encode()    # a surrogate does not encode: not plain
    except (TypeError, UnicodeEncodeError):
        return False
    if len(joined.translate(None, _BAD_BYTES)) != len(joined) or not all(texts):
        return False
    if not joined.isascii() and (_NON_CHARS[0] in joined or _NON_CHARS[1] in joined):
        return False
    if b"_" in joined and _X_ESCAPE.search(joined) is not None:
        return False
    return ((len(joined) <= _STRMAX_HALF or max(map(len, texts)) <= _STRMAX_HALF)
            and all(map(str.__eq__, map(str.strip, texts), texts)))


def columns(dicts: list[dict], keys: tuple[str, ...]) -> list[Any]:
    """`[[d.get(k) for d in dicts] for k in keys]`, as tuples, in one pass when every dict has
    every key (the common case), else key by key."""
    if not dicts:
        return [() for _ in keys]
    try:
        if len(keys) == 1:
            return [tuple(map(operator.itemgetter(keys[0]), dicts))]
        return list(zip(*map(operator.itemgetter(*keys), dicts)))
    except (KeyError, TypeError):
        return [tuple([d.get(k) for d in dicts]) for k in keys]


def _version() -> tuple[int, ...]:
    return tuple(int(p) for p in xlsxwriter.__version__.split(".")[:2] if p.isdigit())


def supported(ws: Any) -> bool:
    """True when `ws` can take row XML directly (constant memory, a known XlsxWriter)."""
    low, high = _SUPPORTED
    return (ENABLED and bool(getattr(ws, "constant_memory", False)) and low <= _version() < high
            and getattr(ws, "excel_version", 2007) == 2007)


def row_writer(ws: Any) -> RowWriter | PublicRows:
    """The fastest writer `ws` supports; call `close()` when the rows are written."""
    return RowWriter(ws) if supported(ws) else PublicRows(ws)


def _inline(string: str) -> str:
    """The `<is>` content of an inline string cell, as XlsxWriter writes it in constant memory."""
    if len(string) > _STRMAX_HALF and _utf16_len(string) > 32767:
        from xlsxwriter.utility import _utf16_truncate
        string = _utf16_truncate(string, 32767)
    if _UNPLAIN.search(string) is None:
        return f"<t>{string}</t>"
    string = _CTRL_ESCAPE.sub(r"_x005F\1", string)
    string = _CTRL.sub(lambda m: f"_x{ord(m.group(1)):04X}_", string)
    string = string.replace("\ufffe", "_xFFFE_").replace("\uffff", "_xFFFF_")
    preserve = ' xml:space="preserve"' if _LEADING.search(string) or _TRAILING.search(string) else ""
    string = string.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return f"<t{preserve}>{string}</t>"


def _rich_shaped(string: str) -> bool:
    """True for a string XlsxWriter's constant-memory mode would write raw, as rich-text XML."""
    return string.startswith("<r>") and string.endswith("</r>")


def _rich_parts(string: str) -> tuple[str, str, str]:
    """The three plain runs `book.write_text` writes a rich-shaped string as."""
    return string[:1], string[1:2], string[2:]


def _rich_inline(ws: Any, string: str) -> str | None:
    """The `<is>` content XlsxWriter writes for `book.write_text`'s runs of a rich-shaped string
    (its own rich-string builder on a scratch sheet, then its cell writer's control-character
    escape); None when XlsxWriter refuses the rich string (over Excel's length): nothing is written."""
    from xlsxwriter.worksheet import Worksheet

    scratch = Worksheet()
    scratch.constant_memory = True
    if scratch._write_rich_string(0, 0, *_rich_parts(string)) != 0:    # it warns, as for book.write_text
        return None
    return str(ws._escape_control_characters(scratch.table[0][0].string))


def public_write_string(ws: Any, row: int, col: int, string: str, fmt: Any = None) -> None:
    """`ws.write_string`, except that a rich-shaped string is written as `book.write_text` does."""
    if _rich_shaped(string):
        if fmt is None:
            ws.write_rich_string(row, col, *_rich_parts(string))
        else:
            ws.write_rich_string(row, col, *_rich_parts(string), fmt)
    else:
        ws.write_string(row, col, string, fmt)


class RowWriter:
    """Writes rows of cells as XML into `ws` (constant-memory mode), one row at a time."""

    BATCH = 256                                     # rows joined into one write to the row file

    def __init__(self, ws: Any):
        self.ws = ws
        self.row = -1
        self.rowref = ""                            # "N" of the current row (1-based)
        self.cells: list[tuple[int, str]] = []
        self.letters = [xl_col_to_name(c) for c in range(256)]
        self.styles: dict[int, str] = {}
        self.pending: list[str] = []
        self.first_row: int | None = None
        self.min_col: int | None = None
        self.max_col: int | None = None
        self.last_row = -1
        self.plain_rows = (ws.default_row_height == ws.original_row_height)
        self._opens: dict[Any, str] = {}

    # ------------------------------------------------------------ cells

    def _slow_ref(self, row: int, col: int) -> str:
        if row != self.row:
            self._start(row)
        letters = self.letters
        while col >= len(letters):
            letters.append(xl_col_to_name(len(letters)))
        return letters[col] + self.rowref

    def _style(self, fmt: Any, row: int, col: int) -> str:
        if not fmt:                                 # as XlsxWriter: the row's, else the column's format
            info = self.ws.row_info.get(row)
            fmt = info.row_format if info is not None and info.row_format else None
            if fmt is None and col in self.ws.col_info:
                fmt = self.ws.col_info[col].column_format
            if not fmt:
                return ""
        key = id(fmt)
        found = self.styles.get(key)
        if found is None:
            found = self.styles[key] = f' s="{fmt._get_xf_index()}"'
        return found

    def write_string(self, row: int, col: int, string: str, fmt: Any = None) -> None:
        ref = (self.letters[col] + self.rowref) if row == self.row and col < 256 else self._slow_ref(row, col)
        style = self.styles.get(id(fmt)) if fmt else None
        if style is None:
            style = self._style(fmt, row, col)
        if _plain(string):
            text = f"<t>{string}</t>"
        elif _rich_shaped(string):              # never raw XML: the plain runs book.write_text writes
            rich = _rich_inline(self.ws, string)
            if rich is None:
                return
            text = rich
        else:
            text = _inline(string)
        self.cells.append((col, f'<c r="{ref}"{style} t="inlineStr"><is>{text}</is></c>'))

    def write_text(self, row: int, col: int, string: str, fmt: Any = None) -> None:
        """`write_string(row, col, clean_text(string), fmt)` with one check for the plain case."""
        if not _plain(string):
            self.write_string(row, col, clean_text(string), fmt)
            return
        ref = (self.letters[col] + self.rowref) if row == self.row and col < 256 else self._slow_ref(row, col)
        style = self.styles.get(id(fmt)) if fmt else None
        if style is None:
            style = self._style(fmt, row, col)
        self.cells.append((col, f'<c r="{ref}"{style} t="inlineStr"><is><t>{string}</t></is></c>'))

    def write_number(self, row: int, col: int, number: float, fmt: Any = None) -> None:
        ref = (self.letters[col] + self.rowref) if row == self.row and col < 256 else self._slow_ref(row, col)
        style = self.styles.get(id(fmt)) if fmt else None
        if style is None:
            style = self._style(fmt, row, col)
        self.cells.append((col, f'<c r="{ref}"{style}><v>{number:.16G}</v></c>'))

    def write_datetime(self, row: int, col: int, value: Any, fmt: Any = None) -> None:
        if type(value) is date:
            serial: float = float(value.toordinal() - _EXCEL_1900)
            if serial > 59:
                serial += 1
        else:
            serial = self.ws._convert_date_time(value)
        if fmt is None:
            fmt = self.ws.default_date_format
        self.write_number(row, col, serial, fmt)

    def write_blank(self, row: int, col: int, _blank: Any = None, fmt: Any = None) -> None:
        if fmt is None:
            return                                  # XlsxWriter writes no unformatted blank
        ref = (self.letters[col] + self.rowref) if row == self.row and col < 256 else self._slow_ref(row, col)
        style = self.styles.get(id(fmt))
        if style is None:
            style = self._style(fmt, row, col)
        self.cells.append((col, f'<c r="{ref}"{style}/>'))

    def write_boolean(self, row: int, col: int, value: bool, fmt: Any = None) -> None:
        ref = self._slow_ref(row, col)
        self.cells.append((col, f'<c r="{ref}"{self._style(fmt, row, col)} t="b"><v>{1 if value else 0}</v></c>'))

    def write_value(self, row: int, col: int, value: Any, fmt: Any = None) -> None:
        """`book.write_value`: text as text (never a formula), numbers, dates, blanks."""
        t = type(value)
        if t is str and value:
            self.write_text(row, col, value, fmt)
        elif t is float and value == value and value not in (_INF, _NINF):
            self.write_number(row, col, value, fmt)
        else:
            write_value(self, row, col, value, fmt)

    # ------------------------------------------------------------ rows

    def _start(self, row: int) -> None:
        if row < self.row:
            raise ValueError("rows must be written top to bottom")
        self._flush()
        ws = self.ws
        if self.first_row is None:
            self.first_row = row
            if row > ws.previous_row:
                ws._write_single_row(row)           # what XlsxWriter holds of an earlier row
            elif row < ws.previous_row or ws.table:
                raise ValueError("row already written by XlsxWriter")
        self.row = row
        self.rowref = str(row + 1)

    def _flush(self) -> None:
        cells = self.cells
        if not cells:
            return
        first, last = cells[0][0], cells[-1][0]
        if len(cells) > 1:
            cols = [c for c, _ in cells]
            if cols != sorted(cols) or len(set(cols)) != len(cols):
                cells = sorted(dict(cells).items())  # last write of a cell wins, columns in order
                first, last = cells[0][0], cells[-1][0]
        ws, row = self.ws, self.row
        if self.plain_rows and row not in ws.row_info:
            self.pending.append(f'<row r="{self.rowref}">')
        else:                                   # XlsxWriter's own start tag, kept per row information
            self.pending.append(f'<row r="{self.rowref}"{self.row_open(row)}')
        self.pending.append("".join([xml for _, xml in cells]))
        self.pending.append("</row>")
        if len(self.pending) >= 3 * self.BATCH:
            self._write_pending()
        if self.min_col is None or first < self.min_col:
            self.min_col = first
        if self.max_col is None or last > self.max_col:
            self.max_col = last
        self.last_row = row
        self.cells = []

    def _write_pending(self) -> None:
        if self.pending:
            self.ws.fh.write("".join(self.pending))
            self.pending = []

    # ------------------------------------------------------------ whole rows

    def style(self, fmt: Any) -> str:
        """The ` s="N"` attribute of a format (numbered now if it has no number yet)."""
        found = self.styles.get(id(fmt))
        if found is None:
            found = self._style(fmt, 0, 0) if fmt else ""
        return found

    def row_open(self, row: int | None) -> str:
        """What follows `<row r="N"` in row `row`'s start tag (its height and format, if set), as
        XlsxWriter's own `_write_row` writes it."""
        info = self.ws.row_info.get(row) if row is not None else None
        if info is None and self.plain_rows:
            return ">"
        key = None if info is None else (info.height, id(info.row_format), info.hidden, info.level, info.collapsed)
        found = self._opens.get(key)
        if found is None:
            ws = self.ws
            fh, ws.fh = ws.fh, io.StringIO()
            try:
                ws._write_row(0, None, info)
                tag = ws.fh.getvalue()
            finally:
                ws.fh = fh
            if not tag.startswith('<row r="1"'):
                raise ValueError(f"unexpected row tag {tag!r}")
            found = self._opens[key] = tag[len('<row r="1"'):]
        return found

    def set_height(self, row: int, height: float) -> None:
        """`ws.set_row(row, height)` for a row of this writer's block (rows from `first_row` on):
        the same row information, without XlsxWriter's per-call checks."""
        pixels = int(height * 4.0 / 3.0 + 0.5)
        ws = self.ws
        if pixels == 0 or ws._check_dimensions(row, ws.dim_colmin if ws.dim_colmin is not None else 0):
            ws.set_row(row, height)
            return
        ws.row_info[row] = _RowInfo(height=pixels, row_format=None, hidden=False, level=0, collapsed=False)
        ws.row_sizes[row] = [pixels, False]

    def set_heights(self, heights: dict[int, float]) -> None:
        """`set_height` for many rows of this writer's next block at once (rows not yet written,
        in XlsxWriter's bounds): the same row information, rows of one height sharing it."""
        if not heights:
            return
        ws = self.ws
        low, high = min(heights), max(heights)
        col = ws.dim_colmin if ws.dim_colmin is not None else 0
        if low < ws.previous_row or high >= ws.xls_rowmax or (self.first_row is not None and low <= self.last_row):
            for row, height in heights.items():
                self.set_height(row, height)
            return
        ws._check_dimensions(low, col)
        ws._check_dimensions(high, col)
        made: dict[float, tuple[Any, list]] = {}
        info, sizes = ws.row_info, ws.row_sizes
        for row, height in heights.items():
            got = made.get(height)
            if got is None:
                pixels = int(height * 4.0 / 3.0 + 0.5)
                if pixels == 0:
                    self.set_height(row, height)
                    continue
                got = made[height] = (_RowInfo(height=pixels, row_format=None, hidden=False, level=0, collapsed=False),
                                      [pixels, False])
            info[row], sizes[row] = got

    def write_rows(self, first: int, last: int, xml: str, min_col: int | None, max_col: int | None) -> None:
        """Rows `first`…`last` given whole as XML (their `<row>` elements, in order, built with
        `row_open` and this writer's cell rules); `min_col`/`max_col` the columns they use."""
        self._start(first)
        self.pending.append(xml)
        self._write_pending()
        if min_col is not None and (self.min_col is None or min_col < self.min_col):
            self.min_col = min_col
        if max_col is not None and (self.max_col is None or max_col > self.max_col):
            self.max_col = max_col
        if min_col is not None or max_col is not None:
            self.last_row = last
        self.row = last
        self.rowref = str(last + 1)

    def cell_xml(self) -> CellXml:
        """A writer of single cells' XML with this writer's rules and style numbers."""
        return CellXml(self)

    def close(self) -> None:
        """Write the last row and hand the worksheet back to XlsxWriter (dimensions, next row)."""
        self._flush()
        self._write_pending()
        ws = self.ws
        if self.last_row >= 0:
            ws._check_dimensions(self.first_row, self.min_col)
            ws._check_dimensions(self.last_row, self.max_col)
            ws.previous_row = self.last_row + 1
        self.row = max(self.row, self.last_row + 1)
        self.rowref = str(self.row + 1)


class CellXml(RowWriter):
    """`RowWriter`'s cell rules, the XML kept instead of written: `at(row)`, write cells, `take()`."""

    def __init__(self, rows: RowWriter):
        super().__init__(rows.ws)
        self.styles = rows.styles
        self.letters = rows.letters
        self.last_col = -1

    def at(self, row: int) -> CellXml:
        self.row = row
        self.rowref = str(row + 1)
        self.cells = []
        return self

    def _start(self, row: int) -> None:
        self.at(row)

    def take(self) -> str:
        """The cells written since `at`, in column order (the last write of a cell wins);
        `last_col` is the last column they use (-1 for none)."""
        cells = self.cells
        self.cells = []
        if len(cells) == 1:
            self.last_col = cells[0][0]
            return cells[0][1]
        ordered = sorted(dict(cells).items())
        self.last_col = ordered[-1][0] if ordered else -1
        return "".join(xml for _, xml in ordered)

    def close(self) -> None:
        raise TypeError("CellXml writes nothing")


class PublicRows:
    """The same interface over XlsxWriter's public API (any mode, any version)."""

    def __init__(self, ws: Any):
        self.ws = ws
        self.write_number = ws.write_number
        self.write_datetime = ws.write_datetime
        self.write_blank = ws.write_blank
        self.write_boolean = ws.write_boolean

    def write_string(self, row: int, col: int, string: str, fmt: Any = None) -> None:
        public_write_string(self.ws, row, col, string, fmt)

    def write_text(self, row: int, col: int, string: str, fmt: Any = None) -> None:
        safe_write_text(self.ws, row, col, string, fmt)

    def write_value(self, row: int, col: int, value: Any, fmt: Any = None) -> None:
        write_value(self, row, col, value, fmt)

    def close(self) -> None:
        pass


def write_value(out: Any, row: int, col: int, value: Any, fmt: Any = None) -> None:
    """`book.write_value` over a row writer (the same rules, the same calls)."""
    if value is None or value == "":
        if fmt is not None:
            out.write_blank(row, col, None, fmt)
        return
    t = type(value)
    if t is str:
        out.write_text(row, col, value, fmt)
    elif t is float or t is int:
        if math.isfinite(value):
            out.write_number(row, col, float(value), fmt)
        else:
            out.write_string(row, col, str(value), fmt)
    elif isinstance(value, str):        # a str subclass: the same escaping path as plain text
        out.write_text(row, col, str(value), fmt)
    elif isinstance(value, bool):
        out.write_boolean(row, col, value, fmt)
    elif isinstance(value, (int, float, Decimal)):
        number = float(value)
        if math.isfinite(number):
            out.write_number(row, col, number, fmt)
        else:
            out.write_text(row, col, str(value), fmt)
    elif isinstance(value, (datetime, date, time)):
        out.write_datetime(row, col, value, fmt)
    elif isinstance(value, (list, tuple, set, frozenset)):
        out.write_string(row, col, clean_text(", ".join(str(v) for v in value)), fmt)
    else:
        out.write_string(row, col, clean_text(str(value)), fmt)


DEFLATE_LEVEL = 1   # zlib level of the master's parts: 1 is ~2× faster than the default 6, file ~15 % bigger

_deflate: Any
try:                # ISA-L's deflate: 3× faster than zlib's level 1 on the master, and a smaller file (issue 7)
    from isal import isal_zlib as _deflate
except ImportError:  # pragma: no cover - isal is a dependency; zlib does the same job slower
    _deflate = None


def _compressor(plain: Any) -> Any:
    """`zipfile._get_compressor`, deflating with ISA-L at `DEFLATE_LEVEL` (raw deflate, as zlib's)."""
    import zipfile

    def get(compress_type: int, compresslevel: int | None = None) -> Any:
        if compress_type == zipfile.ZIP_DEFLATED and _deflate is not None:
            return _deflate.compressobj(DEFLATE_LEVEL, _deflate.DEFLATED, -15)
        return plain(compress_type, compresslevel)
    return get


class Worksheet(xlsxwriter.worksheet.Worksheet):
    """XlsxWriter's worksheet, its constant-memory rows copied into the sheet's XML as bytes
    (XlsxWriter reads them back as text and writes them again: 160 MB decoded and encoded again
    on the 100 000-task master). The same bytes."""

    def _write_optimized_sheet_data(self) -> None:
        low, high = _SUPPORTED
        fh, rows = self.fh, self.row_data_fh
        if (self.dim_rowmin is None or not (low <= _version() < high) or not hasattr(fh, "buffer")
                or rows is None or not self.row_data_filename):
            super()._write_optimized_sheet_data()
            return
        self._xml_start_tag("sheetData")
        rows.flush()
        fh.flush()
        with open(self.row_data_filename, "rb") as data:
            shutil.copyfileobj(data, fh.buffer, 1 << 20)
        rows.close()
        os.unlink(self.row_data_filename)
        self._xml_end_tag("sheetData")


class _ZipFile(zipfile.ZipFile):
    """`zipfile.ZipFile` whose `write` of a file feeds the deflater 1 MB at a time instead of 8 KB
    (the 170 MB of the master's XML went in 20 000 small calls: a third of the zip's time). The
    same entries, the same contents."""

    CHUNK = 1 << 20

    def write(self, filename: Any, arcname: Any = None, compress_type: Any = None,
              compresslevel: Any = None) -> None:
        if compress_type is not None or compresslevel is not None or not os.path.isfile(filename):
            super().write(filename, arcname, compress_type, compresslevel)
            return
        zinfo = zipfile.ZipInfo.from_file(filename, arcname,
                                          strict_timestamps=getattr(self, "_strict_timestamps", True))
        zinfo.compress_type = self.compression
        setattr(zinfo, "_compresslevel", self.compresslevel)
        with open(filename, "rb") as src, self.open(zinfo, "w") as dest:
            shutil.copyfileobj(src, dest, self.CHUNK)


class Workbook(xlsxwriter.Workbook):
    """An XlsxWriter workbook zipped at `DEFLATE_LEVEL` instead of zlib's default level 6, its
    worksheets `Worksheet`."""

    worksheet_class = Worksheet

    def _store_workbook(self) -> None:
        import functools
        import xlsxwriter.workbook as module

        low, high = _SUPPORTED
        if not (low <= _version() < high) or not hasattr(module, "ZipFile"):
            super()._store_workbook()
            return
        import zipfile

        plain, get, crc = module.ZipFile, getattr(zipfile, "_get_compressor"), getattr(zipfile, "crc32")
        module.ZipFile = functools.partial(_ZipFile, compresslevel=DEFLATE_LEVEL)
        if _deflate is not None:
            setattr(zipfile, "_get_compressor", _compressor(get))
            setattr(zipfile, "crc32", _deflate.crc32)
        try:
            super()._store_workbook()
        finally:
            module.ZipFile = plain
            setattr(zipfile, "_get_compressor", get)
            setattr(zipfile, "crc32", crc)
