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
from domain.ledger import TOWNSHIP_STATUSES, DayRecords, DayStatus, ledger
from domain.township_attendance import (
    ENTRY_STATUSES,
    GRID_MARKS,
    MAX_REASON_CHARS,
    checked_reason,
    correction_windows,
    entry_status,
    grid_windows,
    may_enter,
    previous_week,
)

SETTINGS = settings(max_examples=150, deadline=None)
CAL = WorkdayCalendar()
DAYS_2026 = st.dates(date(2026, 1, 1), date(2026, 12, 31))
WEEKS = st.dates(date(2026, 1, 5), date(2026, 12, 21)).map(
    lambda d: Period(
        d - timedelta(days=d.weekday()), d - timedelta(days=d.weekday()) + timedelta(6)
    )
)


@SETTINGS
@given(
    week=WEEKS,
    evidence=st.lists(st.sampled_from(["on_site", "duty", "leave"]), min_size=7, max_size=7),
    entries=st.lists(st.none() | st.sampled_from(ENTRY_STATUSES), min_size=7, max_size=7),
)
def test_a_township_entry_decides_its_day_whatever_else_is_known(
    week: Period, evidence: list[str], entries: list[DayStatus | None]
) -> None:
    """The grid shows the day ledger: an entry wins over check-ins, duty and leave; a
    day without one keeps what its evidence says."""
    days = week.days()
    records = DayRecords(
        ((week.first, None),),
        on_site={d for d, e in zip(days, evidence, strict=True) if e == "on_site"},
        duty={d for d, e in zip(days, evidence, strict=True) if e == "duty"},
        leave={d for d, e in zip(days, evidence, strict=True) if e == "leave"},
        township={d: s for d, s in zip(days, entries, strict=True) if s is not None},
    )
    for day, kind, entry in zip(ledger(week, records, CAL), evidence, entries, strict=True):
        assert day.status is (entry or DayStatus(kind))
        assert GRID_MARKS[day.status] in "oldran"


def test_every_ledger_status_has_its_own_grid_letter() -> None:
    assert set(GRID_MARKS) == set(DayStatus)
    assert len(set(GRID_MARKS.values())) == len(DayStatus)
    assert frozenset(ENTRY_STATUSES) == TOWNSHIP_STATUSES  # 到岗 / 缺勤 / 公务


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
    assert entry_status("duty") is DayStatus.DUTY
    with pytest.raises(DomainError) as err:
        entry_status("leave")  # leave is asked for and approved, never entered
    assert err.value.key == "township.bad_status"
