"""People: found by Telegram account (with their dialog), phone, id or role."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, cast

from sqlalchemy import bindparam
from sqlmodel import col, select

from storage.repositories._base import OpenDialog, Repository, in_chunks
from storage.tables import DialogState, Person

_PersonAndDialog = tuple[Person, str | None, str, dict[str, Any] | None]
_PERSON_AND_DIALOG = (
    select(Person, DialogState.dialog, DialogState.step, DialogState.data)
    .outerjoin(DialogState, col(DialogState.person_id) == col(Person.id))
    .where(col(Person.telegram_user_id) == bindparam("telegram_user_id"))
    .limit(1)
)


class PeopleRepository(Repository):
    def with_dialog(self, telegram_user_id: int) -> tuple[Person | None, OpenDialog | None]:
        """The person bound to this Telegram account and their open dialog, in one query:
        every update needs the person, and most look at or end the dialog."""
        row = self.session.execute(
            _PERSON_AND_DIALOG, {"telegram_user_id": telegram_user_id}
        ).first()
        if row is None:
            return None, None
        person, dialog, step, data = cast(_PersonAndDialog, row)
        return person, (OpenDialog(dialog, step, data or {}) if dialog is not None else None)

    def get(self, person_id: int) -> Person | None:
        return self.session.get(Person, person_id)

    def by_phone(self, phone: str) -> Person | None:
        return self.session.exec(select(Person).where(Person.phone == phone)).first()

    def by_telegram_id(self, telegram_user_id: int) -> Person | None:
        return self.session.exec(
            select(Person).where(Person.telegram_user_id == telegram_user_id)
        ).first()

    def all(self, roles: Iterable[str] | None = None) -> Sequence[Person]:
        query = select(Person).where(Person.active == True)  # noqa: E712
        if roles is not None:
            query = query.where(col(Person.role).in_(list(roles)))
        return self.session.exec(query.order_by(col(Person.id))).all()

    def holders(
        self,
        role: str,
        *,
        township_id: int | None = None,
        unit_id: int | None = None,
        village_id: int | None = None,
    ) -> Sequence[Person]:
        """Active people holding ``role`` in the given place (district roles: everywhere)."""
        query = select(Person).where(Person.role == role, Person.active == True)  # noqa: E712
        if township_id is not None:
            query = query.where(Person.township_id == township_id)
        if unit_id is not None:
            query = query.where(Person.unit_id == unit_id)
        if village_id is not None:
            query = query.where(Person.village_id == village_id)
        return self.session.exec(query.order_by(col(Person.id))).all()

    def by_ids(self, ids: Iterable[int]) -> dict[int, Person]:
        ids = list(set(ids))
        if not ids:
            return {}
        rows = self.session.exec(select(Person).where(col(Person.id).in_(ids))).all()
        return {p.id: p for p in rows if p.id is not None}

    def by_phones(self, phones: Iterable[str]) -> dict[str, Person]:
        """phone → person, for those of ``phones`` on the roster (an import's rows)."""
        people: dict[str, Person] = {}
        for part in in_chunks(phones):
            for person in self.session.exec(select(Person).where(col(Person.phone).in_(part))):
                people[person.phone] = person
        return people
