"""Turn what people type into cells into typed values. Pure functions, no I/O.

Each `to_*` returns the typed value or raises `BadValue(code)` naming the finding code.
"""
from __future__ import annotations

import math
import re
import unicodedata
from datetime import date, datetime, timedelta

from .schema import Column, ColType

# Excel's day 0 in the 1900 date system (with its 1900-02-29 bug folded in) and in 1904.
_EXCEL_EPOCH_1900 = date(1899, 12, 30)
_EXCEL_EPOCH_1904 = date(1904, 1, 1)
# serials we accept as dates when a date column holds a plain number (1954 … 2119)
_SERIAL_RANGE = (20000, 80000)
# 1, 1.0 and True are equal, so one set member or dict key: a set of values holding these types
# cannot tell them apart
NUMERIC_TYPES = frozenset({bool, int, float})

CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

_DATE_PATTERNS = (
    re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})[日号]?$"),
)
_NUMBER_SUFFIX = re.compile(r"(h|hr|hrs|hours?|小时|工时|天)$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_ID_SPLIT = re.compile(r"[,，;；、\s]+")
_RANGE_SPLIT = re.compile(r"\s*(?:~|～|至|到|—|–|\s-\s)\s*")
_RANGES_SPLIT = re.compile(r"[;；,，\n]+")


class BadValue(ValueError):
    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def fold(text: str) -> str:
    """Full-width to half-width, trimmed (NFKC keeps CJK characters as they are)."""
    return unicodedata.normalize("NFKC", text).strip()


def clean_text(value: object) -> tuple[str | None, bool]:
    """The cell as text without control characters; (text or None when blank, had_control)."""
    if value is None:
        return None, False
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, (datetime, date)):
        text = value.isoformat()
    else:
        text = str(value)
    cleaned = CONTROL_CHARS.sub("", text).replace("_x000D_", "")
    had_control = cleaned != text
    cleaned = cleaned.strip()
    return (cleaned or None), had_control


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def serial_to_date(serial: float, date1904: bool = False) -> date:
    epoch = _EXCEL_EPOCH_1904 if date1904 else _EXCEL_EPOCH_1900
    return epoch + timedelta(days=int(math.floor(serial)))


def to_date(value: object, date1904: bool = False) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        raise BadValue("bad-date")
    if isinstance(value, (int, float)):
        if _SERIAL_RANGE[0] <= value <= _SERIAL_RANGE[1]:
            return serial_to_date(value, date1904)
        raise BadValue("bad-date")
    text = fold(str(value))
    for pattern in _DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            try:
                return date(int(match[1]), int(match[2]), int(match[3]))
            except ValueError:
                break
    try:  # plain serial typed as text
        number = float(text)
    except ValueError:
        raise BadValue("bad-date") from None
    return to_date(number, date1904)


def to_number(value: object) -> float:
    if isinstance(value, bool):
        raise BadValue("bad-number")
    if isinstance(value, (int, float)):
        if math.isnan(value) or math.isinf(value):
            raise BadValue("bad-number")
        return float(value)
    text = _NUMBER_SUFFIX.sub("", fold(str(value)).casefold()).replace(",", "").strip()
    try:
        number = float(text)
    except ValueError:
        raise BadValue("bad-number") from None
    if math.isnan(number) or math.isinf(number):
        raise BadValue("bad-number")
    return number


def to_percent(value: object) -> float:
    """0.5, 50 and "50%" all mean 50. Values above 1 are points; 1 and below are fractions."""
    if isinstance(value, str):
        text = fold(value).replace(" ", "")
        if text.endswith("%"):
            try:
                number = float(text[:-1])
            except ValueError:
                raise BadValue("bad-percent") from None
            return _check_percent(number)
        try:
            value = float(text)
        except ValueError:
            raise BadValue("bad-percent") from None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or math.isnan(value):
        raise BadValue("bad-percent")
    number = float(value)
    if 0 <= number <= 1:
        number *= 100
    return _check_percent(number)


def _check_percent(number: float) -> float:
    if not 0 <= number <= 100:
        raise BadValue("bad-percent")
    return round(number, 6)


def to_scale(value: object) -> int:
    try:
        number = to_number(value)
    except BadValue:
        raise BadValue("bad-scale") from None
    if not number.is_integer() or not 1 <= number <= 5:
        raise BadValue("bad-scale")
    return int(number)


def to_choice(column: Column, value: object) -> str:
    choice = column.choice_for(str(value))
    if choice is None:
        raise BadValue("not-in-list")
    return choice.key


# a predecessor as project planners write it: "2fs", "7FS+2d", "12 ss" -> the task "2", "7", "12"
_LINK_TYPE = re.compile(r"^(\d+)\s*(?:fs|ss|ff|sf)(?:[+-]\d+(?:\.\d+)?\s*[a-z]*)?$", re.I)


def to_id_list(value: object) -> tuple[str, ...]:
    text, _ = clean_text(value)
    if not text:
        return ()
    parts = []
    for part in _ID_SPLIT.split(fold(text)):
        if part:
            link = _LINK_TYPE.match(part)
            parts.append(link.group(1) if link else part)
    return tuple(parts)


def to_email(value: object) -> str:
    text = fold(str(value))
    if not _EMAIL.match(text):
        raise BadValue("bad-email")
    return text


def to_date_ranges(value: object, date1904: bool = False) -> tuple[tuple[date, date], ...]:
    """'2026-11-02~2026-11-06; 2026-12-01' -> ((d1, d2), (d3, d3)). A lone date is one day."""
    if isinstance(value, (date, datetime, int, float)) and not isinstance(value, bool):
        day = to_date(value, date1904)
        return ((day, day),)
    ranges = []
    for part in _RANGES_SPLIT.split(fold(str(value))):
        if not part:
            continue
        ends = _RANGE_SPLIT.split(part)
        try:
            if len(ends) == 1:
                day = to_date(ends[0], date1904)
                ranges.append((day, day))
            elif len(ends) == 2:
                first, last = to_date(ends[0], date1904), to_date(ends[1], date1904)
                if last < first:
                    raise BadValue("bad-date-range")
                ranges.append((first, last))
            else:
                raise BadValue("bad-date-range")
        except BadValue:
            raise BadValue("bad-date-range") from None
    return tuple(ranges)


def coerce(column: Column, value: object, date1904: bool = False) -> object:
    """The typed value of a non-blank cell for `column`, or BadValue."""
    kind = column.type
    if kind is ColType.DATE:
        return to_date(value, date1904)
    if kind is ColType.NUMBER:
        number = to_number(value)
        if number < 0:
            raise BadValue("negative-number")
        return number
    if kind is ColType.PERCENT:
        return to_percent(value)
    if kind is ColType.CHOICE:
        return to_choice(column, value)
    if kind is ColType.SCALE:
        return to_scale(value)
    if kind is ColType.ID_LIST:
        return to_id_list(value)
    if kind is ColType.EMAIL:
        return to_email(value)
    if kind is ColType.DATE_RANGES:
        return to_date_ranges(value, date1904)
    text, _ = clean_text(value)
    return text  # people's text is kept as typed; comparisons fold it (see `key_of`)


def key_of(text: object) -> str:
    """A comparison key for names and IDs: NFKC, case-folded, inner spaces collapsed."""
    if type(text) is str and text.isascii():     # NFKC leaves ASCII as it is; casefold is lower
        return " ".join(text.lower().split())
    return " ".join(fold(str(text)).casefold().split()) if text is not None else ""
