"""Work diaries and the signatures on them."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel


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
