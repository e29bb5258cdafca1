"""Working days: weekends, public holidays and make-up workdays.

A day is a working day by the first rule that speaks about it:

1. a configured make-up workday (`calendar.workdays`)      -> working day
2. a configured extra holiday (`calendar.holidays`)         -> day off
3. with `chinese_holidays`, for a year the `chinese_calendar` package covers:
   its make-up workdays -> working day; its public holidays -> day off
4. otherwise: a working day unless its ISO weekday is in `calendar.weekend`.

So a configured list always beats the package, and a configured workday beats a configured
holiday (a date in both lists is a configuration mistake; the workday wins).

Intervals are **half-open, like `range()`**: `workdays_between(start, end)` and
`workdays_in(start, end)` count/list the working days `d` with `start <= d < end` (the same
convention as `numpy.busday_count`). Pass `end + timedelta(days=1)` for a closed interval.

Lookups are cached per year (a flag per day and a running count), so counting the working
days between two dates costs a few list look-ups, whatever the distance.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Iterable

from .config import CalendarSettings
from .results import Reason

ONE_DAY = timedelta(days=1)
_MAX_GAP = 3660   # consecutive days off before we decide the calendar has no working days


def _package_data() -> tuple[frozenset[date], frozenset[date], range]:
    """Holidays, make-up workdays and the years covered by the `chinese_calendar` package."""
    try:
        from chinese_calendar import constants
    except ImportError:  # pragma: no cover - a declared dependency; degrade to "no coverage"
        return frozenset(), frozenset(), range(0)
    holidays = frozenset(constants.holidays)
    workdays = frozenset(constants.workdays)
    if not holidays:  # pragma: no cover
        return frozenset(), frozenset(), range(0)
    # the package itself accepts exactly the years between its first and last holiday
    return holidays, workdays, range(min(holidays).year, max(holidays).year + 1)


_PACKAGE: tuple[frozenset[date], frozenset[date], range] | None = None


def _package() -> tuple[frozenset[date], frozenset[date], range]:
    global _PACKAGE
    if _PACKAGE is None:
        _PACKAGE = _package_data()
    return _PACKAGE


@dataclass(frozen=True)
class _Year:
    first: int                 # ordinal of 1 January
    flags: bytes               # 1 per working day, by day of the year
    before: tuple[int, ...]    # before[i] = working days among the first i days of the year
    days: tuple[date, ...]     # the working days, in order

    @property
    def total(self) -> int:
        return self.before[-1]


@dataclass(frozen=True)
class WorkCalendar:
    """Which days are working days. Build it with `WorkCalendar.from_settings(settings.calendar)`."""

    weekend: frozenset[int] = frozenset({6, 7})       # ISO weekdays off
    holidays: frozenset[date] = frozenset()           # extra days off
    workdays: frozenset[date] = frozenset()           # extra make-up working days
    chinese_holidays: bool = False
    _years: dict[int, _Year] = field(default_factory=dict, init=False, repr=False, compare=False, hash=False)

    @classmethod
    def from_settings(cls, cal: CalendarSettings) -> "WorkCalendar":
        return cls(weekend=frozenset(cal.weekend), holidays=frozenset(cal.holidays),
                   workdays=frozenset(cal.workdays), chinese_holidays=cal.chinese_holidays)

    # ------------------------------------------------------------ coverage

    def covers(self, year: int) -> bool:
        """True when the holiday data this calendar relies on knows `year`."""
        return not self.chinese_holidays or year in _package()[2]

    def coverage_warnings(self, dates: Iterable[date | None]) -> list[Reason]:
        """A `calendar.uncovered` Reason for each year among `dates` that the holiday package does
        not cover (those years fall back to weekends and the configured lists)."""
        if not self.chinese_holidays:
            return []
        years = {d.year for d in dates if d is not None}
        return [Reason("calendar.uncovered", {"year": y}) for y in sorted(years) if not self.covers(y)]

    # ------------------------------------------------------------ per-year tables

    def _year(self, year: int) -> _Year:
        table = self._years.get(year)
        if table is None:
            table = self._build(year)
            self._years[year] = table
        return table

    def _build(self, year: int) -> _Year:
        cn_off, cn_on, cn_years = _package()
        use_package = self.chinese_holidays and year in cn_years
        first = date(year, 1, 1)
        count = 366 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 365
        flags = bytearray(count)
        before = [0] * (count + 1)
        days = []
        running = 0
        for i in range(count):
            d = first + timedelta(days=i)
            if d in self.workdays:
                on = True
            elif d in self.holidays:
                on = False
            elif use_package and d in cn_on:
                on = True
            elif use_package and d in cn_off:
                on = False
            else:
                on = d.isoweekday() not in self.weekend
            if on:
                flags[i] = 1
                running += 1
                days.append(d)
            before[i + 1] = running
        return _Year(first.toordinal(), bytes(flags), tuple(before), tuple(days))

    def _before(self, d: date) -> tuple[_Year, int]:
        table = self._year(d.year)
        return table, table.before[d.toordinal() - table.first]

    # ------------------------------------------------------------ queries

    def is_workday(self, d: date) -> bool:
        table = self._year(d.year)
        return bool(table.flags[d.toordinal() - table.first])

    def workdays_between(self, start: date, end: date) -> int:
        """Working days `d` with `start <= d < end` (half-open); 0 when `end <= start`."""
        if end <= start:
            return 0
        if start.year == end.year:
            table = self._year(start.year)
            return table.before[end.toordinal() - table.first] - table.before[start.toordinal() - table.first]
        first, before_start = self._before(start)
        count = first.total - before_start
        for year in range(start.year + 1, end.year):
            count += self._year(year).total
        return count + self._before(end)[1]

    def workdays_in(self, start: date, end: date) -> list[date]:
        """The working days `d` with `start <= d < end` (half-open), in order."""
        if end <= start:
            return []
        out: list[date] = []
        for year in range(start.year, end.year + 1):
            table = self._year(year)
            lo = table.before[start.toordinal() - table.first] if year == start.year else 0
            hi = table.before[end.toordinal() - table.first] if year == end.year else table.total
            out.extend(table.days[lo:hi])
        return out

    def add_workdays(self, d: date, n: int) -> date:
        """The date `n` working days after `d` (before it when `n` < 0); `d` itself is not counted,
        so `add_workdays(friday, 1)` is the next working day. `n == 0` returns `d` unchanged."""
        step = ONE_DAY if n >= 0 else -ONE_DAY
        left, idle = abs(n), 0
        while left:
            d += step
            if self.is_workday(d):
                left, idle = left - 1, 0
            else:
                idle = self._idle(idle)
        return d

    def next_workday(self, d: date) -> date:
        """`d` when it is a working day, else the first working day after it."""
        idle = 0
        while not self.is_workday(d):
            d += ONE_DAY
            idle = self._idle(idle)
        return d

    @staticmethod
    def _idle(idle: int) -> int:
        if idle >= _MAX_GAP:
            raise ValueError(f"no working day within {_MAX_GAP} days: check calendar.weekend")
        return idle + 1
