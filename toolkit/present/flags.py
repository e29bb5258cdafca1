"""A task's flags said in words, one short line: "Overdue 7 wd · Behind 30 pt · 王磊 W48 52/40 h".

Shared by the master's Tasks sheet (the Flags column right after Status), the Dashboard's list of
late tasks, the Word reports and the Excel write-back. Most severe first.

Each phrase is a function of a few values that repeat across a large tracker (days late, an
owner-week's hours), so phrases are kept in small caches: the Tasks sheet of 100 000 tasks says
its flags in a fraction of the time (issue 7). A zero is never taken from a cache (0.0 and -0.0 are
equal keys but print differently).
"""
from __future__ import annotations

from functools import lru_cache

from ..i18n import text
from ..results import OverloadNote, TaskFlags
from ..schema import TASKS
from .labels import fmt_number

SEP = " · "
_CACHED = 1 << 14


def short_week(week: str) -> str:
    """"2026-W48" -> "W48" (the year is clear from the dates around it)."""
    return week.split("-", 1)[1] if "-W" in week else week


def _overload_short(owner: str, week: str, hours: float, capacity: float, lang: str) -> str:
    return text("flags.overloaded", lang, owner=owner, week=short_week(week),
                hours=fmt_number(hours), capacity=fmt_number(capacity))


_overload_cached = lru_cache(maxsize=_CACHED, typed=True)(_overload_short)


def overload_short(note: OverloadNote, lang: str) -> str:
    owner, week, hours, capacity = note.owner, note.week, note.hours, note.capacity
    if hours and capacity and type(owner) is str and type(week) is str:
        return _overload_cached(owner, week, hours, capacity, lang)
    return _overload_short(owner, week, hours, capacity, lang)


@lru_cache(maxsize=_CACHED, typed=True)
def _phrase(key: str, lang: str, name: str, value: object) -> str:
    return text(key, lang, **{name: value})


def _said(key: str, lang: str, name: str, value: object) -> str:
    """`text(key, lang, name=value)`, cached for a hashable non-zero value."""
    try:
        return _phrase(key, lang, name, value) if value else text(key, lang, **{name: value})
    except TypeError:                      # unhashable
        return text(key, lang, **{name: value})


@lru_cache(maxsize=_CACHED)
def _issue_columns(keys: tuple[str, ...], lang: str) -> str:
    columns = [TASKS.column(k).header(lang) for k in keys if k in TASKS.keys]
    return (text("flags.data_issue", lang, columns=", ".join(columns)) if columns
            else text("flags.data_issue_plain", lang))


def flag_parts(flags: TaskFlags, lang: str) -> list[str]:
    """Each flag of a task as a short phrase, most severe first."""
    parts = []
    if flags.overdue:
        parts.append(_said("flags.overdue", lang, "days", flags.days_late))
    if flags.data_issue:
        try:
            parts.append(_issue_columns(tuple(flags.issues), lang))
        except TypeError:                  # an unhashable key: said as it is
            parts.append(_issue_columns.__wrapped__(tuple(flags.issues), lang))
    if flags.blocked:
        parts.append(_said("flags.blocked_by", lang, "ids", ", ".join(flags.blocked_by)) if flags.blocked_by
                     else text("flags.blocked", lang))
    if flags.behind and flags.behind_points is not None:
        points = flags.behind_points
        parts.append(_said("flags.behind", lang, "points", fmt_number(points)))
    elif flags.behind:
        parts.append(text("flags.behind_plain", lang))
    if flags.due_soon:
        parts.append(text("flags.due_today", lang) if not flags.days_left
                     else _said("flags.due_soon", lang, "days", flags.days_left))
    if flags.overloaded:
        parts += [overload_short(note, lang) for note in flags.overloads]
    return parts


def flag_text(flags: TaskFlags, lang: str) -> str:
    """The flags of a task in one line, "" when it has none."""
    return SEP.join(flag_parts(flags, lang))
