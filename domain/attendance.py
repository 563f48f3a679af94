"""Attendance (Art. 11, 21, 29): on-site days, leave days, absences, removal, allowance."""

from __future__ import annotations

import calendar as _cal
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, timedelta

from domain.calendar import WorkdayCalendar

#: 驻村工作时间不少于220天 (Art. 11).
REQUIRED_ONSITE_DAYS_PER_YEAR = 220
#: 每人每天给予40元生活补助 (Art. 21).
ALLOWANCE_YUAN_PER_ONSITE_DAY = 40
#: 月缺勤达10个工作日以上 (Art. 29.1).
MONTHLY_ABSENCE_LIMIT = 10
#: 年累计缺勤达90天以上 (Art. 29.1).
YEARLY_ABSENCE_LIMIT = 90


@dataclass(frozen=True)
class Period:
    """A span of days the figures are computed over (both ends included)."""

    first: date
    last: date

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        return cls(date(year, month, 1), date(year, month, _cal.monthrange(year, month)[1]))

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(date(year, 1, 1), date(year, 12, 31))

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Period:
        first_month = 3 * (quarter - 1) + 1
        return cls(date(year, first_month, 1), cls.month(year, first_month + 2).last)

    def clip(self, first: date | None, last: date | None) -> Period | None:
        """The part of this period between ``first`` and ``last`` (None if empty)."""
        lo = max(self.first, first) if first else self.first
        hi = min(self.last, last) if last else self.last
        return Period(lo, hi) if lo <= hi else None

    def days(self) -> list[date]:
        return [self.first + timedelta(days=i) for i in range((self.last - self.first).days + 1)]


@dataclass(frozen=True)
class AttendanceFigures:
    """A span's figures, each a count of the day ledger's statuses (``domain.ledger``)."""

    onsite_days: int
    leave_days: int
    absent_workdays: int
    duty_days: int = 0
    #: Some counted day lies in a year without an official calendar (Mon-Fri stand-in).
    provisional: bool = False

    @property
    def allowance_yuan(self) -> int:
        return living_allowance(self.onsite_days)


def living_allowance(onsite_days: int) -> int:
    return ALLOWANCE_YUAN_PER_ONSITE_DAY * onsite_days


@dataclass(frozen=True)
class AllowanceRule:
    """Which days earn Art. 21's 40 yuan: every on-site day, and official duty days
    (公务: the district's training, its meetings, duty it called) only where the district
    decided so. The regulation pays for days 在村; a day at the district's own course is
    not absence (the ledger), but whether it is paid is the district's setting, default
    no (``CADREBOT_DUTY_DAYS_EARN_ALLOWANCE``)."""

    duty_days_earn: bool = False

    def paid_days(self, onsite_days: int, duty_days: int) -> int:
        return onsite_days + (duty_days if self.duty_days_earn else 0)

    def yuan(self, onsite_days: int, duty_days: int) -> int:
        return living_allowance(self.paid_days(onsite_days, duty_days))


#: The default: the 40 yuan for days in the village only.
ONSITE_DAYS_ONLY = AllowanceRule()


def attendance(
    period: Period,
    *,
    onsite: Collection[date],
    leave: Collection[date],
    calendar: WorkdayCalendar,
    as_of: date,
    posted_from: date | None = None,
    posted_until: date | None = None,
) -> AttendanceFigures:
    """Figures for one cadre over ``period``, counting only days they were posted and
    only up to ``as_of`` (a day that has not happened is not an absence).

    An on-site day is a calendar day with a verified check-in; a leave day is a day of
    approved leave that is not also on-site; an absent day is a *working* day (official
    calendar) with neither.
    """
    span = period.clip(posted_from, min(as_of, posted_until) if posted_until else as_of)
    if span is None:
        return AttendanceFigures(0, 0, 0)
    onsite_set = {d for d in onsite if span.first <= d <= span.last}
    leave_set = {d for d in leave if span.first <= d <= span.last} - onsite_set
    absent = sum(
        1
        for d in calendar.workdays(span.first, span.last)
        if d not in onsite_set and d not in leave_set
    )
    return AttendanceFigures(len(onsite_set), len(leave_set), absent)


def monthly_removal_triggered(absent_workdays_in_month: int) -> bool:
    return absent_workdays_in_month >= MONTHLY_ABSENCE_LIMIT


def yearly_removal_triggered(absent_days_in_year: int) -> bool:
    return absent_days_in_year >= YEARLY_ABSENCE_LIMIT
