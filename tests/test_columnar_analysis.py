"""Column-wise analysis gives exactly the row-wise flags and owner-weeks (every field, floats
compared exactly) on the sample company and on generated data, with holidays and leave."""
from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import pytest

from conftest import AS_OF, REPO
import toolkit.analyze as analyze_pkg
from toolkit.analyze import columnar
from toolkit.config import Settings
from toolkit.consolidate import consolidate
from toolkit.pipeline import run_validation


def _both(folder: Path, settings: Settings, as_of: date, monkeypatch):
    merged = consolidate(run_validation([folder], settings, as_of).batch)
    args = (merged["tasks"], merged["team"], merged["projects"], merged["kpis"], merged["risks"],
            merged["milestones"], settings, as_of)
    monkeypatch.setattr(columnar, "MIN_TASKS", 0)
    fast = analyze_pkg.analyze(*args)
    monkeypatch.setattr(analyze_pkg, "COLUMNAR", False)
    slow = analyze_pkg.analyze(*args)
    return fast, slow


def _same(fast, slow) -> None:
    assert [v.record for v in fast.tasks] == [v.record for v in slow.tasks]
    assert [v.flags for v in fast.tasks] == [v.flags for v in slow.tasks]
    assert fast.workload == slow.workload
    assert fast.projects == slow.projects


@pytest.mark.parametrize("as_of", [AS_OF, date(2026, 10, 1), date(2027, 1, 4)])
def test_sample_company(monkeypatch, as_of):
    settings = Settings(calendar={"chinese_holidays": True, "holidays": [date(2026, 12, 1)],
                                  "workdays": [date(2026, 11, 28)]})
    fast, slow = _both(REPO / "workbooks" / "sample", settings, as_of, monkeypatch)
    _same(fast, slow)
    assert any(v.flags.overloaded for v in slow.tasks)
    if as_of == AS_OF:
        assert any(v.flags.overdue for v in slow.tasks) and any(v.flags.due_soon for v in slow.tasks)
        assert any(v.flags.behind for v in slow.tasks) and any(v.flags.blocked for v in slow.tasks)


@pytest.mark.parametrize("positional", [True, False])
def test_generated(monkeypatch, tmp_path, positional):
    monkeypatch.setattr(columnar, "_POSITIONAL", positional)
    sys.path.insert(0, str(REPO / "benchmarks"))
    from generate import make_department_workbooks
    make_department_workbooks(tmp_path / "gen", 4, 300)
    fast, slow = _both(tmp_path / "gen", Settings(), date(2026, 10, 20), monkeypatch)
    _same(fast, slow)
    assert columnar._POSITIONAL == positional
    assert sum(v.flags.overloaded for v in slow.tasks) > 50 and sum(w.overloaded for w in slow.workload) > 5
    assert sum(v.flags.due_soon for v in slow.tasks) > 10 and sum(v.flags.overdue for v in slow.tasks) > 10


def test_dates_far_apart_take_the_row_path():
    from toolkit.calendar import WorkCalendar
    from toolkit.config import Thresholds
    from toolkit.model import Record, Source
    records = [Record("tasks", Source("a", "Tasks", i), {"status": "in_progress", "due": date(2026, 1, 1),
                                                          "start": date(1900 if i == 0 else 2026, 1, 1)})
               for i in range(columnar.MIN_TASKS)]
    assert columnar.flag_tasks(records, [], WorkCalendar(), Thresholds(), AS_OF) is None
