"""Repositories: the queries the services need, in SQL, never committing.

Each repository wraps the unit of work's session; only ``UnitOfWork.commit`` commits.
Queries that the sweeps run over the whole roster are set-based (one query, not one per
person).

The queries every update runs (the person and their dialog, the posting, the on-site days,
an open spot check, the check-in, diary and audit inserts, the dialog's upsert) are built
once at import with bind parameters: SQLAlchemy then finds their compiled form by a cache
key it has already computed, instead of building the statement and its key on each call
(tens of microseconds each, in Python). Their inserts are Core statements, not ORM
flushes: nothing reads those rows back as objects in the same update.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from datetime import date, datetime
from typing import Any, NamedTuple, TypeVar

from sqlalchemy import Insert, Table, and_, bindparam, delete, func, insert, or_
from sqlalchemy import select as sa_select
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, SQLModel, col, select

from domain.roles import CADRE_ROLES
from storage.sweeps import DutySpan, duty_spans
from storage.tables import (
    AssessmentGrade,
    Assignment,
    AttendanceEntry,
    AuditEntry,
    CalendarDay,
    CheckIn,
    DialogState,
    DiaryEntry,
    DiarySignoff,
    DutyRecord,
    LeaveRequest,
    LeaveStep,
    MissedDayClaim,
    Person,
    SpotCheck,
    Township,
    Unit,
    Village,
    WorkRecord,
)

#: Any table row: ``add`` hands back the row it was given, its id now set.
_Row = TypeVar("_Row", bound=SQLModel)


def _table(model: type) -> Table:
    return model.__table__  # type: ignore[attr-defined]


class OpenDialog(NamedTuple):
    """A person's multi-step dialog as stored: which one, the step, and its data."""

    dialog: str
    step: str
    data: dict


class _Repository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, row: _Row) -> _Row:  # noqa: ANN001, ANN201 - any table row
        self.session.add(row)
        self.session.flush()
        return row

    def _insert(self, statement: Insert, values: dict[str, Any]) -> int | None:
        """Run a prebuilt Core ``INSERT`` with ``values``; returns the new row's id, if any.

        A Core statement does not autoflush, so pending ORM changes are flushed first (a
        no-op when there are none): the row may refer to them, as an ORM insert could."""
        self.session.flush()
        key = self.session.execute(statement, values).inserted_primary_key
        return key[0] if key else None


class PlacesRepository(_Repository):
    def township(self, name: str) -> Township | None:
        return self.session.exec(select(Township).where(Township.name == name)).first()

    def township_by_id(self, township_id: int) -> Township | None:
        return self.session.get(Township, township_id)

    def townships(self) -> Sequence[Township]:
        return self.session.exec(select(Township).order_by(Township.name)).all()

    def village(self, township_id: int, name: str) -> Village | None:
        return self.session.exec(
            select(Village).where(Village.township_id == township_id, Village.name == name)
        ).first()

    def village_by_id(self, village_id: int) -> Village | None:
        return self.session.get(Village, village_id)

    def villages(self) -> Sequence[Village]:
        return self.session.exec(select(Village).order_by(Village.id)).all()

    def unit(self, name: str) -> Unit | None:
        return self.session.exec(select(Unit).where(Unit.name == name)).first()

    def unit_by_id(self, unit_id: int) -> Unit | None:
        return self.session.get(Unit, unit_id)


_PERSON_AND_DIALOG = (
    select(Person, DialogState.dialog, DialogState.step, DialogState.data)
    .outerjoin(DialogState, col(DialogState.person_id) == col(Person.id))
    .where(col(Person.telegram_user_id) == bindparam("telegram_user_id"))
    .limit(1)
)


class PeopleRepository(_Repository):
    def with_dialog(self, telegram_user_id: int) -> tuple[Person | None, OpenDialog | None]:
        """The person bound to this Telegram account and their open dialog, in one query:
        every update needs the person, and most look at or end the dialog."""
        row = self.session.execute(
            _PERSON_AND_DIALOG, {"telegram_user_id": telegram_user_id}
        ).first()
        if row is None:
            return None, None
        person, dialog, step, data = row
        return person, (OpenDialog(dialog, step, data or {}) if dialog is not None else None)

    def get(self, person_id: int) -> Person | None:
        return self.session.get(Person, person_id)

    def by_phone(self, phone: str) -> Person | None:
        return self.session.exec(select(Person).where(Person.phone == phone)).first()

    def by_telegram_id(self, telegram_user_id: int) -> Person | None:
        return self.session.exec(
            select(Person).where(Person.telegram_user_id == telegram_user_id)
        ).first()

    def all(self, roles: Iterable[str] | None = None) -> Sequence[Person]:
        query = select(Person).where(Person.active == True)  # noqa: E712
        if roles is not None:
            query = query.where(col(Person.role).in_(list(roles)))
        return self.session.exec(query.order_by(Person.id)).all()

    def holders(
        self,
        role: str,
        *,
        township_id: int | None = None,
        unit_id: int | None = None,
        village_id: int | None = None,
    ) -> Sequence[Person]:
        """Active people holding ``role`` in the given place (district roles: everywhere)."""
        query = select(Person).where(Person.role == role, Person.active == True)  # noqa: E712
        if township_id is not None:
            query = query.where(Person.township_id == township_id)
        if unit_id is not None:
            query = query.where(Person.unit_id == unit_id)
        if village_id is not None:
            query = query.where(Person.village_id == village_id)
        return self.session.exec(query.order_by(Person.id)).all()

    def by_ids(self, ids: Iterable[int]) -> dict[int, Person]:
        ids = list(set(ids))
        if not ids:
            return {}
        rows = self.session.exec(select(Person).where(col(Person.id).in_(ids))).all()
        return {p.id: p for p in rows}


_ON = bindparam("on")
_POSTING = (
    select(Assignment, Village)
    .join(Village, col(Village.id) == col(Assignment.village_id))
    .where(
        col(Assignment.person_id) == bindparam("person_id"),
        col(Assignment.start) <= _ON,
        or_(col(Assignment.end).is_(None), col(Assignment.end) >= _ON),
    )
    .order_by(col(Assignment.start).desc())
    .limit(1)
)


class AssignmentRepository(_Repository):
    def posting(self, person_id: int, on: date) -> tuple[Assignment, Village] | None:
        """``current`` with its village, in one query (a check-in needs both)."""
        row = self.session.execute(_POSTING, {"person_id": person_id, "on": on}).first()
        return (row[0], row[1]) if row is not None else None

    def current(self, person_id: int, on: date) -> Assignment | None:
        """The posting in force on ``on``; the latest one started if several overlap."""
        return self.session.exec(
            select(Assignment)
            .where(
                Assignment.person_id == person_id,
                Assignment.start <= on,
                or_(col(Assignment.end).is_(None), col(Assignment.end) >= on),
            )
            .order_by(col(Assignment.start).desc())
        ).first()

    def latest(self, person_id: int) -> Assignment | None:
        return self.session.exec(
            select(Assignment)
            .where(Assignment.person_id == person_id)
            .order_by(col(Assignment.start).desc(), col(Assignment.id).desc())
        ).first()

    def cadres_posted(
        self, on: date, *, village_id: int | None = None, township_id: int | None = None
    ) -> list[tuple[Person, Assignment, Village]]:
        """Cadres posted on ``on`` (to a village, a township, or anywhere), in one query."""
        query = (
            select(Person, Assignment, Village)
            .join(Assignment, col(Assignment.person_id) == Person.id)
            .join(Village, col(Village.id) == Assignment.village_id)
            .where(
                Person.active == True,  # noqa: E712
                col(Person.role).in_([r.value for r in CADRE_ROLES]),
                Assignment.start <= on,
                or_(col(Assignment.end).is_(None), col(Assignment.end) >= on),
            )
        )
        if village_id is not None:
            query = query.where(Village.id == village_id)
        if township_id is not None:
            query = query.where(Village.township_id == township_id)
        return [tuple(row) for row in self.session.exec(query.order_by(Person.id)).all()]

    def for_person(self, person_id: int) -> Sequence[Assignment]:
        return self.session.exec(
            select(Assignment).where(Assignment.person_id == person_id).order_by(Assignment.start)
        ).all()

    def recalls_pending(self) -> list[tuple[Person, Assignment, Village, Unit]]:
        """Postings a confirmed recall marked, awaiting a replacement, by village."""
        query = (
            select(Person, Assignment, Village, Unit)
            .join(Assignment, col(Assignment.person_id) == Person.id)
            .join(Village, col(Village.id) == Assignment.village_id)
            .join(Unit, col(Unit.id) == Assignment.unit_id)
            .where(col(Assignment.recall_pending) == True)  # noqa: E712
            .order_by(Village.name, Person.name, Assignment.id)
        )
        return [tuple(row) for row in self.session.exec(query).all()]

    def replaced_by(self, village_id: int, role: str, start: date) -> list[Assignment]:
        """Open postings to ``village_id`` of a cadre of ``role`` that a confirmed recall
        marked: a new posting of that role starting on ``start`` replaces them."""
        return list(
            self.session.exec(
                select(Assignment)
                .join(Person, col(Person.id) == Assignment.person_id)
                .where(
                    Assignment.village_id == village_id,
                    col(Assignment.recall_pending) == True,  # noqa: E712
                    Person.role == role,
                    or_(col(Assignment.end).is_(None), col(Assignment.end) >= start),
                )
            ).all()
        )


_ONSITE_DAYS = (
    select(CheckIn.day)
    .where(
        col(CheckIn.person_id) == bindparam("person_id"),
        col(CheckIn.on_site) == True,  # noqa: E712
        col(CheckIn.day) >= bindparam("first"),
        col(CheckIn.day) <= bindparam("last"),
    )
    .distinct()
)
_INSERT_CHECKIN = insert(_table(CheckIn))


class CheckInRepository(_Repository):
    def onsite_days(self, person_id: int, first: date, last: date) -> set[date]:
        rows = self.session.exec(
            _ONSITE_DAYS, params={"person_id": person_id, "first": first, "last": last}
        ).all()
        return set(rows)

    def insert(
        self,
        *,
        person_id: int,
        day: date,
        at: datetime,
        lat: float | None,
        lon: float | None,
        distance_m: float | None,
        on_site: bool,
        source: str,
        message_id: int | None,
    ) -> None:
        """Store one position; the caller never needs the row back as an object."""
        self._insert(
            _INSERT_CHECKIN,
            {
                "person_id": person_id,
                "day": day,
                "at": at,
                "lat": lat,
                "lon": lon,
                "distance_m": distance_m,
                "on_site": on_site,
                "source": source,
                "message_id": message_id,
            },
        )

    def for_day(self, person_id: int, day: date) -> Sequence[CheckIn]:
        return self.session.exec(
            select(CheckIn).where(CheckIn.person_id == person_id, CheckIn.day == day)
        ).all()

    def by_message(self, person_id: int, message_id: int) -> CheckIn | None:
        return self.session.exec(
            select(CheckIn)
            .where(CheckIn.person_id == person_id, CheckIn.message_id == message_id)
            .order_by(col(CheckIn.id))
        ).first()

    def all_rows(self) -> Sequence[CheckIn]:
        return self.session.exec(select(CheckIn).order_by(CheckIn.person_id, CheckIn.at)).all()


class WorkRecordRepository(_Repository):
    def for_day(self, person_id: int, day: date) -> Sequence[WorkRecord]:
        return self.session.exec(
            select(WorkRecord).where(WorkRecord.person_id == person_id, WorkRecord.day == day)
        ).all()


class ClaimRepository(_Repository):
    def get(self, claim_id: int) -> MissedDayClaim | None:
        return self.session.get(MissedDayClaim, claim_id)

    def for_day(self, person_id: int, day: date) -> MissedDayClaim | None:
        return self.session.exec(
            select(MissedDayClaim).where(
                MissedDayClaim.person_id == person_id, MissedDayClaim.day == day
            )
        ).first()

    def pending_for(self, assignee_id: int) -> Sequence[MissedDayClaim]:
        return self.session.exec(
            select(MissedDayClaim).where(
                MissedDayClaim.assignee_id == assignee_id, MissedDayClaim.status == "pending"
            )
        ).all()


_INSERT_DIARY = insert(_table(DiaryEntry))
_COUNT_DIARIES = (
    select(func.count())
    .select_from(DiaryEntry)
    .where(
        col(DiaryEntry.person_id) == bindparam("person_id"),
        col(DiaryEntry.day) >= bindparam("first"),
        col(DiaryEntry.day) <= bindparam("last"),
    )
)


class DiaryRepository(_Repository):
    def get(self, entry_id: int) -> DiaryEntry | None:
        return self.session.get(DiaryEntry, entry_id)

    def insert(
        self, *, person_id: int, day: date, written_at: datetime, text: str, photos: list[str]
    ) -> int:
        """Store a new, unsigned entry; returns its id."""
        entry_id = self._insert(
            _INSERT_DIARY,
            {
                "person_id": person_id,
                "day": day,
                "written_at": written_at,
                "text": text,
                "photo_file_ids": photos,
                "week_signoff_id": None,
                "month_signoff_id": None,
            },
        )
        assert entry_id is not None
        return entry_id

    def between(self, person_id: int, first: date, last: date) -> Sequence[DiaryEntry]:
        return self.session.exec(
            select(DiaryEntry)
            .where(
                DiaryEntry.person_id == person_id, DiaryEntry.day >= first, DiaryEntry.day <= last
            )
            .order_by(DiaryEntry.day, DiaryEntry.id)
        ).all()

    def count_between(self, person_id: int, first: date, last: date) -> int:
        return self.session.exec(
            _COUNT_DIARIES, params={"person_id": person_id, "first": first, "last": last}
        ).one()

    def signoff(self, cadre_id: int, scope: str, period: str) -> DiarySignoff | None:
        return self.session.exec(
            select(DiarySignoff).where(
                DiarySignoff.cadre_id == cadre_id,
                DiarySignoff.scope == scope,
                DiarySignoff.period == period,
            )
        ).first()

    def count_signoffs(self, cadre_id: int, scope: str, period: str) -> int:
        return self.session.exec(
            select(func.count())
            .select_from(DiarySignoff)
            .where(
                DiarySignoff.cadre_id == cadre_id,
                DiarySignoff.scope == scope,
                col(DiarySignoff.period).startswith(period),
            )
        ).one()

    def signoffs_by_id(self, ids: Iterable[int]) -> dict[int, DiarySignoff]:
        ids = [i for i in set(ids) if i is not None]
        if not ids:
            return {}
        rows = self.session.exec(select(DiarySignoff).where(col(DiarySignoff.id).in_(ids))).all()
        return {s.id: s for s in rows}

    def all_rows(self) -> Sequence[DiaryEntry]:
        return self.session.exec(
            select(DiaryEntry).order_by(DiaryEntry.person_id, DiaryEntry.day)
        ).all()


class LeaveRepository(_Repository):
    def get(self, request_id: int) -> LeaveRequest | None:
        return self.session.get(LeaveRequest, request_id)

    def for_applicant(self, person_id: int) -> Sequence[LeaveRequest]:
        return self.session.exec(
            select(LeaveRequest)
            .where(LeaveRequest.applicant_id == person_id)
            .order_by(col(LeaveRequest.start).desc())
        ).all()

    def standing_for(self, person_id: int) -> Sequence[LeaveRequest]:
        """Requests that still hold their days: pending or approved."""
        return self.session.exec(
            select(LeaveRequest).where(
                LeaveRequest.applicant_id == person_id,
                col(LeaveRequest.status).in_(["pending", "approved"]),
            )
        ).all()

    def approved_between(self, person_id: int, first: date, last: date) -> Sequence[LeaveRequest]:
        return self._between(person_id, "approved", first, last)

    def pending_between(self, person_id: int, first: date, last: date) -> Sequence[LeaveRequest]:
        """Requests still waiting for a decision that overlap ``first``..``last``: their
        days are leave (pending), not absences, until a rejection or withdrawal (a 补假
        for days already past shows here with ``retroactive`` set)."""
        return self._between(person_id, "pending", first, last)

    def _between(
        self, person_id: int, status: str, first: date, last: date
    ) -> Sequence[LeaveRequest]:
        return self.session.exec(
            select(LeaveRequest)
            .where(
                LeaveRequest.applicant_id == person_id,
                LeaveRequest.status == status,
                LeaveRequest.start <= last,
                LeaveRequest.end >= first,
            )
            .order_by(LeaveRequest.start)
        ).all()

    def steps(self, request_id: int) -> Sequence[LeaveStep]:
        return self.session.exec(
            select(LeaveStep)
            .where(LeaveStep.request_id == request_id)
            .order_by(LeaveStep.stage, LeaveStep.id)
        ).all()

    def step(self, step_id: int) -> LeaveStep | None:
        return self.session.get(LeaveStep, step_id)

    def open_steps_for(self, assignee_id: int) -> Sequence[LeaveStep]:
        """Steps awaiting this person's decision whose stage has been reached."""
        return self.session.exec(
            select(LeaveStep)
            .join(LeaveRequest, col(LeaveRequest.id) == LeaveStep.request_id)
            .where(
                LeaveStep.assignee_id == assignee_id,
                col(LeaveStep.decision).is_(None),
                col(LeaveStep.notified_at).is_not(None),
                LeaveStep.kind != "file",
                LeaveRequest.status == "pending",
            )
            .order_by(LeaveStep.id)
        ).all()

    def all_rows(self) -> Sequence[LeaveRequest]:
        return self.session.exec(select(LeaveRequest).order_by(LeaveRequest.id)).all()


class DutyRepository(_Repository):
    """Official duty days (公务): a cadre's records, and everyone's spans for the sweeps."""

    def for_person(self, person_id: int, first: date, last: date) -> Sequence[DutyRecord]:
        """The cadre's records sharing a day with ``first``..``last``, by start."""
        return self.session.exec(
            select(DutyRecord)
            .where(
                DutyRecord.person_id == person_id,
                DutyRecord.start <= last,
                DutyRecord.end >= first,
            )
            .order_by(col(DutyRecord.start), col(DutyRecord.id))
        ).all()

    def overlapping(self, person_id: int, start: date, end: date) -> DutyRecord | None:
        """A record of the cadre that shares a day with ``start``..``end``, if any: two
        records of one cadre never share a day."""
        found = self.for_person(person_id, start, end)
        return found[0] if found else None

    def spans(
        self, first: date, last: date, person_ids: Collection[int] | None = None
    ) -> dict[int, list[DutySpan]]:
        """Everyone's (or ``person_ids``') duty overlapping ``first``..``last`` in one
        query per 5,000 ids: person → [(start, end, kind), ...]."""
        return duty_spans(self.session, first, last, person_ids)


class CalendarRepository(_Repository):
    def all(self) -> Sequence[CalendarDay]:
        return self.session.exec(select(CalendarDay)).all()

    def put(self, day: date, kind: str) -> None:
        row = self.session.get(CalendarDay, day)
        if row is None:
            self.session.add(CalendarDay(day=day, kind=kind))
        else:
            row.kind = kind
        self.session.flush()


_DIALOG = select(DialogState.dialog, DialogState.step, DialogState.data).where(
    col(DialogState.person_id) == bindparam("person_id")
)
_CLEAR_DIALOG = delete(_table(DialogState)).where(
    _table(DialogState).c.person_id == bindparam("person_id")
)


def _dialog_upsert(dialect_insert: Callable[[Table], Any]) -> Insert:
    """``INSERT ... ON CONFLICT (person_id) DO UPDATE`` in the dialect's own construct
    (SQLite and PostgreSQL spell it the same): one statement whether or not a row exists."""
    statement = dialect_insert(_table(DialogState))
    return statement.on_conflict_do_update(
        index_elements=["person_id"],
        set_={name: statement.excluded[name] for name in ("dialog", "step", "data", "updated_at")},
    )


#: The dialog upsert by dialect name: the two databases cadrebot runs on.
_PUT_DIALOG = {
    "sqlite": _dialog_upsert(sqlite.insert),
    "postgresql": _dialog_upsert(postgresql.insert),
}


class DialogRepository(_Repository):
    def get(self, person_id: int) -> OpenDialog | None:
        row = self.session.execute(_DIALOG, {"person_id": person_id}).first()
        return OpenDialog(row.dialog, row.step, row.data or {}) if row is not None else None

    def put(self, person_id: int, dialog: str, step: str, data: dict, now: datetime) -> None:
        """Open or move the person's dialog: one upsert, never a read first."""
        statement = _PUT_DIALOG[self.session.get_bind().dialect.name]
        self._insert(
            statement,
            {
                "person_id": person_id,
                "dialog": dialog,
                "step": step,
                "data": dict(data),
                "updated_at": now,
            },
        )

    def clear(self, person_id: int) -> bool:
        """End the person's dialog; False when there was none."""
        self.session.flush()
        result = self.session.execute(_CLEAR_DIALOG, {"person_id": person_id})
        return bool(result.rowcount)  # type: ignore[attr-defined]


_INSERT_AUDIT = insert(_table(AuditEntry))


class AuditRepository(_Repository):
    def record(
        self, at: datetime, actor_id: int | None, action: str, subject: str, **detail: object
    ) -> None:
        self._insert(
            _INSERT_AUDIT,
            {
                "at": at,
                "actor_id": actor_id,
                "action": action,
                "subject": subject,
                "detail": detail,
            },
        )

    def for_subject(self, subject: str) -> Sequence[AuditEntry]:
        return self.session.exec(
            select(AuditEntry).where(AuditEntry.subject == subject).order_by(AuditEntry.id)
        ).all()


#: A remote check a location sent at ``now`` answers: its window was open then, and either
#: nothing closed it yet or the expiry sweep closed it as no_answer only after ``now``
#: (the bot handled the answer late). ``started_by`` allows for Telegram's whole seconds.
_ANSWERABLE = (
    col(SpotCheck.cadre_id) == bindparam("cadre_id"),
    col(SpotCheck.deadline).is_not(None),
    col(SpotCheck.deadline) > bindparam("now"),
    col(SpotCheck.started_at) <= bindparam("started_by"),
    or_(
        col(SpotCheck.result).is_(None),
        and_(
            col(SpotCheck.result) == "no_answer",
            col(SpotCheck.recorded_at) >= bindparam("now"),
        ),
    ),
)
_OPEN_SPOT_CHECK = select(SpotCheck.id).where(*_ANSWERABLE).limit(1)
#: Locked: an answer and the expiry sweep (``expired``, which skips locked rows) never both
#: write the same check; whichever comes second sees the other's result.
_ANSWERABLE_SPOT_CHECK = (
    select(SpotCheck).where(*_ANSWERABLE).order_by(col(SpotCheck.id).desc()).with_for_update()
)


class SpotCheckRepository(_Repository):
    """明查暗访 (Art. 26.3): open checks by cadre, expired ones, and the year's results."""

    def has_open(self, cadre_id: int, now: datetime, *, started_by: datetime | None = None) -> bool:
        """Whether ``answerable`` would find a check: every location a cadre shares asks."""
        params = {"cadre_id": cadre_id, "now": now, "started_by": started_by or now}
        return self.session.exec(_OPEN_SPOT_CHECK, params=params).first() is not None

    def answerable(
        self, cadre_id: int, now: datetime, *, started_by: datetime | None = None
    ) -> SpotCheck | None:
        """The cadre's remote check that a location sent at ``now`` answers (see
        ``_ANSWERABLE``), the latest if several."""
        params = {"cadre_id": cadre_id, "now": now, "started_by": started_by or now}
        return self.session.exec(_ANSWERABLE_SPOT_CHECK, params=params).first()

    def get(self, check_id: int) -> SpotCheck | None:
        return self.session.get(SpotCheck, check_id)

    def open_for(self, cadre_id: int, now: datetime) -> SpotCheck | None:
        """The cadre's remote check still waiting for their location at ``now``."""
        return self.session.exec(
            select(SpotCheck)
            .where(
                SpotCheck.cadre_id == cadre_id,
                col(SpotCheck.result).is_(None),
                col(SpotCheck.deadline).is_not(None),
                col(SpotCheck.deadline) > now,
            )
            .order_by(col(SpotCheck.id).desc())
        ).first()

    def expired(self, now: datetime) -> Sequence[SpotCheck]:
        """Remote checks whose window closed without an answer."""
        return self.session.exec(
            select(SpotCheck)
            .where(
                col(SpotCheck.result).is_(None),
                col(SpotCheck.deadline).is_not(None),
                col(SpotCheck.deadline) <= now,
            )
            .order_by(SpotCheck.id)
            .with_for_update(skip_locked=True)
        ).all()

    def between(self, first: datetime, last: datetime) -> Sequence[SpotCheck]:
        """Checks with a result, started from ``first`` (included) to ``last`` (excluded)."""
        return self.session.exec(
            select(SpotCheck)
            .where(
                col(SpotCheck.result).is_not(None),
                SpotCheck.started_at >= first,
                SpotCheck.started_at < last,
            )
            .order_by(SpotCheck.id)
        ).all()

    def exists_between(self, cadre_id: int, first: datetime, last: datetime) -> bool:
        """Whether a check of the cadre started from ``first`` (included) to ``last``."""
        return (
            self.session.exec(
                select(SpotCheck.id).where(
                    SpotCheck.cadre_id == cadre_id,
                    SpotCheck.started_at >= first,
                    SpotCheck.started_at < last,
                )
            ).first()
            is not None
        )

    def ordinal(self, check: SpotCheck, result: str, first: datetime) -> int:
        """How many of the cadre's checks with ``result`` started from ``first`` up to
        ``check`` itself, by moment then id: its place among them by date."""
        same = and_(SpotCheck.started_at == check.started_at, col(SpotCheck.id) <= check.id)
        return self.session.exec(
            select(func.count())
            .select_from(SpotCheck)
            .where(
                SpotCheck.cadre_id == check.cadre_id,
                SpotCheck.result == result,
                SpotCheck.started_at >= first,
                or_(SpotCheck.started_at < check.started_at, same),
            )
        ).one()

    def count_result(self, cadre_id: int, result: str, first: datetime, last: datetime) -> int:
        return self.session.exec(
            select(func.count())
            .select_from(SpotCheck)
            .where(
                SpotCheck.cadre_id == cadre_id,
                SpotCheck.result == result,
                SpotCheck.started_at >= first,
                SpotCheck.started_at < last,
            )
        ).one()


class GradeRepository(_Repository):
    """Annual grades (Art. 26, 30), one per cadre and year."""

    def get(self, cadre_id: int, year: int) -> AssessmentGrade | None:
        return self.session.exec(
            select(AssessmentGrade).where(
                AssessmentGrade.cadre_id == cadre_id, AssessmentGrade.year == year
            )
        ).first()

    def for_year(self, year: int) -> dict[int, AssessmentGrade]:
        rows = self.session.exec(select(AssessmentGrade).where(AssessmentGrade.year == year))
        return {row.cadre_id: row for row in rows}

    def count(self, year: int, grade: str) -> int:
        return self.session.exec(
            select(func.count())
            .select_from(AssessmentGrade)
            .where(AssessmentGrade.year == year, AssessmentGrade.grade == grade)
        ).one()


class ReplacedEntry(NamedTuple):
    """The values an ``AttendanceEntry`` had before a later one for its day replaced it."""

    status: str
    reason: str
    source: str
    recorded_by_id: int
    recorded_at: datetime


class AttendanceEntryRepository(_Repository):
    """The township's entries of cadres' days (Art. 11), one per cadre and day; the day
    ledger reads them through ``statuses`` as the evidence that overrides the rest."""

    def put(
        self,
        *,
        person_id: int,
        day: date,
        status: str,
        reason: str,
        recorded_by_id: int,
        recorded_at: datetime,
        source: str,
    ) -> ReplacedEntry | None:
        """Enter the day, replacing an earlier entry for it; returns what that one said
        (for the audit log), None when the day had none. The row is locked while replaced,
        so two secretaries entering the same day one after the other both land in order."""
        row = self.session.exec(
            select(AttendanceEntry)
            .where(AttendanceEntry.person_id == person_id, AttendanceEntry.day == day)
            .with_for_update()
        ).first()
        if row is None:
            self.add(
                AttendanceEntry(
                    person_id=person_id,
                    day=day,
                    status=status,
                    reason=reason,
                    recorded_by_id=recorded_by_id,
                    recorded_at=recorded_at,
                    source=source,
                )
            )
            return None
        replaced = ReplacedEntry(
            row.status, row.reason, row.source, row.recorded_by_id, row.recorded_at
        )
        row.status, row.reason, row.source = status, reason, source
        row.recorded_by_id, row.recorded_at = recorded_by_id, recorded_at
        self.session.flush()
        return replaced

    def for_person(self, person_id: int, first: date, last: date) -> Sequence[AttendanceEntry]:
        """The person's entries from ``first`` to ``last``, by day."""
        return self.session.exec(
            select(AttendanceEntry)
            .where(
                AttendanceEntry.person_id == person_id,
                AttendanceEntry.day >= first,
                AttendanceEntry.day <= last,
            )
            .order_by(AttendanceEntry.day)
        ).all()

    def statuses(
        self, first: date, last: date, person_ids: Collection[int] | None = None
    ) -> dict[int, dict[date, str]]:
        """person id → {day → status} from ``first`` to ``last``, in one query (``None``:
        everyone; an empty collection: nobody, without asking the database)."""
        if person_ids is not None and not person_ids:
            return {}
        table = _table(AttendanceEntry)
        query = sa_select(table.c.person_id, table.c.day, table.c.status).where(
            table.c.day >= first, table.c.day <= last
        )
        if person_ids is not None:
            query = query.where(table.c.person_id.in_(list(person_ids)))
        result: dict[int, dict[date, str]] = {}
        for pid, day, status in self.session.execute(query).all():
            result.setdefault(pid, {})[day] = status
        return result
