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
