"""Postings (``Assignment``): who is sent to which village, from when to when."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from sqlalchemy import BindParameter, bindparam, or_
from sqlmodel import col, select

from domain.roles import CADRE_ROLES
from storage.repositories._base import Repository, in_chunks
from storage.tables import Assignment, Person, Unit, Village

_ON: BindParameter[date] = bindparam("on")
_POSTING = (
    select(Assignment, Village)
    .join(Village, col(Village.id) == col(Assignment.village_id))
    .where(
        col(Assignment.person_id) == bindparam("person_id"),
        col(Assignment.start) <= _ON,
        or_(col(Assignment.end).is_(None), col(Assignment.end) >= _ON),
    )
    .order_by(col(Assignment.start).desc())
    .limit(1)
)


class AssignmentRepository(Repository):
    def for_people(self, person_ids: Iterable[int]) -> dict[int, list[Assignment]]:
        """person id → their postings by start (latest last), for ``person_ids``."""
        postings: dict[int, list[Assignment]] = {}
        for part in in_chunks(person_ids):
            query = (
                select(Assignment)
                .where(col(Assignment.person_id).in_(part))
                .order_by(col(Assignment.start), col(Assignment.id))
            )
            for posting in self.session.exec(query).all():
                postings.setdefault(posting.person_id, []).append(posting)
        return postings

    def posting(self, person_id: int, on: date) -> tuple[Assignment, Village] | None:
        """``current`` with its village, in one query (a check-in needs both)."""
        row = self.session.execute(_POSTING, {"person_id": person_id, "on": on}).first()
        return (row[0], row[1]) if row is not None else None

    def current(self, person_id: int, on: date) -> Assignment | None:
        """The posting in force on ``on``; the latest one started if several overlap."""
        return self.session.exec(
            select(Assignment)
            .where(
                Assignment.person_id == person_id,
                Assignment.start <= on,
                or_(col(Assignment.end).is_(None), col(Assignment.end) >= on),
            )
            .order_by(col(Assignment.start).desc())
        ).first()

    def latest(self, person_id: int) -> Assignment | None:
        return self.session.exec(
            select(Assignment)
            .where(Assignment.person_id == person_id)
            .order_by(col(Assignment.start).desc(), col(Assignment.id).desc())
        ).first()

    def cadres_posted(
        self, on: date, *, village_id: int | None = None, township_id: int | None = None
    ) -> list[tuple[Person, Assignment, Village]]:
        """Cadres posted on ``on`` (to a village, a township, or anywhere), in one query."""
        query = (
            select(Person, Assignment, Village)
            .join(Assignment, col(Assignment.person_id) == Person.id)
            .join(Village, col(Village.id) == Assignment.village_id)
            .where(
                Person.active == True,  # noqa: E712
                col(Person.role).in_([r.value for r in CADRE_ROLES]),
                Assignment.start <= on,
                or_(col(Assignment.end).is_(None), col(Assignment.end) >= on),
            )
        )
        if village_id is not None:
            query = query.where(Village.id == village_id)
        if township_id is not None:
            query = query.where(Village.township_id == township_id)
        return [(p, a, v) for p, a, v in self.session.exec(query.order_by(col(Person.id))).all()]

    def for_person(self, person_id: int) -> Sequence[Assignment]:
        return self.session.exec(
            select(Assignment)
            .where(Assignment.person_id == person_id)
            .order_by(col(Assignment.start))
        ).all()

    def recalls_pending(self) -> list[tuple[Person, Assignment, Village, Unit]]:
        """Postings a confirmed recall marked, awaiting a replacement, by village."""
        query = (
            select(Person, Assignment, Village, Unit)
            .join(Assignment, col(Assignment.person_id) == Person.id)
            .join(Village, col(Village.id) == Assignment.village_id)
            .join(Unit, col(Unit.id) == Assignment.unit_id)
            .where(col(Assignment.recall_pending) == True)  # noqa: E712
            .order_by(col(Village.name), col(Person.name), col(Assignment.id))
        )
        return [(p, a, v, u) for p, a, v, u in self.session.exec(query).all()]

    def replaced_by(self, village_id: int, role: str, start: date) -> list[Assignment]:
        """Open postings to ``village_id`` of a cadre of ``role`` that a confirmed recall
        marked: a new posting of that role starting on ``start`` replaces them."""
        return list(
            self.session.exec(
                select(Assignment)
                .join(Person, col(Person.id) == Assignment.person_id)
                .where(
                    Assignment.village_id == village_id,
                    col(Assignment.recall_pending) == True,  # noqa: E712
                    Person.role == role,
                    or_(col(Assignment.end).is_(None), col(Assignment.end) >= start),
                )
            ).all()
        )
