"""A visit in person, recorded for the moment it happened: by the official in the chat
(up to ``SPOT_CHECK_BACKDATE_DAYS`` back) or by the import of rounds done on paper."""

from __future__ import annotations

from datetime import datetime, timedelta

from domain.assessment import SPOT_CHECK_BACKDATE_DAYS
from domain.calendar import WorkdayCalendar
from domain.errors import DomainError
from services.places import Posting
from services.spot_checks.choosing import cadre_posting, require_inspector
from services.spot_checks.results import SpotCheckOutcome, close_check, judge, local_time
from storage.ids import id_of
from storage.tables import Person, SpotCheck
from storage.unit_of_work import UnitOfWork

IN_PERSON = "in_person"


def record_in_person(
    uow: UnitOfWork,
    official: Person,
    cadre_id: int,
    *,
    found: bool,
    now: datetime,
    visited_at: datetime | None = None,
) -> SpotCheckOutcome:
    """An official's visit, at ``visited_at`` (default now; at most
    ``SPOT_CHECK_BACKDATE_DAYS`` back in the chat, never in the future): found on site is
    present; not found is on leave when leave is approved for that day, else unexcused
    (the official need not know the leave records); on a non-working day it does not
    count."""
    require_inspector(official)
    at = now if visited_at is None else visited_at
    if at > now:
        raise DomainError("spotcheck.visit_in_future")
    if at.date() < now.date() - timedelta(days=SPOT_CHECK_BACKDATE_DAYS):
        raise DomainError("spotcheck.visit_too_old", days=SPOT_CHECK_BACKDATE_DAYS)
    cadre, post = cadre_posting(uow, cadre_id, at.date())
    if uow.spot_checks.open_for(id_of(cadre), now) is not None:
        raise DomainError("spotcheck.already_open", name=cadre.name)
    if is_duplicate_visit(uow, id_of(cadre), at):
        raise DomainError("spotcheck.duplicate", name=cadre.name, at=local_time(at, now))
    return record_visit(uow, official, cadre, post, found=found, visited_at=at, now=now)


def is_duplicate_visit(uow: UnitOfWork, cadre_id: int, at: datetime) -> bool:
    """Whether a check of the cadre was already recorded in the same minute (a second tap,
    or a paper round imported twice)."""
    minute = at.replace(second=0, microsecond=0)
    return uow.spot_checks.exists_between(cadre_id, minute, minute + timedelta(minutes=1))


def record_visit(
    uow: UnitOfWork,
    official: Person,
    cadre: Person,
    post: Posting,
    *,
    found: bool,
    visited_at: datetime,
    now: datetime,
    calendar: WorkdayCalendar | None = None,
) -> SpotCheckOutcome:
    """Store a visit already checked (the official, the cadre's posting that day, the
    moment) and close it with what it found on that day; shared by the chat and the
    import (which loads the ``calendar`` once for the whole file)."""
    check = uow.spot_checks.add(
        SpotCheck(
            cadre_id=id_of(cadre),
            official_id=id_of(official),
            method=IN_PERSON,
            started_at=visited_at,
        )
    )
    result = judge(uow, cadre, on_site=found, day=visited_at.date(), calendar=calendar)
    return close_check(uow, check, cadre, post, result, now)
