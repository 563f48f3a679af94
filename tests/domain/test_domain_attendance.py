"""Attendance (Art. 11, 21, 29): on-site, leave and absent days; removal; allowance."""

from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.attendance import (
    ALLOWANCE_YUAN_PER_ONSITE_DAY,
    MONTHLY_ABSENCE_LIMIT,
    ONSITE_DAYS_ONLY,
    REQUIRED_ONSITE_DAYS_PER_YEAR,
    YEARLY_ABSENCE_LIMIT,
    AllowanceRule,
    AttendanceFigures,
    Period,
    attendance,
    living_allowance,
    monthly_removal_triggered,
    yearly_removal_triggered,
)
from domain.calendar import DayKind, WorkdayCalendar, calendar_from_overrides

SETTINGS = settings(max_examples=120, deadline=None)
CAL = WorkdayCalendar()


def oct26(*days: int) -> set[date]:
    return {date(2026, 10, d) for d in days}


# --------------------------------------------------------------------------- constants


def test_regulation_numbers() -> None:
    assert REQUIRED_ONSITE_DAYS_PER_YEAR == 220
    assert ALLOWANCE_YUAN_PER_ONSITE_DAY == 40
    assert MONTHLY_ABSENCE_LIMIT == 10
    assert YEARLY_ABSENCE_LIMIT == 90


# --------------------------------------------------------------------------- periods


def test_period_month_and_year() -> None:
    assert Period.month(2024, 2) == Period(date(2024, 2, 1), date(2024, 2, 29))
    assert Period.month(2023, 2) == Period(date(2023, 2, 1), date(2023, 2, 28))
    assert Period.month(2026, 12) == Period(date(2026, 12, 1), date(2026, 12, 31))
    assert len(Period.year(2024).days()) == 366
    assert len(Period.year(2026).days()) == 365
    assert Period.quarter(2026, 1) == Period(date(2026, 1, 1), date(2026, 3, 31))
    assert Period.quarter(2026, 4) == Period(date(2026, 10, 1), date(2026, 12, 31))


def test_period_clip() -> None:
    p = Period.month(2026, 10)
    assert p.clip(None, None) == p
    assert p.clip(date(2026, 10, 5), date(2026, 10, 9)) == Period(
        date(2026, 10, 5), date(2026, 10, 9)
    )
    assert p.clip(date(2026, 9, 1), date(2026, 11, 30)) == p
    assert p.clip(date(2026, 10, 31), None) == Period(date(2026, 10, 31), date(2026, 10, 31))
    assert p.clip(date(2026, 11, 1), None) is None
    assert p.clip(None, date(2026, 9, 30)) is None


# --------------------------------------------------------------------------- hand example

# October 2026 from chinesecalendar 1.11.0:
#   holidays (National Day) Thu 1 .. Wed 7; adjusted workday (调休) Sat 10; Sun 11 is rest.
#   Mon-Fri weekdays: 1,2, 5-9, 12-16, 19-23, 26-30 = 22; minus holidays 1,2,5,6,7 -> 17;
#   plus Sat 10 -> 18 working days: 8, 9, 10, 12-16, 19-23, 26-30.
# The cadre is on site on 1 (a holiday: still an on-site day), 8, 9 and 10, and on approved
# leave on 10 (also on site: counts as on-site only) and 12-16.
ONSITE = oct26(1, 8, 9, 10)
LEAVE = oct26(10, 12, 13, 14, 15, 16)


def test_october_2026_by_hand_whole_month() -> None:
    fig = attendance(
        Period.month(2026, 10), onsite=ONSITE, leave=LEAVE, calendar=CAL, as_of=date(2026, 10, 31)
    )
    # on-site 1, 8, 9, 10 = 4; leave 12-16 = 5 (10 is on-site);
    # absent = 18 working days - 3 on-site working days (8, 9, 10) - 5 leave = 10.
    assert fig == AttendanceFigures(onsite_days=4, leave_days=5, absent_workdays=10)
    assert fig.allowance_yuan == 160
    assert monthly_removal_triggered(fig.absent_workdays)


def test_october_2026_by_hand_as_of_thursday_29() -> None:
    p = Period.month(2026, 10)
    fig = attendance(p, onsite=ONSITE, leave=LEAVE, calendar=CAL, as_of=date(2026, 10, 29))
    # The as-of day counts; Fri 30 has not happened yet: 17 working days so far, absent 9,
    # so no trigger yet.
    assert fig == AttendanceFigures(4, 5, 9)
    assert not monthly_removal_triggered(fig.absent_workdays)
    # As of Fri 30 (and Sat 31, not a working day) the count reaches 10.
    for last in (30, 31):
        fig = attendance(p, onsite=ONSITE, leave=LEAVE, calendar=CAL, as_of=date(2026, 10, last))
        assert fig.absent_workdays == 10


def test_october_2026_by_hand_during_holidays() -> None:
    fig = attendance(
        Period.month(2026, 10), onsite=ONSITE, leave=LEAVE, calendar=CAL, as_of=date(2026, 10, 7)
    )
    # 1-7 are all holidays or the weekend: nothing is an absence yet.
    assert fig == AttendanceFigures(1, 0, 0)


def test_october_2026_by_hand_partial_posting() -> None:
    fig = attendance(
        Period.month(2026, 10),
        onsite=ONSITE,
        leave=LEAVE,
        calendar=CAL,
        as_of=date(2026, 10, 31),
        posted_from=date(2026, 10, 13),
        posted_until=date(2026, 10, 27),
    )
    # Posted 13-27: on-site none; leave 13-16 = 4;
    # working days 13-16 (4), 19-23 (5), 26-27 (2) = 11; absent 11 - 4 = 7.
    assert fig == AttendanceFigures(0, 4, 7)


def test_adjusted_saturday_without_check_in_is_an_absence() -> None:
    fig = attendance(
        Period(date(2026, 10, 10), date(2026, 10, 11)),
        onsite=set(),
        leave=set(),
        calendar=CAL,
        as_of=date(2026, 10, 31),
    )
    assert fig == AttendanceFigures(0, 0, 1)  # Sat 10 (调休) yes, Sun 11 no


def test_imported_calendar_is_used() -> None:
    cal = calendar_from_overrides({date(2027, 1, 1): DayKind.HOLIDAY})
    fig = attendance(
        Period.month(2027, 1), onsite=set(), leave=set(), calendar=cal, as_of=date(2027, 1, 31)
    )
    # January 2027: 21 weekdays, Fri 1 is a holiday -> 20 working days.
    assert fig == AttendanceFigures(0, 0, 20)


def test_nothing_counts_before_the_posting_or_after_as_of() -> None:
    p = Period.month(2026, 10)
    assert attendance(p, onsite=ONSITE, leave=LEAVE, calendar=CAL, as_of=date(2026, 9, 30)) == (
        AttendanceFigures(0, 0, 0)
    )
    fig = attendance(
        p,
        onsite=ONSITE,
        leave=LEAVE,
        calendar=CAL,
        as_of=date(2026, 10, 31),
        posted_from=date(2026, 11, 1),
    )
    assert fig == AttendanceFigures(0, 0, 0)
    fig = attendance(
        p,
        onsite=ONSITE,
        leave=LEAVE,
        calendar=CAL,
        as_of=date(2026, 10, 31),
        posted_until=date(2026, 9, 30),
    )
    assert fig == AttendanceFigures(0, 0, 0)


# --------------------------------------------------------------------------- properties


@st.composite
def cases(draw):
    year = draw(st.integers(2024, 2026))
    month = draw(st.integers(1, 12))
    period = Period.month(year, month)
    near = st.dates(
        min_value=period.first - timedelta(days=5), max_value=period.last + timedelta(days=5)
    )
    onsite = draw(st.sets(near, max_size=35))
    leave = draw(st.sets(near, max_size=35))
    as_of = draw(near)
    posted_from = draw(st.none() | near)
    posted_until = draw(st.none() | near)
    return period, onsite, leave, as_of, posted_from, posted_until


def _counted(period: Period, as_of: date, posted_from, posted_until) -> list[date]:
    days = []
    d = period.first
    while d <= period.last:
        if (
            d <= as_of
            and (posted_from is None or d >= posted_from)
            and (posted_until is None or d <= posted_until)
        ):
            days.append(d)
        d += timedelta(days=1)
    return days


@SETTINGS
@given(cases())
def test_attendance_properties(case) -> None:
    period, onsite, leave, as_of, pf, pu = case
    fig = attendance(
        period,
        onsite=onsite,
        leave=leave,
        calendar=CAL,
        as_of=as_of,
        posted_from=pf,
        posted_until=pu,
    )
    counted = _counted(period, as_of, pf, pu)
    assert fig.onsite_days + fig.leave_days + fig.absent_workdays <= len(counted)
    assert len(counted) <= len(period.days())
    assert fig.onsite_days == sum(1 for d in counted if d in onsite)
    assert fig.leave_days == sum(1 for d in counted if d in leave and d not in onsite)
    assert fig.absent_workdays == sum(
        1 for d in counted if chinese_calendar.is_workday(d) and d not in onsite and d not in leave
    )
    assert fig.allowance_yuan == 40 * fig.onsite_days


@SETTINGS
@given(cases())
def test_a_day_both_onsite_and_leave_is_onsite_only(case) -> None:
    period, onsite, leave, as_of, pf, pu = case
    kw = dict(calendar=CAL, as_of=as_of, posted_from=pf, posted_until=pu)
    base = attendance(period, onsite=onsite, leave=leave - onsite, **kw)
    assert attendance(period, onsite=onsite, leave=leave | onsite, **kw) == base


@SETTINGS
@given(cases(), st.sets(st.integers(1, 60), max_size=10), st.sets(st.integers(1, 60), max_size=10))
def test_days_after_as_of_do_not_count(case, later_onsite, later_leave) -> None:
    period, onsite, leave, as_of, pf, pu = case
    kw = dict(calendar=CAL, as_of=as_of, posted_from=pf, posted_until=pu)
    more_onsite = onsite | {as_of + timedelta(days=n) for n in later_onsite}
    more_leave = leave | {as_of + timedelta(days=n) for n in later_leave}
    assert attendance(period, onsite=more_onsite, leave=more_leave, **kw) == attendance(
        period, onsite=onsite, leave=leave, **kw
    )


@SETTINGS
@given(cases())
def test_non_working_days_are_never_absences(case) -> None:
    period, onsite, leave, as_of, pf, pu = case
    kw = dict(calendar=CAL, as_of=as_of, posted_from=pf, posted_until=pu)
    rest_days = {d for d in period.days() if not chinese_calendar.is_workday(d)}
    # Leave taken on rest days changes the leave count only, never the absences.
    a = attendance(period, onsite=onsite, leave=leave - rest_days, **kw)
    b = attendance(period, onsite=onsite, leave=leave | rest_days, **kw)
    assert a.absent_workdays == b.absent_workdays
    assert a.onsite_days == b.onsite_days


# --------------------------------------------------------------------------- triggers


@pytest.mark.parametrize(("absent", "triggered"), [(0, False), (9, False), (10, True), (23, True)])
def test_monthly_removal_trigger(absent: int, triggered: bool) -> None:
    assert monthly_removal_triggered(absent) is triggered


@pytest.mark.parametrize(
    ("absent", "triggered"), [(0, False), (89, False), (90, True), (200, True)]
)
def test_yearly_removal_trigger(absent: int, triggered: bool) -> None:
    assert yearly_removal_triggered(absent) is triggered


@SETTINGS
@given(st.integers(0, 400))
def test_removal_triggers_property(n: int) -> None:
    assert monthly_removal_triggered(n) is (n >= 10)
    assert yearly_removal_triggered(n) is (n >= 90)


@SETTINGS
@given(st.integers(0, 366))
def test_allowance_is_40_per_onsite_day(n: int) -> None:
    assert living_allowance(n) == 40 * n
    assert AttendanceFigures(n, 3, 2).allowance_yuan == 40 * n


@SETTINGS
@given(st.integers(0, 366), st.integers(0, 60))
def test_duty_days_earn_the_allowance_only_where_the_district_says(onsite: int, duty: int) -> None:
    assert ONSITE_DAYS_ONLY.yuan(onsite, duty) == living_allowance(onsite)
    assert AllowanceRule(duty_days_earn=True).yuan(onsite, duty) == 40 * (onsite + duty)
    assert AllowanceRule(duty_days_earn=True).paid_days(onsite, duty) == onsite + duty


def test_allowance_examples() -> None:
    assert living_allowance(0) == 0
    assert living_allowance(1) == 40
    assert living_allowance(220) == 8800
