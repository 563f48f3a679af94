"""Leave requests routed by the approval graph of ``domain.leave`` (Art. 11)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from domain import leave as rules
from domain.errors import DomainError
from domain.leave import Decision, LeaveStatus, LeaveTier, StepKind
from domain.roles import CADRE_ROLES, Role
from services.calendar import load_calendar
from services.notices import Action, CardRef, Notice
from services.places import Posting, holders_for, posting
from services.standing import leave_days_in_year, onsite_days_in_year
from storage.ids import id_of
from storage.tables import LeaveRequest, LeaveStep, Person
from storage.unit_of_work import UnitOfWork

MAX_REASON = 500
#: 补假: how many days back a leave for sudden illness or an emergency may start.
RETROACTIVE_DAYS = 3


@dataclass
class LeaveOutcome:
    request: LeaveRequest
    notices: list[Notice] = field(default_factory=list)


def _summary(uow: UnitOfWork, request: LeaveRequest, today: date) -> dict[str, Any]:
    applicant = uow.people.get(request.applicant_id)
    assert applicant is not None and applicant.id is not None, "a request has its applicant"
    assignment = uow.assignments.current(applicant.id, request.start) or uow.assignments.latest(
        applicant.id
    )
    village = uow.places.village_by_id(assignment.village_id) if assignment else None
    return {
        "id": request.id,
        "name": applicant.name,
        "village": village.name if village else "",
        "start": request.start,
        "end": request.end,
        "days": request.days,
        "combined": request.combined_days,
        "reason": request.reason,
        "tier": request.tier,
        **marks(request),
        "onsite": onsite_days_in_year(uow, applicant, today),
        "leave_taken": leave_days_in_year(uow, applicant, today),
        "opinions": opinions(uow, request),
    }


def opinions(uow: UnitOfWork, request: LeaveRequest) -> list[dict[str, str]]:
    """The opinions and decisions given so far, in route order: 填注意见 travels with the
    request, so every later holder (and the cadre) reads what the earlier ones said."""
    return [
        {
            "role": step.role,
            "name": person.name if person else "?",
            "decision": step.decision,
            "comment": step.comment or "",
        }
        for step, person in history(uow, request)
        if step.decision is not None and step.kind != StepKind.FILE
    ]


def _next_steps(uow: UnitOfWork, request: LeaveRequest) -> list[dict[str, str]]:
    """Who holds the request now (role and kind of each open step), for the cadre."""
    return [
        {"role": step.role, "kind": step.kind}
        for step in uow.leaves.steps(id_of(request))
        if step.decision is None and step.notified_at is not None and step.kind != StepKind.FILE
    ]


def marks(request: LeaveRequest) -> dict[str, str]:
    """The regulation's flags a card shows (as terms; empty when they do not apply):
    ``mark`` for a 补假, ``joined`` when the request is routed as part of a longer
    continuous absence."""
    return {
        "mark": "retroactive" if request.retroactive else "",
        "joined": "joined" if request.combined_days > request.days else "",
    }


#: The yes and no a holder has at each kind of step (the buttons' verbs).
_VERBS: dict[str, tuple[str, str]] = {
    StepKind.COMMENT: ("agree", "disagree"),
    StepKind.APPLY: ("apply", "decline"),
    StepKind.APPROVE: ("approve", "reject"),
}


def decision_actions(step_id: int, kind: str) -> tuple[Action, ...]:
    """What the holder of an open step can do: a commenter agrees or disagrees, the unit
    applies or declines, an approver approves or rejects; each may first write an opinion
    or hand the step over."""
    yes, no = _VERBS[kind]
    return tuple(Action(f"leave:{verb}", step_id) for verb in (yes, no, "comment", "delegate"))


#: Who is told what of a confirmed recall: the unit recalls and selects a replacement,
#: org_dept records it (a new posting through the roster), the others are informed.
_RECALL_KEYS = {Role.UNIT_LEADER: "leave.recall_unit", Role.ORG_DEPT: "leave.recall_replace"}


def _step_notice(step: LeaveStep, summary: dict[str, Any]) -> Notice:
    params = {**summary, "role": step.role, "kind": step.kind}
    if step.kind == StepKind.FILE:
        if summary["tier"] == LeaveTier.RECALL:
            key = _RECALL_KEYS.get(Role(step.role), "leave.recall_notice")
        else:
            key = "leave.filed"
        return Notice(step.assignee_id, key, params)
    return Notice(
        step.assignee_id,
        "leave.to_decide",
        params,
        decision_actions(id_of(step), step.kind),
        card=CardRef(step.request_id, "step", step.id),
    )


def _open_stage(uow: UnitOfWork, request: LeaveRequest, now: datetime) -> list[Notice]:
    """Reach the next stage: notify its holders; file stages are done by notifying.

    Returns the notices, and settles the request when no decision is left."""
    notices: list[Notice] = []
    summary = _summary(uow, request, now.date())
    steps = list(uow.leaves.steps(id_of(request)))
    stage = rules.current_stage(_states(steps))
    for step in steps:
        reached = stage is None or step.stage <= stage
        if reached and step.notified_at is None:
            step.notified_at = now
            if step.kind == StepKind.FILE:
                step.decision, step.decided_at = Decision.FILED, now
            notices.append(_step_notice(step, summary))
    status = rules.outcome(LeaveTier(request.tier), _states(steps))
    if status != LeaveStatus.PENDING and request.status == LeaveStatus.PENDING:
        request.status, request.decided_at = status, now
        if status == LeaveStatus.APPROVED:
            notices.append(Notice(request.applicant_id, "leave.approved", summary))
    uow.flush()
    return notices


def _states(steps: list[LeaveStep]) -> list[rules.StepState]:
    return [
        rules.StepState(s.stage, StepKind(s.kind), Decision(s.decision) if s.decision else None)
        for s in steps
    ]


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
    notices += _open_stage(uow, request, now)
    key = "leave.recall_applicant" if tier is LeaveTier.RECALL else "leave.submitted"
    notices.append(Notice(applicant.id, key, _summary(uow, request, now.date())))
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


def _own_open_step(uow: UnitOfWork, actor: Person, step_id: int) -> tuple[LeaveStep, LeaveRequest]:
    """The step, if ``actor`` holds it and it awaits a decision now."""
    step = uow.leaves.step(step_id)
    if step is None or step.assignee_id != actor.id:
        raise DomainError("error.not_yours")
    request = uow.leaves.get(step.request_id)
    assert request is not None, "a step has its request"
    if step.decision is not None or request.status != LeaveStatus.PENDING:
        raise DomainError("error.already_decided")
    if step.notified_at is None or step.kind == StepKind.FILE:
        raise DomainError("leave.not_your_turn")
    if request.applicant_id == actor.id:
        raise DomainError("error.not_yours")
    return step, request


def decide(
    uow: UnitOfWork,
    actor: Person,
    *,
    step_id: int,
    approve: bool,
    now: datetime,
    text: str | None = None,
) -> LeaveOutcome:
    """The holder's yes or no at their step, which means what the step's kind says: a
    commenter's 同意/不同意 is an opinion and the request goes on either way; the unit
    applies or declines (over 10 days); an approver approves or rejects. A decline or a
    rejection ends the request. A no needs a reason (``text``, or the opinion written
    first with 添加意见), which the cadre and every later holder read."""
    step, request = _own_open_step(uow, actor, step_id)
    decision = rules.decision_for(StepKind(step.kind), approve)
    text = (text or "").strip()
    if len(text) > MAX_REASON:
        raise DomainError("leave.reason_too_long", limit=MAX_REASON, length=len(text))
    if text:
        step.comment = text
    if rules.needs_reason(decision) and not step.comment:
        raise DomainError("leave.why_required")
    step.decision, step.decided_at = decision, now
    uow.audit.record(
        now,
        actor.id,
        f"leave:{step.decision}",
        f"leave:{request.id}",
        step=step.id,
        role=step.role,
        comment=step.comment,
    )
    summary = _summary(uow, request, now.date())
    params = {**summary, "by": actor.name, "role": step.role, "comment": step.comment or ""}
    if decision in rules.ENDING:
        request.status, request.decided_at = LeaveStatus.REJECTED, now
        notices = [Notice(request.applicant_id, f"leave.step_{decision}", params)]
        for other in uow.leaves.steps(id_of(request)):
            if other.decision is None and other.notified_at and other.id != step.id:
                notices.append(Notice(other.assignee_id, "leave.closed", summary))
        uow.flush()
        return LeaveOutcome(request, notices)
    opened = _open_stage(uow, request, now)
    if request.status == LeaveStatus.APPROVED:
        return LeaveOutcome(request, opened)  # the outcome message says it all
    params["next"] = _next_steps(uow, request)
    told = Notice(request.applicant_id, f"leave.step_{decision}", params)
    return LeaveOutcome(request, [told, *opened])


def comment(uow: UnitOfWork, actor: Person, *, step_id: int, text: str, now: datetime) -> LeaveStep:
    step, request = _own_open_step(uow, actor, step_id)
    text = (text or "").strip()
    if not text:
        raise DomainError("leave.comment_empty")
    if len(text) > MAX_REASON:  # refused whole, never cut: a comment cut short misleads
        raise DomainError("leave.reason_too_long", limit=MAX_REASON, length=len(text))
    step.comment = text
    uow.audit.record(now, actor.id, "leave:comment", f"leave:{request.id}", step=step.id)
    uow.flush()
    return step


def deputies(uow: UnitOfWork, actor: Person, *, step_id: int) -> list[Person]:
    """Holders of the same role who may take over the step (转交)."""
    step, request = _own_open_step(uow, actor, step_id)
    same_role = uow.people.holders(
        actor.role,
        township_id=actor.township_id
        if actor.role in (Role.TOWNSHIP_LEADER, Role.TOWNSHIP_SECRETARY)
        else None,
        unit_id=actor.unit_id if actor.role == Role.UNIT_LEADER else None,
    )
    return [p for p in same_role if p.id not in (actor.id, request.applicant_id)]


def delegate(
    uow: UnitOfWork, actor: Person, *, step_id: int, deputy_id: int, now: datetime
) -> LeaveOutcome:
    if deputy_id not in {p.id for p in deputies(uow, actor, step_id=step_id)}:
        raise DomainError("leave.bad_deputy")
    step, request = _own_open_step(uow, actor, step_id)
    step.delegated_from_id, step.assignee_id = actor.id, deputy_id
    uow.audit.record(
        now, actor.id, "leave:delegate", f"leave:{request.id}", step=step.id, to=deputy_id
    )
    uow.flush()
    summary = _summary(uow, request, now.date())
    deputy = uow.people.get(deputy_id)
    assert deputy is not None, "deputies() lists stored people"
    return LeaveOutcome(
        request,
        [
            Notice(
                deputy_id,
                "leave.delegated_to_you",
                {**summary, "from": actor.name, "role": step.role, "kind": step.kind},
                decision_actions(id_of(step), step.kind),
                card=CardRef(id_of(request), "step", step.id),
            ),
            Notice(
                request.applicant_id,
                "leave.delegated",
                {**summary, "by": actor.name, "to": deputy.name},
            ),
        ],
    )


def withdraw(uow: UnitOfWork, applicant: Person, *, request_id: int, now: datetime) -> LeaveOutcome:
    request = uow.leaves.get(request_id)
    if request is None or request.applicant_id != applicant.id:
        raise DomainError("error.not_yours")
    if request.status != LeaveStatus.PENDING:
        raise DomainError("error.already_decided")
    request.status, request.decided_at = LeaveStatus.WITHDRAWN, now
    uow.audit.record(now, applicant.id, "leave:withdraw", f"leave:{request.id}")
    summary = _summary(uow, request, now.date())
    notices = [
        Notice(step.assignee_id, "leave.withdrawn_notice", summary)
        for step in uow.leaves.steps(id_of(request))
        if step.decision is None and step.notified_at is not None
    ]
    uow.flush()
    return LeaveOutcome(request, notices)


def history(uow: UnitOfWork, request: LeaveRequest) -> list[tuple[LeaveStep, Person | None]]:
    """The request's steps with their holders, in order (the opinions read it)."""
    steps = list(uow.leaves.steps(id_of(request)))
    people = uow.people.by_ids(s.assignee_id for s in steps)
    return [(s, people.get(s.assignee_id)) for s in steps]
