"""The day ledger of one cadre, read from storage: the records of ``domain.ledger`` (all
their postings, check-ins, approved leave) for a span of days.

The roster-wide sheets and sweeps count the same ledger set-based
(``services.figures.attendance_figures``); the tests hold the two equal day for day.
"""

from __future__ import annotations

from datetime import date

from domain.attendance import Period
from domain.calendar import WorkdayCalendar
from domain.ledger import DayCounts, DayRecords, LedgerDay, ledger
from storage.unit_of_work import UnitOfWork

Postings = tuple[tuple[date, date | None], ...]


def postings_of(uow: UnitOfWork, person_id: int) -> Postings:
    """Every posting of the person, (start, end) by start: figures follow the person."""
    rows = sorted(uow.assignments.for_person(person_id), key=lambda a: (a.start, a.id or 0))
    return tuple((a.start, a.end) for a in rows)


def leave_dates(uow: UnitOfWork, person_id: int, period: Period) -> set[date]:
    """Days of approved leave inside ``period``."""
    days: set[date] = set()
    for request in uow.leaves.approved_between(person_id, period.first, period.last):
        span = period.clip(request.start, request.end)
        if span:
            days.update(span.days())
    return days


def records(uow: UnitOfWork, person_id: int, period: Period) -> DayRecords:
    return DayRecords(
        postings_of(uow, person_id),
        on_site=uow.checkins.onsite_days(person_id, period.first, period.last),
        leave=leave_dates(uow, person_id, period),
    )


def person_ledger(
    uow: UnitOfWork, person_id: int, period: Period, calendar: WorkdayCalendar
) -> list[LedgerDay]:
    """Each day of ``period`` for the person, with its status and evidence."""
    return ledger(period, records(uow, person_id, period), calendar)


def person_counts(
    uow: UnitOfWork, person_id: int, period: Period, *, as_of: date, calendar: WorkdayCalendar
) -> DayCounts:
    """The ledger's counts over ``period`` up to ``as_of`` (a day that has not happened
    is not an absence)."""
    span = period.clip(None, as_of)
    if span is None:
        return DayCounts()
    return DayCounts.of(person_ledger(uow, person_id, span, calendar))
