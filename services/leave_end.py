"""销假: a cadre back early ends an approved leave.

The cadre picks the day they are back (today or tomorrow); the leave's days from then on
are released: the request's ``end`` becomes the day before, so every figure (the ledger,
/status, the sheets) counts those days as ordinary days again, on site or absent as the
evidence says. The last day as approved stays in ``approved_end`` and the audit log. The
approvers who decided the leave, and the departments it was filed with, are told.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from domain import leave_end as rules
from domain.errors import DomainError
from domain.leave import LeaveStatus
from services.leave import LeaveOutcome
from services.notices import Notice
from storage.ids import id_of
from storage.tables import LeaveRequest, Person
from storage.unit_of_work import UnitOfWork


def back_days(request: LeaveRequest, today: date) -> list[date]:
    """The days the cadre may say they are back on (``domain.leave_end``): none unless
    the request is an approved leave not ended early already."""
    if request.status != LeaveStatus.APPROVED or request.approved_end is not None:
        return []
    return rules.back_days(request.start, request.end, today)


def end_leave(
    uow: UnitOfWork, applicant: Person, *, request_id: int, back_on: date, now: datetime
) -> LeaveOutcome:
    """End the applicant's approved leave the day before ``back_on``."""
    request = uow.leaves.get(request_id)
    if request is None or request.applicant_id != applicant.id:
        raise DomainError("error.not_yours")
    if request.approved_end is not None:
        raise DomainError("leave.already_ended", id=request.id, back=request.end + timedelta(1))
    if request.status != LeaveStatus.APPROVED:
        raise DomainError("leave.end_not_approved", id=request.id)
    if back_on not in back_days(request, now.date()):
        raise DomainError("leave.end_bad_day", back=back_on, start=request.start, end=request.end)
    left = rules.ended(request.start, back_on)
    request.approved_end, request.end, request.days = request.end, left.end, left.days
    uow.audit.record(
        now,
        applicant.id,
        "leave:end",
        f"leave:{request.id}",
        back_on=back_on.isoformat(),
        approved_end=request.approved_end.isoformat(),
        days=request.days,
    )
    uow.flush()
    params = {
        "id": request.id,
        "name": applicant.name,
        "start": request.start,
        "end": request.end,
        "days": request.days,
        "back": back_on,
        "approved_end": request.approved_end,
    }
    told = {
        step.assignee_id
        for step in uow.leaves.steps(id_of(request))
        if step.decision is not None  # every opinion, application, approval and filing
    }
    notices = [Notice(person_id, "leave.ended_notice", params) for person_id in sorted(told)]
    return LeaveOutcome(request, notices)
