"""toolkit.toml -> one frozen, validated Settings object.

Only entry points call `load_settings`; everything below takes the Settings it is given.
"""
from __future__ import annotations

import sys

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10: the same parser, published as tomli
    import tomli as tomllib
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (BaseModel, BeforeValidator, ConfigDict, Field, StrictBool, StrictInt, ValidationError,
                      field_validator, model_validator)

from .config_email import Email  # the [email] section lives in its own module
from .config_jobs import InboxSettings, ScheduleSettings  # [schedule] and [inbox]: the nightly job, the drop folder
from .errors import ConfigError

CONFIG_NAME = "toolkit.toml"


def _number(value: object) -> object:
    """A number as TOML writes one (3 or 2.5); never `true`, never "3" (issue 8: strict types)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError("must be a number (like 3 or 2.5), not " + type(value).__name__)
    return value


Number = Annotated[float, BeforeValidator(_number)]
Seconds = Number


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Paths(_Section):
    inputs: Path = Path("inputs")
    output: Path = Path("output")
    archive: Path = Path("archive")
    inbox: Path = Path("inbox")


class CalendarSettings(_Section):
    # ISO weekday numbers (1 = Monday … 7 = Sunday) that are not working days
    weekend: tuple[StrictInt, ...] = (6, 7)
    # use the Chinese public holidays and make-up workdays of the chinesecalendar package
    chinese_holidays: StrictBool = True
    holidays: tuple[date, ...] = ()            # extra days off
    workdays: tuple[date, ...] = ()            # extra make-up working days

    @field_validator("weekend")
    @classmethod
    def _weekdays(cls, value: tuple[int, ...]) -> tuple[int, ...]:
        bad = [d for d in value if d < 1 or d > 7]
        if bad:
            raise ValueError(f"weekdays are 1 (Monday) to 7 (Sunday), got {bad}")
        return value


class Thresholds(_Section):
    due_soon_days: StrictInt = Field(3, ge=0, le=60)         # working days
    behind_points: Number = Field(20, gt=0, le=100)          # expected % minus actual %
    overload_ratio: Number = Field(1.0, gt=0, le=5)          # load / capacity above this is overloaded
    default_capacity: Number = Field(40, gt=0, le=168)       # hours per week
    default_hours: Number = Field(8, ge=0, le=10000)         # task estimate when empty
    risk_high: StrictInt = Field(15, ge=1, le=25)            # probability × impact
    risk_amber: StrictInt = Field(8, ge=1, le=25)
    red_days_late: StrictInt = Field(5, ge=1, le=250)        # a task this many working days late: project red
    red_overdue_share: Number = Field(20, gt=0, le=100)      # % of open tasks overdue: project red

    @model_validator(mode="after")
    def _amber_below_high(self) -> "Thresholds":
        if self.risk_amber >= self.risk_high:
            raise ValueError(f"risk_amber ({self.risk_amber}) must be below risk_high ({self.risk_high})")
        return self


class Limits(_Section):
    # every limit has a ceiling: a limit of 1e20 is no limit at all
    max_file_mb: StrictInt = Field(100, ge=1, le=2048)            # size of an input file on disk
    max_unzipped_mb: StrictInt = Field(100, ge=1, le=4096)        # total declared/streamed size of a workbook's parts
    # compression ratio of a part over 1 MB (text XML reaches ~120:1; bombs 1000:1)
    max_ratio: StrictInt = Field(250, ge=2, le=100_000)
    max_parts: StrictInt = Field(10000, ge=10, le=100_000)
    max_cells_per_sheet: StrictInt = Field(2_000_000, ge=1000, le=50_000_000)


class Reading(_Section):
    """How inputs are read (issue 8): hidden sheets, and files still being copied."""

    include_hidden_sheets: StrictBool = False      # hidden / very hidden sheets are skipped with a warning
    settle_seconds: Seconds = Field(2.0, ge=0, le=60)      # a damaged-looking file changed this recently is waited for
    settle_max_seconds: Seconds = Field(30.0, ge=0, le=600)  # … at most this long, then "still being written"
    processes: StrictBool = True     # many files are read in worker processes (Linux; issue 7)


class Settings(_Section):
    language: Literal["en", "zh"] = "en"
    paths: Paths = Paths()
    calendar: CalendarSettings = CalendarSettings()
    thresholds: Thresholds = Thresholds()
    limits: Limits = Limits()
    reading: Reading = Reading()
    email: Email = Email()
    schedule: ScheduleSettings = ScheduleSettings()
    # a team's own headers -> standard columns, per file pattern (`"客服部*.xlsx"`) or department:
    # [columns."zh2_*.xlsx"] "负责开发/QA" = "owner"; "" reads a column as nothing; see toolkit.mapping
    columns: dict[str, dict[str, str]] = {}
    statuses: dict[str, str] = {}  # a team's status words -> standard statuses: "已上线" = "done"
    inbox: InboxSettings = InboxSettings()
    history_url: str = ""          # empty: a SQLite file history.sqlite in the output folder
    backups_keep: StrictInt = Field(5, ge=0, le=100)
    paper: Literal["A4", "Letter"] = "A4"   # paper size the master is set up to print on
    base_dir: Path = Path(".")     # the folder toolkit.toml was read from; paths are relative to it

    @field_validator("columns")
    @classmethod
    def _column_targets(cls, value: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
        from .schema import SHEETS_BY_KEY

        for pattern, table in value.items():
            for header, target in table.items():
                kind, _, key = target.rpartition(".")
                specs = [SHEETS_BY_KEY[kind]] if kind in SHEETS_BY_KEY else list(SHEETS_BY_KEY.values())
                if target and (kind and kind not in SHEETS_BY_KEY or all(key not in s.keys for s in specs)):
                    raise ValueError(f"[columns.\"{pattern}\"] \"{header}\" = \"{target}\": not a standard "
                                     f"column (e.g. \"owner\", \"due\", \"tasks.status\", or \"\" to ignore it)")
        return value

    @field_validator("statuses")
    @classmethod
    def _status_targets(cls, value: dict[str, str]) -> dict[str, str]:
        from .schema import TASKS

        column = TASKS.column("status")
        for word, target in value.items():
            if column.choice_for(target) is None:
                keys = ", ".join(c.key for c in column.choices)
                raise ValueError(f"\"{word}\" = \"{target}\": not a standard status ({keys})")
        return value

    def resolve(self, path: Path) -> Path:
        return path if path.is_absolute() else (self.base_dir / path)


def _describe(error: ValidationError) -> str:
    parts = []
    for item in error.errors():
        key = ".".join(str(p) for p in item["loc"])
        if item["type"] == "extra_forbidden":
            parts.append(f"unknown setting '{key}'")
        else:
            parts.append(f"'{key}': {item['msg'].removeprefix('Value error, ')}")
    return "; ".join(parts)


def settings_from_dict(data: dict[str, Any], base_dir: Path = Path("."), source: str = CONFIG_NAME) -> Settings:
    if "base_dir" in data:   # set from the file's folder, never from the file
        raise ConfigError("config_invalid", file=source, details="unknown setting 'base_dir'")
    try:
        return Settings(**data, base_dir=base_dir)
    except ValidationError as exc:
        msg = _describe(exc)
        raise ConfigError("config_invalid", file=source, details=msg) from exc


def load_settings(path: Path | None = None, base_dir: Path | None = None) -> Settings:
    """Read toolkit.toml (`path`, or the one in `base_dir`, or defaults when there is none)."""
    base = base_dir or Path.cwd()
    config = path or (base / CONFIG_NAME)
    if not config.exists():
        if path is not None:
            raise ConfigError("config_missing", path=config)
        return Settings(base_dir=base)
    if not config.is_file():
        raise ConfigError("config_not_file", path=config)
    try:
        data = tomllib.loads(config.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError("config_unreadable", path=config, reason=exc.strerror or exc) from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError("config_parse", file=config.name, reason=exc) from exc
    return settings_from_dict(data, base_dir=config.parent.resolve(), source=config.name)
