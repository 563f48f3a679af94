"""Official duty days (公务): org_dept and poverty_bureau (any cadre) and township
secretaries (the cadres of their own township) record the days a cadre is called away
for the district's training (Art. 13), a meeting (Art. 16) or other duty, so those days
count neither as on site nor as absent.

A record is refused unless the cadre is posted on every one of its days (in the
secretary's township, for a secretary), it covers 1 to 31 days, and it shares no day
with another duty record or with approved leave of the cadre (a day is exactly one
thing). The cadre is told; every record is in the audit log. ``check_record`` is the
one set of checks the chat and the import (``services.imports.duty``) both apply.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from domain import duty as rules
from domain.duty import (
    NOTE_MAX_CHARS,
    DutyKind,
    TrainingDays,
    check_span,
    first_day_not_posted,
    training_days,
)
from domain.errors import DomainError
from domain.roles import CADRE_ROLES, DUTY_RECORDERS, Role
from services.notices import Notice
from services.places import CadreChoice, cadres_in_township
from storage.ids import id_of
from storage.tables import DutyRecord, Person, Township
from storage.unit_of_work import UnitOfWork


@dataclass
class DutyOutcome:
    record: DutyRecord
    cadre: Person
    notices: list[Notice] = field(default_factory=list)


def _township_of(official: Person) -> int | None:
    """The township an official's records are limited to (None: the whole district)."""
    if official.role not in DUTY_RECORDERS:
        raise DomainError("error.role_cannot")
    return official.township_id if official.role == Role.TOWNSHIP_SECRETARY else None


def townships(uow: UnitOfWork, official: Person) -> list[Township]:
    """The townships whose cadres the official may record duty for."""
    own = _township_of(official)
    return [t for t in uow.places.townships() if own is None or t.id == own]


def cadres_in(
    uow: UnitOfWork, official: Person, township_id: int, today: date
) -> list[CadreChoice]:
    """The cadres posted in the township today, by village then name."""
    if _township_of(official) not in (None, township_id):
        raise DomainError("error.not_yours")
    return cadres_in_township(uow, township_id, today)


def cadre_for(uow: UnitOfWork, official: Person, cadre_id: int, today: date) -> Person:
    """The cadre an official picked, if they are an active cadre the official may record
    for (a secretary: posted in their township today, as the list offered)."""
    own = _township_of(official)
    cadre = uow.people.get(cadre_id)
    if cadre is None or cadre.role not in CADRE_ROLES or not cadre.active:
        raise DomainError("duty.not_a_cadre")
    if own is not None:
        found = uow.assignments.posting(id_of(cadre), today)
        if found is None or found[1].township_id != own:
            raise DomainError("error.not_yours")
    return cadre


def check_record(
    uow: UnitOfWork, cadre: Person, start: date, end: date, *, township_id: int | None = None
) -> None:
    """Raise the reason ``start``..``end`` cannot be recorded as the cadre's duty: a bad
    span, a day not posted (in ``township_id``, when given), or a day already duty or
    approved leave."""
    check_span(start, end)
    postings = [
        (a.start, a.end)
        for a in uow.assignments.for_person(id_of(cadre))
        if township_id is None
        or (v := uow.places.village_by_id(a.village_id)) is not None
        and v.township_id == township_id
    ]
    missing = first_day_not_posted(postings, start, end)
    if missing is not None:
        raise DomainError("duty.not_posted", name=cadre.name, day=missing)
    other = uow.duties.overlapping(id_of(cadre), start, end)
    if other is not None:
        raise DomainError(
            "duty.overlaps_duty", name=cadre.name, start=other.start, end=other.end, kind=other.kind
        )
    leaves = uow.leaves.approved_between(id_of(cadre), start, end)
    if leaves:
        leave = leaves[0]
        raise DomainError(
            "duty.overlaps_leave", name=cadre.name, id=leave.id, start=leave.start, end=leave.end
        )


def clean_note(note: str | None) -> str | None:
    """The note as stored: trimmed, None when blank; refused when too long."""
    cleaned = (note or "").strip() or None
    if cleaned is not None and len(cleaned) > NOTE_MAX_CHARS:
        raise DomainError("duty.note_too_long", limit=NOTE_MAX_CHARS, length=len(cleaned))
    return cleaned


def store(
    uow: UnitOfWork,
    cadre: Person,
    start: date,
    end: date,
    kind: DutyKind,
    note: str | None,
    *,
    by: Person | None,
    now: datetime,
    source: str,
) -> DutyRecord:
    """Write one checked record and its audit entry (the chat and the import)."""
    record = uow.duties.add(
        DutyRecord(
            person_id=id_of(cadre),
            start=start,
            end=end,
            kind=kind,
            note=note,
            recorded_by_id=by.id if by else None,
            recorded_at=now,
        )
    )
    uow.audit.record(
        now,
        by.id if by else None,
        "duty:record",
        f"duty:{record.id}",
        cadre=cadre.id,
        start=start.isoformat(),
        end=end.isoformat(),
        kind=str(kind),
        source=source,
    )
    return record


def check_duty(
    uow: UnitOfWork, official: Person, cadre_id: int, start: date, end: date, *, today: date
) -> Person:
    """The cadre, if the official may record ``start``..``end`` as their duty (raises why
    not, so the chat can refuse the last day before asking for the rest)."""
    township_id = _township_of(official)
    cadre = cadre_for(uow, official, cadre_id, today)
    check_record(uow, cadre, start, end, township_id=township_id)
    return cadre


def record_duty(
    uow: UnitOfWork,
    official: Person,
    cadre_id: int,
    *,
    start: date,
    end: date,
    kind: DutyKind,
    note: str | None,
    now: datetime,
) -> DutyOutcome:
    """Record the cadre's duty days and tell them (in their own language) that those days
    are official duty, not absence."""
    cadre = check_duty(uow, official, cadre_id, start, end, today=now.date())
    record = store(
        uow, cadre, start, end, kind, clean_note(note), by=official, now=now, source="chat"
    )
    params = _notice_params(record)
    return DutyOutcome(record, cadre, [Notice(id_of(cadre), "duty.you_recorded", params)])


def _notice_params(record: DutyRecord) -> dict[str, Any]:
    """The values of the messages about a record (days as month and day, as said aloud)."""
    return {
        "start_month": record.start.month,
        "start_day": record.start.day,
        "end_month": record.end.month,
        "end_day": record.end.day,
        "kind": record.kind,
    }


def training_days_in_year(uow: UnitOfWork, cadre_id: int, year: int) -> TrainingDays:
    """The cadre's 岗前培训 and 岗位培训 days in ``year`` against Art. 13's minimums."""
    rows = uow.duties.for_person(cadre_id, date(year, 1, 1), date(year, 12, 31))
    records = [rules.DutyRecord(r.start, r.end, DutyKind(r.kind), r.note) for r in rows]
    return training_days(records, year)
