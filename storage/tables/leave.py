"""Leave requests, their approval steps, and the cards that show them in chats."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Column, Index, false, text
from sqlmodel import Field, SQLModel


class LeaveRequest(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    applicant_id: int = Field(foreign_key="person.id", index=True)
    start: date
    end: date
    days: int
    combined_days: int
    tier: str = Field(max_length=16)
    reason: str
    status: str = Field(default="pending", max_length=16, index=True)
    created_at: datetime
    decided_at: datetime | None = None
    #: 补假: asked after its first day (illness, an emergency), at most 3 days back.
    retroactive: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    #: 销假: the last day as approved, kept when the cadre came back early and ended the
    #: leave (``end`` is then the day before they were back; None: not ended early).
    approved_end: date | None = None


class LeaveStep(SQLModel, table=True):
    """One role's part in one stage of a request's route."""

    id: int | None = Field(default=None, primary_key=True)
    request_id: int = Field(foreign_key="leaverequest.id", index=True)
    stage: int
    kind: str = Field(max_length=8)  # comment|approve|file
    role: str = Field(max_length=32)
    assignee_id: int = Field(foreign_key="person.id", index=True)
    fallback_from: str | None = Field(default=None, max_length=32)
    decision: str | None = Field(default=None, max_length=16)
    comment: str | None = None
    decided_at: datetime | None = None
    notified_at: datetime | None = None
    delegated_from_id: int | None = Field(default=None, foreign_key="person.id")


class LeaveCard(SQLModel, table=True):
    """A message with buttons about one leave request, as delivered to one person: a
    holder's card of a step (``step_id``) or the applicant's own card (``kind``
    ``withdraw`` or ``end``: /myleave's buttons). Kept so that once its buttons no longer
    apply (the request withdrawn, decided, handed over or ended early) the bot edits it:
    buttons removed, a line saying what happened. ``text`` is the card as sent, in the
    recipient's language; ``retired_at`` is set once it was edited (or its press
    answered)."""

    __table_args__ = (
        Index(
            "ix_leavecard_live",
            "request_id",
            sqlite_where=text("retired_at IS NULL"),
            postgresql_where=text("retired_at IS NULL"),
        ),
        Index("ix_leavecard_message", "chat_id", "message_id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    request_id: int = Field(foreign_key="leaverequest.id")
    step_id: int | None = Field(default=None, foreign_key="leavestep.id")
    kind: str = Field(max_length=8)  # step|withdraw|end
    chat_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    message_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    text: str
    sent_at: datetime
    retired_at: datetime | None = None
