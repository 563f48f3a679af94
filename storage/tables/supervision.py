"""Supervision's records: spot checks, official duty, township attendance, grades."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel


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
