"""Words for what the analysis found: reasons, overload notes, choice labels, display values.

Plain functions of a value and a language, shared by the master, the CLI, Word and Excel.
"""
from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache
from typing import Any

from .. import i18n
from ..model import Record
from ..results import OverloadNote, Reason
from ..schema import ColType, SheetSpec


def reason_text(reason: Reason, lang: str) -> str:
    """A Reason in `lang`; an unknown code (or a parameter missing) never crashes the writer."""
    from ..errors import _localized

    try:
        return i18n.text(reason.code, lang, **{k: _localized(v, lang) for k, v in reason.params.items()})
    except KeyError:
        if reason.code in i18n.TEXT:
            en, zh = i18n.TEXT[reason.code]
            return zh if lang == "zh" else en
        return reason.code
    except (IndexError, ValueError):
        return reason.code


def fmt_number(value: float) -> str:
    return f"{value:.0f}" if abs(value - round(value)) < 0.05 else f"{value:.1f}"


def _overload_text(owner: str, week: str, hours: float, capacity: float, lang: str) -> str:
    return i18n.text("master.overload_note", lang, owner=owner, week=week,
                     hours=fmt_number(hours), capacity=fmt_number(capacity))


# an owner-week's note repeats on each of its tasks (issue 7); a zero is never cached (-0.0 == 0.0)
_overload_cached = lru_cache(maxsize=1 << 14, typed=True)(_overload_text)


def overload_text(note: OverloadNote, lang: str) -> str:
    owner, week, hours, capacity = note.owner, note.week, note.hours, note.capacity
    if hours and capacity and type(owner) is str and type(week) is str:
        return _overload_cached(owner, week, hours, capacity, lang)
    return _overload_text(owner, week, hours, capacity, lang)


def choice_labels(spec: SheetSpec, lang: str) -> dict[str, dict[str, str]]:
    return {c.key: {ch.key: ch.label(lang) for ch in c.choices} for c in spec.columns if c.choices}


def record_values(record: Record, spec: SheetSpec, labels: dict[str, dict[str, str]]) -> list[tuple[Any, str]]:
    """(value, kind) of each schema column: choices labelled, percent as a share, raw text kept."""
    out: list[tuple[Any, str]] = []
    values, raw = record.values, record.raw
    for col in spec.columns:
        value = values.get(col.key)
        if value is None:
            shown = raw.get(col.key)
            if shown is not None and shown != "":
                out.append((shown if isinstance(shown, (str, int, float, datetime, date)) else str(shown),
                            kind_of(shown)))
            else:
                out.append((None, "text"))
            continue
        ctype = col.type
        if ctype is ColType.DATE:
            out.append((value, "date"))
        elif ctype is ColType.PERCENT:
            out.append((float(value) / 100.0, "percent"))
        elif ctype is ColType.CHOICE:
            out.append((labels[col.key].get(value, value), "text"))
        elif ctype in (ColType.NUMBER, ColType.SCALE):
            out.append((value, "number"))
        elif ctype is ColType.DATE_RANGES and isinstance(value, (list, tuple)):
            parts = []
            for item in value:
                if isinstance(item, (list, tuple)) and len(item) == 2:
                    a, b = item
                    parts.append(a.isoformat() if a == b else f"{a.isoformat()}~{b.isoformat()}")
                else:
                    parts.append(str(item))
            out.append(("; ".join(parts), "text"))
        else:
            out.append((value, kind_of(value)))
    return out


def issue_text(record: Record, keys: list[str], lang: str) -> str:
    """The "Data issue" flag of a row: each column with a bad value and what was typed there,
    `Status: “Nearly there”; Due: “next Friday”`."""
    from ..schema import SHEETS_BY_KEY

    spec = SHEETS_BY_KEY[record.kind]
    parts = []
    for key in keys:
        if key not in spec.keys:
            continue
        header = spec.column(key).header(lang)
        value = record.raw.get(key)
        if value is None or value == "":
            value = record.values.get(key)
        if isinstance(value, (date, datetime)):
            value = value.isoformat()[:10]
        elif isinstance(value, (list, tuple)):
            value = ", ".join(str(v) for v in value)
        parts.append(f"{header}: “{value}”" if value not in (None, "") else header)
    return "; ".join(parts) or i18n.text("master.col.data_issue", lang)


def kind_of(value: Any) -> str:
    """How a raw value is laid out: dates as dates, anything else as text."""
    return "date" if isinstance(value, (datetime, date)) else "text"


def rag_label(rag: str, lang: str) -> str:
    key = f"master.rag.{rag}"
    return i18n.text(key, lang) if key in i18n.TEXT else rag
