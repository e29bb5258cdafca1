"""The Timeline sheet: tasks by project against weeks, as MS Project users expect a plan to look.

One row per task, grouped under its project (the project row in its RAG colour); one column per
ISO week. A task's bar fills the weeks from its start to its due date in its Tasks row colour
(open and on track: blue); an overdue task's bar runs on, hatched red, to the as-of week; the
as-of week is the column with the thick red border. Milestones of the project follow its tasks
as ◆ in the week they are due, coloured by acceptance (failed red, passed green, past due amber).
Plain cell fills, so it looks the same in Excel, LibreOffice and on paper.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import Any

from ...present.marks import row_mark
from ...present.palette import FILL_ORDER, FILLS, GREEN, HEADER_FILL, LINES, RAG_FILLS
from ...schema import MILESTONES, TASKS
from .book import DATE_FORMAT, MasterBook, row_height, wrapped_lines, write_value
from .fast_rows import row_writer

MAX_WEEKS = 40                # weeks shown; a longer plan shows the weeks around the as-of date
WEEKS_BEFORE = 12             # … starting this many weeks before the as-of week
WEEK_WIDTH = 5
WIDTHS = [9, 30, 10, 10]      # ID, task / milestone, owner, due
FONT_SCALE = 1.1              # 10 pt text: a column holds a tenth more than at 11 pt
BAR = "#9DC3E6"               # open and on track
MILESTONE_FILLS = {"failed": FILLS["overdue"], "passed": GREEN, "late": FILLS["amber"], "pending": "#FFFFFF"}


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def week_range(book: MasterBook) -> list[date]:
    """The Mondays shown: from the earliest start to the latest due (or the as-of week)."""
    days = [book.as_of]
    for view in book.analysis.tasks:
        days += [d for d in (view.record.values.get("start"), view.record.values.get("due")) if isinstance(d, date)]
    for ms in book.analysis.milestones:
        due = ms.record.values.get("due")
        if isinstance(due, date):
            days.append(due)
    first, last = monday(min(days)), monday(max(days))
    weeks = (last - first).days // 7 + 1
    if weeks > MAX_WEEKS:
        first = max(first, monday(book.as_of) - timedelta(weeks=WEEKS_BEFORE))
        weeks = min((last - first).days // 7 + 1, MAX_WEEKS)
    return [first + timedelta(weeks=i) for i in range(weeks)]


def week_index_of(weeks: list[date], week: date) -> int:
    """The column index of the week starting on Monday `week` (may be outside the range shown)."""
    return (week - weeks[0]).days // 7 if weeks else -1


class _Formats:
    def __init__(self, book: MasterBook):
        self.wb = book.wb
        self._cache: dict[tuple, Any] = {}

    def __call__(self, fill: str | None = None, *, now: bool = False, pattern: int = 1, colour: str | None = None,
                 bold: bool = False, kind: str = "text", align: str | None = None, wrap: bool = False) -> Any:
        key = (fill, now, pattern, colour, bold, kind, align, wrap)
        fmt = self._cache.get(key)
        if fmt is None:
            props: dict[str, Any] = {"valign": "top", "font_size": 10}
            if fill and pattern == 1:
                props.update({"bg_color": fill, "pattern": 1})
            elif fill:
                props.update({"fg_color": fill, "bg_color": "#FFFFFF", "pattern": pattern})
            if now:
                props.update({"left": 2, "right": 2, "left_color": LINES["overdue"], "right_color": LINES["overdue"]})
            if colour:
                props["font_color"] = colour
            if bold:
                props["bold"] = True
            if kind == "date":
                props["num_format"] = DATE_FORMAT
            if align:
                props["align"] = align
            if wrap:
                props["text_wrap"] = True
            fmt = self.wb.add_format(props)
            self._cache[key] = fmt
        return fmt


def write_timeline(book: MasterBook) -> None:
    t, lang = book.t, book.lang
    ws = book.wb.add_worksheet(t("master.sheet.timeline"))
    fmt = _Formats(book)
    weeks = week_range(book)
    first_col = len(WIDTHS)
    col_of = {w: first_col + i for i, w in enumerate(weeks)}
    now = monday(book.as_of)
    widths = WIDTHS + [WEEK_WIDTH] * len(weeks)
    for c, width in enumerate(widths):
        ws.set_column(c, c, width)

    # header: the week number over its Monday; the as-of week in red
    heads = [TASKS.column("id").header(lang), t("timeline.col.item"), TASKS.column("owner").header(lang),
             TASKS.column("due").header(lang)]
    ws.set_row(0, 30)
    head = book.wb.add_format({"bold": True, "bg_color": HEADER_FILL, "border": 1, "text_wrap": True,
                               "valign": "top", "font_size": 10})
    for c, text in enumerate(heads):
        write_value(ws, 0, c, text, head)
    now_head = book.wb.add_format({"bold": True, "bg_color": LINES["overdue"], "font_color": "#FFFFFF",
                                   "border": 1, "text_wrap": True, "valign": "top", "font_size": 8})
    week_head = book.wb.add_format({"bg_color": HEADER_FILL, "border": 1, "text_wrap": True, "valign": "top",
                                    "font_size": 8})
    for w, c in col_of.items():
        write_value(ws, 0, c, f"W{w.isocalendar()[1]:02d}\n{w:%m-%d}", now_head if w == now else week_head)
    ws.freeze_panes(1, 2)

    tasks_of: dict[str, list] = defaultdict(list)
    for view in book.analysis.tasks:
        tasks_of[str(view.record.values.get("project") or "—").strip()].append(view)
    milestones_of: dict[str, list] = defaultdict(list)
    for ms in book.analysis.milestones:
        milestones_of[str(ms.record.values.get("project") or "—").strip()].append(ms)
    health = {h.project: h for h in book.analysis.projects}
    projects = list(dict.fromkeys([h.project for h in book.analysis.projects] + list(tasks_of) + list(milestones_of)))
    ms_labels = {ch.key: ch.label(lang) for ch in MILESTONES.column("status").choices}

    def week_cells(row: int, fills: dict[date, Any], marks: dict[date, str] | None = None) -> None:
        for w, c in col_of.items():
            mark = (marks or {}).get(w)
            cell = fills.get(w)
            if cell is None and w == now:
                cell = fmt(now=True)
            if mark is not None:
                write_value(ws, row, c, mark, cell)
            elif cell is not None:
                ws.write_blank(row, c, None, cell)

    # formats of a bar in each week column (the as-of column has its border), made once per colour
    now_index = week_index_of(weeks, now)
    bars: dict[str, list[Any]] = {}

    def bar_formats(colour: str) -> list[Any]:
        if colour not in bars:
            bars[colour] = [fmt(colour, now=i == now_index) for i in range(len(weeks))]
        return bars[colour]

    def week_index(day: date) -> int:
        return week_index_of(weeks, monday(day))

    overrun = [fmt(LINES["overdue"], now=i == now_index, pattern=13) for i in range(len(weeks))]
    now_only = fmt(now=True)

    row = 0
    for project in projects:
        row += 1
        h = health.get(project)
        fill = RAG_FILLS.get(h.rag) if h else None
        title = f"{project} · {book.rag_label(h.rag)}" if h else project
        ws.merge_range(row, 0, row, first_col - 1, "", fmt(fill, bold=True))
        write_value(ws, row, 0, title, fmt(fill, bold=True))
        week_cells(row, {w: fmt(fill, now=w == now) for w in weeks} if fill else {})

        views = sorted(tasks_of.get(project, []), key=lambda v: (_day(v.record.values.get("start")),
                                                                 _day(v.record.values.get("due"))))
        out = row_writer(ws)    # the bars' cells as row XML (fast_rows): same cells, a fraction of the time
        for view in views:
            row += 1
            values, flags = view.record.values, view.flags
            mark = row_mark(view)
            bar = FILLS.get(mark or "", BAR)
            title = str(values.get("title") or "")
            lines = wrapped_lines(title, WIDTHS[1] * FONT_SCALE)
            if lines > 1:
                ws.set_row(row, row_height(min(lines, 3), title))
            out.write_value(row, 0, values.get("id"), fmt())
            out.write_value(row, 1, title, fmt(wrap=True))
            out.write_value(row, 2, values.get("owner"), fmt())
            out.write_value(row, 3, values.get("due"), fmt(kind="date", colour=LINES["overdue"] if flags.overdue else None,
                                                        bold=flags.overdue))
            start, due = values.get("start"), values.get("due")
            covered = False
            if isinstance(start, date) and isinstance(due, date) and start <= due:
                formats = bar_formats(bar)
                last = min(week_index(due), len(weeks) - 1)
                for i in range(max(week_index(start), 0), last + 1):
                    out.write_blank(row, first_col + i, None, formats[i])
                    covered |= i == now_index
            if flags.overdue and isinstance(due, date):
                for i in range(max(week_index(due) + 1, 0), min(now_index, len(weeks) - 1) + 1):
                    out.write_blank(row, first_col + i, None, overrun[i])
                    covered |= i == now_index
            if not covered and 0 <= now_index < len(weeks):
                out.write_blank(row, first_col + now_index, None, now_only)
        out.close()

        for ms in sorted(milestones_of.get(project, []), key=lambda m: _day(m.record.values.get("due"))):
            row += 1
            values = ms.record.values
            status = values.get("status") or "pending"
            state = "late" if ms.overdue else status
            fill = MILESTONE_FILLS.get(state, "#FFFFFF")
            due = values.get("due")
            write_value(ws, row, 0, "◆", fmt(align="center"))
            write_value(ws, row, 1, values.get("milestone"), fmt(bold=True))
            write_value(ws, row, 2, ms_labels.get(status, status), fmt(fill))
            write_value(ws, row, 3, due, fmt(kind="date"))
            marks = {monday(due): "◆"} if isinstance(due, date) and monday(due) in col_of else {}
            week_cells(row, {w: fmt(fill, now=w == now, align="center", bold=True) for w in marks}, marks)

    last = _legend(book, ws, fmt, row + 2)
    book.print_setup(ws, widths, last_row=last, id_columns=2)


def _legend(book: MasterBook, ws: Any, fmt: Any, row: int) -> int:
    t = book.t
    write_value(ws, row, 1, t("timeline.legend"), fmt(wrap=True))
    ws.set_row(row, row_height(wrapped_lines(t("timeline.legend"), WIDTHS[1]), t("timeline.legend")))
    items = [(BAR, 1, t("timeline.planned"))]
    for key in FILL_ORDER:     # the Tasks row colours, the overdue overrun after overdue
        items.append((FILLS[key], 1, t(f"master.legend.{key}")))
        if key == "overdue":
            items.append((LINES["overdue"], 13, t("timeline.overrun")))
    for fill, pattern, label in items:
        row += 1
        lines = wrapped_lines(label, WIDTHS[1])
        if lines > 1:
            ws.set_row(row, row_height(lines, label))
        ws.write_blank(row, 0, None, fmt(fill, pattern=pattern))
        write_value(ws, row, 1, label, fmt(wrap=True))
    return row


def _day(value: Any) -> date:
    return value if isinstance(value, date) else date.max
