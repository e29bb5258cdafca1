"""The Changes sheet: what changed since the earlier run."""
from __future__ import annotations

from ... import i18n
from ...present.palette import FILLS, GREEN
from ...present.summary import stamp_text
from ...results import Change
from ...schema import STATUS, TASKS
from .book import MasterBook


def write_changes(book: MasterBook) -> None:
    t, lang = book.t, book.lang
    headers = [t("master.col.change"), TASKS.column("id").header(lang), TASKS.column("title").header(lang),
               TASKS.column("department").header(lang), t("master.col.old"), t("master.col.new"),
               t("master.col.slip")]
    widths = [18, 11, 36, 14, 16, 16, 10]
    status_labels = {ch.key: ch.label(lang) for ch in STATUS}
    fills = {"completed": FILLS["done"], "slipped": FILLS["amber"], "newly_overdue": FILLS["overdue"],
             "new": GREEN}

    def shown(change: Change, value: str, now: bool = False) -> str:
        if change.kind in ("status", "completed", "new", "removed"):
            return status_labels.get(value, value)
        if change.kind == "newly_overdue" and now and change.days_late is not None:
            return t("master.change.days_late", days=change.days_late)
        return value

    def rows():
        compared = book.run.compared_with if book.run is not None else None
        if compared is not None:
            yield [(t("master.changes.since", stamp=stamp_text(compared.taken_at), as_of=compared.as_of.isoformat()),
                    "text", None)]
        if not book.changes:
            yield [(t("master.changes.none"), "text", None)]
            return
        for ch in book.changes:
            kind = f"master.change.{ch.kind}"
            yield [(t(kind) if kind in i18n.TEXT else ch.kind, "text", fills.get(ch.kind)),
                   (ch.task_id, "text", None), (ch.title, "text", None), (ch.department, "text", None),
                   (shown(ch, ch.old), "text", None), (shown(ch, ch.new, now=True), "text", None),
                   (ch.slip_days, "int", None)]

    book.table_sheet(t("master.sheet.changes"), headers, widths, rows())
