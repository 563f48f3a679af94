"""When a unit starts owing its monthly meeting (Art. 15): a unit posting on the 1st owes
that month; posting later in the month, the next one; and never a month before."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from domain.unit_duties import meetings_counted_from, months_without_meeting


def test_the_first_month_owed() -> None:
    assert meetings_counted_from(date(2026, 10, 1)) == date(2026, 10, 1)
    assert meetings_counted_from(date(2026, 10, 20)) == date(2026, 11, 1)
    assert meetings_counted_from(date(2026, 12, 31)) == date(2027, 1, 1)


@given(st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)))
def test_the_first_month_owed_is_the_first_whole_month_posted(first: date) -> None:
    owed = meetings_counted_from(first)
    assert owed.day == 1 and owed >= first and owed - first < timedelta(days=31)
    # Nothing is missing before the first month owed has closed.
    last_day = (owed.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    assert months_without_meeting([], owed, last_day) == []
    assert months_without_meeting([], owed, last_day + timedelta(days=1)) == [
        f"{owed.year}-{owed.month:02d}"
    ]
