"""Leave requests with their approval steps, and official duty records."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date

from sqlmodel import col, select

from storage.repositories._base import Repository
from storage.sweeps import DutySpan, duty_spans
from storage.tables import DutyRecord, LeaveRequest, LeaveStep


class LeaveRepository(Repository):
    def get(self, request_id: int) -> LeaveRequest | None:
        return self.session.get(LeaveRequest, request_id)

    def for_applicant(self, person_id: int) -> Sequence[LeaveRequest]:
        return self.session.exec(
            select(LeaveRequest)
            .where(LeaveRequest.applicant_id == person_id)
            .order_by(col(LeaveRequest.start).desc())
        ).all()

    def standing_for(self, person_id: int) -> Sequence[LeaveRequest]:
        """Requests that still hold their days: pending or approved."""
        return self.session.exec(
            select(LeaveRequest).where(
                LeaveRequest.applicant_id == person_id,
                col(LeaveRequest.status).in_(["pending", "approved"]),
            )
        ).all()

    def approved_between(self, person_id: int, first: date, last: date) -> Sequence[LeaveRequest]:
        return self._between(person_id, "approved", first, last)

    def pending_between(self, person_id: int, first: date, last: date) -> Sequence[LeaveRequest]:
        """Requests still waiting for a decision that overlap ``first``..``last``: their
        days are leave (pending), not absences, until a rejection or withdrawal (a 补假
        for days already past shows here with ``retroactive`` set)."""
        return self._between(person_id, "pending", first, last)

    def _between(
        self, person_id: int, status: str, first: date, last: date
    ) -> Sequence[LeaveRequest]:
        return self.session.exec(
            select(LeaveRequest)
            .where(
                LeaveRequest.applicant_id == person_id,
                LeaveRequest.status == status,
                LeaveRequest.start <= last,
                LeaveRequest.end >= first,
            )
            .order_by(col(LeaveRequest.start))
        ).all()

    def steps(self, request_id: int) -> Sequence[LeaveStep]:
        return self.session.exec(
            select(LeaveStep)
            .where(LeaveStep.request_id == request_id)
            .order_by(col(LeaveStep.stage), col(LeaveStep.id))
        ).all()

    def step(self, step_id: int) -> LeaveStep | None:
        return self.session.get(LeaveStep, step_id)

    def open_steps_for(self, assignee_id: int) -> Sequence[LeaveStep]:
        """Steps awaiting this person's decision whose stage has been reached."""
        return self.session.exec(
            select(LeaveStep)
            .join(LeaveRequest, col(LeaveRequest.id) == LeaveStep.request_id)
            .where(
                LeaveStep.assignee_id == assignee_id,
                col(LeaveStep.decision).is_(None),
                col(LeaveStep.notified_at).is_not(None),
                LeaveStep.kind != "file",
                LeaveRequest.status == "pending",
            )
            .order_by(col(LeaveStep.id))
        ).all()

    def all_rows(self) -> Sequence[LeaveRequest]:
        return self.session.exec(select(LeaveRequest).order_by(col(LeaveRequest.id))).all()


class DutyRepository(Repository):
    """Official duty days (公务): a cadre's records, and everyone's spans for the sweeps."""

    def for_person(self, person_id: int, first: date, last: date) -> Sequence[DutyRecord]:
        """The cadre's records sharing a day with ``first``..``last``, by start."""
        return self.session.exec(
            select(DutyRecord)
            .where(
                DutyRecord.person_id == person_id,
                DutyRecord.start <= last,
                DutyRecord.end >= first,
            )
            .order_by(col(DutyRecord.start), col(DutyRecord.id))
        ).all()

    def overlapping(self, person_id: int, start: date, end: date) -> DutyRecord | None:
        """A record of the cadre that shares a day with ``start``..``end``, if any: two
        records of one cadre never share a day."""
        found = self.for_person(person_id, start, end)
        return found[0] if found else None

    def spans(
        self, first: date, last: date, person_ids: Collection[int] | None = None
    ) -> dict[int, list[DutySpan]]:
        """Everyone's (or ``person_ids``') duty overlapping ``first``..``last`` in one
        query per 5,000 ids: person → [(start, end, kind), ...]."""
        return duty_spans(self.session, first, last, person_ids)
