"""The Dashboard: what a leader reads first, on one printed page.

Top: the title, one line of headline counts, and one tile per project (its colour word and name,
one wrapped line of why). Below, two panels side by side:

- left: the worst overdue and at-risk tasks (owner, days late, flags in words), milestones due
  in the next two weeks or failed / pending past due, data quality per input file;
- right: the flag counts in the Tasks colours (the chart's data and a legend), KPI attainment,
  what changed since the last run, tasks by department and status.

At the bottom, two native charts whose colours carry the same meaning as the Tasks row fills.
The sheet is laid out in a `Grid` first (two panels share rows) and written row by row.
"""
from __future__ import annotations

import heapq
import math
from collections import Counter
from datetime import date, timedelta
from typing import Any

from ... import i18n
from ...present.flags import flag_text
from ...present.labels import reason_text
from ...present.marks import row_mark
from ...present.palette import (FILLS, GREEN, HEADER_FILL, LINES, RAG_FILLS, RISK_FILLS, STATUS_COLOURS,
                                STATUS_LINES)
from ...analyze.tasks import status_invalid
from ...present.summary import count_flags, data_line
from ...results import MilestoneView, TaskView
from ...schema import KPIS, MILESTONES, STATUS, TASKS
from .book import DATE_FORMAT, MasterBook
from .grid import Grid

# columns: left panel A–G, a gutter, right panel I–P
WIDTHS = (9, 22, 9, 7, 11, 8, 8, 1.5, 20, 7, 7, 9, 7, 7, 7, 8)
LEFT, RIGHT = 0, 8
TILES_PER_ROW = 6             # project tiles side by side before a second row of tiles
TOP_TASKS = 5                 # overdue and at-risk tasks listed
KPI_ROWS = 5                  # KPIs listed, not met (worst attainment) first
MILESTONE_DAYS = 14           # milestones due within this many calendar days are listed
STALE_DAYS = 7                # a department file not saved for this many days is marked stale
CHART_ROWS = 6                # rows under the panels kept for the charts
WHY_SIZE = 9.5               # the one line of why in a project tile
HEAD_SIZE = 9                 # table headers in a smaller font keep to one line
PX_PER_UNIT = 7               # pixels of a column-width unit (Calibri 11), plus 5 of padding per column


class _Formats:
    """The Dashboard's own formats (bordered table cells, tiles), created once."""

    def __init__(self, book: MasterBook):
        self.wb = book.wb
        self._cache: dict[tuple, Any] = {}

    def __call__(self, kind: str = "text", fill: str | None = None, *, bold: bool = False, size: float | None = None,
                 border: bool = True, colour: str | None = None, align: str | None = None) -> Any:
        key = (kind, fill, bold, size, border, colour, align)
        fmt = self._cache.get(key)
        if fmt is None:
            props: dict[str, Any] = {"valign": "top", "text_wrap": True}
            if kind == "date":
                props["num_format"] = DATE_FORMAT
            elif kind == "datetime":
                props["num_format"] = "yyyy-mm-dd hh:mm"
            elif kind == "percent":
                props["num_format"] = "0%"
            elif kind == "int":
                props["num_format"] = "0"
            if fill:
                props.update({"bg_color": fill, "pattern": 1})
            if bold:
                props["bold"] = True
            if size:
                props["font_size"] = size
            if border:
                props.update({"border": 1, "border_color": "#BFBFBF"})
            if colour:
                props["font_color"] = colour
            if align:
                props["align"] = align
            fmt = self.wb.add_format(props)
            self._cache[key] = fmt
        return fmt


class _Panel:
    """A column range of the grid filled top to bottom: a section title, a header row, rows."""

    def __init__(self, book: MasterBook, grid: Grid, fmt: _Formats, col: int, row: int):
        self.book, self.grid, self.fmt, self.col, self.row = book, grid, fmt, col, row

    def section(self, title: str) -> None:
        self.grid.put(self.row, self.col, title, self.fmt(bold=True, border=False, colour="#1F3864"), 8, fit=True)
        self.row += 1

    def line(self, text: str, span: int = 7, **style: Any) -> None:
        self.grid.put(self.row, self.col, text, self.fmt(border=False, **style), span, fit=True,
                      size=style.get("size") or 11)
        self.row += 1

    def cells(self, cells: list[tuple[Any, int, Any]], size: float = 11) -> int:
        """One row of (value, span, format); returns its row."""
        c = self.col
        for value, span, fmt in cells:
            self.grid.put(self.row, c, value, fmt, span, fit=True, size=size)
            c += span
        self.row += 1
        return self.row - 1

    def header(self, titles: list[tuple[str, int]]) -> int:
        head = self.fmt(fill=HEADER_FILL, bold=True, size=HEAD_SIZE)
        return self.cells([(title, span, head) for title, span in titles], size=HEAD_SIZE)

    def gap(self) -> None:
        self.grid.gap(self.row)
        self.row += 1


def write_dashboard(book: MasterBook) -> None:
    t, lang = book.t, book.lang
    ws = book.wb.add_worksheet(t("master.sheet.dashboard"))
    fmt = _Formats(book)
    grid = Grid(WIDTHS)
    analysis = book.analysis
    flags = count_flags(analysis)

    # title, the headline counts, the project tiles
    grid.put(0, 0, t("dash.title", as_of=book.as_of.isoformat()), fmt(bold=True, size=14, border=False), 16)
    grid.height(0, 20)
    rag = Counter(h.rag for h in analysis.projects)
    rag_line = t("dash.rag_counts", red=rag["red"], amber=rag["amber"], green=rag["green"])
    if rag["unknown"]:   # a project whose tasks have data issues is never shown green
        rag_line += t("dash.rag_unknown", count=rag["unknown"])
    summary = "  |  ".join((rag_line,
                            t("master.summary", tasks=len(analysis.tasks), overdue=flags.overdue,
                              due_soon=flags.due_soon, behind=flags.behind, overloaded=flags.overloaded,
                              blocked=flags.blocked)))
    grid.put(1, 0, summary, fmt(bold=True, border=False), 16, fit=True)
    grid.gap(2)
    row = 3
    per_row = min(max(len(analysis.projects), 1), TILES_PER_ROW)
    tiles = tile_spans(WIDTHS, per_row)
    for i, health in enumerate(analysis.projects):
        col, span = tiles[i % per_row]
        if i and i % per_row == 0:
            row += 3
        fill = RAG_FILLS.get(health.rag)
        grid.put(row, col, f"{book.rag_label(health.rag)} · {health.project}",
                 fmt(fill=fill, bold=True, size=12), span, fit=True)
        grid.put(row + 1, col, _why(book, health), fmt(fill=fill, size=WHY_SIZE), span, fit=True, size=WHY_SIZE)
        grid.height(row, 20)
    grid.gap(row + 2)
    row += 3

    left = _Panel(book, grid, fmt, LEFT, row)
    right = _Panel(book, grid, fmt, RIGHT, row)
    _top_tasks(left)
    left.gap()
    _milestones(left)
    left.gap()
    _data_quality(left)
    left.gap()
    status_chart_row = left.row

    done = book.task_values()["status"].count("done")      # the values read once for every sheet
    flag_cells = _flag_strip(right, flags, done)
    flag_chart_row = right.row
    right.row += CHART_ROWS
    right.line(t("dash.flag_legend"), colour="#595959", size=9)
    right.gap()
    _kpis(right)
    right.gap()
    _changes(right)
    right.gap()
    dept_table = _departments(right)

    # the department chart beside its table: down to the table's end, at least CHART_ROWS tall
    status_rows = max(CHART_ROWS, right.row - status_chart_row)
    left.row += status_rows
    last = max(left.row, right.row)
    if analysis.warnings:
        notes = "; ".join(reason_text(w, lang) for w in analysis.warnings)
        grid.put(last, 0, f"{t('master.dash.notes')}: {notes}", fmt(border=False), len(WIDTHS), fit=True)
    grid.write(ws)
    sheet = ws.get_name()
    _flag_chart(book, ws, sheet, flag_cells, flag_chart_row, _rows_pixels(grid, flag_chart_row), _flag_items(flags, done))
    if dept_table is not None:
        _status_chart(book, ws, sheet, dept_table, status_chart_row,
                      _rows_pixels(grid, status_chart_row, status_rows))
    ws.activate()
    ws.hide_gridlines(2)
    book.print_setup(ws, WIDTHS, last_row=last, header_rows=0, landscape=True,
                     one_page=True, gridlines=False)


def tile_spans(widths: tuple[float, ...], count: int) -> list[tuple[int, int]]:
    """(first column, span) of `count` tiles side by side over all the columns, the widest tile as
    narrow as the columns allow (the linear partition, by dynamic programming)."""
    n = len(widths)
    count = max(1, min(count, n))
    prefix = [0.0]
    for w in widths:
        prefix.append(prefix[-1] + w)
    inf = float("inf")
    target = prefix[-1] / count
    best = [[inf] * (n + 1) for _ in range(count + 1)]     # best[k][j]: first j columns in k tiles
    cut = [[0] * (n + 1) for _ in range(count + 1)]
    best[0][0] = 0.0
    for k in range(1, count + 1):
        for j in range(k, n + 1):
            for i in range(k - 1, j):
                cost = max(best[k - 1][i], abs(prefix[j] - prefix[i] - target))
                if cost < best[k][j]:
                    best[k][j], cut[k][j] = cost, i
    spans, j = [], n
    for k in range(count, 0, -1):
        i = cut[k][j]
        spans.append((i, j - i))
        j = i
    return spans[::-1]


def _why(book: MasterBook, health: Any) -> str:
    """The first reason (red ones come first), and how many more the Projects sheet lists."""
    if not health.reasons:
        return ""
    why = reason_text(health.reasons[0], book.lang)
    more = len(health.reasons) - 1
    return f"{why} {book.t('dash.more_reasons', count=more)}" if more else why


def _late_order(view: TaskView) -> tuple:
    f = view.flags
    return (not f.overdue, -f.days_late, not f.blocked, -(f.behind_points or 0.0),
            f.days_left if f.days_left is not None else 99, not f.overloaded)


def top_tasks(flagged: list[TaskView], count: int = TOP_TASKS) -> list[TaskView]:
    """`sorted(flagged, key=_late_order)[:count]` without sorting them all: nsmallest keeps the
    sort's order of equal keys, and when `count` are overdue only overdue ones can come first."""
    late = [v for v in flagged if v.flags.overdue]
    return heapq.nsmallest(count, late if len(late) >= count else flagged, key=_late_order)


def _top_tasks(p: _Panel) -> None:
    book, fmt, t = p.book, p.fmt, p.book.t
    flagged = [v for v in book.analysis.tasks if v.flags.any]
    p.section(t("dash.late"))
    if not flagged:
        p.line(t("dash.late.none"))
        return
    top = top_tasks(flagged)
    p.header([(TASKS.column("id").header(book.lang), 1), (TASKS.column("title").header(book.lang), 1),
              (TASKS.column("owner").header(book.lang), 1), (t("dash.col.days_late"), 1),
              (book.t("master.col.flags"), 3)])
    for view in top:
        values, f = view.record.values, view.flags
        fill = FILLS.get(row_mark(view) or "")
        p.cells([(values.get("id"), 1, fmt(fill=fill, bold=True)), (values.get("title"), 1, fmt(fill=fill)),
                 (values.get("owner"), 1, fmt(fill=fill)),
                 (f.days_late if f.overdue else None, 1, fmt("int", fill, align="center")),
                 (flag_text(f, book.lang), 3, fmt(fill=fill))])
    if len(flagged) > TOP_TASKS:
        p.line(t("dash.late.more", count=len(flagged) - TOP_TASKS), colour="#595959")


def _milestones(p: _Panel) -> None:
    book, fmt, t, as_of = p.book, p.fmt, p.book.t, p.book.as_of
    soon = as_of + timedelta(days=MILESTONE_DAYS)
    listed: list[tuple[int, date, MilestoneView, str, str | None]] = []
    for ms in book.analysis.milestones:
        values = ms.record.values
        status, due = values.get("status"), values.get("due")
        day = due if isinstance(due, date) else as_of
        if status == "failed":
            listed.append((0, day, ms, t("dash.ms.failed"), FILLS["overdue"]))
        elif ms.overdue:
            listed.append((1, day, ms, t("dash.ms.late"), FILLS["amber"]))
        elif status != "passed" and isinstance(due, date) and as_of <= due <= soon:
            listed.append((2, due, ms, t("dash.ms.soon", days=(due - as_of).days), None))
    p.section(t("dash.milestones"))
    if not listed:
        p.line(t("dash.milestones.none"))
        return
    p.header([(MILESTONES.column("milestone").header(book.lang), 2), (MILESTONES.column("project").header(book.lang), 2),
              (MILESTONES.column("due").header(book.lang), 1), (t("dash.col.state"), 2)])
    for _, _, ms, state, fill in sorted(listed, key=lambda x: (x[0], x[1])):
        values = ms.record.values
        p.cells([(values.get("milestone"), 2, fmt(fill=fill, bold=True)), (values.get("project"), 2, fmt(fill=fill)),
                 (values.get("due"), 1, fmt("date", fill)), (state, 2, fmt(fill=fill))])


def _data_quality(p: _Panel) -> None:
    book, fmt, t = p.book, p.fmt, p.book.t
    p.section(t("dash.quality"))
    if book.run is not None:    # what the run could not use: files without tasks, skipped rows, data issues
        p.line(data_line(book.run, book.lang, "master.dash.data"), colour="#595959", size=9)
    p.header([(t("dash.col.file"), 2), (t("dash.col.rows"), 1), (t("dash.col.errors"), 1),
              (t("dash.col.warnings"), 1), (t("dash.col.saved"), 2)])
    for report in book.files:
        name = report.file if not report.department or report.file.startswith(report.department) \
            else f"{report.department} · {report.file}"
        if not report.readable:
            name = f"{name} ({t('dash.unreadable')})"
        saved = report.modified.date() if report.modified is not None else None
        stale = saved is not None and (book.as_of - saved).days > STALE_DAYS
        p.cells([(name, 2, fmt(fill=None if report.readable else FILLS["overdue"])),
                 (report.rows, 1, fmt("int")),
                 (report.errors, 1, fmt("int", FILLS["overdue"] if report.errors else None)),
                 (report.warnings, 1, fmt("int", FILLS["amber"] if report.warnings else None)),
                 (saved, 2, fmt("date", FILLS["amber"] if stale else None, align="left"))])


def _flag_strip(p: _Panel, flags: Any, done: int) -> tuple[int, int, int]:
    """The flag counts in a row, each header in its Tasks colour: the chart's data and legend."""
    book, fmt, t = p.book, p.fmt, p.book.t
    p.section(t("master.dash.by_flag"))
    items = _flag_items(flags, done)
    head = p.cells([(t("master.col.task_count"), 1, fmt(fill=HEADER_FILL, bold=True, size=HEAD_SIZE))]
                   + [(t(label), 1, fmt(fill=fill, bold=True, align="center", size=HEAD_SIZE))
                      for label, _, fill, _ in items], size=HEAD_SIZE)
    p.cells([(len(book.analysis.tasks), 1, fmt("int", bold=True, align="center"))]
            + [(count, 1, fmt("int", fill, bold=True, size=14, align="center")) for _, count, fill, _ in items])
    return head, p.col + 1, p.col + len(items)


def _flag_items(flags: Any, done: int) -> list[tuple[str, int, str, str]]:
    """(label key, count, fill, outline) per bar, in the colours of the Tasks rows."""
    return [("master.flag.overdue", flags.overdue, FILLS["overdue"], LINES["overdue"]),
            ("master.flag.blocked", flags.blocked, FILLS["blocked"], LINES["blocked"]),
            ("master.flag.overloaded", flags.overloaded, FILLS["overloaded"], LINES["overloaded"]),
            ("master.flag.due_soon", flags.due_soon, FILLS["amber"], LINES["amber"]),
            ("master.flag.behind", flags.behind, FILLS["amber"], LINES["amber"]),
            ("master.flag.high_risk", flags.high_risk, RISK_FILLS["high"], LINES["overdue"]),
            ("master.legend.done", done, FILLS["done"], LINES["done"])]


def _kpis(p: _Panel) -> None:
    book, fmt, t = p.book, p.fmt, p.book.t
    measured = [k for k in book.analysis.kpis if k.met is not None]
    p.section(t("dash.kpis"))
    if not measured:
        p.line(t("dash.kpis.none"))
    else:
        p.header([(KPIS.column("kpi").header(book.lang), 2), (t("dash.col.target"), 1), (t("dash.col.actual"), 1),
                  (t("dash.col.attained"), 1), (t("dash.col.met"), 1), (KPIS.column("project").header(book.lang), 2)])
        worst_first = sorted(measured, key=lambda k: (bool(k.met), k.attainment if k.attainment is not None else 0.0))
        for kpi in worst_first[:KPI_ROWS]:
            values = kpi.record.values
            fill = GREEN if kpi.met else FILLS["overdue"]
            unit = values.get("unit")
            name = f"{values.get('kpi')} ({unit})" if unit else values.get("kpi")
            p.cells([(name, 2, fmt()), (values.get("target"), 1, fmt("number")), (values.get("actual"), 1, fmt("number")),
                     (None if kpi.attainment is None else kpi.attainment / 100.0, 1, fmt("percent", fill)),
                     (t("master.yes" if kpi.met else "master.no"), 1, fmt(fill=fill, bold=True)),
                     (values.get("project"), 2, fmt())])
    notes = []
    if len(measured) > KPI_ROWS:
        notes.append(t("dash.kpis.more", count=len(measured) - KPI_ROWS))
    unmeasured = len(book.analysis.kpis) - len(measured)
    if unmeasured:
        notes.append(t("dash.kpis.unmeasured", count=unmeasured))
    if notes:
        p.line(" · ".join(notes), colour="#595959")


def _changes(p: _Panel) -> None:
    book, fmt, t = p.book, p.fmt, p.book.t
    since = book.compared_with
    p.section(t("dash.changes", since=since.as_of.isoformat()) if since else t("dash.changes.first"))
    if not book.changes:
        p.line(t("dash.changes.none"))
        return
    by_kind: dict[str, list[str]] = {}
    for change in book.changes:
        by_kind.setdefault(change.kind, []).append(change.task_id)
    fills = {"completed": FILLS["done"], "slipped": FILLS["amber"], "newly_overdue": FILLS["overdue"], "new": GREEN}
    for kind, ids in by_kind.items():
        label_key = f"master.change.{kind}"
        label = t(label_key) if label_key in i18n.TEXT else kind
        shown = ", ".join(ids[:12]) + (", …" if len(ids) > 12 else "")
        p.cells([(label, 1, fmt(fill=fills.get(kind), bold=True)), (len(ids), 1, fmt("int", align="center")),
                 (shown, 6, fmt())])


def _departments(p: _Panel) -> tuple[int, int, int, list[str]] | None:
    """Tasks by department and status; returns (header row, first and last data row, status keys)."""
    book, fmt, t, lang = p.book, p.fmt, p.book.t, p.book.lang
    statuses = [(ch.key, ch.label(lang)) for ch in STATUS]
    # each task's department (`book.task_department`) and status, from the values read once
    got = book.task_values()
    tasks = book.analysis.tasks
    depts_of = [str(d) if d else book.task_department(v) for d, v in zip(got["department"], tasks)]
    status_of = [s or ("invalid" if status_invalid(v.record) else "") for s, v in zip(got["status"], tasks)]
    counts: Counter = Counter(zip(depts_of, status_of))
    departments = dict.fromkeys(depts_of)
    blank, invalid = any(key == "" for _, key in counts), any(key == "invalid" for _, key in counts)
    if blank and invalid:    # one column for both, so the table keeps to the panel's eight columns
        for (dept, key), n in list(counts.items()):
            if key == "":
                counts[(dept, "invalid")] += n
                del counts[(dept, key)]
        statuses.append(("invalid", t("dash.status_unknown")))
    elif blank:
        statuses.append(("", t("master.status_blank")))
    elif invalid:
        statuses.append(("invalid", t("master.status_invalid")))
    p.section(t("master.dash.by_department"))
    head = p.header([(TASKS.column("department").header(lang), 1), *((label, 1) for _, label in statuses),
                     (t("master.col.total"), 1)])
    depts = sorted(departments)
    first = p.row
    for dept in depts:
        p.cells([(dept, 1, fmt()), *((counts.get((dept, key), 0), 1, fmt("int", align="center")) for key, _ in statuses),
                 (sum(counts.get((dept, k), 0) for k, _ in statuses), 1, fmt("int", bold=True, align="center"))])
    if not depts:
        return None
    return head, first, p.row - 1, [key for key, _ in statuses]


def _rows_pixels(grid: Grid, first: int, count: int = CHART_ROWS) -> int:
    """The height in pixels of `count` rows from `first` (as tall as the other panel made them)."""
    points = sum(grid.heights.get(r) or 15.0 for r in range(first, first + count))
    return int(points * 4 / 3) - 4


def _panel_pixels(first: int, last: int) -> int:
    return int(sum(WIDTHS[first:last + 1]) * PX_PER_UNIT + 5 * (last - first + 1))


def _flag_chart(book: MasterBook, ws: Any, sheet: str, cells: tuple[int, int, int], row: int, height: int,
                items: list[tuple[str, int, str, str]]) -> None:
    head, first, last = cells
    bar = book.wb.add_chart({"type": "column"})
    bar.add_series({
        "name": book.t("master.dash.by_flag"),
        "categories": [sheet, head, first, head, last],
        "values": [sheet, head + 1, first, head + 1, last],
        "points": [{"fill": {"color": fill}, "border": {"color": line}} for _, _, fill, line in items],
        "data_labels": {"value": True},
    })
    bar.set_title({"none": True})       # the strip above names it
    bar.set_legend({"none": True})
    top = max((c for _, c, _, _ in items), default=0)
    bar.set_y_axis({"min": 0, "major_unit": max(1, math.ceil(top / 4)), "num_format": "0",
                    "major_gridlines": {"visible": True, "line": {"color": "#E7E6E6"}}})
    bar.set_size({"width": _panel_pixels(RIGHT, len(WIDTHS) - 1), "height": height})
    ws.insert_chart(row, RIGHT, bar)


def _status_chart(book: MasterBook, ws: Any, sheet: str, table: tuple[int, int, int, list[str]], row: int,
                  height: int) -> None:
    head, first, last, keys = table
    chart = book.wb.add_chart({"type": "bar", "subtype": "stacked"})
    for i, key in enumerate(keys, start=1):
        chart.add_series({
            "name": [sheet, head, RIGHT + i],
            "categories": [sheet, first, RIGHT, last, RIGHT],
            "values": [sheet, first, RIGHT + i, last, RIGHT + i],
            "fill": {"color": STATUS_COLOURS.get(key, "#FFFFFF")},
            "border": {"color": STATUS_LINES.get(key, "#7F7F7F")},
            "gap": 60,
        })
    chart.set_title({"none": True})     # the table beside it names it
    chart.set_legend({"position": "top", "font": {"size": 8}})
    chart.set_y_axis({"reverse": True, "interval_unit": 1, "num_font": {"size": 8}})
    chart.set_x_axis({"num_font": {"size": 8}, "major_gridlines": {"visible": True, "line": {"color": "#E7E6E6"}}})
    chart.set_size({"width": _panel_pixels(LEFT, RIGHT - 2), "height": height})
    ws.insert_chart(row, LEFT, chart)
