"""What the sweeps keep: the on-site rollup and small values between runs."""

from __future__ import annotations

from sqlalchemy import Index
from sqlmodel import Field, SQLModel


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
