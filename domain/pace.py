"""Pace: is a cadre on course for 10 diaries a month and 220 on-site days a year?

The formulas are the foundation issue's: behind when the count is below the whole part of
the target scaled by the share of the period elapsed (as-of day included).
"""

from __future__ import annotations

import calendar as _cal
from dataclasses import dataclass
from datetime import date

from domain.attendance import REQUIRED_ONSITE_DAYS_PER_YEAR

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


def onsite_pace(onsite_this_year: int, as_of: date, posted_from: date | None = None) -> Pace:
    """``d`` counts days from the later of Jan 1 and the posting's start to ``as_of``."""
    jan1 = date(as_of.year, 1, 1)
    start = max(jan1, posted_from) if posted_from else jan1
    elapsed = max(0, (as_of - start).days + 1)
    days_in_year = 366 if _cal.isleap(as_of.year) else 365
    expected = REQUIRED_ONSITE_DAYS_PER_YEAR * elapsed // days_in_year
    return Pace(onsite_this_year, expected, REQUIRED_ONSITE_DAYS_PER_YEAR)
