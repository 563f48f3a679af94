"""Repositories: the queries the services need, in SQL, never committing; one module per
part of the record (places, people, postings, check-ins, diaries, leave, ...).

Each repository wraps the unit of work's session; only ``UnitOfWork.commit`` commits.
Queries that the sweeps run over the whole roster are set-based (one query, not one per
person).

The queries every update runs (the person and their dialog, the posting, the on-site days,
an open spot check, the check-in, diary and audit inserts, the dialog's upsert) are built
once at import with bind parameters: SQLAlchemy then finds their compiled form by a cache
key it has already computed, instead of building the statement and its key on each call
(tens of microseconds each, in Python). Their inserts are Core statements, not ORM
flushes: nothing reads those rows back as objects in the same update.

Every repository is re-exported here (``from storage import repositories as repos``).
"""

from __future__ import annotations

from storage.repositories._base import IN_CHUNK, OpenDialog
from storage.repositories.assessment import AssessmentRepository
from storage.repositories.attendance import AttendanceEntryRepository, ReplacedEntry
from storage.repositories.calendar import CalendarRepository
from storage.repositories.checkins import CheckInRepository, ClaimRepository, WorkRecordRepository
from storage.repositories.dialogs import AuditRepository, DialogRepository
from storage.repositories.diaries import DiaryRepository
from storage.repositories.filings import FilingRepository
from storage.repositories.leave import DutyRepository, LeaveRepository
from storage.repositories.messenger import ACCOUNT_BASE, MessengerAccountRepository
from storage.repositories.people import PeopleRepository
from storage.repositories.places import PlacesRepository
from storage.repositories.postings import AssignmentRepository
from storage.repositories.spot_checks import GradeRepository, SpotCheckRepository

# unit duties (Art. 15, 19)
from storage.repositories.unit_duties import UnitDutyRepository, UnitPosting
from storage.repositories.visits import VisitRepository

__all__ = [
    "ACCOUNT_BASE",
    "MessengerAccountRepository",
    "AssessmentRepository",
    "AssignmentRepository",
    "AttendanceEntryRepository",
    "AuditRepository",
    "CalendarRepository",
    "CheckInRepository",
    "ClaimRepository",
    "DialogRepository",
    "DiaryRepository",
    "DutyRepository",
    "FilingRepository",
    "GradeRepository",
    "IN_CHUNK",
    "LeaveRepository",
    "OpenDialog",
    "PeopleRepository",
    "PlacesRepository",
    "ReplacedEntry",
    "SpotCheckRepository",
    "VisitRepository",
    "WorkRecordRepository",
    # unit duties (Art. 15, 19)
    "UnitDutyRepository",
    "UnitPosting",
]
