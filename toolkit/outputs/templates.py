"""Department workbook templates, generated from `toolkit.schema` so template and validator agree.

`python -m toolkit.outputs.templates` (or `make templates`) rewrites `workbooks/templates/`:
`department_tracker_en.xlsx` and `department_tracker_zh.xlsx`. Each has an Instructions sheet,
then one sheet per kind of the standard (Tasks, Team, Projects, KPIs, Risks, Milestones, Lessons)
with headers in the template's language, dropdowns on every choice column, date and percent
formats with validation, a frozen header row and a few example rows that validate cleanly.

The output is byte-for-byte reproducible: nothing depends on the clock (the document's
created date is fixed) and XlsxWriter stamps every zip member with the same date.
"""
from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.utility import xl_col_to_name

from ..i18n import text
from ..schema import SHEETS, ColType, Column, SheetSpec

TEMPLATE_FOLDER = Path("workbooks/templates")
TEMPLATE_NAMES = {"en": "department_tracker_en.xlsx", "zh": "department_tracker_zh.xlsx"}
FIXED_CREATED = datetime(2026, 1, 1, 0, 0, 0)   # document property; keeps the bytes stable
LAST_ROW = 1000                                 # validations and formats reach this Excel row
LIST_LIMIT = 255                                # Excel's limit on an inline list validation
LISTS_SHEET = "Lists"
DATE_FORMAT = "yyyy-mm-dd"
DATE_MIN, DATE_MAX = date(2000, 1, 1), date(2099, 12, 31)

REQUIRED_FILL, OPTIONAL_FILL = "#1F4E78", "#DDEBF7"

# ---------------------------------------------------------------- example rows (by column key)

D = date
_EXAMPLES: dict[str, dict[str, list[dict[str, Any]]]] = {
    "en": {
        "tasks": [
            {"id": "CS-001", "project": "Customer service upgrade", "title": "Map the current ticket process",
             "department": "Customer Service", "owner": "Chen Jing", "start": D(2026, 3, 2), "due": D(2026, 3, 13),
             "status": "done", "percent": 1.0, "hours": 24, "priority": "high", "milestone": "Process design",
             "completed_on": D(2026, 3, 12), "notes": "Interviews with 6 agents"},
            {"id": "CS-002", "project": "Customer service upgrade", "title": "Configure ticket routing rules",
             "department": "Customer Service", "owner": "Liu Yang", "start": D(2026, 3, 16), "due": D(2026, 4, 10),
             "status": "in_progress", "percent": 0.4, "hours": 40, "priority": "medium", "depends_on": "CS-001",
             "milestone": "Go-live"},
            {"id": "CS-003", "project": "Customer service upgrade", "title": "Train agents on the new system",
             "department": "Customer Service", "owner": "Chen Jing", "start": D(2026, 4, 13), "due": D(2026, 4, 24),
             "status": "not_started", "percent": 0.0, "hours": 16, "priority": "medium", "depends_on": "CS-002",
             "milestone": "Go-live"},
        ],
        "team": [
            {"name": "Chen Jing", "department": "Customer Service", "role": "Team lead", "capacity": 40,
             "email": "chen.jing@example.com", "leave": "2026-05-01~2026-05-05"},
            {"name": "Liu Yang", "department": "Customer Service", "role": "System admin", "capacity": 32,
             "email": "liu.yang@example.com"},
        ],
        "projects": [
            {"project": "Customer service upgrade", "sponsor": "Zhao Min", "manager": "Chen Jing",
             "goal": "Raise customer satisfaction", "scope": "Ticketing, call-back survey, agent training",
             "start": D(2026, 3, 2), "end": D(2026, 6, 30), "phase": "execution"},
            {"project": "Supply chain process optimisation", "sponsor": "Zhao Min", "manager": "Sun Hao",
             "goal": "Shorter order-to-delivery time", "scope": "Purchasing, warehouse, IT interfaces",
             "start": D(2026, 4, 1), "end": D(2026, 9, 30), "phase": "initiation"},
        ],
        "kpis": [
            {"project": "Customer service upgrade", "kpi": "Average response time", "unit": "h", "baseline": 36,
             "target": 24, "actual": 30, "direction": "lower", "measured_on": D(2026, 3, 31)},
            {"project": "Customer service upgrade", "kpi": "Complaint rate", "unit": "%", "baseline": 2.0,
             "target": 1.7, "actual": 1.9, "direction": "lower", "measured_on": D(2026, 3, 31)},
            {"project": "Customer service upgrade", "kpi": "Follow-up satisfaction", "unit": "%", "baseline": 82,
             "target": 90, "actual": 85, "direction": "higher", "measured_on": D(2026, 3, 31)},
        ],
        "risks": [
            {"id": "R-01", "project": "Customer service upgrade", "risk": "Vendor delivers the ticket system late",
             "probability": 3, "impact": 4, "owner": "Liu Yang", "mitigation": "Weekly vendor check-in",
             "status": "open", "review_date": D(2026, 4, 3)},
            {"id": "R-02", "project": "Customer service upgrade", "risk": "Agents resist the new process",
             "probability": 2, "impact": 3, "owner": "Chen Jing", "mitigation": "Involve agents in the design",
             "status": "mitigating", "review_date": D(2026, 4, 10)},
        ],
        "milestones": [
            {"project": "Customer service upgrade", "milestone": "Process design", "due": D(2026, 3, 13),
             "criteria": "New process signed off by the sponsor", "status": "passed", "accepted_by": "Zhao Min",
             "accepted_on": D(2026, 3, 13)},
            {"project": "Customer service upgrade", "milestone": "Go-live", "due": D(2026, 4, 30),
             "criteria": "All tickets handled in the new system for 5 days", "status": "pending"},
        ],
        "lessons": [
            {"project": "Customer service upgrade", "type": "went_well", "lesson": "Agent interviews found the real bottlenecks",
             "action": "Interview front-line staff at the start of every project", "owner": "Chen Jing",
             "due": D(2026, 6, 30)},
            {"project": "Customer service upgrade", "type": "to_improve", "lesson": "Routing rules were tested too late",
             "action": "Plan a test week before go-live", "owner": "Liu Yang", "due": D(2026, 6, 30)},
        ],
    },
    "zh": {
        "tasks": [
            {"id": "CS-001", "project": "客服系统升级", "title": "梳理现有工单流程", "department": "客服部",
             "owner": "陈静", "start": D(2026, 3, 2), "due": D(2026, 3, 13), "status": "done", "percent": 1.0,
             "hours": 24, "priority": "high", "milestone": "流程设计", "completed_on": D(2026, 3, 12),
             "notes": "访谈 6 名客服"},
            {"id": "CS-002", "project": "客服系统升级", "title": "配置工单分配规则", "department": "客服部",
             "owner": "刘洋", "start": D(2026, 3, 16), "due": D(2026, 4, 10), "status": "in_progress",
             "percent": 0.4, "hours": 40, "priority": "medium", "depends_on": "CS-001", "milestone": "系统上线"},
            {"id": "CS-003", "project": "客服系统升级", "title": "新系统客服培训", "department": "客服部",
             "owner": "陈静", "start": D(2026, 4, 13), "due": D(2026, 4, 24), "status": "not_started",
             "percent": 0.0, "hours": 16, "priority": "medium", "depends_on": "CS-002", "milestone": "系统上线"},
        ],
        "team": [
            {"name": "陈静", "department": "客服部", "role": "客服主管", "capacity": 40,
             "email": "chen.jing@example.com", "leave": "2026-05-01~2026-05-05"},
            {"name": "刘洋", "department": "客服部", "role": "系统管理员", "capacity": 32,
             "email": "liu.yang@example.com"},
        ],
        "projects": [
            {"project": "客服系统升级", "sponsor": "赵敏", "manager": "陈静", "goal": "提升客户满意度",
             "scope": "工单系统、回访调查、客服培训", "start": D(2026, 3, 2), "end": D(2026, 6, 30), "phase": "execution"},
            {"project": "供应链流程优化", "sponsor": "赵敏", "manager": "孙浩", "goal": "缩短下单到交付的时间",
             "scope": "采购、仓储、IT 接口", "start": D(2026, 4, 1), "end": D(2026, 9, 30), "phase": "initiation"},
        ],
        "kpis": [
            {"project": "客服系统升级", "kpi": "平均响应时间", "unit": "小时", "baseline": 36, "target": 24,
             "actual": 30, "direction": "lower", "measured_on": D(2026, 3, 31)},
            {"project": "客服系统升级", "kpi": "投诉率", "unit": "%", "baseline": 2.0, "target": 1.7,
             "actual": 1.9, "direction": "lower", "measured_on": D(2026, 3, 31)},
            {"project": "客服系统升级", "kpi": "回访满意度", "unit": "%", "baseline": 82, "target": 90,
             "actual": 85, "direction": "higher", "measured_on": D(2026, 3, 31)},
        ],
        "risks": [
            {"id": "R-01", "project": "客服系统升级", "risk": "供应商延期交付工单系统", "probability": 3, "impact": 4,
             "owner": "刘洋", "mitigation": "每周与供应商对进度", "status": "open", "review_date": D(2026, 4, 3)},
            {"id": "R-02", "project": "客服系统升级", "risk": "客服人员抵触新流程", "probability": 2, "impact": 3,
             "owner": "陈静", "mitigation": "让一线客服参与流程设计", "status": "mitigating",
             "review_date": D(2026, 4, 10)},
        ],
        "milestones": [
            {"project": "客服系统升级", "milestone": "流程设计", "due": D(2026, 3, 13),
             "criteria": "新流程经发起人签字确认", "status": "passed", "accepted_by": "赵敏",
             "accepted_on": D(2026, 3, 13)},
            {"project": "客服系统升级", "milestone": "系统上线", "due": D(2026, 4, 30),
             "criteria": "连续 5 天所有工单在新系统中处理", "status": "pending"},
        ],
        "lessons": [
            {"project": "客服系统升级", "type": "went_well", "lesson": "一线访谈找到了真正的瓶颈",
             "action": "每个项目启动时访谈一线人员", "owner": "陈静", "due": D(2026, 6, 30)},
            {"project": "客服系统升级", "type": "to_improve", "lesson": "分配规则测试太晚",
             "action": "上线前安排一周测试", "owner": "刘洋", "due": D(2026, 6, 30)},
        ],
    },
}


def example_rows(lang: str, kind: str) -> list[dict[str, Any]]:
    """The example rows of one sheet kind (values by column key; choices by their key)."""
    return _EXAMPLES[lang][kind]


# ---------------------------------------------------------------- building

def _allowed(column: Column, lang: str) -> list[str]:
    return [choice.label(lang) for choice in column.choices]


class _Formats:
    def __init__(self, workbook: xlsxwriter.Workbook, lang: str):
        base = {"font_name": "Microsoft YaHei" if lang == "zh" else "Calibri", "font_size": 10}
        header = {**base, "bold": True, "text_wrap": True, "valign": "vcenter", "border": 1, "border_color": "#8EA9DB"}
        self.required = workbook.add_format({**header, "bg_color": REQUIRED_FILL, "font_color": "#FFFFFF"})
        self.optional = workbook.add_format({**header, "bg_color": OPTIONAL_FILL, "font_color": "#1F3864"})
        self.text = workbook.add_format({**base, "valign": "top"})
        self.wrap = workbook.add_format({**base, "valign": "top", "text_wrap": True})
        self.date = workbook.add_format({**base, "num_format": DATE_FORMAT, "valign": "top"})
        self.percent = workbook.add_format({**base, "num_format": "0%", "valign": "top"})
        self.number = workbook.add_format({**base, "num_format": "0.##", "valign": "top"})
        self.title = workbook.add_format({**base, "bold": True, "font_size": 14})
        self.section = workbook.add_format({**base, "bold": True, "font_size": 11, "font_color": "#1F3864"})
        self.bold = workbook.add_format({**base, "bold": True, "valign": "top"})

    def for_column(self, column: Column):
        if column.type is ColType.DATE:
            return self.date
        if column.type is ColType.PERCENT:
            return self.percent
        if column.type in (ColType.NUMBER, ColType.SCALE):
            return self.number
        return self.text


def build_template(lang: str, path: Path,
                   extend: Callable[[xlsxwriter.Workbook], None] | None = None) -> None:
    """Write the department workbook template in `lang` ("en" or "zh") to `path`.

    `extend(workbook)` runs after the last sheet and before the file is closed (the Excel
    build adds its VBA project and button there, into an `.xlsm` path).
    """
    if lang not in TEMPLATE_NAMES:
        raise ValueError(f"language must be one of {', '.join(TEMPLATE_NAMES)}, got {lang!r}")
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False, "strings_to_formulas": False,
                                               "strings_to_urls": False})
    workbook.set_properties({"title": text("template.title", lang), "created": FIXED_CREATED,
                             "author": "Ops Tracker Toolkit", "company": ""})
    formats = _Formats(workbook, lang)
    _write_instructions(workbook, formats, lang)
    lists = _Lists(workbook)
    for spec in SHEETS:
        _write_sheet(workbook, formats, lists, spec, lang)
    lists.finish()
    if extend is not None:
        extend(workbook)
    workbook.close()


class _Lists:
    """Dropdown lists too long to be written inline go on a hidden sheet, added last when needed."""

    def __init__(self, workbook: xlsxwriter.Workbook):
        self.workbook = workbook
        self.columns: list[list[str]] = []

    def source(self, values: list[str]) -> dict[str, Any]:
        if len(",".join(values)) <= LIST_LIMIT:
            return {"source": values}
        if values not in self.columns:
            self.columns.append(values)
        letter = xl_col_to_name(self.columns.index(values))
        return {"source": f"='{LISTS_SHEET}'!${letter}$1:${letter}${len(values)}"}

    def finish(self) -> None:
        if not self.columns:
            return
        sheet = self.workbook.add_worksheet(LISTS_SHEET)
        for col, values in enumerate(self.columns):
            for row, value in enumerate(values):
                sheet.write_string(row, col, value)
        sheet.hide()


def _write_sheet(workbook, formats: _Formats, lists: _Lists, spec: SheetSpec, lang: str) -> None:
    sheet = workbook.add_worksheet(spec.title(lang))
    sheet.freeze_panes(1, 0)
    sheet.set_row(0, 30)
    for col, column in enumerate(spec.columns):
        sheet.set_column(col, col, column.width, formats.for_column(column))
        header_format = formats.required if column.required else formats.optional
        sheet.write_string(0, col, column.header(lang), header_format)
        _validate_column(sheet, lists, col, column, lang)
    for row, values in enumerate(example_rows(lang, spec.key), start=1):
        for col, column in enumerate(spec.columns):
            _write_value(sheet, formats, row, col, column, values.get(column.key), lang)
    sheet.autofilter(0, 0, 0, len(spec.columns) - 1)


def _write_value(sheet, formats: _Formats, row: int, col: int, column: Column, value: Any, lang: str) -> None:
    if value is None:
        return
    fmt = formats.for_column(column)
    if column.type is ColType.CHOICE:
        choice = next(c for c in column.choices if c.key == value)
        sheet.write_string(row, col, choice.label(lang), fmt)
    elif isinstance(value, date):
        sheet.write_datetime(row, col, datetime(value.year, value.month, value.day), fmt)
    elif isinstance(value, (int, float)):
        sheet.write_number(row, col, value, fmt)
    else:
        sheet.write_string(row, col, str(value), fmt)


def _validate_column(sheet, lists: _Lists, col: int, column: Column, lang: str) -> None:
    """Dropdown, date, scale, percent and number validation from row 2 to LAST_ROW."""
    name = column.header(lang)
    if column.type is ColType.CHOICE:
        allowed = _allowed(column, lang)
        options = {"validate": "list", **lists.source(allowed),
                   "input_title": text("template.valid.choice_title", lang),
                   "input_message": text("template.valid.choice", lang, column=name, allowed=" / ".join(allowed))}
    elif column.type is ColType.SCALE:
        options = {"validate": "integer", "criteria": "between", "minimum": 1, "maximum": 5,
                   "input_title": text("template.valid.scale_title", lang),
                   "input_message": text("template.valid.scale", lang, column=name)}
    elif column.type is ColType.DATE:
        options = {"validate": "date", "criteria": "between",
                   "minimum": datetime.combine(DATE_MIN, datetime.min.time()),
                   "maximum": datetime.combine(DATE_MAX, datetime.min.time()),
                   "input_title": text("template.valid.date_title", lang),
                   "input_message": text("template.valid.date", lang, column=name),
                   "error_type": "warning"}   # the toolkit also reads dates typed as text
    elif column.type is ColType.PERCENT:
        options = {"validate": "decimal", "criteria": "between", "minimum": 0, "maximum": 1,
                   "input_title": text("template.valid.percent_title", lang),
                   "input_message": text("template.valid.percent", lang, column=name),
                   "error_type": "warning"}
    elif column.type is ColType.NUMBER:
        options = {"validate": "decimal", "criteria": ">=", "value": 0,
                   "input_title": text("template.valid.number_title", lang),
                   "input_message": text("template.valid.number", lang, column=name),
                   "error_type": "warning"}
    else:
        return
    options.setdefault("error_title", options["input_title"])
    options.setdefault("error_message", options["input_message"])
    sheet.data_validation(1, col, LAST_ROW - 1, col, options)


def _allowed_text(column: Column, lang: str) -> str:
    if column.type is ColType.CHOICE:
        return " / ".join(_allowed(column, lang))
    if column.type is ColType.SCALE:
        return "1–5"
    return ""


def _write_instructions(workbook, formats: _Formats, lang: str) -> None:
    sheet = workbook.add_worksheet(text("template.sheet.instructions", lang))
    sheet.set_column(0, 0, 22)
    sheet.set_column(1, 1, 8)
    sheet.set_column(2, 2, 24)
    sheet.set_column(3, 3, 42)
    sheet.set_column(4, 4, 60)
    sheet.write_string(0, 0, text("template.title", lang), formats.title)
    row = 2
    for n in range(1, 6):
        sheet.write_string(row, 0, f"{n}. " + text(f"template.intro.{n}", lang), formats.text)
        row += 1
    row += 1
    sheet.write_string(row, 0, text("template.legend.required", lang), formats.required)
    sheet.write_string(row + 1, 0, text("template.legend.optional", lang), formats.optional)
    row += 3
    labels = [text(f"template.col.{k}", lang) for k in ("column", "required", "type", "allowed", "meaning")]
    for spec in SHEETS:
        sheet.write_string(row, 0, spec.title(lang), formats.section)
        sheet.write_string(row, 1, text(f"template.sheet.{spec.key}", lang), formats.text)
        row += 1
        for col, label in enumerate(labels):
            sheet.write_string(row, col, label, formats.bold)
        row += 1
        for column in spec.columns:
            cells = [column.header(lang),
                     text("template.yes" if column.required else "template.no", lang),
                     text(f"template.type.{column.type.value}", lang),
                     _allowed_text(column, lang),
                     text(f"template.col.{spec.key}.{column.key}", lang)]
            for col, value in enumerate(cells):
                if value:
                    fmt = formats.required if (col == 0 and column.required) else formats.wrap
                    sheet.write_string(row, col, value, fmt)
            row += 1
        row += 1


def write_templates(folder: Path = TEMPLATE_FOLDER) -> list[Path]:
    """Write the English and the Chinese template into `folder`; return their paths."""
    paths = []
    for lang, name in TEMPLATE_NAMES.items():
        path = folder / name
        build_template(lang, path)
        paths.append(path)
    return paths


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    folder = Path(args[0]) if args else TEMPLATE_FOLDER
    for path in write_templates(folder):
        print(path)   # an entry point: says what it wrote
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
