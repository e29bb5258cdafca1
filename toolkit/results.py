"""What analysis and history give to the writers: plain dataclasses, no I/O.

The contract between `analyze.py` / `history.py` (producers) and the master writer and the
reports (consumers). Texts for people are `Reason`s (a code and parameters) so that each
consumer renders them in its language through `i18n`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from .model import Record


@dataclass(frozen=True)
class Reason:
    """An explainable cause: `code` is a key of `i18n.TEXT` (e.g. "rag.overdue"), params fill it."""

    code: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class OverloadNote:
    owner: str
    week: str          # ISO week "2026-W48"
    hours: float       # planned hours of the owner in that week
    capacity: float    # capacity less leave

    def text(self) -> str:
        return f"{self.owner} · {self.week} · {self.hours:.0f} h of {self.capacity:.0f} h"


@dataclass(slots=True)          # one per task: slots keep 100 000 of them ~40 MB smaller
class TaskFlags:
    overdue: bool = False
    days_late: int = 0                   # working days past due (overdue only)
    due_soon: bool = False
    days_left: int | None = None         # working days until due (open tasks)
    behind: bool = False
    expected_percent: float | None = None
    behind_points: float | None = None   # expected − actual
    overloaded: bool = False
    overloads: list[OverloadNote] = field(default_factory=list)
    blocked: bool = False
    blocked_by: list[str] = field(default_factory=list)  # overdue dependencies; empty if status Blocked
    remaining_hours: float = 0.0
    data_issue: bool = False             # a value of the row could not be read or breaks a rule
    issues: list[str] = field(default_factory=list)      # column keys with a bad value

    @property
    def any(self) -> bool:
        return self.overdue or self.due_soon or self.behind or self.overloaded or self.blocked or self.data_issue


@dataclass(slots=True)
class TaskView:
    record: Record
    flags: TaskFlags


@dataclass
class OwnerWeek:
    owner: str
    week: str              # "2026-W48"
    week_start: date       # Monday
    hours: float
    capacity: float        # weekly capacity less leave in that week
    task_ids: list[str] = field(default_factory=list)
    overload_ratio: float = 1.0   # thresholds.overload_ratio: overloaded above capacity × this

    @property
    def overloaded(self) -> bool:
        return self.hours > self.capacity * self.overload_ratio + 1e-9

    @property
    def ratio(self) -> float:
        return self.hours / self.capacity if self.capacity else float("inf")


@dataclass
class RiskView:
    record: Record
    score: int | None      # probability × impact
    level: str             # "high" | "amber" | "low" | "closed" | "invalid" (probability or impact unreadable)
    review_overdue: bool = False

    @property
    def high(self) -> bool:
        return self.level == "high" or self.review_overdue


@dataclass
class KpiView:
    record: Record
    attainment: float | None   # share of the way from baseline to target, in %; None if unknown
    met: bool | None


@dataclass
class MilestoneView:
    record: Record
    overdue: bool              # pending and past due


@dataclass
class ProjectHealth:
    project: str
    rag: str                   # "red" | "amber" | "green" | "unknown" (not in the Projects sheet)
    reasons: list[Reason]
    tasks: int = 0
    done: int = 0
    overdue: int = 0


@dataclass
class Analysis:
    as_of: date
    tasks: list[TaskView]
    workload: list[OwnerWeek]
    risks: list[RiskView]
    kpis: list[KpiView]
    milestones: list[MilestoneView]
    projects: list[ProjectHealth]
    warnings: list[Reason] = field(default_factory=list)  # e.g. calendar does not cover a year

    @property
    def overloaded_owners(self) -> list[str]:
        return sorted({w.owner for w in self.workload if w.overloaded})


@dataclass(frozen=True)
class Change:
    """One change since the last snapshot. kind: new | completed | slipped | newly_overdue |
    status | owner | removed."""

    kind: str
    task_id: str
    title: str
    department: str
    old: str = ""
    new: str = ""
    slip_days: int | None = None   # working days the due date moved (slipped only)
    days_late: int | None = None   # working days late (newly overdue only)
