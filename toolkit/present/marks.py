"""Row marks: how a task row is coloured, the same in the master, the reports and Excel."""
from __future__ import annotations

from ..results import TaskView

def row_mark(view: TaskView) -> str | None:
    """The fill of a task's row, by precedence: overdue > data issue > blocked > overloaded >
    due soon/behind > done."""
    flags = view.flags
    if flags.overdue:
        return "overdue"
    if flags.data_issue:
        return "data_issue"
    if flags.blocked:
        return "blocked"
    if flags.overloaded:
        return "overloaded"
    if flags.due_soon or flags.behind:
        return "amber"
    if view.record.values.get("status") == "done":
        return "done"
    return None


