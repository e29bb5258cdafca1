"""One normalisation of IDs for every place that matches them: validation (duplicates,
dependencies), history (a task across runs) and the columns carried from the old master.

"T-001", " t-001 ", "Ｔ－００１" (full-width) and "T - 001" are one ID; 12.0 read from a number
cell is "12". Blank gives "".
"""
from __future__ import annotations

import unicodedata


def normalize_id(value: object) -> str:
    """The comparison key of an ID (or a department name): NFKC, case-folded, no whitespace."""
    if value.__class__ is str and value.isascii():     # NFKC leaves ASCII as it is; casefold is lower
        if " " not in value and value.isprintable():  # no whitespace (a space is ASCII's only printable one)
            return value.lower()
        return "".join(value.lower().split())
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = unicodedata.normalize("NFKC", str(value)).casefold()
    return "".join(text.split())


def task_key(department: object, task_id: object) -> tuple[str, str]:
    """A task of the master: its department and its ID, both normalised."""
    return normalize_id(department), normalize_id(task_id)
