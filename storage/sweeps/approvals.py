"""What waits for a decision: pending leave requests, open approval steps, claims.

Read roster-wide in one grouped statement each, for the weekly pushes and the reminders
of steps left open."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, func, select
from sqlmodel import Session

from storage.sweeps._sql import _L, _S, _driver_rows, _rows
from storage.tables import MissedDayClaim, table_of


def pending_requests_by_applicant(session: Session) -> dict[int, int]:
    query = (
        select(_L.c.applicant_id, func.count())
        .where(_L.c.status == "pending")
        .group_by(_L.c.applicant_id)
    )
    return dict(_driver_rows(session, query))


def _open_step_filter() -> Any:
    """A step awaiting its holder: reached, undecided, not a filing, request still pending
    (the same test as ``LeaveRepository.open_steps_for``)."""
    return and_(
        _S.c.decision.is_(None),
        _S.c.notified_at.is_not(None),
        _S.c.kind != "file",
        _L.c.status == "pending",
    )


def still_open_steps(session: Session, step_ids: Collection[int]) -> dict[int, int]:
    """Of ``step_ids``, the steps still awaiting their holder, with that holder (a step
    may have been handed over since its reminder was planned)."""
    if not step_ids:
        return {}
    query = (
        select(_S.c.id, _S.c.assignee_id)
        .select_from(_S.join(_L, _L.c.id == _S.c.request_id))
        .where(_S.c.id.in_(sorted(step_ids)), _open_step_filter())
    )
    return {step_id: assignee for step_id, assignee in _rows(session, query)}


def open_steps_by_assignee(session: Session) -> dict[int, int]:
    query = (
        select(_S.c.assignee_id, func.count())
        .select_from(_S.join(_L, _L.c.id == _S.c.request_id))
        .where(_open_step_filter())
        .group_by(_S.c.assignee_id)
    )
    return {pid: n for pid, n in _rows(session, query)}


def pending_claims_by_assignee(session: Session) -> dict[int, int]:
    table = table_of(MissedDayClaim)
    query = (
        select(table.c.assignee_id, func.count())
        .where(table.c.status == "pending", table.c.assignee_id.is_not(None))
        .group_by(table.c.assignee_id)
    )
    return {pid: n for pid, n in _rows(session, query)}


@dataclass(frozen=True)
class OpenStepRow:
    step_id: int
    request_id: int
    kind: str
    role: str
    assignee_id: int
    notified_at: datetime
    applicant_id: int
    start: date
    end: date
    days: int
    retroactive: bool


def open_steps(session: Session, notified_before: datetime) -> list[OpenStepRow]:
    """Steps awaiting their holder since before ``notified_before``."""
    query = (
        select(
            _S.c.id,
            _L.c.id,
            _S.c.kind,
            _S.c.role,
            _S.c.assignee_id,
            _S.c.notified_at,
            _L.c.applicant_id,
            _L.c.start,
            _L.c.end,
            _L.c.days,
            _L.c.retroactive,
        )
        .select_from(_S.join(_L, _L.c.id == _S.c.request_id))
        .where(_open_step_filter(), _S.c.notified_at <= notified_before)
        .order_by(_S.c.id)
    )
    return [OpenStepRow(*row) for row in _rows(session, query)]


class ApprovalQueries:
    """Requests, steps and claims waiting, within one unit of work (``uow.approvals``)."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def pending_requests_by_applicant(self) -> dict[int, int]:
        """Pending leave requests per applicant."""
        return pending_requests_by_applicant(self._session)

    def still_open_steps(self, step_ids: Collection[int]) -> dict[int, int]:
        """See ``still_open_steps``."""
        return still_open_steps(self._session, step_ids)

    def open_steps_by_assignee(self) -> dict[int, int]:
        """Steps awaiting each holder."""
        return open_steps_by_assignee(self._session)

    def pending_claims_by_assignee(self) -> dict[int, int]:
        """Missed-day claims awaiting each holder."""
        return pending_claims_by_assignee(self._session)

    def open_steps(self, notified_before: datetime) -> list[OpenStepRow]:
        """See ``open_steps``."""
        return open_steps(self._session, notified_before)
