"""The dispatching unit's duties (Art. 15, 19): a unit leader records the unit's monthly
驻村扶贫专题会议, its leadership's village visits, and each of its cadres' yearly health
check and accident insurance; ``standings`` says which units and cadres are behind, for
the reminders (``scheduler/unit_duties.py``) and org_dept's /status.

Only a unit leader records, for their own unit and the cadres it posts today (a cadre who
transferred is the new unit's). Every record is in the audit log.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from domain.errors import DomainError
from domain.posting_term import add_years
from domain.roles import Role
from domain.unit_duties import (
    NOTE_MAX_CHARS,
    RECORD_BACK_DAYS,
    UnitRecord,
    health_check_overdue,
    insurance_notice_due,
    meetings_counted_from,
    months_without_meeting,
    visit_overdue,
)
from storage.ids import id_of
from storage.repositories import UnitPosting
from storage.tables import CareRecord, Person, Unit, UnitMeeting, UnitVisit
from storage.unit_of_work import UnitOfWork


def unit_of(uow: UnitOfWork, leader: Person) -> Unit:
    """The unit a unit leader records for; anyone else is told who does."""
    if leader.role != Role.UNIT_LEADER:
        raise DomainError("unit_duty.only_unit_leader")
    unit = uow.places.unit_by_id(leader.unit_id) if leader.unit_id is not None else None
    if unit is None:
        raise DomainError("unit_duty.no_unit")
    return unit


def postings(uow: UnitOfWork, leader: Person, today: date) -> list[UnitPosting]:
    """The cadres the leader's unit posts today, by village and name."""
    return uow.unit_duties.postings_on(today, id_of(unit_of(uow, leader)))


def villages(uow: UnitOfWork, leader: Person, today: date) -> list[tuple[int, str]]:
    """The villages of the unit's postings today (id, name), by name."""
    return sorted({(p.village_id, p.village) for p in postings(uow, leader, today)}, key=_name)


def _name(village: tuple[int, str]) -> str:
    return village[1]


def cadre_of(uow: UnitOfWork, leader: Person, cadre_id: int, today: date) -> UnitPosting:
    """The cadre's posting today, if the leader's unit posts them (else why not)."""
    for posting in postings(uow, leader, today):
        if posting.person_id == cadre_id:
            return posting
    cadre = uow.people.get(cadre_id)
    raise DomainError("unit_duty.not_your_cadre", name=cadre.name if cadre else "?")


def check_day(what: UnitRecord, day: date, today: date) -> None:
    """A meeting, visit or check recorded late is within a year and not in the future;
    an insurance is recorded by the last day it covers, not yet past."""
    if what is UnitRecord.INSURANCE:
        if day < today:
            raise DomainError("unit_duty.insurance_ended", day=day)
    elif day > today:
        raise DomainError("unit_duty.future_day", day=day)
    elif day < today - timedelta(days=RECORD_BACK_DAYS):
        raise DomainError("unit_duty.too_old", day=day)


def clean_text(text: str | None) -> str | None:
    """A typed note or list of who went, trimmed (None when blank); refused when long."""
    cleaned = (text or "").strip() or None
    if cleaned is not None and len(cleaned) > NOTE_MAX_CHARS:
        raise DomainError("unit_duty.too_long", limit=NOTE_MAX_CHARS, length=len(cleaned))
    return cleaned


def record_meeting(
    uow: UnitOfWork, leader: Person, day: date, note: str | None, *, now: datetime
) -> UnitMeeting:
    unit = unit_of(uow, leader)
    check_day(UnitRecord.MEETING, day, now.date())
    meeting = uow.unit_duties.add_meeting(
        UnitMeeting(
            unit_id=id_of(unit),
            day=day,
            note=clean_text(note),
            recorded_by_id=leader.id,
            recorded_at=now,
        )
    )
    uow.audit.record(now, leader.id, "unit:meeting", f"unit:{unit.id}", day=day.isoformat())
    return meeting


def record_visit(
    uow: UnitOfWork, leader: Person, village_id: int, day: date, visitors: str, *, now: datetime
) -> UnitVisit:
    unit = unit_of(uow, leader)
    if village_id not in {v for v, _ in villages(uow, leader, now.date())}:
        raise DomainError("unit_duty.not_your_village")
    check_day(UnitRecord.VISIT, day, now.date())
    who = clean_text(visitors)
    if who is None:
        raise DomainError("unit_duty.no_visitors")
    visit = uow.unit_duties.add_visit(
        UnitVisit(
            unit_id=id_of(unit),
            village_id=village_id,
            day=day,
            visitors=who,
            recorded_by_id=leader.id,
            recorded_at=now,
        )
    )
    uow.audit.record(
        now, leader.id, "unit:visit", f"unit:{unit.id}", village=village_id, day=day.isoformat()
    )
    return visit


def record_care(
    uow: UnitOfWork, leader: Person, cadre_id: int, what: UnitRecord, day: date, *, now: datetime
) -> tuple[CareRecord, UnitPosting]:
    """A cadre's health check (its day) or accident insurance (the last day it covers)."""
    if what not in (UnitRecord.HEALTH_CHECK, UnitRecord.INSURANCE):
        raise DomainError("unit_duty.invalid")
    unit = unit_of(uow, leader)
    posting = cadre_of(uow, leader, cadre_id, now.date())
    check_day(what, day, now.date())
    record = uow.unit_duties.add_care(
        CareRecord(
            person_id=cadre_id,
            unit_id=id_of(unit),
            kind=what,
            day=day,
            recorded_by_id=leader.id,
            recorded_at=now,
        )
    )
    uow.audit.record(
        now, leader.id, f"unit:{what}", f"person:{cadre_id}", unit=unit.id, day=day.isoformat()
    )
    return record, posting


#: The most months a message names (the latest ones; a unit behind since long ago).
MONTHS_SHOWN = 12


def months_shown(months: list[str], sep: str) -> str:
    """The missing months as a message shows them: the latest ``MONTHS_SHOWN``."""
    shown = sep.join(months[-MONTHS_SHOWN:])
    return f"…{sep}{shown}" if len(months) > MONTHS_SHOWN else shown


@dataclass(frozen=True)
class UnitStanding:
    """A unit with cadres posted today: the closed months it held no meeting, and the
    days since its last visit (or first posting) when over the 60 allowed."""

    unit_id: int
    unit: str
    months_missing: list[str]
    visit_days: int | None
    #: The day the visit interval is counted from (the last visit, or the first posting).
    visit_since: date

    @property
    def behind(self) -> bool:
        return bool(self.months_missing) or self.visit_days is not None


@dataclass(frozen=True)
class CareDue:
    """A cadre whose unit owes a health check (``due``: a year after the last one, or
    the first posting) or an insurance renewal (``due``: its last day; None: none)."""

    person_id: int
    name: str
    unit_id: int
    what: UnitRecord
    due: date | None


def standings(uow: UnitOfWork, today: date) -> list[UnitStanding]:
    """Every unit posting cadres today, by name, with what it is behind on."""
    posted = {p.unit_id for p in uow.unit_duties.postings_on(today)}
    firsts = uow.unit_duties.first_postings()
    since = min((firsts[u] for u in posted), default=today)
    meetings = uow.unit_duties.meeting_days(since)
    visits = uow.unit_duties.last_visits(today)
    found = []
    for unit in uow.places.units():
        unit_id = id_of(unit)
        if unit_id not in posted:
            continue
        first = firsts[unit_id]
        last_visit = visits.get(unit_id)
        counted = max(first, last_visit) if last_visit is not None else first
        found.append(
            UnitStanding(
                unit_id,
                unit.name,
                months_without_meeting(
                    meetings.get(unit_id, []), meetings_counted_from(first), today
                ),
                visit_overdue([last_visit] if last_visit else [], first, today),
                counted,
            )
        )
    return sorted(found, key=lambda s: s.unit)


def care_due(uow: UnitOfWork, today: date) -> list[CareDue]:
    """Each cadre posted today whose unit owes a health check or an insurance renewal;
    the unit is the one posting them today (a transferred cadre is the new unit's)."""
    posted = uow.unit_duties.postings_on(today)
    ids = [p.person_id for p in posted]
    firsts = uow.unit_duties.first_posting_of(ids)
    checks = uow.unit_duties.latest_care(UnitRecord.HEALTH_CHECK, ids)
    insured = uow.unit_duties.latest_care(UnitRecord.INSURANCE, ids)
    due = []
    for p in posted:
        first = firsts.get(p.person_id, today)
        check = checks.get(p.person_id)
        if health_check_overdue([check] if check else [], first, today):
            last = check or first
            due.append(
                CareDue(p.person_id, p.name, p.unit_id, UnitRecord.HEALTH_CHECK, add_years(last, 1))
            )
        until = insured.get(p.person_id)
        if insurance_notice_due(until, today):
            due.append(CareDue(p.person_id, p.name, p.unit_id, UnitRecord.INSURANCE, until))
    return due


def standing_of(uow: UnitOfWork, leader: Person, today: date) -> UnitStanding | None:
    """The leader's own unit's standing (None while it posts no cadre today)."""
    unit_id = id_of(unit_of(uow, leader))
    return next((s for s in standings(uow, today) if s.unit_id == unit_id), None)
