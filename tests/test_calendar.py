"""WorkCalendar: weekends, Chinese public holidays and make-up days, configured lists, coverage."""
from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar
import pytest

from toolkit.calendar import WorkCalendar
from toolkit.config import CalendarSettings
from toolkit.results import Reason


def cal(**kwargs) -> WorkCalendar:
    return WorkCalendar.from_settings(CalendarSettings(**kwargs))


CN = cal()                                  # defaults: Sat/Sun off, Chinese holidays on
PLAIN = cal(chinese_holidays=False)


def test_package_has_the_2026_national_day_dates_used_in_these_tests():
    assert all(chinese_calendar.is_holiday(date(2026, 10, d)) for d in range(1, 8))
    assert chinese_calendar.is_workday(date(2026, 10, 10))   # Saturday, make-up workday
    assert chinese_calendar.is_workday(date(2026, 9, 20))    # Sunday, make-up workday


@pytest.mark.parametrize("day, chinese, plain", [
    (date(2026, 11, 24), True, True),     # Tuesday
    (date(2026, 11, 28), False, False),   # Saturday
    (date(2026, 10, 1), False, True),     # National Day (Thursday)
    (date(2026, 10, 7), False, True),     # last day of the Golden Week (Wednesday)
    (date(2026, 10, 10), True, False),    # Saturday make-up workday
    (date(2026, 9, 20), True, False),     # Sunday make-up workday
    (date(2026, 1, 1), False, True),      # New Year's Day
])
def test_is_workday(day, chinese, plain):
    assert CN.is_workday(day) is chinese
    assert PLAIN.is_workday(day) is plain


def test_agrees_with_the_package_day_by_day():
    day = date(2024, 1, 1)
    while day < date(2027, 1, 1):
        assert CN.is_workday(day) == chinese_calendar.is_workday(day), day
        day += timedelta(days=1)


def test_configured_lists_beat_the_package():
    c = cal(holidays=(date(2026, 10, 10), date(2026, 11, 25)), workdays=(date(2026, 10, 2), date(2026, 11, 29)))
    assert not c.is_workday(date(2026, 10, 10))   # package make-up day, configured off
    assert not c.is_workday(date(2026, 11, 25))   # an ordinary Wednesday, configured off
    assert c.is_workday(date(2026, 10, 2))        # package holiday, configured make-up day
    assert c.is_workday(date(2026, 11, 29))       # a Sunday, configured make-up day


def test_configured_weekend():
    c = cal(weekend=(5, 6), chinese_holidays=False)   # Friday and Saturday off
    assert not c.is_workday(date(2026, 11, 27))
    assert not c.is_workday(date(2026, 11, 28))
    assert c.is_workday(date(2026, 11, 29))


@pytest.mark.parametrize("start, end, expected", [
    (date(2026, 11, 23), date(2026, 11, 30), 5),    # Monday to next Monday: half-open, 5 days
    (date(2026, 11, 23), date(2026, 11, 23), 0),    # empty
    (date(2026, 11, 30), date(2026, 11, 23), 0),    # reversed: 0
    (date(2026, 11, 27), date(2026, 11, 30), 1),    # Friday counts, the weekend does not
    (date(2026, 9, 28), date(2026, 10, 12), 6),     # 9/28-30, 10/8, 10/9, 10/10 (make-up Saturday)
    (date(2025, 12, 29), date(2026, 1, 5), 4),      # across the year: 12/29-31 and Sunday 1/4 (make-up)
    (date(2024, 1, 1), date(2026, 1, 1), 251 + 248),  # chinese_calendar.get_workdays per year
])
def test_workdays_between_is_half_open(start, end, expected):
    assert CN.workdays_between(start, end) == expected


def test_workdays_between_matches_a_day_by_day_count():
    first = date(2025, 9, 1)
    every = [first + timedelta(days=i) for i in range((date(2027, 1, 1) - first).days)]
    working = [d for d in every if chinese_calendar.is_workday(d)]
    days = every[::3]
    for start in days[::9]:
        for end in days:
            expected = [d for d in working if start <= d < end]
            assert CN.workdays_between(start, end) == len(expected), (start, end)
            assert CN.workdays_in(start, end) == expected, (start, end)


def test_workdays_in():
    assert CN.workdays_in(date(2026, 10, 1), date(2026, 10, 12)) == [
        date(2026, 10, 8), date(2026, 10, 9), date(2026, 10, 10)]
    assert CN.workdays_in(date(2026, 10, 12), date(2026, 10, 1)) == []


@pytest.mark.parametrize("start, n, expected", [
    (date(2026, 11, 27), 1, date(2026, 11, 30)),    # Friday + 1 = Monday
    (date(2026, 11, 28), 0, date(2026, 11, 28)),    # 0 leaves the date alone
    (date(2026, 9, 30), 1, date(2026, 10, 8)),      # over the Golden Week
    (date(2026, 10, 9), 1, date(2026, 10, 10)),     # onto the make-up Saturday
    (date(2026, 10, 8), -1, date(2026, 9, 30)),     # backwards
    (date(2026, 12, 30), 3, date(2027, 1, 4)),      # into an uncovered year: weekends only
])
def test_add_workdays(start, n, expected):
    assert CN.add_workdays(start, n) == expected


def test_a_calendar_without_working_days_raises_instead_of_looping():
    c = cal(weekend=(1, 2, 3, 4, 5, 6, 7), chinese_holidays=False)
    with pytest.raises(ValueError, match="no working day"):
        c.add_workdays(date(2026, 1, 1), 1)


def test_uncovered_year_warns_and_falls_back_to_weekends():
    assert CN.coverage_warnings([date(2026, 5, 1), date(2027, 3, 1), date(2027, 4, 1), None]) == [
        Reason("calendar.uncovered", {"year": 2027})]
    assert CN.coverage_warnings([date(2004, 1, 1), date(2026, 12, 31)]) == []
    assert PLAIN.coverage_warnings([date(2027, 3, 1)]) == []     # nothing relied on the package
    assert CN.is_workday(date(2027, 1, 1))                       # no holiday data: a plain Friday
    assert not CN.is_workday(date(2027, 1, 2))
    c = cal(holidays=(date(2027, 1, 1),))
    assert not c.is_workday(date(2027, 1, 1))                    # configured lists still apply


def test_calendar_is_frozen_and_comparable():
    assert cal() == cal()
    with pytest.raises(AttributeError):
        CN.weekend = frozenset()  # type: ignore[misc]
