"""A few columns of one big sheet of an .xlsx, read from its XML without the rest of it.

The old master's Tasks sheet holds 100 000 × 26 cells; the columns a user added by hand are
one or two of them. python-calamine loads the whole sheet first (1.6 s and ~180 MB on 100 000
tasks, issue 7). `read_columns` streams the sheet's XML part, finds its header among the first
rows, and then looks only at the cells of the columns asked for (a byte search for their cell
references) and, on the rows where one of them holds a value, at the cells of the key columns.
It gives the values python-calamine gives (inline, shared and formula strings, numbers as
floats, booleans). For anything else it returns None and the caller reads the sheet the
ordinary way: a cell without a reference, a number in a date or time format, an error or
ISO-date cell, phonetic runs, `_xHHHH_` escapes, carriage returns, an unknown entity, a
prefixed namespace, a DTD, a header not among the first rows.
"""
from __future__ import annotations

import re
import zipfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, BinaryIO
from xml.etree import ElementTree

from ..schema import column_letter
from .sheet_head import _MAIN, _sheet_part, _Unusual
from .zip_parts import PartError, part_chunks

_CHUNK = 8 << 20                  # bytes of XML looked at a time (cut after the last whole row)
_RAW_CHUNK = 1 << 20              # compressed bytes inflated at a time: ~7 MB of XML per call, few calls
HEAD_ROWS = 30                    # the header is looked for among this many rows (as `_header_row`)
_ROW = re.compile(rb"<row\b([^>]*?)(?<!/)>(.*?)</row>|<row\b([^>]*)/>", re.S)
_ROW_NUMBER = re.compile(rb'\sr="(\d+)"')
_SI = re.compile(rb"<si>(.*?)</si>|<si/>", re.S)
_ANY_CELL = re.compile(rb"<c\b")
_CELL = re.compile(rb'<c r="([A-Z]{1,3})(\d+)"([^>/]*)(?:/>|>(.*?)</c>)', re.S)
_ATTR_T = re.compile(rb'\st="([^"]*)"')
_ATTR_S = re.compile(rb'\ss="(\d+)"')
_V = re.compile(rb"<v>(.*?)</v>", re.S)
_T = re.compile(rb"<t(?:\s[^>]*?)?(?<!/)>(.*?)</t>|<t(?:\s[^>]*)?/>", re.S)
_ENTITY = re.compile(r"&(#x[0-9A-Fa-f]+|#[0-9]+|lt|gt|amp|quot|apos);")
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"', "apos": "'"}
_ESCAPE = re.compile(r"_x[0-9A-Fa-f]{4}_")
# number formats that leave a number a number in python-calamine (general, decimals, percent,
# scientific, fractions, accounting, text); any other, built in or custom with a date or time
# letter, may turn it into a date: such a cell is unusual here
_PLAIN_FORMATS = frozenset({0, 1, 2, 3, 4, 9, 10, 11, 12, 13, 37, 38, 39, 40, 48, 49})
_FORMAT_NOISE = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]')


class _Shared:
    """A shared string's index, resolved once the sheet is read."""

    __slots__ = ("index",)

    def __init__(self, index: int):
        self.index = index


def column_index(letters: str) -> int:
    index = 0
    for ch in letters:
        index = index * 26 + ord(ch) - 64
    return index - 1


def _entity(match: re.Match[str]) -> str:
    name = match.group(1)
    if name[0] == "#":
        return chr(int(name[2:], 16) if name[1] in "xX" else int(name[1:]))
    return _NAMED[name]


def _text(raw: bytes) -> str:
    """The text of an XML text node: entities replaced; unusual when the XML reader and
    python-calamine might read it differently (CR, `_xHHHH_`, any other entity)."""
    text = raw.decode("utf-8")
    if "\r" in text or ("_x" in text and _ESCAPE.search(text)):
        raise _Unusual("escaped text")
    if "&" in text:
        if "&" in _ENTITY.sub("", text):
            raise _Unusual("entity")
        text = _ENTITY.sub(_entity, text)
    return text


class _Book:
    """The workbook's parts this reader needs: the date formats of its styles, its shared strings."""

    def __init__(self, zf: zipfile.ZipFile, handle: BinaryIO):
        self.zf, self.handle = zf, handle
        self._plain_styles: list[bool] | None = None

    def plain_number(self, style: int) -> bool:
        if self._plain_styles is None:
            self._plain_styles = self._read_styles()
        return style < len(self._plain_styles) and self._plain_styles[style]

    def _read_styles(self) -> list[bool]:
        try:
            data = self.zf.read("xl/styles.xml")
        except KeyError:
            return []
        if b"<!DOCTYPE" in data:
            raise _Unusual("DTD")
        root = ElementTree.fromstring(data)
        custom = {int(f.get("numFmtId") or -1): f.get("formatCode") or ""
                  for f in root.iter(f"{_MAIN}numFmt")}
        xfs = root.find(f"{_MAIN}cellXfs")
        plain = []
        for xf in (xfs if xfs is not None else ()):
            fmt = int(xf.get("numFmtId") or 0)
            if fmt in custom:
                code = _FORMAT_NOISE.sub("", custom[fmt]).lower()
                plain.append(code == "general" or not any(ch in code for ch in "dmyhse"))
            else:
                plain.append(fmt in _PLAIN_FORMATS)
        return plain

    def shared_strings(self, wanted: set[int]) -> dict[int, str]:
        """The shared strings of the indexes in `wanted`, streamed up to the last of them."""
        found: dict[int, str] = {}
        if not wanted:
            return found
        last, index, buffer = max(wanted), 0, b""
        part = part_chunks(self.handle, self.zf.getinfo("xl/sharedStrings.xml"), _CHUNK, _RAW_CHUNK)
        while index <= last:
            chunk = next(part, b"")
            if b"<!DOCTYPE" in chunk or b"<!ENTITY" in chunk:
                raise _Unusual("DTD")
            buffer += chunk
            cut = len(buffer) if not chunk else buffer.rfind(b"</si>") + len(b"</si>")
            if chunk and cut < len(b"</si>"):
                continue
            text, buffer = buffer[:cut], buffer[cut:]
            for match in _SI.finditer(text):
                if index in wanted:
                    body = match.group(1) or b""
                    if b"<rPh" in body:
                        raise _Unusual("phonetic run")
                    found[index] = "".join(_text(t.group(1) or b"") for t in _T.finditer(body))
                index += 1
            if not chunk:
                break
        if index <= last:
            raise _Unusual("shared strings")
        return found

    def value(self, attrs: bytes, content: bytes | None) -> Any:
        """python-calamine's value of one cell (None when empty); _Shared for a shared string."""
        if not content:
            return None
        kind_match = _ATTR_T.search(attrs)
        kind = kind_match.group(1) if kind_match else b"n"
        if kind == b"inlineStr":
            if b"<rPh" in content:
                raise _Unusual("phonetic run")
            return "".join(_text(m.group(1) or b"") for m in _T.finditer(content))
        v = _V.search(content)
        if v is None:
            return None
        if kind == b"s":
            return _Shared(int(v.group(1)))
        if kind == b"str":
            return _text(v.group(1))
        if kind == b"b":
            return v.group(1) == b"1"
        if kind != b"n":
            raise _Unusual("cell type")
        style = _ATTR_S.search(attrs)
        if style is not None and not self.plain_number(int(style.group(1))):
            raise _Unusual("number format")
        return float(v.group(1))


def _row_cells(book: _Book, row: bytes) -> list[tuple[int, int, Any]]:
    """(row number, column, value) of every cell of one row element."""
    cells = [(int(m.group(2)), column_index(m.group(1).decode()), book.value(m.group(3), m.group(4)))
             for m in _CELL.finditer(row)]
    if len(cells) != len(_ANY_CELL.findall(row)):
        raise _Unusual("cell without a reference")
    return cells


def read_columns(path: Path, wanted: Callable[[str], bool], is_header: Callable[[list[Any]], bool],
                 choose: Callable[[list[Any]], tuple[Sequence[int], Sequence[int]]]
                 ) -> tuple[list[Any], list[dict[int, Any]]] | None:
    """The header row of the first sheet `wanted` accepts (the first of its first `HEAD_ROWS` rows
    that `is_header` accepts, as a list by column) and, for each row below it with a value in one
    of the `columns` that `choose(header)` gives as `(columns, keys)`, its values in those
    columns and in the `keys` columns ({column: value}, values only), in row order. Columns
    count from A = 0; an empty cell of the header is "" (as python-calamine gives it).

    ([], []) when no sheet is wanted; None when this reader cannot tell (no header found too).
    """
    try:
        with open(path, "rb") as handle, zipfile.ZipFile(handle) as zf:
            found = _sheet_part(zf, wanted)
            if found is None:
                return [], []
            book = _Book(zf, handle)
            header, rows = _read(book, part_chunks(handle, zf.getinfo(found[1]), _CHUNK, _RAW_CHUNK), is_header, choose)
            shared = {v.index for row in rows for v in row.values() if isinstance(v, _Shared)}
            shared |= {v.index for v in header if isinstance(v, _Shared)}
            if shared:
                strings = book.shared_strings(shared)
                header = [strings[v.index] if isinstance(v, _Shared) else v for v in header]
                rows = [{c: strings[v.index] if isinstance(v, _Shared) else v for c, v in row.items()}
                        for row in rows]
            return header, rows
    except (_Unusual, PartError, KeyError, ValueError, OSError, zipfile.BadZipFile, SyntaxError, IndexError):
        return None


def _read(book: _Book, part: Iterator[bytes], is_header: Callable[[list[Any]], bool],
          choose: Callable[[list[Any]], tuple[Sequence[int], Sequence[int]]]
          ) -> tuple[list[Any], list[dict[int, Any]]]:
    buffer = b""
    first_row: int | None = None
    header: list[Any] | None = None
    header_at = 0
    rows: list[dict[int, Any]] = []
    columns: list[tuple[bytes, bytes, int]] = []       # (cell reference prefix, letters, column)
    keys: list[tuple[bytes, int]] = []
    ended = checked = False
    while not ended:
        chunk = next(part, b"")
        ended = not chunk
        if not checked and (b"<!DOCTYPE" in chunk or b"<!ENTITY" in chunk):    # only before the root
            raise _Unusual("DTD")
        buffer += chunk
        cut = len(buffer) if ended else buffer.rfind(b"</row>") + len(b"</row>")
        if cut < len(b"</row>"):
            continue
        if not checked:              # the main namespace as the default one (no prefixed elements)
            if not re.search(rb'<worksheet\b[^>]*\sxmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"',
                             buffer[:cut]):
                raise _Unusual("namespace")
            checked = True
        position = 0
        while header is None:                               # the head: whole rows
            match = _ROW.search(buffer, position, cut)
            if match is None:
                break
            position = match.end()
            numbered = _ROW_NUMBER.search(match.group(1) or match.group(3) or b"")
            if numbered is None:
                raise _Unusual("row without a number")
            number = int(numbered.group(1))
            # the window starts at the first row written, empty or not: never after python-calamine's
            # first row, so a header found here is the one `_header_row` finds in calamine's rows
            if first_row is None:
                first_row = number
            if number >= first_row + HEAD_ROWS:
                raise _Unusual("no header among the first rows")
            cells = _row_cells(book, match.group(2) or b"")
            if not cells or all(v is None or v == "" for _, _, v in cells):
                continue
            if any(n != number for n, _, _ in cells):
                raise _Unusual("cell outside its row")
            values: list[Any] = [""] * (max(c for _, c, _ in cells) + 1)     # "" where empty, as calamine
            for _, column, value in cells:
                if value is not None:
                    values[column] = value
            if any(isinstance(v, _Shared) for v in values):
                values = _resolved(book, values)
            if is_header(values):
                header, header_at = values, number
                chosen, key_columns = choose(values)
                if not chosen:
                    return values, []
                for c in chosen:
                    letters = column_letter(c).encode()
                    columns.append((b'<c r="' + letters, letters, c))
                keys = [(column_letter(c).encode(), c) for c in key_columns]
        if header is not None:
            _collect(book, buffer, position, cut, columns, keys, header_at, rows)
        buffer = buffer[cut:]
    if header is None:
        raise _Unusual("no header")
    return header, rows


def _resolved(book: _Book, values: list[Any]) -> list[Any]:
    strings = book.shared_strings({v.index for v in values if isinstance(v, _Shared)})
    return [strings[v.index] if isinstance(v, _Shared) else v for v in values]


def _collect(book: _Book, text: bytes, position: int, end: int, columns: list[tuple[bytes, bytes, int]],
             keys: list[tuple[bytes, int]], header_at: int, rows: list[dict[int, Any]]) -> None:
    """The rows of `text[position:end]` (whole rows) with a value in one of `columns`: each
    column's cells found by a byte search for their reference (`<c r="W`), then read."""
    hits: list[tuple[int, int, re.Match[bytes]]] = []
    find, match_cell = text.find, _CELL.match
    for prefix, letters, column in columns:
        at = find(prefix, position, end)
        while at >= 0:
            cell = match_cell(text, at)
            if cell is None:
                raise _Unusual("cell")
            if cell.group(4) and cell.group(1) == letters:     # not a blank cell, not column WA of W
                hits.append((at, column, cell))
            at = find(prefix, cell.end(), end)
    if len(columns) > 1:
        hits.sort(key=lambda hit: hit[0])
    current: dict[int, Any] = {}
    current_number = -1
    for at, column, cell in hits:
        value = book.value(cell.group(3), cell.group(4))
        if value is None or value == "":
            continue
        number = int(cell.group(2))
        if number <= header_at:
            continue
        if number != current_number:
            start = text.rfind(b"<row", 0, at)
            stop = text.find(b"</row>", at)
            if start < 0 or stop < 0:
                raise _Unusual("row")
            row = text[start:stop]
            if len(_ANY_CELL.findall(row)) != row.count(b'<c r="'):
                raise _Unusual("cell without a reference")
            current, current_number = {}, number
            for letters, key_column in keys:
                found = row.find(b'<c r="' + letters + str(number).encode() + b'"')
                if found >= 0:
                    key_cell = _CELL.match(row, found)
                    if key_cell is None:
                        raise _Unusual("key cell")
                    key_value = book.value(key_cell.group(3), key_cell.group(4))
                    if key_value is not None and key_value != "":
                        current[key_column] = key_value
            rows.append(current)
        current[column] = value
