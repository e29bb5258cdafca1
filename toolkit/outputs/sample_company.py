"""Write the sample company (`toolkit.sample`) as five department workbooks, byte for byte
reproducible (fixed document dates, no clock).

`python -m toolkit.outputs.sample_company [FOLDER]` (or `make sample`) rewrites `workbooks/sample/`.
"""
from __future__ import annotations

import sys
from datetime import date, datetime
from pathlib import Path

import xlsxwriter

from ..schema import SHEETS_BY_KEY, ColType
from ..sample import DEPARTMENTS, FIXED_CREATED, SAMPLE_FOLDER, WORKBOOKS, SheetPlan


def _write_workbook(path: Path, plans: list[SheetPlan]) -> None:
    workbook = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False, "strings_to_formulas": False,
                                               "strings_to_urls": False})
    workbook.set_properties({"created": FIXED_CREATED, "author": "Ops Tracker Toolkit sample"})
    font = {"font_name": "Microsoft YaHei", "font_size": 10}
    header_fmt = workbook.add_format({**font, "bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True})
    title_fmt = workbook.add_format({**font, "bold": True, "font_size": 14})
    cell_fmt = {
        ColType.DATE: workbook.add_format({**font, "num_format": "yyyy-mm-dd"}),
        ColType.PERCENT: workbook.add_format({**font, "num_format": "0%"}),
    }
    plain = workbook.add_format(font)
    for plan in plans:
        sheet = workbook.add_worksheet(plan.name)
        spec = SHEETS_BY_KEY[plan.kind]
        top = 0
        if plan.title:
            sheet.merge_range(0, 0, 0, min(len(plan.columns), 6) - 1, plan.title, title_fmt)
            top = 2
        sheet.freeze_panes(top + 1, 0)
        for col, key in enumerate(plan.columns):
            column = None if key in plan.extras else spec.column(key)
            fmt = cell_fmt.get(column.type, plain) if column else plain
            if column is not None and column.type is ColType.PERCENT and plan.kind == "tasks" and \
                    any(isinstance(v := r.get(key), (int, float)) and v > 1 for r in plan.rows):
                fmt = plain   # this team types points (50), not fractions
            sheet.set_column(col, col, column.width if column else 16, fmt)
            sheet.write_string(top, col, plan.header(key), header_fmt)
        for offset, row in enumerate(plan.rows, start=top + 1):
            for col, key in enumerate(plan.columns):
                value = row.get(key)
                if value is None:
                    continue
                if isinstance(value, date):
                    sheet.write_datetime(offset, col, datetime(value.year, value.month, value.day))
                elif isinstance(value, (int, float)):
                    sheet.write_number(offset, col, value)
                else:
                    sheet.write_string(offset, col, str(value))
    workbook.close()


def write_sample_company(folder: Path) -> list[Path]:
    """Write the five department workbooks into `folder`; return their paths in DEPARTMENTS order."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, _department in DEPARTMENTS:
        path = folder / name
        _write_workbook(path, WORKBOOKS[name]())
        paths.append(path)
    return paths


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    folder = Path(args[0]) if args else SAMPLE_FOLDER
    for path in write_sample_company(folder):
        print(path)   # an entry point: says what it wrote
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
