"""The dispatching unit's own record (Art. 15, 19): its monthly 驻村扶贫专题会议, its
leadership's village visits, and each cadre's yearly health check and accident insurance.

Recorded by the unit's leader (``recorded_by_id``); the sweeps read them to remind a unit
that is behind (``scheduler/unit_duties.py``) and org_dept sees the units behind.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel


class UnitMeeting(SQLModel, table=True):
    """A 驻村扶贫专题会议 the unit held on ``day`` (Art. 15: at least one a month)."""

    __table_args__ = (Index("ix_unitmeeting_unit_day", "unit_id", "day"),)
    id: int | None = Field(default=None, primary_key=True)
    unit_id: int = Field(foreign_key="unit.id")
    day: date
    note: str | None = Field(default=None, max_length=200)
    recorded_by_id: int | None = Field(default=None, foreign_key="person.id")
    recorded_at: datetime


class UnitVisit(SQLModel, table=True):
    """The unit's leadership visited ``village_id`` on ``day`` (Art. 15: 领导班子成员到村
    调研指导每2个月1次以上); ``visitors`` says who went, as the leader typed it."""

    __table_args__ = (Index("ix_unitvisit_unit_day", "unit_id", "day"),)
    id: int | None = Field(default=None, primary_key=True)
    unit_id: int = Field(foreign_key="unit.id")
    village_id: int = Field(foreign_key="village.id")
    day: date
    visitors: str = Field(max_length=200)
    recorded_by_id: int | None = Field(default=None, foreign_key="person.id")
    recorded_at: datetime


class CareRecord(SQLModel, table=True):
    """Art. 19 for one cadre: ``kind`` ``health_check`` (``day`` the check) or
    ``insurance`` (``day`` the last day the accident insurance covers), recorded by
    ``unit_id``, the cadre's unit at the time (a transfer does not move old records)."""

    __table_args__ = (Index("ix_carerecord_person_kind", "person_id", "kind"),)
    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id")
    unit_id: int = Field(foreign_key="unit.id")
    kind: str = Field(max_length=16)  # health_check|insurance
    day: date
    recorded_by_id: int | None = Field(default=None, foreign_key="person.id")
    recorded_at: datetime
