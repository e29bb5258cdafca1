"""Build a `vbaProject.bin` from VBA source text, following the interoperable rules of [MS-OVBA].

Our VBA is committed as text modules (`workbooks/vba/*.bas`); this module turns them into the
binary VBA project an `.xlsm` carries, so no binary is ever committed and a build is
reproducible from source:

- the `VBA/dir` stream (project information, references, modules; 2.3.4.2) and every module
  stream are compressed with the MS-OVBA algorithm (2.4.1), implemented here;
- `VBA/_VBA_PROJECT` is the 7-byte form with version 0xFFFF and no performance cache
  (2.3.4.1), and each module's text offset is 0, so Excel compiles the source when it opens
  the file instead of trusting compiled code that does not exist;
- `PROJECT` (2.3.1) names the modules; its protection fields CMG / DPB / GC are written with
  the data encryption of 2.4.3 and say "not protected, no password, visible";
- `PROJECTwm` (2.3.3) maps module names to their Unicode form;
- everything sits in a compound file written by `toolkit.outputs.cfb`.

Nothing depends on the clock or chance: the project ID is derived from the project name, the
encryption seed is fixed, the compound file has no timestamps. Same sources, same bytes.

Document modules (`ThisWorkbook`, `Sheet1` …) must match the code names in the workbook XML;
`document_modules()` makes them for a workbook of n sheets as XlsxWriter names them.
"""
from __future__ import annotations

import re
import struct
import uuid
from dataclasses import dataclass
from pathlib import Path

from .cfb import write_cfb

CHUNK = 4096
WORKBOOK_BASE = "0{00020819-0000-0000-C000-000000000046}"   # Excel Workbook class
WORKSHEET_BASE = "0{00020820-0000-0000-C000-000000000046}"  # Excel Worksheet class
STDOLE = "*\\G{00020430-0000-0000-C000-000000000046}#2.0#0#C:\\Windows\\System32\\stdole2.tlb#OLE Automation"
PROJECT_SEED = 0x47          # any byte; fixed so the output is reproducible
_NAME = re.compile(r'^Attribute VB_Name = "([A-Za-z][A-Za-z0-9_]{0,30})"', re.MULTILINE)


class VbaSourceError(ValueError):
    """A .bas module cannot be put into a VBA project (no name, characters outside the code page)."""


@dataclass(frozen=True)
class Module:
    """One VBA module: its name, source text (with its `Attribute` lines) and kind."""

    name: str
    source: str
    document: bool = False      # a document module (ThisWorkbook, Sheet1) rather than a standard one

    @property
    def code(self) -> str:
        """The source as VBA stores it: CRLF line ends, ending with one."""
        lines = self.source.replace("\r\n", "\n").replace("\r", "\n").rstrip("\n").split("\n")
        return "\r\n".join(lines) + "\r\n"


def read_bas(path: Path) -> Module:
    """A standard module from an exported `.bas` file; its name is its `Attribute VB_Name`."""
    source = path.read_text(encoding="utf-8")
    found = _NAME.search(source)
    if not found:
        raise VbaSourceError(f"{path.name}: no 'Attribute VB_Name = \"…\"' line")
    return Module(found.group(1), source)


def document_modules(sheet_count: int, workbook: str = "ThisWorkbook") -> list[Module]:
    """Empty document modules for the workbook and its sheets (`Sheet1` … as XlsxWriter names them)."""
    made = [Module(workbook, _document_source(workbook, WORKBOOK_BASE), document=True)]
    for n in range(1, sheet_count + 1):
        made.append(Module(f"Sheet{n}", _document_source(f"Sheet{n}", WORKSHEET_BASE), document=True))
    return made


def _document_source(name: str, base: str) -> str:
    return "\n".join([
        f'Attribute VB_Name = "{name}"',
        f'Attribute VB_Base = "{base}"',
        "Attribute VB_GlobalNameSpace = False",
        "Attribute VB_Creatable = False",
        "Attribute VB_PredeclaredId = True",
        "Attribute VB_Exposed = True",
        "Attribute VB_TemplateDerived = False",
        "Attribute VB_Customizable = True",
    ])


def build_vba_project(modules: list[Module], project_name: str = "VBAProject", codepage: int = 1252) -> bytes:
    """The bytes of a vbaProject.bin holding `modules` (document modules first is customary)."""
    encoding = f"cp{codepage}"
    names = [m.name for m in modules]
    if len({n.upper() for n in names}) != len(names):
        raise VbaSourceError(f"module names must be unique: {names}")
    streams = {}
    for module in modules:
        try:
            streams[module.name] = compress(module.code.encode(encoding))
        except UnicodeEncodeError as exc:
            raise VbaSourceError(f"module {module.name}: text outside code page {codepage} "
                                 f"(use ChrW() for other characters): {exc}") from exc
    vba = {"_VBA_PROJECT": b"\xcc\x61\xff\xff\x00\x00\x00",
           "dir": compress(dir_stream(modules, project_name, codepage)),
           **streams}
    return write_cfb({"PROJECT": project_stream(modules, project_name, codepage),
                      "PROJECTwm": projectwm_stream(modules, codepage),
                      "VBA": vba})


def project_id(project_name: str) -> str:
    return "{" + str(uuid.uuid5(uuid.NAMESPACE_URL, f"ops-tracker-toolkit/vba/{project_name}")).upper() + "}"


# ---------------------------------------------------------------- streams

def _record(rid: int, data: bytes) -> bytes:
    return struct.pack("<HI", rid, len(data)) + data


def _u16(value: int) -> bytes:
    return struct.pack("<H", value)


def _u32(value: int) -> bytes:
    return struct.pack("<I", value)


def dir_stream(modules: list[Module], project_name: str, codepage: int) -> bytes:
    """The uncompressed `dir` stream ([MS-OVBA] 2.3.4.2)."""
    enc = f"cp{codepage}"
    out = bytearray()
    # PROJECTINFORMATION
    out += _record(0x0001, _u32(0x00000001))                  # SYSKIND: 32-bit Windows
    out += _record(0x0002, _u32(0x0409))                      # LCID
    out += _record(0x0014, _u32(0x0409))                      # LCIDINVOKE
    out += _record(0x0003, _u16(codepage))                    # CODEPAGE
    out += _record(0x0004, project_name.encode(enc))          # NAME
    out += _record(0x0005, b"") + _record(0x0040, b"")        # DOCSTRING (+ Unicode)
    out += _record(0x0006, b"") + _record(0x003D, b"")        # HELPFILEPATH (+ second path)
    out += _record(0x0007, _u32(0))                           # HELPCONTEXT
    out += _record(0x0008, _u32(0))                           # LIBFLAGS
    out += struct.pack("<HIIH", 0x0009, 4, 1, 0)              # VERSION: Reserved=4, then major (4) and minor (2)
    out += _record(0x000C, b"") + _record(0x003C, b"")        # CONSTANTS (+ Unicode)
    # PROJECTREFERENCES: OLE Automation, as Excel itself writes
    out += _record(0x0016, b"stdole") + _record(0x003E, "stdole".encode("utf-16-le"))
    libid = STDOLE.encode(enc)
    out += _record(0x000D, _u32(len(libid)) + libid + _u32(0) + _u16(0))
    # PROJECTMODULES
    out += _record(0x000F, _u16(len(modules)))
    out += _record(0x0013, _u16(0xFFFF))                      # PROJECTCOOKIE
    for module in modules:
        name = module.name.encode(enc)
        wide = module.name.encode("utf-16-le")
        out += _record(0x0019, name)                          # MODULENAME
        out += _record(0x0047, wide)                          # MODULENAMEUNICODE
        out += _record(0x001A, name) + _record(0x0032, wide)  # MODULESTREAMNAME (+ Unicode)
        out += _record(0x001C, b"") + _record(0x0048, b"")    # MODULEDOCSTRING (+ Unicode)
        out += _record(0x0031, _u32(0))                       # MODULEOFFSET: no performance cache
        out += _record(0x001E, _u32(0))                       # MODULEHELPCONTEXT
        out += _record(0x002C, _u16(0xFFFF))                  # MODULECOOKIE
        out += struct.pack("<HI", 0x0022 if module.document else 0x0021, 0)   # MODULETYPE
        out += struct.pack("<HI", 0x002B, 0)                  # module terminator
    out += struct.pack("<HI", 0x0010, 0)                      # dir terminator
    return bytes(out)


def project_stream(modules: list[Module], project_name: str, codepage: int) -> bytes:
    """The `PROJECT` stream ([MS-OVBA] 2.3.1): module list, name, protection state, workspace."""
    pid = project_id(project_name)
    cmg, dpb, gc = encrypt(pid, bytes(4)), encrypt(pid, bytes(1)), encrypt(pid, bytes([0xFF]))
    lines = [f'ID="{pid}"']
    for module in modules:
        lines.append(f"Document={module.name}/&H00000000" if module.document else f"Module={module.name}")
    lines += [
        f'Name="{project_name}"',
        'HelpContextID="0"',
        'VersionCompatible32="393222000"',
        f'CMG="{cmg}"',                          # protection state: none
        f'DPB="{dpb}"',                          # password: none
        f'GC="{gc}"',                            # visibility: visible
        "",
        "[Host Extender Info]",
        "&H00000001={3832D640-CF90-11CF-8E43-00A0C911005A};VBE;&H00000000",
        "",
        "[Workspace]",
    ]
    lines += [f"{module.name}=0, 0, 0, 0, C" for module in modules]
    return ("\r\n".join(lines) + "\r\n").encode(f"cp{codepage}")


def projectwm_stream(modules: list[Module], codepage: int) -> bytes:
    """The `PROJECTwm` stream ([MS-OVBA] 2.3.3): each name in MBCS and UTF-16, NUL-terminated."""
    out = bytearray()
    for module in modules:
        out += module.name.encode(f"cp{codepage}") + b"\0"
        out += module.name.encode("utf-16-le") + b"\0\0"
    return bytes(out + b"\0\0")


# ---------------------------------------------------------------- 2.4.3 data encryption

def encrypt(project_id_text: str, data: bytes, seed: int = PROJECT_SEED, ignored: bytes | None = None) -> str:
    """[MS-OVBA] 2.4.3.2: the hex text of CMG / DPB / GC. `ignored` defaults to the seed repeated."""
    version = 2
    key = sum(project_id_text.encode("ascii")) & 0xFF
    count = (seed & 6) // 2
    ignored = bytes([seed] * count) if ignored is None else ignored
    if len(ignored) != count:
        raise ValueError(f"seed {seed:#04x} needs {count} ignored bytes")
    out = bytearray([seed, seed ^ version, seed ^ key])
    unencrypted1, encrypted1, encrypted2 = key, seed ^ key, seed ^ version
    for byte in ignored + struct.pack("<I", len(data)) + data:
        coded = byte ^ ((encrypted2 + unencrypted1) & 0xFF)
        out.append(coded)
        encrypted2, encrypted1, unencrypted1 = encrypted1, coded, byte
    return out.hex().upper()


def decrypt(text: str) -> tuple[int, bytes, bytes]:
    """The inverse of `encrypt`: (seed, ignored bytes, data)."""
    raw = bytes.fromhex(text)
    seed, version_enc, key_enc = raw[0], raw[1], raw[2]
    if seed ^ version_enc != 2:
        raise ValueError("not version 2 encrypted data")
    unencrypted1, encrypted1, encrypted2 = seed ^ key_enc, key_enc, version_enc
    plain = bytearray()
    for coded in raw[3:]:
        byte = coded ^ ((encrypted2 + unencrypted1) & 0xFF)
        plain.append(byte)
        encrypted2, encrypted1, unencrypted1 = encrypted1, coded, byte
    count = (seed & 6) // 2
    length = struct.unpack("<I", plain[count:count + 4])[0]
    data = bytes(plain[count + 4:])
    if len(data) != length:
        raise ValueError("length does not match the data")
    return seed, bytes(plain[:count]), data


# ---------------------------------------------------------------- 2.4.1 compression

def compress(data: bytes) -> bytes:
    """[MS-OVBA] 2.4.1.3.6: a CompressedContainer of `data` (greedy longest match per token)."""
    out = bytearray(b"\x01")
    for start in range(0, len(data), CHUNK):
        out += _compress_chunk(data[start:start + CHUNK])
    return bytes(out)


def _copy_token_help(position: int) -> tuple[int, int]:
    """(bit count of the offset, maximum length) at `position` bytes into a chunk (2.4.1.3.19.1)."""
    bits = max((position - 1).bit_length(), 4)
    return bits, (0xFFFF >> bits) + 3


def _compress_chunk(chunk: bytes) -> bytes:
    body = bytearray()
    position, size = 0, len(chunk)
    heads: dict[bytes, list[int]] = {}        # 3-byte prefix -> earlier positions in this chunk

    def remember(at: int) -> None:
        if at + 3 <= size:
            heads.setdefault(chunk[at:at + 3], []).append(at)

    while position < size:
        flags, tokens = 0, bytearray()
        for bit in range(8):
            if position >= size:
                break
            bits, max_length = _copy_token_help(position)
            best_length, best_offset = 0, 0
            for candidate in reversed(heads.get(chunk[position:position + 3], ())):
                length = 3
                limit = min(max_length, size - position)
                while length < limit and chunk[candidate + length] == chunk[position + length]:
                    length += 1
                if length > best_length:
                    best_length, best_offset = length, position - candidate
                    if length == limit:
                        break
            if best_length >= 3:
                token = ((best_offset - 1) << (16 - bits)) | (best_length - 3)
                tokens += struct.pack("<H", token)
                flags |= 1 << bit
                for at in range(position, position + best_length):
                    remember(at)
                position += best_length
            else:
                tokens.append(chunk[position])
                remember(position)
                position += 1
        body.append(flags)
        body += tokens
    if len(body) > CHUNK:                                   # incompressible: a raw chunk of 4096 bytes
        return struct.pack("<H", 0x3FFF) + chunk.ljust(CHUNK, b"\0")
    return struct.pack("<H", 0xB000 | (len(body) - 1)) + bytes(body)


def decompress(container: bytes) -> bytes:
    """[MS-OVBA] 2.4.1.3.1: the bytes of a CompressedContainer (used to check our own output)."""
    if not container or container[0] != 0x01:
        raise ValueError("not a compressed container")
    out = bytearray()
    pos = 1
    while pos < len(container):
        header = struct.unpack("<H", container[pos:pos + 2])[0]
        size = (header & 0x0FFF) + 3
        if (header >> 12) & 0b111 != 0b011:
            raise ValueError("bad chunk signature")
        end = min(pos + size, len(container))
        pos += 2
        chunk_start = len(out)
        if not header & 0x8000:
            out += container[pos:pos + CHUNK]
            pos += CHUNK
            continue
        while pos < end:
            flags = container[pos]
            pos += 1
            for bit in range(8):
                if pos >= end:
                    break
                if flags & (1 << bit):
                    token = struct.unpack("<H", container[pos:pos + 2])[0]
                    pos += 2
                    bits, _ = _copy_token_help(len(out) - chunk_start)
                    length = (token & (0xFFFF >> bits)) + 3
                    offset = (token >> (16 - bits)) + 1
                    for _ in range(length):
                        out.append(out[-offset])
                else:
                    out.append(container[pos])
                    pos += 1
    return bytes(out)
