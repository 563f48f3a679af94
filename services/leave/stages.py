"""A request moving along its route (Art. 11): a stage is reached once the one before it
is decided; its holders are told, file stages are done by telling, and the request is
settled when no decision is left."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from domain import leave as rules
from domain.leave import Decision, LeaveStatus, LeaveTier, StepKind
from domain.roles import Role
from services.leave.summary import card_summary, decision_actions
from services.notices import CardRef, Notice
from storage.ids import id_of
from storage.tables import LeaveRequest, LeaveStep
from storage.unit_of_work import UnitOfWork

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


def open_stage(uow: UnitOfWork, request: LeaveRequest, now: datetime) -> list[Notice]:
    """Reach the next stage: notify its holders; file stages are done by notifying.

    Returns the notices, and settles the request when no decision is left."""
    notices: list[Notice] = []
    summary = card_summary(uow, request, now.date())
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
