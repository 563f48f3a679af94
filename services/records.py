"""The stored records a conversation names by id (a button's person, request, step or
township), read for the handlers so that they reach the database only through services.

Each returns None for an id that is gone; the handler decides whether that is a stale
button (answered as such) or an invariant (``bot.handlers.context.known``).
"""

from __future__ import annotations

from collections.abc import Sequence

from storage.ids import id_of
from storage.tables import LeaveRequest, LeaveStep, Person, Township
from storage.unit_of_work import UnitOfWork


def person(uow: UnitOfWork, person_id: int) -> Person | None:
    return uow.people.get(person_id)


def leave_request(uow: UnitOfWork, request_id: int) -> LeaveRequest | None:
    return uow.leaves.get(request_id)


def leave_step(uow: UnitOfWork, step_id: int) -> LeaveStep | None:
    return uow.leaves.step(step_id)


def township(uow: UnitOfWork, township_id: int) -> Township | None:
    return uow.places.township_by_id(township_id)


def requests_of(uow: UnitOfWork, applicant: Person) -> Sequence[LeaveRequest]:
    """The applicant's leave requests, as /myleave lists them."""
    return uow.leaves.for_applicant(id_of(applicant))
