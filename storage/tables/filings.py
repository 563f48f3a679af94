"""What cadres file in writing (Art. 14, 15): written reports and plans, one table."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, text
from sqlmodel import Field, SQLModel


class Filing(SQLModel, table=True):
    """A half-year written report, a term summary, a three-year plan or a year's goals
    (``kind``: a ``domain.filings.FilingKind`` code) for ``period`` (``2026-H2``, ``2026``,
    ``term``): typed ``text``, or a document Telegram holds (``file_id``, ``file_name``).
    Filing again for the same kind and period sets ``replaced_at`` on the earlier row,
    which is kept: at most one live filing per cadre, kind and period."""

    __table_args__ = (
        Index(
            "ix_filing_live",
            "person_id",
            "kind",
            "period",
            unique=True,
            sqlite_where=text("replaced_at IS NULL"),
            postgresql_where=text("replaced_at IS NULL"),
        ),
        Index("ix_filing_period", "kind", "period"),
    )
    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id")
    kind: str = Field(max_length=16)  # half_year|term_summary|three_year_plan|year_goals
    period: str = Field(max_length=8)  # 2026-H2|2026|term
    text: str | None = None
    file_id: str | None = Field(default=None, max_length=200)
    file_name: str | None = Field(default=None, max_length=200)
    filed_at: datetime
    replaced_at: datetime | None = None
