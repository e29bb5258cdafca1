"""zip_parts inflates a package's parts as zipfile reads them (ISA-L instead of zlib), checks
their size and CRC, and lets two parts of one handle be streamed in turn."""
from __future__ import annotations

import zipfile
from itertools import zip_longest
import zlib
from pathlib import Path

import pytest

from conftest import require_corpus
from toolkit.inputs.zip_parts import PartError, part_chunks, read_part


def _packages() -> list[Path]:
    corpus = require_corpus()
    found = []
    for path in sorted(corpus.rglob("*")):
        if path.is_file() and zipfile.is_zipfile(path):
            found.append(path)
    return found


def test_every_part_of_the_corpus_packages_is_what_zipfile_reads():
    checked = 0
    for path in _packages():
        try:
            archive = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError, ValueError):
            continue
        with archive, open(path, "rb") as handle:
            for info in archive.infolist():
                if info.flag_bits & 0x1 or info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                    continue
                try:
                    expected = archive.read(info)
                except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
                    # zipfile refuses a damaged part; here it is refused too, or (a local header
                    # naming it differently) read whole, its size and CRC checked
                    try:
                        data = read_part(handle, info)
                    except PartError:
                        continue
                    assert len(data) == info.file_size and zlib.crc32(data) == info.CRC
                    continue
                assert read_part(handle, info) == expected, (path.name, info.filename)
                checked += 1
    assert checked > 200


def _package(tmp_path: Path, parts: dict[str, bytes]) -> Path:
    path = tmp_path / "p.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return path


def test_two_parts_streamed_in_turn_from_one_handle(tmp_path):
    big = b"".join(b"<row r=\"%d\"><c><v>%d</v></c></row>" % (n, n * 7) for n in range(200_000))
    other = bytes(range(256)) * 20_000
    path = _package(tmp_path, {"a.xml": big, "b.bin": other})
    with zipfile.ZipFile(path) as archive, open(path, "rb") as handle:
        first = part_chunks(handle, archive.getinfo("a.xml"), 1 << 16)
        second = part_chunks(handle, archive.getinfo("b.bin"), 1 << 16)
        got_a, got_b = [], []
        for a, b in zip_longest(first, second, fillvalue=b""):     # one piece of each in turn
            got_a.append(a)
            got_b.append(b)
    assert b"".join(got_a) == big and b"".join(got_b) == other


def test_a_part_whose_crc_or_size_differs_from_the_directory_is_refused(tmp_path):
    path = _package(tmp_path, {"a.xml": b"<a>" + b"x" * 5000 + b"</a>"})
    with zipfile.ZipFile(path) as archive, open(path, "rb") as handle:
        info = archive.getinfo("a.xml")
        info.CRC ^= 1
        with pytest.raises(PartError, match="CRC"):
            read_part(handle, info)
        info.CRC ^= 1
        info.file_size += 1
        with pytest.raises(PartError, match="header says"):
            read_part(handle, info)


def test_a_part_cut_short_is_refused(tmp_path):
    path = _package(tmp_path, {"a.xml": bytes(range(256)) * 4000})
    data = path.read_bytes()
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("a.xml")
    cut = tmp_path / "cut.zip"
    cut.write_bytes(data[:info.header_offset + 30 + len("a.xml") + info.compress_size // 2])
    with open(cut, "rb") as handle, pytest.raises(PartError):
        read_part(handle, info)
