"""The first rows of one sheet of an .xlsx, streamed from its XML: the header without the sheet.

python-calamine (and fastexcel, which is built on it) load a whole sheet before giving its first
row: for the old master's Tasks sheet (100 000 × 25 cells) that is 1–2 s and about 180 MB,
only to learn that nobody added a column. `first_rows` reads the sheet's XML part as a stream
and stops after `max_rows` rows: milliseconds and kilobytes. It understands what Excel,
LibreOffice and XlsxWriter write (shared, inline and formula strings, numbers, booleans); for
anything else (no such sheet, an unusual part, a DTD) it returns None and the caller reads
the sheet the ordinary way.
"""
from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast
from xml.etree.ElementTree import XMLPullParser

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_CELL_REF = re.compile(r"([A-Z]+)")
_CHUNK = 1 << 16
_MAX_PART_READ = 64 << 20      # never read more than this of one part looking for the head


class _Unusual(Exception):
    """Something this small reader does not handle: the caller reads the sheet fully."""


def _column_index(ref: str) -> int:
    match = _CELL_REF.match(ref)
    if not match:
        raise _Unusual(ref)
    index = 0
    for ch in match.group(1):
        index = index * 26 + ord(ch) - 64
    return index - 1


def _stream(zf: zipfile.ZipFile, name: str, on_end: Callable[[Any], bool]) -> None:
    """Feed part `name` to a pull parser; call on_end(element) per closed element until it says stop."""
    parser = XMLPullParser(events=("end",))
    read = 0
    with zf.open(name) as part:
        while True:
            chunk = part.read(_CHUNK)
            if not chunk:
                break
            read += len(chunk)
            if read > _MAX_PART_READ or b"<!DOCTYPE" in chunk or b"<!ENTITY" in chunk:
                raise _Unusual(name)
            parser.feed(chunk)
            for event in parser.read_events():
                if on_end(cast(Any, event)[1]):
                    return


def _text(element: Any) -> str:
    return "".join(t.text or "" for t in element.iter(f"{_MAIN}t"))


def _sheet_part(zf: zipfile.ZipFile, wanted: Callable[[str], bool]) -> tuple[str, str] | None:
    from xml.etree import ElementTree

    book = zf.read("xl/workbook.xml")
    rels = zf.read("xl/_rels/workbook.xml.rels")
    if b"<!DOCTYPE" in book + rels:
        raise _Unusual("DTD")
    targets = {r.get("Id"): r.get("Target") for r in ElementTree.fromstring(rels)}
    for sheet in ElementTree.fromstring(book).iter(f"{_MAIN}sheet"):
        name = sheet.get("name") or ""
        if wanted(name):
            target = targets.get(sheet.get(_REL))
            if not target:
                raise _Unusual(name)
            part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(f"xl/{target}")
            return name, part
    return None


def first_rows(path: Path, wanted: Callable[[str], bool], max_rows: int = 30
               ) -> tuple[str, list[list[Any]]] | None:
    """(sheet name, its first `max_rows` rows as lists of values) of the first sheet whose name
    `wanted` accepts; ("", []) when no sheet is wanted; None when this reader cannot tell."""
    try:
        with zipfile.ZipFile(path) as zf:
            found = _sheet_part(zf, wanted)
            if found is None:
                return "", []
            name, part = found
            rows: list[list[Any]] = []
            shared: dict[int, list[tuple[int, int]]] = {}     # shared string index -> cells using it

            def on_row(element: Any) -> bool:
                if element.tag != f"{_MAIN}row":
                    return False
                row: list[Any] = []
                for cell in element.iter(f"{_MAIN}c"):
                    col = _column_index(cell.get("r") or "")
                    while len(row) <= col:
                        row.append(None)
                    kind = cell.get("t")
                    value = cell.find(f"{_MAIN}v")
                    if kind == "inlineStr":
                        row[col] = _text(cell)
                    elif value is None or value.text is None:
                        continue
                    elif kind == "s":
                        shared.setdefault(int(value.text), []).append((len(rows), col))
                    elif kind in ("str", "e"):
                        row[col] = value.text
                    elif kind == "b":
                        row[col] = value.text == "1"
                    else:
                        number = float(value.text)
                        row[col] = int(number) if number.is_integer() else number
                rows.append(row)
                element.clear()
                return len(rows) >= max_rows

            _stream(zf, part, on_row)
            if shared:
                last = max(shared)
                count = [0]

                def on_string(element: Any) -> bool:
                    if element.tag != f"{_MAIN}si":
                        return False
                    index = count[0]
                    for r, c in shared.get(index, ()):
                        rows[r][c] = _text(element)
                    element.clear()
                    count[0] += 1
                    return index >= last

                _stream(zf, "xl/sharedStrings.xml", on_string)
                if count[0] <= last:
                    raise _Unusual("shared strings")
            return name, rows
    except (_Unusual, KeyError, ValueError, OSError, zipfile.BadZipFile, SyntaxError):
        return None
