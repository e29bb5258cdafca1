"""The report contexts on their own: plain dicts, figures that match the Run and the master's rules."""
from __future__ import annotations

import json
from datetime import date

import pytest

from report_fixtures import sample_run
from toolkit.errors import InputError
from toolkit.history import History
from toolkit.present.closure import closure_context, slip_days
from toolkit.present.summary import count_flags
from toolkit.present.weekly import WeekBefore, weekly_context
from toolkit.calendar import WorkCalendar
from toolkit.config import CalendarSettings
from toolkit.sample import P_CS, P_RC, SAMPLE_AS_OF


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    return sample_run(tmp_path_factory.mktemp("ctx"))


@pytest.fixture(scope="module")
def week_before(run):
    with History(run.history_url) as history:
        snap = history.snapshot_near(date(2026, 11, 17), before=SAMPLE_AS_OF)
    return WeekBefore(snap.as_of, snap.label, snap.rows)


def test_contexts_are_plain_json_data(run, week_before):
    for lang in ("en", "zh"):
        json.dumps(weekly_context(run, lang, week_before=week_before), ensure_ascii=False)
        json.dumps(closure_context(run, P_RC, lang), ensure_ascii=False)


def test_weekly_figures_match_the_run(run, week_before):
    ctx = weekly_context(run, "en", week_before=week_before)
    analysis = run.analysis
    figures = {f["key"]: f for f in ctx["figures"]}
    assert figures["tasks"]["now"] == len(analysis.tasks) == 72
    assert figures["overdue"]["now"] == count_flags(analysis).overdue == len(ctx["overdue"]) == 5
    assert ctx["compared_with"]["as_of"] == "2026-11-17"
    # a week earlier fewer tasks were late: the snapshot's own flags, not today's
    assert figures["overdue"]["before"] < 5 and figures["overdue"]["delta"].startswith("+")
    assert figures["tasks"]["delta"] == "±0"          # same workbooks: no task added
    assert "since 17 Nov 2026" in ctx["headline"]
    assert [o["id"] for o in ctx["overdue"]][0] == "CS-005" and ctx["overdue"][0]["days_late"] == 7
    assert {p["name"]: p["rag"] for p in ctx["projects"]}[P_CS] == "red"
    assert {p["name"]: p["fill"] for p in ctx["projects"]}[P_RC] == "C6EFCE"     # palette green
    assert {d["id"] for d in ctx["decisions"]} == {"MKT-004", "SC-004"}
    assert [o["owner"] for o in ctx["overloaded"]] == ["王磊"]
    assert "2026-W48" in ctx["overloaded"][0]["weeks"]
    assert sum(d["tasks"] for d in ctx["departments"]) == 72
    chart = ctx["department_chart"]
    assert [sum(s["values"][i] for s in chart["series"]) for i in range(len(chart["categories"]))] == \
        [d["tasks"] for d in ctx["departments"]]


def test_weekly_without_a_snapshot_says_so(run):
    ctx = weekly_context(run, "zh")
    assert ctx["compared_with"] is None and "尚无可对比的历史快照" in ctx["headline"]
    assert {f["before"] for f in ctx["figures"]} == {"—"}


def test_weekly_for_one_project(run, week_before):
    ctx = weekly_context(run, "en", week_before=week_before, project=P_CS)
    assert [p["name"] for p in ctx["projects"]] == [P_CS]
    assert {k["project"] for k in ctx["kpis"]} == {P_CS}
    assert all(x["project"] == P_CS for x in ctx["overdue"] + ctx["due_next_week"])
    assert ctx["report"]["scope"] == P_CS


def test_closure_context_of_the_finished_project(run):
    first_due = {"RC-002": (date(2026, 10, 27), date(2026, 10, 20))}     # due moved later: slip counted from here
    ctx = closure_context(run, P_RC, "en", first_due=first_due)
    assert ctx["project"]["phase"] == "Closed" and ctx["health"]["rag"] == "green"
    assert ctx["scope"] == {"tasks": 5, "done": 4, "cancelled": 1, "open": 0, "done_share": "100%"}
    slips = {t["id"]: t["slip"] for t in ctx["tasks"]}
    assert slips == {"RC-001": 0, "RC-002": 4, "RC-003": -1, "RC-004": 1}
    assert "first recorded 2026-10-20" in {t["id"]: t for t in ctx["tasks"]}["RC-002"]["first_due_from"]
    assert ctx["schedule"]["slip"] == 1 and ctx["schedule"]["tasks_late"] == 2
    assert [k["met"] for k in ctx["kpis"]] == [True, True]
    assert "Finance joined the rules workshop from the first day" in ctx["highlights"]
    assert any("tested on one month" in s for s in ctx["shortcomings"])
    assert {m["status"] for m in ctx["milestones"]} == {"Passed"}


def test_closure_of_an_unknown_project_names_the_known_ones(run):
    with pytest.raises(InputError) as info:
        closure_context(run, "No such project", "en")
    assert P_RC in info.value.message("en")


@pytest.mark.parametrize("planned, actual, days", [
    (date(2026, 11, 20), date(2026, 11, 24), 2),    # Friday -> Tuesday: Mon and Tue
    (date(2026, 11, 24), date(2026, 11, 20), -2),
    (date(2026, 11, 24), date(2026, 11, 24), 0),
])
def test_slip_in_working_days(planned, actual, days):
    assert slip_days(WorkCalendar.from_settings(CalendarSettings()), planned, actual) == days


def test_the_snapshot_nearest_a_week_before(tmp_path):
    with History(f"sqlite:///{tmp_path / 'h.sqlite'}") as history:
        assert history.snapshot_near(date(2026, 11, 17), before=date(2026, 11, 24)) is None
        for day in (10, 16, 19, 24):
            history.store_snapshot(date(2026, 11, day), [], label=f"run {day}")
        near = history.snapshot_near(date(2026, 11, 17), before=date(2026, 11, 24))
        assert (near.as_of, near.label) == (date(2026, 11, 16), "run 16")
        # only snapshots strictly before the as-of date count, even when it is the nearest
        assert history.snapshot_near(date(2026, 11, 24), before=date(2026, 11, 24)).as_of == date(2026, 11, 19)
