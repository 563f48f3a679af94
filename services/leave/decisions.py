"""What the holders of a pending request and its applicant do with it: decide a step,
write an opinion first, hand the step over (转交), withdraw the request."""

from __future__ import annotations

from datetime import datetime

from domain import leave as rules
from domain.errors import DomainError
from domain.leave import LeaveStatus, StepKind
from domain.roles import Role
from services.leave.filing import MAX_REASON
from services.leave.stages import open_stage
from services.leave.summary import LeaveOutcome, card_summary, decision_actions
from services.notices import CardRef, Notice
from storage.ids import id_of
from storage.tables import LeaveRequest, LeaveStep, Person
from storage.unit_of_work import UnitOfWork


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


def _next_steps(uow: UnitOfWork, request: LeaveRequest) -> list[dict[str, str]]:
    """Who holds the request now (role and kind of each open step), for the cadre."""
    return [
        {"role": step.role, "kind": step.kind}
        for step in uow.leaves.steps(id_of(request))
        if step.decision is None and step.notified_at is not None and step.kind != StepKind.FILE
    ]


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
    summary = card_summary(uow, request, now.date())
    params = {**summary, "by": actor.name, "role": step.role, "comment": step.comment or ""}
    if decision in rules.ENDING:
        request.status, request.decided_at = LeaveStatus.REJECTED, now
        notices = [Notice(request.applicant_id, f"leave.step_{decision}", params)]
        for other in uow.leaves.steps(id_of(request)):
            if other.decision is None and other.notified_at and other.id != step.id:
                notices.append(Notice(other.assignee_id, "leave.closed", summary))
        uow.flush()
        return LeaveOutcome(request, notices)
    opened = open_stage(uow, request, now)
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
    summary = card_summary(uow, request, now.date())
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
    summary = card_summary(uow, request, now.date())
    notices = [
        Notice(step.assignee_id, "leave.withdrawn_notice", summary)
        for step in uow.leaves.steps(id_of(request))
        if step.decision is None and step.notified_at is not None
    ]
    uow.flush()
    return LeaveOutcome(request, notices)
