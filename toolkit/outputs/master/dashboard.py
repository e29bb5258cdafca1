"""The Dashboard: counts by department, status and flag, charts, project health, the legend."""
from __future__ import annotations

import math
from collections import Counter

from ...present.labels import reason_text
from ...present.summary import data_line
from ...analyze.tasks import status_invalid
from ...present.palette import FILL_ORDER, FILLS, RAG_FILLS, STATUS_COLOURS
from ...schema import PROJECTS, STATUS, TASKS
from .book import MasterBook, write_value

CHARTS_ROWS = 20             # Dashboard rows kept free for the charts above its tables


def write_dashboard(book: MasterBook) -> None:
    st, t, lang = book.st, book.t, book.lang
    ws = book.wb.add_worksheet(t("master.sheet.dashboard"))
    tasks = book.analysis.tasks
    flags_count = {
        "overdue": sum(v.flags.overdue for v in tasks),
        "due_soon": sum(v.flags.due_soon for v in tasks),
        "behind": sum(v.flags.behind for v in tasks),
        "overloaded": sum(v.flags.overloaded for v in tasks),
        "blocked": sum(v.flags.blocked for v in tasks),
        "high_risk": sum(r.high and r.level != "closed" for r in book.analysis.risks),
    }
    ws.set_column(0, 0, 22)
    ws.set_column(1, 8, 12)
    write_value(ws, 0, 0, t("master.title", as_of=book.as_of.isoformat()), st.title)
    write_value(ws, 1, 0, t("master.summary", tasks=len(tasks), **{k: v for k, v in flags_count.items()
                                                                      if k != "high_risk"}))
    if book.run is not None:
        write_value(ws, 2, 0, data_line(book.run, lang, "master.dash.data"))
    sheet = ws.get_name()
    row = CHARTS_ROWS   # the two charts sit above the tables

    # department × status
    statuses = [(ch.key, ch.label(lang)) for ch in STATUS]
    counts: Counter = Counter()
    departments: dict[str, None] = {}
    for view in tasks:
        dept = book.task_department(view)
        departments.setdefault(dept, None)
        status = view.record.values.get("status") or ("invalid" if status_invalid(view.record) else "")
        counts[(dept, status)] += 1
    if any(key == "" for _, key in counts):
        statuses.append(("", t("master.status_blank")))
    if any(key == "invalid" for _, key in counts):
        statuses.append(("invalid", t("master.status_invalid")))
    depts = sorted(departments)
    write_value(ws, row, 0, t("master.dash.by_department"), st.subtitle)
    row += 1
    table_top = row
    book.header(ws, row, [TASKS.column("department").header(lang), *(label for _, label in statuses),
                           t("master.col.total")])
    for dept in depts:
        row += 1
        write_value(ws, row, 0, dept)
        for c, (key, _) in enumerate(statuses, start=1):
            write_value(ws, row, c, counts.get((dept, key), 0))
        write_value(ws, row, len(statuses) + 1, sum(counts.get((dept, k), 0) for k, _ in statuses),
                     st.get("int", bold=True))
    if depts:
        chart = book.wb.add_chart({"type": "column", "subtype": "stacked"})
        for c, (key, _) in enumerate(statuses, start=1):
            chart.add_series({
                "name": [sheet, table_top, c],
                "categories": [sheet, table_top + 1, 0, row, 0],
                "values": [sheet, table_top + 1, c, row, c],
                "fill": {"color": STATUS_COLOURS.get(key, "#5B9BD5")},
            })
        chart.set_title({"name": t("master.dash.by_department"), "name_font": {"size": 12}})
        chart.set_legend({"position": "bottom"})
        chart.set_size({"width": 600, "height": 300})
        ws.insert_chart(3, 0, chart)
    row += 2

    # flags
    write_value(ws, row, 0, t("master.dash.by_flag"), st.subtitle)
    row += 1
    flag_top = row
    book.header(ws, row, [t("master.dash.by_flag"), t("master.dash.count")])
    for key, count in flags_count.items():
        row += 1
        write_value(ws, row, 0, t(f"master.flag.{key}"))
        write_value(ws, row, 1, count)
    bar = book.wb.add_chart({"type": "bar"})
    bar.add_series({
        "name": [sheet, flag_top, 1],
        "categories": [sheet, flag_top + 1, 0, row, 0],
        "values": [sheet, flag_top + 1, 1, row, 1],
        "fill": {"color": "#ED7D31"},
        "data_labels": {"value": True},
    })
    bar.set_title({"name": t("master.dash.by_flag"), "name_font": {"size": 12}})
    bar.set_legend({"none": True})
    bar.set_y_axis({"reverse": True})
    bar.set_x_axis({"min": 0, "major_unit": max(1, math.ceil(max(flags_count.values(), default=0) / 5)),
                    "num_format": "0"})
    bar.set_size({"width": 480, "height": 300})
    ws.insert_chart(3, 0, bar, {"x_offset": 620})
    row += 2

    # project health
    write_value(ws, row, 0, t("master.dash.projects"), st.subtitle)
    row += 1
    book.header(ws, row, [PROJECTS.column("project").header(lang), t("master.col.rag"),
                           t("master.col.task_count"), t("master.col.done_count"),
                           t("master.col.overdue_count"), t("master.col.reasons")])
    for health in book.analysis.projects:
        row += 1
        fill = RAG_FILLS.get(health.rag)
        write_value(ws, row, 0, health.project)
        write_value(ws, row, 1, book.rag_label(health.rag), st.get("text", fill, bold=True))
        write_value(ws, row, 2, health.tasks)
        write_value(ws, row, 3, health.done)
        write_value(ws, row, 4, health.overdue)
        # one line, overflowing into the empty cells to its right
        write_value(ws, row, 5, "; ".join(reason_text(r, book.lang) for r in health.reasons))
    row += 2

    # legend
    write_value(ws, row, 0, t("master.dash.legend"), st.subtitle)
    for key in FILL_ORDER:
        row += 1
        ws.write_blank(row, 0, None, st.get("text", FILLS[key]))
        write_value(ws, row, 1, t(f"master.legend.{key}"))
    row += 1
    write_value(ws, row, 1, t("master.legend.heat"))

    if book.analysis.warnings:
        row += 2
        write_value(ws, row, 0, t("master.dash.notes"), st.subtitle)
        for warning in book.analysis.warnings:
            row += 1
            write_value(ws, row, 0, reason_text(warning, book.lang))
    ws.activate()
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
