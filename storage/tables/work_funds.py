"""Work funds (Art. 20): each year's allocation to a village's fund, and its expenses.

A fund is named by its village and kind (``first_secretary``: the First Secretary's
10,000 yuan; ``team``: the village's work team's 10,000 yuan), never by a person: the
money is paid to the village account, so it belongs to the village posting and a new
First Secretary carries on the same fund (and balance) the day they are posted.
Amounts are fen (integers).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel


class FundAllocation(SQLModel, table=True):
    """One fund's allocation for one year (one row: a re-allocation replaces the amount,
    the audit log keeps the old one)."""

    __table_args__ = (UniqueConstraint("year", "village_id", "fund"),)
    id: int | None = Field(default=None, primary_key=True)
    year: int
    village_id: int = Field(foreign_key="village.id")
    fund: str = Field(max_length=16)  # first_secretary|team
    amount_fen: int
    allocated_by_id: int | None = Field(default=None, foreign_key="person.id")
    allocated_at: datetime


class FundExpense(SQLModel, table=True):
    """One expense of a fund, as the First Secretary signed it off (签字报账); the receipt
    is the Telegram file id of its photo (None: entered without one, the statement says
    so)."""

    __table_args__ = (Index("ix_fundexpense_fund", "year", "village_id", "fund"),)
    id: int | None = Field(default=None, primary_key=True)
    year: int
    village_id: int = Field(foreign_key="village.id")
    fund: str = Field(max_length=16)  # first_secretary|team
    day: date
    amount_fen: int
    purpose: str = Field(max_length=200)
    receipt_file_id: str | None = Field(default=None, max_length=200)
    recorded_by_id: int = Field(foreign_key="person.id")
    recorded_at: datetime
