"""The durable inbox: updates stored as fetched, claimed with a lease one chat at a time
(see the package docstring), marked handled, released, renewed and pruned."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlmodel import Session

from storage.inbox.records import ClaimedUpdate, NewUpdate
from storage.inbox.statements import (
    _I,
    _O,
    _claim_statement,
    _dialect,
    _mark_handled_statement,
    _release_statement,
    _store_statement,
    _unsent,
    rowcount,
    touched,
)
from storage.tables import InboxUpdate


class InboxRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def shared(self) -> bool:
        """True unless the database is SQLite: other processes may then store and claim
        updates in the same inbox, so no claim found at start-up is known to be stale."""
        return _dialect(self.session) != "sqlite"

    def store(self, updates: Sequence[NewUpdate], now: datetime) -> set[int]:
        """Insert the updates, ignoring any already stored (same ``update_id``); returns the
        ids of those that were new."""
        if not updates:
            return set()
        rows = [
            {
                "update_id": u.update_id,
                "chat_id": u.chat_id,
                "payload": u.payload,
                "received_at": now,
                "handled_at": now if u.outcome is not None else None,
                "outcome": u.outcome,
                "error": u.error,
                "attempts": 0,
            }
            for u in updates
        ]
        return set(self.session.execute(_store_statement(_dialect(self.session)), rows).scalars())

    def claim(
        self,
        token: str,
        now: datetime,
        until: datetime,
        limit: int,
        busy_chats: Collection[int] = (),
    ) -> list[ClaimedUpdate]:
        """Claim for ``token`` the oldest unhandled update of up to ``limit`` chats that have
        nothing in flight (see the module docstring); ``busy_chats`` are chats this process
        is working on. A row this token already holds (a release that failed) is taken
        again unless its chat is busy."""
        rows = self.session.execute(
            _claim_statement(_dialect(self.session)),
            {
                "token": token,
                "now": now,
                "until": until,
                "limit": limit,
                "busy": sorted(busy_chats),
            },
        ).all()
        return sorted(
            (
                ClaimedUpdate(r.update_id, r.chat_id, dict(r.payload or {}), r.attempts)
                for r in rows
            ),
            key=lambda c: c.update_id,
        )

    def mark_handled(
        self, update_id: int, token: str, now: datetime, outcome: str, error: str | None = None
    ) -> bool:
        """Record the update as handled (the claim stays until the replies are out); False
        if this token no longer holds it (its lease lapsed and another worker took it)."""
        result = self.session.execute(
            _mark_handled_statement(),
            {
                "update": update_id,
                "token": token,
                "handled_at": now,
                "outcome": outcome,
                "error": error,
            },
        )
        return rowcount(result) == 1

    def release(self, update_id: int, token: str) -> None:
        """Hand the update's chat back (its replies are out, or handling must be retried)."""
        self.session.execute(_release_statement(), {"update": update_id, "token": token})

    def renew(
        self,
        token: str,
        until: datetime,
        update_ids: Collection[int],
        reply_ids: Collection[int],
    ) -> int:
        """Extend the leases of the updates and replies ``token`` is working on; any other
        claim of the token (say, a commit whose answer the database lost) is left to lapse
        so that the row is taken up again. Returns the row count.

        Rows another transaction has locked right now are skipped (``SKIP LOCKED`` on
        PostgreSQL): that transaction is this process's own worker marking the update
        handled or settling the replies, and the next renewal, a third of a lease later,
        gets them. Waiting for them instead deadlocked: a settlement locks replies, then
        their update; a renewal in one statement per table locked updates, then replies."""
        renewed = 0
        if update_ids:
            mine = (
                select(_I.c.update_id)
                .where(_I.c.claim_token == token, _I.c.update_id.in_(list(update_ids)))
                .with_for_update(skip_locked=True)
            )
            renewed += touched(
                self.session,
                update(_I)
                .where(_I.c.update_id.in_(mine.scalar_subquery()))
                .values(claimed_until=until),
            )
        if reply_ids:
            mine = (
                select(_O.c.id)
                .where(_O.c.claim_token == token, _O.c.id.in_(list(reply_ids)), _unsent())
                .with_for_update(skip_locked=True)
            )
            renewed += touched(
                self.session,
                update(_O).where(_O.c.id.in_(mine.scalar_subquery())).values(claimed_until=until),
            )
        return renewed

    def lapse(self, token: str, now: datetime) -> int:
        """End every lease ``token`` holds (a shutdown): other processes need not wait."""
        lapsed = touched(
            self.session, update(_I).where(_I.c.claim_token == token).values(claimed_until=now)
        )
        lapsed += touched(
            self.session,
            update(_O).where(_O.c.claim_token == token, _unsent()).values(claimed_until=now),
        )
        return lapsed

    def release_all(self) -> int:
        """Drop every claim (inbox and outbox). Only for a database one process uses
        (SQLite): at start-up every claim found belongs to a process that is gone."""
        released = touched(
            self.session, update(_I).where(_I.c.claim_token.is_not(None)).values(claim_token=None)
        )
        released += touched(
            self.session, update(_O).where(_O.c.claim_token.is_not(None)).values(claim_token=None)
        )
        return released

    def unhandled_by_chat(self) -> dict[int, int]:
        """How many updates each chat has stored and not yet handled: what a process that
        starts on a database it alone uses must know to claim a chat's next update as soon
        as the one before it is done."""
        rows = self.session.execute(
            select(_I.c.chat_id, func.count().label("updates"))
            .where(_I.c.handled_at.is_(None))
            .group_by(_I.c.chat_id)
        ).all()
        return {int(row.chat_id): int(row.updates) for row in rows}

    def unsettled(self) -> int:
        """Unhandled updates plus replies still to send (0: everything is done)."""
        updates: int = self.session.execute(
            select(func.count()).select_from(_I).where(_I.c.handled_at.is_(None))
        ).scalar_one()
        replies: int = self.session.execute(
            select(func.count()).select_from(_O).where(_unsent())
        ).scalar_one()
        return int(updates) + int(replies)

    def prune(self, before: datetime) -> int:
        """Forget handled updates and settled replies older than ``before``; an update must
        be kept as long as Telegram might deliver it again (about a day)."""
        removed = touched(
            self.session, delete(_I).where(_I.c.handled_at.is_not(None), _I.c.handled_at < before)
        )
        removed += touched(self.session, delete(_O).where(~_unsent(), _O.c.created_at < before))
        return removed

    def get(self, update_id: int) -> InboxUpdate | None:
        return self.session.get(InboxUpdate, update_id)
