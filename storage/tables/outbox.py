"""The messaging tables: the reminder outbox, the inbox of updates, the reply outbox."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, Index, LargeBinary, UniqueConstraint, text
from sqlmodel import Field, SQLModel


class Reminder(SQLModel, table=True):
    """The outbox: one row per (recipient, kind, period); the unique key makes a reminder
    impossible to send twice, whatever restarts or duplicate schedulers do.

    A dispatcher claims a row (``claim_token``, ``claimed_at``) before sending it, so two
    dispatchers never send the same row; a claim older than the lease is taken over (its
    holder died). ``not_after`` drops a reminder that would arrive too late to matter."""

    __table_args__ = (
        UniqueConstraint("recipient_id", "kind", "period"),
        Index(
            "ix_reminder_unsent",
            "id",
            sqlite_where=text("sent_at IS NULL AND failed IS NULL"),
            postgresql_where=text("sent_at IS NULL AND failed IS NULL"),
        ),
    )
    id: int | None = Field(default=None, primary_key=True)
    recipient_id: int = Field(foreign_key="person.id", index=True)
    kind: str = Field(max_length=32)
    period: str = Field(max_length=32)
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))
    created_at: datetime
    sent_at: datetime | None = None
    failed: str | None = None
    claim_token: str | None = Field(default=None, max_length=32)
    claimed_at: datetime | None = None
    attempts: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    not_after: datetime | None = None


class InboxUpdate(SQLModel, table=True):
    """The durable inbox: every update fetched from the Bot API (or posted to the webhook),
    stored before it is confirmed to Telegram, so a crash can no longer lose one.

    ``update_id`` is the key, so an update delivered twice (a crash after storing it but
    before confirming it) is stored once and handled once. A worker claims a row
    (``claim_token``, ``claimed_until``: a lease it renews while it works) and keeps the
    claim until the replies are out, so one chat never has two updates in flight; a dead
    worker's claim lapses. ``handled_at`` is written in the same transaction as the
    conversation's own writes and its replies (``outcome``: handled, ignored, failed;
    ``handled_by``: the token of the process that did it)."""

    __tablename__ = "inbox"
    __table_args__ = (
        # The claim query: the oldest unhandled update of each chat.
        Index(
            "ix_inbox_unhandled",
            "chat_id",
            "update_id",
            sqlite_where=text("handled_at IS NULL"),
            postgresql_where=text("handled_at IS NULL"),
        ),
        # Chats with an update in flight (few rows at any time).
        Index(
            "ix_inbox_claimed",
            "chat_id",
            sqlite_where=text("claim_token IS NOT NULL"),
            postgresql_where=text("claim_token IS NOT NULL"),
        ),
        Index("ix_inbox_handled_at", "handled_at"),
    )
    update_id: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    chat_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))
    received_at: datetime
    handled_at: datetime | None = None
    outcome: str | None = Field(default=None, max_length=16)  # handled|ignored|failed
    error: str | None = None
    handled_by: str | None = Field(default=None, max_length=32)  # the process's claim token
    claim_token: str | None = Field(default=None, max_length=32)
    claimed_until: datetime | None = None
    attempts: int = Field(default=0, sa_column_kwargs={"server_default": "0"})


class ReplyOutbox(SQLModel, table=True):
    """The bot's replies, stored in the transaction that handled their update and marked
    ``sent_at`` once Telegram accepted them, so a reply survives a crash between the commit
    and the send. ``payload`` is the reply without its file (text, buttons, keyboard, the
    message to edit, the document's name); ``blob`` holds a document's or a photo's bytes.
    Claimed like the inbox; ``next_attempt_at`` spaces out retries after Telegram failed."""

    __tablename__ = "reply_outbox"
    __table_args__ = (
        Index(
            "ix_reply_outbox_unsent",
            "chat_id",
            "id",
            sqlite_where=text("sent_at IS NULL AND failed IS NULL"),
            postgresql_where=text("sent_at IS NULL AND failed IS NULL"),
        ),
        Index("ix_reply_outbox_created_at", "created_at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    update_id: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    chat_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))
    blob: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))
    created_at: datetime
    sent_at: datetime | None = None
    message_id: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    failed: str | None = Field(default=None, max_length=16)  # blocked|rejected|undelivered
    claim_token: str | None = Field(default=None, max_length=32)
    claimed_until: datetime | None = None
    attempts: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    next_attempt_at: datetime | None = None
