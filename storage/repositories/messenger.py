"""Numbers for messenger accounts whose ids are strings (see ``MessengerAccount``)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import col, select

from domain.roles import CADRE_ROLES
from storage.repositories._base import Repository
from storage.tables.messenger import MessengerAccount
from storage.tables.roster import Person

#: Chat numbers of messenger accounts start here: far above any Telegram user id (about
#: 10^10 today), so a database that once served Telegram never confuses the two.
ACCOUNT_BASE = 10**15


class MessengerAccountRepository(Repository):
    def number_for(self, messenger: str, external_id: str, now: datetime) -> int:
        """The account's chat number, given it on first sight (flushed, not committed:
        the caller's unit of work commits)."""
        found = self.session.exec(
            select(MessengerAccount).where(
                MessengerAccount.messenger == messenger,
                MessengerAccount.external_id == external_id,
            )
        ).first()
        if found is None:
            found = MessengerAccount(messenger=messenger, external_id=external_id, created_at=now)
            self.session.add(found)
            self.session.flush()
        assert found.id is not None
        return ACCOUNT_BASE + found.id

    def external_id(self, messenger: str, number: int) -> str | None:
        """The account id behind a chat number, or None if it is not one of ours."""
        if number <= ACCOUNT_BASE:
            return None
        found = self.session.get(MessengerAccount, number - ACCOUNT_BASE)
        if found is None or found.messenger != messenger:
            return None
        return found.external_id

    def bound_cadres(self, messenger: str) -> dict[str, Person]:
        """Account id → the active cadre bound to it (one query)."""
        rows = self.session.exec(
            select(MessengerAccount.external_id, Person)
            .join(Person, col(Person.telegram_user_id) == ACCOUNT_BASE + col(MessengerAccount.id))
            .where(
                MessengerAccount.messenger == messenger,
                Person.active == True,  # noqa: E712
                col(Person.role).in_([str(role) for role in CADRE_ROLES]),
            )
        ).all()
        return {external_id: person for external_id, person in rows}
