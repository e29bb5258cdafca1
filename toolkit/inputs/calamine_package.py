"""An xlsx package made for python-calamine to parse each worksheet's XML once instead of twice.

`CalamineWorkbook.get_sheet_by_index` reads a worksheet's XML for its cells, then reads all of
it again looking for `<mergeCells>` (which Excel writes after the cells): on the benchmark's
200 workbooks that second pass is about 40 % of calamine's time. The worksheet scan
(`layout.scan_worksheets`) already holds each worksheet's XML, so it finds the merged cells
itself (`merges_in_part`, the same ranges, checked against calamine's on every test workbook)
and gives calamine a copy of the package in memory where:

- an empty `<mergeCells></mergeCells>` comes first in each worksheet, so calamine's search for
  merged cells stops at once (its cell reader skips the element: it reads from `<sheetData>`);
- the worksheets are stored rather than deflated, so calamine does not inflate what the scan
  has just inflated; the other parts are copied as the file holds them.

The input file is never changed. Only a package whose every worksheet could be read that way
is made this way (plain merge references, a `worksheet` root, no repeated part names, at most
`STORED_MAX_BYTES` unzipped); any other is parsed by calamine from the file, as before.
"""
from __future__ import annotations

import io
import re
import struct
import zipfile
from pathlib import Path
from typing import BinaryIO

from .sheet_columns import column_index
from .zip_parts import crc32, raw_part

STORED_MAX_BYTES = 16 << 20   # the unzipped package held in memory, about three times (a bigger one: read from its file)
EMPTY_MERGES = b"<mergeCells></mergeCells>"

Merge = tuple[tuple[int, int], tuple[int, int]]

_ROOT = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?worksheet\b[^>]*>")
_MERGE_CELL = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?mergeCell\b")
_PLAIN_REF = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?mergeCell\s+ref="([A-Z]{1,3})([0-9]{1,7})(?::([A-Z]{1,3})([0-9]{1,7}))?"\s*/?>')


def merges_in_part(data: bytes) -> list[Merge] | None:
    """The merged ranges of one worksheet's XML as calamine gives them (0-based
    ((first row, first column), (last row, last column)), in order); None when a merge is
    written in a way this does not read (calamine then reads the sheet's merges itself)."""
    at = data.find(b"mergeCell")
    if at < 0:
        return []
    tail = data[max(at - 64, 0):]
    found: list[Merge] = []
    for match in _PLAIN_REF.finditer(tail):
        c0, r0, c1, r1 = match.groups()
        start = (int(r0) - 1, column_index(c0.decode()))
        found.append((start, (int(r1) - 1, column_index(c1.decode())) if c1 else start))
    if len(found) != len(_MERGE_CELL.findall(tail)) or any(r < 0 for (r, _), _ in found):
        return None
    return found


def empty_merges_at(data: bytes) -> int | None:
    """Where an empty `<mergeCells>` goes in the worksheet's XML: just after its root's start
    tag; None when its root is not found as expected."""
    head = data[:4096]
    root = _ROOT.search(head)
    if root is None or root.group(0).endswith(b"/>") or b"<!" in head[:root.start()]:
        return None
    return root.end()


def stored_package(path: Path, prepared: dict[str, tuple[bytes, int]]) -> io.BytesIO | None:
    """The package at `path` for calamine: each part named in `prepared` (archive name -> its
    XML and where `EMPTY_MERGES` goes) stored with the empty merges, every other part copied
    as it is (deflated or stored, not inflated again); None when it cannot be made (then read
    the file itself)."""
    try:
        with open(path, "rb") as handle, zipfile.ZipFile(handle) as archive:
            infos = archive.infolist()
            names = [info.filename for info in infos]
            if (len(set(names)) != len(names) or not set(prepared) <= set(names)
                    or sum(info.file_size for info in infos) > STORED_MAX_BYTES
                    or any(info.flag_bits & 1 or info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)
                           for info in infos)):
                return None
            return io.BytesIO(_package(handle, infos, prepared))
    except Exception:  # noqa: BLE001 - the edge: the file itself is read instead
        return None


def _package(handle: BinaryIO, infos: list[zipfile.ZipInfo], prepared: dict[str, tuple[bytes, int]]) -> bytes:
    """A zip of `infos` written by hand: zipfile would inflate and deflate (or CRC) every part
    again; here only the prepared worksheets get a new CRC-32."""
    pieces: list[bytes | memoryview] = []
    directory: list[bytes] = []
    offset = 0
    for info in infos:
        name = info.filename.encode("utf-8")
        flags = 0x800 if not info.filename.isascii() else 0     # bit 11: the name is UTF-8
        if info.filename in prepared:
            data, at = prepared[info.filename]
            view = memoryview(data)
            body: list[bytes | memoryview] = [view[:at], EMPTY_MERGES, view[at:]]
            crc = crc32(view[at:], crc32(EMPTY_MERGES, crc32(view[:at])))
            method, size = zipfile.ZIP_STORED, len(data) + len(EMPTY_MERGES)
            packed = unpacked = size
        else:
            body = [raw_part(handle, info)]
            crc, method = info.CRC, info.compress_type
            packed, unpacked = info.compress_size, info.file_size
        time_, date_ = _dos_time(info.date_time)
        header = struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, flags, method, time_, date_, crc, packed, unpacked,
                             len(name), 0)
        directory.append(struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, flags, method, time_, date_, crc, packed,
                                     unpacked, len(name), 0, 0, 0, 0, info.external_attr & 0xFFFFFFFF, offset) + name)
        pieces += [header, name, *body]
        offset += len(header) + len(name) + packed
    listing = b"".join(directory)
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(infos), len(infos), len(listing), offset, 0)
    return b"".join([*pieces, listing, end])


def _dos_time(stamp: tuple[int, int, int, int, int, int]) -> tuple[int, int]:
    year, month, day, hour, minute, second = stamp
    return (hour << 11 | minute << 5 | second // 2) & 0xFFFF, (max(year - 1980, 0) << 9 | month << 5 | day) & 0xFFFF
