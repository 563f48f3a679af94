"""明查暗访 (Art. 26.3): unannounced spot checks by org_dept and poverty_bureau.

A check is either made in person (the official records what they found) or remotely: the
cadre is asked to share their location and the first location they send within
``SPOT_CHECK_ANSWER_MINUTES`` decides — inside the village geofence is present; elsewhere
with leave approved for that day is on leave; elsewhere without it is an unexcused
absence (无故未到岗). A remote check nobody answers in time is closed as ``no_answer`` by
``expire_spot_checks``, which the scheduler runs.

Unexcused absences found in one calendar year escalate (``domain.assessment.sanction_for``):
the 1st is criticism, the 2nd a district-wide notice, the 3rd a notice and the year's grade
不称职, recorded here by itself. The cadre, their township party secretary, their
dispatching unit, org_dept and poverty_bureau are told. ``no_answer`` does not escalate: it
proves no absence; the official and the township secretary are told so they can follow it
up in person.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from domain.assessment import (
    SPOT_CHECK_ANSWER_MINUTES,
    Sanction,
    SpotCheckResult,
    escalates,
    sanction_for,
    spot_check_result,
)
from domain.errors import DomainError
from domain.geo import check_coordinates, inside_geofence
from domain.roles import CADRE_ROLES, Role
from services.grades import impose_incompetent
from services.notices import Notice
from services.outbox import Draft, enqueue
from services.places import CadreChoice, Posting, cadres_in_township, holders_for, posting
from storage.tables import Person, SpotCheck, Township
from storage.unit_of_work import UnitOfWork

#: Who may make spot checks (Art. 26.3: the district's organisation department and
#: poverty-alleviation bureau assess the cadres).
INSPECTORS = frozenset({Role.ORG_DEPT, Role.POVERTY_BUREAU})
ANSWER_WINDOW = timedelta(minutes=SPOT_CHECK_ANSWER_MINUTES)
REMOTE = "remote"
IN_PERSON = "in_person"
#: Outbox kind of the messages ``expire_spot_checks`` leaves for the dispatcher.
OUTBOX_KIND = "spot_check"


@dataclass
class SpotCheckOutcome:
    """A closed check, the sanction it brought (if any) and who must be told."""

    check: SpotCheck
    cadre: Person
    village: str
    result: SpotCheckResult
    unexcused_this_year: int = 0
    sanction: Sanction | None = None
    notices: list[Notice] = field(default_factory=list)


@dataclass
class RemoteStarted:
    check: SpotCheck
    cadre: Person
    village: str


def _require_inspector(official: Person) -> None:
    if official.role not in INSPECTORS:
        raise DomainError("error.role_cannot")


def townships(uow: UnitOfWork, official: Person) -> list[Township]:
    _require_inspector(official)
    return list(uow.places.townships())


def cadres_in(
    uow: UnitOfWork, official: Person, township_id: int, today: date
) -> list[CadreChoice]:
    """The cadres posted in the township today, by village then name."""
    _require_inspector(official)
    return cadres_in_township(uow, township_id, today)


def choice_of(uow: UnitOfWork, official: Person, cadre_id: int, today: date) -> CadreChoice:
    """The cadre an official picked, if they are posted today."""
    _require_inspector(official)
    cadre, post = _cadre_posting(uow, cadre_id, today)
    return CadreChoice(cadre, post.village)


def _cadre_posting(uow: UnitOfWork, cadre_id: int, today: date) -> tuple[Person, Posting]:
    cadre = uow.people.get(cadre_id)
    if cadre is None or cadre.role not in CADRE_ROLES or not cadre.active:
        raise DomainError("spotcheck.not_a_cadre")
    try:
        return cadre, posting(uow, cadre, today)
    except DomainError:
        raise DomainError("spotcheck.not_a_cadre") from None


def start_remote(uow: UnitOfWork, official: Person, cadre_id: int, now: datetime) -> RemoteStarted:
    """Open a remote check: the cadre has ``ANSWER_WINDOW`` to share their location. The
    caller sends them the request (with a location button)."""
    _require_inspector(official)
    cadre, post = _cadre_posting(uow, cadre_id, now.date())
    if cadre.telegram_user_id is None or cadre.blocked_bot:
        raise DomainError("spotcheck.not_reachable", name=cadre.name)
    if uow.spot_checks.open_for(cadre.id, now) is not None:
        raise DomainError("spotcheck.already_open", name=cadre.name)
    check = uow.spot_checks.add(
        SpotCheck(
            cadre_id=cadre.id,
            official_id=official.id,
            method=REMOTE,
            started_at=now,
            deadline=now + ANSWER_WINDOW,
        )
    )
    uow.audit.record(now, official.id, "spot_check.start", f"spotcheck:{check.id}", cadre=cadre.id)
    return RemoteStarted(check, cadre, post.village.name)


def on_approved_leave(uow: UnitOfWork, cadre: Person, day: date) -> bool:
    return bool(uow.leaves.approved_between(cadre.id, day, day))


def record_in_person(
    uow: UnitOfWork, official: Person, cadre_id: int, *, found: bool, now: datetime
) -> SpotCheckOutcome:
    """An official's visit: found on site is present; not found is on leave when leave is
    approved for today, else unexcused (the official need not know the leave records)."""
    _require_inspector(official)
    cadre, post = _cadre_posting(uow, cadre_id, now.date())
    if uow.spot_checks.open_for(cadre.id, now) is not None:
        raise DomainError("spotcheck.already_open", name=cadre.name)
    check = uow.spot_checks.add(
        SpotCheck(cadre_id=cadre.id, official_id=official.id, method=IN_PERSON, started_at=now)
    )
    result = spot_check_result(
        on_site=found, on_approved_leave=on_approved_leave(uow, cadre, now.date())
    )
    return _close(uow, check, cadre, post, result, now)


def has_open_check(uow: UnitOfWork, cadre: Person, now: datetime) -> bool:
    """Whether the cadre's next location answers a spot check (asked on every location)."""
    return uow.spot_checks.has_open(cadre.id, now)


def answer(
    uow: UnitOfWork, cadre: Person, *, lat: float, lon: float, now: datetime
) -> SpotCheckOutcome | None:
    """The cadre's location while a remote check is open decides it; None when no check
    is open (the location is an ordinary check-in only)."""
    check = uow.spot_checks.open_for(cadre.id, now)
    if check is None:
        return None
    check_coordinates(lat, lon)
    post = posting(uow, cadre, now.date())
    on_site, _distance = inside_geofence(
        lat, lon, post.village.lat, post.village.lon, post.village.radius_m
    )
    result = spot_check_result(
        on_site=on_site, on_approved_leave=on_approved_leave(uow, cadre, now.date())
    )
    return _close(uow, check, cadre, post, result, now)


def _year_bounds(now: datetime) -> tuple[datetime, datetime]:
    return (
        datetime(now.year, 1, 1, tzinfo=now.tzinfo),
        datetime(now.year + 1, 1, 1, tzinfo=now.tzinfo),
    )


def _close(
    uow: UnitOfWork,
    check: SpotCheck,
    cadre: Person,
    post: Posting,
    result: SpotCheckResult,
    now: datetime,
) -> SpotCheckOutcome:
    check.result, check.recorded_at = result, now
    uow.session.flush()
    outcome = SpotCheckOutcome(check, cadre, post.village.name, result)
    if escalates(result):
        first, last = _year_bounds(check.started_at.astimezone(now.tzinfo))
        outcome.unexcused_this_year = uow.spot_checks.count_result(
            cadre.id, SpotCheckResult.UNEXCUSED, first, last
        )
        outcome.sanction = sanction_for(outcome.unexcused_this_year)
        if outcome.sanction is Sanction.NOTICE_AND_INCOMPETENT:
            impose_incompetent(uow, cadre, first.year, now)
    uow.audit.record(
        now,
        check.official_id,
        "spot_check.result",
        f"spotcheck:{check.id}",
        cadre=cadre.id,
        method=check.method,
        result=str(result),
        unexcused_this_year=outcome.unexcused_this_year,
        sanction=str(outcome.sanction) if outcome.sanction else None,
    )
    outcome.notices = _notices(uow, outcome, post, now)
    return outcome


def _params(outcome: SpotCheckOutcome, now: datetime) -> dict:
    """Values for the messages, the time in the district's zone (``now``'s)."""
    local = outcome.check.started_at.astimezone(now.tzinfo)
    return {
        "name": outcome.cadre.name,
        "village": outcome.village,
        "at": local.strftime("%Y-%m-%d %H:%M"),
        "count": outcome.unexcused_this_year,
        "year": local.year,
    }


def _notices(
    uow: UnitOfWork, outcome: SpotCheckOutcome, post: Posting, now: datetime
) -> list[Notice]:
    """The official hears the result; for an unexcused absence the official, the cadre,
    their township secretary, their dispatching unit, org_dept and poverty_bureau hear the
    sanction (the cadre in their own words)."""
    params = _params(outcome, now)
    official_id = outcome.check.official_id
    if outcome.sanction is None:
        return [Notice(official_id, f"spotcheck.found_{outcome.result}", params)]
    holders = holders_for(uow, post)
    told: list[int] = [official_id]
    for role in (Role.TOWNSHIP_SECRETARY, Role.UNIT_LEADER, Role.ORG_DEPT, Role.POVERTY_BUREAU):
        told += [pid for pid in holders.get(role, []) if pid not in told]
    return [Notice(outcome.cadre.id, f"spotcheck.you_{outcome.sanction}", params)] + [
        Notice(pid, f"spotcheck.told_{outcome.sanction}", params)
        for pid in told
        if pid != outcome.cadre.id
    ]


def expire_spot_checks(uow_factory: Callable[[], UnitOfWork], now: datetime) -> list[int]:
    """Close every remote check whose window has passed as ``no_answer`` and queue the
    messages (the official, the cadre and their township secretary) in the outbox, in the
    same transaction. Safe to run from several schedulers: a closed check is never closed
    again and outbox rows are unique per check. Returns the ids closed."""
    closed: list[int] = []
    with uow_factory() as uow:
        drafts: list[Draft] = []
        for check in uow.spot_checks.expired(now):
            cadre = uow.people.get(check.cadre_id)
            try:
                post = posting(uow, cadre, check.started_at.astimezone(now.tzinfo).date())
            except DomainError:
                post = None
            check.result, check.recorded_at = SpotCheckResult.NO_ANSWER, now
            uow.audit.record(
                now,
                check.official_id,
                "spot_check.result",
                f"spotcheck:{check.id}",
                cadre=cadre.id,
                method=check.method,
                result=str(SpotCheckResult.NO_ANSWER),
            )
            outcome = SpotCheckOutcome(
                check, cadre, post.village.name if post else "", SpotCheckResult.NO_ANSWER
            )
            drafts += _no_answer_drafts(uow, outcome, post, now)
            closed.append(check.id)
        uow.session.flush()
        enqueue(uow, drafts, now)
        uow.commit()
    return closed


def _no_answer_drafts(
    uow: UnitOfWork, outcome: SpotCheckOutcome, post: Posting | None, now: datetime
) -> Iterable[Draft]:
    params = _params(outcome, now)
    period = f"{outcome.check.id}:no_answer"
    township_id = post.village.township_id if post else None
    secretaries = (
        [p.id for p in uow.people.holders(Role.TOWNSHIP_SECRETARY, township_id=township_id)]
        if township_id is not None
        else []
    )
    recipients = [
        (outcome.check.official_id, "spotcheck.found_no_answer"),
        (outcome.cadre.id, "spotcheck.you_no_answer"),
    ] + [(pid, "spotcheck.told_no_answer") for pid in secretaries]
    return [
        Draft(pid, OUTBOX_KIND, period, {"key": key, "params": params}) for pid, key in recipients
    ]
