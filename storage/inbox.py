"""Repositories of the durable inbox (``InboxUpdate``) and the reply outbox
(``ReplyOutbox``); like every repository they never commit.

Claims are rows, not process memory, so they hold across processes: a worker writes its
token and a lease (``claimed_until``) into the row it takes, repeats the "still claimable"
test in the ``UPDATE`` itself (PostgreSQL re-checks it after taking the row lock, SQLite
serialises writers) and, on PostgreSQL, selects with ``FOR UPDATE SKIP LOCKED`` so two
workers never queue on each other's rows. A worker renews its leases while it works; the
claims of a process that died lapse when their lease runs out.

Per-chat order: only the oldest unhandled update of a chat can be claimed, and only while
no other update of that chat is claimed (a worker keeps its claim until the replies are
out) and no reply to that chat is still waiting to be sent. So one chat has at most one
update in flight, its replies go out in order, and different chats go on concurrently.
"""

from __future__ import annotations

import functools
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Integer, and_, bindparam, delete, exists, func, insert, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session

from storage.tables import InboxUpdate, ReplyOutbox

_I = InboxUpdate.__table__
_O = ReplyOutbox.__table__


def _dialect(session: Session) -> str:
    bind = session.get_bind()
    return bind.dialect.name


@dataclass(frozen=True)
class NewUpdate:
    """An update as fetched: ``outcome`` set stores it as already settled (a kind the bot
    does not handle, or one it cannot read), so it is recorded but never claimed."""

    update_id: int
    chat_id: int
    payload: dict[str, Any]
    outcome: str | None = None
    error: str | None = None


@dataclass(frozen=True)
class ClaimedUpdate:
    update_id: int
    chat_id: int
    payload: dict[str, Any]
    attempts: int


@dataclass(frozen=True)
class ClaimedReply:
    id: int
    update_id: int | None
    chat_id: int
    payload: dict[str, Any]
    blob: bytes | None
    attempts: int


def _unsent() -> Any:
    return and_(_O.c.sent_at.is_(None), _O.c.failed.is_(None))


@functools.cache
def _claim_statement(dialect: str) -> Any:
    """The claim (see ``InboxRepository.claim``), built once per dialect with bind
    parameters: building it (aliases, correlated ``EXISTS``, its cache key) on every call
    cost more than running it."""
    token, now = bindparam("token"), bindparam("now")
    other = _I.alias("other")
    blocked = (
        exists()
        .where(
            other.c.chat_id == _I.c.chat_id,
            other.c.update_id != _I.c.update_id,
            or_(
                and_(other.c.update_id < _I.c.update_id, other.c.handled_at.is_(None)),
                and_(
                    other.c.claim_token.is_not(None),
                    other.c.claim_token != token,
                    other.c.claimed_until >= now,
                ),
            ),
        )
        .correlate(_I)
    )
    replies_waiting = exists().where(_O.c.chat_id == _I.c.chat_id, _unsent()).correlate(_I)
    claimable = and_(
        _I.c.handled_at.is_(None),
        or_(_I.c.claim_token.is_(None), _I.c.claim_token == token, _I.c.claimed_until < now),
    )
    candidates = (
        select(_I.c.update_id)
        .where(
            claimable,
            ~blocked,
            ~replies_waiting,
            _I.c.chat_id.not_in(bindparam("busy", expanding=True)),
        )
        .order_by(_I.c.update_id)
        .limit(bindparam("limit", type_=Integer))
    )
    claim = update(_I).values(
        claim_token=token, claimed_until=bindparam("until"), attempts=_I.c.attempts + 1
    )
    if dialect == "postgresql":
        chosen = candidates.with_for_update(skip_locked=True, of=_I).cte("chosen")
        claim = claim.where(_I.c.update_id == chosen.c.update_id, claimable)
    else:
        claim = claim.where(_I.c.update_id.in_(candidates.scalar_subquery()), claimable)
    return claim.returning(_I.c.update_id, _I.c.chat_id, _I.c.payload, _I.c.attempts)


@functools.cache
def _mark_handled_statement() -> Any:
    token = bindparam("token")
    return (
        update(_I)
        .where(
            _I.c.update_id == bindparam("update"),
            _I.c.claim_token == token,
            _I.c.handled_at.is_(None),
        )
        .values(
            handled_at=bindparam("handled_at"),
            outcome=bindparam("outcome"),
            error=bindparam("error"),
            handled_by=token,
        )
    )


@functools.cache
def _store_statement(dialect: str) -> Any:
    """Built once and run with a list of rows: SQLAlchemy batches them into multi-row
    ``INSERT``s from one compiled form (a statement built with ``.values(rows)`` was
    compiled anew for every batch, which cost more than running it)."""
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    return insert(_I).on_conflict_do_nothing(index_elements=["update_id"]).returning(_I.c.update_id)


@functools.cache
def _add_replies_statement() -> Any:
    return insert(_O).returning(_O.c.id, sort_by_parameter_order=True)


@functools.cache
def _release_statement() -> Any:
    return (
        update(_I)
        .where(_I.c.update_id == bindparam("update"), _I.c.claim_token == bindparam("token"))
        .values(claim_token=None, claimed_until=None)
    )


class InboxRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

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
        return result.rowcount == 1

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
            renewed += self.session.execute(
                update(_I)
                .where(_I.c.update_id.in_(mine.scalar_subquery()))
                .values(claimed_until=until)
            ).rowcount
        if reply_ids:
            mine = (
                select(_O.c.id)
                .where(_O.c.claim_token == token, _O.c.id.in_(list(reply_ids)), _unsent())
                .with_for_update(skip_locked=True)
            )
            renewed += self.session.execute(
                update(_O).where(_O.c.id.in_(mine.scalar_subquery())).values(claimed_until=until)
            ).rowcount
        return renewed

    def lapse(self, token: str, now: datetime) -> int:
        """End every lease ``token`` holds (a shutdown): other processes need not wait."""
        lapsed = self.session.execute(
            update(_I).where(_I.c.claim_token == token).values(claimed_until=now)
        ).rowcount
        lapsed += self.session.execute(
            update(_O).where(_O.c.claim_token == token, _unsent()).values(claimed_until=now)
        ).rowcount
        return lapsed

    def release_all(self) -> int:
        """Drop every claim (inbox and outbox). Only for a database one process uses
        (SQLite): at start-up every claim found belongs to a process that is gone."""
        released = self.session.execute(
            update(_I).where(_I.c.claim_token.is_not(None)).values(claim_token=None)
        ).rowcount
        released += self.session.execute(
            update(_O).where(_O.c.claim_token.is_not(None)).values(claim_token=None)
        ).rowcount
        return released

    def unhandled_by_chat(self) -> dict[int, int]:
        """How many updates each chat has stored and not yet handled: what a process that
        starts on a database it alone uses must know to claim a chat's next update as soon
        as the one before it is done."""
        rows = self.session.execute(
            select(_I.c.chat_id, func.count())
            .where(_I.c.handled_at.is_(None))
            .group_by(_I.c.chat_id)
        ).all()
        return {int(chat_id): int(count) for chat_id, count in rows}

    def unsettled(self) -> int:
        """Unhandled updates plus replies still to send (0: everything is done)."""
        updates = self.session.execute(
            select(func.count()).select_from(_I).where(_I.c.handled_at.is_(None))
        ).scalar_one()
        replies = self.session.execute(
            select(func.count()).select_from(_O).where(_unsent())
        ).scalar_one()
        return int(updates) + int(replies)

    def prune(self, before: datetime) -> int:
        """Forget handled updates and settled replies older than ``before``; an update must
        be kept as long as Telegram might deliver it again (about a day)."""
        removed = self.session.execute(
            delete(_I).where(_I.c.handled_at.is_not(None), _I.c.handled_at < before)
        ).rowcount
        removed += self.session.execute(
            delete(_O).where(~_unsent(), _O.c.created_at < before)
        ).rowcount
        return removed

    def get(self, update_id: int) -> InboxUpdate | None:
        return self.session.get(InboxUpdate, update_id)


class ReplyRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(
        self,
        *,
        update_id: int | None,
        chat_id: int,
        payload: dict[str, Any],
        blob: bytes | None,
        now: datetime,
        token: str | None = None,
        until: datetime | None = None,
    ) -> int:
        """Store one reply (see ``add_many``). Returns its id."""
        [reply_id] = self.add_many(
            update_id, [(chat_id, payload, blob)], now, token=token, until=until
        )
        return reply_id

    def add_many(
        self,
        update_id: int | None,
        replies: Sequence[tuple[int, dict[str, Any], bytes | None]],
        now: datetime,
        *,
        token: str | None = None,
        until: datetime | None = None,
    ) -> list[int]:
        """Store replies, ``(chat id, payload, blob)`` each, in one statement; with
        ``token`` they are born claimed by the worker that sends them right after the
        commit. Returns their ids in the given order."""
        if not replies:
            return []
        rows = [
            {
                "update_id": update_id,
                "chat_id": chat_id,
                "payload": payload,
                "blob": blob,
                "created_at": now,
                "claim_token": token,
                "claimed_until": until if token is not None else None,
                "attempts": 0,
            }
            for chat_id, payload, blob in replies
        ]
        return list(self.session.execute(_add_replies_statement(), rows).scalars())

    def claim(self, token: str, now: datetime, lease: timedelta, limit: int) -> list[ClaimedReply]:
        """``claim_orphans`` until ``now + lease``: the outbox claim protocol
        (``storage.outbox.ClaimedOutbox``)."""
        return self.claim_orphans(token, now, now + lease, limit)

    def claim_orphans(
        self, token: str, now: datetime, until: datetime, limit: int
    ) -> list[ClaimedReply]:
        """Claim the unsent replies nobody is sending (their worker died, or Telegram failed
        and their retry is due): every such reply of up to ``limit`` chats whose oldest
        unsent reply is among them, so each chat's replies still go out in order."""
        earlier = _O.alias("earlier")
        free = or_(_O.c.claim_token.is_(None), _O.c.claimed_until < now)
        due = or_(_O.c.next_attempt_at.is_(None), _O.c.next_attempt_at <= now)
        first_of_chat = ~(
            exists()
            .where(
                earlier.c.chat_id == _O.c.chat_id,
                earlier.c.id < _O.c.id,
                earlier.c.sent_at.is_(None),
                earlier.c.failed.is_(None),
            )
            .correlate(_O)
        )
        heads = (
            select(_O.c.chat_id).where(_unsent(), free, due, first_of_chat).order_by(_O.c.id)
        ).limit(limit)
        if _dialect(self.session) == "postgresql":
            heads = heads.with_for_update(skip_locked=True, of=_O)
        chats = list(self.session.execute(heads).scalars())
        if not chats:
            return []
        claim = (
            update(_O)
            .where(_O.c.chat_id.in_(chats), _unsent(), free)
            .values(claim_token=token, claimed_until=until, attempts=_O.c.attempts + 1)
            .returning(
                _O.c.id, _O.c.update_id, _O.c.chat_id, _O.c.payload, _O.c.blob, _O.c.attempts
            )
        )
        rows = self.session.execute(claim).all()
        return sorted(
            (
                ClaimedReply(
                    r.id, r.update_id, r.chat_id, dict(r.payload or {}), r.blob, r.attempts
                )
                for r in rows
            ),
            key=lambda c: c.id,
        )

    def mark_sent(
        self, reply_id: int, token: str, now: datetime, message_id: int | None = None
    ) -> bool:
        """Record a delivered reply; False if the claim was lost meanwhile."""
        result = self.session.execute(
            update(_O)
            .where(_O.c.id == reply_id, _O.c.claim_token == token)
            .values(sent_at=now, message_id=message_id, claim_token=None, claimed_until=None)
        )
        return result.rowcount == 1

    def mark_sent_many(
        self, sent: Sequence[tuple[int, int | None]], token: str, now: datetime
    ) -> int:
        """Record delivered replies, ``(reply id, message id)`` each, in one statement;
        returns how many this token still held."""
        if not sent:
            return 0
        statement = (
            update(_O)
            .where(_O.c.id == bindparam("reply_id"), _O.c.claim_token == token)
            .values(
                sent_at=now,
                message_id=bindparam("sent_message_id"),
                claim_token=None,
                claimed_until=None,
            )
        )
        rows = [{"reply_id": r, "sent_message_id": m} for r, m in sent]
        connection = self.session.connection()
        return connection.execute(statement, rows).rowcount

    def mark_failed(self, reply_id: int, token: str, reason: str) -> bool:
        """Close a reply that can never be delivered (the person blocked the bot, Telegram
        refused the request)."""
        result = self.session.execute(
            update(_O)
            .where(_O.c.id == reply_id, _O.c.claim_token == token)
            .values(failed=reason, claim_token=None, claimed_until=None)
        )
        return result.rowcount == 1

    def retry_later(
        self, reply_id: int, token: str, next_attempt_at: datetime, max_attempts: int
    ) -> bool:
        """Hand a reply Telegram kept failing back for a later try; once it has had
        ``max_attempts`` rounds it is closed as ``undelivered``. True if it will be retried."""
        row = self.session.get(ReplyOutbox, reply_id)
        if row is None or row.claim_token != token:
            return False
        if row.attempts >= max_attempts:
            row.failed = "undelivered"
        else:
            row.next_attempt_at = next_attempt_at
        row.claim_token = None
        row.claimed_until = None
        self.session.flush()
        return row.failed is None

    def release(self, reply_ids: Collection[int] | None, token: str) -> int:
        """Hand unsent replies back without counting a failure (a shutdown): those of
        ``reply_ids``, or every one ``token`` holds with None. Returns how many."""
        if reply_ids is not None and not reply_ids:
            return 0
        statement = update(_O).where(_O.c.claim_token == token, _unsent())
        if reply_ids is not None:
            statement = statement.where(_O.c.id.in_(list(reply_ids)))
        result = self.session.execute(statement.values(claim_token=None, claimed_until=None))
        return result.rowcount

    def for_update(self, update_id: int) -> list[ReplyOutbox]:
        return list(
            self.session.scalars(
                select(ReplyOutbox).where(ReplyOutbox.update_id == update_id).order_by("id")
            )
        )
