"""What every card and notice about a request says: the applicant and their village, the
days, the regulation's marks, the year's figures so far and the opinions given on the way;
and the buttons the holder of an open step gets."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from domain.leave import StepKind
from services.notices import Action, Notice
from services.standing import leave_days_in_year, onsite_days_in_year
from storage.ids import id_of
from storage.tables import LeaveRequest, LeaveStep, Person
from storage.unit_of_work import UnitOfWork


@dataclass
class LeaveOutcome:
    request: LeaveRequest
    notices: list[Notice] = field(default_factory=list)


def card_summary(uow: UnitOfWork, request: LeaveRequest, today: date) -> dict[str, Any]:
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


def history(uow: UnitOfWork, request: LeaveRequest) -> list[tuple[LeaveStep, Person | None]]:
    """The request's steps with their holders, in order (the opinions read it)."""
    steps = list(uow.leaves.steps(id_of(request)))
    people = uow.people.by_ids(s.assignee_id for s in steps)
    return [(s, people.get(s.assignee_id)) for s in steps]
