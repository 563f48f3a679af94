"""What waits for an approver (/status, and the welcome when they bind): the leave steps
whose turn has come to them with each request and its applicant, the 补卡 claims with their
cadre, and for the district the postings a confirmed recall marked (Art. 11)."""

from __future__ import annotations

from dataclasses import dataclass

from storage.ids import id_of
from storage.tables import (
    Assignment,
    LeaveRequest,
    LeaveStep,
    MissedDayClaim,
    Person,
    Unit,
    Village,
)
from storage.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class WaitingStep:
    step: LeaveStep
    request: LeaveRequest
    applicant: Person


@dataclass(frozen=True)
class WaitingClaim:
    claim: MissedDayClaim
    cadre: Person


@dataclass(frozen=True)
class Worklist:
    """How many of each wait, and the first ``shown`` of each with what their cards need."""

    step_count: int
    claim_count: int
    steps: list[WaitingStep]
    claims: list[WaitingClaim]


def worklist(uow: UnitOfWork, approver: Person, shown: int) -> Worklist:
    steps = uow.leaves.open_steps_for(id_of(approver))
    claims = uow.claims.pending_for(id_of(approver))
    waiting_steps = []
    for step in steps[:shown]:
        request = uow.leaves.get(step.request_id)
        assert request is not None, "a step has its request"
        applicant = uow.people.get(request.applicant_id)
        assert applicant is not None, "a request has its applicant"
        waiting_steps.append(WaitingStep(step, request, applicant))
    waiting_claims = []
    for claim in claims[:shown]:
        cadre = uow.people.get(claim.person_id)
        assert cadre is not None, "a claim has its cadre"
        waiting_claims.append(WaitingClaim(claim, cadre))
    return Worklist(len(steps), len(claims), waiting_steps, waiting_claims)


def recalls_pending(uow: UnitOfWork) -> list[tuple[Person, Assignment, Village, Unit]]:
    """Postings a confirmed recall marked, awaiting the roster's replacement."""
    return uow.assignments.recalls_pending()
