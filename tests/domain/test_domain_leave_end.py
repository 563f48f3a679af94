"""销假 (ending an approved leave early): which days a cadre may be back on, and what is
left of the leave."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from domain.leave import leave_days
from domain.leave_end import BACK_WITHIN_DAYS, back_days, ended

SETTINGS = settings(max_examples=300, deadline=None)
BASE = date(2026, 11, 1)
offsets = st.integers(min_value=0, max_value=40)


@SETTINGS
@given(offsets, st.integers(min_value=1, max_value=30), offsets)
def test_the_day_back_is_today_or_tomorrow_inside_the_leave(
    start_at: int, length: int, today_at: int
) -> None:
    start = BASE + timedelta(days=start_at)
    end = start + timedelta(days=length - 1)
    today = BASE + timedelta(days=today_at)
    days = back_days(start, end, today)
    assert days == sorted(days)
    for day in days:
        assert today <= day <= today + timedelta(days=BACK_WITHIN_DAYS)
        assert start < day <= end
        left = ended(start, day)
        # at least the first day stays leave; every day from the day back on is released
        assert left.start == start and left.end == day - timedelta(days=1)
        assert 1 <= left.days < leave_days(start, end)
        released = leave_days(start, end) - left.days
        assert released == (end - day).days + 1
    # every day that qualifies is offered
    for n in range(BACK_WITHIN_DAYS + 1):
        day = today + timedelta(days=n)
        assert (day in days) == (start < day <= end)


def test_examples() -> None:
    monday, friday = date(2026, 11, 30), date(2026, 12, 4)
    assert back_days(monday, friday, date(2026, 12, 2)) == [date(2026, 12, 2), date(2026, 12, 3)]
    assert back_days(monday, friday, monday) == [date(2026, 12, 1)]  # the first day is taken
    assert back_days(monday, friday, friday) == [friday]  # back on the last day
    assert back_days(monday, friday, date(2026, 12, 5)) == []  # over: nothing to end
    assert back_days(monday, friday, date(2026, 11, 28)) == []  # not started: ask again
    assert back_days(monday, monday, monday) == []  # a one-day leave has nothing to release
