"""normalize_id: one comparison key for IDs everywhere (toolkit/ids.py)."""
from __future__ import annotations

import unicodedata

from toolkit.ids import normalize_id


def _reference(value: object) -> str:
    """The rule spelt out once, without the shortcut for plain ASCII."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return "".join(unicodedata.normalize("NFKC", str(value)).casefold().split())


def test_every_ascii_character_and_the_usual_ids_fold_as_the_rule_says():
    values: list[object] = [f"T-{chr(c)}01" for c in range(128)] + [chr(c) for c in range(128)]
    values += ["T-001", " t-001 ", "Ｔ－００１", "T - 001", "IT-7", "仓储-3", "a\x1fb", "a\x85b", "a\u3000b",
               "", None, 12.0, 12.5, 7, True]
    for value in values:
        assert normalize_id(value) == _reference(value), repr(value)
    assert normalize_id("Ｔ－００１") == normalize_id(" t-001 ") == normalize_id("T - 001") == "t-001"
