"""Hidden rows of each worksheet of an xlsx, found by one regular-expression scan of its XML.

Rows a team hides (a helper formula row under a Gantt header, finished work folded away) are
no tasks to show; the reader skips them with an info finding. Any problem gives {}: a nicety
never makes a readable file unreadable.
"""
from __future__ import annotations

import re
import zipfile
from pathlib import Path

from .formulas import _names, _worksheet_parts

_HIDDEN_ROW = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row\b([^>]*)>")
_ROW_NUMBER = re.compile(rb'\br="(\d+)"')
_HIDDEN = re.compile(rb'\bhidden="(?:1|true)"')


def hidden_rows(path: Path) -> dict[str, frozenset[int]]:
    """{sheet name: Excel row numbers hidden}; sheets without hidden rows are left out."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = _names(archive)
            found: dict[str, frozenset[int]] = {}
            for sheet, part in _worksheet_parts(archive, names):
                data = archive.read(names[part])
                if b'hidden="' not in data:
                    continue
                rows = set()
                for match in _HIDDEN_ROW.finditer(data):
                    attrs = match.group(1)
                    if _HIDDEN.search(attrs):
                        number = _ROW_NUMBER.search(attrs)
                        if number:
                            rows.add(int(number.group(1)))
                if rows:
                    found[sheet] = frozenset(rows)
            return found
    except Exception:  # noqa: BLE001 - the edge
        return {}


_REF = re.compile(rb'\bref="\$?([A-Z]{1,3})\$?(\d+):\$?([A-Z]{1,3})\$?(\d+)"')


def _column_index(letters: bytes) -> int:
    number = 0
    for ch in letters.decode():
        number = number * 26 + ord(ch) - 64
    return number - 1


def excel_tables(path: Path) -> dict[str, tuple[int, int, int, int]]:
    """{sheet name: (header row, first column, last row, last column)}, 0-based, of the first
    Excel table (ListObject) on each sheet; read from the table parts the sheet links to."""
    from .formulas import _relationships

    try:
        with zipfile.ZipFile(path) as archive:
            names = _names(archive)
            found: dict[str, tuple[int, int, int, int]] = {}
            for sheet, part in _worksheet_parts(archive, names):
                for target, kind in _relationships(archive, names, part).values():
                    if not kind.endswith("/table") or target not in names:
                        continue
                    head = archive.read(names[target])[:4096]
                    match = _REF.search(head)
                    if match:
                        c0, r0, c1, r1 = match.groups()
                        found.setdefault(sheet, (int(r0) - 1, _column_index(c0), int(r1) - 1, _column_index(c1)))
            return found
    except Exception:  # noqa: BLE001 - the edge
        return {}
