"""A remote check: the cadre is asked to share their location, and the first one they send
within ``ANSWER_WINDOW`` decides, counted at the moment they sent it (Telegram's date)
however late the bot handles it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from domain.assessment import (
    SPOT_CHECK_ANSWER_MINUTES,
    SpotCheckResult,
)
from domain.errors import DomainError
from domain.geo import check_coordinates, inside_geofence
from domain.roles import Role
from services.calendar import load_calendar
from services.notices import Notice
from services.places import Posting, holders_for, posting
from services.spot_checks.choosing import cadre_posting, require_inspector
from services.spot_checks.results import SpotCheckOutcome, close_check, judge, message_params
from storage.ids import id_of
from storage.tables import Person, SpotCheck
from storage.unit_of_work import UnitOfWork

REMOTE = "remote"
ANSWER_WINDOW = timedelta(minutes=SPOT_CHECK_ANSWER_MINUTES)
#: Telegram dates a message in whole seconds: a location sent in the second the check was
#: started may carry a date just before ``started_at``.
SENT_AT_RESOLUTION = timedelta(seconds=1)


@dataclass
class RemoteStarted:
    check: SpotCheck
    cadre: Person
    village: str


def start_remote(uow: UnitOfWork, official: Person, cadre_id: int, now: datetime) -> RemoteStarted:
    """Open a remote check: the cadre has ``ANSWER_WINDOW`` to share their location. The
    caller sends them the request (with a location button). Refused on a non-working day,
    before the cadre is asked: it could not count, and a cadre at rest owes no location."""
    require_inspector(official)
    cadre, post = cadre_posting(uow, cadre_id, now.date())
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
    result = judge(uow, cadre, on_site=on_site, day=now.date())
    outcome = close_check(uow, check, cadre, post, result, now)
    if expired_early and outcome.sanction is None:
        outcome.notices += _told_after_no_answer(uow, outcome, post, now)
    return outcome


def _told_after_no_answer(
    uow: UnitOfWork, outcome: SpotCheckOutcome, post: Posting, now: datetime
) -> list[Notice]:
    """The township secretaries heard "no answer": they hear the result that replaced it
    (a sanction tells them anyway)."""
    params = message_params(outcome, now)
    secretaries = holders_for(uow, post).get(Role.TOWNSHIP_SECRETARY, [])
    return [
        Notice(pid, f"spotcheck.found_{outcome.result}", params)
        for pid in secretaries
        if pid != outcome.check.official_id
    ]
