"""The official days the district imported over the calendar package."""

from __future__ import annotations

from datetime import date

from sqlmodel import Field, SQLModel


class CalendarDay(SQLModel, table=True):
    """An imported official day (holiday or adjusted workday) overriding the package."""

    day: date = Field(primary_key=True)
    kind: str = Field(max_length=8)
