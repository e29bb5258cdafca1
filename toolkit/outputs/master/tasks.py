"""The Tasks sheet: every department's rows, flag columns, row fills, carried columns, sources."""
from __future__ import annotations

from typing import Any

from datetime import date, datetime

from ...present.labels import issue_text, kind_of, overload_text
from ...present.marks import row_mark
from ...schema import TASKS, ColType
from .book import FLAG_COLUMNS, MasterBook, clean_text, write_value


def write_tasks(book: MasterBook) -> None:
    st, lang = book.st, book.lang
    ws = book.wb.add_worksheet(TASKS.title(lang))
    headers = book.task_headers()
    widths = ([c.width for c in TASKS.columns] + [12, 12, 12, 36, 16, 24]
              + [14] * (len(book.extra_headers) + len(book.carried_headers)) + [20, 14, 8])
    book.header(ws, 0, headers, widths)
    ws.set_row(0, 30)
    ws.freeze_panes(1, 1)
    ws.set_landscape()
    ws.repeat_rows(0)

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
    flag_at = ncols
    extra_at = flag_at + len(FLAG_COLUMNS)
    carried_at = extra_at + len(book.extra_headers)
    source_at = carried_at + len(book.carried_headers)
    blocked_status = book.t("master.blocked_status")
    extras, carried_headers, carried = book.extra_headers, book.carried_headers, book.carried
    write_string, write_number, write_blank, write_datetime = (
        ws.write_string, ws.write_number, ws.write_blank, ws.write_datetime)

    r = 0
    for r, view in enumerate(book.analysis.tasks, start=1):
        record, flags = view.record, view.flags
        values, raw = record.values, record.raw
        fill = row_mark(view)
        F = st.task[fill]
        text_fmt = F["text"]
        for c, (key, kind, conv) in enumerate(plan):
            value = values.get(key)
            if value is None:
                if key == "department" and record.department:
                    write_string(r, c, clean_text(record.department), text_fmt)
                    continue
                shown = raw.get(key)
                if shown is None or shown == "":
                    if fill is not None:
                        write_blank(r, c, None, text_fmt)
                    continue
                write_value(ws, r, c, shown, F[kind_of(shown)])
                continue
            if conv is None:
                if kind == "date":
                    if isinstance(value, (date, datetime)):
                        write_datetime(r, c, value, F["date"])
                    else:
                        write_value(ws, r, c, value, text_fmt)
                elif isinstance(value, str):
                    write_string(r, c, clean_text(value), text_fmt)
                else:
                    write_value(ws, r, c, value, F[kind])
            elif conv == "pct":
                write_value(ws, r, c, float(value) / 100.0, F["percent"])
            elif conv == "list":
                write_value(ws, r, c, value, text_fmt)
            else:
                write_value(ws, r, c, conv.get(value, value), text_fmt)

        # flags (blank cells are written only to carry a row's fill)
        if fill is not None or flags.any:
            write_value(ws, r, flag_at, flags.days_late if flags.overdue else None, F["int"])
            write_value(ws, r, flag_at + 1, flags.days_left if flags.due_soon else None, F["int"])
            write_value(ws, r, flag_at + 2,
                         round(flags.behind_points, 1) if flags.behind and flags.behind_points is not None
                         else None, F["points"])
            write_value(ws, r, flag_at + 3,
                         "; ".join(overload_text(n, lang) for n in flags.overloads) if flags.overloaded
                         else None, text_fmt)
            write_value(ws, r, flag_at + 4,
                         (", ".join(flags.blocked_by) or blocked_status) if flags.blocked else None, text_fmt)
            write_value(ws, r, flag_at + 5, issue_text(record, flags.issues, lang) if flags.data_issue else None,
                        text_fmt)
        # a team's extra columns, then the hand-added ones carried from the last master
        if extras:
            got = record.extras
            for i, header in enumerate(extras):
                value = got.get(header)
                if value is not None or fill is not None:
                    write_value(ws, r, extra_at + i, value, F[kind_of(value)])
        if carried_headers:
            task_id = values.get("id")
            kept = carried.get(str(task_id).strip(), {}) if task_id is not None else {}
            for i, header in enumerate(carried_headers):
                value = kept.get(header)
                if value is not None or fill is not None:
                    write_value(ws, r, carried_at + i, value, F[kind_of(value)])
        src = record.source
        write_string(r, source_at, clean_text(src.file), text_fmt)
        write_string(r, source_at + 1, clean_text(src.sheet), text_fmt)
        write_number(r, source_at + 2, src.row, F["int"])
    ws.autofilter(0, 0, max(r, 1), len(headers) - 1)
