"""The official working-day calendar (with 调休 adjusted working weekends).

chinesecalendar carries the State Council's tables up to its last release; each year's
tables are published late in the year before, so operators import them
(``cadrebot calendar import``) and imported days override the package.

A year covered by neither never stops the bot (on 1 January every reminder would): its
working days are Monday to Friday, and every figure that depends on them is
*provisional* (``is_provisional``): shown as such, and no removal alert is raised on it
until the official table is imported.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from functools import lru_cache

import chinese_calendar


class DayKind(StrEnum):
    HOLIDAY = "holiday"
    WORKDAY = "workday"


@dataclass(frozen=True)
class WorkdayCalendar:
    """Working days: imported overrides first, then the chinesecalendar package, then
    (a year neither covers) the plain week, provisionally.

    ``covered_years`` are years whose full table was imported: for those, days without an
    override follow the plain week (Mon-Fri work) because the import lists every exception.
    """

    overrides: Mapping[date, DayKind] = field(default_factory=dict)
    covered_years: frozenset[int] = frozenset()

    def is_workday(self, day: date) -> bool:
        kind = self.overrides.get(day)
        if kind is not None:
            return kind is DayKind.WORKDAY
        if day.year in self.covered_years or not package_covers(day.year):
            return day.weekday() < 5
        return bool(chinese_calendar.is_workday(day))

    def is_official(self, year: int) -> bool:
        """Whether ``year``'s working days come from an official table (imported or the
        package's), not the Mon-Fri stand-in."""
        return year in self.covered_years or package_covers(year)

    def is_provisional(self, day: date) -> bool:
        """Whether ``day``'s working-day status is the Mon-Fri stand-in."""
        return not self.is_official(day.year)

    def provisional_years(self, first: date, last: date) -> tuple[int, ...]:
        """The years from ``first`` to ``last`` without an official table."""
        return tuple(y for y in range(first.year, last.year + 1) if not self.is_official(y))

    def workdays(self, first: date, last: date) -> Iterator[date]:
        day = first
        while day <= last:
            if self.is_workday(day):
                yield day
            day += timedelta(days=1)


@lru_cache(maxsize=256)
def package_covers(year: int) -> bool:
    """Whether the chinesecalendar package has the official table for ``year``."""
    try:
        chinese_calendar.is_workday(date(year, 1, 1))
    except NotImplementedError:
        return False
    return True


def calendar_from_overrides(overrides: Mapping[date, DayKind]) -> WorkdayCalendar:
    """Imported days over the package; a year the package lacks counts as covered once any
    of its days was imported (an import lists that year's holidays and 调休 workdays)."""
    years = {d.year for d in overrides}
    return WorkdayCalendar(dict(overrides), frozenset(y for y in years if not package_covers(y)))
