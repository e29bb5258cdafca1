"""Pieces shared by the weekly report and the closure summary: dates, numbers, KPI rows, RAG.

Plain functions of a Run's values and a language; every value they return is a str, int,
float, bool, None, list or dict, so a report context stays a plain dict.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from ..i18n import text
from ..model import Record
from ..results import KpiView, ProjectHealth
from ..schema import KPIS, LESSONS, MILESTONES, PROJECTS, RISKS, STATUS, TASKS
from .labels import choice_labels, fmt_number, rag_label, reason_text
from .palette import RAG_FILLS, STATUS_COLOURS

# every choice label by sheet and column key, in each language (schema words, not ours)
_SPECS = {"tasks": TASKS, "kpis": KPIS, "risks": RISKS, "milestones": MILESTONES, "lessons": LESSONS,
          "projects": PROJECTS}


def label(kind: str, column: str, value: Any, lang: str) -> str:
    """The label of a choice value (`status` "done" -> "Done" / "已完成"); "" for None."""
    if value is None or value == "":
        return ""
    return choice_labels(_SPECS[kind], lang).get(column, {}).get(value, str(value))


def fmt_date(day: date | None, lang: str) -> str:
    """ISO in tables (2026-11-24), the same in both languages: short, sortable, unambiguous."""
    return day.isoformat() if isinstance(day, date) else ""


def long_date(day: date, lang: str) -> str:
    """A date in a sentence: "24 Nov 2026" / "2026年11月24日"."""
    if lang == "zh":
        return f"{day.year}年{day.month}月{day.day}日"
    return f"{day.day} {day.strftime('%b')} {day.year}"


def fmt_value(value: Any, unit: str = "") -> str:
    """A figure with its unit: 28 h, 1.6 %, 98.1 %; "—" when missing."""
    if value is None or value == "":
        return "—"
    if isinstance(value, (int, float)):
        shown = fmt_number(float(value)) if abs(float(value)) >= 10 else f"{float(value):g}"
    else:
        shown = str(value)
    if not unit:
        return shown
    return f"{shown} {unit}" if unit not in ("%",) else f"{shown}%"


def fmt_delta(now: int, before: int | None) -> str:
    """+3, −2, ±0; "" without a comparison."""
    if before is None:
        return ""
    diff = now - before
    return f"+{diff}" if diff > 0 else (f"−{-diff}" if diff < 0 else "±0")


def text_of(record: Record, key: str) -> str:
    value = record.values.get(key)
    if value is None:
        raw = record.raw.get(key)
        return "" if raw is None else str(raw).strip()
    return str(value).strip()


def project_of(record: Record) -> str:
    return text_of(record, "project")


def list_sep(lang: str) -> str:
    """Between items of a list in a sentence."""
    return "；" if lang == "zh" else "; "


def yes_no(value: bool | None, lang: str) -> str:
    if value is None:
        return "—"
    return text("master.yes" if value else "master.no", lang)


def hex_fill(colour: str) -> str:
    """"#FFC7CE" -> "FFC7CE" (what Word's cell shading takes)."""
    return colour.lstrip("#").upper()


def kpi_rows(kpis: Iterable[KpiView], lang: str) -> list[dict[str, Any]]:
    rows = []
    for view in kpis:
        rec = view.record
        unit = text_of(rec, "unit")
        met = view.met
        rows.append({
            "project": project_of(rec),
            "name": text_of(rec, "kpi"),
            "unit": unit,
            "baseline": fmt_value(rec.values.get("baseline"), unit),
            "target": fmt_value(rec.values.get("target"), unit),
            "actual": fmt_value(rec.values.get("actual"), unit),
            "direction": label("kpis", "direction", rec.values.get("direction"), lang),
            "measured_on": fmt_date(rec.values.get("measured_on"), lang),
            "attainment": "—" if view.attainment is None else f"{view.attainment:.0f}%",
            "attainment_value": None if view.attainment is None else round(view.attainment, 1),
            "met": met,
            "met_label": text("report.kpi.not_measured", lang) if met is None else yes_no(met, lang),
            "fill": hex_fill(RAG_FILLS["green"] if met else RAG_FILLS["red"]) if met is not None else "FFFFFF",
        })
    return rows


def health_row(health: ProjectHealth, lang: str, phase: str | None = None) -> dict[str, Any]:
    reasons = [reason_text(r, lang) for r in health.reasons]
    return {
        "name": health.project,
        "rag": health.rag,
        "rag_label": rag_label(health.rag, lang),
        "fill": hex_fill(RAG_FILLS.get(health.rag, "#FFFFFF")),
        "reasons": list_sep(lang).join(reasons),
        "reason_list": reasons,
        "tasks": health.tasks,
        "done": health.done,
        "overdue": health.overdue,
        "phase": label("projects", "phase", phase, lang),
    }


def rag_legend(lang: str) -> list[dict[str, str]]:
    """The RAG colours as the master shows them, with what each means."""
    return [{"rag": rag, "label": rag_label(rag, lang), "fill": hex_fill(RAG_FILLS[rag]),
             "meaning": text(f"report.legend.{rag}", lang)} for rag in ("red", "amber", "green")]


def status_legend(lang: str) -> list[dict[str, str]]:
    """Task status colours of the charts (the master's Dashboard chart uses the same)."""
    return [{"key": ch.key, "label": ch.label(lang), "colour": STATUS_COLOURS[ch.key]} for ch in STATUS]
