"""The master tracker (`master.xlsx`): a Run laid out as sheets, written fresh with XlsxWriter.

Sheets, in order: Dashboard, Tasks, Timeline, Workload, Risks, KPIs, Milestones, Projects, Lessons, Changes,
Findings; one module each (or per group), every word from `i18n` and `present` in the chosen
language. `book.py` holds the rules every sheet keeps (values never become formulas, formats
created once, constant memory).

- **Row fills on Tasks**, by precedence: overdue red > overloaded orange > due soon / behind
  amber > done grey (`present.marks.row_mark`); the legend is on the Dashboard.
- A value the reader could not understand (None in `values`) is shown as the raw text the user
  typed, so the master never hides what is in the department workbook.
- Carried columns (`inputs.previous_master.read_carried_columns`) are written again for tasks
  that still exist.
- Carried values with no single task (gone, blank or repeated department + Task ID) are kept
  on a "Carried, unmatched" sheet after Findings (`unmatched.py`), never dropped.
- Links in Findings point only at workbooks that were read, by a path relative to the master's
  folder with forward slashes (`../inputs/IT.xlsx#'Tasks'!D14`), never at a network host;
  past Excel's limit of 65 530 links per sheet the place is shown as text.
- The workbook carries the custom property `Ops Tracker Toolkit = master`, so it (and its
  backups and conflict copies) is never read back as a department workbook.
"""
from __future__ import annotations

from pathlib import Path

from ...inputs.own_outputs import MARKER
from ...inputs.previous_master import CarriedColumns, CarriedMatch, match_carried
from ...run import Run
from .book import MasterBook, task_keys
from .changes import write_changes
from .dashboard import write_dashboard
from .fast_rows import Workbook
from .findings import write_findings
from .registers import (
    write_kpis,
    write_lessons,
    write_milestones,
    write_projects,
    write_risks,
)
from .tasks import write_tasks
from .timeline import write_timeline
from .unmatched import write_unmatched
from .workload import write_workload

WORKBOOK_OPTIONS = {
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
    "constant_memory": True,
    "remove_timezone": True,
}

SHEET_WRITERS = (write_dashboard, write_tasks, write_timeline, write_workload, write_risks, write_kpis, write_milestones,
                 write_projects, write_lessons, write_changes, write_findings)


def write_master(path: Path, run: Run, lang: str, *, carried: CarriedColumns | None = None,
                 keys: list[tuple[str, str]] | None = None, matched: CarriedMatch | None = None) -> None:
    """Write the master of `run` to `path` (a new file; `safe_output.publish` puts it in place).
    `keys`: `task_keys(analysis.tasks)`, and `matched`: `match_carried(carried, keys)`, when the
    caller has them already."""
    analysis = run.require_analysis()
    merged = run.consolidated
    assert merged is not None
    carried = carried or CarriedColumns()
    # each task's key only when there are carried rows to match (100 000 keys cost a quarter second)
    if keys is None and carried.rows and matched is None:
        keys = task_keys(analysis.tasks)
    match = matched if matched is not None else match_carried(carried, keys or ())
    wb = Workbook(str(path), WORKBOOK_OPTIONS)
    try:
        wb.set_custom_property(MARKER, "master")     # never read back as a department workbook
        book = MasterBook(wb, analysis, list(merged["team"]), list(merged["projects"]), list(merged["lessons"]),
                          list(run.changes), list(run.findings.findings), lang, run.as_of,
                          list(merged.extra_task_headers), match.values, list(match.headers),
                          paper=run.settings.paper, files=run.findings.files, compared_with=run.compared_with)
        book.run = run
        if keys is not None:
            book._keys = keys
        book.carried_unmatched = match.unmatched
        book.link_base = Path(path).resolve().parent
        book.linkable = {f.path for f in run.findings.files if f.readable and f.path}
        for write_sheet in SHEET_WRITERS:
            write_sheet(book)
        if match.unmatched:
            write_unmatched(book)
    finally:
        wb.close()


__all__ = ["CarriedColumns", "WORKBOOK_OPTIONS", "write_master"]
