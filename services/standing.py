"""A cadre's standing against the regulation's figures, as of a day, from their day
ledger (``services.ledger``): every posting of the year counts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from domain.attendance import Period
from domain.pace import Pace, YearOutlook, diary_pace, onsite_pace, year_outlook
from services.calendar import load_calendar
from services.ledger import leave_dates, person_counts, postings_of
from storage.ids import id_of
from storage.tables import Person
from storage.unit_of_work import UnitOfWork


def onsite_days_in_year(uow: UnitOfWork, person: Person, today: date) -> int:
    """The ledger's on-site days of the year so far, today included: check-ins, approved
    claims and the township's entries alike (the figure every sheet shows)."""
    calendar = load_calendar(uow)
    return person_counts(
        uow, id_of(person), Period.year(today.year), as_of=today, calendar=calendar
    ).on_site


def leave_days_in_year(uow: UnitOfWork, person: Person, today: date) -> int:
    return len(leave_dates(uow, id_of(person), Period.year(today.year)))


@dataclass(frozen=True)
class Standing:
    onsite_year: Pace
    diaries_month: Pace
    absent_workdays_month: int
    leave_days_year: int
    pending_requests: int
    #: The year as a whole: on-site days against the requirement, absences against 90.
    year: YearOutlook | None = None
    #: Some working day counted lies in a year without an official calendar.
    provisional: bool = False


def standing(uow: UnitOfWork, person: Person, today: date) -> Standing:
    """Figures for /status and the weekly push. Absences count up to yesterday: today is
    not over yet."""
    assert person.id is not None, "the person is stored"
    calendar = load_calendar(uow)
    month = Period.month(today.year, today.month)
    yesterday = today - timedelta(days=1)
    counts = person_counts(uow, person.id, month, as_of=yesterday, calendar=calendar)
    year = person_counts(
        uow, person.id, Period.year(today.year), as_of=yesterday, calendar=calendar
    )
    diaries = uow.diaries.count_between(person.id, month.first, today)
    pending = sum(1 for r in uow.leaves.for_applicant(person.id) if r.status == "pending")
    postings = postings_of(uow, person.id) or None
    onsite = onsite_pace(onsite_days_in_year(uow, person, today), today, postings)
    on_site_today = bool(uow.checkins.onsite_days(person.id, today, today))
    return Standing(
        onsite_year=onsite,
        year=year_outlook(onsite, year.absent, today, postings, on_site_today=on_site_today),
        diaries_month=diary_pace(diaries, today),
        absent_workdays_month=counts.absent,
        leave_days_year=leave_days_in_year(uow, person, today),
        pending_requests=pending,
        provisional=calendar.is_provisional(today),
    )
