"""Check-ins (Art. 11): presence proved by a shared location inside the village geofence,
the day's work record (工作日纪实), and 补卡 claims for missed days."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from domain.errors import DomainError
from domain.geo import check_coordinates, inside_geofence
from domain.leave import resolve_holder
from domain.roles import Role
from services.notices import Action, Notice
from services.places import holders_for, posting
from storage.ids import id_of
from storage.tables import CheckIn, MissedDayClaim, Person, WorkRecord
from storage.unit_of_work import UnitOfWork

#: 补卡 may be claimed for the last three days, never for today or the future.
CLAIM_WINDOW_DAYS = 3
#: Who approves a missed-day claim (补卡): the township party secretary, as attendance is
#: the township's (Art. 11); a stand-in up the roles when there is none.
CLAIM_APPROVER = Role.TOWNSHIP_SECRETARY


@dataclass(frozen=True)
class CheckInOutcome:
    on_site: bool
    distance_m: float
    village: str
    already_counted: bool
    radius_m: float
    #: On-site days this year, this position included (the on-site answer shows it).
    onsite_days_this_year: int


def record_location(
    uow: UnitOfWork,
    person: Person,
    *,
    lat: float,
    lon: float,
    message_id: int | None,
    live: bool,
    forwarded: bool,
    now: datetime,
) -> CheckInOutcome:
    if forwarded:
        raise DomainError("checkin.forwarded")
    check_coordinates(lat, lon)
    today = now.date()
    post = posting(uow, person, today)
    # One query answers both "already counted today?" and the year's total.
    days = uow.checkins.onsite_days(id_of(person), date(today.year, 1, 1), today)
    on_site, distance = inside_geofence(
        lat, lon, post.village.lat, post.village.lon, post.village.radius_m
    )
    uow.checkins.insert(
        person_id=id_of(person),
        day=today,
        at=now,
        lat=lat,
        lon=lon,
        distance_m=round(distance, 1),
        on_site=on_site,
        source="live" if live else "location",
        message_id=message_id,
    )
    return CheckInOutcome(
        on_site,
        distance,
        post.village.name,
        already_counted=today in days,
        radius_m=post.village.radius_m,
        onsite_days_this_year=len(days | {today}) if on_site else len(days),
    )


def update_live_location(
    uow: UnitOfWork, person: Person, *, message_id: int, lat: float, lon: float, now: datetime
) -> CheckInOutcome | None:
    """Keep every update of a live location; returns the outcome only when the update
    makes today count (it entered the geofence), so the cadre is told once."""
    first = uow.checkins.by_message(id_of(person), message_id)
    if first is None:
        return None
    outcome = record_location(
        uow, person, lat=lat, lon=lon, message_id=message_id, live=True, forwarded=False, now=now
    )
    return outcome if outcome.on_site and not outcome.already_counted else None


def add_work_record(
    uow: UnitOfWork, person: Person, *, note: str | None, photo_file_id: str | None, now: datetime
) -> WorkRecord:
    if not (note and note.strip()) and not photo_file_id:
        raise DomainError("checkin.record_empty")
    return uow.work_records.add(
        WorkRecord(
            person_id=id_of(person),
            day=now.date(),
            at=now,
            note=note.strip() if note else None,
            photo_file_id=photo_file_id,
        )
    )


@dataclass
class ClaimFiled:
    claim: MissedDayClaim
    notices: list[Notice] = field(default_factory=list)


def claim_missed_day(
    uow: UnitOfWork, person: Person, *, day: date, reason: str, now: datetime
) -> ClaimFiled:
    today = now.date()
    if not reason.strip():
        raise DomainError("claim.reason_required")
    if day >= today or day < today - timedelta(days=CLAIM_WINDOW_DAYS):
        raise DomainError("claim.out_of_window", days=CLAIM_WINDOW_DAYS)
    post = posting(uow, person, day)
    if uow.checkins.onsite_days(id_of(person), day, day):
        raise DomainError("claim.already_on_site", day=day)
    if uow.claims.for_day(id_of(person), day) is not None:
        raise DomainError("claim.duplicate", day=day)
    role, approver = resolve_holder(CLAIM_APPROVER, holders_for(uow, post), id_of(person))
    claim = uow.claims.add(
        MissedDayClaim(
            person_id=id_of(person),
            day=day,
            reason=reason.strip(),
            assignee_id=approver,
            created_at=now,
        )
    )
    uow.audit.record(now, person.id, "claim", f"claim:{claim.id}", day=day.isoformat())
    notice = Notice(
        approver,
        "claim.to_approver",
        {"name": person.name, "day": day, "reason": claim.reason, "village": post.village.name},
        claim_actions(id_of(claim)),
    )
    return ClaimFiled(claim, [notice])


def claim_actions(claim_id: int) -> tuple[Action, ...]:
    return (Action("claim:approve", claim_id), Action("claim:reject", claim_id))


@dataclass
class ClaimDecided:
    claim: MissedDayClaim
    notices: list[Notice] = field(default_factory=list)


def decide_claim(
    uow: UnitOfWork, approver: Person, *, claim_id: int, approve: bool, now: datetime
) -> ClaimDecided:
    claim = uow.claims.get(claim_id)
    if claim is None or claim.assignee_id != approver.id:
        raise DomainError("error.not_yours")
    if claim.status != "pending":
        raise DomainError("error.already_decided")
    claim.status = "approved" if approve else "rejected"
    claim.decided_at = now
    if approve and not uow.checkins.onsite_days(claim.person_id, claim.day, claim.day):
        uow.checkins.add(
            CheckIn(person_id=claim.person_id, day=claim.day, at=now, on_site=True, source="claim")
        )
    uow.audit.record(now, approver.id, f"claim:{claim.status}", f"claim:{claim.id}")
    uow.flush()
    key = "claim.approved" if approve else "claim.rejected"
    return ClaimDecided(claim, [Notice(claim.person_id, key, {"day": claim.day})])
