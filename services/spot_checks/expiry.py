"""The expiry sweep: a remote check nobody answered in time is closed as ``no_answer`` and
its messages are queued in the outbox, in one transaction of its own (the scheduler runs
it; nobody's update is waiting on it)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from domain.assessment import SpotCheckResult
from domain.errors import DomainError
from domain.roles import Role
from services.outbox import Draft, enqueue
from services.places import Posting, posting
from services.spot_checks.results import OUTBOX_KIND, SpotCheckOutcome, message_params
from storage.ids import id_of
from storage.unit_of_work import UnitOfWork, UnitOfWorkFactory


def expire_spot_checks(uow_factory: UnitOfWorkFactory, now: datetime) -> list[int]:
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
    params = message_params(outcome, now)
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
