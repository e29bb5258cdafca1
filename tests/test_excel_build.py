"""The macro-enabled workbooks: VBA built from workbooks/vba/*.bas, checked by independent readers.

oletools (olevba) and olefile read what our MS-OVBA builder and CFB writer wrote; the buttons
are read from the workbook's VML; openpyxl and LibreOffice open the files. A VBA project
written by Excel itself (xlwings' quickstart.xlsm, read from the installed xlwings package at
test time, not committed) is the reference for the dir stream's layout and the PROJECT
stream's encrypted fields.
"""
from __future__ import annotations

import ast
import importlib
import inspect
import io
import os
import re
import shutil
import struct
import subprocess
import warnings
import zipfile
from pathlib import Path

import olefile
import openpyxl
import pytest
import xlwings
from conftest import REPO, workbook_content

from toolkit.i18n import text_in

text = text_in("excel")
from toolkit.outputs import excel_build
from toolkit.outputs.cfb import BLACK, NOSTREAM, RED, sort_key, write_cfb
from toolkit.outputs.vba_project import (
    Module,
    VbaSourceError,
    build_vba_project,
    compress,
    decompress,
    decrypt,
    dir_stream,
    document_modules,
    encrypt,
    read_bas,
)

VBA = REPO / "workbooks" / "vba"
COMMITTED = REPO / "workbooks" / "excel"
WORKBOOKS = {
    "control_panel_en.xlsm": ("ControlPanel", "XlwingsBridge"),
    "control_panel_zh.xlsm": ("ControlPanel", "XlwingsBridge"),
    "department_tracker_en.xlsm": ("DepartmentTracker", "XlwingsBridge"),
    "department_tracker_zh.xlsm": ("DepartmentTracker", "XlwingsBridge"),
}
BUTTONS = {
    "control_panel": {"ValidateAll": "validate_all", "ConsolidateNow": "consolidate_now",
                      "WeeklyReport": "weekly_report", "OpenMaster": "open_master"},
    "department_tracker": {"ValidateThisWorkbook": "validate_this_workbook"},
}
with warnings.catch_warnings():            # oletools uses names a newer pyparsing deprecates
    warnings.simplefilter("ignore", DeprecationWarning)
    from oletools.olevba import VBA_Parser, decompress_stream
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

EXCEL_MADE = Path(xlwings.__file__).parent / "quickstart.xlsm"   # a VBA project saved by Excel


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("excel")
    excel_build.build_all(out)
    return out


def _vba_bin(path: Path) -> bytes:
    with zipfile.ZipFile(path) as zf:
        return zf.read("xl/vbaProject.bin")


def _olevba_modules(path: Path) -> dict[str, str]:
    parser = VBA_Parser(str(path))
    try:
        assert parser.detect_vba_macros()
        return {Path(name).stem: code for _, _, name, code in parser.extract_macros()}
    finally:
        parser.close()


def _bas(name: str) -> str:
    return read_bas(VBA / f"{name}.bas").code


# ---------------------------------------------------------------- VBA source round trip

@pytest.mark.parametrize("name", WORKBOOKS)
def test_olevba_reads_back_exactly_our_source(built, name):
    modules = _olevba_modules(built / name)
    ours = WORKBOOKS[name]
    for module in ours:
        assert modules[module].replace("\r\n", "\n") == _bas(module).replace("\r\n", "\n")
    documents = {m: code for m, code in modules.items() if m not in ours}
    sheets = len(openpyxl.load_workbook(built / name, read_only=True, keep_vba=True).sheetnames)
    assert sorted(documents) == sorted(["ThisWorkbook"] + [f"Sheet{n}" for n in range(1, sheets + 1)])
    assert all("Sub " not in code for code in documents.values())


@pytest.mark.parametrize("name", WORKBOOKS)
def test_every_button_calls_a_sub_of_our_source(built, name):
    with zipfile.ZipFile(built / name) as zf:
        vml = "".join(zf.read(n).decode("utf-8") for n in zf.namelist() if n.endswith(".vml"))
    macros = re.findall(r"<x:FmlaMacro>\[0\]!(\w+)</x:FmlaMacro>", vml)
    kind = name.rsplit("_", 1)[0]
    assert macros == list(BUTTONS[kind])
    subs = set()
    for module in WORKBOOKS[name]:
        subs |= set(re.findall(r"^Public Sub (\w+)\(\)", _bas(module), re.MULTILINE))
    assert set(macros) <= subs
    lang = name[-7:-5]
    for job in BUTTONS[kind].values():
        assert f">{text(f'button.{job}', lang)}</font>" in vml


def _run_python_commands() -> dict[str, str]:
    found = {}
    for bas in VBA.glob("*.bas"):
        source = bas.read_text(encoding="utf-8")
        for sub, command in re.findall(r'Public Sub (\w+)\(\)\s+RunPython "([^"]+)"\s+End Sub', source):
            found[sub] = command
    return found


def test_every_runpython_command_imports_and_names_an_entry_point():
    commands = _run_python_commands()
    assert set(commands) == {sub for subs in BUTTONS.values() for sub in subs}
    for sub, command in commands.items():
        tree = ast.parse(command)
        imported, call = tree.body
        assert isinstance(imported, ast.Import) and isinstance(call, ast.Expr)
        module = importlib.import_module(imported.names[0].name)
        target = call.value
        assert isinstance(target, ast.Call) and not target.args and not target.keywords
        assert ast.unparse(target.func.value) == imported.names[0].name
        function = getattr(module, target.func.attr)
        inspect.signature(function).bind()          # callable with no arguments, as RunPython calls it
        assert target.func.attr == {s: j for b in BUTTONS.values() for s, j in b.items()}[sub]


def test_vba_messages_match_the_catalogue():
    source = (VBA / "XlwingsBridge.bas").read_text(encoding="utf-8")
    english = re.search(r'ADDIN_MISSING_EN As String = "([^"]+)"', source)[1]
    chinese = re.search(r'ADDIN_MISSING_ZH As String = "([0-9A-F]+)"', source)[1]
    assert english == text("vba.addin_missing", "en")
    assert bytes.fromhex(chinese).decode("utf-16-be") == text("vba.addin_missing", "zh")


def test_vba_sources_are_plain_ascii_and_other_text_is_refused():
    for bas in VBA.glob("*.bas"):
        assert bas.read_text(encoding="utf-8").isascii(), bas.name
    with pytest.raises(VbaSourceError, match="ChrW"):
        build_vba_project([Module("M", 'Attribute VB_Name = "M"\nSub A()\n MsgBox "校验"\nEnd Sub\n')])


# ---------------------------------------------------------------- the workbooks themselves

def test_build_is_reproducible(built, tmp_path):
    again = tmp_path / "again"
    excel_build.build_all(again)
    for name in WORKBOOKS:
        assert _vba_bin(built / name) == _vba_bin(again / name), name
        # XlsxWriter stamps every zip member with one fixed date, and the created date is fixed
        assert (built / name).read_bytes() == (again / name).read_bytes(), name


@pytest.mark.parametrize("name", WORKBOOKS)
def test_committed_workbooks_are_what_the_sources_build(built, name):
    assert _vba_bin(COMMITTED / name) == _vba_bin(built / name), "run: make excel"
    assert workbook_content(COMMITTED / name) == workbook_content(built / name), "run: make excel"


@pytest.mark.parametrize("name", WORKBOOKS)
def test_opens_in_openpyxl_with_its_names(built, name, tmp_path):
    book = openpyxl.load_workbook(built / name, keep_vba=True)
    lang = name[-7:-5]
    assert book.defined_names["ToolkitLanguage"].attr_text == f'"{lang}"'
    if name.startswith("control_panel"):
        sheet = book[text("panel.sheet", lang)]
        for row, job in enumerate(BUTTONS["control_panel"].values(), start=10):
            ref = book.defined_names[f"ToolkitStatus_{job}"].attr_text
            assert ref == f"'{sheet.title}'!$B${row}:$D${row}"
            assert sheet[f"A{row}"].value == text(f"button.{job}", lang)
            assert sheet[f"C{row}"].value == text("status.never", lang)
    book.save(tmp_path / name)                     # keep_vba: the project survives a round trip
    assert _vba_bin(tmp_path / name) == _vba_bin(built / name)


@pytest.mark.client
def test_libreoffice_converts_every_workbook_to_pdf(built, tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice (soffice) is required in CI")
        pytest.skip("LibreOffice (soffice) is not installed")
    files = [str(built / name) for name in WORKBOOKS]
    done = subprocess.run([soffice, f"-env:UserInstallation=file://{tmp_path}/profile", "--headless",
                           "--convert-to", "pdf", "--outdir", str(tmp_path), *files],
                          capture_output=True, timeout=240, check=False)
    assert done.returncode == 0, done.stderr
    for name in WORKBOOKS:
        pdf = tmp_path / name.replace(".xlsm", ".pdf")
        assert pdf.read_bytes()[:5] == b"%PDF-", name
        if shutil.which("pdftotext") and name.startswith("control_panel"):
            words = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, timeout=60,
                                   check=True).stdout.decode()
            assert text("status.title", name[-7:-5]) in words


# ---------------------------------------------------------------- the builder against Excel's own files

def _records(stream: bytes) -> list[tuple[int, bytes]]:
    records, pos = [], 0
    while pos < len(stream):
        rid, size = struct.unpack("<HI", stream[pos:pos + 6])
        size = 6 if rid == 0x0009 else size      # PROJECTVERSION: its size field is 4, its data 6 bytes
        records.append((rid, stream[pos + 6:pos + 6 + size]))
        pos += 6 + size
    return records


REFERENCE_IDS = {0x0016, 0x003E, 0x0033, 0x002F, 0x0030, 0x000D, 0x000E}


def _excel_project() -> olefile.OleFileIO:
    if not EXCEL_MADE.is_file():
        pytest.skip("this xlwings release ships no quickstart.xlsm")
    with zipfile.ZipFile(EXCEL_MADE) as zf:
        return olefile.OleFileIO(io.BytesIO(zf.read("xl/vbaProject.bin")))


def test_dir_stream_has_the_layout_excel_writes():
    excel_made = _excel_project()
    theirs = _records(decompress(excel_made.openstream("VBA/dir").read()))
    names = [r[1].decode("cp1252") for r in theirs if r[0] == 0x0019]
    kinds = {r[1].decode("cp1252"): None for r in theirs if r[0] == 0x0019}
    current = None
    for rid, data in theirs:
        if rid == 0x0019:
            current = data.decode("cp1252")
        if rid in (0x0021, 0x0022):
            kinds[current] = rid == 0x0022
    modules = [Module(n, f'Attribute VB_Name = "{n}"\n', document=kinds[n]) for n in names]
    ours = _records(dir_stream(modules, "VBAProject", 1252))
    skip = REFERENCE_IDS | {0x004A}          # references differ by design; 0x4A is optional (compat version)
    assert [r[0] for r in ours if r[0] not in skip] == [r[0] for r in theirs if r[0] not in skip]
    assert len(names) >= 3 and any(kinds.values()) and not all(kinds.values())


def test_protection_fields_match_excels_encryption():
    project = _excel_project().openstream("PROJECT").read().decode("cp1252")
    fields = dict(re.findall(r'^(ID|CMG|DPB|GC)="([^"]*)"', project, re.MULTILINE))
    for key, plain in (("CMG", bytes(4)), ("DPB", bytes(1)), ("GC", b"\xff")):
        seed, ignored, data = decrypt(fields[key])
        if key == "DPB" and data != plain:
            continue                          # a project saved with a password: nothing to compare
        assert data == plain, key
        assert encrypt(fields["ID"], data, seed=seed, ignored=ignored) == fields[key], key


def test_our_project_stream_decrypts_to_unprotected_and_visible(built):
    ole = olefile.OleFileIO(io.BytesIO(_vba_bin(built / "control_panel_en.xlsm")))
    project = ole.openstream("PROJECT").read().decode("cp1252")
    fields = dict(re.findall(r'^(ID|CMG|DPB|GC)="([^"]*)"', project, re.MULTILINE))
    assert [decrypt(fields[k])[2] for k in ("CMG", "DPB", "GC")] == [bytes(4), bytes(1), b"\xff"]
    assert "Module=ControlPanel" in project and "Document=ThisWorkbook/&H00000000" in project
    assert ole.openstream("VBA/_VBA_PROJECT").read() == bytes.fromhex("CC61FFFF000000")   # version 0xFFFF, no cache


# ---------------------------------------------------------------- compression and the compound file

@pytest.mark.parametrize("data", [b"", b"a", b"abcabcabcabc" * 3, _bas("ControlPanel").encode() * 5,
                                  bytes(range(256)) * 40, os.urandom(9000)],
                         ids=["empty", "one", "repeat", "source", "spread", "random"])
def test_compression_round_trips_through_oletools(data):
    packed = compress(data)
    assert decompress(packed) == data
    assert bytes(decompress_stream(bytearray(packed))) == data


def test_compression_matches_the_specs_example_length():
    # [MS-OVBA] 3.2: the example text compresses to a 51-byte container with one compressed chunk
    example = b"#aaabcdefaaaaghijaaaaaklaaamnopqaaaaaaaaaaaarstuvwxyzaaa"
    packed = compress(example)
    assert len(packed) == 51 and packed[:3] == bytes.fromhex("012FB0")


def test_compound_file_reads_back_in_olefile():
    tree = {"PROJECT": b"p" * 10, "Big": os.urandom(5000),
            "VBA": {"dir": b"d" * 100, "Exactly4096": b"x" * 4096, "empty": b"", "Deep": {"leaf": b"y"}}}
    tree["VBA"].update({f"Module{n}": bytes([n]) * (60 * n) for n in range(1, 12)})
    ole = olefile.OleFileIO(io.BytesIO(write_cfb(tree)))

    def walk(node, prefix=()):
        for name, value in node.items():
            if isinstance(value, dict):
                yield from walk(value, prefix + (name,))
            else:
                yield "/".join(prefix + (name,)), value

    for path, value in walk(tree):
        assert ole.openstream(path).read() == value, path
    # every storage's siblings form a binary search tree by [MS-CFB] order, red-black coloured
    entries = ole.direntries
    for entry in entries:
        if entry is None or entry.sid_child == NOSTREAM:
            continue
        black_heights: set[int] = set()

        def check(sid, low, high, blacks, black_heights=black_heights):
            if sid == NOSTREAM:
                black_heights.add(blacks)
                return
            node = entries[sid]
            key = sort_key(node.name)
            assert (low is None or low < key) and (high is None or key < high)
            if node.color == RED:
                for child in (node.sid_left, node.sid_right):
                    assert child == NOSTREAM or entries[child].color == BLACK
            check(node.sid_left, low, key, blacks + (node.color == BLACK))
            check(node.sid_right, key, high, blacks + (node.color == BLACK))

        assert entries[entry.sid_child].color == BLACK
        check(entry.sid_child, None, None, 0)
        assert len(black_heights) == 1


def test_document_modules_follow_xlsxwriter_code_names():
    names = [m.name for m in document_modules(3)]
    assert names == ["ThisWorkbook", "Sheet1", "Sheet2", "Sheet3"]
    assert all(m.document for m in document_modules(3))
