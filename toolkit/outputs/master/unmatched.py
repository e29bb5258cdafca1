"""The "Carried, unmatched" sheet: hand-typed values of the old master that have no single task
in this run (its row is gone, its Task ID is blank, or its department and Task ID occur twice).
They are kept here, never dropped or put on another row; the next run reads them back and puts
each on its task again once that task is unique."""
from __future__ import annotations

from ...i18n import text
from .book import MasterBook, write_value


def write_unmatched(book: MasterBook) -> None:
    lang = book.lang
    rows = getattr(book, "carried_unmatched", [])
    headers: list[str] = []
    for row in rows:
        headers += [h for h in row.values if h not in headers]
    ws = book.wb.add_worksheet(text("sheet.carried_unmatched", lang))
    fixed = [text("col.carried_department", lang), text("col.carried_task_id", lang), text("col.carried_why", lang)]
    book.header(ws, 0, fixed + headers, [18, 14, 44] + [18] * len(headers))
    ws.freeze_panes(1, 0)
    for r, row in enumerate(rows, start=1):
        write_value(ws, r, 0, row.department)
        write_value(ws, r, 1, row.task_id)
        write_value(ws, r, 2, text(f"carried.why.{row.why}", lang))
        for c, header in enumerate(headers, start=3):
            write_value(ws, r, c, row.values.get(header))
