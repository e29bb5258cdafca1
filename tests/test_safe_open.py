"""Safe open: files are judged by their bytes, hostile packages are refused before any reader sees
them, inputs are found in a stable order and never changed."""
from __future__ import annotations

import os
import struct
import zipfile

import pytest
import xlsxwriter

from toolkit.config import Limits
from toolkit.errors import FileRejected, InputError, Severity
from toolkit.inputs.safe_open import SPREADSHEET_SUFFIXES, detect_file, discover_inputs, is_ignored
from conftest import CORPUS, require_corpus, sha256, tree_hashes, write_workbook

LIMITS = Limits()


def rejected(path, limits=LIMITS):
    """The finding a file is refused with (fails the test when it is accepted)."""
    with pytest.raises(FileRejected) as caught:
        detect_file(path, limits)
    return caught.value.finding


def small_xlsx(path):
    return write_workbook(path, {"Tasks": [["Task ID", "Task"], ["T-1", "Write FAQ"]]})


def rezip(source, target, replace=None, extra=None):
    """Copy the zip `source` to `target`, replacing some parts' bytes and adding others."""
    replace = replace or {}
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            new.writestr(info.filename, replace.get(info.filename, old.read(info)))
        for name, data in (extra or {}).items():
            new.writestr(name, data)
    return target


def patch_uncompressed_size(data: bytes, name: str, size: int) -> bytes:
    """Make the local and central headers of `name` claim `size` uncompressed bytes (a lying zip)."""
    out = bytearray(data)
    encoded = name.encode()
    for signature, size_at, name_len_at, name_at in ((b"PK\x03\x04", 22, 26, 30), (b"PK\x01\x02", 24, 28, 46)):
        start = 0
        while (at := out.find(signature, start)) >= 0:
            length = struct.unpack_from("<H", out, at + name_len_at)[0]
            if out[at + name_at:at + name_at + length] == encoded:
                struct.pack_into("<I", out, at + size_at, size)
            start = at + 4
    return bytes(out)


# ------------------------------------------------------------------ real spreadsheets

def test_workbooks_are_recognised_by_content_not_name(tmp_path):
    plain = small_xlsx(tmp_path / "IT.xlsx")
    macro = small_xlsx(tmp_path / "macro.xlsm")
    renamed = small_xlsx(tmp_path / "renamed.dat")
    book = xlsxwriter.Workbook(str(tmp_path / "writer.xlsx"))
    book.add_worksheet("任务清单").write(0, 0, "任务编号")
    book.close()
    for path in (plain, macro, renamed, tmp_path / "writer.xlsx"):
        assert detect_file(path, LIMITS).format == "xlsx"


@pytest.mark.parametrize("name, data", [
    ("IT.xlsx", "Task ID,Task\nT-1,Write FAQ\n".encode("utf-8-sig")),          # a CSV wrongly named
    ("IT.txt", "任务编号;任务名称\nKF-01;培训\n".encode("gb18030")),             # semicolons, GB18030
    ("one.csv", "Task ID\nT-1\n".encode()),                                     # one column, named .csv
    ("tabs.xls", b"Task ID\tTask\nT-1\tWrite\n"),
])
def test_delimited_text_is_csv_whatever_its_name(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    assert detect_file(path, LIMITS).format == "csv"


ODS_MANIFEST = (b'<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:'
                b'opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="/" manifest:media-type='
                b'"application/vnd.oasis.opendocument.spreadsheet"/></manifest:manifest>')


def write_zip(path, parts: dict[str, bytes], method=zipfile.ZIP_DEFLATED):
    with zipfile.ZipFile(path, "w", method) as archive:
        for name, data in parts.items():
            archive.writestr(name, data, compress_type=zipfile.ZIP_STORED if name == "mimetype" else method)
    return path


def test_ods_and_xlsb_packages(tmp_path):
    ods = write_zip(tmp_path / "a.ods", {"mimetype": b"application/vnd.oasis.opendocument.spreadsheet",
                                         "content.xml": b"<office:document-content/>",
                                         "META-INF/manifest.xml": ODS_MANIFEST})
    xlsb = write_zip(tmp_path / "b.xlsx", {"[Content_Types].xml": b"<Types/>", "xl/workbook.bin": b"\x83\x01\x00"})
    assert detect_file(ods, LIMITS).format == "ods"
    assert detect_file(xlsb, LIMITS).format == "xlsb"


def test_workbook_in_an_odd_folder_is_found_through_the_package_relationships(tmp_path):
    rels = (b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
            b'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
            b'2006/relationships/officeDocument" Target="odd/workbook.xml"/></Relationships>')
    path = write_zip(tmp_path / "odd.xlsx", {"_rels/.rels": rels, "odd/workbook.xml": b"<workbook/>"})
    assert detect_file(path, LIMITS).format == "xlsx"


# ------------------------------------------------------------------ not spreadsheets

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + os.urandom(64)


@pytest.mark.parametrize("data, what_en, what_zh", [
    (PNG, "a PNG image", "PNG 图片"),
    (b"\xff\xd8\xff\xe0\x00\x10JFIF" + os.urandom(64), "a JPEG image", "JPEG 图片"),
    (b"GIF89a" + os.urandom(64), "a GIF image", "GIF 图片"),
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + os.urandom(64), "a PDF document", "PDF 文档"),
    (b"Attachment f:\\tracker.xls not found!\n", "a text file", "文本文件"),
    (b"\x7fELF\x02\x01\x01" + bytes(range(256)), "an unknown kind of file", "未知类型的文件"),
])
def test_other_files_say_what_they_are_in_both_languages(tmp_path, data, what_en, what_zh):
    path = tmp_path / "Tasks.xlsx"
    path.write_bytes(data)
    finding = rejected(path)
    assert (finding.code, finding.severity, finding.file, finding.path) == \
        ("file-not-spreadsheet", Severity.ERROR, "Tasks.xlsx", str(path))
    assert finding.message("en") == f"not a spreadsheet: {what_en} named .xlsx"
    assert what_zh in finding.message("zh") and ".xlsx" in finding.message("zh")


@pytest.mark.parametrize("data, what", [
    (b"<!DOCTYPE html>\n<html><body><table><tr><td>T-1</td></tr></table></body></html>", "an HTML page"),
    (b"\xef\xbb\xbf<html xmlns:o=\"urn:schemas-microsoft-com:office:office\"><table></table></html>", "an HTML page"),
    (b'<?xml version="1.0"?>\n<?mso-application progid="Excel.Sheet"?>\n<Workbook xmlns="urn:schemas-microsoft-'
     b'com:office:spreadsheet"><Worksheet/></Workbook>', "an Excel 2003 XML file"),
    (b"\x09\x04\x06\x00\x00\x00\x10\x00" + bytes(40), "an Excel 2.x–4.x file"),
    ("Task\tOwner\r\n".encode("utf-16"), "a UTF-16 (Unicode) text file"),
])
def test_spreadsheet_like_files_are_unsupported_with_a_way_out(tmp_path, data, what):
    path = tmp_path / "export.xls"
    path.write_bytes(data)
    finding = rejected(path)
    assert finding.code == "file-unsupported"
    assert finding.message("en") == f"{what} is not supported: save it as .xlsx"


def test_word_and_numbers_packages(tmp_path):
    docx = write_zip(tmp_path / "plan.xlsx", {"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w/>"})
    numbers = write_zip(tmp_path / "plan.numbers", {"Index/Document.iwa": b"\x00" * 10})
    plain = write_zip(tmp_path / "photos.xlsx", {"a.txt": b"hello"})
    assert (rejected(docx).code, rejected(docx).message()) == \
        ("file-not-spreadsheet", "not a spreadsheet: a Word document named .xlsx")
    assert rejected(numbers).code == "file-unsupported"
    assert rejected(plain).message() == "not a spreadsheet: a zip archive named .xlsx"


# ------------------------------------------------------------------ broken and hostile

def test_empty_file(tmp_path):
    path = tmp_path / "empty.xlsx"
    path.touch()
    assert rejected(path).code == "file-empty"


def test_file_too_large_on_disk(tmp_path):
    path = tmp_path / "big.csv"
    path.write_bytes(b"a,b\n" * (600 * 1024))          # 2.3 MB
    finding = rejected(path, Limits(max_file_mb=1))
    assert finding.code == "file-too-large" and finding.params == {"size": "2.3 MB", "limit": "1 MB"}


def test_truncated_zip_is_corrupt(tmp_path):
    whole = small_xlsx(tmp_path / "whole.xlsx").read_bytes()
    path = tmp_path / "cut.xlsx"
    path.write_bytes(whole[:len(whole) // 2])
    finding = rejected(path)
    assert finding.code == "file-corrupt" and finding.params["reason"]


def test_bad_crc_is_corrupt(tmp_path):
    source = write_zip(tmp_path / "src.xlsx", {"xl/workbook.xml": b"<workbook/>" * 50}, zipfile.ZIP_STORED)
    data = bytearray(source.read_bytes())
    at = data.find(b"<workbook/>") + 3
    data[at] ^= 0x20                                   # one flipped byte inside a stored part
    path = tmp_path / "flipped.xlsx"
    path.write_bytes(bytes(data))
    finding = rejected(path)
    assert finding.code == "file-corrupt" and "CRC" in finding.params["detail"]


def test_zip_bomb_is_refused_by_its_ratio(tmp_path):
    path = tmp_path / "bomb.xlsx"
    zeros = bytes(1024 * 1024)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", b"<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            for _ in range(200):
                part.write(zeros)
    assert path.stat().st_size < 1024 * 1024
    finding = rejected(path)
    assert finding.code == "file-ratio" and finding.params["limit"] == 250 and finding.params["ratio"] > 500


def test_declared_size_over_the_limit(tmp_path):
    path = write_zip(tmp_path / "large.xlsx", {"xl/workbook.xml": b"<workbook/>",
                                               "xl/media/image1.png": os.urandom(int(2.5 * 1024 * 1024))})
    finding = rejected(path, Limits(max_unzipped_mb=1))
    assert finding.code == "file-too-large" and finding.params == {"size": "2.5 MB", "limit": "1 MB"}


def test_too_many_parts(tmp_path):
    path = write_zip(tmp_path / "parts.xlsx", {f"xl/p{i}.xml": b"<p/>" for i in range(30)})
    finding = rejected(path, Limits(max_parts=20))
    assert finding.code == "file-too-many-parts" and finding.params == {"count": 30, "limit": 20}


def test_lying_size_headers_are_caught_while_streaming(tmp_path):
    text = os.urandom(1024 * 1024).hex().encode()      # 2 MB that compress about 2:1
    honest = write_zip(tmp_path / "honest.xlsx", {"xl/workbook.xml": b"<workbook/>",
                                                  "xl/worksheets/sheet1.xml": b"<sheetData>" + text})
    path = tmp_path / "liar.xlsx"
    path.write_bytes(patch_uncompressed_size(honest.read_bytes(), "xl/worksheets/sheet1.xml", 1000))
    with zipfile.ZipFile(path) as archive:
        assert sum(i.file_size for i in archive.infolist()) < 2000       # the headers claim almost nothing
    finding = rejected(path, Limits(max_unzipped_mb=1))
    assert finding.code == "file-too-large" and finding.params["size"] == "> 1 MB"
    assert rejected(path).code == "file-corrupt"      # within the cap, the lie itself is damage


@pytest.mark.parametrize("part, prefix", [
    ("xl/sharedStrings.xml", b'<?xml version="1.0"?>\n<!DOCTYPE sst [<!ENTITY a "aaaaaaaaaa">'
                             b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>\n'),
    ("xl/workbook.xml", b'<?xml version="1.0"?><!DOCTYPE workbook SYSTEM "http://example.com/x.dtd">'),
    ("xl/_rels/workbook.xml.rels", b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'),
])
def test_xml_entity_and_doctype_declarations_are_refused(tmp_path, part, prefix):
    source = small_xlsx(tmp_path / "src.xlsx")
    with zipfile.ZipFile(source) as archive:
        body = archive.read(part) if part in archive.namelist() else b"<sst/>"
    body = body.split(b"?>", 1)[-1] if body.startswith(b"<?xml") else body
    names = zipfile.ZipFile(source).namelist()
    path = rezip(source, tmp_path / "bomb.xlsx", replace={part: prefix + body},
                 extra={} if part in names else {part: prefix + body})
    assert rejected(path).code == "file-xml-entities"


def test_entities_hidden_in_utf16_or_deep_in_a_part_are_found(tmp_path):
    source = small_xlsx(tmp_path / "src.xlsx")
    utf16 = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE x [<!ENTITY a "b">]><x/>'.encode("utf-16")
    deep = b"<x>" + b" " * (3 * 1024 * 1024 + 17) + b"<!ENTITY a 'b'></x>"     # across chunk borders
    for name, data in (("utf16.xlsx", utf16), ("deep.xlsx", deep)):
        path = rezip(source, tmp_path / name, extra={"xl/extra.xml": data})
        assert rejected(path, Limits(max_ratio=100000)).code == "file-xml-entities", name


def test_encrypted_ooxml_is_recognised(tmp_path):
    msoffcrypto = pytest.importorskip("msoffcrypto")
    from msoffcrypto.format.ooxml import OOXMLFile

    source = small_xlsx(tmp_path / "plain.xlsx")
    path = tmp_path / "secret.xlsx"
    with open(source, "rb") as plain, open(path, "wb") as out:
        OOXMLFile(plain).encrypt("secret", out)
    assert msoffcrypto.OfficeFile(open(path, "rb")).is_encrypted()
    assert rejected(path).code == "file-encrypted"


@pytest.mark.parametrize("name", ["calamine__pass_protected.xlsx", "poi__password.xls",
                                  "poi__xor-encryption-abc.xls", "calamine__pass_protected.ods"])
def test_encrypted_files_of_the_corpus(name):
    path = CORPUS / "06_encrypted_protected" / name
    require_corpus()
    assert rejected(path).code == "file-encrypted"


def test_protected_sheets_are_not_encryption():
    path = CORPUS / "06_encrypted_protected" / "poi__sheetProtection_allLocked.xlsx"
    require_corpus()
    assert detect_file(path, LIMITS).format == "xlsx"


def test_detection_never_changes_the_file(tmp_path):
    small_xlsx(tmp_path / "a.xlsx")
    (tmp_path / "b.xlsx").write_bytes(PNG)
    (tmp_path / "c.csv").write_text("a,b\n1,2\n")
    (tmp_path / "d.xlsx").write_bytes(b"PK\x03\x04" + bytes(40))
    before = tree_hashes(tmp_path)
    for path in sorted(tmp_path.iterdir()):
        try:
            detect_file(path, LIMITS)
        except FileRejected:
            pass
    assert tree_hashes(tmp_path) == before


# ------------------------------------------------------------------ finding inputs

@pytest.mark.parametrize("name, ignored", [
    ("~$IT.xlsx", True), (".~lock.IT.xlsx#", True), ("~WRL0005.tmp", True), (".hidden.xlsx", True),
    ("IT.xlsx", False), ("客服部.xlsx", False), ("~notes.xlsx", False),
])
def test_lock_temp_and_hidden_files_are_ignored(tmp_path, name, ignored):
    assert is_ignored(tmp_path / name) is ignored


def test_folders_are_walked_recursively_sorted_and_filtered(tmp_path):
    root = tmp_path / "in"
    for rel in ["b.xlsx", "a/z.xls", "a/c.csv", "~$b.xlsx", ".~lock.b.xlsx#", "notes.docx", "readme.txt",
                ".git/x.xlsx", "a/.cache/y.xlsx", "UPPER.XLSX"]:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x")
    files, findings = discover_inputs([root])
    assert [p.relative_to(root).as_posix() for p in files] == ["UPPER.XLSX", "a/c.csv", "a/z.xls", "b.xlsx"]
    assert findings == []
    assert ".xlsx" in SPREADSHEET_SUFFIXES and ".csv" in SPREADSHEET_SUFFIXES


def test_an_input_folder_below_a_hidden_folder_is_still_read(tmp_path):
    root = tmp_path / ".local" / "inputs"
    small_xlsx(root / "IT.xlsx")
    files, _ = discover_inputs([root])
    assert [p.name for p in files] == ["IT.xlsx"]


def test_a_file_given_by_name_is_taken_whatever_its_suffix(tmp_path):
    odd = tmp_path / "export.dat"
    odd.write_bytes(b"x")
    lock = tmp_path / "~$IT.xlsx"
    lock.write_bytes(b"x")
    files, _ = discover_inputs([odd, lock, odd])
    assert files == [odd]


def test_links_outside_the_folder_are_not_followed(tmp_path):
    root = tmp_path / "in"
    outside = tmp_path / "secret"
    small_xlsx(root / "IT.xlsx")
    small_xlsx(outside / "payroll.xlsx")
    os.symlink(outside / "payroll.xlsx", root / "payroll.xlsx")
    os.symlink(outside, root / "more", target_is_directory=True)
    os.symlink(root / "IT.xlsx", root / "same.xlsx")              # inside: the same file, read once
    files, findings = discover_inputs([root])
    assert [p.name for p in files] == ["IT.xlsx"]
    assert sorted((f.code, f.severity, f.file) for f in findings) == [
        ("file-outside-folder", Severity.WARNING, "more"),
        ("file-outside-folder", Severity.WARNING, "payroll.xlsx")]


def test_a_missing_path_is_an_input_error_in_both_languages(tmp_path):
    with pytest.raises(InputError) as caught:
        discover_inputs([tmp_path / "nowhere"])
    assert "nowhere" in caught.value.message("en") and "不存在" in caught.value.message("zh")


# ------------------------------------------------------------------ the shared corpus

def test_every_corpus_file_is_detected_or_rejected_and_left_unchanged():
    require_corpus()
    # time and memory per file are checked in test_corpus.py, in a subprocess with limits
    files = sorted(p for p in CORPUS.rglob("*") if p.is_file() and p.parent != CORPUS)
    before = {p: sha256(p) for p in files}
    for path in files:
        try:
            detect_file(path, LIMITS)
        except FileRejected as rejected_file:
            assert rejected_file.finding.code.startswith("file-") and rejected_file.finding.message("zh")
    assert {p: sha256(p) for p in files} == before


@pytest.mark.parametrize("rel, expected", [
    ("05_other_formats/frictionless__bom_csv_mislabeled.xlsx", "csv"),
    ("05_other_formats/sheetjs__write.et", "xls"),
    ("05_other_formats/calamine__date.xlsb", "xlsb"),
    ("04_ods/poi__SampleSS.ods", "ods"),
    ("12_packaging/calamine__issue_530.xlsx", "xlsx"),          # backslashes in part names
    ("12_packaging/sheetjs__wtf_path.xlsx", "xlsx"),
    ("08_xml_bomb_xxe/poi__poc-xmlbomb.xlsx", "file-xml-entities"),
    ("05_other_formats/sheetjs__CRLFX5_2.XLS", "file-unsupported"),
    ("07_corrupt_truncated/openpyxl__null_file.xlsx", "file-empty"),
])
def test_corpus_files_are_what_they_are(rel, expected):
    require_corpus()
    try:
        got = detect_file(CORPUS / rel, LIMITS).format
    except FileRejected as rejected_file:
        got = rejected_file.finding.code
    assert got == expected
