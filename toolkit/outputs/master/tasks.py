"""The Tasks sheet: every department's rows, flag columns, row fills, carried columns, sources.

Layout, left to right: ID, Project, Task, Department, Owner, Start, Due, Status, **Flags** (the
flags in words: "Overdue 7 wd · Behind 30 pt · 王磊 W48 52/40 h"), the other schema columns, the
flag columns (as numbers where they are numbers) (to sort and filter by), a team's extra columns, columns carried from
the last master, the source. ID, Project and Task stay frozen; the legend of every row colour is
below the rows (text boxes, not cells). Printed: ID … % Complete, one page wide, header row and ID column repeated.
"""
from __future__ import annotations

import math
from datetime import date, datetime
from itertools import chain, repeat
from collections.abc import Sequence
from typing import Any

from xlsxwriter.utility import xl_col_to_name

from ...inputs.previous_master import FLAG_COLUMNS, FLAGS_TEXT_COLUMN, master_task_key
from ...present.flags import flag_text
from ...present.labels import issue_text, kind_of, overload_text
from ...present.marks import row_mark
from ...present.palette import FILL_ORDER, FILLS, LINES
from ...schema import TASKS, ColType
from .book import MasterBook, has_wide, row_height, wrapped_lines
from .fast_rows import EXCEL_1900, CellXml, RowWriter, _plain, all_plain, row_writer
from .fast_rows import columns as value_columns

FLAGS_AFTER = "status"        # the Flags column follows Status, so a coloured row says why at once
FROZEN_COLUMNS = 3            # ID, Project and Task stay in view when scrolling right
PRINT_THROUGH = "percent"     # the printed columns end here (ID … % Complete); the rest is for the screen
WIDTHS = {"project": 20, "title": 32, "department": 12, "owner": 11, "start": 11, "due": 11,
          "status": 11}                                   # narrower than the templates, to print
WRAPPED = ("project", "title")                            # wrapped (with the Flags) when long
FLAGS_WIDTH = 34
LEGEND_BOX = (140, 60)        # pixels of a box of the row-colour legend (room for one more mark in print)
LEGEND_TITLE = 120
KEYS = [c.key for c in TASKS.columns]
FLAGS_AT = KEYS.index(FLAGS_AFTER) + 1


def task_headers(book: MasterBook) -> list[str]:
    heads = [c.header(book.lang) for c in TASKS.columns]
    heads.insert(FLAGS_AT, book.t(FLAGS_TEXT_COLUMN))
    return (heads + [book.t(k) for k in FLAG_COLUMNS]
            + list(book.extra_headers) + list(book.carried_headers) + book.source_headers())


def task_widths(book: MasterBook) -> list[int]:
    widths = [WIDTHS.get(c.key, c.width) for c in TASKS.columns]
    widths.insert(FLAGS_AT, FLAGS_WIDTH)
    return (widths + [12, 12, 12, 36, 16, 24]
            + [14] * (len(book.extra_headers) + len(book.carried_headers)) + [20, 14, 8])


def schema_column(key: str) -> int:
    """The sheet column of a schema column (those after Status move one right for Flags)."""
    i = KEYS.index(key)
    return i if i < FLAGS_AT else i + 1


def write_tasks(book: MasterBook) -> None:
    st = book.st
    ws = book.wb.add_worksheet(TASKS.title(book.lang))
    headers = task_headers(book)
    widths = task_widths(book)
    book.header(ws, 0, headers, widths)
    ws.set_row(0, max(30, row_height(max(wrapped_lines(h, w) for h, w in zip(headers, widths)), "".join(headers))))
    ws.freeze_panes(1, FROZEN_COLUMNS)
    # the row formats numbered now, in one order, so every writer (cell by cell or column-wise)
    # numbers them alike whatever order the cells come in
    for formats in st.task.values():
        for fmt in formats.values():
            fmt._get_xf_index()
    sheet = _Sheet(book, widths)
    out = row_writer(ws)    # the rows' XML written directly (see fast_rows); same cells as book.write_text & co
    views = book.analysis.tasks
    if isinstance(out, RowWriter):
        _fast_rows(sheet, out, views)
    else:
        for r, view in enumerate(views, start=1):
            _plain_row(sheet, out, r, view)
    out.close()
    r = len(views)
    ws.autofilter(0, 0, max(r, 1), len(headers) - 1)
    last = write_legend(book, ws, r + 2)
    book.print_setup(ws, widths[:schema_column(PRINT_THROUGH) + 1], last_row=last, id_columns=1)


class _Sheet:
    """What every row of the Tasks sheet needs: the column plan, positions and formats."""

    def __init__(self, book: MasterBook, widths: list[int]):
        self.book, self.lang, self.st = book, book.lang, book.st
        self.ws_widths = widths
        self.wrap_widths = {KEYS.index(k): widths[schema_column(k)] for k in WRAPPED}
        columns = TASKS.columns
        labels = {c.key: {ch.key: ch.label(self.lang) for ch in c.choices} for c in columns if c.choices}
        plan: list[tuple[str, str, Any]] = []   # (key, kind, converter) per schema column
        for col in columns:
            if col.type is ColType.DATE:
                plan.append((col.key, "date", None))
            elif col.type is ColType.PERCENT:
                plan.append((col.key, "percent", "pct"))
            elif col.type is ColType.CHOICE:
                plan.append((col.key, "text", labels[col.key]))
            elif col.type is ColType.NUMBER:
                plan.append((col.key, "number", None))
            elif col.type is ColType.ID_LIST:
                plan.append((col.key, "text", "list"))
            else:
                plan.append((col.key, "text", None))
        self.plan = plan
        self.positions = [schema_column(key) for key in KEYS]
        self.flags_text_at = FLAGS_AT
        self.flag_at = len(columns) + 1
        self.extra_at = self.flag_at + len(FLAG_COLUMNS)
        self.carried_at = self.extra_at + len(book.extra_headers)
        self.source_at = self.carried_at + len(book.carried_headers)
        self.blocked_status = book.t("master.blocked_status")
        self.extras, self.carried_headers, self.carried = book.extra_headers, book.carried_headers, book.carried

    def lines(self, said: str, values: dict) -> int:
        """Lines of the row's tallest wrapped text (the Flags, the project, the title)."""
        lines = wrapped_lines(said, FLAGS_WIDTH) if said else 1
        for i, width in self.wrap_widths.items():
            shown_text = values.get(KEYS[i])
            if isinstance(shown_text, str) and len(shown_text) * 2 > width - 2:
                lines = max(lines, wrapped_lines(shown_text, width))
        return lines


def _schema_cell(sheet: _Sheet, out: Any, r: int, i: int, record: Any, F: dict, fill: str | None) -> None:
    """Schema column `i` of a task's row."""
    key, kind, conv = sheet.plan[i]
    c = sheet.positions[i]
    text_fmt = F["text"]
    value = record.values.get(key)
    if value is None:
        if key == "department" and record.department:
            out.write_text(r, c, record.department, text_fmt)
            return
        shown = record.raw.get(key)
        if shown is None or shown == "":
            if fill is not None:
                out.write_blank(r, c, None, text_fmt)
            return
        out.write_value(r, c, shown, F[kind_of(shown)])
        return
    if conv is None:
        if kind == "date":
            if isinstance(value, (date, datetime)):
                out.write_datetime(r, c, value, F["date"])
            else:
                out.write_value(r, c, value, text_fmt)
        elif isinstance(value, str):
            out.write_text(r, c, value, F["wrap"] if i in sheet.wrap_widths else text_fmt)
        else:
            out.write_value(r, c, value, F[kind])
    elif conv == "pct":
        out.write_value(r, c, float(value) / 100.0, F["percent"])
    elif conv == "list":
        out.write_value(r, c, value, text_fmt)
    else:
        out.write_value(r, c, conv.get(value, value), text_fmt)


def _flag_values(sheet: _Sheet, record: Any, flags: Any) -> list[Any]:
    """The flag columns' values of a task with flags or a row colour (None: a blank cell)."""
    lang = sheet.lang
    return [flags.days_late if flags.overdue else None,
            flags.days_left if flags.due_soon else None,
            round(flags.behind_points, 1) if flags.behind and flags.behind_points is not None else None,
            "; ".join(overload_text(n, lang) for n in flags.overloads) if flags.overloaded else None,
            (", ".join(flags.blocked_by) or sheet.blocked_status) if flags.blocked else None,
            issue_text(record, flags.issues, lang) if flags.data_issue else None]


FLAG_KINDS = ("int", "int", "points", "text", "text", "text")


def _plain_row(sheet: _Sheet, out: Any, r: int, view: Any) -> None:
    """One task's row, cell by cell, through a row writer's `write_*` calls (the reference the
    column-wise `_fast_rows` is compared with)."""
    st, lang, ws = sheet.st, sheet.lang, out.ws
    record, flags = view.record, view.flags
    values = record.values
    fill = row_mark(view)
    F = st.task[fill]
    text_fmt = F["text"]
    # the flags in words, and the row as tall as its longest wrapped text
    said = flag_text(flags, lang) if flags.any else ""
    lines = sheet.lines(said, values)
    if lines > 1:
        ws.set_row(r, row_height(min(lines, 10), said + str(values.get("title") or "")))
    for i in range(len(sheet.plan)):
        _schema_cell(sheet, out, r, i, record, F, fill)
    # flags (blank cells are written only to carry a row's fill)
    if said or fill is not None:
        out.write_value(r, sheet.flags_text_at, said, F["wrap"])
    if fill is not None or flags.any:
        for k, value in enumerate(_flag_values(sheet, record, flags)):
            out.write_value(r, sheet.flag_at + k, value, F[FLAG_KINDS[k]])
    # a team's extra columns, then the hand-added ones carried from the last master
    if sheet.extras:
        got = record.extras
        for i, header in enumerate(sheet.extras):
            value = got.get(header)
            if value is not None or fill is not None:
                out.write_value(r, sheet.extra_at + i, value, F[kind_of(value)])
    if sheet.carried_headers:
        kept = sheet.carried.get(master_task_key(record), {})
        for i, header in enumerate(sheet.carried_headers):
            value = kept.get(header)
            if value is not None or fill is not None:
                out.write_value(r, sheet.carried_at + i, value, F[kind_of(value)])
    src = record.source
    out.write_text(r, sheet.source_at, src.file, text_fmt)
    out.write_text(r, sheet.source_at + 1, src.sheet, text_fmt)
    out.write_number(r, sheet.source_at + 2, src.row, F["int"])


# ---------------------------------------------------------------- column-wise

_STR_OR_NONE = {str, type(None)}
CHUNK = 1024          # rows built column-wise at a time (each column a list of cell XML)


def _fast_rows(sheet: _Sheet, out: RowWriter, views: list[Any]) -> None:
    """The rows `_plain_row` writes, built a chunk of rows at a time, column by column: each
    column's common cells (plain text, numbers, dates, blanks) as XML in one comprehension with
    the row's style; any other cell through `_plain_row`'s own per-cell code (`CellXml`)."""
    st, lang = sheet.st, sheet.lang
    cell = out.cell_xml()
    styles = {fill: {kind: out.style(fmt) for kind, fmt in F.items()} for fill, F in st.task.items()}
    ncols = sheet.source_at + 3
    letters = [xl_col_to_name(c) for c in range(ncols)]
    wrap_at = set(sheet.wrap_widths)
    whole = views is sheet.book.analysis.tasks
    marks = sheet.book.task_marks() if whole else [row_mark(v) for v in views]
    every = sheet.book.task_values() if whole else None
    keys = sheet.book.task_keys() if whole and sheet.carried_headers else None
    heights: dict[tuple[int, bool], float] = {}

    def height_of(lines: int, cjk: bool) -> float:
        """`row_height(lines, text)` for a text with (or without) a wide character."""
        found = heights.get((lines, cjk))
        if found is None:
            found = heights[lines, cjk] = row_height(lines, "年" if cjk else "")
        return found

    serials: dict[Any, str] = {}
    templates: dict[tuple, Any] = {}
    for start in range(0, len(views), CHUNK):
        chunk = views[start:start + CHUNK]
        rows = range(start + 1, start + 1 + len(chunk))
        refs = [str(r + 1) for r in rows]
        recs = [v.record for v in chunk]
        vals = [rec.values for rec in recs]
        raws = [rec.raw for rec in recs]
        flags = [v.flags for v in chunk]
        fills = marks[start:start + CHUNK]
        S = [styles[f] for f in fills]
        filled = [f is not None for f in fills]
        anyflag = [f.any for f in flags]
        said = [flag_text(f, lang) if a else "" for f, a in zip(flags, anyflag)]

        columns: list[tuple[int, list[str]]] = []
        table = ([every[key][start:start + CHUNK] for key, _, _ in sheet.plan] if every is not None
                 else value_columns(vals, tuple(key for key, _, _ in sheet.plan)))
        # columns whose every cell is of one common kind (plain texts, dates, finite numbers):
        # neighbours among them written by one generated f-string per row
        runs_end: list[int] = []
        uniform = [_uniform(table[i], conv, kind, serials) for i, (_, kind, conv) in enumerate(sheet.plan)]
        runs = _runs(uniform, sheet.positions)
        in_runs = {i for run in runs for i in run}
        for run in runs:
            spec_parts: list[tuple[str, str]] = []
            args: list[Any] = [refs]
            for i in run:
                _, kind, conv = sheet.plan[i]
                how, texts = uniform[i] or ("", [])
                style = "wrap" if kind == "text" and conv is None and i in wrap_at else kind
                spec_parts.append((letters[sheet.positions[i]], how))
                args += [[s[style] for s in S], texts]
            spec = tuple(spec_parts)
            fn = templates.get(spec) or templates.setdefault(spec, _row_template(spec))
            columns.append((sheet.positions[run[0]], list(map(fn, *args))))
            runs_end.append(sheet.positions[run[-1]])
        for i, (key, kind, conv) in enumerate(sheet.plan):
            if i in in_runs:
                continue
            c = sheet.positions[i]
            pre = f'<c r="{letters[c]}'
            xs = table[i]
            if conv is None and kind == "date":
                frags = _dates(pre, xs, refs, [s["date"] for s in S], serials)
            elif conv is None and kind == "number":
                frags = _numbers(pre, xs, refs, [s["number"] for s in S])
            elif conv == "pct":
                frags = _numbers(pre, [x / 100.0 if type(x) is float else None for x in xs], refs,
                                 [s["percent"] for s in S])
            elif conv is None:
                frags = _texts(pre, xs, refs, [s["wrap" if i in wrap_at else "text"] for s in S])
            elif conv == "list":
                frags = _texts(pre, [", ".join(x) if type(x) is tuple and all(type(v) is str for v in x) else None
                                     for x in xs], refs, [s["text"] for s in S])
            else:
                frags = _texts(pre, [conv.get(x, x) if type(x) is str else None for x in xs], refs,
                               [s["text"] for s in S])
            if None in frags and key != "department":    # no value: the raw text, else blank
                frags = [f if f is not None else
                         (f'{pre}{n}"{s["text"]}/>' if b else "")
                         if x is None and ((shown := rw.get(key)) is None or shown == "") else None
                         for f, x, n, s, b, rw in zip(frags, xs, refs, S, filled, raws)]
            if None in frags:
                for j, frag in enumerate(frags):
                    if frag is not None:
                        continue
                    fill = fills[j]
                    _schema_cell(sheet, cell.at(rows[j]), rows[j], i, recs[j], st.task[fill], fill)
                    frags[j] = cell.take()
            columns.append((c, frags))

        # the Flags in words, then the flag columns
        c = sheet.flags_text_at
        pre = f'<c r="{letters[c]}'
        frags = _texts(pre, said, refs, [s["wrap"] for s in S], blank_if=filled)
        _fill_in(frags, said, rows, c, fills, "wrap", st, cell)
        columns.append((c, frags))
        flagged = [f or a for f, a in zip(filled, anyflag)]
        for k, xs in enumerate(_flag_columns(sheet, recs, flags, flagged)):
            kind = FLAG_KINDS[k]
            c = sheet.flag_at + k
            pre = f'<c r="{letters[c]}'
            sk = [s[kind] for s in S]
            if kind == "text":
                frags = _texts(pre, xs, refs, sk, blank_if=flagged)
            else:
                frags = _numbers(pre, xs, refs, sk, blank_if=flagged)
            _fill_in(frags, xs, rows, c, fills, kind, st, cell)
            columns.append((c, frags))
        # a team's extra columns, then the hand-added ones carried from the last master
        for at, headers, got in ((sheet.extra_at, sheet.extras, [rec.extras for rec in recs]),
                                 (sheet.carried_at, sheet.carried_headers,
                                  [sheet.carried.get(key, {}) for key in
                                   (keys[start:start + CHUNK] if keys is not None else map(master_task_key, recs))]
                                  if sheet.carried_headers else [])):
            for i, header in enumerate(headers):
                c = at + i
                xs = [g.get(header) for g in got]
                frags = _loose(f'<c r="{letters[c]}', xs, refs, [s["text"] for s in S], filled)
                if None in frags:
                    for j, frag in enumerate(frags):
                        if frag is None:
                            x = xs[j]
                            cell.at(rows[j]).write_value(rows[j], c, x, st.task[fills[j]][kind_of(x)])
                            frags[j] = cell.take()
                columns.append((c, frags))
        # the source
        c = sheet.source_at
        srcs = [rec.source for rec in recs]
        text_s, int_s = [s["text"] for s in S], [s["int"] for s in S]
        files, books_sheets, numbers = [src.file for src in srcs], [src.sheet for src in srcs], [src.row for src in srcs]
        fused = all_plain(files) and all_plain(books_sheets) and set(map(type, numbers)) == {int}
        if fused:                           # the three source cells by one f-string per row
            spec = ((letters[c], "T"), (letters[c + 1], "T"), (letters[c + 2], "V"))
            fn = templates.get(spec) or templates.setdefault(spec, _row_template(spec))
            shown = {x: f"{float(x):.16G}" for x in set(numbers)}
            columns.append((c, list(map(fn, refs, text_s, files, text_s, books_sheets, int_s,
                                        [shown[x] for x in numbers]))))
            runs_end.append(c + 2)
        for k, xs, sk in (() if fused else ((0, files, text_s), (1, books_sheets, text_s))):
            frags = _texts(f'<c r="{letters[c + k]}', xs, refs, sk)
            _fill_in(frags, xs, rows, c + k, fills, "text", st, cell, text=True)
            columns.append((c + k, frags))
        if not fused:
            xs = numbers
            frags = _numbers(f'<c r="{letters[c + 2]}', xs, refs, int_s)
            if None in frags:
                for j, frag in enumerate(frags):
                    if frag is None:
                        cell.at(rows[j]).write_number(rows[j], c + 2, xs[j], st.task[fills[j]]["int"])
                        frags[j] = cell.take()
            columns.append((c + 2, frags))

        # rows as tall as their longest wrapped text
        lines = [wrapped_lines(x, FLAGS_WIDTH) if x else 1 for x in said]
        for i, width in sheet.wrap_widths.items():
            lines = [max(n, wrapped_lines(x, width)) if isinstance(x, str) and len(x) * 2 > width - 2 else n
                     for n, x in zip(lines, table[i])]
        titles = table[KEYS.index("title")]
        out.set_heights({rows[j]: height_of(min(n, 10), has_wide(said[j]) or has_wide(str(titles[j] or "")))
                         for j, n in enumerate(lines) if n > 1})
        opens = [f'<row r="{n}"{out.row_open(r)}' for n, r in zip(refs, rows)]
        columns.sort(key=lambda cf: cf[0])
        used = sorted([c for c, frags in columns if any(frags)] + runs_end)
        lists = [frags for _, frags in columns]
        if any(map(all, lists)):            # a column with a cell in every row (the source): one join
            xml = "".join(chain.from_iterable(zip(opens, *lists, repeat("</row>"))))
        else:                               # a row without cells is not written
            xml = "".join([f"{o}{cells}</row>" if cells else ""
                           for o, cells in zip(opens, map("".join, zip(*lists)))])
        out.write_rows(rows[0], rows[-1], xml, used[0] if used else None, used[-1] if used else None)


def _uniform(xs: Sequence[Any], conv: Any, kind: str, serials: dict[Any, str]) -> tuple[str, list[str]] | None:
    """("T", texts) when every cell of a schema column is a plain text `_texts` writes as it is,
    ("V", values) when every cell is a date (`_dates`) or a finite number (`_numbers`), with
    the text of each `<v>`; None otherwise (the column goes cell by cell)."""
    if not xs:
        return None
    if conv is None and kind == "date":
        if set(map(type, xs)) != {date}:
            return None
        for x in set(xs).difference(serials):
            day = float(x.toordinal() - EXCEL_1900)
            serials[x] = f"{day + 1 if day > 59 else day:.16G}"
        return "V", [serials[x] for x in xs]
    if (conv is None and kind == "number") or conv == "pct":
        if set(map(type, xs)) != {float} or not all(map(math.isfinite, xs)):
            return None
        return "V", [f"{x / 100.0:.16G}" for x in xs] if conv == "pct" else [f"{x:.16G}" for x in xs]
    if conv is None and kind == "text":
        return ("T", list(xs)) if all_plain(xs) else None
    if isinstance(conv, dict) and set(map(type, xs)) == {str}:
        shown = [conv.get(x, x) for x in xs]
        return ("T", shown) if all_plain(shown) else None
    return None


def _runs(uniform: list[Any], positions: list[int]) -> list[list[int]]:
    """Schema columns (by index) that are uniform and side by side on the sheet, two or more."""
    runs: list[list[int]] = []
    current: list[int] = []
    for i, u in enumerate(uniform):
        if u is not None and current and positions[i] == positions[current[-1]] + 1:
            current.append(i)
            continue
        if len(current) > 1:
            runs.append(current)
        current = [i] if u is not None else []
    if len(current) > 1:
        runs.append(current)
    return runs


def _row_template(spec: tuple[tuple[str, str], ...]) -> Any:
    """A function (n, style, value, style, value, …) -> the cells of columns `spec` ((letter,
    "T" for an inline text or "V" for a value), side by side) in row n: one f-string, the same
    XML as `_texts`, `_dates` and `_numbers` write cell by cell. Letters are column names only."""
    parts, names = [], ["n"]
    for k, (letter, how) in enumerate(spec):
        if not letter.isalpha() or not letter.isupper() or how not in ("T", "V"):
            raise ValueError(f"unexpected column {letter!r}")
        names += [f"s{k}", f"x{k}"]
        parts.append(f'<c r="{letter}{{n}}"{{s{k}}} t="inlineStr"><is><t>{{x{k}}}</t></is></c>' if how == "T"
                     else f'<c r="{letter}{{n}}"{{s{k}}}><v>{{x{k}}}</v></c>')
    scope: dict[str, Any] = {}
    exec(f"def cells({', '.join(names)}):\n    return f'{''.join(parts)}'\n", scope)
    return scope["cells"]


def _fill_in(frags: list[Any], xs: Sequence[Any], rows: Any, c: int, fills: list[Any], kind: str, st: Any,
             cell: CellXml, text: bool = False) -> None:
    """The cells a comprehension left (None) written by the row writer's own rules."""
    if None not in frags:
        return
    for j, frag in enumerate(frags):
        if frag is None:
            fmt = st.task[fills[j]][kind]
            if text:
                cell.at(rows[j]).write_text(rows[j], c, xs[j], fmt)
            else:
                cell.at(rows[j]).write_value(rows[j], c, xs[j], fmt)
            frags[j] = cell.take()


def _flag_columns(sheet: _Sheet, recs: list[Any], flags: list[Any], flagged: list[bool]) -> list[list[Any]]:
    """`_flag_values` of the rows, column by column (None where a row has none)."""
    lang = sheet.lang
    overloads: list[str | None] = []
    for f, w in zip(flags, flagged):
        if w and f.overloaded:
            ns = f.overloads
            overloads.append(overload_text(ns[0], lang) if len(ns) == 1 else
                             "; ".join(overload_text(n, lang) for n in ns))
        else:
            overloads.append(None)
    return [[f.days_late if w and f.overdue else None for f, w in zip(flags, flagged)],
            [f.days_left if w and f.due_soon else None for f, w in zip(flags, flagged)],
            [round(f.behind_points, 1) if w and f.behind and f.behind_points is not None else None
             for f, w in zip(flags, flagged)],
            overloads,
            [(", ".join(f.blocked_by) or sheet.blocked_status) if w and f.blocked else None
             for f, w in zip(flags, flagged)],
            [issue_text(rec, f.issues, lang) if w and f.data_issue else None
             for rec, f, w in zip(recs, flags, flagged)]]


def _texts(pre: str, xs: Sequence[Any], refs: list[str], styles: list[str],
           blank_if: list[bool] | None = None) -> list[Any]:
    """Inline string cells for plain texts; with `blank_if`, None or "" is a blank cell where it
    is true and no cell where it is false; anything else None (for the row writer's rules)."""
    if blank_if is None:
        if all_plain(xs):
            return [f'{pre}{n}"{s} t="inlineStr"><is><t>{x}</t></is></c>' for x, n, s in zip(xs, refs, styles)]
        return [f'{pre}{n}"{s} t="inlineStr"><is><t>{x}</t></is></c>' if type(x) is str and x and _plain(x)
                else None for x, n, s in zip(xs, refs, styles)]
    texts = [x for x in xs if x]
    if all_plain(texts) and set(map(type, xs)) <= _STR_OR_NONE:
        return [(f'{pre}{n}"{s} t="inlineStr"><is><t>{x}</t></is></c>' if x else
                 f'{pre}{n}"{s}/>' if b else "") for x, n, s, b in zip(xs, refs, styles, blank_if)]
    return [(f'{pre}{n}"{s} t="inlineStr"><is><t>{x}</t></is></c>' if type(x) is str and x and _plain(x) else
             (f'{pre}{n}"{s}/>' if b else "") if x is None or x == "" else None)
            for x, n, s, b in zip(xs, refs, styles, blank_if)]


def _numbers(pre: str, xs: Sequence[Any], refs: list[str], styles: list[str],
             blank_if: list[bool] | None = None) -> list[Any]:
    """Number cells for finite floats and ints; with `blank_if`, None is a blank cell where it is
    true and no cell where it is false; anything else None (for the row writer's rules)."""
    if blank_if is None:
        return [f'{pre}{n}"{s}><v>{x:.16G}</v></c>' if type(x) is float and x - x == 0 else
                f'{pre}{n}"{s}><v>{float(x):.16G}</v></c>' if type(x) is int else None
                for x, n, s in zip(xs, refs, styles)]
    return [f'{pre}{n}"{s}><v>{x:.16G}</v></c>' if type(x) is float and x - x == 0 else
            f'{pre}{n}"{s}><v>{float(x):.16G}</v></c>' if type(x) is int else
            (f'{pre}{n}"{s}/>' if b else "") if x is None else None
            for x, n, s, b in zip(xs, refs, styles, blank_if)]


def _loose(pre: str, xs: Sequence[Any], refs: list[str], styles: list[str], filled: list[bool]) -> list[Any]:
    """A column of any values (a team's extra column, a carried one), as `write_value` writes it
    with the text style: finite numbers, None (blank where the row is filled, no cell where it is
    not) and plain texts here; anything else (dates, "", odd texts) None, for the row writer."""
    return [number if number is not None else text
            for number, text in zip(_numbers(pre, xs, refs, styles, blank_if=filled), _texts(pre, xs, refs, styles))]


def _dates(pre: str, xs: Sequence[Any], refs: list[str], styles: list[str], serials: dict[Any, str]) -> list[Any]:
    """Date cells (Excel serials, kept in `serials`) for `datetime.date` values; anything else None."""
    try:
        new = set(xs).difference(serials)
    except TypeError:                       # a value that is not hashable
        new = set(x for x in xs if type(x) is date).difference(serials)
    for x in new:
        if type(x) is date:
            serial = float(x.toordinal() - EXCEL_1900)
            serials[x] = f"{serial + 1 if serial > 59 else serial:.16G}"
    return [f'{pre}{n}"{s}><v>{serials[x]}</v></c>' if type(x) is date else None
            for x, n, s in zip(xs, refs, styles)]


def write_legend(book: MasterBook, ws: Any, row: int) -> int:
    """Every row colour with its meaning, as text boxes below the rows: drawn, not cells, so
    whatever reads the Tasks table back (pandas, the next master, Excel buttons) sees only tasks.
    Returns the last row the legend covers, for the print area."""
    keys = (*FILL_ORDER, None)
    ws.insert_textbox(row, 1, book.t("master.legend.title"),
                      {"width": LEGEND_TITLE, "height": LEGEND_BOX[1], "line": {"none": True},
                       "font": {"bold": True, "size": 11},
                       "object_position": 3})
    x = LEGEND_TITLE
    for key in keys:
        label = book.t(f"master.legend.{key}" if key else "master.legend.none")
        ws.insert_textbox(row, 1, label, {
            "x_offset": x, "width": LEGEND_BOX[0], "height": LEGEND_BOX[1], "object_position": 3,
            "fill": {"color": FILLS[key] if key else "#FFFFFF"},
            "line": {"color": LINES.get(key or "open", "#7F7F7F")}, "font": {"size": 9}})
        x += LEGEND_BOX[0] + 6
    return row + 3
