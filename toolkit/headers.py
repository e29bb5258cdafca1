"""Which standard column each header of a sheet holds, judged by the header AND its values. Pure.

Rules (README, "Headers as teams write them"):

- A header names a standard column by its English or Chinese name or a synonym from
  `toolkit.schema`, with or without a unit or note in brackets; a `[columns]` mapping of
  toolkit.toml (see `toolkit.mapping`) comes first and is trusted as written ("" = no standard column).
- A header recognised through a synonym is confirmed by its values: a "progress" column holding
  status words (`当前进度`: 已上线, 排期中) is read as Status; a "project" column whose values name
  every row once, on a sheet with no Task column (`项目名称` in a list of work items), is read as
  Task; a date synonym whose values are no dates (`开始时间`: "00:16") is not read as a date.
- When two headers name one column, the one holding values is used.
- The table is the run of adjacent headers holding the recognised columns (or the Excel table
  on the sheet): unrecognised headers beyond a blank column (a legend or key beside the table)
  are not read.
"""
from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from . import coerce
from .schema import SHEETS, Column, ColType, SheetSpec, _columns_by_name, header_base, match_column, normalize_header

MIN_HEADER_MATCHES = 3         # columns a sheet of unknown name must name to be recognised
SAMPLE_VALUES = 40             # values per column looked at to judge it


@dataclass
class Note:
    """A finding to make about the header row: code, severity name, column position, params."""

    code: str
    severity: str
    position: int
    params: dict[str, Any]
    value: Any = None


@dataclass
class ColumnPlan:
    spec: SheetSpec
    header_index: int
    columns: dict[str, int] = field(default_factory=dict)     # key -> position
    headers: dict[str, str] = field(default_factory=dict)     # key -> header text
    how: dict[str, str] = field(default_factory=dict)         # key -> "name" | "synonym" | "mapping" | "values"
    extras: dict[int, str] = field(default_factory=dict)      # position -> header of a team's own column
    outside: dict[int, str] = field(default_factory=dict)     # position -> header beside the table
    samples: dict[str, list[Any]] = field(default_factory=dict)
    notes: list[Note] = field(default_factory=list)


@dataclass(frozen=True)
class Mapping:
    """A team's own headers and status words (normalised) -> standard column / status keys."""

    columns: dict[str, str] = field(default_factory=dict)     # header -> "key" | "kind.key" | ""
    statuses: dict[str, str] = field(default_factory=dict)    # value -> status key

    def column(self, spec: SheetSpec, header: object) -> tuple[bool, Column | None]:
        """(mapped?, column): a mapping to "" or to another sheet kind's column gives (True, None)."""
        if not self.columns:
            return False, None
        wanted = normalize_header(header)
        if not wanted or wanted not in self.columns:
            return False, None
        target = self.columns[wanted]
        kind, _, key = target.rpartition(".")
        if not target or (kind and kind != spec.key) or key not in spec.keys:
            return True, None
        return True, spec.column(key)


NO_MAPPING = Mapping()


def _texts(row: list[Any]) -> list[tuple[int, str]]:
    return [(i, c.strip()) for i, c in enumerate(row) if isinstance(c, str) and c.strip()]


def score(spec: SheetSpec, row: list[Any], mapping: Mapping = NO_MAPPING) -> tuple[int, list[str]]:
    """How many columns of `spec` a row of headers names, and the headers that name them."""
    keys: dict[str, str] = {}
    for _, text in _texts(row):
        mapped, col = mapping.column(spec, text)
        if not mapped:
            col = match_column(spec, text)
        if col is not None:
            keys.setdefault(col.key, text)
    return len(keys), list(keys.values())


_KINDS_NAMED: dict[str, tuple[tuple[str, str], ...]] = {}


def _kinds_named(text: str, mapping: Mapping) -> tuple[tuple[str, str], ...]:
    """(sheet kind, column key) for every kind whose column this header text names."""
    if mapping is NO_MAPPING or not mapping.columns:
        found = _KINDS_NAMED.get(text)
        if found is not None:
            return found
        if not _could_name_a_column(text):
            return ()          # a task's title, an ID, a date: no header of any kind (not cached: many)
    named = []
    for spec in SHEETS:
        mapped, col = mapping.column(spec, text)
        if not mapped:
            col = match_column(spec, text)
        if col is not None:
            named.append((spec.key, col.key))
    found = tuple(named)
    if (mapping is NO_MAPPING or not mapping.columns) and len(_KINDS_NAMED) < 65536:
        _KINDS_NAMED[text] = found
    return found


_ALL_NAMES: set[str] = set()


def _could_name_a_column(text: str) -> bool:
    """False when no column of any kind can be named by `text` (what `match_column` looks up:
    the folded text or its base without brackets, among every kind's names)."""
    if not _ALL_NAMES:
        for spec in SHEETS:
            _ALL_NAMES.update(_columns_by_name(spec))
    return normalize_header(text) in _ALL_NAMES or header_base(text) in _ALL_NAMES


@dataclass(frozen=True)
class KindGuess:
    spec: SheetSpec | None
    header_index: int
    score: int
    matched: tuple[str, ...] = ()
    switched_from: SheetSpec | None = None     # the kind the sheet's name suggested, when overruled
    closest: SheetSpec | None = None           # for a sheet not recognised: the nearest kind


def find_kind(named: SheetSpec | None, head: list[list[Any]], mapping: Mapping = NO_MAPPING) -> KindGuess:
    """The kind of a sheet and its header row, judged by what the rows hold; the sheet's name
    decides only when its columns say no more for another kind (a sheet named 项目 whose columns
    are those of a task list is a task list)."""
    best: dict[str, tuple[int, int, list[str]]] = {}
    cached = _KINDS_NAMED.get if mapping is NO_MAPPING or not mapping.columns else None
    for index, row in enumerate(head):
        # what `score` gives for every kind at once: each text is looked up once, not once per kind
        named_by: dict[str, dict[str, str]] = {}
        for cell in row:
            if not isinstance(cell, str):
                continue
            text = cell.strip()
            if not text:
                continue
            found = cached(text) if cached is not None else None
            for spec_key, col_key in found if found is not None else _kinds_named(text, mapping):
                named_by.setdefault(spec_key, {}).setdefault(col_key, text)
        for spec in SHEETS:
            keys = named_by.get(spec.key)
            if keys and len(keys) > best.get(spec.key, (0, -1, []))[0]:
                best[spec.key] = (len(keys), index, list(keys.values()))
    ranked = sorted(SHEETS, key=lambda s: -best.get(s.key, (0,))[0])
    top = ranked[0]
    top_score, top_index, top_matched = best.get(top.key, (0, -1, []))
    if named is not None:
        own_score, own_index, own_matched = best.get(named.key, (0, -1, []))
        if top.key != named.key and top_score > own_score and top_score >= MIN_HEADER_MATCHES:
            return KindGuess(top, top_index, top_score, tuple(top_matched), switched_from=named)
        if own_score > 0:
            return KindGuess(named, own_index, own_score, tuple(own_matched))
        return KindGuess(None, -1, 0, closest=named)
    if top_score >= MIN_HEADER_MATCHES and top_score >= len(top.required_keys) // 2:
        return KindGuess(top, top_index, top_score, tuple(top_matched))
    return KindGuess(None, top_index, top_score, tuple(top_matched), closest=top if top_score else None)


def _table_run(header: list[Any], positions: set[int]) -> tuple[int, int]:
    """(first, last) position of the run of adjacent non-blank headers holding most of `positions`."""
    runs: list[tuple[int, int]] = []
    start = None
    for i, cell in enumerate(header + [None]):
        blank = coerce.is_blank(cell)
        if not blank and start is None:
            start = i
        elif blank and start is not None:
            runs.append((start, i - 1))
            start = None
    if not runs:
        return 0, len(header) - 1
    return max(runs, key=lambda r: (sum(r[0] <= p <= r[1] for p in positions), -r[0]))


def _filled(values: list[Any]) -> list[Any]:
    return [v for v in values if not coerce.is_blank(v)]


def _parses(column: Column, value: Any) -> bool:
    try:
        coerce.coerce(column, value)
        return True
    except (coerce.BadValue, ValueError, TypeError, OverflowError):
        return False


def plan_columns(spec: SheetSpec, header_index: int, header: list[Any], rows: list[list[Any]],
                 mapping: Mapping = NO_MAPPING, bounds: tuple[int, int] | None = None) -> ColumnPlan:
    """Which position holds which standard column, judged by header and values (rules above).

    `rows` are data rows below the header (a sample); `bounds` the first and last position of an
    Excel table on the sheet, when there is one.
    """
    plan = ColumnPlan(spec, header_index)
    candidates: dict[str, list[tuple[int, str, str]]] = {}   # key -> [(position, header, how)]
    unmatched: dict[int, str] = {}
    for position, cell in enumerate(header):
        text, _ = coerce.clean_text(cell)
        if not text:
            continue
        if bounds is not None and not bounds[0] <= position <= bounds[1]:
            plan.outside[position] = text
            continue
        mapped, col = mapping.column(spec, text)
        how = "mapping"
        if not mapped:
            col = match_column(spec, text)
            folded = normalize_header(text)
            how = "name" if col is not None and folded in (normalize_header(col.en), normalize_header(col.zh),
                                                             normalize_header(col.key)) else "synonym"
        if col is None:
            unmatched[position] = text
        else:
            candidates.setdefault(col.key, []).append((position, text, how))

    samples: dict[int, list[Any]] = {}

    def values_under(position: int) -> Iterator[Any]:
        """Values under a header, top down (a repeated header row is no value)."""
        name = normalize_header(header[position])
        for row in rows:
            if position < len(row) and normalize_header(row[position]) != name:
                yield row[position]

    def sample(position: int) -> list[Any]:
        if position not in samples:
            samples[position] = list(itertools.islice(values_under(position), SAMPLE_VALUES * 5))
        return samples[position]

    def first_filled(position: int, count: int) -> list[Any]:
        """The first `count` filled values under a header: what `_filled(sample(p))[:count]` gives,
        without folding the blank cells of a sparse column (200 looked at per column)."""
        name = normalize_header(header[position])
        found: list[Any] = []
        looked = 0
        for row in rows:
            if position >= len(row):
                continue
            value = row[position]
            if name and (value is None or value == ""):     # blank: never the header repeated
                looked += 1
            elif normalize_header(value) != name:
                looked += 1
                if not coerce.is_blank(value):
                    found.append(value)
                    if len(found) == count:
                        break
            if looked >= SAMPLE_VALUES * 5:
                break
        return found

    # two headers for one column: the one holding values wins (Predecessor empty, Predecessors filled)
    for key, found in candidates.items():
        if len(found) > 1:
            ranked = sorted(found, key=lambda f: (-len(_filled(sample(f[0]))), f[0]))
            chosen, rest = ranked[0], ranked[1:]
            candidates[key] = [chosen]
            for position, text, _ in rest:
                unmatched[position] = text
                empty = not _filled(sample(position))
                plan.notes.append(Note("duplicate-column", "info" if empty else "warning", position,
                                       {"column": text, "used": chosen[1]}, text))

    taken = {key: found[0] for key, found in candidates.items()}
    status_col = spec.column("status") if "status" in spec.keys else None

    # value checks for columns recognised through a synonym (a mapping or a standard name is trusted)
    for key, (position, text, how) in list(taken.items()):
        if how != "synonym":
            continue
        col = spec.column(key)
        values = _filled(sample(position))[:SAMPLE_VALUES]
        if col.type is ColType.PERCENT and status_col is not None and "status" not in taken and values:
            words = sum(1 for v in values if isinstance(v, str) and status_col.choice_for(v) is not None)
            numbers = sum(1 for v in values if _parses(col, v))
            if words > numbers:
                del taken[key]
                taken["status"] = (position, text, "values")
                plan.notes.append(Note("column-judged", "info", position,
                                       {"header": text, "column": _name(status_col), "example": _example(values)}, text))
                continue
        if col.type is ColType.DATE and len(values) >= 3:
            good = sum(1 for v in values if _parses(col, v))
            if good * 2 < len(values):
                del taken[key]
                unmatched[position] = text
                plan.notes.append(Note("column-not-dates", "warning", position,
                                       {"header": text, "column": _name(col), "example": _example(values)}, text))
    if (spec.key == "tasks" and "title" not in taken and "project" in taken
            and taken["project"][2] == "synonym"):
        position, text, _ = taken["project"]
        values = [coerce.key_of(v) for v in _filled(sample(position))]
        if len(values) >= 3 and len(set(values)) >= 0.9 * len(values):
            del taken["project"]
            taken["title"] = (position, text, "values")
            plan.notes.append(Note("column-judged", "info", position,
                                   {"header": text, "column": _name(spec.column("title")),
                                    "example": _example(values)}, text))

    # the table: adjacent headers around the recognised columns; unrecognised ones beyond a gap
    # (a legend, a key, a calendar strip) are not the team's columns
    if bounds is None:
        first, last = _table_run(header, {p for p, _, _ in taken.values()})
    else:
        first, last = bounds
    for position, text in sorted(unmatched.items()):
        if first <= position <= last:
            plan.extras[position] = text
        else:
            plan.outside[position] = text
    for key in spec.keys:
        if key in taken:
            position, text, how = taken[key]
            plan.columns[key] = position
            plan.headers[key] = text
            plan.how[key] = how
            plan.samples[key] = first_filled(position, 5)
    return plan


def _name(col: Column) -> Any:
    from .errors import Bilingual

    return Bilingual(col.en, col.zh)


def _example(values: list[Any]) -> str:
    shown = []
    for value in values:
        text, _ = coerce.clean_text(value)
        if text and text not in shown:
            shown.append(text[:30])
        if len(shown) == 3:
            break
    return ", ".join(f"“{s}”" for s in shown)
