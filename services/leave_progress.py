"""Where a leave request stands, step by step, for the applicant's /myleave."""

from __future__ import annotations

from dataclasses import dataclass

from domain.leave import LeaveStatus
from storage.ids import id_of
from storage.tables import LeaveRequest, LeaveStep, Person
from storage.unit_of_work import UnitOfWork

#: A step's state besides its decision: ``now`` (open, its holder's turn), ``not_yet``
#: (a later stage, not open yet), ``withdrawn`` (the request was withdrawn before it
#: came to it) and ``closed`` (the request ended without needing it: a rejection).
NOW, NOT_YET, WITHDRAWN, CLOSED = "now", "not_yet", "withdrawn", "closed"


@dataclass(frozen=True)
class StepProgress:
    step: LeaveStep
    holder: Person | None
    #: The decision (approved, rejected, filed) or one of the states above.
    state: str


def progress(uow: UnitOfWork, request: LeaveRequest) -> list[StepProgress]:
    """Each step of the request in route order with its state, so the cadre sees whose
    turn it is (the open step and its holder) and what will not happen any more."""
    steps = list(uow.leaves.steps(id_of(request)))
    people = uow.people.by_ids(s.assignee_id for s in steps)
    return [StepProgress(s, people.get(s.assignee_id), _state(request, s)) for s in steps]


def _state(request: LeaveRequest, step: LeaveStep) -> str:
    if step.decision is not None:
        return step.decision
    if request.status == LeaveStatus.WITHDRAWN:
        return WITHDRAWN
    if request.status == LeaveStatus.PENDING:
        return NOW if step.notified_at is not None else NOT_YET
    return CLOSED
