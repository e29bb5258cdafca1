"""Find the input files and decide, by their bytes, whether each one is safe to hand to a reader.

Department workbooks arrive from many hands: renamed CSVs, HTML "Excel exports", screenshots
named .xlsx, password-protected files, damaged downloads and, now and then, something hostile
(zip bombs, XML entity bombs). Everything here looks at content, never at the file name, opens
files read-only, and turns every problem into a `FileRejected` carrying one Finding, so one bad
file never stops a batch and a reader never sees bytes it could choke on.

Zip-based formats are checked without extracting anything: first the central directory
(number of parts, declared sizes, compression ratios), then every part a reader parses is
decompressed in chunks here, counting real bytes, because the sizes in a zip header can lie.
"""
from __future__ import annotations

import codecs
import os
import struct
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import olefile
from defusedxml import ElementTree as SafeET

from ..config import Limits
from ..errors import Bilingual, FileRejected, Finding, InputError, Severity
from ..i18n import TEXT
from .plain import detail, plain_reason
from .zip_parts import PartError, part_chunks

SPREADSHEET_SUFFIXES = frozenset({
    ".xlsx", ".xlsm", ".xltx", ".xltm",   # Office Open XML
    ".xls", ".xlt", ".xlsb",              # Excel binary
    ".ods", ".csv",
    ".et", ".ett",                        # WPS Spreadsheets (an xls inside)
    ".xml", ".numbers",                   # not readable, but worth a clear "save it as .xlsx"
})

MB = 1024 * 1024
HEAD_BYTES = 64 * 1024          # what is read to recognise a non-zip, non-OLE file
RATIO_FLOOR = 1 * MB            # a part smaller than this cannot be a bomb, whatever its ratio
SMALL_PART_CAP = 1 * MB         # [Content_Types].xml, _rels/.rels, mimetype, manifest
_ENTITY_MARKERS = (b"<!ENTITY", b"<!DOCTYPE")
_DELIMITERS = ",;\t|"
_BIFF_OLD_BOF = (b"\x09\x00", b"\x09\x02", b"\x09\x04")   # BIFF2, BIFF3, BIFF4 BOF records
_FILEPASS = 0x002F
_BIFF_EOF = 0x000A


@dataclass(frozen=True)
class DetectedFile:
    """A file that passed the checks; `format` picks the reader: xlsx (also xlsm), xls, xlsb, ods, csv."""

    path: Path
    format: str


# ------------------------------------------------------------------ finding the inputs

def is_ignored(path: Path, root: Path | None = None) -> bool:
    """Office lock and temp files and hidden files: never workbooks, skipped without a word.

    With `root`, a file in a hidden folder below `root` is ignored too (the folders above
    `root` are the user's business: an input folder may well live under ~/.local).
    """
    if _is_lock_file(path) or path.name.startswith("."):
        return True
    if root is not None:
        try:
            parts = path.relative_to(root).parts[:-1]
        except ValueError:
            parts = ()
        return any(part.startswith(".") for part in parts)
    return False


def _is_lock_file(path: Path) -> bool:
    """Excel's ~$owner files, LibreOffice's .~lock files, Word/Excel's ~WRL temp files."""
    name = path.name
    return name.startswith(("~$", ".~lock.")) or (name.startswith("~WRL") and name.lower().endswith(".tmp"))


def discover_inputs(paths: list[Path]) -> tuple[list[Path], list[Finding]]:
    """Files to read, in a stable order, and findings about what was not followed.

    A file given by name is taken whatever its suffix (detection looks at its bytes); only
    Office lock files are dropped. In folders, files with a spreadsheet suffix are taken,
    recursively and sorted. Links resolving outside their input folder are not followed.
    The same file reached twice is read once.
    """
    files: list[Path] = []
    findings: list[Finding] = []
    seen: set[Path] = set()

    def take(path: Path) -> None:
        real = path.resolve()
        if real not in seen:
            seen.add(real)
            files.append(path)

    for given in paths:
        if given.is_dir():
            found, problems = _walk_folder(given)
            findings.extend(problems)
            for path in found:
                take(path)
        elif given.is_file():
            if given.is_symlink() and not _inside(given, given.parent.resolve()):
                # the folder form's policy, for files named one by one too
                findings.append(_outside(given))
            elif not _is_lock_file(given):
                take(given)
        elif given.exists() or given.is_symlink():
            raise InputError("not_file_or_folder", path=given)
        else:
            raise InputError("not_found", path=given)
    return files, findings


def _walk_folder(folder: Path) -> tuple[list[Path], list[Finding]]:
    """Spreadsheet files under `folder`, sorted; links leading outside it become findings."""
    root = folder.resolve()
    found: list[Path] = []
    findings: list[Finding] = []

    def unreadable(error: OSError) -> None:
        name = Path(error.filename or str(folder)).name
        findings.append(Finding("file-unreadable", Severity.ERROR, name, path=error.filename,
                                params={"reason": plain_reason(error), "detail": detail(error)}))

    for current, dirs, names in os.walk(folder, onerror=unreadable):
        here = Path(current)
        kept_dirs = []
        for name in sorted(dirs):
            sub = here / name
            if name.startswith("."):
                continue
            if sub.is_symlink():
                # followed never: outside the folder it is refused, inside it is walked anyway
                if not _inside(sub, root):
                    findings.append(_outside(sub))
                continue
            kept_dirs.append(name)
        dirs[:] = kept_dirs
        for name in sorted(names):
            path = here / name
            if path.suffix.lower() not in SPREADSHEET_SUFFIXES or is_ignored(path, folder):
                continue
            if path.is_symlink() and not _inside(path, root):
                findings.append(_outside(path))
                continue
            if path.is_file():      # not a FIFO, socket or dangling link: those would block or fail
                found.append(path)
    found.sort(key=lambda p: p.relative_to(folder).parts)
    return found, findings


def _inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root)
    except (ValueError, OSError, RuntimeError):   # RuntimeError: a symlink loop (Python < 3.13)
        return False
    return True


def _outside(path: Path) -> Finding:
    return Finding("file-outside-folder", Severity.WARNING, path.name, path=str(path))


# ------------------------------------------------------------------ detecting one file

def detect_file(path: Path, limits: Limits) -> DetectedFile:
    """What `path` really is, judged by its bytes; raises FileRejected for anything unreadable."""
    try:
        size = path.stat().st_size
        if size == 0:
            raise _reject(path, "file-empty")
        if size > limits.max_file_mb * MB:
            raise _reject(path, "file-too-large", size=_size(size), limit=f"{limits.max_file_mb} MB")
        with open(path, "rb") as handle:
            head = handle.read(HEAD_BYTES)
            return DetectedFile(path, _detect_open(path, handle, head, size, limits))
    except OSError as exc:
        raise _reject(path, "file-unreadable", reason=plain_reason(exc), detail=detail(exc)) from exc


def _detect_open(path: Path, handle: BinaryIO, head: bytes, size: int, limits: Limits) -> str:
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return _detect_ole(path, handle)
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return _detect_zip(path, handle, size, limits)
    what = _binary_kind(head)
    if what is not None:
        raise _not_spreadsheet(path, what)
    if head[:2] in _BIFF_OLD_BOF or head[:2] == b"\x09\x08":
        raise _reject(path, "file-unsupported", what=_what("biff_old"))
    return _detect_text(path, head, complete=size <= len(head))


def _binary_kind(head: bytes) -> str | None:
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "gif"
    if head.startswith(b"%PDF-"):
        return "pdf"
    return None


def _reject(path: Path, code: str, **params: object) -> FileRejected:
    return FileRejected(Finding(code, Severity.ERROR, path.name, path=str(path), params=params))


def _what(key: str) -> Bilingual:
    """A kind of file, read in the language of the message that names it."""
    return Bilingual(*TEXT[f"what.{key}"])


def _not_spreadsheet(path: Path, what: str) -> FileRejected:
    return _reject(path, "file-not-spreadsheet", what=_what(what), suffix=path.suffix or "—")


def _size(count: int) -> str:
    """470 MB, 100.4 MB: whole megabytes once that is exact enough to compare with the limit."""
    value = count / MB
    shown = f"{value:.0f}" if value >= 1000 else f"{value:.1f}".rstrip("0").rstrip(".")
    return f"{shown} MB"


def _corrupt(path: Path, reason: object) -> FileRejected:
    return _reject(path, "file-corrupt", reason=plain_reason(reason), detail=detail(reason))


# ------------------------------------------------------------------ OLE2: xls, encrypted OOXML

def _detect_ole(path: Path, handle: BinaryIO) -> str:
    """xls (BIFF5/8 in an OLE2 container), or an encrypted workbook, or some other Office file."""
    handle.seek(0)
    try:
        ole = olefile.OleFileIO(handle)
    except Exception as exc:  # noqa: BLE001 - olefile raises many kinds for a damaged container
        raise _corrupt(path, exc) from exc
    try:
        if ole.exists("EncryptionInfo") and ole.exists("EncryptedPackage"):
            raise _reject(path, "file-encrypted")   # an .xlsx/.docx saved with a password
        stream = "Workbook" if ole.exists("Workbook") else "Book" if ole.exists("Book") else None
        if stream is not None:
            if _biff_has_filepass(ole, stream):
                raise _reject(path, "file-encrypted")
            return "xls"
        if ole.exists("WordDocument"):
            raise _not_spreadsheet(path, "docx")
        if ole.exists("PowerPoint Document"):
            raise _not_spreadsheet(path, "pptx")
        raise _not_spreadsheet(path, "unknown")
    finally:
        ole.close()


def _biff_has_filepass(ole: olefile.OleFileIO, stream: str) -> bool:
    """True when the workbook globals carry a FILEPASS record (RC4 or XOR password).

    Calamine reports RC4 as a password error but XOR-obfuscated files as a codepage error,
    so the record is looked for here. It sits right after the first BOF, in the clear; only
    the first 64 KB of the stream are scanned. A damaged stream is left to the reader.
    """
    try:
        data = ole.openstream(stream).read(HEAD_BYTES)
    except Exception:  # noqa: BLE001 - a damaged stream: calamine will say what is wrong
        return False
    offset = 0
    while offset + 4 <= len(data):
        record, length = struct.unpack_from("<HH", data, offset)
        if record == _FILEPASS:
            return True
        if record == _BIFF_EOF:
            return False
        offset += 4 + length
    return False


# ------------------------------------------------------------------ zip: xlsx, xlsm, xlsb, ods

_Corrupt = PartError     # a zip part whose bytes do not match its header; carries the reason shown to people


def _detect_zip(path: Path, handle: BinaryIO, size: int, limits: Limits) -> str:
    """Kind of an Office zip package, after checking it cannot blow up in a reader's hands."""
    declared = _declared_part_count(handle, size)
    if declared is not None and declared > limits.max_parts:
        raise _reject(path, "file-too-many-parts", count=declared, limit=limits.max_parts)
    handle.seek(0)
    try:
        archive = zipfile.ZipFile(handle)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, NotImplementedError) as exc:
        raise _corrupt(path, exc) from exc
    with archive:
        parts = [info for info in archive.infolist() if not info.is_dir()]
        _check_declared(path, parts, limits)
        try:
            kind = _zip_kind(path, handle, parts)
            _stream_parts(path, handle, parts, limits)
        except _Corrupt as exc:
            raise _corrupt(path, exc) from exc
    return kind


def _declared_part_count(handle: BinaryIO, size: int) -> int | None:
    """Entry count from the end-of-central-directory record, read before zipfile builds one
    object per entry (a 100 MB central directory would cost gigabytes). None for zip64."""
    tail_size = min(size, 22 + 65535)
    handle.seek(size - tail_size)
    tail = handle.read(tail_size)
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or at + 22 > len(tail):
        return None
    total = struct.unpack_from("<H", tail, at + 10)[0]
    return None if total == 0xFFFF else total


def _check_declared(path: Path, parts: list[zipfile.ZipInfo], limits: Limits) -> None:
    """Limits judged from the central directory alone: cheap, and enough for honest files."""
    if len(parts) > limits.max_parts:
        raise _reject(path, "file-too-many-parts", count=len(parts), limit=limits.max_parts)
    for info in parts:   # before the total: a bomb is better named a bomb than "too large"
        if info.file_size > RATIO_FLOOR and info.file_size > limits.max_ratio * max(info.compress_size, 1):
            raise _reject(path, "file-ratio", ratio=info.file_size // max(info.compress_size, 1),
                          limit=limits.max_ratio)
    total = sum(info.file_size for info in parts)
    if total > limits.max_unzipped_mb * MB:
        raise _reject(path, "file-too-large", size=_size(total), limit=f"{limits.max_unzipped_mb} MB")
    if any(info.flag_bits & 0x1 for info in parts):
        raise _reject(path, "file-encrypted")   # zip-level password


def _zip_kind(path: Path, handle: BinaryIO, parts: list[zipfile.ZipInfo]) -> str:
    """xlsx / xlsb / ods, or a FileRejected saying what else the package is."""
    by_name = {info.filename.replace("\\", "/"): info for info in parts}   # some writers use Windows paths
    if "mimetype" in by_name:
        return _odf_kind(path, handle, by_name)
    if "xl/workbook.bin" in by_name:
        return "xlsb"
    if "xl/workbook.xml" in by_name:
        return "xlsx"
    if any(name.startswith("word/") for name in by_name):
        raise _not_spreadsheet(path, "docx")
    if any(name.startswith("ppt/") for name in by_name):
        raise _not_spreadsheet(path, "pptx")
    if any(name.endswith("Index.zip") or name.startswith("Index/") or name.endswith(".iwa") for name in by_name):
        raise _reject(path, "file-unsupported", what=_what("numbers"))
    target = _office_document(handle, by_name)
    if target is not None:
        name = target.rsplit("/", 1)[-1].lower()
        if name.endswith(".bin"):
            return "xlsb"
        if name.startswith("workbook"):
            return "xlsx"
        if name.startswith("document"):
            raise _not_spreadsheet(path, "docx")
        if name.startswith("presentation"):
            raise _not_spreadsheet(path, "pptx")
    raise _not_spreadsheet(path, "zip")


def _odf_kind(path: Path, handle: BinaryIO, by_name: dict[str, zipfile.ZipInfo]) -> str:
    mimetype = _read_small(handle, by_name["mimetype"]).strip()
    if not mimetype.startswith(b"application/vnd.oasis.opendocument.spreadsheet"):
        raise _not_spreadsheet(path, "unknown")
    manifest = by_name.get("META-INF/manifest.xml")
    if manifest is not None and b"encryption-data" in _read_small(handle, manifest):
        raise _reject(path, "file-encrypted")
    return "ods"


def _office_document(handle: BinaryIO, by_name: dict[str, zipfile.ZipInfo]) -> str | None:
    """Target of the package's officeDocument relationship (workbooks kept in odd folders)."""
    rels = by_name.get("_rels/.rels")
    if rels is None:
        return None
    data = _read_small(handle, rels)
    if _has_entities(data):
        return None
    try:
        root = SafeET.fromstring(data)
    except Exception:  # noqa: BLE001 - defusedxml and expat raise several kinds; unreadable means "no target"
        return None
    for rel in root:
        if str(rel.get("Type", "")).endswith("/officeDocument"):
            return str(rel.get("Target", "")).lstrip("/")
    return None


def _read_small(handle: BinaryIO, info: zipfile.ZipInfo) -> bytes:
    """A small part, whole, but never more than SMALL_PART_CAP bytes whatever its header says."""
    out = bytearray()
    for chunk in part_chunks(handle, info):
        out += chunk
        if len(out) > SMALL_PART_CAP:
            break
    return bytes(out[:SMALL_PART_CAP])


def _stream_parts(path: Path, handle: BinaryIO, parts: list[zipfile.ZipInfo], limits: Limits) -> None:
    """Decompress every part a reader parses, counting real bytes against the limits, checking
    CRCs, and looking for DOCTYPE / ENTITY declarations in the XML."""
    cap = limits.max_unzipped_mb * MB
    total = 0
    for info in parts:
        # every part is inflated and counted, whatever it is called: a reader follows the
        # package's relationships, not the names, so a worksheet may be called anything
        is_xml = None            # decided on the part's first bytes, not its name
        count = 0
        tail = b""
        wide = None
        for chunk in part_chunks(handle, info):
            count += len(chunk)
            total += len(chunk)
            if total > cap:
                raise _reject(path, "file-too-large", size=f"> {limits.max_unzipped_mb} MB",
                              limit=f"{limits.max_unzipped_mb} MB")
            if count > RATIO_FLOOR and count > limits.max_ratio * max(info.compress_size, 1):
                raise _reject(path, "file-ratio", ratio=count // max(info.compress_size, 1),
                              limit=limits.max_ratio)
            if is_xml is None:
                is_xml = _looks_xml(chunk)
            if is_xml:
                if wide is None:
                    wide = _is_utf16(chunk)
                scanned = tail + (chunk.replace(b"\x00", b"") if wide else chunk)
                if _has_entities(scanned):
                    raise _reject(path, "file-xml-entities")
                tail = scanned[-16:]


def _looks_xml(first: bytes) -> bool:
    """True when a part's first bytes look like XML text (any name, any UTF encoding)."""
    head = first[:64].lstrip(b"\xef\xbb\xbf \t\r\n").replace(b"\x00", b"").lstrip(b"\xff\xfe \t\r\n")
    return head.startswith(b"<")


def _is_utf16(first: bytes) -> bool:
    return first.startswith((b"\xff\xfe", b"\xfe\xff")) or first[:2] in (b"<\x00", b"\x00<")


def _has_entities(data: bytes) -> bool:
    # both markers hold "!", which most parts never do: one memchr (2 µs on a 200 KB sheet)
    # before the two searches (140 µs)
    return b"!" in data and any(marker in data for marker in _ENTITY_MARKERS)


# ------------------------------------------------------------------ everything else: text or unknown

def _detect_text(path: Path, head: bytes, complete: bool) -> str:
    """csv when the bytes are delimited text in UTF-8 or GB18030; otherwise say what it is."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _reject(path, "file-unsupported", what=_what("text_utf16"))
    text = _decode(head, complete)
    if text is None or _looks_binary(text):
        raise _not_spreadsheet(path, "unknown")
    start = text.lstrip("\ufeff \t\r\n").lower()
    if start.startswith(("<html", "<!doctype html")) or ("<html" in start[:2048] and start.startswith("<")):
        raise _reject(path, "file-unsupported", what=_what("html"))
    if start.startswith("<?xml") and "urn:schemas-microsoft-com:office:spreadsheet" in start[:8192]:
        raise _reject(path, "file-unsupported", what=_what("xml2003"))
    if path.suffix.lower() == ".csv" and start:
        return "csv"
    if _looks_delimited(text):
        return "csv"
    raise _not_spreadsheet(path, "text")


def _decode(head: bytes, complete: bool) -> str | None:
    """The text of `head` in the encodings the CSV reader accepts; None when it is neither.
    A multi-byte character cut at the end of the sample is not held against the file."""
    for encoding in ("utf-8-sig", "gb18030"):
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            return decoder.decode(head, final=complete)
        except UnicodeDecodeError:
            continue
    return None


def _looks_binary(text: str) -> bool:
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\r\n\f")
    return controls > max(2, len(text) // 1000)


def _looks_delimited(text: str) -> bool:
    """The first line holds a delimiter, and so do most of the lines after it."""
    lines = [line for line in text.splitlines()[:50] if line.strip()]
    if not lines:
        return False
    for delimiter in _DELIMITERS:
        if delimiter in lines[0]:
            with_it = sum(1 for line in lines if delimiter in line)
            if with_it * 2 >= len(lines):
                return True
    return False
