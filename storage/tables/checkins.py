"""A day's evidence from the cadre: check-ins, work records, claims for missed days."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Column, Index, UniqueConstraint, text
from sqlmodel import Field, SQLModel


class CheckIn(SQLModel, table=True):
    """One shared position (or an approved 补卡 claim, an imported historical day, or a
    check in DingTalk's attendance app: ``services.attendance_records``).

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
    source: str = Field(default="location", max_length=16)  # location|live|claim|import|dingtalk
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
