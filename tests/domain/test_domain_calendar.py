"""The official working-day calendar: chinesecalendar for 2004-2026, imports over it."""

from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.calendar import DayKind, WorkdayCalendar, calendar_from_overrides, package_covers

SETTINGS = settings(max_examples=150, deadline=None)


def _adjusted_weekend_workdays(year: int) -> list[date]:
    """Saturdays/Sundays the package marks as working days (调休), scanned from the package."""
    return [
        d
        for d in chinese_calendar.get_workdays(
            date(year, 1, 1), date(year, 12, 31), include_weekends=True
        )
        if d.weekday() >= 5
    ]


@SETTINGS
@given(st.dates(min_value=date(2004, 1, 1), max_value=date(2026, 12, 31)))
def test_follows_the_package_2004_to_2026(day: date) -> None:
    assert WorkdayCalendar().is_workday(day) is chinese_calendar.is_workday(day)


def test_national_day_2026_is_a_holiday() -> None:
    cal = WorkdayCalendar()
    # 2026-10-01 (Thursday) to 2026-10-07 (Wednesday) are the National Day holidays.
    for d in range(1, 8):
        assert not cal.is_workday(date(2026, 10, d))
    assert cal.is_workday(date(2026, 10, 8))  # Thursday, back at work


def test_adjusted_saturday_is_a_workday() -> None:
    cal = WorkdayCalendar()
    found_2026 = _adjusted_weekend_workdays(2026)
    found_2025 = _adjusted_weekend_workdays(2025)
    # The scan found them (and the named ones below are among them).
    assert date(2026, 10, 10) in found_2026  # Saturday after National Day 2026
    assert date(2025, 10, 11) in found_2025  # Saturday after National Day 2025
    assert date(2026, 10, 10).weekday() == 5 and date(2025, 10, 11).weekday() == 5
    for d in found_2026 + found_2025:
        assert cal.is_workday(d), d
    assert not cal.is_workday(date(2026, 10, 11))  # the Sunday after is still rest
    assert not cal.is_workday(date(2026, 10, 17))  # an ordinary Saturday


def test_ordinary_weekdays_and_weekends() -> None:
    cal = WorkdayCalendar()
    assert cal.is_workday(date(2026, 3, 10))  # Tuesday
    assert not cal.is_workday(date(2026, 3, 14))  # Saturday


@SETTINGS
@given(st.dates(min_value=date(2027, 1, 1), max_value=date(2027, 12, 31)))
def test_2027_without_a_table_is_the_plain_week_provisionally(day: date) -> None:
    """A year without an official table never raises (on 1 January every reminder would
    stop): Monday to Friday work, and every such day says it is provisional."""
    cal = WorkdayCalendar()
    assert cal.is_workday(day) is (day.weekday() < 5)
    assert cal.is_provisional(day) and not cal.is_official(2027)


def test_years_outside_the_package_are_provisional() -> None:
    cal = WorkdayCalendar()
    for day in (date(2003, 12, 31), date(2027, 1, 1), date(2030, 6, 3)):
        assert cal.is_provisional(day)
    assert not cal.is_provisional(date(2026, 12, 31))
    assert cal.provisional_years(date(2026, 12, 30), date(2028, 1, 2)) == (2027, 2028)


def test_workdays_iterator_crosses_into_a_year_without_a_table() -> None:
    days = list(WorkdayCalendar().workdays(date(2026, 12, 30), date(2027, 1, 5)))
    # 2026-12-31 is a Thursday; 2027-01-01 (New Year, not yet official) a Friday.
    assert days == [
        date(2026, 12, 30),
        date(2026, 12, 31),
        date(2027, 1, 1),
        date(2027, 1, 4),
        date(2027, 1, 5),
    ]


def test_package_covers() -> None:
    assert package_covers(2004)
    assert package_covers(2026)
    assert not package_covers(2003)
    assert not package_covers(2027)


def test_overrides_win_over_the_package() -> None:
    cal = WorkdayCalendar({date(2026, 10, 1): DayKind.WORKDAY, date(2026, 10, 8): DayKind.HOLIDAY})
    assert cal.is_workday(date(2026, 10, 1))
    assert not cal.is_workday(date(2026, 10, 8))
    assert not cal.is_workday(date(2026, 10, 2))  # not overridden: the package
    assert cal.is_workday(date(2026, 10, 10))


def test_override_alone_answers_for_a_missing_year() -> None:
    cal = WorkdayCalendar({date(2027, 1, 1): DayKind.HOLIDAY})
    assert not cal.is_workday(date(2027, 1, 1))
    assert cal.is_workday(date(2027, 1, 4))  # no import of the whole year: the plain week
    assert cal.is_provisional(date(2027, 1, 4))


IMPORT_2027 = {
    date(2027, 1, 1): DayKind.HOLIDAY,  # Friday
    date(2027, 2, 7): DayKind.WORKDAY,  # Sunday made a workday
    date(2027, 2, 8): DayKind.HOLIDAY,  # Monday
}


def test_calendar_from_overrides_covers_a_missing_year() -> None:
    cal = calendar_from_overrides(IMPORT_2027)
    assert cal.covered_years == frozenset({2027})
    assert not cal.is_workday(date(2027, 1, 1))
    assert cal.is_workday(date(2027, 2, 7))
    assert not cal.is_workday(date(2027, 2, 8))
    assert cal.is_workday(date(2027, 1, 4))  # Monday
    assert not cal.is_workday(date(2027, 1, 2))  # Saturday
    assert not cal.is_provisional(date(2027, 1, 4))  # imported: official
    assert cal.is_provisional(date(2028, 1, 3))


@SETTINGS
@given(st.dates(min_value=date(2027, 1, 1), max_value=date(2027, 12, 31)))
def test_rest_of_imported_year_follows_the_week(day: date) -> None:
    cal = calendar_from_overrides(IMPORT_2027)
    if day in IMPORT_2027:
        assert cal.is_workday(day) is (IMPORT_2027[day] is DayKind.WORKDAY)
    else:
        assert cal.is_workday(day) is (day.weekday() < 5)


def test_calendar_from_overrides_keeps_the_package_for_its_years() -> None:
    cal = calendar_from_overrides({date(2026, 10, 8): DayKind.HOLIDAY})
    assert cal.covered_years == frozenset()
    assert not cal.is_workday(date(2026, 10, 8))
    assert cal.is_workday(date(2026, 10, 10))  # 调休 Saturday still from the package
    assert not cal.is_workday(date(2026, 10, 2))


def test_workdays_of_october_2026() -> None:
    got = list(WorkdayCalendar().workdays(date(2026, 10, 1), date(2026, 10, 31)))
    # Weekdays 1,2,5-9,12-16,19-23,26-30 = 22; minus holidays 1,2,5,6,7 = 17; plus Sat 10.
    expected = [date(2026, 10, d) for d in (8, 9, 10, *range(12, 17), *range(19, 24))]
    expected += [date(2026, 10, d) for d in range(26, 31)]
    assert got == expected
    assert len(got) == 18


@SETTINGS
@given(
    st.dates(min_value=date(2025, 1, 1), max_value=date(2026, 11, 20)),
    st.integers(0, 40),
)
def test_workdays_iterator_matches_is_workday(first: date, length: int) -> None:
    cal = WorkdayCalendar()
    last = first + timedelta(days=length)
    expected = [
        first + timedelta(days=i)
        for i in range(length + 1)
        if chinese_calendar.is_workday(first + timedelta(days=i))
    ]
    assert list(cal.workdays(first, last)) == expected
