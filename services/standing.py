"""A cadre's standing against the regulation's figures, as of a day, from their day
ledger (``services.ledger``): every posting of the year counts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from domain.attendance import Period
from domain.pace import Pace, diary_pace, onsite_pace
from services.calendar import load_calendar
from services.ledger import leave_dates, person_counts, postings_of
from storage.tables import Person
from storage.unit_of_work import UnitOfWork


def onsite_days_in_year(uow: UnitOfWork, person: Person, today: date) -> int:
    return len(uow.checkins.onsite_days(person.id, date(today.year, 1, 1), today))


def leave_days_in_year(uow: UnitOfWork, person: Person, today: date) -> int:
    return len(leave_dates(uow, person.id, Period.year(today.year)))


@dataclass(frozen=True)
class Standing:
    onsite_year: Pace
    diaries_month: Pace
    absent_workdays_month: int
    leave_days_year: int
    pending_requests: int
    #: Some working day counted lies in a year without an official calendar.
    provisional: bool = False


def standing(uow: UnitOfWork, person: Person, today: date) -> Standing:
    """Figures for /status and the weekly push. Absences count up to yesterday: today is
    not over yet."""
    calendar = load_calendar(uow)
    month = Period.month(today.year, today.month)
    counts = person_counts(
        uow, person.id, month, as_of=today - timedelta(days=1), calendar=calendar
    )
    diaries = uow.diaries.count_between(person.id, month.first, today)
    pending = sum(1 for r in uow.leaves.for_applicant(person.id) if r.status == "pending")
    return Standing(
        onsite_year=onsite_pace(
            onsite_days_in_year(uow, person, today), today, postings_of(uow, person.id) or None
        ),
        diaries_month=diary_pace(diaries, today),
        absent_workdays_month=counts.absent,
        leave_days_year=leave_days_in_year(uow, person, today),
        pending_requests=pending,
        provisional=calendar.is_provisional(today),
    )
