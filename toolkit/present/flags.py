"""A task's flags said in words, one short line: "Overdue 7 wd · Behind 30 pt · 王磊 W48 52/40 h".

Shared by the master's Tasks sheet (the Flags column right after Status), the Dashboard's list of
late tasks, the Word reports and the Excel write-back. Most severe first.
"""
from __future__ import annotations

from ..i18n import text
from ..results import OverloadNote, TaskFlags
from ..schema import TASKS
from .labels import fmt_number

SEP = " · "


def short_week(week: str) -> str:
    """"2026-W48" -> "W48" (the year is clear from the dates around it)."""
    return week.split("-", 1)[1] if "-W" in week else week


def overload_short(note: OverloadNote, lang: str) -> str:
    return text("flags.overloaded", lang, owner=note.owner, week=short_week(note.week),
                hours=fmt_number(note.hours), capacity=fmt_number(note.capacity))


def flag_parts(flags: TaskFlags, lang: str) -> list[str]:
    """Each flag of a task as a short phrase, most severe first."""
    parts = []
    if flags.overdue:
        parts.append(text("flags.overdue", lang, days=flags.days_late))
    if flags.data_issue:
        columns = [TASKS.column(k).header(lang) for k in flags.issues if k in TASKS.keys]
        parts.append(text("flags.data_issue", lang, columns=", ".join(columns)) if columns
                     else text("flags.data_issue_plain", lang))
    if flags.blocked:
        parts.append(text("flags.blocked_by", lang, ids=", ".join(flags.blocked_by)) if flags.blocked_by
                     else text("flags.blocked", lang))
    if flags.behind and flags.behind_points is not None:
        parts.append(text("flags.behind", lang, points=fmt_number(flags.behind_points)))
    elif flags.behind:
        parts.append(text("flags.behind_plain", lang))
    if flags.due_soon:
        parts.append(text("flags.due_today", lang) if not flags.days_left
                     else text("flags.due_soon", lang, days=flags.days_left))
    parts += [overload_short(note, lang) for note in flags.overloads] if flags.overloaded else []
    return parts


def flag_text(flags: TaskFlags, lang: str) -> str:
    """The flags of a task in one line, "" when it has none."""
    return SEP.join(flag_parts(flags, lang))
