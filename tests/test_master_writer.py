"""The master tracker: sheets, headers, values, no formula injection, fills, heat map, links,
carried columns, charts, and a LibreOffice round trip. Inputs are built by hand (no analyze())."""
from __future__ import annotations

import subprocess
import zipfile
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from conftest import require_soffice
from toolkit.errors import Finding, Severity
from toolkit.i18n import TEXT, text
from toolkit.config import Settings
from toolkit.consolidate import Consolidated
from toolkit.inputs.previous_master import CarriedColumns, read_carried_columns
from toolkit.model import Batch, WorkbookData
from toolkit.outputs.master import write_master
from toolkit.outputs.master.book import clean_text
from toolkit.present.labels import reason_text
from toolkit.present.palette import FILLS, HEAT
from toolkit.run import FindingsReport, Run
from toolkit.model import Record, Source
from toolkit.results import (Analysis, Change, KpiView, MilestoneView, OverloadNote, OwnerWeek, ProjectHealth,
                             Reason, RiskView, TaskFlags, TaskView)
from toolkit.schema import TASKS

AS_OF = date(2026, 11, 24)
INJECTIONS = ['=HYPERLINK("http://x","y")', "+cmd|' /C calc'!A0", "@SUM(1)", "-2+3"]
LONG = "长" * 40_000


def rec(kind: str, row: int, dept: str = "IT", extras: dict | None = None, **values) -> Record:
    return Record(kind, Source(f"{dept}.xlsx", kind.title(), row, f"/data/in/{dept}.xlsx"), values,
                  extras=extras or {}, department=dept)


def task(id_: str, title: str, *, row: int, status: str = "in_progress", due: date = date(2026, 12, 10),
         owner: str = "王磊", dept: str = "IT", percent: float = 50.0, extras: dict | None = None) -> Record:
    return rec("tasks", row, dept, extras, id=id_, project="CS upgrade", title=title, department=dept,
               owner=owner, start=date(2026, 11, 2), due=due, status=status, percent=percent, hours=16.0,
               priority="high", depends_on=("T0",) if id_ == "T7" else (), milestone=None, completed_on=None,
               notes=None)


def build_analysis() -> Analysis:
    note = OverloadNote("李娜", "2026-W48", 52.0, 40.0)
    views = [
        TaskView(task("T1", "Overdue task", row=2, due=date(2026, 11, 18)),
                 TaskFlags(overdue=True, days_late=4, behind=True, behind_points=40.0)),
        TaskView(task("T2", "Due soon task", row=3, due=date(2026, 11, 26)), TaskFlags(due_soon=True, days_left=2)),
        TaskView(task("T3", "Behind task", row=4), TaskFlags(behind=True, expected_percent=80.0, behind_points=30.0)),
        TaskView(task("T4", "Overloaded task", row=5, owner="李娜", dept="客服部", extras={"Budget": 1200}),
                 TaskFlags(overloaded=True, overloads=[note], due_soon=True, days_left=3)),
        TaskView(task("T5", "Done task", row=6, status="done", percent=100.0), TaskFlags()),
        TaskView(task("T6", "Plain task", row=7, extras={"Budget": "n/a"}), TaskFlags()),
        TaskView(task("T7", INJECTIONS[0], row=8), TaskFlags(blocked=True, blocked_by=["T0"])),
        TaskView(task("T8", INJECTIONS[1], row=9), TaskFlags()),
        TaskView(task("T9", INJECTIONS[2], row=10), TaskFlags()),
        TaskView(task("T10", INJECTIONS[3], row=11), TaskFlags()),
        TaskView(task("T11", "bell\x07in\x00the\ttext\nok", row=12), TaskFlags()),
        TaskView(task("T12", LONG, row=13), TaskFlags()),
    ]
    workload = [
        OwnerWeek("李娜", "2026-W48", date(2026, 11, 23), 52.0, 40.0, ["T4"]),
        OwnerWeek("李娜", "2026-W49", date(2026, 11, 30), 20.0, 40.0, ["T4"]),
        OwnerWeek("王磊", "2026-W48", date(2026, 11, 23), 36.0, 40.0, ["T1", "T2"]),
        OwnerWeek("赵强", "2026-W48", date(2026, 11, 23), 44.0, 40.0, ["T6"]),   # over, less than 25 % above
    ]
    risk = rec("risks", 2, id="R1", project="CS upgrade", risk="Vendor late", probability=4, impact=4, owner="王磊",
               mitigation="Second vendor", status="open", review_date=date(2026, 11, 20))
    kpi = rec("kpis", 2, project="CS upgrade", kpi="Avg response time", unit="h", baseline=36.0, target=24.0,
              actual=30.0, direction="lower", measured_on=date(2026, 11, 20))
    milestone = rec("milestones", 2, project="CS upgrade", milestone="Pilot", due=date(2026, 11, 20),
                    criteria="Pilot in 2 stores", status="failed", accepted_by=None, accepted_on=None)
    health = ProjectHealth("CS upgrade", "red",
                           [Reason("rag.overdue_late", {"count": 1, "days": 4, "limit": 5}),
                            Reason("no.such.code", {"x": 1})], tasks=12, done=1, overdue=1)
    return Analysis(AS_OF, views, workload, [RiskView(risk, 16, "high", review_overdue=True)],
                    [KpiView(kpi, 50.0, False)], [MilestoneView(milestone, False)], [health],
                    warnings=[Reason("calendar.uncovered", {"year": 2027})])


def write(path: Path, lang: str = "en", **kwargs) -> Path:
    analysis = build_analysis()
    project = rec("projects", 2, project="CS upgrade", sponsor="COO", manager="张伟", goal="Raise CSAT",
                  scope="All stores", start=date(2026, 10, 1), end=date(2027, 3, 31), phase="execution")
    lesson = rec("lessons", 2, project="CS upgrade", type="went_well", lesson="Daily stand-up", action="Keep",
                 owner="张伟", due=None)
    findings = [
        Finding("bad-date", Severity.ERROR, "IT.xlsx", "Tasks", "D14", "soon",
                {"column": "Due"}, path="/data/in/IT.xlsx"),
        Finding("file-empty", Severity.WARNING, "empty.xlsx", path="/data/in/empty.xlsx"),
    ]
    changes = [Change("slipped", "T1", "Overdue task", "IT", "2026-11-11", "2026-11-18", 7),
               Change("completed", "T5", "Done task", "IT", "in_progress", "done")]
    args = dict(analysis=analysis, team=[], projects=[project], lessons=[lesson], changes=changes,
                findings=findings, extra_task_headers=["Budget"])
    args.update(kwargs)
    carried = args.pop("carried", None)
    write_master(path, make_run(**args), lang, carried=carried)
    return path


def make_run(*, analysis: Analysis, team=(), projects=(), lessons=(), changes=(), findings=(),
             extra_task_headers=()) -> Run:
    """A Run holding exactly these pieces, as the pipeline would have made it."""
    tables = {"tasks": [v.record for v in analysis.tasks], "team": list(team), "projects": list(projects),
              "kpis": [k.record for k in analysis.kpis], "risks": [r.record for r in analysis.risks],
              "milestones": [m.record for m in analysis.milestones], "lessons": list(lessons)}
    # the workbooks the findings are about were read (links go only to those), except rejected files
    read = {f.file: f.path for f in findings if f.path and not f.code.startswith("file-")}
    batch = Batch(workbooks=[WorkbookData(path=Path(p), file=name, department=Path(p).stem) for name, p in read.items()],
                  findings=list(findings))
    consolidated = Consolidated(tables, list(extra_task_headers), sum(len(t) for t in tables.values()))
    return Run(as_of=analysis.as_of, settings=Settings(), batch=batch, findings=FindingsReport.of(batch),
               consolidated=consolidated, analysis=analysis, changes=list(changes))


@pytest.fixture(scope="module")
def master(tmp_path_factory) -> Path:
    return write(tmp_path_factory.mktemp("master") / "master.xlsx")


@pytest.fixture(scope="module")
def book(master):
    return openpyxl.load_workbook(master)


def rows_by_id(ws) -> dict[str, tuple]:
    return {row[0].value: row for row in ws.iter_rows(min_row=2) if row[0].value}


def fill_of(cell) -> str | None:
    if cell.fill is None or cell.fill.fill_type is None:
        return None
    return cell.fill.fgColor.rgb[-6:]


def test_sheet_names_in_english_and_chinese(book, tmp_path):
    assert book.sheetnames == ["Dashboard", "Tasks", "Timeline", "Workload", "Risks", "KPIs", "Milestones",
                               "Projects", "Lessons", "Changes", "Findings"]
    zh = openpyxl.load_workbook(write(tmp_path / "zh.xlsx", lang="zh"))
    assert zh.sheetnames == ["总览", "任务清单", "时间轴", "工作负荷", "风险登记", "关键指标", "里程碑验收", "项目概况",
                             "经验教训", "变化", "问题清单"]
    header = [c.value for c in zh["任务清单"][1]]
    assert header[:3] == ["任务编号", "所属项目", "任务名称"]
    assert "逾期（工作日）" in header and "来源文件" in header


def test_tasks_header_row(book):
    header = [c.value for c in book["Tasks"][1]]
    schema = [c.en for c in TASKS.columns]
    at = schema.index("Status") + 1      # the flags in words come right after Status (issue 10)
    assert header == schema[:at] + ["Flags"] + schema[at:] + [
        "Overdue (days late)", "Due soon (days left)", "Behind (points)", "Overloaded", "Blocked (by)", "Data issue",
        "Budget", "Source file", "Source sheet", "Source row"]
    ws = book["Tasks"]
    assert ws.freeze_panes == "D2"       # ID, Project and Task stay in view
    assert ws.auto_filter.ref.startswith("A1:")


def test_tasks_values(book):
    ws = book["Tasks"]
    header = [c.value for c in ws[1]]
    col = {h: i for i, h in enumerate(header)}
    rows = rows_by_id(ws)
    t1 = rows["T1"]
    assert t1[col["Due"]].value.date() == date(2026, 11, 18)
    assert t1[col["Due"]].number_format == "yyyy-mm-dd"
    assert t1[col["% Complete"]].value == 0.5 and t1[col["% Complete"]].number_format == "0%"
    assert t1[col["Status"]].value == "In progress"
    assert t1[col["Priority"]].value == "High"
    assert t1[col["Overdue (days late)"]].value == 4
    assert t1[col["Behind (points)"]].value == 40
    assert t1[col["Source file"]].value == "IT.xlsx" and t1[col["Source row"]].value == 2
    assert rows["T2"][col["Due soon (days left)"]].value == 2
    assert rows["T4"][col["Overloaded"]].value == "李娜 · 2026-W48 · 52 h of 40 h"
    assert rows["T4"][col["Budget"]].value == 1200
    assert rows["T4"][col["Department"]].value == "客服部"
    assert rows["T6"][col["Budget"]].value == "n/a"
    assert rows["T7"][col["Blocked (by)"]].value == "T0"
    assert rows["T7"][col["Depends On"]].value == "T0"
    assert rows["T6"][col["Overdue (days late)"]].value is None
    assert t1[col["Flags"]].value == "Overdue 4 wd · Behind 40 pt"
    assert rows["T4"][col["Flags"]].value == "Due in 3 wd · 李娜 W48 52/40 h"
    assert rows["T7"][col["Flags"]].value == "Blocked by T0"
    assert rows["T6"][col["Flags"]].value is None


@pytest.mark.parametrize("task_id, title", [("T7", INJECTIONS[0]), ("T8", INJECTIONS[1]), ("T9", INJECTIONS[2]),
                                            ("T10", INJECTIONS[3])])
def test_formula_injection_stays_text(book, task_id, title):
    cell = rows_by_id(book["Tasks"])[task_id][2]
    assert cell.data_type == "s"
    assert cell.value == title


def test_control_characters_and_long_text(book):
    rows = rows_by_id(book["Tasks"])
    assert rows["T11"][2].value == "bellinthe\ttext\nok"
    assert len(rows["T12"][2].value) == 32_767
    assert clean_text("a\x1fb\x7fc\ud800") == "abc"


def test_row_fills_by_precedence(book):
    rows = rows_by_id(book["Tasks"])
    expected = {"T1": FILLS["overdue"], "T2": FILLS["amber"], "T3": FILLS["amber"], "T4": FILLS["overloaded"],
                "T5": FILLS["done"], "T6": None, "T7": FILLS["blocked"]}   # blocked rows coloured (issue 10)
    for task_id, colour in expected.items():
        want = colour.lstrip("#") if colour else None
        assert {fill_of(c) for c in rows[task_id]} == {want}, task_id


def test_workload_heat_map(book):
    ws = book["Workload"]
    assert ws["A1"].value == "Owner"
    assert ws["B1"].value.startswith("2026-W48") and ws["C1"].value.startswith("2026-W49")
    owners = {ws.cell(r, 1).value: r for r in range(2, 5)}
    far = ws.cell(owners["李娜"], 2)          # 52 h of 40: 30 % above capacity
    assert far.value == 52 and fill_of(far) == HEAT["far"].lstrip("#") and far.font.b
    assert "of 40 h" in far.number_format
    over = ws.cell(owners["赵强"], 2)         # 44 h of 40: overloaded, 10 % above
    assert over.value == 44 and fill_of(over) == HEAT["over"].lstrip("#") and not over.font.b
    fine = ws.cell(owners["李娜"], 3)
    assert fine.value == 20 and fill_of(fine) == HEAT["low"].lstrip("#")
    near = ws.cell(owners["王磊"], 2)
    assert near.value == 36 and fill_of(near) == HEAT["near"].lstrip("#")
    assert ws.cell(owners["王磊"], 3).value is None


def test_risks_kpis_milestones_projects(book):
    risks = book["Risks"]
    header = [c.value for c in risks[1]]
    row = [c for c in risks[2]]
    score = row[header.index("Score (P × I)")]
    assert score.value == 16 and fill_of(score) == "FFC7CE"
    assert row[header.index("Review overdue")].value == "Yes"
    assert row[header.index("Status")].value == "Open"

    kpis = book["KPIs"]
    header = [c.value for c in kpis[1]]
    row = [c for c in kpis[2]]
    assert row[header.index("Attainment")].value == 0.5
    assert row[header.index("Met")].value == "No"
    assert row[header.index("Direction")].value == "Lower is better"

    ms = book["Milestones"]
    assert ms["E2"].value == "Failed" and fill_of(ms["A2"]) == "FFC7CE"

    projects = book["Projects"]
    header = [c.value for c in projects[1]]
    row = [c.value for c in projects[2]]
    assert row[header.index("Health")] == "Red"
    reasons = row[header.index("Reasons")]
    assert "1 overdue task(s), the worst 4 working days late" in reasons
    assert "no.such.code" in reasons   # an unknown reason code falls back to the code


def test_reason_fallbacks():
    assert reason_text(Reason("nope"), "en") == "nope"
    assert reason_text(Reason("rag.overdue"), "zh") == TEXT["rag.overdue"][1]   # missing params


def test_dashboard_counts_legend_and_charts(book, master):
    ws = book["Dashboard"]
    values = [[c.value for c in row] for row in ws.iter_rows()]
    flat = [v for row in values for v in row if v is not None]
    assert flat[0] == "Ops tracker · as of 2026-11-24"
    assert "Projects: 1 red · 0 amber · 0 green" in flat[1]
    # the project tile: colour word and name, then the first reason and how many more
    assert "Red · CS upgrade" in flat
    assert any(str(v).startswith("1 overdue task(s), the worst 4 working days late") and "+1 more" in str(v)
               for v in flat)
    assert "Tasks by department and status" in flat
    dept_row = next(row for row in values if row[8] == "IT")
    header = next(row for row in values if row[8] == "Department")
    assert dept_row[header.index("In progress")] == 10 and dept_row[header.index("Done")] == 1
    assert dept_row[header.index("Total")] == 11
    # the flag strip: labels over counts, each in its Tasks colour
    strip = next(i for i, row in enumerate(values) if "Overdue" in row and "High risks" in row)
    counts = dict(zip(values[strip], values[strip + 1]))
    assert {k: counts[k] for k in ("Overdue", "Due soon", "Overloaded", "Blocked", "High risks")} == \
        {"Overdue": 1, "Due soon": 2, "Overloaded": 1, "Blocked": 1, "High risks": 1}
    overdue_head = ws.cell(strip + 1, values[strip].index("Overdue") + 1)
    assert fill_of(overdue_head) == FILLS["overdue"].lstrip("#")
    # the worst tasks: T1 first, with owner, days late and the flags in words
    top = next(row for row in values if row[0] == "T1")
    assert top[2] == "王磊" and top[3] == 4 and top[4] == "Overdue 4 wd · Behind 40 pt"
    # KPI, failed milestone, changes, data quality sections
    assert "Avg response time (h)" in flat and "Pilot" in flat and "Failed" in flat
    assert "Due date slipped" in flat
    assert any(str(v).startswith("Data quality by department") for v in flat)
    assert any("no data for 2027" in str(v) for v in flat)
    with zipfile.ZipFile(master) as z:
        charts = [n for n in z.namelist() if n.startswith("xl/charts/chart")]
        flag_chart = next(z.read(n).decode() for n in charts if "<c:barDir val=\"col\"/>" in z.read(n).decode())
    assert len(charts) == 2
    # bars in the colours of the Tasks rows (overdue red first)
    assert flag_chart.index(FILLS["overdue"].lstrip("#")) < flag_chart.index(FILLS["blocked"].lstrip("#"))


def test_changes_and_lessons(book):
    ws = book["Changes"]
    assert [c.value for c in ws[1]] == ["Change", "Task ID", "Task", "Department", "Before", "Now", "Slip (working days)"]
    assert [c.value for c in ws[2]] == ["Due date slipped", "T1", "Overdue task", "IT", "2026-11-11",
                                        "2026-11-18", 7]
    assert [c.value for c in ws[3]][4:6] == ["In progress", "Done"]
    assert book["Lessons"]["B2"].value == "Went well"


def test_findings_link_to_the_source(book):
    ws = book["Findings"]
    assert [c.value for c in ws[1]] == ["Place", "Severity", "Code", "Message", "Value"]
    place = ws["A2"]
    assert place.value == "IT.xlsx › Tasks › D14" and place.data_type == "s"
    assert place.hyperlink is not None
    assert place.hyperlink.target.replace("\\", "/").endswith("/data/in/IT.xlsx")
    assert place.hyperlink.location == "'Tasks'!D14"
    assert ws["B2"].value == "error" and ws["C2"].value == "bad-date"
    assert ws["D2"].value == "Due: “soon” is not a date" and ws["E2"].value == "soon"
    assert ws["A3"].value == "empty.xlsx" and ws["A3"].hyperlink is None   # rejected files get no link (issue 8)


def test_carried_columns_round_trip(tmp_path):
    first = write(tmp_path / "master.xlsx")
    wb = openpyxl.load_workbook(first)
    ws = wb["Tasks"]
    col = ws.max_column + 1
    ws.cell(1, col, "PMO comment")
    for row in range(2, ws.max_row + 1):
        if ws.cell(row, 1).value == "T3":
            ws.cell(row, col, "call the vendor")
        if ws.cell(row, 1).value == "T6":
            ws.cell(row, col, 42)
    wb.save(first)

    carried = read_carried_columns(first, {"Budget"})
    assert carried.headers == ["PMO comment"]
    # keyed by department and normalised Task ID (issue 8)
    assert carried.values == {("it", "t3"): {"PMO comment": "call the vendor"}, ("it", "t6"): {"PMO comment": 42}}

    # the next master, in Chinese this time, keeps the comments on the same tasks
    second = write(tmp_path / "master2.xlsx", lang="zh", carried=carried)
    ws2 = openpyxl.load_workbook(second)["任务清单"]
    header = [c.value for c in ws2[1]]
    at = header.index("PMO comment")
    assert header.index("Budget") < at < header.index("来源文件")
    rows = rows_by_id(ws2)
    assert rows["T3"][at].value == "call the vendor" and rows["T6"][at].value == 42
    assert rows["T1"][at].value is None
    # and carried again from the Chinese master
    assert read_carried_columns(second, {"Budget"}) == carried


def test_carried_columns_missing_or_broken_master(tmp_path):
    assert read_carried_columns(tmp_path / "none.xlsx", set()) == CarriedColumns()
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"not a zip")
    assert read_carried_columns(broken, set()) == CarriedColumns()


def test_empty_analysis_writes(tmp_path):
    path = tmp_path / "empty.xlsx"
    write_master(path, make_run(analysis=Analysis(AS_OF, [], [], [], [], [], [])), "en")
    book = openpyxl.load_workbook(path)
    assert book["Changes"]["A2"].value == text("master.changes.none")
    assert book["Findings"]["A2"].value == text("master.findings.none")


@pytest.mark.client
def test_libreoffice_converts_master_to_pdf(master, tmp_path):
    soffice = require_soffice()
    profile = tmp_path / "profile"
    result = subprocess.run(
        [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
         "--outdir", str(tmp_path), str(master)],
        capture_output=True, text=True, timeout=180)
    pdf = tmp_path / "master.pdf"
    assert pdf.exists(), result.stderr
    assert pdf.stat().st_size > 1000
    assert pdf.read_bytes()[:4] == b"%PDF"
