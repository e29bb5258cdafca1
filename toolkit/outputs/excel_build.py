"""Build the macro-enabled workbooks of the Excel buttons from committed sources.

`python -m toolkit.outputs.excel_build [OUTDIR]` (or `make excel`) writes into
`workbooks/excel/`:

- `control_panel_en.xlsm`, `control_panel_zh.xlsm`: the PMO control panel, with the buttons
  Validate all / Consolidate now / Weekly report / Open master and a status table (job, last
  run, result, message) whose rows are the defined names `ToolkitStatus_<job>`;
- `department_tracker_en.xlsm`, `department_tracker_zh.xlsm`: the department templates of
  `toolkit.templates` plus a `Validate this workbook` button.

Each workbook carries a VBA project built by `toolkit.outputs.vba_project` from the `.bas`
modules in `workbooks/vba/` (its own module and `XlwingsBridge`, which calls RunPython in the
xlwings add-in) and the defined name `ToolkitLanguage` (="en" or ="zh") that tells the Python
side which language to answer in. Buttons are form controls bound to the Subs by name.

Reproducible: the VBA project has no timestamps and XlsxWriter stamps every zip member with
one fixed date, and the document properties carry a fixed creation date, so two builds give
the same bytes.
"""
from __future__ import annotations

import io
import sys
from pathlib import Path

import xlsxwriter

from ..excel_writeback import LANGUAGE_NAME, status_name
from ..i18n import text_in

text = text_in("excel")
from .templates import FIXED_CREATED, build_template
from .vba_project import Module, build_vba_project, document_modules, read_bas

VBA_FOLDER = Path(__file__).resolve().parents[2] / "workbooks" / "vba"
EXCEL_FOLDER = Path("workbooks/excel")
LANGS = ("en", "zh")

BRIDGE = "XlwingsBridge"
PANEL_MODULE = "ControlPanel"
DEPARTMENT_MODULE = "DepartmentTracker"

# job key (the Python entry point) -> the Sub its button calls
PANEL_JOBS = {
    "validate_all": "ValidateAll",
    "consolidate_now": "ConsolidateNow",
    "weekly_report": "WeeklyReport",
    "open_master": "OpenMaster",
}
DEPARTMENT_JOBS = {"validate_this_workbook": "ValidateThisWorkbook"}

PANEL_BUTTON_ROW = 4
STATUS_HEADER_ROW = 8          # zero-based; the job rows follow


def panel_name(lang: str) -> str:
    return f"control_panel_{lang}.xlsm"


def department_name(lang: str) -> str:
    return f"department_tracker_{lang}.xlsm"


def modules(*names: str, folder: Path = VBA_FOLDER) -> list[Module]:
    return [read_bas(folder / f"{name}.bas") for name in names]


def vba_project_for(workbook: xlsxwriter.Workbook, module_names: tuple[str, ...],
                    folder: Path = VBA_FOLDER) -> bytes:
    """The VBA project for `workbook` as it stands: document modules for its sheets plus ours."""
    documents = document_modules(len(workbook.worksheets()))
    return build_vba_project(documents + modules(*module_names, folder=folder))


def _attach(workbook: xlsxwriter.Workbook, lang: str, module_names: tuple[str, ...], folder: Path) -> None:
    workbook.define_name(LANGUAGE_NAME, f'="{lang}"')
    workbook.add_vba_project(io.BytesIO(vba_project_for(workbook, module_names, folder)), is_stream=True)


# ---------------------------------------------------------------- control panel

def build_control_panel(lang: str, path: Path, folder: Path = VBA_FOLDER) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False, "strings_to_formulas": False,
                                               "strings_to_urls": False})
    workbook.set_properties({"title": text("panel.title", lang), "created": FIXED_CREATED,
                             "author": "Ops Tracker Toolkit", "company": ""})
    font = "Microsoft YaHei" if lang == "zh" else "Calibri"
    base = {"font_name": font, "font_size": 10}
    title = workbook.add_format({**base, "bold": True, "font_size": 16, "font_color": "#1F3864"})
    wrap = workbook.add_format({**base, "text_wrap": True, "valign": "top"})
    note = workbook.add_format({**base, "italic": True, "font_color": "#595959"})
    section = workbook.add_format({**base, "bold": True, "font_size": 12, "font_color": "#1F3864"})
    header = workbook.add_format({**base, "bold": True, "bg_color": "#1F4E78", "font_color": "#FFFFFF",
                                  "border": 1, "border_color": "#8EA9DB"})
    cell = workbook.add_format({**base, "border": 1, "border_color": "#8EA9DB", "valign": "top"})
    when = workbook.add_format({**base, "border": 1, "border_color": "#8EA9DB", "valign": "top",
                                "num_format": "yyyy-mm-dd hh:mm"})
    message = workbook.add_format({**base, "border": 1, "border_color": "#8EA9DB", "valign": "top",
                                   "text_wrap": True})

    sheet = workbook.add_worksheet(text("panel.sheet", lang))
    sheet.hide_gridlines(2)
    sheet.set_column(0, 0, 24, workbook.add_format(base))
    sheet.set_column(1, 2, 24, workbook.add_format(base))
    sheet.set_column(3, 3, 70, workbook.add_format(base))
    sheet.set_row(0, 28)
    sheet.write_string(0, 0, text("panel.title", lang), title)
    sheet.set_row(1, 32)
    sheet.merge_range(1, 0, 1, 3, text("panel.intro", lang), wrap)
    sheet.write_string(2, 0, text("panel.needs", lang), note)

    sheet.set_row(PANEL_BUTTON_ROW, 42)
    for col, (job, macro) in enumerate(PANEL_JOBS.items()):
        sheet.insert_button(PANEL_BUTTON_ROW, col, {
            "macro": macro, "caption": text(f"button.{job}", lang),
            "width": 160, "height": 40, "x_offset": 6, "y_offset": 2,
        })

    sheet.write_string(STATUS_HEADER_ROW - 1, 0, text("status.title", lang), section)
    for col, key in enumerate(("status.job", "status.last_run", "status.result", "status.message")):
        sheet.write_string(STATUS_HEADER_ROW, col, text(key, lang), header)
    for offset, job in enumerate(PANEL_JOBS, start=1):
        row = STATUS_HEADER_ROW + offset
        sheet.write_string(row, 0, text(f"button.{job}", lang), cell)
        sheet.write_blank(row, 1, None, when)
        sheet.write_string(row, 2, text("status.never", lang), cell)
        sheet.write_blank(row, 3, None, message)
        sheet_ref = sheet.name.replace("'", "''")
        workbook.define_name(status_name(job), f"='{sheet_ref}'!$B${row + 1}:$D${row + 1}")
    _attach(workbook, lang, (PANEL_MODULE, BRIDGE), folder)
    workbook.close()
    return path


# ---------------------------------------------------------------- department tracker

def build_department_tracker(lang: str, path: Path, folder: Path = VBA_FOLDER) -> Path:
    """The department template of `toolkit.templates` with a Validate this workbook button."""

    def extend(workbook: xlsxwriter.Workbook) -> None:
        instructions = workbook.worksheets()[0]
        instructions.set_row(0, 34)
        instructions.insert_button(0, 3, {
            "macro": DEPARTMENT_JOBS["validate_this_workbook"],
            "caption": text("button.validate_this_workbook", lang),
            "width": 220, "height": 38, "x_offset": 4, "y_offset": 4,
        })
        instructions.write_string(1, 3, text("button.validate_this_workbook.hint", lang))
        _attach(workbook, lang, (DEPARTMENT_MODULE, BRIDGE), folder)

    build_template(lang, path, extend=extend)
    return path


def build_all(out: Path = EXCEL_FOLDER, folder: Path = VBA_FOLDER) -> list[Path]:
    """Build the four workbooks into `out`; return their paths."""
    made = []
    for lang in LANGS:
        made.append(build_control_panel(lang, out / panel_name(lang), folder))
        made.append(build_department_tracker(lang, out / department_name(lang), folder))
    return made


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    out = Path(args[0]) if args else EXCEL_FOLDER
    for path in build_all(out):
        print(path)   # an entry point: says what it wrote
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
