"""The day ledger (Art. 11, 13, 21, 29): what each calendar day of a cadre was.

Every figure the regulation asks for (on-site days, leave, absences, the allowance, the
removal triggers, pace, the requirement of 220 days) is a count over these statuses, so
it is decided here once, from the evidence of the day, and counted everywhere else:

- ``not_posted``: the person held no posting that day (before, between or after them);
- a township entry (日常考勤由镇(办)党委负责: the township may correct a day) decides the day
  whatever else is known;
- ``on_site``: a verified check-in in the village (a location inside the geofence, an
  approved 补卡, imported history);
- ``duty`` (公务): the district's training, a meeting, other duty called by the district
  or township — neither on site nor absent;
- ``leave``: approved leave, or retroactive leave (补假) still being decided;
- ``rest``: a non-working day (official calendar, 调休 included) with none of the above;
- ``absent``: a working day with none of the above.

A day of a year without an official calendar is judged on the Mon-Fri stand-in and marked
``provisional``.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from domain.attendance import REQUIRED_ONSITE_DAYS_PER_YEAR, Period
from domain.calendar import WorkdayCalendar


class DayStatus(StrEnum):
    ON_SITE = "on_site"
    LEAVE = "leave"
    DUTY = "duty"
    REST = "rest"
    ABSENT = "absent"
    NOT_POSTED = "not_posted"


#: What a township entry may set a day to (到岗 / 缺勤 / 公务).
TOWNSHIP_STATUSES = frozenset({DayStatus.ON_SITE, DayStatus.ABSENT, DayStatus.DUTY})


class Evidence(StrEnum):
    """Why a day has its status (the ``evidence`` column of ``cadrebot export days``)."""

    CHECKIN = "checkin"  # check-in, approved 补卡 or imported history (the on-site rollup)
    TOWNSHIP = "township"
    DUTY = "duty"
    LEAVE = "leave"
    LEAVE_PENDING = "leave_pending"  # 补假 not yet decided
    CALENDAR = "calendar"  # nothing recorded: the working-day calendar decides
    POSTING = "posting"  # not posted


def day_status(
    *,
    posted: bool,
    workday: bool,
    on_site: bool = False,
    duty: bool = False,
    leave: bool = False,
    township: DayStatus | None = None,
) -> DayStatus:
    """The status of one day from what is known of it (see the module's order)."""
    if not posted:
        return DayStatus.NOT_POSTED
    if township is not None:
        return township
    if on_site:
        return DayStatus.ON_SITE
    if duty:
        return DayStatus.DUTY
    if leave:
        return DayStatus.LEAVE
    return DayStatus.ABSENT if workday else DayStatus.REST


@dataclass(frozen=True)
class LedgerDay:
    day: date
    status: DayStatus
    evidence: Evidence
    workday: bool
    provisional: bool  # judged on the Mon-Fri stand-in (no official calendar yet)


@dataclass(frozen=True)
class DayRecords:
    """What is recorded of one cadre over a span of days, for ``ledger``."""

    postings: tuple[tuple[date, date | None], ...]
    on_site: Collection[date] = frozenset()
    duty: Collection[date] = frozenset()
    leave: Collection[date] = frozenset()
    leave_pending: Collection[date] = frozenset()
    township: Mapping[date, DayStatus] | None = None

    def posted(self, day: date) -> bool:
        return any(start <= day and (end is None or day <= end) for start, end in self.postings)


def ledger(period: Period, records: DayRecords, calendar: WorkdayCalendar) -> list[LedgerDay]:
    """Each day of ``period`` with its status and the evidence that decided it."""
    township = records.township or {}
    days = []
    for day in period.days():
        workday = calendar.is_workday(day)
        posted = records.posted(day)
        leave = day in records.leave or day in records.leave_pending
        status = day_status(
            posted=posted,
            workday=workday,
            on_site=day in records.on_site,
            duty=day in records.duty,
            leave=leave,
            township=township.get(day),
        )
        days.append(
            LedgerDay(
                day, status, _evidence(status, day, records), workday, calendar.is_provisional(day)
            )
        )
    return days


def _evidence(status: DayStatus, day: date, records: DayRecords) -> Evidence:
    if status is DayStatus.NOT_POSTED:
        return Evidence.POSTING
    if records.township and day in records.township:
        return Evidence.TOWNSHIP
    if status is DayStatus.ON_SITE:
        return Evidence.CHECKIN
    if status is DayStatus.DUTY:
        return Evidence.DUTY
    if status is DayStatus.LEAVE:
        return Evidence.LEAVE if day in records.leave else Evidence.LEAVE_PENDING
    return Evidence.CALENDAR


@dataclass(frozen=True)
class DayCounts:
    """The ledger's days counted by status (``absent`` are working days by definition)."""

    on_site: int = 0
    leave: int = 0
    duty: int = 0
    rest: int = 0
    absent: int = 0
    posted: int = 0
    provisional: bool = False

    @classmethod
    def of(cls, days: Iterable[LedgerDay]) -> DayCounts:
        counts = dict.fromkeys(DayStatus, 0)
        provisional = False
        for d in days:
            counts[d.status] += 1
            provisional = provisional or (d.provisional and d.status is not DayStatus.NOT_POSTED)
        return cls(
            on_site=counts[DayStatus.ON_SITE],
            leave=counts[DayStatus.LEAVE],
            duty=counts[DayStatus.DUTY],
            rest=counts[DayStatus.REST],
            absent=counts[DayStatus.ABSENT],
            posted=sum(counts.values()) - counts[DayStatus.NOT_POSTED],
            provisional=provisional,
        )


def posted_days(year: int, postings: Iterable[tuple[date, date | None]]) -> int:
    """Calendar days of ``year`` the person is posted (an open posting: to December 31);
    overlapping postings count their days once. Interval arithmetic, not sets of days:
    the weekly sweep asks this of 100,000 cadres."""
    whole = Period.year(year)
    spans = sorted(
        (s for s in (whole.clip(a, b) for a, b in postings) if s is not None),
        key=lambda s: s.first,
    )
    total, reached = 0, whole.first - timedelta(days=1)
    for span in spans:
        if span.last > reached:
            total += (span.last - max(span.first, reached + timedelta(days=1))).days + 1
            reached = span.last
    return total


def required_onsite_days(posted: int, days_in_year: int) -> int:
    """220 × posted days ÷ days in the year, rounded to the nearest day (a half up): a
    cadre posted for part of a year owes that share of the 220 days, the same figure in
    /status, the weekly standing and the annual sheet."""
    if posted >= days_in_year:
        return REQUIRED_ONSITE_DAYS_PER_YEAR
    return (2 * REQUIRED_ONSITE_DAYS_PER_YEAR * posted + days_in_year) // (2 * days_in_year)


def days_in_year(year: int) -> int:
    return (date(year + 1, 1, 1) - date(year, 1, 1)).days


def required_for_year(year: int, postings: Iterable[tuple[date, date | None]]) -> int:
    return required_onsite_days(posted_days(year, postings), days_in_year(year))


def elapsed_posted_days(today: date, postings: Iterable[tuple[date, date | None]]) -> int:
    """Days of this year so far (today included) on which the person was posted."""
    return posted_days(
        today.year, [(s, min(e, today) if e else today) for s, e in postings if s <= today]
    )
