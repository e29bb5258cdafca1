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

from xlsxwriter.utility import xl_col_to_name

from ...present.marks import row_mark
from ...present.palette import FILL_ORDER, FILLS, GREEN, HEADER_FILL, LINES, RAG_FILLS
from ...schema import MILESTONES, TASKS
from .book import DATE_FORMAT, MasterBook, row_height, wrapped_lines, write_value
from .fast_rows import EXCEL_1900, RowWriter, _plain, all_plain, row_writer

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
    got = book.task_values()
    try:
        days = [book.as_of, *(d for d in set(got["start"]) | set(got["due"]) if isinstance(d, date))]
    except TypeError:           # a value that is not hashable
        days = [book.as_of]
        for view in book.analysis.tasks:
            days += [d for d in (view.record.values.get("start"), view.record.values.get("due"))
                     if isinstance(d, date)]
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

    # each task's values read once, in the tasks' order; the rows below pick them by position
    tasks = book.analysis.tasks
    rows = _TaskRows(book, ws, fmt, weeks, week_index_of(weeks, now))
    tasks_of: dict[str, list[int]] = defaultdict(list)
    for i, project in enumerate(rows.projects):
        tasks_of[str(project or "—").strip()].append(i)
    order = _start_due_order(rows.starts, rows.dues)
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

    row = 0
    for project in projects:
        row += 1
        h = health.get(project)
        fill = RAG_FILLS.get(h.rag) if h else None
        title = f"{project} · {book.rag_label(h.rag)}" if h else project
        ws.merge_range(row, 0, row, first_col - 1, "", fmt(fill, bold=True))
        write_value(ws, row, 0, title, fmt(fill, bold=True))
        week_cells(row, {w: fmt(fill, now=w == now) for w in weeks} if fill else {})

        picked = sorted(tasks_of.get(project, []), key=order.__getitem__)     # by start, then due
        out = row_writer(ws)    # the bars' cells as row XML (fast_rows): same cells, a fraction of the time
        if isinstance(out, RowWriter):
            rows.fast(out, row + 1, picked)
        else:
            for i, k in enumerate(picked, start=row + 1):
                rows.plain(out, i, tasks[k])
        row += len(picked)
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


class _TaskRows:
    """A task's row of the Timeline: ID, task, owner, due, then its bar across the week columns."""

    def __init__(self, book: MasterBook, ws: Any, fmt: _Formats, weeks: list[date], now_index: int):
        self.ws, self.fmt, self.weeks, self.now_index = ws, fmt, weeks, now_index
        self.first_col = len(WIDTHS)
        self.first_day = weeks[0].toordinal() if weeks else 0
        self.bars: dict[str, list[Any]] = {}
        self.plain_fmt, self.wrap = fmt(), fmt(wrap=True)
        self.due_fmt = {False: fmt(kind="date"), True: fmt(kind="date", colour=LINES["overdue"], bold=True)}
        self.overrun = [fmt(LINES["overdue"], now=i == now_index, pattern=13) for i in range(len(weeks))]
        self.now_only = fmt(now=True)
        self.tasks = book.analysis.tasks
        self.marks = book.task_marks()
        self.colours = [FILLS.get(m or "", BAR) for m in self.marks]
        got = book.task_values()
        self.projects, self.ids, self.titles, self.owners, self.starts, self.dues = (
            got[k] for k in ("project", "id", "title", "owner", "start", "due"))
        self.late = [v.flags.overdue for v in self.tasks]
        # every format the task rows use, numbered now in one order: the rows may be written
        # cell by cell or column-wise, the numbers are the same
        marks = set(self.marks)
        for colour in dict.fromkeys(FILLS.get(m or "", BAR) for m in (None, *FILL_ORDER) if m in marks):
            self.bar_formats(colour)
        for f in (self.plain_fmt, self.wrap, *self.due_fmt.values(), *self.overrun, self.now_only,
                  *(f for formats in self.bars.values() for f in formats)):
            f._get_xf_index()
        self.templates: dict[str, tuple[str, list[int]]] = {}

    def bar_formats(self, colour: str) -> list[Any]:
        if colour not in self.bars:
            self.bars[colour] = [self.fmt(colour, now=i == self.now_index) for i in range(len(self.weeks))]
        return self.bars[colour]

    def week_index(self, day: date) -> int:
        return week_index_of(self.weeks, monday(day))

    def plain(self, out: Any, row: int, view: Any) -> None:
        """One task's row, cell by cell through a row writer (the reference for `fast`)."""
        ws, weeks, now_index, first_col = self.ws, self.weeks, self.now_index, self.first_col
        values, flags = view.record.values, view.flags
        mark = row_mark(view)
        bar = FILLS.get(mark or "", BAR)
        title = str(values.get("title") or "")
        lines = wrapped_lines(title, WIDTHS[1] * FONT_SCALE)
        if lines > 1:
            ws.set_row(row, row_height(min(lines, 3), title))
        out.write_value(row, 0, values.get("id"), self.fmt())
        out.write_value(row, 1, title, self.fmt(wrap=True))
        out.write_value(row, 2, values.get("owner"), self.fmt())
        out.write_value(row, 3, values.get("due"), self.fmt(kind="date", colour=LINES["overdue"] if flags.overdue
                                                             else None, bold=flags.overdue))
        start, due = values.get("start"), values.get("due")
        covered = False
        if isinstance(start, date) and isinstance(due, date) and start <= due:
            formats = self.bar_formats(bar)
            last = min(self.week_index(due), len(weeks) - 1)
            for i in range(max(self.week_index(start), 0), last + 1):
                out.write_blank(row, first_col + i, None, formats[i])
                covered |= i == now_index
        if flags.overdue and isinstance(due, date):
            for i in range(max(self.week_index(due) + 1, 0), min(now_index, len(weeks) - 1) + 1):
                out.write_blank(row, first_col + i, None, self.overrun[i])
                covered |= i == now_index
        if not covered and 0 <= now_index < len(weeks):
            out.write_blank(row, first_col + now_index, None, self.now_only)

    def _template(self, key: str, formats: list[Any], out: RowWriter) -> tuple[str, list[int]]:
        """Blank cells in every week column with `formats`, "\x00" for the row number, and where
        each cell starts: a row's run of weeks is a slice of it."""
        found = self.templates.get(key)
        if found is None:
            cells = [f'<c r="{xl_col_to_name(self.first_col + i)}\x00"{out.style(f)}/>' for i, f in enumerate(formats)]
            starts = [0]
            for c in cells:
                starts.append(starts[-1] + len(c))
            found = self.templates[key] = ("".join(cells), starts)
        return found

    CHUNK = 2048

    def fast(self, out: RowWriter, first: int, picked: list[int]) -> None:
        """`_fast` a chunk of rows at a time: the tasks at positions `picked`, from row `first` on."""
        for start in range(0, len(picked), self.CHUNK):
            self._fast(out, first + start, picked[start:start + self.CHUNK])

    def _fast(self, out: RowWriter, first: int, picked: list[int]) -> None:
        """The rows `plain` writes for `views` from row `first` on, built as XML: the first four
        cells column-wise, a bar as a slice of a prepared run of cells. A row with a value of
        another kind than text, date or none is written by `plain` (through `CellXml`)."""
        if not picked:
            return
        now_index, first_col = self.now_index, self.first_col
        nweeks = len(self.weeks)
        rows = range(first, first + len(picked))
        refs = [str(r + 1) for r in rows]
        ids = [self.ids[k] for k in picked]
        titles = [str(self.titles[k] or "") for k in picked]
        owners = [self.owners[k] for k in picked]
        starts = [self.starts[k] for k in picked]
        dues = [self.dues[k] for k in picked]
        late = [self.late[k] for k in picked]
        colours = [self.colours[k] for k in picked]
        s_plain, s_wrap = out.style(self.plain_fmt), out.style(self.wrap)
        s_due = {k: out.style(f) for k, f in self.due_fmt.items()}
        texts = _cells("A", ids, refs, s_plain)
        names = _cells("B", titles, refs, s_wrap)
        whos = _cells("C", owners, refs, s_plain)
        serials: dict[date, str] = {}
        for d in set(d for d in dues if type(d) is date):
            serial = float(d.toordinal() - EXCEL_1900)
            serials[d] = f"{serial + 1 if serial > 59 else serial:.16G}"
        due_cells: list[Any] = [f'<c r="D{n}"{s_due[bool(x)]}><v>{serials[d]}</v></c>' if type(d) is date
                     else f'<c r="D{n}"{s_due[bool(x)]}/>' if d is None else None
                     for d, n, x in zip(dues, refs, late)]
        index: dict[date, int] = {}
        for d in set(d for d in (*starts, *dues) if type(d) is date):
            index[d] = (d.toordinal() - d.weekday() - self.first_day) // 7
        over_tpl, over_at = self._template("overrun", self.overrun, out)
        now_cell = (f'<c r="{xl_col_to_name(first_col + now_index)}\x00"{out.style(self.now_only)}/>'
                    if 0 <= now_index < nweeks else "")
        cell = out.cell_xml()
        usable = WIDTHS[1] * FONT_SCALE - 0.8
        # `wrapped_lines` is 1 without a line break for a text half as long as the column, or an
        # ASCII text as long: only the others are measured
        for j in [j for j, t in enumerate(titles)
                  if "\n" in t or (len(t) * 2 > usable and (len(t) > usable or not t.isascii()))]:
            lines = wrapped_lines(titles[j], WIDTHS[1] * FONT_SCALE)
            if lines > 1:
                out.set_height(rows[j], row_height(min(lines, 3), titles[j]))
        plain = {j for j, (a, b, c, d) in enumerate(zip(texts, names, whos, due_cells))
                 if a is None or b is None or c is None or d is None}
        plain.update(j for j, (st, du) in enumerate(zip(starts, dues))
                     if not (type(st) is date or st is None) or not (type(du) is date or du is None))
        heads = None if plain else list(map("".join, zip(texts, names, whos, due_cells)))
        lows: list[Any] = [index[st] if type(st) is date else None for st in starts]
        highs: list[Any] = [index[du] if type(du) is date else None for du in dues]
        templates = self.templates
        parts = []
        max_col = 3
        last_week = nweeks - 1
        for j, n in enumerate(refs):
            if j in plain:
                self.plain(cell.at(rows[j]), rows[j], self.tasks[picked[j]])
                row_cells = cell.take()
                if cell.last_col > max_col:
                    max_col = cell.last_col
                parts.append(f'<row r="{n}"{out.row_open(rows[j])}{row_cells}</row>' if row_cells else "")
                continue
            week = ""
            hi = -1
            covered = False
            lo, due_at = lows[j], highs[j]
            if lo is not None and due_at is not None and starts[j] <= dues[j]:
                lo, hi = max(lo, 0), min(due_at, last_week)
                if lo <= hi:
                    colour = colours[j]
                    tpl, at = templates.get(colour) or self._template(colour, self.bar_formats(colour), out)
                    week = tpl[at[lo]:at[hi + 1]]
                    covered = lo <= now_index <= hi
                else:
                    hi = -1
            if due_at is not None and late[j]:
                lo2, hi2 = max(due_at + 1, 0), min(now_index, last_week)
                if lo2 <= hi2:
                    week += over_tpl[over_at[lo2]:over_at[hi2 + 1]]
                    covered = covered or lo2 <= now_index <= hi2
                    hi = hi2
            if not covered and now_cell:
                if hi < now_index:
                    week += now_cell
                    hi = now_index
                else:
                    week = now_cell + week
            if hi >= 0 and first_col + hi > max_col:
                max_col = first_col + hi
            head = heads[j] if heads is not None else "".join((texts[j], names[j], whos[j], due_cells[j]))
            parts.append(f'<row r="{n}"{out.row_open(rows[j])}{head}{week.replace(chr(0), n)}</row>')
        out.write_rows(rows[0], rows[-1], "".join(parts), 0, max_col)


def _cells(letter: str, xs: list[Any], refs: list[str], style: str) -> list[Any]:
    """`write_value(x, fmt)` of plain texts and nothing (a blank cell); None for anything else."""
    if all_plain(xs):
        return [f'<c r="{letter}{n}"{style} t="inlineStr"><is><t>{x}</t></is></c>' for x, n in zip(xs, refs)]
    return [f'<c r="{letter}{n}"{style} t="inlineStr"><is><t>{x}</t></is></c>' if type(x) is str and x and _plain(x)
            else f'<c r="{letter}{n}"{style}/>' if x is None or x == "" else None for x, n in zip(xs, refs)]


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


def _start_due_order(starts: tuple, dues: tuple) -> list[Any]:
    """Sort keys of tasks by (start, due), a task without a date last: `(_day(start), _day(due))`,
    as one number per task when every date is a plain `date` (a faster sort, the same order)."""
    days = set(starts) | set(dues)
    if all(type(d) is date or not isinstance(d, date) for d in days):
        ordinal = {d: d.toordinal() if type(d) is date else _LAST for d in days}
        return [ordinal[s] * _SPAN + ordinal[d] for s, d in zip(starts, dues)]
    return [(_day(start), _day(due)) for start, due in zip(starts, dues)]


_LAST = date.max.toordinal()
_SPAN = _LAST + 1


def _day(value: Any) -> date:
    return value if isinstance(value, date) else date.max
