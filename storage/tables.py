"""SQLModel tables. Every change of schema comes with an Alembic migration.

Enumerated values are stored as their plain codes (strings) so exports and SQL consoles
read naturally; the domain enums validate them on the way in.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    Index,
    LargeBinary,
    UniqueConstraint,
    false,
    text,
)
from sqlmodel import Field, SQLModel


class Township(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, max_length=100)


class Village(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("township_id", "name"),)
    id: int | None = Field(default=None, primary_key=True)
    township_id: int = Field(foreign_key="township.id", index=True)
    name: str = Field(max_length=100)
    lat: float
    lon: float
    radius_m: float


class Unit(SQLModel, table=True):
    """A dispatching unit (派出单位): the agency or enterprise that posts a cadre."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, max_length=200)


class Person(SQLModel, table=True):
    """Anyone the bot serves. District roles have no township; village secretaries have a
    village; township roles a township; unit leaders a unit."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=100)
    phone: str = Field(unique=True, max_length=20)
    role: str = Field(max_length=32, index=True)
    telegram_user_id: int | None = Field(
        default=None, sa_column=Column(BigInteger, unique=True, nullable=True)
    )
    language: str | None = Field(default=None, max_length=8)
    township_id: int | None = Field(default=None, foreign_key="township.id", index=True)
    village_id: int | None = Field(default=None, foreign_key="village.id", index=True)
    unit_id: int | None = Field(default=None, foreign_key="unit.id", index=True)
    blocked_bot: bool = False
    active: bool = True


class Assignment(SQLModel, table=True):
    """A cadre's posting to a village for a dispatching unit, from ``start`` to ``end``."""

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    village_id: int = Field(foreign_key="village.id", index=True)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    start: date
    end: date | None = None
    #: A confirmed recall (over 30 days, Art. 11) awaits a replacement: the district sees
    #: it until the roster gives the village a new posting, which closes this one.
    recall_pending: bool = Field(default=False, sa_column_kwargs={"server_default": false()})


class CheckIn(SQLModel, table=True):
    """One shared position (or an approved 补卡 claim, or an imported historical day).

    Every position is kept, on site or not, so the record shows what was sent."""

    __table_args__ = (
        Index("ix_checkin_person_day", "person_id", "day"),
        # Who was on site on one day, for the evening nudge (migration 0002).
        Index(
            "ix_checkin_onsite_day_person",
            "day",
            "person_id",
            sqlite_where=text("on_site"),
            postgresql_where=text("on_site"),
        ),
    )
    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id")
    day: date
    at: datetime
    lat: float | None = None
    lon: float | None = None
    distance_m: float | None = None
    on_site: bool = False
    source: str = Field(default="location", max_length=16)  # location|live|claim|import
    message_id: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))


class WorkRecord(SQLModel, table=True):
    """工作日纪实: the day's note and photo attached to a check-in."""

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    day: date
    at: datetime
    note: str | None = None
    photo_file_id: str | None = Field(default=None, max_length=256)


class MissedDayClaim(SQLModel, table=True):
    """补卡: a missed day claimed afterwards; counts only once the township approves."""

    __table_args__ = (UniqueConstraint("person_id", "day"),)
    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    day: date
    reason: str
    status: str = Field(default="pending", max_length=16)  # pending|approved|rejected
    assignee_id: int | None = Field(default=None, foreign_key="person.id")
    created_at: datetime
    decided_at: datetime | None = None


class DiaryEntry(SQLModel, table=True):
    """民情日记 entry. Locked once a sign-off names it; never deleted."""

    __table_args__ = (
        Index("ix_diary_person_day", "person_id", "day"),
        # Month-wide counts of written and signed entries, index only (migration 0002).
        Index("ix_diary_day_person", "day", "person_id", "week_signoff_id", "month_signoff_id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id")
    day: date
    written_at: datetime
    text: str
    photo_file_ids: list[str] = Field(default_factory=list, sa_column=Column(JSON))
    week_signoff_id: int | None = Field(default=None, foreign_key="diarysignoff.id")
    month_signoff_id: int | None = Field(default=None, foreign_key="diarysignoff.id")


class DiarySignoff(SQLModel, table=True):
    """A weekly (village secretary) or monthly (township secretary) signature."""

    __table_args__ = (UniqueConstraint("cadre_id", "scope", "period"),)
    id: int | None = Field(default=None, primary_key=True)
    cadre_id: int = Field(foreign_key="person.id", index=True)
    scope: str = Field(max_length=8)  # week|month
    period: str = Field(max_length=10)  # 2026-W48 | 2026-11
    signer_id: int = Field(foreign_key="person.id")
    signed_at: datetime
    entry_count: int


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


class CalendarDay(SQLModel, table=True):
    """An imported official day (holiday or adjusted workday) overriding the package."""

    day: date = Field(primary_key=True)
    kind: str = Field(max_length=8)


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
    payload: dict = Field(default_factory=dict, sa_column=Column(JSON))
    created_at: datetime
    sent_at: datetime | None = None
    failed: str | None = None
    claim_token: str | None = Field(default=None, max_length=32)
    claimed_at: datetime | None = None
    attempts: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    not_after: datetime | None = None


class OnsiteMonth(SQLModel, table=True):
    """On-site days rolled up per cadre and month for the roster-wide sweeps: bit ``d - 1``
    of ``days`` is set when the cadre was on site on day ``d`` (so clipping to a posting,
    the working-day calendar and leave still apply exactly); ``count`` is how many bits are
    set and ``work`` how many of them are official working days (None until computed, and
    recomputed when the calendar of that month changes). Twelve small rows per cadre and
    year instead of every check-in; ``storage.sweeps.refresh_onsite_months`` folds in the
    check-ins added since its watermark (``SweepState``)."""

    __table_args__ = (Index("ix_onsitemonth_month_person", "month", "person_id", "count", "work"),)
    person_id: int = Field(foreign_key="person.id", primary_key=True)
    month: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})  # 202611
    days: int
    count: int
    work: int | None = None


class SweepState(SQLModel, table=True):
    """Small named values the sweeps keep between runs (the check-in rollup's watermark)."""

    name: str = Field(primary_key=True, max_length=32)
    value: int


class SpotCheck(SQLModel, table=True):
    """明查暗访 (Art. 26.3)."""

    id: int | None = Field(default=None, primary_key=True)
    cadre_id: int = Field(foreign_key="person.id", index=True)
    official_id: int = Field(foreign_key="person.id")
    method: str = Field(max_length=16)  # remote|in_person
    started_at: datetime
    deadline: datetime | None = None
    result: str | None = Field(default=None, max_length=16)
    recorded_at: datetime | None = None


class DutyRecord(SQLModel, table=True):
    """公务: a span of official duty days (the district's training, Art. 13; a meeting of
    Art. 16; other duty called by the district or township) on which the cadre is neither
    on site nor absent. ``kind`` is a ``domain.duty.DutyKind`` code; ``recorded_by_id`` is
    None for an import."""

    __table_args__ = (Index("ix_dutyrecord_person_start", "person_id", "start"),)
    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id")
    start: date
    end: date
    kind: str = Field(max_length=16)  # pre_training|training|meeting|official
    note: str | None = Field(default=None, max_length=200)
    recorded_by_id: int | None = Field(default=None, foreign_key="person.id")
    recorded_at: datetime


class DialogState(SQLModel, table=True):
    """Where a person is in a multi-step dialog, so a restart or another worker resumes."""

    person_id: int = Field(foreign_key="person.id", primary_key=True)
    dialog: str = Field(max_length=32)
    step: str = Field(max_length=32)
    data: dict = Field(default_factory=dict, sa_column=Column(JSON))
    updated_at: datetime


class AttendanceEntry(SQLModel, table=True):
    """The township's own word on one cadre's day (Art. 11: the township owns attendance):
    on_site, absent or duty, with the reason. It overrides every other evidence of that day
    (check-ins, 补卡, leave, duty records). One per cadre and day: a later entry replaces
    the earlier, whose values the audit log keeps."""

    __table_args__ = (UniqueConstraint("person_id", "day"), Index("ix_attendanceentry_day", "day"))
    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id")
    day: date
    status: str = Field(max_length=16)  # on_site|absent|duty
    reason: str
    recorded_by_id: int = Field(foreign_key="person.id")
    recorded_at: datetime
    source: str = Field(max_length=16)  # correction|grid


class AuditEntry(SQLModel, table=True):
    """Append-only history of every decision and sign-off."""

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(index=True)
    actor_id: int | None = Field(default=None, foreign_key="person.id")
    action: str = Field(max_length=48)
    subject: str = Field(max_length=64)
    detail: dict = Field(default_factory=dict, sa_column=Column(JSON))


class AssessmentGrade(SQLModel, table=True):
    """年度考核等次 (Art. 26, 30): one grade per cadre and year, so the 20% cap on 优秀 can be
    checked against what is stored. ``source`` tells a grade given by an official (``manual``)
    or an import (``import``) from the 不称职 that a third unexcused absence at a spot check
    imposes (``spot_check``, Art. 26.3), which an official cannot lift."""

    __table_args__ = (UniqueConstraint("cadre_id", "year"),)
    id: int | None = Field(default=None, primary_key=True)
    cadre_id: int = Field(foreign_key="person.id", index=True)
    year: int = Field(index=True)
    grade: str = Field(max_length=16)  # excellent|competent|incompetent
    graded_by_id: int | None = Field(default=None, foreign_key="person.id")
    source: str = Field(default="manual", max_length=16)  # manual|import|spot_check
    at: datetime


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
    payload: dict = Field(default_factory=dict, sa_column=Column(JSON))
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
    payload: dict = Field(default_factory=dict, sa_column=Column(JSON))
    blob: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))
    created_at: datetime
    sent_at: datetime | None = None
    message_id: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    failed: str | None = Field(default=None, max_length=16)  # blocked|rejected|undelivered
    claim_token: str | None = Field(default=None, max_length=32)
    claimed_until: datetime | None = None
    attempts: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    next_attempt_at: datetime | None = None
