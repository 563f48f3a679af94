"""Pace: on course for 10 diaries a month (Art. 12) and 220 on-site days a year (Art. 11)?"""

from __future__ import annotations

from datetime import date, timedelta
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.pace import DIARIES_PER_MONTH, Pace, diary_pace, onsite_pace, year_outlook

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


def _rounded(days: int, year_days: int) -> int:
    """220 × days ÷ days in the year, to the nearest day (a half up), in exact fractions."""
    share = Fraction(220 * days, year_days)
    return int(share + Fraction(1, 2))


@SETTINGS
@given(st.integers(0, 366), DATES, st.none() | st.integers(-800, 400))
def test_onsite_pace_formula(onsite: int, as_of: date, start_offset: int | None) -> None:
    """Pro-rated (Art. 11 read for a partial year): the target is 220 × posted days of the
    year ÷ days in the year; the expectation is the same share of the posted days so far."""
    posted_from = None if start_offset is None else as_of + timedelta(days=start_offset)
    jan1 = date(as_of.year, 1, 1)
    dec31 = date(as_of.year, 12, 31)
    start = jan1 if posted_from is None or posted_from < jan1 else posted_from
    year_days = _days_in_year(as_of.year)
    posted = (dec31 - start).days + 1 if start <= dec31 else 0
    elapsed = (as_of - start).days + 1 if start <= as_of else 0
    target = _rounded(posted, year_days)
    expected = min(target, _rounded(elapsed, year_days))
    postings = None if posted_from is None else ((posted_from, None),)
    pace = onsite_pace(onsite, as_of, postings)
    assert pace == Pace(onsite, expected, target)
    assert pace.behind is (onsite < expected)
    assert pace.shortfall == max(0, expected - onsite)


@pytest.mark.parametrize(
    ("as_of", "posted_from", "expected", "target"),
    [
        (date(2026, 1, 1), None, 1, 220),  # 220/365 = 0.60
        (date(2026, 1, 2), None, 1, 220),  # 440/365 = 1.21
        (date(2024, 1, 2), None, 1, 220),  # 440/366
        (date(2026, 12, 30), None, 219, 220),  # 220*364/365 = 219.40
        (date(2026, 12, 31), None, 220, 220),
        (date(2024, 12, 31), None, 220, 220),
        (date(2026, 7, 1), None, 110, 220),  # Jan 1..Jul 1 = 182 days: 109.70
        # Posted on 1 July: 184 days of 365 owe 110.9 → 111, the annual sheet's figure too.
        (date(2026, 7, 1), date(2026, 7, 1), 1, 111),
        (date(2026, 12, 31), date(2026, 7, 1), 111, 111),
        (date(2026, 7, 1), date(2026, 7, 2), 0, 110),  # posting starts after as_of
        (date(2026, 7, 1), date(2027, 3, 1), 0, 0),  # posted next year: nothing owed now
        (date(2026, 12, 31), date(2025, 6, 1), 220, 220),  # posted last year: from Jan 1
    ],
)
def test_onsite_pace_examples(
    as_of: date, posted_from: date | None, expected: int, target: int
) -> None:
    postings = None if posted_from is None else ((posted_from, None),)
    pace = onsite_pace(0, as_of, postings)
    assert (pace.expected, pace.target) == (expected, target)
    if expected:
        assert onsite_pace(expected - 1, as_of, postings).behind
    assert not onsite_pace(expected, as_of, postings).behind


def test_a_transfer_keeps_the_whole_year() -> None:
    """Two postings back to back are one year of posting: nothing resets in July."""
    transfer = ((date(2025, 3, 1), date(2026, 6, 30)), (date(2026, 7, 1), None))
    assert onsite_pace(0, date(2026, 12, 31), transfer) == onsite_pace(0, date(2026, 12, 31))


def test_onsite_pace_posting_after_as_of_is_never_behind() -> None:
    pace = onsite_pace(0, date(2026, 3, 1), ((date(2026, 3, 2), None),))
    assert pace.expected == 0 and pace.target == 184  # 220 × 305 / 365 = 183.8
    assert not pace.behind
    assert pace.shortfall == 0


def test_onsite_shortfall() -> None:
    assert onsite_pace(100, date(2026, 12, 31)).shortfall == 120
    assert onsite_pace(230, date(2026, 12, 31)).shortfall == 0
    assert Pace(3, 5, 10).shortfall == 2
    assert Pace(7, 5, 10).shortfall == 0


@settings(max_examples=300, deadline=None)
@given(
    today=st.dates(date(2026, 1, 1), date(2028, 12, 31)),
    start_offset=st.integers(-400, 200),
    length=st.one_of(st.none(), st.integers(0, 500)),
    on_site_today=st.booleans(),
    absent=st.integers(0, 200),
)
def test_the_year_outlook_counts_the_posted_days_still_to_come(
    today: date, start_offset: int, length: int | None, on_site_today: bool, absent: int
) -> None:
    """The days left are the posted days after today, plus today when posted and not yet
    on site; the requirement is within reach exactly when being on site on each of them
    would reach it."""
    start = today + timedelta(days=start_offset)
    end = None if length is None else start + timedelta(days=length)
    postings = ((start, end),)
    done = 0 if start > today else min(150, (today - max(start, date(today.year, 1, 1))).days)
    pace = onsite_pace(done, today, postings)
    outlook = year_outlook(pace, absent, today, postings, on_site_today=on_site_today)
    year_end = date(today.year, 12, 31)
    later = [
        today + timedelta(days=i)
        for i in range(1, (year_end - today).days + 1)
        if start <= today + timedelta(days=i) and (end is None or today + timedelta(days=i) <= end)
    ]
    posted_today = start <= today and (end is None or today <= end)
    assert outlook.days_left == len(later) + (posted_today and not on_site_today)
    assert outlook.reachable is (done + outlook.days_left >= pace.target)
    assert outlook.absences_left == max(0, 90 - absent)


def test_25_days_before_new_year_220_is_out_of_reach_below_195() -> None:
    today = date(2026, 12, 7)  # 25 days left after today, and today
    for done, reachable in ((194, False), (195, True)):
        outlook = year_outlook(onsite_pace(done, today), 10, today, None, on_site_today=False)
        assert (outlook.days_left, outlook.best, outlook.reachable) == (25, done + 25, reachable)
