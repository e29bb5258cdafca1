"""The master tracker (`master.xlsx`), written fresh with XlsxWriter, and the hand-added columns
carried over from the previous master.

Sheets, in order: Dashboard, Tasks, Workload, Risks, KPIs, Milestones, Projects, Lessons, Changes,
Findings; every name and header comes from `schema` or `i18n` in the chosen language.

Rules this module keeps:

- **Nothing a user typed becomes a formula.** Every value goes through `_write_value`: text by
  `write_string` (so "=HYPERLINK(…)", "+cmd|' /C calc'!A0", "@SUM(1)" and "-2+3" stay text),
  numbers by `write_number`, dates by `write_datetime`, None as a blank. The workbook is also opened
  with `strings_to_formulas/urls/numbers` off. Control characters (except tab and newline) are
  removed and text longer than Excel's 32 767 characters is cut, so no input can crash the writer.
- **Formats are created once** per workbook (a small cache keyed by style), never per cell.
- **constant_memory** mode: rows are flushed to disk as they are written, so 100 000 tasks need
  little memory. The price is that each sheet is written top to bottom, row by row, which the
  code below does (strings are stored inline rather than in a shared table; Excel, LibreOffice
  and openpyxl read both).
- **Row fills on Tasks**, by precedence: overdue red > overloaded orange > due soon / behind
  amber > done grey; a task with no flag has no fill. The legend is on the Dashboard.
- The schema's Department column is the task's department (the workbook's department when the
  cell was blank); it is not repeated as a second column.
- A value the reader could not understand (None in `values`) is shown as the raw text the user
  typed, so the master never hides what is in the department workbook.
- Carried columns (`read_carried_columns`): columns a user added by hand to the master's Tasks
  sheet (headers the toolkit does not produce in either language and that are not a team's extra
  column) are read back by Task ID and written again for tasks that still exist. When a Task ID
  occurs twice, both rows get the values of its first occurrence in the old master.
- Links in Findings use `external:<path>#'Sheet'!D14` (Excel opens the department workbook at the
  cell). A path containing "#" cannot be expressed as such a link and is shown as text; past
  Excel's limit of 65 530 links per sheet the place is shown as text too.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

import xlsxwriter

from .. import i18n
from ..errors import Finding, Severity
from ..model import Record
from ..results import Analysis, Change, OverloadNote, Reason, TaskView
from ..schema import (KPIS, LESSONS, MILESTONES, PROJECTS, RISKS, STATUS, TASKS, ColType, SheetSpec,
                      normalize_header)

WORKBOOK_OPTIONS = {
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
    "constant_memory": True,
    "remove_timezone": True,
}

MAX_TEXT = 32_767            # Excel's limit of characters in a cell
MAX_LINKS = 65_530           # Excel's limit of hyperlinks in a worksheet
MAX_URL = 2_000              # XlsxWriter refuses longer URLs (Excel: 2 079)

# row fills of the Tasks sheet, by precedence
FILLS = {
    "overdue": "#FFC7CE",
    "overloaded": "#F8CBAD",
    "amber": "#FFEB9C",
    "done": "#D9D9D9",
}
FILL_ORDER = ("overdue", "overloaded", "amber", "done")
GREEN = "#C6EFCE"
HEAT = {  # workload cells by ratio of hours to capacity
    "low": "#E2EFDA",       # ≤ 80 %
    "near": "#FFF2CC",      # above 80 %, not overloaded
    "over": "#F8CBAD",      # overloaded
    "far": "#FFC7CE",       # overloaded and 25 % or more above capacity
}
FAR_OVER_RATIO = 1.25
CHARTS_ROWS = 20             # Dashboard rows kept free for the charts above its tables
NEAR_RATIO = 0.8
RAG_FILLS = {"red": "#FFC7CE", "amber": "#FFEB9C", "green": GREEN}
RISK_FILLS = {"high": "#FFC7CE", "amber": "#FFEB9C", "low": GREEN, "closed": "#D9D9D9"}
STATUS_COLOURS = {"not_started": "#A6A6A6", "in_progress": "#4472C4", "blocked": "#ED7D31",
                  "done": "#70AD47", "cancelled": "#7F7F7F", "": "#FFC000"}
HEADER_FILL = "#DDEBF7"
DATE_FORMAT = "yyyy-mm-dd"

# the flag columns of the Tasks sheet, after the schema columns
FLAG_COLUMNS = ("master.col.overdue", "master.col.due_soon", "master.col.behind",
                "master.col.overloaded", "master.col.blocked")
SOURCE_COLUMNS = ("master.col.source_file", "master.col.source_sheet", "master.col.source_row")

_BAD_CHARS = re.compile("[\x00-\x08\x0b-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


# ---------------------------------------------------------------- values

def clean_text(value: str) -> str:
    """`value` without control characters (tab and newline kept), cut to Excel's cell limit."""
    if _BAD_CHARS.search(value):
        value = _BAD_CHARS.sub("", value)
    if len(value) > MAX_TEXT:
        value = value[:MAX_TEXT]
    return value


def _write_value(ws: Any, row: int, col: int, value: Any, fmt: Any = None) -> None:
    """Write one value as what it is: text as text (never a formula), numbers, dates, blanks."""
    if value is None or value == "":
        if fmt is not None:
            ws.write_blank(row, col, None, fmt)
        return
    if isinstance(value, str):
        ws.write_string(row, col, clean_text(value), fmt)
    elif isinstance(value, bool):
        ws.write_boolean(row, col, value, fmt)
    elif isinstance(value, (int, float, Decimal)):
        number = float(value)
        if math.isfinite(number):
            ws.write_number(row, col, number, fmt)
        else:
            ws.write_string(row, col, str(value), fmt)
    elif isinstance(value, (datetime, date, time)):
        ws.write_datetime(row, col, value, fmt)
    elif isinstance(value, (list, tuple, set, frozenset)):
        ws.write_string(row, col, clean_text(", ".join(str(v) for v in value)), fmt)
    else:
        ws.write_string(row, col, clean_text(str(value)), fmt)


def _kind_of(value: Any) -> str:
    if isinstance(value, (datetime, date)):
        return "date"
    return "text"


def _t(key: str, lang: str, **params: Any) -> str:
    return i18n.text(key, lang, **params)


def reason_text(reason: Reason, lang: str) -> str:
    """A Reason in `lang`; an unknown code (or a parameter missing) never crashes the writer."""
    try:
        return i18n.text(reason.code, lang, **reason.params)
    except KeyError:
        if reason.code in i18n.TEXT:
            en, zh = i18n.TEXT[reason.code]
            return zh if lang == "zh" else en
        return reason.code
    except (IndexError, ValueError):
        return reason.code


def _fmt_number(value: float) -> str:
    return f"{value:.0f}" if abs(value - round(value)) < 0.05 else f"{value:.1f}"


def overload_text(note: OverloadNote, lang: str) -> str:
    return _t("master.overload_note", lang, owner=note.owner, week=note.week,
              hours=_fmt_number(note.hours), capacity=_fmt_number(note.capacity))


def _choice_labels(spec: SheetSpec, lang: str) -> dict[str, dict[str, str]]:
    return {c.key: {ch.key: ch.label(lang) for ch in c.choices} for c in spec.columns if c.choices}


def _record_values(record: Record, spec: SheetSpec, labels: dict[str, dict[str, str]]) -> list[tuple[Any, str]]:
    """(value, kind) of each schema column: choices labelled, percent as a share, raw text kept."""
    out: list[tuple[Any, str]] = []
    values, raw = record.values, record.raw
    for col in spec.columns:
        value = values.get(col.key)
        if value is None:
            shown = raw.get(col.key)
            if shown is not None and shown != "":
                out.append((shown if isinstance(shown, (str, int, float, datetime, date)) else str(shown),
                            _kind_of(shown)))
            else:
                out.append((None, "text"))
            continue
        ctype = col.type
        if ctype is ColType.DATE:
            out.append((value, "date"))
        elif ctype is ColType.PERCENT:
            out.append((float(value) / 100.0, "percent"))
        elif ctype is ColType.CHOICE:
            out.append((labels[col.key].get(value, value), "text"))
        elif ctype in (ColType.NUMBER, ColType.SCALE):
            out.append((value, "number"))
        elif ctype is ColType.DATE_RANGES and isinstance(value, (list, tuple)):
            parts = []
            for item in value:
                if isinstance(item, (list, tuple)) and len(item) == 2:
                    a, b = item
                    parts.append(a.isoformat() if a == b else f"{a.isoformat()}~{b.isoformat()}")
                else:
                    parts.append(str(item))
            out.append(("; ".join(parts), "text"))
        else:
            out.append((value, _kind_of(value)))
    return out


# ---------------------------------------------------------------- formats

class _Styles:
    """Every format of the workbook, created once and reused (XlsxWriter formats are per workbook)."""

    KINDS = {"text": {}, "wrap": {"text_wrap": True, "valign": "top"}, "date": {"num_format": DATE_FORMAT},
             "percent": {"num_format": "0%"}, "number": {"num_format": "General"}, "int": {"num_format": "0"},
             "points": {"num_format": "0"}}

    def __init__(self, wb: Any):
        self.wb = wb
        self._cache: dict[tuple, Any] = {}
        self.header = wb.add_format({"bold": True, "bg_color": HEADER_FILL, "border": 1, "text_wrap": True,
                                     "valign": "top"})
        self.title = wb.add_format({"bold": True, "font_size": 14})
        self.subtitle = wb.add_format({"bold": True, "font_size": 11})
        self.link = wb.add_format({"font_color": "#0563C1", "underline": 1})
        # the Tasks grid: kind × fill, created up front
        self.task = {fill: {kind: self.get(kind, FILLS.get(fill or "")) for kind in self.KINDS}
                     for fill in (None, *FILL_ORDER)}

    def get(self, kind: str = "text", fill: str | None = None, bold: bool = False, font: str | None = None,
            num_format: str | None = None) -> Any:
        key = (kind, fill, bold, font, num_format)
        fmt = self._cache.get(key)
        if fmt is None:
            props = dict(self.KINDS.get(kind, {}))
            if fill:
                props.update({"bg_color": fill, "pattern": 1})
            if bold:
                props["bold"] = True
            if font:
                props["font_color"] = font
            if num_format:
                props["num_format"] = num_format
            fmt = self.wb.add_format(props)
            self._cache[key] = fmt
        return fmt


# ---------------------------------------------------------------- the writer

def write_master(path: Path, *, analysis: Analysis, team: Sequence[Record], projects: Sequence[Record],
                 lessons: Sequence[Record], changes: Sequence[Change], findings: Sequence[Finding], lang: str,
                 as_of: date, extra_task_headers: Sequence[str] = (),
                 carried: dict[str, dict[str, object]] | None = None,
                 carried_headers: Sequence[str] = ()) -> None:
    """Write the master tracker to `path` (a new file; `safe_output.publish` puts it in place)."""
    _MasterWriter(Path(path), analysis, list(team), list(projects), list(lessons), list(changes),
                  list(findings), lang, as_of, list(extra_task_headers), carried or {},
                  list(carried_headers)).write()


class _MasterWriter:
    def __init__(self, path: Path, analysis: Analysis, team: list[Record], projects: list[Record],
                 lessons: list[Record], changes: list[Change], findings: list[Finding], lang: str, as_of: date,
                 extra_headers: list[str], carried: dict[str, dict[str, object]], carried_headers: list[str]):
        self.path = path
        self.analysis = analysis
        self.team = team
        self.projects = projects
        self.lessons = lessons
        self.changes = changes
        self.findings = findings
        self.lang = lang
        self.as_of = as_of
        self.extra_headers = extra_headers
        self.carried = carried
        self.carried_headers = [h for h in carried_headers if h not in set(extra_headers)]
        self.wb: Any = None
        self.st: _Styles | None = None

    def t(self, key: str, **params: Any) -> str:
        return _t(key, self.lang, **params)

    def write(self) -> None:
        self.wb = xlsxwriter.Workbook(str(self.path), WORKBOOK_OPTIONS)
        try:
            self.st = _Styles(self.wb)
            self.write_dashboard()
            self.write_tasks()
            self.write_workload()
            self.write_risks()
            self.write_kpis()
            self.write_milestones()
            self.write_projects()
            self.write_lessons()
            self.write_changes()
            self.write_findings()
        finally:
            self.wb.close()

    # ------------------------------------------------------------ helpers

    def _header(self, ws: Any, row: int, headers: Sequence[str], widths: Sequence[int] | None = None) -> None:
        for col, text in enumerate(headers):
            _write_value(ws, row, col, text, self.st.header)
        if widths:
            for col, width in enumerate(widths):
                ws.set_column(col, col, width)

    def _table_sheet(self, name: str, headers: list[str], widths: list[int], rows: Iterable[list[tuple]],
                     ) -> tuple[Any, int]:
        """A sheet with one table: header row frozen, autofilter; rows of (value, kind, fill)."""
        ws = self.wb.add_worksheet(name)
        self._header(ws, 0, headers, widths)
        ws.freeze_panes(1, 0)
        ws.set_landscape()
        ws.repeat_rows(0)
        r = 0
        get = self.st.get
        for r, cells in enumerate(rows, start=1):
            for c, (value, kind, fill) in enumerate(cells):
                _write_value(ws, r, c, value, get(kind, fill))
        ws.autofilter(0, 0, max(r, 1), len(headers) - 1)
        return ws, r

    def _source_cells(self, record: Record, fill: str | None = None) -> list[tuple]:
        src = record.source
        return [(src.file, "text", fill), (src.sheet, "text", fill), (src.row, "int", fill)]

    def _source_headers(self) -> list[str]:
        return [self.t(k) for k in SOURCE_COLUMNS]

    # ------------------------------------------------------------ Dashboard

    def _task_department(self, view: TaskView) -> str:
        value = view.record.values.get("department") or view.record.department
        return str(value) if value else "—"

    def write_dashboard(self) -> None:
        st, t, lang = self.st, self.t, self.lang
        ws = self.wb.add_worksheet(t("master.sheet.dashboard"))
        tasks = self.analysis.tasks
        flags_count = {
            "overdue": sum(v.flags.overdue for v in tasks),
            "due_soon": sum(v.flags.due_soon for v in tasks),
            "behind": sum(v.flags.behind for v in tasks),
            "overloaded": sum(v.flags.overloaded for v in tasks),
            "blocked": sum(v.flags.blocked for v in tasks),
            "high_risk": sum(r.high and r.level != "closed" for r in self.analysis.risks),
        }
        ws.set_column(0, 0, 22)
        ws.set_column(1, 8, 12)
        _write_value(ws, 0, 0, t("master.title", as_of=self.as_of.isoformat()), st.title)
        _write_value(ws, 1, 0, t("master.summary", tasks=len(tasks), **{k: v for k, v in flags_count.items()
                                                                          if k != "high_risk"}))
        sheet = ws.get_name()
        row = CHARTS_ROWS   # the two charts sit above the tables

        # department × status
        statuses = [(ch.key, ch.label(lang)) for ch in STATUS]
        counts: Counter = Counter()
        departments: dict[str, None] = {}
        for view in tasks:
            dept = self._task_department(view)
            departments.setdefault(dept, None)
            counts[(dept, view.record.values.get("status") or "")] += 1
        if any(key == "" for _, key in counts):
            statuses.append(("", t("master.status_blank")))
        depts = sorted(departments)
        _write_value(ws, row, 0, t("master.dash.by_department"), st.subtitle)
        row += 1
        table_top = row
        self._header(ws, row, [TASKS.column("department").header(lang), *(label for _, label in statuses),
                               t("master.col.total")])
        for dept in depts:
            row += 1
            _write_value(ws, row, 0, dept)
            for c, (key, _) in enumerate(statuses, start=1):
                _write_value(ws, row, c, counts.get((dept, key), 0))
            _write_value(ws, row, len(statuses) + 1, sum(counts.get((dept, k), 0) for k, _ in statuses),
                         st.get("int", bold=True))
        if depts:
            chart = self.wb.add_chart({"type": "column", "subtype": "stacked"})
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
        _write_value(ws, row, 0, t("master.dash.by_flag"), st.subtitle)
        row += 1
        flag_top = row
        self._header(ws, row, [t("master.dash.by_flag"), t("master.dash.count")])
        for key, count in flags_count.items():
            row += 1
            _write_value(ws, row, 0, t(f"master.flag.{key}"))
            _write_value(ws, row, 1, count)
        bar = self.wb.add_chart({"type": "bar"})
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
        _write_value(ws, row, 0, t("master.dash.projects"), st.subtitle)
        row += 1
        self._header(ws, row, [PROJECTS.column("project").header(lang), t("master.col.rag"),
                               t("master.col.task_count"), t("master.col.done_count"),
                               t("master.col.overdue_count"), t("master.col.reasons")])
        for health in self.analysis.projects:
            row += 1
            fill = RAG_FILLS.get(health.rag)
            _write_value(ws, row, 0, health.project)
            _write_value(ws, row, 1, self._rag_label(health.rag), st.get("text", fill, bold=True))
            _write_value(ws, row, 2, health.tasks)
            _write_value(ws, row, 3, health.done)
            _write_value(ws, row, 4, health.overdue)
            # one line, overflowing into the empty cells to its right
            _write_value(ws, row, 5, "; ".join(reason_text(r, self.lang) for r in health.reasons))
        row += 2

        # legend
        _write_value(ws, row, 0, t("master.dash.legend"), st.subtitle)
        for key in FILL_ORDER:
            row += 1
            ws.write_blank(row, 0, None, st.get("text", FILLS[key]))
            _write_value(ws, row, 1, t(f"master.legend.{key}"))
        row += 1
        _write_value(ws, row, 1, t("master.legend.heat"))

        if self.analysis.warnings:
            row += 2
            _write_value(ws, row, 0, t("master.dash.notes"), st.subtitle)
            for warning in self.analysis.warnings:
                row += 1
                _write_value(ws, row, 0, reason_text(warning, self.lang))
        ws.activate()
        ws.set_landscape()
        ws.fit_to_pages(1, 0)

    def _rag_label(self, rag: str) -> str:
        return self.t(f"master.rag.{rag}") if f"master.rag.{rag}" in i18n.TEXT else rag

    # ------------------------------------------------------------ Tasks

    def task_headers(self) -> list[str]:
        return ([c.header(self.lang) for c in TASKS.columns] + [self.t(k) for k in FLAG_COLUMNS]
                + list(self.extra_headers) + list(self.carried_headers) + self._source_headers())

    def write_tasks(self) -> None:
        st, lang = self.st, self.lang
        ws = self.wb.add_worksheet(TASKS.title(lang))
        headers = self.task_headers()
        widths = ([c.width for c in TASKS.columns] + [12, 12, 12, 36, 16]
                  + [14] * (len(self.extra_headers) + len(self.carried_headers)) + [20, 14, 8])
        self._header(ws, 0, headers, widths)
        ws.set_row(0, 30)
        ws.freeze_panes(1, 1)
        ws.set_landscape()
        ws.repeat_rows(0)

        columns = TASKS.columns
        ncols = len(columns)
        labels = {c.key: {ch.key: ch.label(lang) for ch in c.choices} for c in columns if c.choices}
        plan = []   # (key, kind, converter) per schema column
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
        carried_at = extra_at + len(self.extra_headers)
        source_at = carried_at + len(self.carried_headers)
        blocked_status = self.t("master.blocked_status")
        extras, carried_headers, carried = self.extra_headers, self.carried_headers, self.carried
        write_string, write_number, write_blank, write_datetime = (
            ws.write_string, ws.write_number, ws.write_blank, ws.write_datetime)

        r = 0
        for r, view in enumerate(self.analysis.tasks, start=1):
            record, flags = view.record, view.flags
            values, raw = record.values, record.raw
            fill = _row_fill(view)
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
                    _write_value(ws, r, c, shown, F[_kind_of(shown)])
                    continue
                if conv is None:
                    if kind == "date":
                        if isinstance(value, (date, datetime)):
                            write_datetime(r, c, value, F["date"])
                        else:
                            _write_value(ws, r, c, value, text_fmt)
                    elif isinstance(value, str):
                        write_string(r, c, clean_text(value), text_fmt)
                    else:
                        _write_value(ws, r, c, value, F[kind])
                elif conv == "pct":
                    _write_value(ws, r, c, float(value) / 100.0, F["percent"])
                elif conv == "list":
                    _write_value(ws, r, c, value, text_fmt)
                else:
                    _write_value(ws, r, c, conv.get(value, value), text_fmt)

            # flags (blank cells are written only to carry a row's fill)
            if fill is not None or flags.any:
                _write_value(ws, r, flag_at, flags.days_late if flags.overdue else None, F["int"])
                _write_value(ws, r, flag_at + 1, flags.days_left if flags.due_soon else None, F["int"])
                _write_value(ws, r, flag_at + 2,
                             round(flags.behind_points, 1) if flags.behind and flags.behind_points is not None
                             else None, F["points"])
                _write_value(ws, r, flag_at + 3,
                             "; ".join(overload_text(n, lang) for n in flags.overloads) if flags.overloaded
                             else None, text_fmt)
                _write_value(ws, r, flag_at + 4,
                             (", ".join(flags.blocked_by) or blocked_status) if flags.blocked else None, text_fmt)
            # a team's extra columns, then the hand-added ones carried from the last master
            if extras:
                got = record.extras
                for i, header in enumerate(extras):
                    value = got.get(header)
                    if value is not None or fill is not None:
                        _write_value(ws, r, extra_at + i, value, F[_kind_of(value)])
            if carried_headers:
                task_id = values.get("id")
                kept = carried.get(str(task_id).strip(), {}) if task_id is not None else {}
                for i, header in enumerate(carried_headers):
                    value = kept.get(header)
                    if value is not None or fill is not None:
                        _write_value(ws, r, carried_at + i, value, F[_kind_of(value)])
            src = record.source
            write_string(r, source_at, clean_text(src.file), text_fmt)
            write_string(r, source_at + 1, clean_text(src.sheet), text_fmt)
            write_number(r, source_at + 2, src.row, F["int"])
        ws.autofilter(0, 0, max(r, 1), len(headers) - 1)

    # ------------------------------------------------------------ Workload

    def write_workload(self) -> None:
        st, t = self.st, self.t
        ws = self.wb.add_worksheet(t("master.sheet.workload"))
        load = self.analysis.workload
        weeks = sorted({(w.week_start, w.week) for w in load})
        owners = sorted({w.owner for w in load})
        col_of = {week: i + 1 for i, (_, week) in enumerate(weeks)}
        cells = {(w.owner, w.week): w for w in load}
        headers = [TASKS.column("owner").header(self.lang)] + [f"{week}\n{start:%m-%d}" for start, week in weeks]
        self._header(ws, 0, headers)
        ws.set_column(0, 0, 16)
        if weeks:
            ws.set_column(1, len(weeks), 13)
        ws.set_row(0, 30)
        ws.freeze_panes(1, 1)
        for r, owner in enumerate(owners, start=1):
            _write_value(ws, r, 0, owner)
            for _, week in weeks:
                cell = cells.get((owner, week))
                if cell is not None:
                    _write_value(ws, r, col_of[week], round(cell.hours, 1), self._heat_format(cell))
        row = len(owners) + 2
        _write_value(ws, row, 0, t("master.legend.heat"))
        for band in ("low", "near", "over", "far"):
            row += 1
            ws.write_blank(row, 0, None, st.get("text", HEAT[band]))

        # the overloaded owner-weeks with their tasks, below the grid
        over = [w for w in load if w.overloaded]
        if over:
            row += 2
            _write_value(ws, row, 0, t("master.flag.overloaded"), st.subtitle)
            row += 1
            self._header(ws, row, [TASKS.column("owner").header(self.lang), t("master.col.week"),
                                   t("master.col.overloaded"), TASKS.title(self.lang)])
            for w in sorted(over, key=lambda w: (w.owner, w.week_start)):
                row += 1
                _write_value(ws, row, 0, w.owner)
                _write_value(ws, row, 1, w.week)
                _write_value(ws, row, 2, round(w.hours, 1), self._heat_format(w))
                _write_value(ws, row, 3, ", ".join(w.task_ids))

    def _heat_format(self, cell: Any) -> Any:
        ratio = cell.ratio
        if cell.overloaded:
            band = "far" if ratio >= FAR_OVER_RATIO else "over"
            text = self.t("master.workload_of", capacity=_fmt_number(cell.capacity)).replace('"', "'")
            return self.st.get("number", HEAT[band], bold=band == "far",
                               font="#9C0006" if band == "far" else None, num_format=f'0" {text}"')
        band = "near" if ratio > NEAR_RATIO else "low"
        return self.st.get("number", HEAT[band], num_format='0" h"')

    # ------------------------------------------------------------ Risks, KPIs, Milestones, Projects, Lessons

    def _spec_headers(self, spec: SheetSpec) -> tuple[list[str], list[int]]:
        return [c.header(self.lang) for c in spec.columns], [c.width for c in spec.columns]

    def _spec_cells(self, record: Record, spec: SheetSpec, labels: dict, fill: str | None = None) -> list[tuple]:
        return [(v, k, fill) for v, k in _record_values(record, spec, labels)]

    def write_risks(self) -> None:
        t = self.t
        headers, widths = self._spec_headers(RISKS)
        headers += [t("master.col.score"), t("master.col.level"), t("master.col.review_overdue"),
                    *self._source_headers()]
        widths += [12, 10, 12, 20, 14, 8]
        labels = _choice_labels(RISKS, self.lang)

        def rows():
            for risk in self.analysis.risks:
                fill = RISK_FILLS.get(risk.level)
                level = f"master.level.{risk.level}"
                yield (self._spec_cells(risk.record, RISKS, labels)
                       + [(risk.score, "int", fill),
                          (t(level) if level in i18n.TEXT else risk.level, "text", fill),
                          (t("master.yes") if risk.review_overdue else None, "text",
                           RISK_FILLS["high"] if risk.review_overdue else None)]
                       + self._source_cells(risk.record))

        self._table_sheet(RISKS.title(self.lang), headers, widths, rows())

    def write_kpis(self) -> None:
        t = self.t
        headers, widths = self._spec_headers(KPIS)
        headers += [t("master.col.attainment"), t("master.col.met"), *self._source_headers()]
        widths += [11, 10, 20, 14, 8]
        labels = _choice_labels(KPIS, self.lang)

        def rows():
            for kpi in self.analysis.kpis:
                fill = None if kpi.met is None else (GREEN if kpi.met else FILLS["overdue"])
                met = None if kpi.met is None else t("master.yes" if kpi.met else "master.no")
                attainment = None if kpi.attainment is None else kpi.attainment / 100.0
                yield (self._spec_cells(kpi.record, KPIS, labels)
                       + [(attainment, "percent", fill), (met, "text", fill)] + self._source_cells(kpi.record))

        self._table_sheet(KPIS.title(self.lang), headers, widths, rows())

    def write_milestones(self) -> None:
        t = self.t
        headers, widths = self._spec_headers(MILESTONES)
        headers += [t("master.col.ms_overdue"), *self._source_headers()]
        widths += [12, 20, 14, 8]
        labels = _choice_labels(MILESTONES, self.lang)

        def rows():
            for ms in self.analysis.milestones:
                failed = ms.record.values.get("status") == "failed"
                fill = FILLS["overdue"] if failed else (FILLS["amber"] if ms.overdue else None)
                yield (self._spec_cells(ms.record, MILESTONES, labels, fill)
                       + [(t("master.yes") if ms.overdue else None, "text", fill)]
                       + self._source_cells(ms.record, fill))

        self._table_sheet(MILESTONES.title(self.lang), headers, widths, rows())

    def write_projects(self) -> None:
        t = self.t
        headers, widths = self._spec_headers(PROJECTS)
        headers += [t("master.col.rag"), t("master.col.task_count"), t("master.col.done_count"),
                    t("master.col.overdue_count"), t("master.col.reasons"), *self._source_headers()]
        widths += [9, 8, 8, 9, 60, 20, 14, 8]
        labels = _choice_labels(PROJECTS, self.lang)
        health = {h.project: h for h in self.analysis.projects}
        seen: set[str] = set()

        def health_cells(name: str) -> list[tuple]:
            h = health.get(name)
            if h is None:
                return [(None, "text", None)] * 5
            return [(self._rag_label(h.rag), "text", RAG_FILLS.get(h.rag)), (h.tasks, "int", None),
                    (h.done, "int", None), (h.overdue, "int", None),
                    ("\n".join(reason_text(r, self.lang) for r in h.reasons), "wrap", None)]

        def rows():
            for record in self.projects:
                name = str(record.values.get("project") or "").strip()
                seen.add(name)
                yield self._spec_cells(record, PROJECTS, labels) + health_cells(name) + self._source_cells(record)
            for h in self.analysis.projects:   # projects with tasks but no row in any Projects sheet
                if h.project not in seen:
                    blank = [(None, "text", None)] * (len(PROJECTS.columns) - 1)
                    yield [(h.project, "text", None)] + blank + health_cells(h.project) + [(None, "text", None)] * 3

        self._table_sheet(PROJECTS.title(self.lang), headers, widths, rows())

    def write_lessons(self) -> None:
        headers, widths = self._spec_headers(LESSONS)
        headers += self._source_headers()
        widths += [20, 14, 8]
        labels = _choice_labels(LESSONS, self.lang)
        rows = (self._spec_cells(rec, LESSONS, labels) + self._source_cells(rec) for rec in self.lessons)
        self._table_sheet(LESSONS.title(self.lang), headers, widths, rows)

    # ------------------------------------------------------------ Changes, Findings

    def write_changes(self) -> None:
        t, lang = self.t, self.lang
        headers = [t("master.col.change"), TASKS.column("id").header(lang), TASKS.column("title").header(lang),
                   TASKS.column("department").header(lang), t("master.col.old"), t("master.col.new"),
                   t("master.col.slip")]
        widths = [18, 11, 36, 14, 16, 16, 10]
        status_labels = {ch.key: ch.label(lang) for ch in STATUS}
        fills = {"completed": FILLS["done"], "slipped": FILLS["amber"], "newly_overdue": FILLS["overdue"],
                 "new": GREEN}

        def shown(change: Change, value: str) -> str:
            if change.kind in ("status", "completed"):
                return status_labels.get(value, value)
            return value

        def rows():
            if not self.changes:
                yield [(t("master.changes.none"), "text", None)]
                return
            for ch in self.changes:
                kind = f"master.change.{ch.kind}"
                yield [(t(kind) if kind in i18n.TEXT else ch.kind, "text", fills.get(ch.kind)),
                       (ch.task_id, "text", None), (ch.title, "text", None), (ch.department, "text", None),
                       (shown(ch, ch.old), "text", None), (shown(ch, ch.new), "text", None),
                       (ch.slip_days, "int", None)]

        self._table_sheet(t("master.sheet.changes"), headers, widths, rows())

    def write_findings(self) -> None:
        t, st = self.t, self.st
        ws = self.wb.add_worksheet(t("sheet.findings"))
        headers = [t("col.place"), t("col.severity"), t("col.code"), t("col.message"), t("col.value")]
        self._header(ws, 0, headers, [44, 10, 22, 60, 30])
        ws.freeze_panes(1, 0)
        if not self.findings:
            _write_value(ws, 1, 0, t("master.findings.none"))
        links = 0
        r = 0
        for r, finding in enumerate(self.findings, start=1):
            place = clean_text(finding.place(self.lang))
            target = finding_link(finding)
            if target is not None and links < MAX_LINKS and \
                    ws.write_url(r, 0, target, st.link, place or target[len("external:"):]) == 0:
                links += 1
            else:
                _write_value(ws, r, 0, place)
            error = finding.severity is Severity.ERROR
            _write_value(ws, r, 1, t(f"severity.{finding.severity.value}"),
                         st.get("text", FILLS["overdue"] if error else FILLS["amber"]))
            _write_value(ws, r, 2, finding.code)
            try:
                message = finding.message(self.lang)
            except KeyError:
                message = finding.code
            _write_value(ws, r, 3, message)
            _write_value(ws, r, 4, finding.value if finding.value is None or isinstance(finding.value, str)
                         else str(finding.value))
        ws.autofilter(0, 0, max(r, 1), len(headers) - 1)


def finding_link(finding: Finding) -> str | None:
    """`external:<path>#'Sheet'!D14` (or just the path) for a finding with a source path."""
    path = finding.path
    if not path or "#" in path:
        return None
    path = clean_text(str(path))
    target = f"external:{path}"
    if finding.sheet and finding.cell and re.fullmatch(r"[A-Z]{1,3}[0-9]{1,7}", finding.cell):
        sheet = finding.sheet.replace("'", "''")
        target += f"#'{sheet}'!{finding.cell}"
    return target if len(target) <= MAX_URL else None


def _row_fill(view: TaskView) -> str | None:
    """The fill of a task's row, by precedence: overdue > overloaded > due soon/behind > done."""
    flags = view.flags
    if flags.overdue:
        return "overdue"
    if flags.overloaded:
        return "overloaded"
    if flags.due_soon or flags.behind:
        return "amber"
    if view.record.values.get("status") == "done":
        return "done"
    return None


# ---------------------------------------------------------------- carried columns

def toolkit_task_headers() -> set[str]:
    """Every header the toolkit writes on the Tasks sheet, in both languages, normalized."""
    names = set()
    for col in TASKS.columns:
        names.update({normalize_header(col.en), normalize_header(col.zh), normalize_header(col.key),
                      *(normalize_header(a) for a in col.aliases)})
    for key in (*FLAG_COLUMNS, *SOURCE_COLUMNS):
        names.update(normalize_header(s) for s in i18n.TEXT[key])
    names.discard("")
    return names


def read_carried_columns(master_path: Path, known_headers: set[str]) -> tuple[list[str], dict[str, dict]]:
    """Columns a user added by hand to the Tasks sheet of an existing master, by Task ID.

    Headers the toolkit writes (either language) and `known_headers` (the teams' own extra
    columns, which come from the inputs) are not carried. Missing or unreadable master -> ([], {}).
    """
    import python_calamine as calamine

    path = Path(master_path)
    if not path.is_file():
        return [], {}
    try:
        wb = calamine.CalamineWorkbook.from_path(str(path))
        names = {normalize_header(TASKS.en), normalize_header(TASKS.zh)}
        sheet_name = next((n for n in wb.sheet_names if normalize_header(n) in names), None)
        if sheet_name is None:
            return [], {}
        rows = wb.get_sheet_by_name(sheet_name).to_python(skip_empty_area=False)
    except Exception:   # an unreadable old master must not stop the new one  # noqa: BLE001
        return [], {}

    id_names = {normalize_header(TASKS.column("id").en), normalize_header(TASKS.column("id").zh)}
    header_index = next((i for i, row in enumerate(rows[:30])
                         if any(normalize_header(v) in id_names for v in row)), None)
    if header_index is None:
        return [], {}
    header_row = rows[header_index]
    id_col = next(i for i, v in enumerate(header_row) if normalize_header(v) in id_names)
    skip = toolkit_task_headers() | {normalize_header(h) for h in known_headers}
    carried_cols: list[tuple[int, str]] = []
    taken: set[str] = set()
    for i, value in enumerate(header_row):
        header = "" if value is None else str(value).strip()
        if not header or normalize_header(header) in skip or header in taken:
            continue
        taken.add(header)
        carried_cols.append((i, header))
    if not carried_cols:
        return [], {}
    carried: dict[str, dict] = {}
    for row in rows[header_index + 1:]:
        if id_col >= len(row):
            continue
        task_id = _id_text(row[id_col])
        if not task_id or task_id in carried:
            continue
        kept = {header: _plain(row[i]) for i, header in carried_cols
                if i < len(row) and row[i] is not None and row[i] != ""}
        if kept:
            carried[task_id] = kept
    return [h for _, h in carried_cols], carried


def _id_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _plain(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value
