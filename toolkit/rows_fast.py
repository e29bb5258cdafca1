"""The fast path of `rows.read_sheet`: a sheet's data rows typed column by column.

A well-kept sheet (no merged cells below the header, no Excel table bounds, no formula without
its value, rows of one width) is typed here; any other sheet takes the row-by-row loop in
`rows.read_sheet`, which stays the reference: `tests/test_rows_fast.py` checks that both give
the same records and findings on the sample company, the real trackers, the corpus and the
benchmark data.

Why it is faster: a column of one department holds a few hundred distinct values, so each
distinct value is typed once and the column is mapped through that table in C (`map`), and the
row rules (repeated header, totals, hidden, blank and stub rows) look at the few rows that can
match instead of running per row. Cells the quick converters do not take (`_SLOW`) go through
the same `_cell_value` as the row loop, in the same order, so the findings are the same.
"""
from __future__ import annotations

import operator
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

from . import coerce
from .errors import Finding, Severity
from .model import Record, RecordBlock, Source
# rows imports this module only inside read_sheet, so these names are there when it loads
from .rows import _SLOW, _TOTALS, MAX_TEXT, _cell_value, _is_totals, _not_blank, _plain

_TOTALS_LONGEST = max(map(len, _TOTALS))


def _picker(positions: Sequence[int]) -> Callable[[Sequence[Any]], tuple[Any, ...]]:
    if not positions:
        return lambda row: ()
    if len(positions) == 1:
        position = positions[0]
        return lambda row: (row[position],)
    return operator.itemgetter(*positions)


def _rows_matching(column: Sequence[Any], values: set[Any]) -> list[int]:
    return [j for j, value in enumerate(column) if value in values]


def read_rows_columnwise(reader: Any, data_rows: list[list[Any]], first_row: int, hidden_rows: frozenset[int],
                         header_names: dict[int, str]
                         ) -> tuple[list[Record] | RecordBlock, list[tuple[str, int]]] | None:
    """(the rows read, skipped rows) of `data_rows` (Excel row `first_row` onward), or None when
    the rows are not of one width (the row loop reads them). The rows read are a RecordBlock:
    Records are made of them when asked (`SheetTable.records`)."""

    count = len(data_rows)
    if count == 0:
        return [], []
    width = len(data_rows[0])
    if width < reader.width_needed or len(set(map(len, data_rows))) != 1:
        return None
    try:
        columns = list(zip(*data_rows))
        distinct = [set(column) for column in columns]
    except TypeError:          # an unhashable cell value: not from a reader we know
        return None

    # rows repeating the header, and rows that may be totals: found from the distinct values
    need = max(2, (len(header_names) + 1) // 2)
    header_hits: Counter[int] = Counter()
    for position, name in header_names.items():
        if position < width:
            same = {v for v in distinct[position] if type(v) is str and v.strip() == name}
            if same:
                header_hits.update(_rows_matching(columns[position], same))
    header_again = {j for j, hits in header_hits.items() if hits >= need}
    maybe_totals: set[int] = set()
    for position in range(width):
        # a text longer than every totals word, and not padded, is none (casefold never shortens)
        words = {v for v in distinct[position] if type(v) is str
                 and (len(v) <= _TOTALS_LONGEST or v[0].isspace() or v[-1].isspace())
                 and v.strip().casefold() in _TOTALS}
        if words:
            maybe_totals.update(_rows_matching(columns[position], words))
    special = _special_rows(reader, columns, distinct, count, first_row, hidden_rows, header_again | maybe_totals)
    # the distinct values of each column read: those of the kept rows, or more (rows dropped below)
    known_distinct = [distinct[p] for p in reader.positions]
    del distinct
    pick = _picker(reader.positions)
    if special is not None and not special:        # no row to look at: every row is a record
        return _records(reader, [columns[p] for p in reader.positions], list(range(first_row, first_row + count)),
                        {}, known_distinct), []
    del columns

    stub_pick = _picker([reader.positions[i] for i in reader.stub_at]) if reader.stub_at else None
    extras = reader.extras
    is_blank = coerce.is_blank
    skips: list[tuple[str, int]] = []
    knowns: list[tuple[Any, ...]] = []
    numbers: list[int] = []
    extra_rows: dict[int, dict[str, Any]] = {}     # kept row -> its extra values
    stubs: list[int] = []
    if special is not None:                        # only these rows may be skipped or noted
        looked = sorted(special)
    dropped: set[int] = set()
    for j in (looked if special is not None else range(count)):
        row = data_rows[j]
        number = first_row + j
        if hidden_rows and number in hidden_rows and _not_blank(row):
            skips.append(("skipped-hidden-row", number))
            dropped.add(j)
            continue
        if j in header_again:
            skips.append(("skipped-header-row", number))
            dropped.add(j)
            continue
        if j in maybe_totals and _is_totals(row):
            skips.append(("skipped-totals-row", number))
            dropped.add(j)
            continue
        known = pick(row)
        extra_values = ({name: row[pos] for pos, name in extras.items() if pos < width and not is_blank(row[pos])}
                        if extras else None)
        filled = len(known) - known.count(None) - known.count("")
        if width - row.count(None) - row.count("") > filled + (len(extra_values) if extra_values else 0):
            reader._note_unnamed(row, number)
        if not extra_values and (filled == 0 or (filled <= 3 and all(map(is_blank, known)))):
            dropped.add(j)
            continue
        if stub_pick is not None and all(map(is_blank, stub_pick(row))):
            stubs.append(number)
            dropped.add(j)
            continue
        if special is not None:
            continue                     # a record: gathered below with the rows not looked at
        if extra_values:
            extra_rows[len(knowns)] = extra_values
        knowns.append(known)
        numbers.append(number)
    if special is not None:
        kept = [j for j in range(count) if j not in dropped] if dropped else range(count)
        knowns = [pick(data_rows[j]) for j in kept]
        numbers = [first_row + j for j in kept]
    skips.extend(("skipped-empty-row", number) for number in stubs)
    known_columns = list(zip(*knowns)) if knowns else []
    return _records(reader, known_columns, numbers, extra_rows, known_distinct), sorted(skips, key=lambda s: s[1])


def _special_rows(reader: Any, columns: list[tuple[Any, ...]], distinct: list[set[Any]], count: int,
                  first_row: int, hidden_rows: frozenset[int], found: set[int]) -> set[int] | None:
    """The rows the row rules must look at one by one (hidden, repeated header, totals, a value
    under no header, blank or naming no task); every other row is a record as it stands. None
    when that cannot be told from the columns (a sheet with extra columns: each row is looked at)."""
    if reader.extras:
        return None
    special = set(found)
    special.update(n - first_row for n in hidden_rows if 0 <= n - first_row < count)
    for position in range(len(columns)):
        if position not in reader.named:
            values = {v for v in distinct[position] if v is not None and v != ""}
            if values:
                special.update(_rows_matching(columns[position], values))
    # a blank row, or a task row naming no task, is blank (None, "", spaces) in every column looked at
    looked_at = [reader.positions[i] for i in reader.stub_at] if reader.stub_at else list(reader.positions)
    if not looked_at:
        return None
    blank_everywhere: set[int] | None = None
    for position in looked_at:
        blanks = {v for v in distinct[position] if coerce.is_blank(v)}
        here = set(_rows_matching(columns[position], blanks)) if blanks else set()
        blank_everywhere = here if blank_everywhere is None else blank_everywhere & here
        if not blank_everywhere:
            break
    special.update(blank_everywhere or ())
    return special


def _records(reader: Any, known_columns: list[tuple[Any, ...]], numbers: list[int],
             extra_rows: dict[int, dict[str, Any]], distinct: list[set[Any]]) -> list[Record] | RecordBlock:
    """The kept rows typed, from their known columns (a column per position read) and the
    distinct values of each (those of the kept rows, or a few more: a value typed and not used
    costs nothing else)."""
    if not known_columns:
        return []
    spec, table, wb = reader.spec, reader.table, reader.wb
    keys = reader.keys
    typed_columns: list[list[Any]] = []
    slow: dict[int, list[int]] = {}          # kept row -> positions of its cells for the full path
    raw_columns: dict[str, tuple[list[int], list[Any]]] = {}   # key -> (rows, raw values differing from the typed)
    for i, column in enumerate(known_columns):
        convert, blank = reader.converters[i], (None if reader.blank_ok[i] else _SLOW)
        key = keys[i]
        # 1, 1.0 and True are one dict key: a column holding two of those types is typed cell by
        # cell (a column with no number among its distinct values holds none: not looked at again)
        if (not coerce.NUMERIC_TYPES.isdisjoint(map(type, distinct[i]))
                and len(coerce.NUMERIC_TYPES.intersection(map(type, column))) > 1):
            typed = [blank if v is None or v == "" else convert(v) for v in column]
            maybe_slow = True
            differs = [j for j, (v, t) in enumerate(zip(column, typed))
                       if t is not _SLOW and v is not None and v != ""
                       and (type(t) is not type(v) or (type(v) is str and t != v))]
        else:
            convert_all = getattr(convert, "convert_all", None)       # text columns: rows._clean_text_converter
            by_value = convert_all(distinct[i], blank) if convert_all is not None else None
            if by_value is None:
                by_value = {v: (blank if v is None or v == "" else convert(v)) for v in distinct[i]}
            # mapped even where every value types as itself: equal cells then share one object
            # (calamine makes a string per cell), which saves memory and makes comparing them cheap
            typed = list(map(by_value.__getitem__, column))
            maybe_slow = any(t is _SLOW for t in by_value.values())
            differing = {v for v, t in by_value.items()
                         if t is not v and t is not _SLOW and v is not None and v != ""
                         and (type(t) is not type(v) or (type(v) is str and t != v))}
            differs = _rows_matching(column, differing) if differing else []
            if differs:     # one object per distinct raw value (calamine makes one per cell)
                one = {v: v for v in differing}
                raw_columns[key] = (differs, [one[column[j]] for j in differs])
                differs = []
        if maybe_slow and _SLOW in typed:
            for j, t in enumerate(typed):
                if t is _SLOW:
                    slow.setdefault(j, []).append(i)
        if differs:
            raw_columns[key] = (differs, [column[j] for j in differs])
        typed_columns.append(typed)

    block = RecordBlock(spec.key, Source(wb.file, table.sheet, 0, reader.path), dict.fromkeys(spec.keys),
                        tuple(keys), typed_columns, numbers, None, table.columns, table.department, raw_columns)
    statuses = reader.statuses
    extra_letters = reader.extra_letters if extra_rows else {}
    for j in sorted(slow.keys() | extra_rows.keys()):
        record, known = block.record(j), tuple(column[j] for column in known_columns)
        values = record.values
        if j in slow:
            for i in slow[j]:
                key = keys[i]
                values[key] = typed_columns[i][j] = _cell_value(spec, key, known[i], record, wb, reader.formulas,
                                                                statuses if key == "status" else None)
            record.raw = {key: value for key, value in zip(keys, known)
                          if value is not None and value != "" and (type(values[key]) is not type(value)
                                                                    or (type(value) is str and values[key] != value))}
        if j in extra_rows:
            record.extras = {name: _plain(v) for name, v in extra_rows[j].items()}
            for name, v in record.extras.items():
                if isinstance(v, str) and len(v) > MAX_TEXT:
                    wb.findings.append(Finding("text-too-long", Severity.WARNING, wb.file, table.sheet,
                                               f"{extra_letters[name]}{record.source.row}", v[:40] + "…",
                                               {"column": name, "length": len(v)}, str(wb.path)))
    if reader.is_tasks:
        _fill_department(block, table.department)
    return block


def _fill_department(block: RecordBlock, department: str) -> None:
    """A task without a department of its own belongs to its sheet's department."""
    if "department" in block.keys:
        column = block.columns[block.keys.index("department")]
        if None in column:
            column[:] = [department if value is None else value for value in column]
    else:
        block.keys += ("department",)
        block.columns.append([department] * len(block))
        block.reindex()
    for record in block.made.values():
        if record.values["department"] is None:
            record.values["department"] = department
