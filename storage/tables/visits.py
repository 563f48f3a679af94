"""五必访 (Art. 10.1): whom a diary entry's visit was to."""

from __future__ import annotations

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel


class DiaryVisit(SQLModel, table=True):
    """One kind of 必访 (a ``domain.visits.VisitKind`` code) a diary entry is tagged with;
    an entry carries each kind at most once."""

    __table_args__ = (UniqueConstraint("entry_id", "kind"),)
    id: int | None = Field(default=None, primary_key=True)
    entry_id: int = Field(foreign_key="diaryentry.id")
    kind: str = Field(max_length=32)
