"""The `[schedule]` and `[inbox]` sections of toolkit.toml: the nightly job and the drop folder.

Checked when the settings are loaded, like every other section: a time that is not a time
says which form is valid (`schedule.consolidate_at: valid format is HH:MM`), before anything runs.
"""
from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$")
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def check_time(value: str) -> str:
    """`value` if it is a time of day HH:MM (or HH:MM:SS); ValueError naming the valid form."""
    value = str(value).strip()
    if not _TIME.match(value):
        raise ValueError(f"valid format is HH:MM (24-hour, e.g. 02:00; HH:MM:SS also accepted), not {value!r}")
    return value


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ScheduleSettings(_Section):
    consolidate_at: str = "02:00"                  # every night, local time
    weekly_report_day: Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"] = "friday"
    weekly_report_at: str = "07:30"                # on weekly_report_day, local time; the report is emailed
    weekly_report_pdf: bool = False                # also convert the weekly report to PDF (needs LibreOffice)
    catch_up: bool = True                          # on start, run a missed night (and a missed weekly report)
    log_max_kb: int = Field(1024, ge=16, le=1024 * 1024)   # rotating log file in the output folder
    log_keep: int = Field(5, ge=1, le=100)

    @field_validator("consolidate_at", "weekly_report_at", mode="before")
    @classmethod
    def _time(cls, value: object) -> str:
        return check_time(str(value))

    @field_validator("weekly_report_day", mode="before")
    @classmethod
    def _day(cls, value: object) -> object:
        return str(value).strip().lower() if isinstance(value, str) else value


class InboxSettings(_Section):
    """The drop folder (`paths.inbox`): when a file is taken, what is rejected, who is told."""

    stable_seconds: float = Field(5.0, ge=0, le=3600)        # size and mtime unchanged this long before a file is taken
    unreadable_grace_seconds: float = Field(30.0, ge=0, le=86400)   # a stable file that does not open yet: wait this long more
    debounce_seconds: float = Field(10.0, ge=0, le=3600)     # quiet time after a burst before the master is re-consolidated
    reject: Literal["unreadable", "errors"] = "unreadable"   # unreadable: only unreadable / no tracker sheet; errors: strict
    notify_submitter: bool = True                            # email the department's Team addresses the reasons
    poll: bool = False                                       # always poll (network shares are detected and polled anyway)
    poll_seconds: float = Field(2.0, gt=0, le=600)           # polling interval
    versions_keep: int = Field(20, ge=0, le=10000)           # earlier inputs kept per department in versions/
