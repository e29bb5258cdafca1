"""Formula cells that carry no saved result, found by streaming the worksheet XML of an xlsx.

A workbook written by a program (openpyxl, a script, a web export) often holds formulas that
no spreadsheet application has ever calculated: the fast reader then sees an empty cell, and a
required column would be reported as "missing" although the user typed a formula. This module
tells the reader which cells those are, so the finding can say "open and save it in Excel".

It runs on every xlsx read, so it is cheap: a worksheet part in which no formula can lack a
value (no formula closing its cell, no empty `<v>`) is skipped by one regular-expression
search, and the others are parsed incrementally, element by element, never as a tree. DTDs
are refused (defusedxml) although `safe_open.detect_file` has vetted the package already, and
parts are never larger than its limits allow. Any problem gives {}: the reader reports real
damage itself.
"""
from __future__ import annotations

import io
import posixpath
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from xml.etree.ElementTree import Element

from defusedxml import ElementTree as SafeET

_P = rb"(?:[A-Za-z_][\w.-]*:)?"    # an optional namespace prefix: <x:f> is as good as <f>
# what a formula without a cached value looks like: a formula closing its cell, or an empty <v>
_MAYBE_UNCACHED = re.compile(rb"</" + _P + rb"f>\s*</" + _P + rb"c>|<" + _P + rb"f\b[^>]*/>\s*</" + _P + rb"c>|<"
                             + _P + rb"v\s*/>|<" + _P + rb"v>\s*</" + _P + rb"v>")
_FORMULA = re.compile(rb"<" + _P + rb"f[\s>/]")
_FIRST_FORMULA_CELL = re.compile(rb"<" + _P + rb"c\b[^>]*?\br=[\"']([A-Z]{1,3}[0-9]{1,7})[\"'][^>]*>\s*(?:<" + _P
                                 + rb"is\b.*?</" + _P + rb"is>\s*)?<" + _P + rb"f[\s>/]", re.S)
_CELL_REF = re.compile(r"([A-Z]{1,3})(\d+)$")
_DEFAULT_WORKBOOK = "xl/workbook.xml"


def formulas_without_value(path: Path) -> dict[str, dict[str, str]]:
    """{sheet name: {"J2": "=2*8"}} for every formula cell with no cached value; {} when none
    or when the package cannot be understood."""
    return scan_formulas(path)[0]


def scan_formulas(path: Path) -> tuple[dict[str, dict[str, str]], dict[str, tuple[int, str]]]:
    """(formulas without a value as `formulas_without_value` gives them, {sheet name: (number
    of formula cells, first formula cell)} for the sheets holding formulas at all)."""
    found: dict[str, dict[str, str]] = {}
    counts: dict[str, tuple[int, str]] = {}
    try:
        with zipfile.ZipFile(path) as archive:
            names = _names(archive)
            for sheet, part in _worksheet_parts(archive, names):
                formulas_in_part(sheet, archive.read(names[part]), found, counts)
    except Exception:  # noqa: BLE001 - the edge: a nicety must never make a readable file unreadable
        return found, counts
    return found, counts


def formulas_in_part(sheet: str, data: bytes, found: dict[str, dict[str, str]],
                     counts: dict[str, tuple[int, str]]) -> None:
    """Adds one worksheet part's formulas to what `scan_formulas` gives."""
    if not _may_hold_formula(data):
        return
    count = len(_FORMULA.findall(data))
    if count:
        first = _FIRST_FORMULA_CELL.search(data)
        counts[sheet] = (count, first.group(1).decode("ascii") if first else "")
    if not _MAYBE_UNCACHED.search(data):
        return          # the common case: no formula, or all calculated; no parsing
    cells = _scan_sheet(data)
    if cells:
        found[sheet] = cells


def _may_hold_formula(data: bytes) -> bool:
    """False when no formula element can be in the part: `<f>`, `<f …>`, `<f/>`, `<x:f>` all
    hold an `f` right after `<` or `:`. A worksheet of shared strings holds a handful of `f`s,
    found one by one with memchr (20× faster than searching `<f` in a part full of `<`); a part
    with many (inline text) is searched for `<f` and `:f` from there on."""
    at = data.find(b"f")
    for _ in range(64):
        if at == -1:
            return False
        if at and data[at - 1] in b"<:":
            return True
        at = data.find(b"f", at + 1)
    return at != -1 and (data.find(b"<f", at - 1) != -1 or data.find(b":f", at - 1) != -1)


def _names(archive: zipfile.ZipFile) -> dict[str, str]:
    """Part name (forward slashes, no leading slash, case kept) -> name in the archive."""
    return {info.filename.replace("\\", "/").lstrip("/"): info.filename for info in archive.infolist()}


def _parse(data: bytes):
    return SafeET.fromstring(data, forbid_dtd=True)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _relationships(archive: zipfile.ZipFile, names: dict[str, str], part: str) -> dict[str, tuple[str, str]]:
    """{relationship id: (target part, relationship type)} of `part`, targets resolved
    against its folder."""
    folder, base = posixpath.split(part)
    rels_name = posixpath.join(folder, "_rels", base + ".rels")
    if rels_name not in names:
        return {}
    targets = {}
    for rel in _parse(archive.read(names[rels_name])):
        target = rel.get("Target", "")
        if rel.get("TargetMode") == "External" or not target:
            continue
        resolved = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
        targets[rel.get("Id", "")] = (resolved, rel.get("Type", ""))
    return targets


def _workbook_part(archive: zipfile.ZipFile, names: dict[str, str]) -> str:
    """The part the package's officeDocument relationship names (some writers use odd folders)."""
    if "_rels/.rels" in names:
        for rel in _parse(archive.read(names["_rels/.rels"])):
            if rel.get("Type", "").endswith("/officeDocument") and rel.get("Target"):
                return posixpath.normpath(rel.get("Target", "").lstrip("/"))
    return _DEFAULT_WORKBOOK


def _worksheet_parts(archive: zipfile.ZipFile, names: dict[str, str]) -> Iterator[tuple[str, str]]:
    """(sheet name, worksheet part) in workbook order; chart sheets and missing parts skipped."""
    workbook = _workbook_part(archive, names)
    targets = _relationships(archive, names, workbook)
    root = _parse(archive.read(names[workbook]))
    for element in root.iter():
        if _local(element.tag) != "sheet":
            continue
        rel_id = next((value for key, value in element.attrib.items() if _local(key) == "id"), None)
        part, kind = targets.get(rel_id or "", ("", ""))
        if part in names and kind.endswith("/worksheet"):
            yield element.get("name", ""), part


def _scan_sheet(data: bytes) -> dict[str, str]:
    """Cells whose formula has no cached value. Shared formulas: a follower without text takes
    the master's formula moved to its own cell, as Excel shows it."""
    found: dict[str, str] = {}
    masters: dict[str, tuple[str, str]] = {}          # shared index -> (master cell, formula)
    row, col = 0, 0
    for event, element in SafeET.iterparse(io.BytesIO(data), events=("start", "end"), forbid_dtd=True):
        tag = _local(element.tag)
        if event == "start":
            if tag == "row":
                row = int(element.get("r") or row + 1)
                col = 0
            continue
        if tag != "c":
            if tag == "row":
                element.clear()
            continue
        ref = element.get("r")
        row, col = _position(ref, row, col)
        cell = ref or f"{_letters(col)}{row}"
        formula, cached = _formula_and_value(element, cell, masters)
        if formula is not None and not cached:
            found[cell] = "=" + formula
        element.clear()
    return found


def _formula_and_value(cell: Element, address: str, masters: dict[str, tuple[str, str]]
                       ) -> tuple[str | None, bool]:
    """(formula text or None, whether a result is saved) of one <c> element."""
    children = {_local(child.tag): child for child in cell}
    formula_el = children.get("f")
    if formula_el is None:
        return None, True
    text = formula_el.text or ""
    index = formula_el.get("si")
    if formula_el.get("t") == "shared" and index is not None:
        if text:
            masters[index] = (address, text)
        elif index in masters:
            text = _shift(*masters[index], address)
    value_el = children.get("v")
    # an empty <v> is a saved empty string only when the cell says it holds a string;
    # an inline string (<is>) is a saved result too
    cached = "is" in children or (value_el is not None and (bool(value_el.text) or cell.get("t") == "str"))
    return text, cached


def _shift(origin: str, formula: str, target: str) -> str:
    """The master formula of a shared group as it reads in `target` (A1 -> A2 one row down)."""
    from openpyxl.formula.translate import Translator   # only for the rare uncalculated shared formula

    try:
        return Translator("=" + formula, origin=origin).translate_formula(target)[1:]
    except Exception:  # noqa: BLE001 - an untranslatable formula is still worth showing as written
        return formula


def _position(ref: str | None, row: int, col: int) -> tuple[int, int]:
    if ref:
        match = _CELL_REF.match(ref)
        if match:
            return int(match.group(2)), _column_number(match.group(1))
    return row, col + 1


def _column_number(letters: str) -> int:
    number = 0
    for ch in letters:
        number = number * 26 + ord(ch) - 64
    return number


def _letters(number: int) -> str:
    letters = ""
    while number:
        number, rem = divmod(number - 1, 26)
        letters = chr(65 + rem) + letters
    return letters
