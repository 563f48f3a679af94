"""Assessment records (Art. 26-28, 30): the township's 日常/半年考核 item by item, the
graders' 民主测评 and 个别谈话, and the recall a 不称职 grade opens.

A record is kept as written (append only): a second 半年考核 of the same half year is a
further record, the latest being the one shown, so nothing a township wrote is lost.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel


class AssessmentRecord(SQLModel, table=True):
    """One record: ``kind`` a ``domain.assessment.AssessmentKind`` (daily, half_year) with
    a note on each of the four items, or an ``EvidenceKind`` (democratic_rating,
    interviews) with its ``count`` (raters, people) and ``note`` (the result, the gist)."""

    __table_args__ = (Index("ix_assessmentrecord_cadre_year", "cadre_id", "year"),)
    id: int | None = Field(default=None, primary_key=True)
    cadre_id: int = Field(foreign_key="person.id")
    year: int
    day: date
    kind: str = Field(max_length=24)
    on_post: str | None = Field(default=None, max_length=200)  # 在岗
    visits: str | None = Field(default=None, max_length=200)  # 走访调研
    projects: str | None = Field(default=None, max_length=200)  # 项目实施
    work: str | None = Field(default=None, max_length=200)  # 工作开展
    count: int | None = None
    note: str | None = Field(default=None, max_length=300)
    recorded_by_id: int | None = Field(default=None, foreign_key="person.id")
    recorded_at: datetime


class GradeRecall(SQLModel, table=True):
    """A 不称职 year grade recalls the cadre (Art. 30: 召回并重新选派): one per cadre and
    year, whatever regrading follows, so its district-wide notice goes once. The posting
    it marks (``Assignment.recall_pending``) joins the district's list of recalls."""

    __table_args__ = (UniqueConstraint("cadre_id", "year"),)
    id: int | None = Field(default=None, primary_key=True)
    cadre_id: int = Field(foreign_key="person.id")
    year: int
    assignment_id: int | None = Field(default=None, foreign_key="assignment.id")
    opened_at: datetime
