"""What the sample company (`toolkit.sample`) must give: every deliberate finding, the flags of
every flagged task, and the conclusions of the analysis. Written with the data, scenario by
scenario; checked by tests/test_sample_files.py and tests/test_sample_master.py."""
from __future__ import annotations

from toolkit.sample import CS, IT, MKT, P_CS, P_PR, P_SC, PU, WH, W  # noqa: F401


# (file, sheet as named in the file, cell, finding code): exactly the findings of the sample.
DELIBERATE_FINDINGS: list[tuple[str, str, str, str]] = [
    # CS-013 is Done but only 80 % complete (a warning)
    (CS, "任务清单", "I14", "done-not-complete"),
    # CS-014: Due 1 Dec typed before Start 10 Dec
    (CS, "任务清单", "G15", "due-before-start"),
    # the promotion's GMV KPI has no Direction
    (MKT, "关键指标", "G5", "kpi-no-direction"),
    # MKT-010: status "待定" is not one of the list
    (MKT, "任务清单", "H11", "not-in-list"),
    # MKT-011: project "双12年度促销" (a typo of 双十二年度促销) is in no Projects sheet
    (MKT, "任务清单", "B12", "unknown-project"),
    # IT-011: owner 张伟 (left the company) is in no Team sheet
    (IT, "Tasks", "E12", "unknown-owner"),
    # IT-012 depends on IT-021, which does not exist (a typo)
    (IT, "Tasks", "L13", "unknown-dependency"),
    # SC-003 is used by Warehouse and Purchasing for two different tasks
    (WH, "任务清单", "A14", "duplicate-id"),
    (PU, "Tasks", "A4", "duplicate-id"),
    # SC-008: Due typed as "下周五" (next Friday), not a date
    (PU, "Tasks", "G9", "bad-date"),
    # R-SC-02: probability 7 on a 1–5 scale
    (PU, "Risks", "D3", "bad-scale"),
]

# Task ID -> flags; every task with any flag is here, with all of its flags.
EXPECTED_FLAGS: dict[str, frozenset[str]] = {
    # overdue 7 working days (due Fri 13 Nov) at 60 %: also behind (expected 100 % once past due)
    "CS-005": frozenset({"overdue", "behind"}),
    # due Thu 26 Nov, 2 working days left
    "CS-006": frozenset({"due_soon"}),
    # 5 of 11 working days gone (45 %) but 20 % done: 25 points behind
    "CS-007": frozenset({"behind"}),
    # overdue 1 working day (due Mon 23 Nov) at 90 %: 10 points, not behind
    "CS-008": frozenset({"overdue"}),
    # due Fri 27 Nov: 3 working days left, the last day of "due soon"
    "CS-010": frozenset({"due_soon"}),
    # the promotion landing page: overdue 3 working days (due Thu 19 Nov) at 70 %: also behind
    "IT-005": frozenset({"overdue", "behind"}),
    # 10 of 16 working days gone (62.5 %) but 40 % done
    "IT-008": frozenset({"behind"}),
    # due Wed 25 Nov, 1 working day left
    "IT-010": frozenset({"due_soon"}),
    # waits for IT-005 (another department), which is overdue: blocked by the dependency
    "MKT-004": frozenset({"blocked"}),
    # due Thu 26 Nov
    "MKT-005": frozenset({"due_soon"}),
    # due today: 0 working days left, due soon but not overdue
    "MKT-006": frozenset({"due_soon"}),
    # 10 of 18 working days gone (56 %) but 20 % done
    "MKT-007": frozenset({"behind"}),
    # due Friday 20 Nov: overdue across the weekend, 2 working days late; 85 % done, not behind
    "MKT-009": frozenset({"overdue"}),
    # 王磊's week 2026-W48: WH-001 20 h + WH-002 16 h + WH-003 16 h = 52 h of 40 h
    "WH-001": frozenset({"due_soon", "overloaded"}),
    "WH-002": frozenset({"overloaded"}),
    "WH-003": frozenset({"due_soon", "overloaded"}),
    # due Fri 27 Nov
    "WH-007": frozenset({"due_soon"}),
    # 12 of 21 working days gone (57 %) but 10 % done
    "WH-010": frozenset({"behind"}),
    # status Blocked (waiting for the legal review of the contract)
    "SC-004": frozenset({"blocked"}),
    # overdue 4 working days (due Wed 18 Nov) at 90 %
    "SC-005": frozenset({"overdue"}),
}

OVERLOADED_OWNERS: frozenset[str] = frozenset({"王磊"})
# open risks scoring probability × impact >= 15 (thresholds.risk_high)
HIGH_RISK_IDS: frozenset[str] = frozenset({"R-CS-01", "R-PR-01", "R-PR-02"})
# open risks past their review date (also "high risk" by DESIGN.md, whatever their score)
REVIEW_OVERDUE_RISK_IDS: frozenset[str] = frozenset({"R-SC-01"})
FAILED_MILESTONES: frozenset[tuple[str, str]] = frozenset({(P_CS, "系统上线验收")})
# 客服系统升级: failed acceptance, a task 7 days late, a high risk;
# 双十二年度促销: two high risks. 供应链流程优化 stays amber (overdue only 4 days, 1 of 15 open
# tasks; behind, blocked, overloaded, an amber risk past review, a milestone past due);
# 双12年度促销 (the typo) is in no Projects sheet: its health is unknown (issue 9), not green.
# rows holding a value that could not be read or breaks a rule: marked "Data issue" (issue 9)
DATA_ISSUE_TASKS: frozenset[str] = frozenset({"CS-014", "MKT-010", "IT-012", "SC-003", "SC-008"})
EXPECTED_RED_PROJECTS: frozenset[str] = frozenset({P_CS, P_PR})
EXPECTED_AMBER_PROJECTS: frozenset[str] = frozenset({P_SC})


