"""Findings (problems in a user's workbook) and the ToolkitError tree (runs that cannot go on)."""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from .i18n import finding_text, text


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"          # what the reader did on its own (rows skipped, a column judged by its values)


@dataclass(frozen=True)
class Finding:
    """One problem at one place: `客服部.xlsx › Tasks › D14`.

    `file` is the name shown to people; `path` the full path (for links in the master and
    annotated copies). `params` fill the message template of `code` in `i18n.FINDINGS`.
    """

    code: str
    severity: Severity
    file: str
    sheet: str | None = None
    cell: str | None = None
    value: Any = None
    params: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
    path: str | None = field(default=None, compare=False)

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    @property
    def is_warning(self) -> bool:
        return self.severity is Severity.WARNING

    def message(self, lang: str = "en") -> str:
        params = {"value": self.value, **self.params}
        return finding_text(self.code, lang, **{k: _localized(v, lang) for k, v in params.items()})

    def place(self, lang: str = "en") -> str:
        sep = text("place.sep", lang)
        return sep.join(p for p in (self.file, self.sheet, self.cell) if p)

    @property
    def row(self) -> int | None:
        """The row number of `cell` (None for file- or sheet-level findings)."""
        if not self.cell:
            return None
        digits = "".join(ch for ch in self.cell if ch.isdigit())
        return int(digits) if digits else None

    def as_dict(self, lang: str = "en") -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity.value,
            "file": self.file,
            "sheet": self.sheet,
            "cell": self.cell,
            "value": None if self.value is None else str(self.value),
            "place": self.place(lang),
            "message": self.message(lang),
        }


@dataclass(frozen=True)
class Bilingual:
    """A parameter that reads differently per language (a column header, a list of choices)."""

    en: str
    zh: str

    def __str__(self) -> str:
        return self.en


def _localized(value: Any, lang: str) -> Any:
    if isinstance(value, Bilingual):
        return value.zh if lang == "zh" else value.en
    return value


class ToolkitError(Exception):
    """A run cannot go on (bad config, no inputs, output not writable). Shown as `Error: …`.

    `code` names an entry `error.<code>` of the catalogue (`toolkit/i18n/errors.py`); `params`
    fill it. The exit code is the class's.
    """

    exit_code = 2

    def __init__(self, code: str, /, **params: Any):
        self.code = code
        self.params = params
        super().__init__(self.message("en"))

    def message(self, lang: str = "en") -> str:
        try:
            return text(f"error.{self.code}", lang, **{k: _localized(v, lang) for k, v in self.params.items()})
        except (KeyError, IndexError):   # an unknown code still says something useful
            return f"{self.code}: {self.params}"


class ConfigError(ToolkitError):
    """toolkit.toml is missing a value, has a wrong one, or cannot be parsed."""


class InputError(ToolkitError):
    """The paths given do not hold anything to work on."""


class OutputError(ToolkitError):
    """An output cannot be written (folder missing, locked by another run, disk full)."""

    exit_code = 3


class InternalError(ToolkitError):
    """Something the toolkit did not expect (a bug): one line, exit 4, the traceback with --debug."""

    exit_code = 4


class FileRejected(Exception):
    """One input file cannot be read; carries the finding that says why. The batch goes on."""

    def __init__(self, finding: Finding):
        super().__init__(finding.message())
        self.finding = finding
