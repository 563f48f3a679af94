"""Pace: on course for 10 diaries a month (Art. 12) and 220 on-site days a year (Art. 11)?"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.pace import DIARIES_PER_MONTH, Pace, diary_pace, onsite_pace

SETTINGS = settings(max_examples=200, deadline=None)
DATES = st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31))


def _days_in_month(d: date) -> int:
    first = d.replace(day=1)
    nxt = date(first.year + (first.month == 12), first.month % 12 + 1, 1)
    return (nxt - first).days


def _days_in_year(year: int) -> int:
    return (date(year + 1, 1, 1) - date(year, 1, 1)).days


# --------------------------------------------------------------------------- diaries


def test_diary_target() -> None:
    assert DIARIES_PER_MONTH == 10


@SETTINGS
@given(st.integers(0, 20), DATES)
def test_diary_pace_formula(count: int, as_of: date) -> None:
    expected = (10 * as_of.day) // _days_in_month(as_of)
    pace = diary_pace(count, as_of)
    assert pace == Pace(count, expected, 10)
    assert pace.behind is (count < expected)
    assert pace.shortfall == max(0, expected - count)


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        (date(2024, 2, 1), 0),  # leap Feb, 10*1//29
        (date(2024, 2, 2), 0),  # 20//29
        (date(2024, 2, 3), 1),  # 30//29
        (date(2024, 2, 14), 4),  # 140//29
        (date(2024, 2, 28), 9),  # 280//29
        (date(2024, 2, 29), 10),
        (date(2023, 2, 1), 0),  # non-leap Feb, 10//28
        (date(2023, 2, 3), 1),  # 30//28
        (date(2023, 2, 14), 5),  # 140//28
        (date(2023, 2, 28), 10),
        (date(2026, 1, 1), 0),  # 31-day month
        (date(2026, 1, 4), 1),  # 40//31
        (date(2026, 1, 30), 9),  # 300//31
        (date(2026, 1, 31), 10),
        (date(2026, 4, 3), 1),  # 30-day month: 30//30
        (date(2026, 4, 30), 10),
    ],
)
def test_diary_pace_boundaries(as_of: date, expected: int) -> None:
    assert diary_pace(0, as_of).expected == expected
    if expected:
        assert diary_pace(expected - 1, as_of).behind
        assert diary_pace(expected - 1, as_of).shortfall == 1
    assert not diary_pace(expected, as_of).behind
    assert diary_pace(expected, as_of).shortfall == 0


def test_diary_pace_first_day_never_behind() -> None:
    for month in range(1, 13):
        assert not diary_pace(0, date(2026, month, 1)).behind


def test_diary_pace_last_day_needs_ten() -> None:
    for as_of in (date(2024, 2, 29), date(2023, 2, 28), date(2026, 4, 30), date(2026, 12, 31)):
        assert diary_pace(9, as_of).behind
        assert not diary_pace(10, as_of).behind
        assert not diary_pace(15, as_of).behind


# --------------------------------------------------------------------------- on-site days


@SETTINGS
@given(st.integers(0, 366), DATES, st.none() | st.integers(-800, 400))
def test_onsite_pace_formula(onsite: int, as_of: date, start_offset: int | None) -> None:
    posted_from = None if start_offset is None else as_of + timedelta(days=start_offset)
    jan1 = date(as_of.year, 1, 1)
    start = jan1 if posted_from is None or posted_from < jan1 else posted_from
    d = (as_of - start).days + 1 if start <= as_of else 0
    expected = 220 * d // _days_in_year(as_of.year)
    pace = onsite_pace(onsite, as_of, posted_from)
    assert pace == Pace(onsite, expected, 220)
    assert pace.behind is (onsite < expected)
    assert pace.shortfall == max(0, expected - onsite)


@pytest.mark.parametrize(
    ("as_of", "posted_from", "expected"),
    [
        (date(2026, 1, 1), None, 0),  # 220//365
        (date(2026, 1, 2), None, 1),  # 440//365
        (date(2024, 1, 2), None, 1),  # 440//366
        (date(2026, 12, 30), None, 219),  # 220*364//365 = 219.39
        (date(2026, 12, 31), None, 220),
        (date(2024, 12, 30), None, 219),  # 220*365//366 = 219.39
        (date(2024, 12, 31), None, 220),
        (date(2026, 7, 1), None, 109),  # Jan 1..Jul 1 = 182 days: 40040//365 = 109
        (date(2026, 7, 1), date(2026, 7, 1), 0),  # first day of posting: 220//365
        (date(2026, 7, 2), date(2026, 7, 1), 1),  # 440//365
        (date(2026, 7, 1), date(2026, 7, 2), 0),  # posting starts after as_of
        (date(2026, 7, 1), date(2027, 3, 1), 0),
        (date(2026, 12, 31), date(2025, 6, 1), 220),  # posted last year: from Jan 1
    ],
)
def test_onsite_pace_examples(as_of: date, posted_from: date | None, expected: int) -> None:
    pace = onsite_pace(0, as_of, posted_from)
    assert pace.expected == expected
    assert pace.target == 220
    if expected:
        assert onsite_pace(expected - 1, as_of, posted_from).behind
    assert not onsite_pace(expected, as_of, posted_from).behind


def test_onsite_pace_posting_after_as_of_is_never_behind() -> None:
    pace = onsite_pace(0, date(2026, 3, 1), date(2026, 3, 2))
    assert pace == Pace(0, 0, 220)
    assert not pace.behind
    assert pace.shortfall == 0


def test_onsite_shortfall() -> None:
    assert onsite_pace(100, date(2026, 12, 31)).shortfall == 120
    assert onsite_pace(230, date(2026, 12, 31)).shortfall == 0
    assert Pace(3, 5, 10).shortfall == 2
    assert Pace(7, 5, 10).shortfall == 0
