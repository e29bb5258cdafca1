"""A team's own tracker mapped once: `[columns]` and `[statuses]` of toolkit.toml, and `toolkit map`.

```toml
[columns."zh2_*.xlsx"]          # a file name pattern (fnmatch, case-insensitive) or a department
"负责开发/QA" = "owner"
"排期上线时间" = "due"
"需求方" = ""                    # not a standard column: carried as the team's own column
"Risk" = "risks.risk"            # a column of another sheet kind, when a header is ambiguous

[statuses]
"已上线" = "done"
```

`mapping_for` gives the reader the mapping of one file (every matching pattern, in order; a
later one wins). `describe` says, per sheet of a workbook already read, which header it took for
each standard column and the values that made it think so, what is missing, and which headers
it did not read; `mapping_table` turns that into the table `--write` puts into toolkit.toml.
"""
from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tomli_w

from .config import Settings
from .headers import Mapping
from .model import WorkbookData
from .schema import SHEETS_BY_KEY, TASKS, looks_like, normalize_header

MARK_BEGIN = "# >>> columns mapped by `toolkit map` for {pattern}"
MARK_END = "# <<< end of the mapping for {pattern}"


def mapping_for(settings: Settings, file_name: str, department: str = "") -> Mapping:
    """The `[columns]` tables whose pattern matches `file_name` (or names `department`), and `[statuses]`."""
    columns: dict[str, str] = {}
    for pattern, table in settings.columns.items():
        name = Path(file_name).name.casefold()
        if fnmatch.fnmatch(name, pattern.casefold()) or (department and pattern.casefold() == department.casefold()):
            columns.update({normalize_header(h): t for h, t in table.items()})
    statuses = {}
    if settings.statuses:
        status = TASKS.column("status")
        for word, target in settings.statuses.items():
            choice = status.choice_for(target)
            if choice is not None:
                statuses[normalize_header(word)] = choice.key
    if not columns and not statuses:
        from .headers import NO_MAPPING
        return NO_MAPPING
    return Mapping(columns, statuses)


@dataclass
class ColumnUse:
    key: str                    # standard column key
    header: str                 # the header it was read from
    how: str                    # "name" | "synonym" | "mapping" | "values"
    examples: list[Any]


@dataclass
class SheetUse:
    sheet: str
    kind: str | None            # sheet kind read as, None when not read
    header_row: int = 0
    columns: list[ColumnUse] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)         # standard column keys not found
    unread: list[str] = field(default_factory=list)          # headers not read as a standard column
    guesses: dict[str, str] = field(default_factory=dict)    # header -> key it looks like
    statuses: list[str] = field(default_factory=list)        # status words seen that are not standard
    closest: str | None = None                               # for a sheet not read
    matched: list[str] = field(default_factory=list)


def describe(wb: WorkbookData) -> list[SheetUse]:
    """What the reader made of each sheet of `wb` (read with the current mapping)."""
    uses = []
    not_dates = {(f.sheet, f.value) for f in wb.findings if f.code == "column-not-dates"}
    for table in wb.tables:
        spec = SHEETS_BY_KEY[table.kind]
        use = SheetUse(table.sheet, table.kind, table.header_row)
        for key in spec.keys:
            if key in table.headers:
                use.columns.append(ColumnUse(key, table.headers[key], table.how.get(key, "name"),
                                             table.samples.get(key, [])[:3]))
            elif key != "department":
                use.missing.append(key)
        use.unread = list(table.extra_headers)
        for header in use.unread:
            col = looks_like(spec, header)
            if (col is not None and col.key in use.missing and col.key not in use.guesses.values()
                    and (table.sheet, header) not in not_dates):
                use.guesses[header] = col.key          # the first header that looks like a missing column
        if table.kind == "tasks":
            seen = []
            for record in table.records:
                raw = record.raw.get("status")
                if record.values.get("status") is None and isinstance(raw, str) and raw.strip() and raw not in seen:
                    seen.append(raw.strip())
            use.statuses = seen[:20]
        uses.append(use)
    for name, guess in wb.skipped_sheets:
        uses.append(SheetUse(name, None, closest=guess.closest.key if guess.closest else None,
                             matched=list(guess.matched)))
    return uses


def mapping_table(uses: list[SheetUse]) -> tuple[dict[str, str], dict[str, str]]:
    """({header: standard column}, {status word: ""}) to write: every column recognised other than by
    its standard name, and each "looks like" guess. Status words not understood are listed with ""
    for the user to fill in."""
    columns: dict[str, str] = {}
    statuses: dict[str, str] = {}
    for use in uses:
        if use.kind is None:
            continue
        prefix = "" if use.kind == "tasks" else f"{use.kind}."
        for column in use.columns:
            if column.how != "name":
                columns.setdefault(column.header, prefix + column.key)
        for header, key in use.guesses.items():
            columns.setdefault(header, prefix + key)
        for word in use.statuses:
            statuses.setdefault(word, "")
    return columns, statuses


def mapping_lines(uses: list[SheetUse], lang: str) -> list[str]:
    """What `toolkit map` shows, line by line."""
    from .i18n import text

    def name(kind: str | None, key: str) -> str:
        col = SHEETS_BY_KEY[kind or "tasks"].column(key)
        return col.zh if lang == "zh" else col.en

    lines = []
    for use in uses:
        if use.kind is None:
            closest = ""
            if use.closest:
                spec = SHEETS_BY_KEY[use.closest]
                closest = text("map.closest", lang, kind=spec.title(lang), matched=", ".join(use.matched) or "—")
            lines.append(text("map.skipped", lang, sheet=use.sheet, closest=closest))
            continue
        lines.append(text("map.sheet", lang, sheet=use.sheet, kind=SHEETS_BY_KEY[use.kind].title(lang), row=use.header_row))
        for column in use.columns:
            examples = ", ".join(f"“{_short(v)}”" for v in column.examples) or "—"
            lines.append(text("map.column", lang, column=name(use.kind, column.key), header=column.header,
                              how=text(f"map.how.{column.how}", lang), examples=examples))
        if use.missing:
            sep = "、" if lang == "zh" else ", "
            shown = [name(use.kind, k) + (f" ← “{h}”?" if (h := _guess_for(use, k)) else "") for k in use.missing]
            lines.append(text("map.missing", lang, columns=sep.join(shown)))
        if use.unread:
            lines.append(text("map.unmapped", lang, headers=", ".join(f"“{h}”" for h in use.unread)))
        if use.statuses:
            lines.append(text("map.statuses", lang, words=", ".join(f"“{w}”" for w in use.statuses)))
    return lines


def _guess_for(use: SheetUse, key: str) -> str:
    return next((h for h, k in use.guesses.items() if k == key), "")


def _short(value: Any) -> str:
    from datetime import date, datetime

    if isinstance(value, (date, datetime)):
        return value.isoformat()[:10]
    text = str(value).replace("\n", " ")
    return text if len(text) <= 24 else text[:23] + "…"


def mapping_toml(pattern: str, columns: dict[str, str], statuses: dict[str, str]) -> str:
    """The marked block `--write` adds to toolkit.toml."""
    body = tomli_w.dumps({"columns": {pattern: columns}})
    lines = [MARK_BEGIN.format(pattern=pattern), body.rstrip()]
    if statuses:
        lines.append("# status words this file uses that are not standard: fill in not_started, in_progress,")
        lines.append("# blocked, done or cancelled and move them under [statuses]")
        for word in statuses:
            lines.append(f"# {tomli_w.dumps({'x': word})[4:].strip()} = \"\"")
    lines.append(MARK_END.format(pattern=pattern))
    return "\n".join(lines) + "\n"


def write_mapping(config: Path, pattern: str, columns: dict[str, str], statuses: dict[str, str]) -> Path:
    """Put the mapping block for `pattern` into `config` (created when missing): an earlier block
    for the same pattern is replaced, everything else (comments included) is kept as it is."""
    block = mapping_toml(pattern, columns, statuses)
    text = config.read_text(encoding="utf-8") if config.exists() else ""
    begin, end = MARK_BEGIN.format(pattern=pattern), MARK_END.format(pattern=pattern)
    found = re.compile(re.escape(begin) + r".*?" + re.escape(end) + r"\n?", re.S)
    if found.search(text):
        text = found.sub(lambda _: block, text)
    else:
        text = (text.rstrip("\n") + "\n\n" if text.strip() else "") + block
    config.write_text(text, encoding="utf-8")
    return config
