"""Filing a request: what refuses it (the reason, the first day, a 补假 too far back, an
overlap), the continuous absence it joins, whose length decides its tier, and its route."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from domain import leave as rules
from domain.errors import DomainError
from domain.leave import LeaveStatus, LeaveTier
from domain.roles import CADRE_ROLES, Role
from services.calendar import load_calendar
from services.leave.stages import open_stage
from services.leave.summary import LeaveOutcome, card_summary
from services.notices import Notice
from services.places import Posting, holders_for, posting
from storage.ids import id_of
from storage.tables import LeaveRequest, LeaveStep, Person
from storage.unit_of_work import UnitOfWork

#: The longest reason or opinion kept; a longer one is refused whole, never cut.
MAX_REASON = 500
#: 补假: how many days back a leave for sudden illness or an emergency may start.
RETROACTIVE_DAYS = 3


def submit(
    uow: UnitOfWork,
    applicant: Person,
    *,
    start: date,
    end: date,
    reason: str,
    now: datetime,
    retroactive: bool = False,
    recall_confirmed: bool = False,
) -> LeaveOutcome:
    """File a request and route it by the length of the continuous absence it joins.

    A request starts today or later; with ``retroactive`` (补假: sudden illness or an
    emergency) it may start up to ``RETROACTIVE_DAYS`` back and is marked so to every
    approver. ``now`` is in the district's zone, so "today" is the district's day.

    Over 30 days it is no leave but a recall, sent only with ``recall_confirmed`` (the
    cadre was shown what it means): the posting is marked recall pending for the district
    until the roster posts a replacement.
    """
    assert applicant.id is not None, "the applicant is stored"
    checked = _check_request(uow, applicant, start, end, reason, now, retroactive)
    tier = checked.tier
    if tier is LeaveTier.RECALL and not recall_confirmed:
        raise DomainError("leave.recall_unconfirmed", combined=checked.combined)
    request = uow.leaves.add(
        LeaveRequest(
            applicant_id=applicant.id,
            start=start,
            end=end,
            days=checked.days,
            combined_days=checked.combined,
            tier=tier,
            reason=checked.reason,
            status=LeaveStatus.RECALL if tier is LeaveTier.RECALL else LeaveStatus.PENDING,
            created_at=now,
            retroactive=checked.retroactive,
        )
    )
    notices = _plan_steps(uow, request, checked.post, applicant, now)
    uow.audit.record(
        now,
        applicant.id,
        "leave:submit",
        f"leave:{request.id}",
        days=checked.days,
        combined=checked.combined,
        retroactive=checked.retroactive,
    )
    if tier is LeaveTier.RECALL:
        checked.post.assignment.recall_pending = True
    notices += open_stage(uow, request, now)
    key = "leave.recall_applicant" if tier is LeaveTier.RECALL else "leave.submitted"
    notices.append(Notice(applicant.id, key, card_summary(uow, request, now.date())))
    return LeaveOutcome(request, notices)


@dataclass(frozen=True)
class Checked:
    """A request as ``submit`` would file it: its days, the continuous absence it joins
    and the tier that length routes it by."""

    reason: str
    days: int
    combined: int
    retroactive: bool
    post: Posting

    @property
    def tier(self) -> LeaveTier:
        return rules.tier_for(self.combined)


def check_request(
    uow: UnitOfWork,
    applicant: Person,
    *,
    start: date,
    end: date,
    reason: str,
    now: datetime,
    retroactive: bool = False,
) -> Checked:
    """Raise what ``submit`` would refuse, changing nothing, else say how it would be
    routed: the chat checks a typed 补假 or a recall (over 30 days) before asking the
    cadre to confirm it, so the confirmation cannot then fail."""
    return _check_request(uow, applicant, start, end, reason, now, retroactive)


def _check_request(
    uow: UnitOfWork,
    applicant: Person,
    start: date,
    end: date,
    reason: str,
    now: datetime,
    retroactive: bool,
) -> Checked:
    assert applicant.id is not None, "the applicant is stored"
    if applicant.role not in CADRE_ROLES:
        raise DomainError("error.role_cannot")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("leave.reason_required")
    if len(reason) > MAX_REASON:
        raise DomainError("leave.reason_too_long", limit=MAX_REASON, length=len(reason))
    days = rules.leave_days(start, end)
    past = check_start(start, now.date(), retroactive=retroactive)
    post = posting(uow, applicant, start)
    standing = [rules.DateSpan(r.start, r.end) for r in uow.leaves.standing_for(applicant.id)]
    new = rules.DateSpan(start, end)
    rules.check_no_overlap(new, standing)
    combined = _continuous_absence(uow, applicant, new, standing).days
    return Checked(reason, days, combined, past, post)


def check_start(start: date, today: date, *, retroactive: bool) -> bool:
    """Refuse a first day the request may not have; True when it is a 补假 (in the past).

    A plain request starts today or later. A 补假 may start up to ``RETROACTIVE_DAYS``
    back; a day further back is not a leave to ask but an attendance record for the
    township to correct, and the message says so."""
    if start >= today:
        return False
    if not retroactive:
        raise DomainError("leave.in_past", start=start, limit=RETROACTIVE_DAYS)
    if (today - start).days > RETROACTIVE_DAYS:
        raise DomainError("leave.retroactive_too_far", start=start, limit=RETROACTIVE_DAYS)
    return True


def _continuous_absence(
    uow: UnitOfWork, applicant: Person, new: rules.DateSpan, standing: list[rules.DateSpan]
) -> rules.DateSpan:
    """The continuous absence ``new`` joins, with the official calendar and the cadre's
    on-site days deciding which gaps between requests are bridged (Art. 11)."""
    first = min([new.start, *(s.start for s in standing)])
    last = max([new.end, *(s.end for s in standing)])
    return rules.continuous_absence(
        new,
        standing,
        calendar=load_calendar(uow),
        onsite=uow.checkins.onsite_days(id_of(applicant), first, last),
    )


def _plan_steps(
    uow: UnitOfWork, request: LeaveRequest, post: Posting, applicant: Person, now: datetime
) -> list[Notice]:
    holders = holders_for(uow, post)
    notices: list[Notice] = []
    for planned in rules.plan_route(LeaveTier(request.tier), holders, id_of(applicant)):
        uow.leaves.add(
            LeaveStep(
                request_id=id_of(request),
                stage=planned.stage,
                kind=planned.kind,
                role=planned.role,
                assignee_id=planned.assignee_id,
                fallback_from=planned.fallback_from,
            )
        )
        if planned.fallback_from is not None:
            for admin_id in holders.get(Role.ADMIN, []):
                notices.append(
                    Notice(
                        admin_id,
                        "admin.fallback",
                        {"role": planned.role, "village": post.village.name, "id": request.id},
                    )
                )
    return notices
