"""The Workload sheet: owner × ISO week heat map against capacity, overloaded weeks below."""
from __future__ import annotations

from ...present.palette import HEAT
from ...schema import TASKS
from .book import MasterBook, write_value
from .fast_rows import row_writer


def write_workload(book: MasterBook) -> None:
    st, t = book.st, book.t
    ws = book.wb.add_worksheet(t("master.sheet.workload"))
    load = book.analysis.workload
    weeks = sorted({(w.week_start, w.week) for w in load})
    owners = sorted({w.owner for w in load})
    col_of = {week: i + 1 for i, (_, week) in enumerate(weeks)}
    cells = {(w.owner, w.week): w for w in load}
    headers = [TASKS.column("owner").header(book.lang)] + [f"{week}\n{start:%m-%d}" for start, week in weeks]
    book.header(ws, 0, headers)
    ws.set_column(0, 0, 16)
    if weeks:
        ws.set_column(1, len(weeks), 13)
    ws.set_row(0, 30)
    ws.freeze_panes(1, 1)
    out = row_writer(ws)        # the grid's rows as XML (fast_rows): the same cells
    for r, owner in enumerate(owners, start=1):
        out.write_value(r, 0, owner)
        for _, week in weeks:
            cell = cells.get((owner, week))
            if cell is not None:
                out.write_value(r, col_of[week], round(cell.hours, 1), book.heat_format(cell))
    out.close()
    row = len(owners) + 2
    write_value(ws, row, 0, t("master.legend.heat"))
    for band in ("low", "near", "over", "far"):   # each colour with its meaning written in it
        row += 1
        write_value(ws, row, 1, t(f"workload.band.{band}"), st.get("text", HEAT[band]))

    # the overloaded owner-weeks with their tasks, below the grid
    over = [w for w in load if w.overloaded]
    if over:
        row += 2
        write_value(ws, row, 0, t("master.flag.overloaded"), st.subtitle)
        row += 1
        book.header(ws, row, [TASKS.column("owner").header(book.lang), t("master.col.week"),
                               t("master.col.overloaded"), TASKS.title(book.lang)])
        out = row_writer(ws)
        for w in sorted(over, key=lambda w: (w.owner, w.week_start)):
            row += 1
            out.write_value(row, 0, w.owner)
            out.write_value(row, 1, w.week)
            out.write_value(row, 2, round(w.hours, 1), book.heat_format(w))
            out.write_value(row, 3, ", ".join(w.task_ids))
        out.close()
    widths = [16] + [13] * max(len(weeks), 3)
    book.print_setup(ws, widths, last_row=row, id_columns=1)
