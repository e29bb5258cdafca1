"""Risks, KPIs and milestones: levels, attainment, overdue acceptances."""
from __future__ import annotations

from datetime import date

from ..config import Thresholds
from ..model import Record
from ..results import RiskView


def judge_risk(record: Record, th: Thresholds, as_of: date) -> RiskView:
    """score = probability × impact; high from `risk_high`, amber from `risk_amber`; a closed risk
    is "closed" whatever its score; an open (or mitigating) risk past its review date is flagged."""
    probability, impact = record.values.get("probability"), record.values.get("impact")
    score = int(probability) * int(impact) if probability is not None and impact is not None else None
    status = record.values.get("status")
    if status == "closed":
        level = "closed"
    elif score is None:
        level = "invalid"          # never "low": an unreadable or missing score is no reassurance
    elif score is not None and score >= th.risk_high:
        level = "high"
    elif score is not None and score >= th.risk_amber:
        level = "amber"
    else:
        level = "low"
    review = record.values.get("review_date")
    overdue = status != "closed" and review is not None and review < as_of
    return RiskView(record, score, level, overdue)


def measure_kpi(direction: str | None, baseline: float | None, target: float | None,
                   actual: float | None) -> tuple[float | None, bool | None]:
    """(attainment in %, met) of a KPI.

    higher is better: (actual − baseline) / (target − baseline) × 100 with a baseline, else
    actual / target × 100; met when actual >= target.
    lower is better: (baseline − actual) / (baseline − target) × 100 with a baseline, else
    target / actual × 100; met when actual <= target.
    Attainment is None when actual or target is missing or the division is by zero; both are
    None when the direction is unknown.
    """
    if actual is None or target is None or direction not in ("higher", "lower"):
        return None, None
    if direction == "higher":
        met = actual >= target
        top, bottom = (actual - baseline, target - baseline) if baseline is not None else (actual, target)
    else:
        met = actual <= target
        top, bottom = (baseline - actual, baseline - target) if baseline is not None else (target, actual)
    attainment = None if bottom == 0 else top / bottom * 100.0
    return attainment, met


def is_milestone_overdue(record: Record, as_of: date) -> bool:
    status = record.values.get("status")
    due = record.values.get("due")
    return status in (None, "pending") and due is not None and due < as_of
