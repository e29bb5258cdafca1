"""Rows read column-wise stay in RecordBlocks until someone asks for Records: a run that only
validates makes a Record only for the rows a finding names, and the Records made later are the
same objects, carrying the marks validation put on them."""
from __future__ import annotations

from conftest import AS_OF, REPO
from toolkit.config import Settings
from toolkit.model import Record, RecordBlock, SheetTable, Source
from toolkit.pipeline import read_inputs
from toolkit.validate import validate_batch


def _block(rows: int = 4) -> RecordBlock:
    keys = ("id", "title", "department")
    return RecordBlock("tasks", Source("a.xlsx", "Tasks", 0, "/in/a.xlsx"), dict.fromkeys(("id", "title", "owner",
                       "department")), keys, [[f"T-{j}" for j in range(rows)], [f"task {j}" for j in range(rows)],
                       ["Ops"] * rows], list(range(2, 2 + rows)), {1: {"title": " task 1"}},
                       {"id": "A", "title": "B"}, "Ops")


def test_a_row_made_early_is_the_record_made_later():
    block = _block()
    early = block.record(2)
    block.mark(2, "id")
    block.mark(0, "title")
    block.mark(0, None)
    assert early.has_error and early.issues == ["id"] and block.marks == {0: ["title"]}
    assert block.column("id") == ["T-0", "T-1", "T-2", "T-3"]
    records = block.records()
    assert records[2] is early
    assert records[0].has_error and records[0].issues == ["title"] and not records[1].has_error
    assert [r.source.row for r in records] == [2, 3, 4, 5]
    assert records[1].raw == {"title": " task 1"} and records[0].raw == {}
    assert records[0].values == {"id": "T-0", "title": "task 0", "owner": None, "department": "Ops"}
    assert records[0].cell("title") == "B2" and records[0].source.path == "/in/a.xlsx"


def test_a_record_changed_is_what_the_column_reads():
    block = _block()
    block.record(3).values["title"] = "renamed"
    assert block.column("title")[3] == "renamed"
    assert block.column("owner") == [None] * 4
    assert block.raw(1) == {"title": " task 1"} and block.raw(0) == {}


def test_a_table_of_blocks_and_records_in_sheet_order():
    table = SheetTable("tasks", "a.xlsx", "Tasks", "/in/a.xlsx", 1, {"id": "A"}, {}, [])
    loose = Record("tasks", Source("a.xlsx", "Tasks", 9, "/in/a.xlsx"), {"id": "T-9"})
    table.add(_block())
    table.add([])
    table.add([loose])
    assert table.row_count() == 5 and table.any_raw("title") and not table.any_raw("owner")
    records = table.records
    assert [r.values["id"] for r in records] == ["T-0", "T-1", "T-2", "T-3", "T-9"]
    assert table.records is records and records[-1] is loose


def test_validating_makes_no_records_and_keeps_its_marks():
    """Findings on rows in blocks are made from the columns; the rows an error names are marked
    in the block, and carry the mark as Records (only a duplicate ID's group is made Records,
    to name the other places)."""
    batch = read_inputs([REPO / "workbooks" / "sample"], Settings())
    blocks = [p for wb in batch.workbooks for t in wb.tables for p in t.parts if isinstance(p, RecordBlock)]
    before = [set(block.made) for block in blocks]
    findings = validate_batch(batch, AS_OF, 8, 40)
    duplicated = {(f.file, f.sheet, f.row) for f in findings if f.code == "duplicate-id"}
    for block, earlier in zip(blocks, before):
        for j in set(block.made) - earlier:
            assert (block.source.file, block.source.sheet, block.numbers[j]) in duplicated
    errors = {(f.file, f.sheet, f.row) for f in findings if f.is_error and f.row}
    marked = [(block, j) for block in blocks for j in block.marks]
    assert marked, "the sample company has errors on rows read column-wise"
    for block, j in marked:
        assert (block.source.file, block.source.sheet, block.numbers[j]) in errors
        issues = list(block.marks[j])
        record = block.records()[j]
        assert record.has_error and record.issues == issues


def test_records_made_in_the_reader_keep_the_columns_for_validation():
    """A consolidation makes every Record while reading (`make_records`); validation still reads
    the blocks' columns, and its marks land on those Records; then the columns are released."""
    batch = read_inputs([REPO / "workbooks" / "sample"], Settings(), make_records=True)
    tables = [t for wb in batch.workbooks for t in wb.tables]
    kept = [p for t in tables for p in t.kept_parts if isinstance(p, RecordBlock)]
    assert kept and all(p.columns for p in kept)
    for table in tables:
        assert len(table.parts) == 1 and isinstance(table.parts[0], list)
        made = [r for p in table.column_parts() for r in (p.records(keep_columns=True)
                                                          if isinstance(p, RecordBlock) else p)]
        assert all(a is b for a, b in zip(made, table.records)) and len(made) == len(table.records)
    findings = validate_batch(batch, AS_OF, 8, 40)
    errors = {(f.file, f.sheet, f.row) for f in findings if f.is_error and f.row}
    marked = {(r.source.file, r.source.sheet, r.source.row) for t in tables for r in t.records if r.has_error}
    assert errors and errors <= marked
    batch.release_columns()
    assert all(not p.columns for p in kept) and all(not t.kept_parts for t in tables)
    assert kept[0].column("id") == [r.values.get("id") for r in kept[0].records()]
