"""The reply outbox: replies stored in the handling transaction, claimed by the worker
that sends them (or, once nobody is, by the courier), then marked sent, failed or due
again."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, exists, or_, select, update
from sqlmodel import Session, col

from storage.inbox.records import ClaimedReply
from storage.inbox.statements import _O, _add_replies_statement, _dialect, _unsent, rowcount
from storage.tables import ReplyOutbox


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
        chats: list[int] = list(self.session.execute(heads).scalars())
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
        return rowcount(result) == 1

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
        return rowcount(result) == 1

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
        return rowcount(
            self.session.execute(statement.values(claim_token=None, claimed_until=None))
        )

    def for_update(self, update_id: int) -> list[ReplyOutbox]:
        return list(
            self.session.scalars(
                select(ReplyOutbox).where(col(ReplyOutbox.update_id) == update_id).order_by("id")
            )
        )
