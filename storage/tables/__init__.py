"""SQLModel tables, one module per part of the record. Every change of schema comes with
an Alembic migration.

Enumerated values are stored as their plain codes (strings) so exports and SQL consoles
read naturally; the domain enums validate them on the way in.

Importing this package registers every table on ``SQLModel.metadata`` (Alembic's env and
the schema test rely on it), and re-exports them all: ``from storage.tables import X``.
"""

from __future__ import annotations

from sqlalchemy import Table
from sqlmodel import SQLModel

from storage.tables.assessment import AssessmentRecord, GradeRecall
from storage.tables.calendar import CalendarDay
from storage.tables.checkins import CheckIn, MissedDayClaim, WorkRecord
from storage.tables.dialogs import AuditEntry, DialogState
from storage.tables.diaries import DiaryEntry, DiarySignoff
from storage.tables.filings import Filing
from storage.tables.leave import LeaveCard, LeaveRequest, LeaveStep
from storage.tables.messenger import MessengerAccount
from storage.tables.outbox import InboxUpdate, Reminder, ReplyOutbox
from storage.tables.roster import Assignment, Person, Township, Unit, Village
from storage.tables.supervision import AssessmentGrade, AttendanceEntry, DutyRecord, SpotCheck
from storage.tables.sweeps import OnsiteMonth, SweepState

# unit duties (Art. 15, 19)
from storage.tables.unit_duties import CareRecord, UnitMeeting, UnitVisit
from storage.tables.visits import DiaryVisit

# Work funds (Art. 20, issue #15)
from storage.tables.work_funds import FundAllocation, FundExpense


def table_of(model: type[SQLModel]) -> Table:
    """The Core ``Table`` of a table class, for set-based statements (SQLAlchemy's
    declarative mapping sets ``__table__``; SQLModel's stubs do not declare it)."""
    table: Table = model.__table__  # type: ignore[attr-defined]  # set at class creation
    return table


__all__ = [
    "table_of",
    "MessengerAccount",
    # assessment records (#15)
    "AssessmentRecord",
    "GradeRecall",
    "AssessmentGrade",
    "Assignment",
    "AttendanceEntry",
    "AuditEntry",
    "CalendarDay",
    "CheckIn",
    "DialogState",
    "DiaryEntry",
    "DiarySignoff",
    "DiaryVisit",
    "DutyRecord",
    "Filing",
    "InboxUpdate",
    "LeaveCard",
    "LeaveRequest",
    "LeaveStep",
    "MissedDayClaim",
    "OnsiteMonth",
    "Person",
    "Reminder",
    "ReplyOutbox",
    "SpotCheck",
    "SweepState",
    "Township",
    "Unit",
    "Village",
    "WorkRecord",
    # Work funds (Art. 20)
    "FundAllocation",
    "FundExpense",
    # unit duties (Art. 15, 19)
    "CareRecord",
    "UnitMeeting",
    "UnitVisit",
]
