"""A cadre's standing against the regulation's figures, as of a day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from domain.attendance import Period, attendance
from domain.pace import Pace, diary_pace, onsite_pace
from services.calendar import load_calendar
from storage.tables import Person
from storage.unit_of_work import UnitOfWork


def onsite_days_in_year(uow: UnitOfWork, person: Person, today: date) -> int:
    return len(uow.checkins.onsite_days(person.id, date(today.year, 1, 1), today))


def leave_dates(uow: UnitOfWork, person: Person, period: Period) -> set[date]:
    days: set[date] = set()
    for request in uow.leaves.approved_between(person.id, period.first, period.last):
        span = period.clip(request.start, request.end)
        if span:
            days.update(span.days())
    return days


def leave_days_in_year(uow: UnitOfWork, person: Person, today: date) -> int:
    return len(leave_dates(uow, person, Period.year(today.year)))


@dataclass(frozen=True)
class Standing:
    onsite_year: Pace
    diaries_month: Pace
    absent_workdays_month: int
    leave_days_year: int
    pending_requests: int


def standing(uow: UnitOfWork, person: Person, today: date) -> Standing:
    """Figures for /status and the weekly push. Absences count up to yesterday: today is
    not over yet."""
    assignment = uow.assignments.current(person.id, today) or uow.assignments.latest(person.id)
    posted_from = assignment.start if assignment else None
    month = Period.month(today.year, today.month)
    onsite = uow.checkins.onsite_days(person.id, month.first, today)
    figures = attendance(
        month,
        onsite=onsite,
        leave=leave_dates(uow, person, month),
        calendar=load_calendar(uow),
        as_of=today - timedelta(days=1),
        posted_from=posted_from,
        posted_until=assignment.end if assignment else None,
    )
    diaries = uow.diaries.count_between(person.id, month.first, today)
    pending = sum(1 for r in uow.leaves.for_applicant(person.id) if r.status == "pending")
    return Standing(
        onsite_year=onsite_pace(onsite_days_in_year(uow, person, today), today, posted_from),
        diaries_month=diary_pace(diaries, today),
        absent_workdays_month=figures.absent_workdays,
        leave_days_year=leave_days_in_year(uow, person, today),
        pending_requests=pending,
    )
