"""The read model of the exports (``uow.exports``): every record of a kind, in file order.

Each kind is a handful of set-based queries (never one per row), returned as the rows
and the phones and names joined to them; ``services.exports`` turns them into records.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select as sa_select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from storage.tables import (
    CheckIn,
    DiaryEntry,
    DiarySignoff,
    LeaveRequest,
    LeaveStep,
    Person,
    Township,
    Unit,
    Village,
)

#: (name, phone, role, township, village, unit, telegram user id, active) of a person.
PersonRow = tuple[str, str, str, str | None, str | None, str | None, int | None, bool]


class ExportQueries:
    """Every record of an export kind, with what it is joined to."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def people(self) -> list[PersonRow]:
        """Everyone with the names of their places, by id."""
        query = (
            sa_select(
                col(Person.name),
                col(Person.phone),
                col(Person.role),
                col(Township.name),
                col(Village.name),
                col(Unit.name),
                col(Person.telegram_user_id),
                col(Person.active),
            )
            .select_from(Person)
            .outerjoin(Township, col(Township.id) == Person.township_id)
            .outerjoin(Village, col(Village.id) == Person.village_id)
            .outerjoin(Unit, col(Unit.id) == Person.unit_id)
            .order_by(col(Person.id))
        )
        rows: Sequence[Any] = self._session.execute(query).all()
        return list(rows)

    def checkins(self) -> list[tuple[CheckIn, str]]:
        """Every check-in with its person's phone, by person and time."""
        query = (
            select(CheckIn, Person.phone)
            .join(Person, col(Person.id) == CheckIn.person_id)
            .order_by(col(CheckIn.person_id), col(CheckIn.at), col(CheckIn.id))
        )
        return list(self._session.exec(query))

    def diaries(self) -> list[tuple[DiaryEntry, str, str | None, str | None]]:
        """Every diary entry with its writer's phone and the names of who signed it for
        the week and confirmed it for the month, by person and day."""
        week, month = aliased(DiarySignoff), aliased(DiarySignoff)
        week_signer, month_signer = aliased(Person), aliased(Person)
        query = (
            select(DiaryEntry, Person.phone, week_signer.name, month_signer.name)
            .join(Person, col(Person.id) == DiaryEntry.person_id)
            .outerjoin(week, col(week.id) == DiaryEntry.week_signoff_id)
            .outerjoin(week_signer, col(week_signer.id) == week.signer_id)
            .outerjoin(month, col(month.id) == DiaryEntry.month_signoff_id)
            .outerjoin(month_signer, col(month_signer.id) == month.signer_id)
            .order_by(col(DiaryEntry.person_id), col(DiaryEntry.day), col(DiaryEntry.id))
        )
        return list(self._session.exec(query))

    def leave_steps(self) -> list[tuple[LeaveStep, str]]:
        """Every approval step with its holder's phone, by request and stage."""
        query = (
            select(LeaveStep, Person.phone)
            .join(Person, col(Person.id) == LeaveStep.assignee_id)
            .order_by(col(LeaveStep.request_id), col(LeaveStep.stage), col(LeaveStep.id))
        )
        return list(self._session.exec(query))

    def leave_requests(self) -> list[tuple[LeaveRequest, str]]:
        """Every leave request with its applicant's phone, by id."""
        query = (
            select(LeaveRequest, Person.phone)
            .join(Person, col(Person.id) == LeaveRequest.applicant_id)
            .order_by(col(LeaveRequest.id))
        )
        return list(self._session.exec(query))
