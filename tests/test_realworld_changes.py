"""Changes you can rely on (issue 9): compared with the previous run (also earlier the same day),
named by its date and time; status labels, not keys; slip in working days; newly overdue with
its days late. Consolidated for real, twice and three times, the Changes sheet read back."""
from __future__ import annotations

from datetime import date

import openpyxl
import pytest

from conftest import write_workbook
from toolkit.config import Settings
from toolkit.i18n import text
from toolkit.pipeline import run_consolidation
from toolkit.present.summary import consolidation_lines
from toolkit.schema import TASKS

LABELS = {"en": {"in_progress": "In progress", "not_started": "Not started", "done": "Done"},
          "zh": {"in_progress": "进行中", "not_started": "未开始", "done": "已完成"}}


def tasks(lang, *rows):
    head = [c.header(lang) for c in TASKS.columns]
    return {TASKS.title(lang): [head] + [
        [id_, "P1", f"Task {id_}", "", "王磊", date(2026, 11, 2), due, LABELS[lang][status], 0.9, 8,
         None, None, None, date(2026, 11, 20) if status == "done" else None, None] for id_, due, status in rows]}


def changes_sheet(path, lang):
    ws = openpyxl.load_workbook(path)[text("master.sheet.changes", lang)]
    return [[c.value for c in row] for row in ws.iter_rows(min_row=2)]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_changes_since_the_previous_run(tmp_path, lang):
    settings = Settings(base_dir=tmp_path)
    inputs, out = tmp_path / "in" / "IT.xlsx", tmp_path / "out" / "master.xlsx"

    def consolidate(as_of, stamp):
        return run_consolidation([inputs.parent], settings, as_of, output=out, stamp=stamp, lang=lang)

    write_workbook(inputs, tasks(lang, ("T-1", date(2026, 11, 30), "in_progress"),
                                 ("T-2", date(2026, 11, 27), "in_progress"), ("T-3", date(2026, 11, 24), "in_progress")))
    first = consolidate(date(2026, 11, 24), "2026-11-24 090000")
    assert first.compared_with is None
    # edits the same morning: T-1 slips a week, T-2 is done, T-4 is new
    write_workbook(inputs, tasks(lang, ("T-1", date(2026, 12, 7), "in_progress"),
                                 ("T-2", date(2026, 11, 27), "done"), ("T-3", date(2026, 11, 24), "in_progress"),
                                 ("T-4", date(2026, 12, 4), "not_started")))
    second = consolidate(date(2026, 11, 24), "2026-11-24 100000")
    assert (second.compared_with.as_of, second.compared_with.taken_at) == (date(2026, 11, 24), "2026-11-24 090000")
    rows = changes_sheet(out, lang)
    assert rows[0][0] == text("master.changes.since", lang, stamp="2026-11-24 09:00:00", as_of="2026-11-24")
    by_kind = {r[0]: r for r in rows[1:]}
    new = by_kind[text("master.change.new", lang)]
    assert new[1] == "T-4" and new[5] == LABELS[lang]["not_started"]        # a label, never "not_started"
    done = by_kind[text("master.change.completed", lang)]
    assert done[1] == "T-2" and (done[4], done[5]) == (LABELS[lang]["in_progress"], LABELS[lang]["done"])
    slipped = by_kind[text("master.change.slipped", lang)]
    assert slipped[1] == "T-1" and slipped[6] == 5                           # 1 Dec … 7 Dec: 5 working days
    line = [x for x in consolidation_lines(second, lang) if "09:00:00" in x]
    assert line == [text("consolidate.changes_run", lang, count=3, stamp="2026-11-24 09:00:00", since="2026-11-24")]

    third = consolidate(date(2026, 11, 26), "2026-11-26 090000")
    assert third.compared_with.taken_at == "2026-11-24 100000"
    rows = changes_sheet(out, lang)
    late = [r for r in rows if r[0] == text("master.change.newly_overdue", lang)]
    assert [(r[1], r[4], r[5]) for r in late] == [("T-3", "2026-11-24", text("master.change.days_late", lang, days=2))]
