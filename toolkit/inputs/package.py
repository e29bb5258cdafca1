"""What an Office package says about itself, read once before the cells: the 1904 date system,
macros (VBA, Excel 4 macro sheets), links to other workbooks.

Excel 4 macro sheets make the fast reader refuse the whole workbook; `without_macro_sheets`
gives the package's bytes with those sheets left out of the workbook's sheet list, so the
other sheets can be read (nothing is ever run: the toolkit only reads values).
Any problem here gives an empty answer: the reader reports real damage itself.
"""
from __future__ import annotations

import io
import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import olefile

from .formulas import _local, _names, _parse, _relationships, _workbook_part

# the toolkit's own Excel buttons (workbooks/vba/*.bas): a workbook whose only code is these is
# not reported as holding macros (it was made by `toolkit init` / the templates, and nothing is run)
TOOLKIT_MODULES = frozenset({"ControlPanel", "DepartmentTracker", "XlwingsBridge"})
_DOCUMENT_MODULE = re.compile(r"^(ThisWorkbook|Sheet\d+|dir|_VBA_PROJECT|__SRP_\d+)$")
_DATE1904 = re.compile(rb"date1904\s*=\s*[\"'](?:1|true)[\"']")
_MACRO_SHEET_TYPES = ("/xlMacrosheet", "/xlIntlMacrosheet")


@dataclass(frozen=True)
class PackageInfo:
    date1904: bool = False
    vba: bool = False
    macro_sheets: tuple[str, ...] = ()            # Excel 4 macro sheets, by name
    macro_sheet_ids: tuple[str, ...] = field(default=(), repr=False)   # their r:id in workbook.xml
    external_links: tuple[str, ...] = ()          # file names of other workbooks referred to
    # sheets sharing a name (possible in files other tools write): {r:id: unique alias}, and
    # {alias: the name as written}; the fast reader can only tell sheets apart by name
    aliases: dict[str, str] = field(default_factory=dict, repr=False)
    shown_names: dict[str, str] = field(default_factory=dict, repr=False)

    @property
    def needs_repair(self) -> bool:
        return bool(self.macro_sheet_ids or self.aliases)


def package_info(path: Path, fmt: str) -> PackageInfo:
    """What the package says about itself; a blank PackageInfo when it cannot say."""
    try:
        if fmt == "xls":
            return _ole_info(path)
        if fmt in ("xlsx", "xlsb"):
            return _zip_info(path)
    except Exception:  # noqa: BLE001 - the edge: a nicety must never make a readable file unreadable
        pass
    return PackageInfo()


def _ole_info(path: Path) -> PackageInfo:
    with olefile.OleFileIO(str(path)) as ole:
        vba = ole.exists("_VBA_PROJECT_CUR")
    return PackageInfo(vba=vba)


def _zip_info(path: Path) -> PackageInfo:
    with zipfile.ZipFile(path) as archive:
        names = _names(archive)
        vba_parts = [name for name in names if name.lower().endswith("vbaproject.bin")]
        vba = bool(vba_parts) and not all(_toolkit_vba(archive.read(names[n])) for n in vba_parts)
        workbook = _workbook_part(archive, names)
        if workbook not in names:
            return PackageInfo(vba=vba)
        targets = _relationships(archive, names, workbook)
        data = archive.read(names[workbook])
        date1904 = bool(_DATE1904.search(data[:20000]))
        macro_names: list[str] = []
        macro_ids: list[str] = []
        aliases: dict[str, str] = {}
        shown: dict[str, str] = {}
        if workbook.endswith(".xml"):
            sheets = [e for e in _parse(data).iter() if _local(e.tag) == "sheet"]
            taken = {str(e.get("name", "")).casefold() for e in sheets}
            seen: set[str] = set()
            for element in sheets:
                rel_id = next((v for k, v in element.attrib.items() if _local(k) == "id"), "")
                _, kind = targets.get(rel_id, ("", ""))
                name = str(element.get("name", ""))
                if kind.endswith(_MACRO_SHEET_TYPES):
                    macro_names.append(name)
                    macro_ids.append(rel_id)
                    continue
                if name.casefold() in seen:
                    n = 2
                    while f"{name} ({n})".casefold() in taken:
                        n += 1
                    alias = f"{name} ({n})"
                    taken.add(alias.casefold())
                    aliases[rel_id] = alias
                    shown[alias] = name
                seen.add(name.casefold())
        external = _external_targets(archive, names)
    return PackageInfo(date1904, vba, tuple(macro_names), tuple(macro_ids), external, aliases, shown)


def _toolkit_vba(data: bytes) -> bool:
    """True when a VBA project holds only the toolkit's own modules (and document modules)."""
    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            modules = {entry[1] for entry in ole.listdir() if len(entry) == 2 and entry[0] == "VBA"}
    except Exception:  # noqa: BLE001 - an unreadable project is reported as macros
        return False
    own = modules & TOOLKIT_MODULES
    return bool(own) and all(m in TOOLKIT_MODULES or _DOCUMENT_MODULE.match(m) for m in modules)


def _external_targets(archive: zipfile.ZipFile, names: dict[str, str]) -> tuple[str, ...]:
    found: list[str] = []
    for name in names:
        folder, base = posixpath.split(name)
        if not (folder.endswith("externalLinks/_rels") and base.endswith(".rels")):
            continue
        for rel in _parse(archive.read(names[name])):
            target = rel.get("Target", "")
            if rel.get("TargetMode") == "External" and target:
                shown = target.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1] or target
                if shown not in found:
                    found.append(shown[:80])
    return tuple(found)


def without_macro_sheets(path: Path, info: PackageInfo) -> io.BytesIO:
    """The package's bytes with its Excel 4 macro sheets left out of the workbook's sheet list
    and sheets of a repeated name given their alias (`info.aliases`)."""
    ids = set(info.macro_sheet_ids)
    out = io.BytesIO()
    with zipfile.ZipFile(path) as archive, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as copy:
        workbook = _workbook_part(archive, _names(archive))
        for item in archive.infolist():
            data = archive.read(item)
            if item.filename.replace("\\", "/").lstrip("/") == workbook:
                data = _drop_sheets(data, ids, info.aliases)
            copy.writestr(item, data)
    out.seek(0)
    return out


def _drop_sheets(data: bytes, ids: set[str], aliases: dict[str, str]) -> bytes:
    def keep(match: re.Match[bytes]) -> bytes:
        found = re.search(rb"\bid\s*=\s*[\"']([^\"']*)[\"']", match.group(0))
        rel_id = found.group(1).decode("utf-8", "replace") if found else ""
        if rel_id in ids:
            return b""
        if rel_id in aliases:
            alias = aliases[rel_id].replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").encode()
            return re.sub(rb"\bname\s*=\s*(\"[^\"]*\"|'[^']*')", lambda _: b'name="' + alias + b'"',
                          match.group(0), count=1)
        return match.group(0)
    return re.sub(rb"<(?:[A-Za-z_][\w.-]*:)?sheet\b[^>]*?/>", keep, data)
