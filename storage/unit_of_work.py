"""The unit of work: one database transaction per update, command or sweep.

Only ``commit`` commits; leaving the block without it rolls everything back, so a failure
halfway leaves no half-written record.
"""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType

from sqlmodel import Session

from storage import repositories as repos
from storage.exports import ExportQueries
from storage.inbox import InboxRepository, ReplyRepository
from storage.leave_cards import LeaveCardRepository
from storage.repositories.work_funds import FundRepository
from storage.sweeps.absences import AbsenceQueries
from storage.sweeps.approvals import ApprovalQueries
from storage.sweeps.diaries import DiaryFigures
from storage.sweeps.lock import SweepLock
from storage.sweeps.posting_term import PostingTermQueries
from storage.sweeps.reminders import ReminderOutbox
from storage.sweeps.rollup import OnsiteRollup
from storage.sweeps.roster import RosterQueries


class UnitOfWork:
    """The repositories of one transaction; the only thing that commits."""

    def __init__(self, session_factory: Callable[[], Session]) -> None:
        self._session_factory = session_factory

    def __enter__(self) -> UnitOfWork:
        self.session = self._session_factory()
        self.places = repos.PlacesRepository(self.session)
        self.people = repos.PeopleRepository(self.session)
        self.assignments = repos.AssignmentRepository(self.session)
        self.checkins = repos.CheckInRepository(self.session)
        self.work_records = repos.WorkRecordRepository(self.session)
        self.claims = repos.ClaimRepository(self.session)
        self.diaries = repos.DiaryRepository(self.session)
        self.leaves = repos.LeaveRepository(self.session)
        self.leave_cards = LeaveCardRepository(self.session)
        self.calendar = repos.CalendarRepository(self.session)
        self.duties = repos.DutyRepository(self.session)
        self.dialogs = repos.DialogRepository(self.session)
        self.audit = repos.AuditRepository(self.session)
        self.spot_checks = repos.SpotCheckRepository(self.session)
        self.grades = repos.GradeRepository(self.session)
        self.attendance_entries = repos.AttendanceEntryRepository(self.session)
        self.filings = repos.FilingRepository(self.session)  # written reports, plans
        # assessment records and grade recalls (#15)
        self.assessments = repos.AssessmentRepository(self.session)
        self.inbox = InboxRepository(self.session)
        # unit duties (Art. 15, 19)
        self.unit_duties = repos.UnitDutyRepository(self.session)
        self.replies = ReplyRepository(self.session)
        # Issue 15, term and visits: 五必访 tags of diaries, postings' terms (Art. 6, 10.1).
        self.visits = repos.VisitRepository(self.session)
        self.terms = PostingTermQueries(self.session)
        # The read models of the sweeps and the sheets, and the reminder outbox: services
        # and the scheduler reach the database through these, never through the session.
        self.roster = RosterQueries(self.session)
        self.rollup = OnsiteRollup(self.session)
        self.absences = AbsenceQueries(self.session)
        self.approvals = ApprovalQueries(self.session)
        self.diary_figures = DiaryFigures(self.session)
        self.reminders = ReminderOutbox(self.session)
        self.sweep_lock = SweepLock(self.session)
        self.exports = ExportQueries(self.session)
        # Work funds (Art. 20): allocations, expenses, balances, the yearly statement.
        self.funds = FundRepository(self.session)
        # Chat numbers of messenger accounts whose ids are strings (DingTalk, #16).
        self.messenger_accounts = repos.MessengerAccountRepository(self.session)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        # close() rolls back whatever was not committed; unlike rollback() it leaves the
        # objects already loaded readable (detached) for the caller.
        self.session.close()

    @property
    def dialect(self) -> str:
        """The database's dialect name (``sqlite``, ``postgresql``), for what differs."""
        return self.session.get_bind().dialect.name

    def flush(self) -> None:
        """Send the pending writes so their ids and constraints are known, still uncommitted."""
        self.session.flush()

    def commit(self) -> None:
        self.session.commit()

    def rollback(self) -> None:
        self.session.rollback()


#: What a use case that owns its transactions is given: it opens (and commits) its own
#: units of work, unlike a step, which is handed one and leaves committing to its caller.
UnitOfWorkFactory = Callable[[], UnitOfWork]
