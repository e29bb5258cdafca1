"""A minimal writer of Compound File Binary containers ([MS-CFB] version 3).

Why our own: olefile reads CFB and overwrites streams of the same size, but cannot create a
file; the small writers on PyPI are either one-person projects without a release history
(pycfb, ms-cfb) or AGPL (cfbwrite), which our MIT package cannot take. A vbaProject.bin needs
only the simple case, so this module writes exactly that and nothing more:

- version 3: 512-byte sectors, 64-byte mini sectors, mini stream cutoff 4096 bytes;
- a tree of storages and streams given as nested dicts, written in one go;
- streams under 4096 bytes live in the mini stream, larger ones in regular sectors;
- the siblings of each storage form a balanced red-black tree ordered as [MS-CFB] 2.6.4
  says (shorter names first, then by upper-cased UTF-16 code units);
- no timestamps, zero CLSIDs: the same tree always gives the same bytes;
- no DIFAT sectors: up to 109 FAT sectors (about 6.9 MB), far beyond a VBA project.

The result is read back by olefile and oletools in the tests.
"""
from __future__ import annotations

import struct
from dataclasses import dataclass, field

SECTOR = 512
MINI_SECTOR = 64
MINI_CUTOFF = 4096
ENTRIES_PER_SECTOR = SECTOR // 128
FAT_PER_SECTOR = SECTOR // 4
HEADER_DIFAT = 109

FREESECT, ENDOFCHAIN, FATSECT = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
NOSTREAM = 0xFFFFFFFF
STORAGE, STREAM, ROOT = 1, 2, 5
RED, BLACK = 0, 1
SIGNATURE = bytes.fromhex("D0CF11E0A1B11AE1")

Tree = dict  # name -> bytes (a stream) or Tree (a storage)


@dataclass
class _Entry:
    name: str
    kind: int
    data: bytes = b""
    children: list[_Entry] = field(default_factory=list)
    sid: int = 0
    left: int = NOSTREAM
    right: int = NOSTREAM
    child: int = NOSTREAM
    color: int = BLACK
    start: int = ENDOFCHAIN


def sort_key(name: str) -> tuple[int, str]:
    """[MS-CFB] 2.6.4: compare by length first, then by upper-cased characters."""
    return (len(name.encode("utf-16-le")), name.upper())


def write_cfb(tree: Tree) -> bytes:
    """The bytes of a compound file holding `tree` (name -> bytes or nested dict)."""
    root = _Entry("Root Entry", ROOT, children=_entries(tree))
    entries = _number(root)
    _link(root)

    mini = bytearray()
    mini_fat: list[int] = []
    big: list[_Entry] = []
    for entry in entries:
        if entry.kind != STREAM or not entry.data:
            continue
        if len(entry.data) < MINI_CUTOFF:
            entry.start = len(mini_fat)
            count = -(-len(entry.data) // MINI_SECTOR)
            mini_fat.extend(range(entry.start + 1, entry.start + count))
            mini_fat.append(ENDOFCHAIN)
            mini += entry.data.ljust(count * MINI_SECTOR, b"\0")
        else:
            big.append(entry)

    sectors: list[bytes] = []
    fat: list[int] = []

    def place(data: bytes) -> int:
        """Append `data` as a chain of sectors; return its first sector."""
        count = -(-len(data) // SECTOR)
        first = len(sectors)
        for i in range(count):
            sectors.append(data[i * SECTOR:(i + 1) * SECTOR].ljust(SECTOR, b"\0"))
        fat.extend(range(first + 1, first + count))
        fat.append(ENDOFCHAIN)
        return first

    if mini:
        root.start = place(bytes(mini))
        root.data = bytes(mini)          # the root's size is the mini stream's size
    for entry in big:
        entry.start = place(entry.data)
    mini_fat_start = place(b"".join(struct.pack("<I", n) for n in mini_fat)) if mini_fat else ENDOFCHAIN
    mini_fat_sectors = -(-len(mini_fat) * 4 // SECTOR)
    padded = entries + [None] * (-len(entries) % ENTRIES_PER_SECTOR)
    directory_start = place(b"".join(_directory_entry(e) for e in padded))

    fat_count = 1
    while len(sectors) + fat_count > fat_count * FAT_PER_SECTOR:
        fat_count += 1
    if fat_count > HEADER_DIFAT:
        raise ValueError("compound file too large for a writer without DIFAT sectors")
    fat_start = len(sectors)
    fat.extend([FATSECT] * fat_count)
    fat.extend([FREESECT] * (fat_count * FAT_PER_SECTOR - len(fat)))
    fat_bytes = b"".join(struct.pack("<I", n) for n in fat)
    for i in range(fat_count):
        sectors.append(fat_bytes[i * SECTOR:(i + 1) * SECTOR])

    difat = [fat_start + i for i in range(fat_count)] + [FREESECT] * (HEADER_DIFAT - fat_count)
    header = b"".join([
        SIGNATURE, bytes(16),
        struct.pack("<HHHHH", 0x003E, 0x0003, 0xFFFE, 9, 6), bytes(6),
        struct.pack("<IIIIIIIII", 0, fat_count, directory_start, 0, MINI_CUTOFF,
                    mini_fat_start, mini_fat_sectors, ENDOFCHAIN, 0),
        struct.pack(f"<{HEADER_DIFAT}I", *difat),
    ])
    assert len(header) == SECTOR
    return header + b"".join(sectors)


def _entries(tree: Tree) -> list[_Entry]:
    made = []
    for name, value in tree.items():
        if len(name) > 31 or any(ch in name for ch in "/\\:!"):
            raise ValueError(f"invalid compound file entry name: {name!r}")
        if isinstance(value, dict):
            made.append(_Entry(name, STORAGE, children=_entries(value)))
        else:
            made.append(_Entry(name, STREAM, data=bytes(value)))
    return made


def _number(root: _Entry) -> list[_Entry]:
    """Directory order: the root, then each storage's children, depth first."""
    order = [root]

    def walk(entry: _Entry) -> None:
        for child in sorted(entry.children, key=lambda e: sort_key(e.name)):
            child.sid = len(order)
            order.append(child)
            walk(child)

    walk(root)
    return order


def _link(entry: _Entry) -> None:
    """Give each storage a balanced sibling tree: black inner levels, a red bottom level."""
    ordered = sorted(entry.children, key=lambda e: sort_key(e.name))
    depth: dict[int, int] = {}

    def build(items: list[_Entry], level: int) -> int:
        if not items:
            return NOSTREAM
        mid = len(items) // 2
        node = items[mid]
        depth[node.sid] = level
        node.left = build(items[:mid], level + 1)
        node.right = build(items[mid + 1:], level + 1)
        return node.sid

    entry.child = build(ordered, 0)
    bottom = max(depth.values(), default=0)
    for child in ordered:
        child.color = RED if bottom and depth[child.sid] == bottom else BLACK
        _link(child)


def _directory_entry(entry: _Entry | None) -> bytes:
    if entry is None:
        return bytes(64) + struct.pack("<HBBIII", 0, 0, 0, NOSTREAM, NOSTREAM, NOSTREAM) + bytes(48)
    name = (entry.name + "\0").encode("utf-16-le")
    size = len(entry.data) if entry.kind != STORAGE else 0
    start = entry.start if size else (0 if entry.kind == STORAGE else ENDOFCHAIN)
    return b"".join([
        name.ljust(64, b"\0"),
        struct.pack("<HBBIII", len(name), entry.kind, entry.color, entry.left, entry.right, entry.child),
        bytes(16),                       # CLSID
        struct.pack("<I", 0),            # state bits
        bytes(16),                       # creation and modification times: none (reproducible)
        struct.pack("<IQ", start, size),
    ])
