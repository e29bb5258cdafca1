"""analyze(): flags, workload, risks, KPIs, milestones, project health, calendar warnings."""
from __future__ import annotations

import itertools
from datetime import date, timedelta

import pytest

from toolkit.analyze import analyze, measure_kpi
from toolkit.config import Thresholds

RED_DAYS_LATE = Thresholds().red_days_late
from toolkit.config import CalendarSettings, Settings, Thresholds
from toolkit.i18n import LANGS, TEXT, text
from toolkit.model import Record, Source
from toolkit.results import Reason

AS_OF = date(2026, 11, 24)      # a Tuesday in ISO week 2026-W48 (Monday 11-23)
_rows = itertools.count(2)


def d(text_: str) -> date:
    return date.fromisoformat(text_)


def record(kind: str, department: str = "IT", /, **values) -> Record:
    return Record(kind, Source(f"{department}.xlsx", kind.title(), next(_rows)), values, department=department)


def task(id_: str, due: str | date | None, *, start: str | date | None = None, status: str = "in_progress",
         percent: float | None = None, hours: float | None = None, owner: str = "王磊", project: str = "P1",
         depends_on: tuple[str, ...] = (), department: str = "IT") -> Record:
    due_ = d(due) if isinstance(due, str) else due
    start_ = d(start) if isinstance(start, str) else (start or due_)
    return record("tasks", department, id=id_, project=project, title=f"Task {id_}", department=department,
                  owner=owner, start=start_, due=due_, status=status, percent=percent, hours=hours,
                  depends_on=tuple(depends_on))


def member(name: str, capacity: float | None = 40, leave: tuple[tuple[str, str], ...] = ()) -> Record:
    return record("team", name=name, capacity=capacity, leave=tuple((d(a), d(b)) for a, b in leave))


def settings(calendar: CalendarSettings | None = None, **thresholds) -> Settings:
    return Settings(calendar=calendar or CalendarSettings(), thresholds=Thresholds(**thresholds))


def run(tasks=(), team=(), projects=(), kpis=(), risks=(), milestones=(), as_of=AS_OF, cfg=None):
    return analyze(list(tasks), list(team), list(projects), list(kpis), list(risks), list(milestones),
                   cfg or settings(), as_of)


def flags_of(analysis, id_):
    return next(v.flags for v in analysis.tasks if v.record.values["id"] == id_)


def codes(health):
    return [r.code for r in health.reasons]


# ---------------------------------------------------------------- overdue

@pytest.mark.parametrize("due, as_of, overdue, days_late", [
    ("2026-11-23", "2026-11-24", True, 1),     # due yesterday (Monday)
    ("2026-11-20", "2026-11-23", True, 1),     # Friday -> Monday: the weekend does not count
    ("2026-11-20", "2026-11-22", True, 0),     # judged on Sunday: overdue, 0 working days late
    ("2026-11-19", "2026-11-24", True, 3),     # Fri, Mon, Tue
    ("2026-09-30", "2026-10-09", True, 2),     # over National Day: only 10-08 and 10-09
    ("2026-09-30", "2026-10-12", True, 4),     # … plus make-up Saturday 10-10 and Monday 10-12
    ("2026-11-24", "2026-11-24", False, 0),    # due today is not overdue
])
def test_overdue(due, as_of, overdue, days_late):
    flags = flags_of(run([task("T1", due, start="2026-09-01")], as_of=d(as_of)), "T1")
    assert (flags.overdue, flags.days_late) == (overdue, days_late)


@pytest.mark.parametrize("status", ["done", "cancelled"])
def test_closed_tasks_have_no_flags(status):
    flags = flags_of(run([task("T1", "2026-11-02", start="2026-10-12", status=status, percent=10)]), "T1")
    assert not flags.any and flags.days_left is None and flags.remaining_hours == 0


def test_overdue_without_chinese_holidays_counts_the_golden_week():
    cfg = settings(CalendarSettings(chinese_holidays=False))
    flags = flags_of(run([task("T1", "2026-09-30")], as_of=d("2026-10-09"), cfg=cfg), "T1")
    assert flags.days_late == 7


# ---------------------------------------------------------------- due soon

@pytest.mark.parametrize("as_of, due, due_soon, days_left", [
    ("2026-11-24", "2026-11-24", True, 0),     # due today
    ("2026-11-24", "2026-11-27", True, 3),     # Friday: 3 working days
    ("2026-11-24", "2026-11-28", True, 3),     # Saturday: still 3
    ("2026-11-24", "2026-11-30", False, 4),    # Monday: 4
    ("2026-09-29", "2026-10-08", True, 2),     # over the holiday: 9-30 and 10-08
    ("2026-09-29", "2026-10-12", False, 4),    # 9-30, 10-08, 10-09, 10-10 (make-up), 10-12 is 5th…
])
def test_due_soon(as_of, due, due_soon, days_left):
    flags = flags_of(run([task("T1", due, start="2026-09-01")], as_of=d(as_of)), "T1")
    assert (flags.due_soon, flags.days_left) == (due_soon, days_left if due != "2026-10-12" else 5)
    assert not flags.overdue


def test_due_soon_threshold_is_a_setting():
    cfg = settings(due_soon_days=0)
    analysis = run([task("T1", "2026-11-24"), task("T2", "2026-11-25")], cfg=cfg)
    assert flags_of(analysis, "T1").due_soon and not flags_of(analysis, "T2").due_soon


def test_overdue_task_is_not_due_soon():
    flags = flags_of(run([task("T1", "2026-11-23")]), "T1")
    assert flags.overdue and not flags.due_soon and flags.days_left is None


# ---------------------------------------------------------------- behind

# start Monday 11-16, due Friday 11-27: 10 working days; by the morning of Tuesday 11-24 six have
# passed (11-16..20, 11-23), so 60 % is expected.
@pytest.mark.parametrize("percent, behind, points", [
    (40, True, 20.0),     # exactly the threshold
    (41, False, 19.0),
    (None, True, 60.0),   # blank counts as 0
    (80, False, -20.0),
])
def test_behind(percent, behind, points):
    flags = flags_of(run([task("T1", "2026-11-27", start="2026-11-16", percent=percent)]), "T1")
    assert flags.expected_percent == pytest.approx(60.0)
    assert flags.behind is behind
    assert flags.behind_points == pytest.approx(points)


def test_behind_edges():
    analysis = run([
        task("future", "2026-12-11", start="2026-12-07"),
        task("starts_today", "2026-11-27", start="2026-11-24"),
        task("overdue_nearly_done", "2026-11-20", start="2026-11-02", percent=90),
        task("overdue_half", "2026-11-20", start="2026-11-02", percent=50),
    ])
    assert flags_of(analysis, "future").expected_percent is None and not flags_of(analysis, "future").behind
    assert flags_of(analysis, "starts_today").expected_percent == 0.0
    assert flags_of(analysis, "overdue_nearly_done").expected_percent == 100.0
    assert not flags_of(analysis, "overdue_nearly_done").behind
    assert flags_of(analysis, "overdue_half").behind


def test_behind_uses_working_days_over_the_holiday():
    # 9-28, 9-29, 9-30, 10-08, 10-09 are the 5 working days; by 10-08 three have passed
    flags = flags_of(run([task("T1", "2026-10-09", start="2026-09-28")], as_of=d("2026-10-08")), "T1")
    assert flags.expected_percent == pytest.approx(60.0)


def test_behind_threshold_is_a_setting():
    flags = flags_of(run([task("T1", "2026-11-27", start="2026-11-16", percent=40)], cfg=settings(behind_points=30)),
                     "T1")
    assert not flags.behind


# ---------------------------------------------------------------- overloaded

def overload_tasks():
    return [
        task("A", "2026-11-27", start="2026-11-24", hours=24),             # W48
        task("B", "2026-11-26", start="2026-11-20", hours=48, percent=50),  # W48 from the as-of day: 24 h left
        task("C", "2026-12-02", start="2026-11-26", hours=10),             # 2 days in W48, 3 in W49
        task("D", "2026-12-11", start="2026-12-07", hours=16),             # W50 only
        task("E", "2026-11-27", start="2026-11-23", hours=30, status="done", percent=100),
        task("L", "2026-11-27", start="2026-11-24", hours=8, owner="李娜"),
    ]


def test_overload_flags_every_contributing_task_and_only_those():
    analysis = run(overload_tasks(), team=[member("王磊", 40), member("李娜", 40)])
    for id_ in ("A", "B", "C"):
        flags = flags_of(analysis, id_)
        assert flags.overloaded, id_
        assert [n.text() for n in flags.overloads] == ["王磊 · 2026-W48 · 52 h of 40 h"]
    assert not flags_of(analysis, "D").overloaded          # same owner, another week
    assert not flags_of(analysis, "E").overloaded          # done: no load
    assert not flags_of(analysis, "L").overloaded          # another owner
    assert analysis.overloaded_owners == ["王磊"]


def test_workload_rows():
    analysis = run(overload_tasks(), team=[member("王磊", 40), member("李娜", 40)])
    rows = [(w.owner, w.week, w.week_start, round(w.hours, 6), w.capacity, w.task_ids, w.overloaded)
            for w in analysis.workload]
    assert rows == sorted(rows, key=lambda r: (r[0], r[1]))
    assert {r[0:2]: r[2:] for r in rows} == {
        ("王磊", "2026-W48"): (d("2026-11-23"), 52.0, 40, ["A", "B", "C"], True),
        ("王磊", "2026-W49"): (d("2026-11-30"), 6.0, 40, ["C"], False),
        ("王磊", "2026-W50"): (d("2026-12-07"), 16.0, 40, ["D"], False),
        ("李娜", "2026-W48"): (d("2026-11-23"), 8.0, 40, ["L"], False),
    }
    assert flags_of(analysis, "B").remaining_hours == 24


@pytest.mark.parametrize("leave, capacity, overloaded", [
    ((), 40, False),
    ((("2026-11-30", "2026-12-01"),), 24, True),                      # 2 of 5 days off
    ((("2026-11-30", "2026-11-30"), ("2026-11-30", "2026-12-01")), 24, True),   # overlaps counted once
    ((("2026-11-28", "2026-11-29"),), 40, False),                     # a weekend: no working day lost
    ((("2026-11-16", "2026-12-31"),), 0, True),                       # the whole week
])
def test_leave_reduces_capacity(leave, capacity, overloaded):
    analysis = run([task("A", "2026-12-04", start="2026-11-30", hours=30)], team=[member("王磊", 40, leave)])
    week = analysis.workload[0]
    assert (week.week, week.hours, week.capacity, week.overloaded) == ("2026-W49", 30, capacity, overloaded)
    flags = flags_of(analysis, "A")
    assert flags.overloaded is overloaded
    if overloaded:
        assert flags.overloads[0].text() == f"王磊 · 2026-W49 · 30 h of {capacity} h"


def test_leave_share_in_a_holiday_week():
    # W41 2026 (10-05..10-11) has 3 working days: 10-08, 10-09 and make-up Saturday 10-10; 1 on leave
    analysis = run([task("A", "2026-10-10", start="2026-10-08", hours=30)],
                   team=[member("王磊", 45, (("2026-10-09", "2026-10-09"),))], as_of=d("2026-10-08"))
    assert analysis.workload[0].capacity == pytest.approx(30.0)


def test_capacity_defaults_and_ratio():
    tasks = [task("A", "2026-11-27", start="2026-11-24", hours=44, owner="Unknown"),
             task("B", "2026-11-27", start="2026-11-24", hours=44, owner="NoCap")]
    analysis = run(tasks, team=[member("NoCap", None)])
    assert [(w.owner, w.capacity, w.overloaded) for w in analysis.workload] == [
        ("NoCap", 40, True), ("Unknown", 40, True)]
    relaxed = run(tasks, team=[member("NoCap", None)], cfg=settings(overload_ratio=1.2, default_capacity=38))
    assert [(w.capacity, w.overloaded) for w in relaxed.workload] == [(38, False), (38, False)]
    assert relaxed.overloaded_owners == [] and not flags_of(relaxed, "A").overloaded


def test_default_hours_and_overdue_load_on_the_as_of_week():
    analysis = run([task("late", "2026-11-02", start="2026-10-26", percent=25),      # 8 h default, 6 left
                    task("next", "2026-12-04", start="2026-11-30")], cfg=settings(default_hours=8))
    assert [(w.week, w.hours, w.task_ids) for w in analysis.workload] == [
        ("2026-W48", 6.0, ["late"]), ("2026-W49", 8.0, ["next"])]


def test_no_load_before_the_as_of_day():
    # 10 h over 11-16..11-27 (10 working days); judged on 11-24: 4 days left, all 10 h spread on them
    analysis = run([task("A", "2026-11-27", start="2026-11-16", hours=10)])
    assert [(w.week, w.hours) for w in analysis.workload] == [("2026-W48", 10.0)]


def test_iso_week_label_at_the_year_end():
    analysis = run([task("A", "2027-01-08", start="2026-12-28", hours=10)], as_of=d("2026-12-28"))
    assert [w.week for w in analysis.workload] == ["2026-W53", "2027-W01"]
    assert sum(w.hours for w in analysis.workload) == pytest.approx(10)


# ---------------------------------------------------------------- blocked

def test_blocked():
    analysis = run([
        task("IT-1", "2026-11-20", department="IT"),                             # overdue
        task("CS-1", "2026-12-04", department="CS", depends_on=("IT-1",)),       # another department
        task("CS-2", "2026-12-04", department="CS", depends_on=("IT-2", "IT-1", "IT-3")),
        task("IT-2", "2026-11-19", status="done", percent=100),                  # done: not overdue
        task("IT-3", "2026-12-01"),                                              # open, not overdue
        task("CS-3", "2026-12-04", department="CS", depends_on=("IT-2", "IT-3", "NOPE")),
        task("CS-4", "2026-12-04", department="CS", status="blocked"),
        task("CS-5", "2026-12-04", department="CS", status="done", percent=100, depends_on=("IT-1",)),
    ])
    assert (flags_of(analysis, "CS-1").blocked, flags_of(analysis, "CS-1").blocked_by) == (True, ["IT-1"])
    assert flags_of(analysis, "CS-2").blocked_by == ["IT-1"]
    assert not flags_of(analysis, "CS-3").blocked
    assert (flags_of(analysis, "CS-4").blocked, flags_of(analysis, "CS-4").blocked_by) == (True, [])
    assert not flags_of(analysis, "CS-5").blocked
    assert not flags_of(analysis, "IT-1").blocked


# ---------------------------------------------------------------- risks

@pytest.mark.parametrize("p, i, status, review, score, level, review_overdue", [
    (3, 5, "open", None, 15, "high", False),
    (5, 5, "mitigating", "2026-11-24", 25, "high", False),    # review today: not yet late
    (2, 4, "open", "2026-11-23", 8, "amber", True),
    (2, 3, "mitigating", None, 6, "low", False),
    (5, 5, "closed", "2026-01-01", 25, "closed", False),
    (None, 4, "open", None, None, "invalid", False),   # a missing score is never "low",
])
def test_risks(p, i, status, review, score, level, review_overdue):
    risk = record("risks", id="R1", project="P1", risk="x", probability=p, impact=i, status=status,
                  review_date=d(review) if review else None)
    view = run(risks=[risk]).risks[0]
    assert (view.score, view.level, view.review_overdue) == (score, level, review_overdue)


def test_risk_thresholds_are_settings():
    risk = record("risks", id="R1", project="P1", probability=3, impact=4, status="open")
    assert run(risks=[risk], cfg=settings(risk_high=12)).risks[0].level == "high"
    assert run(risks=[risk], cfg=settings(risk_amber=13)).risks[0].level == "low"


# ---------------------------------------------------------------- KPIs

@pytest.mark.parametrize("direction, baseline, target, actual, attainment, met", [
    ("higher", 80, 90, 85, 50.0, False),
    ("higher", None, 90, 99, 110.0, True),
    ("higher", 80, 90, 90, 100.0, True),
    ("lower", 48, 24, 30, 75.0, False),          # response time 48 h -> 24 h, now 30 h
    ("lower", None, 24, 20, 120.0, True),
    ("lower", None, 24, 0, None, True),          # division by zero
    ("higher", 90, 90, 95, None, True),          # target == baseline
    ("higher", 80, 90, None, None, None),
    ("higher", 80, None, 85, None, None),
    (None, 80, 90, 85, None, None),
])
def test_kpi_attainment(direction, baseline, target, actual, attainment, met):
    kpi = record("kpis", project="P1", kpi="CSAT", baseline=baseline, target=target, actual=actual, direction=direction)
    view = run(kpis=[kpi]).kpis[0]
    assert view.attainment == (pytest.approx(attainment) if attainment is not None else None)
    assert view.met is met
    assert measure_kpi(direction, baseline, target, actual)[1] is met


# ---------------------------------------------------------------- milestones

@pytest.mark.parametrize("status, due, overdue", [
    ("pending", "2026-11-23", True),
    ("pending", "2026-11-24", False),
    ("passed", "2026-11-01", False),
    ("failed", "2026-11-01", False),
    (None, "2026-11-01", True),
])
def test_milestones(status, due, overdue):
    ms = record("milestones", project="P1", milestone="Go-live", due=d(due), status=status)
    assert run(milestones=[ms]).milestones[0].overdue is overdue


# ---------------------------------------------------------------- project health

def project(name: str, phase: str = "execution") -> Record:
    return record("projects", project=name, phase=phase)


def on_track(id_: str, project_: str = "P1") -> Record:
    return task(id_, "2026-12-18", start="2026-12-01", project=project_, hours=1)


def health(**kwargs):
    kwargs.setdefault("projects", [project("P1")])
    return {h.project: h for h in run(**kwargs).projects}


def test_green_project():
    h = health(tasks=[on_track("T1"), task("T2", "2026-11-02", status="done", percent=100, hours=1)])["P1"]
    assert (h.rag, h.reasons, h.tasks, h.done, h.overdue) == ("green", [Reason("rag.green")], 2, 1, 0)


def test_projects_come_from_the_projects_sheet_and_the_tasks():
    result = run(tasks=[on_track("T1", "Task only")], projects=[project("P1"), project("P2")]).projects
    # "Task only" is not in the Projects sheet: its health is unknown (issue 9)
    assert [(h.project, h.rag) for h in result] == [("P1", "green"), ("P2", "green"), ("Task only", "unknown")]


@pytest.mark.parametrize("late_due, open_count, rag, expected", [
    # 1 of 10 open tasks overdue, 1 working day late: amber
    ("2026-11-23", 9, "amber", [("rag.overdue", {"count": 1, "days": 1})]),
    # 5 working days late: red
    ("2026-11-17", 9, "red", [("rag.overdue_late", {"count": 1, "days": RED_DAYS_LATE, "limit": RED_DAYS_LATE})]),
    # 1 of 5 open tasks overdue = 20 %: red
    ("2026-11-23", 4, "red", [("rag.overdue_share", {"count": 1, "open": 5, "share": 20, "limit": 20})]),
])
def test_rag_overdue(late_due, open_count, rag, expected):
    tasks = [task("late", late_due, start="2026-11-02", percent=95, hours=1)]
    tasks += [on_track(f"T{i}") for i in range(open_count)]
    tasks += [task("closed", "2026-11-02", status="done", percent=100)]     # closed: not in the share
    h = health(tasks=tasks)["P1"]
    assert h.rag == rag
    assert [(r.code, r.params) for r in h.reasons] == expected
    assert h.overdue == 1


@pytest.mark.parametrize("extra, rag, code", [
    (dict(milestones=[record("milestones", project="P1", milestone="UAT", due=d("2026-12-01"), status="failed")]),
     "red", "rag.milestone_failed"),
    (dict(risks=[record("risks", id="R1", project="P1", probability=3, impact=5, status="mitigating")]),
     "red", "rag.risk_high"),
    (dict(kpis=[record("kpis", project="P1", kpi="CSAT", target=90, actual=85, direction="higher")],
          projects=[project("P1", "closure")]), "red", "rag.kpi_closure"),
    (dict(kpis=[record("kpis", project="P1", kpi="CSAT", target=90, actual=85, direction="higher")]),
     "amber", "rag.kpi_not_met"),
    (dict(milestones=[record("milestones", project="P1", milestone="UAT", due=d("2026-11-20"), status="pending")]),
     "amber", "rag.milestone_overdue"),
    (dict(risks=[record("risks", id="R1", project="P1", probability=2, impact=4, status="open")]),
     "amber", "rag.risk_amber"),
    (dict(risks=[record("risks", id="R1", project="P1", probability=1, impact=2, status="open",
                        review_date=d("2026-11-01"))]), "amber", "rag.risk_review"),
    (dict(tasks=[on_track("T1"), task("T2", "2026-11-27", start="2026-11-16", percent=0, hours=1)]),
     "amber", "rag.behind"),
    (dict(tasks=[on_track("T1"), task("T2", "2026-12-18", start="2026-12-01", status="blocked", hours=1)]),
     "amber", "rag.blocked"),
    (dict(tasks=[on_track("T1"), task("T2", "2026-11-27", start="2026-11-24", hours=50)]),
     "amber", "rag.overloaded"),
])
def test_rag_rules(extra, rag, code):
    extra.setdefault("tasks", [on_track("T1")])
    h = health(**extra)["P1"]
    assert (h.rag, codes(h)) == (rag, [code])


def test_closed_risks_do_not_count():
    risk = record("risks", id="R1", project="P1", probability=5, impact=5, status="closed", review_date=d("2026-01-01"))
    assert health(tasks=[on_track("T1")], risks=[risk])["P1"].rag == "green"


def test_rag_keeps_every_reason_red_first():
    h = health(
        tasks=[task("T1", "2026-12-18", start="2026-12-01", status="blocked", hours=1),
               task("T2", "2026-11-27", start="2026-11-16", hours=1)],
        risks=[record("risks", id="R1", project="P1", probability=4, impact=4, status="open", review_date=d("2026-11-02")),
               record("risks", id="R2", project="P1", probability=2, impact=4, status="open")],
        milestones=[record("milestones", project="P1", milestone="UAT", due=d("2026-11-20"), status="failed")],
    )["P1"]
    assert h.rag == "red"
    assert codes(h) == ["rag.milestone_failed", "rag.risk_high", "rag.behind", "rag.blocked",
                        "rag.risk_amber", "rag.risk_review"]
    assert h.reasons[1].params == {"count": 1, "limit": 15, "ids": "R1"}


def test_every_reason_renders_in_both_languages():
    analysis = run(
        tasks=[task("T1", "2026-11-02", start="2026-10-01", hours=80), task("T2", "2026-12-18", status="blocked")],
        risks=[record("risks", id="R1", project="P1", probability=5, impact=5, status="open", review_date=d("2026-11-01")),
               record("risks", id="R2", project="P1", probability=2, impact=4, status="open")],
        kpis=[record("kpis", project="P1", kpi="CSAT", target=90, actual=80, direction="higher")],
        milestones=[record("milestones", project="P1", milestone="M1", due=d("2026-11-01"), status="failed"),
                    record("milestones", project="P1", milestone="M2", due=d("2026-11-01"), status="pending")],
        projects=[project("P1"), project("P2", "closed")], as_of=d("2027-01-05"))
    reasons = [r for h in analysis.projects for r in h.reasons] + analysis.warnings
    assert {r.code for r in reasons} >= {"rag.overdue_late", "rag.overdue_share", "rag.milestone_failed",
                                         "rag.risk_high", "rag.blocked", "rag.milestone_overdue", "rag.risk_amber",
                                         "rag.risk_review", "rag.overloaded", "rag.kpi_not_met", "rag.green",
                                         "calendar.uncovered"}
    for reason in reasons:
        assert reason.code in TEXT
        for lang in LANGS:
            assert "{" not in text(reason.code, lang, **reason.params)


def test_names_in_reasons_are_capped():
    risks = [record("risks", id=f"R{i}", project="P1", probability=5, impact=5, status="open") for i in range(8)]
    reason = health(tasks=[on_track("T1")], risks=risks)["P1"].reasons[0]
    assert reason.params["ids"] == "R0, R1, R2, R3, R4, …" and reason.params["count"] == 8


# ---------------------------------------------------------------- calendar coverage

def test_year_2027_warns_without_crashing():
    analysis = run([task("T1", "2027-01-15", start="2026-12-21", hours=20)], as_of=d("2026-12-28"))
    assert analysis.warnings == [Reason("calendar.uncovered", {"year": 2027})]
    flags = flags_of(analysis, "T1")
    # 12-29..31, then 2027 by weekends only: New Year 01-01 (a Friday) counts, 01-04..08, 01-11..15
    assert flags.days_left == 14
    assert sum(w.hours for w in analysis.workload) == pytest.approx(20)


def test_no_warning_when_covered_or_when_the_package_is_off():
    assert run([task("T1", "2026-12-15")]).warnings == []
    cfg = settings(CalendarSettings(chinese_holidays=False))
    assert run([task("T1", "2027-01-15")], as_of=d("2026-12-28"), cfg=cfg).warnings == []


def test_leave_years_count_for_coverage():
    analysis = run([task("T1", "2026-12-04")], team=[member("王磊", 40, (("2027-02-01", "2027-02-05"),))])
    assert analysis.warnings == [Reason("calendar.uncovered", {"year": 2027})]


# ---------------------------------------------------------------- purity and scale

def test_analyze_does_not_change_its_inputs():
    tasks = overload_tasks()
    before = [dict(t.values) for t in tasks]
    run(tasks, team=[member("王磊")])
    assert [t.values for t in tasks] == before


def test_scale_100k_tasks():
    owners = [f"owner{i:03d}" for i in range(400)]
    team = [member(o, 40) for o in owners[:300]]           # 100 owners not in Team: default capacity
    statuses = ["not_started", "in_progress", "in_progress", "blocked", "done", "cancelled"]
    tasks = []
    expected_overdue = expected_open = 0
    for i in range(100_000):
        start = AS_OF + timedelta(days=(i * 7) % 120 - 60)
        due = start + timedelta(days=(i * 13) % 45)
        status = statuses[i % len(statuses)]
        tasks.append(task(f"T{i}", due, start=start, status=status, percent=(i % 5) * 20 if status != "done" else 100,
                          hours=(i % 7) * 4 or None, owner=owners[i % len(owners)], project=f"P{i % 50}",
                          depends_on=(f"T{i - 1}",) if i % 10 == 0 and i else ()))
        if status not in ("done", "cancelled"):
            expected_open += 1
            expected_overdue += due < AS_OF
    analysis = run(tasks, team=team, projects=[project(f"P{i}") for i in range(50)])
    assert len(analysis.tasks) == 100_000
    assert sum(v.flags.overdue for v in analysis.tasks) == expected_overdue
    assert sum(v.flags.remaining_hours > 0 for v in analysis.tasks) <= expected_open
    assert len(analysis.projects) == 50
    assert {w.owner for w in analysis.workload} == set(owners)
    total = sum(v.flags.remaining_hours for v in analysis.tasks)
    assert sum(w.hours for w in analysis.workload) == pytest.approx(total)
    assert all(v.flags.overloaded == any(n for n in v.flags.overloads) for v in analysis.tasks)
