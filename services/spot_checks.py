"""明查暗访 (Art. 26.3): unannounced spot checks by org_dept and poverty_bureau.

A check is either made in person (the official records what they found) or remotely: the
cadre is asked to share their location and the first location they send within
``SPOT_CHECK_ANSWER_MINUTES`` decides — inside the village geofence is present; elsewhere
with leave approved for that day is on leave; elsewhere without it is an unexcused
absence (无故未到岗). A remote check nobody answers in time is closed as ``no_answer`` by
``expire_spot_checks``, which the scheduler runs.

Only a check on a working day (the official calendar, ``services.calendar``) can find an
absence: a visit on a Sunday or a national holiday is recorded as ``not_counted`` and the
official told why; it never escalates. A remote check is refused on a non-working day
(the official is told why before the cadre is asked anything): a cadre at rest owes no
location, and the 2026 rules on government apps forbid needless forced uploads.

A visit in person is recorded for the moment it happened: in the chat up to
``SPOT_CHECK_BACKDATE_DAYS`` back, by ``services.imports.spot_checks`` (rounds done on
paper) any past moment of this year or the last. The working-day rule, the leave excuse
and the posting are judged for that day, and the escalation's ordinal follows the dates
of the checks, not the order they were recorded in.

An answer counts at the moment the cadre sent it (Telegram's date), not when the bot
handled it: a location sent inside the window answers the check even when the bot was
down until after the window, and even when the expiry sweep closed the check as
``no_answer`` in the meantime (that ``no_answer``, recorded after the answer was sent,
was wrong, and the answer replaces it; the official and the township secretary, who
were told "no answer", hear the result).

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
from typing import Any

from domain.assessment import (
    SPOT_CHECK_ANSWER_MINUTES,
    SPOT_CHECK_BACKDATE_DAYS,
    Sanction,
    SpotCheckResult,
    escalates,
    sanction_for,
    spot_check_result,
)
from domain.calendar import WorkdayCalendar
from domain.errors import DomainError
from domain.geo import check_coordinates, inside_geofence
from domain.ledger import DayStatus
from domain.roles import CADRE_ROLES, Role
from services.calendar import load_calendar
from services.grades import Change, impose_incompetent
from services.ledger import read_evidence
from services.notices import Notice
from services.outbox import Draft, enqueue
from services.places import CadreChoice, Posting, cadres_in_township, holders_for, posting
from storage.ids import id_of
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
#: Telegram dates a message in whole seconds: a location sent in the second the check was
#: started may carry a date just before ``started_at``.
SENT_AT_RESOLUTION = timedelta(seconds=1)


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
    caller sends them the request (with a location button). Refused on a non-working day,
    before the cadre is asked: it could not count, and a cadre at rest owes no location."""
    _require_inspector(official)
    cadre, post = _cadre_posting(uow, cadre_id, now.date())
    if not load_calendar(uow).is_workday(now.date()):
        raise DomainError("spotcheck.remote_not_workday", day=now.date().isoformat())
    if cadre.telegram_user_id is None or cadre.blocked_bot:
        raise DomainError("spotcheck.not_reachable", name=cadre.name)
    if uow.spot_checks.open_for(id_of(cadre), now) is not None:
        raise DomainError("spotcheck.already_open", name=cadre.name)
    check = uow.spot_checks.add(
        SpotCheck(
            cadre_id=id_of(cadre),
            official_id=id_of(official),
            method=REMOTE,
            started_at=now,
            deadline=now + ANSWER_WINDOW,
        )
    )
    uow.audit.record(now, official.id, "spot_check.start", f"spotcheck:{check.id}", cadre=cadre.id)
    return RemoteStarted(check, cadre, post.village.name)


def on_approved_leave(uow: UnitOfWork, cadre: Person, day: date) -> bool:
    """Whether the day ledger excuses the cadre's absence that day: approved leave, or
    official duty (公务: a duty record, or the township's entry of duty). A request still
    waiting for a decision does not excuse being found away."""
    evidence = read_evidence(uow, day, day, [id_of(cadre)])
    records = evidence.records(id_of(cadre), ((day, day),), ())
    return (
        day in records.leave
        or day in records.duty
        or ((records.township or {}).get(day) is DayStatus.DUTY)
    )


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
    _require_inspector(official)
    at = now if visited_at is None else visited_at
    if at > now:
        raise DomainError("spotcheck.visit_in_future")
    if at.date() < now.date() - timedelta(days=SPOT_CHECK_BACKDATE_DAYS):
        raise DomainError("spotcheck.visit_too_old", days=SPOT_CHECK_BACKDATE_DAYS)
    cadre, post = _cadre_posting(uow, cadre_id, at.date())
    if uow.spot_checks.open_for(id_of(cadre), now) is not None:
        raise DomainError("spotcheck.already_open", name=cadre.name)
    if is_duplicate_visit(uow, id_of(cadre), at):
        raise DomainError("spotcheck.duplicate", name=cadre.name, at=_local(at, now))
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
    result = _judge(uow, cadre, on_site=found, day=visited_at.date(), calendar=calendar)
    return _close(uow, check, cadre, post, result, now)


def _judge(
    uow: UnitOfWork,
    cadre: Person,
    *,
    on_site: bool,
    day: date,
    calendar: WorkdayCalendar | None = None,
) -> SpotCheckResult:
    """What the check found, judged for ``day``: its calendar and the cadre's leave."""
    return spot_check_result(
        on_site=on_site,
        on_approved_leave=on_approved_leave(uow, cadre, day),
        working_day=(calendar or load_calendar(uow)).is_workday(day),
    )


def has_open_check(uow: UnitOfWork, cadre: Person, sent_at: datetime) -> bool:
    """Whether the cadre's location sent at ``sent_at`` answers a spot check (asked on
    every location)."""
    return uow.spot_checks.has_open(id_of(cadre), sent_at, started_by=sent_at + SENT_AT_RESOLUTION)


def answer(
    uow: UnitOfWork, cadre: Person, *, lat: float, lon: float, now: datetime
) -> SpotCheckOutcome | None:
    """The cadre's location sent at ``now`` (the message's own time) while a remote check
    was open decides it, however late it is handled — also over a ``no_answer`` the expiry
    sweep recorded after it was sent; None when no check was open then (the location is an
    ordinary check-in only). The day it was sent decides the leave excuse."""
    check = uow.spot_checks.answerable(id_of(cadre), now, started_by=now + SENT_AT_RESOLUTION)
    if check is None:
        return None
    check_coordinates(lat, lon)
    post = posting(uow, cadre, now.date())
    on_site, _distance = inside_geofence(
        lat, lon, post.village.lat, post.village.lon, post.village.radius_m
    )
    expired_early = check.result == SpotCheckResult.NO_ANSWER
    result = _judge(uow, cadre, on_site=on_site, day=now.date())
    outcome = _close(uow, check, cadre, post, result, now)
    if expired_early and outcome.sanction is None:
        outcome.notices += _told_after_no_answer(uow, outcome, post, now)
    return outcome


def _told_after_no_answer(
    uow: UnitOfWork, outcome: SpotCheckOutcome, post: Posting, now: datetime
) -> list[Notice]:
    """The township secretaries heard "no answer": they hear the result that replaced it
    (a sanction tells them anyway)."""
    params = _params(outcome, now)
    secretaries = holders_for(uow, post).get(Role.TOWNSHIP_SECRETARY, [])
    return [
        Notice(pid, f"spotcheck.found_{outcome.result}", params)
        for pid in secretaries
        if pid != outcome.check.official_id
    ]


def _local(moment: datetime, now: datetime) -> str:
    return moment.astimezone(now.tzinfo).strftime("%Y-%m-%d %H:%M")


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
    """Record the result; an unexcused absence is the n-th of its calendar year counting
    the year's unexcused checks up to its own moment (a visit recorded late takes its place
    by date). Three in the year lock the grade 不称职 whatever order they came in: when a
    visit recorded late is what brings the year to three, its sanction is the third's (the
    lock must be announced) and its count the year's."""
    replaced = check.result
    check.result, check.recorded_at = result, now
    uow.flush()
    outcome = SpotCheckOutcome(check, cadre, post.village.name, result)
    if escalates(result):
        first, last = _year_bounds(check.started_at.astimezone(now.tzinfo))
        outcome.unexcused_this_year = uow.spot_checks.ordinal(
            check, SpotCheckResult.UNEXCUSED, first
        )
        outcome.sanction = sanction_for(outcome.unexcused_this_year)
        in_year = uow.spot_checks.count_result(id_of(cadre), SpotCheckResult.UNEXCUSED, first, last)
        locks = sanction_for(in_year) is Sanction.NOTICE_AND_INCOMPETENT
        if locks and impose_incompetent(uow, cadre, first.year, now) is not Change.UNCHANGED:
            outcome.unexcused_this_year = max(outcome.unexcused_this_year, in_year)
            outcome.sanction = Sanction.NOTICE_AND_INCOMPETENT
    uow.audit.record(
        now,
        check.official_id,
        "spot_check.result",
        f"spotcheck:{check.id}",
        cadre=cadre.id,
        method=check.method,
        result=str(result),
        started_at=check.started_at.isoformat(),
        replaced=replaced,
        unexcused_this_year=outcome.unexcused_this_year,
        sanction=str(outcome.sanction) if outcome.sanction else None,
    )
    outcome.notices = _notices(uow, outcome, post, now)
    return outcome


def _params(outcome: SpotCheckOutcome, now: datetime) -> dict[str, Any]:
    """Values for the messages, the time in the district's zone (``now``'s)."""
    local = outcome.check.started_at.astimezone(now.tzinfo)
    return {
        "name": outcome.cadre.name,
        "village": outcome.village,
        "at": _local(local, now),
        "day": local.date().isoformat(),
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
    return [Notice(id_of(outcome.cadre), f"spotcheck.you_{outcome.sanction}", params)] + [
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
            assert cadre is not None, "a check has its cadre"
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
            closed.append(id_of(check))
        uow.flush()
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
        [id_of(p) for p in uow.people.holders(Role.TOWNSHIP_SECRETARY, township_id=township_id)]
        if township_id is not None
        else []
    )
    recipients = [
        (outcome.check.official_id, "spotcheck.found_no_answer"),
        (id_of(outcome.cadre), "spotcheck.you_no_answer"),
    ] + [(pid, "spotcheck.told_no_answer") for pid in secretaries]
    return [
        Draft(pid, OUTBOX_KIND, period, {"key": key, "params": params}) for pid, key in recipients
    ]
