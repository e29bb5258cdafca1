"""Cross-row and cross-file checks, in English and Chinese."""
from __future__ import annotations

from datetime import date

import pytest

from toolkit.config import Settings
from toolkit.pipeline import run_validation
from conftest import AS_OF, TASK_HEADERS

TEAM = [["Name", "Department", "Role", "Weekly Capacity (h)"], ["张伟", "IT", "Dev", 40], ["王磊", "IT", "Dev", 40]]
PROJECTS = [["Project", "Sponsor"], ["P1", "CEO"]]


def task(task_id, **over):
    base = {"Task ID": task_id, "Project": "P1", "Task": "Do it", "Owner": "张伟", "Start": date(2026, 11, 2),
            "Due": date(2026, 11, 30), "Status": "In progress", "% Complete": 0.5, "Est. Hours": 8}
    base.update(over)
    return [base.get(h) for h in TASK_HEADERS]


def run(make_workbook, tmp_path, files):
    for name, rows in files.items():
        make_workbook(name, {"Tasks": [TASK_HEADERS, *rows], "Team": TEAM, "Projects": PROJECTS})
    return run_validation([tmp_path / "in"], Settings(), AS_OF).batch


def places(batch):
    return sorted((f.file, f.cell, f.code) for f in batch.findings)


def test_clean_batch_has_no_findings(make_workbook, tmp_path):
    batch = run(make_workbook, tmp_path, {"IT.xlsx": [task("T-1"), task("T-2", **{"Depends On": "T-1"})]})
    assert batch.findings == []


def test_duplicate_ids_across_files_name_both_places(make_workbook, tmp_path):
    # the titles differ: two byte-identical files would be one workbook read once (issue 8)
    batch = run(make_workbook, tmp_path, {"IT.xlsx": [task("T-1")], "客服部.xlsx": [task("T-1", Task="Other")]})
    dups = [f for f in batch.findings if f.code == "duplicate-id"]
    assert sorted((f.file, f.cell) for f in dups) == [("IT.xlsx", "A2"), ("客服部.xlsx", "A2")]
    it = next(f for f in dups if f.file == "IT.xlsx")
    assert "客服部.xlsx › Tasks › A2" in it.message("en")
    assert "重复" in it.message("zh")


@pytest.mark.parametrize("over, cell, code, severity", [
    ({"Due": date(2026, 10, 1)}, "G2", "due-before-start", "error"),
    ({"Owner": "Nobody"}, "E2", "unknown-owner", "warning"),
    ({"Project": "P9"}, "B2", "unknown-project", "warning"),
    ({"Depends On": "T-404"}, "L2", "unknown-dependency", "error"),
    ({"Depends On": "T-1"}, "L2", "self-dependency", "error"),
    ({"Status": "Done", "% Complete": 0.8, "Completed On": date(2026, 11, 20)}, "I2", "done-not-complete", "warning"),
    ({"Status": "Done", "% Complete": 1}, "N2", "done-no-date", "warning"),
    ({"Status": "Done", "% Complete": 1, "Completed On": date(2026, 12, 1)}, "N2", "completed-in-future", "error"),
])
def test_row_rules(make_workbook, tmp_path, over, cell, code, severity):
    batch = run(make_workbook, tmp_path, {"IT.xlsx": [task("T-1", **over)]})
    assert [(f.cell, f.code, f.severity.value) for f in batch.findings] == [(cell, code, severity)]


def test_dependency_cycle_reported_once(make_workbook, tmp_path):
    rows = [task("T-1", **{"Depends On": "T-3"}), task("T-2", **{"Depends On": "T-1"}),
            task("T-3", **{"Depends On": "T-2"})]
    batch = run(make_workbook, tmp_path, {"IT.xlsx": rows})
    cycles = [f for f in batch.findings if f.code == "dependency-cycle"]
    assert len(cycles) == 1 and "→" in cycles[0].message("en")


def test_risk_scale_and_kpi_direction(make_workbook, tmp_path):
    make_workbook("IT.xlsx", {
        "Risks": [["Risk ID", "Project", "Risk", "Probability", "Impact", "Status"],
                  ["R-1", "P1", "Vendor late", 6, 3, "Open"]],
        "KPIs": [["Project", "KPI", "Target", "Direction"], ["P1", "Response time", 24, None]],
        "Projects": PROJECTS,
    })
    batch = run_validation([tmp_path / "in"], Settings(), AS_OF).batch
    assert places(batch) == [("IT.xlsx", "D2", "bad-scale"), ("IT.xlsx", "D2", "kpi-no-direction")]
    zh = {f.code: f.message("zh") for f in batch.findings}
    assert "1–5" in zh["bad-scale"] and "方向" in zh["kpi-no-direction"]


def test_place_names_file_sheet_and_cell(make_workbook, tmp_path):
    batch = run(make_workbook, tmp_path, {"客服部.xlsx": [task("T-1", Owner="Nobody")]})
    assert batch.findings[0].place() == "客服部.xlsx › Tasks › E2"
