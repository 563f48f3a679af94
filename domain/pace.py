"""Pace: is a cadre on course for 10 diaries a month and 220 on-site days a year?

The formulas are the foundation issue's: behind when the count is below the whole part of
the target scaled by the share of the period elapsed (as-of day included).
"""

from __future__ import annotations

import calendar as _cal
from dataclasses import dataclass
from datetime import date

from domain.attendance import YEARLY_ABSENCE_LIMIT
from domain.ledger import (
    days_in_year,
    elapsed_posted_days,
    posted_days,
    required_for_year,
    required_onsite_days,
)

#: 《民情日记》每月10篇以上 (Art. 12).
DIARIES_PER_MONTH = 10


@dataclass(frozen=True)
class Pace:
    done: int
    expected: int
    target: int

    @property
    def behind(self) -> bool:
        return self.done < self.expected

    @property
    def shortfall(self) -> int:
        """How many more would bring the count back on pace today."""
        return max(0, self.expected - self.done)


def diary_pace(count_this_month: int, as_of: date) -> Pace:
    days_in_month = _cal.monthrange(as_of.year, as_of.month)[1]
    expected = DIARIES_PER_MONTH * as_of.day // days_in_month
    return Pace(count_this_month, expected, DIARIES_PER_MONTH)


def onsite_pace(
    onsite_this_year: int,
    as_of: date,
    postings: tuple[tuple[date, date | None], ...] | None = None,
) -> Pace:
    """The pace for the year's requirement, pro-rated to the days posted (all postings:
    a transfer changes nothing). ``expected`` is the requirement's share of the posted
    days elapsed (as-of day included), rounded as the requirement is, so that on the last
    posted day it equals the requirement (``target``) the annual sheet shows."""
    postings = postings or ((date(as_of.year, 1, 1), None),)
    return onsite_pace_of(
        onsite_this_year,
        elapsed_posted_days(as_of, postings),
        required_for_year(as_of.year, postings),
        days_in_year(as_of.year),
    )


def onsite_pace_of(done: int, elapsed: int, target: int, year_days: int) -> Pace:
    """``onsite_pace`` from its integers (the weekly sweep memoizes on them)."""
    return Pace(done, min(target, required_onsite_days(elapsed, year_days)), target)


@dataclass(frozen=True)
class YearOutlook:
    """The year as a whole, which decides a post and a grade: on-site days against the
    (pro-rated) 220 of Art. 11 and whether they can still be reached, and absent working
    days against the 90 that mean removal (Art. 29.1). A cadre is told this every week,
    not only this month's absences: by December the year is what matters."""

    onsite: Pace
    #: Working days absent this year up to yesterday (today is not over).
    absent: int
    #: Days still to come this year on which the cadre is posted and could be on site
    #: (today included unless today is already counted).
    days_left: int

    @property
    def best(self) -> int:
        """On-site days by the year's end if the cadre is on site every day left."""
        return self.onsite.done + self.days_left

    @property
    def reachable(self) -> bool:
        return self.best >= self.onsite.target

    @property
    def absences_left(self) -> int:
        """Absent working days still short of the yearly removal trigger."""
        return max(0, YEARLY_ABSENCE_LIMIT - self.absent)


def year_outlook(
    onsite: Pace,
    absent: int,
    today: date,
    postings: tuple[tuple[date, date | None], ...] | None,
    *,
    on_site_today: bool,
) -> YearOutlook:
    """``onsite`` (the year's pace as of ``today``) and the year's ``absent`` working days,
    with the posted days left (``days_left_in_year``)."""
    return YearOutlook(onsite, absent, days_left_in_year(today, postings, on_site_today))


def days_left_in_year(
    today: date, postings: tuple[tuple[date, date | None], ...] | None, on_site_today: bool
) -> int:
    """The year's posted days after today, and today itself if posted and not yet on
    site: the days on which the cadre could still add an on-site day."""
    postings = postings or ((date(today.year, 1, 1), None),)
    after_today = posted_days(today.year, postings) - elapsed_posted_days(today, postings)
    posted_today = any(s <= today and (e is None or e >= today) for s, e in postings)
    return after_today + (posted_today and not on_site_today)
