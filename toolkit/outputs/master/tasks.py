"""The Tasks sheet: every department's rows, flag columns, row fills, carried columns, sources.

Layout, left to right: ID, Project, Task, Department, Owner, Start, Due, Status, **Flags** (the
flags in words: "Overdue 7 wd · Behind 30 pt · 王磊 W48 52/40 h"), the other schema columns, the
flag columns (as numbers where they are numbers) (to sort and filter by), a team's extra columns, columns carried from
the last master, the source. ID, Project and Task stay frozen; the legend of every row colour is
below the rows (text boxes, not cells). Printed: ID … % Complete, one page wide, header row and ID column repeated.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from ...inputs.previous_master import FLAG_COLUMNS, FLAGS_TEXT_COLUMN, master_task_key
from ...present.flags import flag_text
from ...present.labels import issue_text, kind_of, overload_text
from ...present.marks import row_mark
from ...present.palette import FILL_ORDER, FILLS, LINES
from ...schema import TASKS, ColType
from .book import MasterBook, row_height, wrapped_lines
from .fast_rows import row_writer

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
    st, lang = book.st, book.lang
    ws = book.wb.add_worksheet(TASKS.title(lang))
    headers = task_headers(book)
    widths = task_widths(book)
    book.header(ws, 0, headers, widths)
    ws.set_row(0, max(30, row_height(max(wrapped_lines(h, w) for h, w in zip(headers, widths)), "".join(headers))))
    ws.freeze_panes(1, FROZEN_COLUMNS)
    wrap_widths = {KEYS.index(k): widths[schema_column(k)] for k in WRAPPED}

    columns = TASKS.columns
    ncols = len(columns)
    labels = {c.key: {ch.key: ch.label(lang) for ch in c.choices} for c in columns if c.choices}
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
    positions = [schema_column(key) for key in KEYS]
    flags_text_at = FLAGS_AT
    flag_at = ncols + 1
    extra_at = flag_at + len(FLAG_COLUMNS)
    carried_at = extra_at + len(book.extra_headers)
    source_at = carried_at + len(book.carried_headers)
    blocked_status = book.t("master.blocked_status")
    extras, carried_headers, carried = book.extra_headers, book.carried_headers, book.carried
    out = row_writer(ws)    # the rows' XML written directly (see fast_rows); same cells as book.write_text & co
    write_text, write_number, write_blank, write_datetime, write_value = (
        out.write_text, out.write_number, out.write_blank, out.write_datetime, out.write_value)

    r = 0
    for r, view in enumerate(book.analysis.tasks, start=1):
        record, flags = view.record, view.flags
        values, raw = record.values, record.raw
        fill = row_mark(view)
        F = st.task[fill]
        text_fmt = F["text"]
        # the flags in words, and the row as tall as its longest wrapped text
        said = flag_text(flags, lang) if flags.any else ""
        lines = wrapped_lines(said, FLAGS_WIDTH) if said else 1
        for i, width in wrap_widths.items():
            shown_text = values.get(KEYS[i])
            if isinstance(shown_text, str) and len(shown_text) * 2 > width - 2:
                lines = max(lines, wrapped_lines(shown_text, width))
        if lines > 1:
            ws.set_row(r, row_height(min(lines, 10), said + str(values.get("title") or "")))
        for i, (key, kind, conv) in enumerate(plan):
            c = positions[i]
            value = values.get(key)
            if value is None:
                if key == "department" and record.department:
                    write_text(r, c, record.department, text_fmt)
                    continue
                shown = raw.get(key)
                if shown is None or shown == "":
                    if fill is not None:
                        write_blank(r, c, None, text_fmt)
                    continue
                write_value(r, c, shown, F[kind_of(shown)])
                continue
            if conv is None:
                if kind == "date":
                    if isinstance(value, (date, datetime)):
                        write_datetime(r, c, value, F["date"])
                    else:
                        write_value(r, c, value, text_fmt)
                elif isinstance(value, str):
                    write_text(r, c, value, F["wrap"] if i in wrap_widths else text_fmt)
                else:
                    write_value(r, c, value, F[kind])
            elif conv == "pct":
                write_value(r, c, float(value) / 100.0, F["percent"])
            elif conv == "list":
                write_value(r, c, value, text_fmt)
            else:
                write_value(r, c, conv.get(value, value), text_fmt)

        # flags (blank cells are written only to carry a row's fill)
        if said or fill is not None:
            write_value(r, flags_text_at, said, F["wrap"])
        if fill is not None or flags.any:
            write_value(r, flag_at, flags.days_late if flags.overdue else None, F["int"])
            write_value(r, flag_at + 1, flags.days_left if flags.due_soon else None, F["int"])
            write_value(r, flag_at + 2,
                         round(flags.behind_points, 1) if flags.behind and flags.behind_points is not None
                         else None, F["points"])
            write_value(r, flag_at + 3,
                         "; ".join(overload_text(n, lang) for n in flags.overloads) if flags.overloaded
                         else None, text_fmt)
            write_value(r, flag_at + 4,
                         (", ".join(flags.blocked_by) or blocked_status) if flags.blocked else None, text_fmt)
            write_value(r, flag_at + 5, issue_text(record, flags.issues, lang) if flags.data_issue else None,
                        text_fmt)
        # a team's extra columns, then the hand-added ones carried from the last master
        if extras:
            got = record.extras
            for i, header in enumerate(extras):
                value = got.get(header)
                if value is not None or fill is not None:
                    write_value(r, extra_at + i, value, F[kind_of(value)])
        if carried_headers:
            kept = carried.get(master_task_key(record), {})
            for i, header in enumerate(carried_headers):
                value = kept.get(header)
                if value is not None or fill is not None:
                    write_value(r, carried_at + i, value, F[kind_of(value)])
        src = record.source
        write_text(r, source_at, src.file, text_fmt)
        write_text(r, source_at + 1, src.sheet, text_fmt)
        write_number(r, source_at + 2, src.row, F["int"])
    out.close()
    ws.autofilter(0, 0, max(r, 1), len(headers) - 1)
    last = write_legend(book, ws, r + 2)
    book.print_setup(ws, widths[:schema_column(PRINT_THROUGH) + 1], last_row=last, id_columns=1)


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
