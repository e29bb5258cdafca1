"""One part of a zip package, inflated a bounded piece at a time, with ISA-L when it is there.

Every reader of our own that looks inside a package (the safety checks, the worksheet scan,
the old master's hand-added columns) inflates parts here. ISA-L (`isal`, already the master
writer's deflater) inflates a worksheet's XML in about a third of zlib's time: 0.10 s instead
of 0.31 s for the 124 MB Tasks sheet of a 100 000-task master (issue 7); zlib when it is missing.

The raw data is read from the part's local header on, whatever the central directory says
its size is, and the position is sought again before each read, so two parts of one package
may be streamed in turn from one handle.
"""
from __future__ import annotations

import struct
import zipfile
import zlib
from collections.abc import Iterator
from types import ModuleType
from typing import BinaryIO

_inflate: ModuleType = zlib
_ERRORS: tuple[type[Exception], ...] = (zlib.error,)
try:
    from isal import isal_zlib
    _inflate, _ERRORS = isal_zlib, (zlib.error, getattr(isal_zlib, "error"))   # (typed as an instance)
except ImportError:           # pragma: no cover - isal has wheels for Linux, macOS and Windows
    pass

crc32 = _inflate.crc32     # ISA-L's CRC-32 where it is there (the same value as zlib's)

RAW_CHUNK = 64 * 1024         # compressed bytes fed to the inflater at a time
MAX_OUT = 1024 * 1024         # inflated bytes produced per inflater call (a bomb cannot swell past it)


class PartError(Exception):
    """A part whose bytes do not match its header; carries the reason shown to people."""


def part_chunks(handle: BinaryIO, info: zipfile.ZipInfo, max_out: int = MAX_OUT,
                raw_chunk: int = RAW_CHUNK) -> Iterator[bytes]:
    """The inflated bytes of one part, at most `max_out` at a time, inflated from `raw_chunk`
    compressed bytes at a time; at the end, its size and CRC-32 are checked against the central
    directory (PartError when they differ)."""
    raw = _raw_chunks(handle, info, raw_chunk)
    count, crc = 0, 0
    for chunk in _inflated(raw, info, max_out):
        count += len(chunk)
        crc = _inflate.crc32(chunk, crc)
        yield chunk
    if count != info.file_size:
        raise PartError(f"{info.filename}: {count} bytes, header says {info.file_size}")
    if crc != info.CRC:
        raise PartError(f"bad CRC-32 for {info.filename}")


def read_part(handle: BinaryIO, info: zipfile.ZipInfo) -> bytes:
    """One part, whole (checked as `part_chunks` checks it)."""
    return b"".join(part_chunks(handle, info))


def raw_part(handle: BinaryIO, info: zipfile.ZipInfo) -> bytes:
    """One part's bytes as the file holds them (deflated or stored), without its local header."""
    return b"".join(_raw_chunks(handle, info, RAW_CHUNK))


def _inflated(raw: Iterator[bytes], info: zipfile.ZipInfo, max_out: int) -> Iterator[bytes]:
    if info.compress_type == zipfile.ZIP_STORED:
        yield from raw
        return
    if info.compress_type != zipfile.ZIP_DEFLATED:
        raise PartError(f"{info.filename}: compression method {info.compress_type} is not supported")
    inflater = _inflate.decompressobj(-15)
    try:
        for block in raw:
            data = inflater.decompress(block, max_out)
            while data:
                yield data
                data = inflater.decompress(inflater.unconsumed_tail, max_out) if inflater.unconsumed_tail else b""
            if inflater.eof:
                break
        rest = inflater.flush()
    except _ERRORS as exc:
        raise PartError(f"{info.filename}: {exc}") from exc
    if rest:
        yield rest
    if not inflater.eof:
        raise PartError(f"{info.filename}: compressed data is cut short")


def _raw_chunks(handle: BinaryIO, info: zipfile.ZipInfo, size: int) -> Iterator[bytes]:
    if info.header_offset < 0:
        raise PartError(f"{info.filename}: bad offset in the central directory")
    handle.seek(info.header_offset)
    header = handle.read(30)
    if len(header) < 30 or not header.startswith(b"PK\x03\x04"):
        raise PartError(f"{info.filename}: bad local header")
    name_length, extra_length = struct.unpack_from("<HH", header, 26)
    position = info.header_offset + 30 + name_length + extra_length
    left = info.compress_size
    while left > 0:
        handle.seek(position)          # another part may have been read from this handle meanwhile
        block = handle.read(min(size, left))
        if not block:
            raise PartError(f"{info.filename}: file is cut short")
        position += len(block)
        left -= len(block)
        yield block
