"""The township owns attendance (Art. 11): its entries, the days it may enter, the grid's
marks."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.attendance import Period
from domain.calendar import WorkdayCalendar
from domain.errors import DomainError
from domain.township_attendance import (
    MAX_REASON_CHARS,
    DayEvidence,
    DayMark,
    EntryStatus,
    checked_reason,
    correction_windows,
    day_mark,
    entry_status,
    grid_windows,
    may_enter,
    previous_week,
)

SETTINGS = settings(max_examples=150, deadline=None)
CAL = WorkdayCalendar()
DAYS_2026 = st.dates(date(2026, 1, 1), date(2026, 12, 31))
EVIDENCE = st.builds(
    DayEvidence,
    posted=st.booleans(),
    onsite=st.booleans(),
    leave=st.booleans(),
    duty=st.booleans(),
    entry=st.none() | st.sampled_from(list(EntryStatus)),
)


@SETTINGS
@given(day=DAYS_2026, evidence=EVIDENCE)
def test_the_townships_entry_overrides_every_other_evidence(
    day: date, evidence: DayEvidence
) -> None:
    mark = day_mark(day, evidence, CAL)
    if not evidence.posted:
        assert mark is DayMark.NOT_POSTED
    elif evidence.entry is not None:
        expected = {"on_site": "o", "absent": "a", "duty": "d"}[evidence.entry.value]
        assert mark.value == expected
    elif evidence.onsite:
        assert mark is DayMark.ON_SITE
    elif evidence.leave:
        assert mark is DayMark.LEAVE
    elif evidence.duty:
        assert mark is DayMark.DUTY
    else:
        assert mark is (DayMark.ABSENT if CAL.is_workday(day) else DayMark.REST)


@SETTINGS
@given(day=DAYS_2026)
def test_only_a_working_day_without_evidence_is_absent(day: date) -> None:
    bare = day_mark(day, DayEvidence(posted=True), CAL)
    assert (bare is DayMark.ABSENT) == CAL.is_workday(day)
    assert day_mark(day, DayEvidence(posted=True, leave=True), CAL) is DayMark.LEAVE


def test_the_official_calendar_decides_rest() -> None:
    national_day = date(2026, 10, 3)
    adjusted_saturday = date(2026, 10, 10)  # 调休: a working Saturday
    assert day_mark(national_day, DayEvidence(posted=True), CAL) is DayMark.REST
    assert day_mark(adjusted_saturday, DayEvidence(posted=True), CAL) is DayMark.ABSENT


@SETTINGS
@given(today=st.dates(date(2026, 1, 2), date(2027, 12, 31)), offset=st.integers(-3, 3))
def test_corrections_cover_the_reviewed_month_once_over_and_this_month_to_yesterday(
    today: date, offset: int
) -> None:
    index = today.year * 12 + today.month - 1 + offset
    reviewed = Period.month(index // 12, index % 12 + 1)
    windows = correction_windows(reviewed, today)
    for day in reviewed.days() + [today, today - timedelta(days=1)]:
        this_month_past = day.replace(day=1) == today.replace(day=1) and day < today
        allowed = (reviewed.last < today and reviewed.first <= day <= reviewed.last) or (
            this_month_past
        )
        assert may_enter(day, windows) == allowed, (day, reviewed, today)
    assert not may_enter(today, windows)  # today can still change


def test_correction_windows_by_example() -> None:
    november = Period.month(2026, 11)
    windows = correction_windows(november, date(2026, 12, 3))
    assert windows == (november, Period(date(2026, 12, 1), date(2026, 12, 2)))
    assert correction_windows(november, date(2026, 12, 1)) == (november,)
    assert correction_windows(Period.month(2026, 12), date(2026, 12, 1)) == ()


@SETTINGS
@given(today=DAYS_2026)
def test_the_previous_week_is_monday_to_sunday_before_this_one(today: date) -> None:
    week = previous_week(today)
    assert week.first.weekday() == 0 and week.last.weekday() == 6
    assert week.last < today <= week.last + timedelta(days=7)
    assert grid_windows(week, today) == (week,)


def test_a_grid_week_not_over_has_only_its_past_days() -> None:
    week = Period(date(2026, 11, 30), date(2026, 12, 6))
    assert grid_windows(week, date(2026, 12, 3)) == (Period(date(2026, 11, 30), date(2026, 12, 2)),)
    assert grid_windows(week, date(2026, 11, 30)) == ()


@SETTINGS
@given(text=st.text(min_size=1, max_size=2 * MAX_REASON_CHARS))
def test_a_reason_is_required_and_short(text: str) -> None:
    reason = text.strip()
    if not reason:
        with pytest.raises(DomainError) as err:
            checked_reason(text)
        assert err.value.key == "township.reason_required"
    elif len(reason) > MAX_REASON_CHARS:
        with pytest.raises(DomainError) as err:
            checked_reason(text)
        assert err.value.key == "township.reason_too_long"
        assert err.value.params == {
            "limit": MAX_REASON_CHARS,
            "length": len(reason),
            "text": reason,  # what was typed comes back, to shorten
        }
    else:
        assert checked_reason(text) == reason


def test_an_unknown_status_is_refused() -> None:
    assert entry_status("duty") is EntryStatus.DUTY
    with pytest.raises(DomainError) as err:
        entry_status("holiday")
    assert err.value.key == "township.bad_status"
