"""Roster-wide queries for the scheduler's sweeps, and the outbox's writes and claims.

Every function runs a fixed number of set-based statements whatever the size of the roster
(never one per person): the sweeps must stay fast at 100,000 cadres. Like the repositories,
nothing here commits; the caller's unit of work does.

The outbox (``Reminder``) is written with ``INSERT ... ON CONFLICT DO NOTHING`` on its unique
key (recipient, kind, period), so running a sweep twice inserts nothing the second time,
and is drained by claiming rows with a guarded ``UPDATE`` (plus ``FOR UPDATE SKIP LOCKED``
on PostgreSQL) so two dispatchers never hold the same row.
"""

from __future__ import annotations

import zlib
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, case, distinct, func, or_, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session

from domain.roles import CADRE_ROLES
from storage.tables import (
    Assignment,
    CheckIn,
    DiaryEntry,
    LeaveRequest,
    LeaveStep,
    MissedDayClaim,
    Person,
    Reminder,
    Township,
    Unit,
    Village,
)

_A = Assignment.__table__
_C = CheckIn.__table__
_D = DiaryEntry.__table__
_L = LeaveRequest.__table__
_S = LeaveStep.__table__
_P = Person.__table__
_R = Reminder.__table__

#: Written as the partial indexes' own predicate so both planners can use them.
_ON_SITE = text("checkin.on_site")
_CADRE_ROLES = sorted(r.value for r in CADRE_ROLES)


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


# -- the roster -------------------------------------------------------------------------------


@dataclass(frozen=True)
class PostingRow:
    """An active cadre with the posting the figures of a span are counted against."""

    person_id: int
    name: str
    phone: str
    role: str
    assignment_id: int
    start: date
    end: date | None
    village_id: int
    village: str
    township_id: int
    township: str
    unit_id: int
    unit: str


def postings(
    session: Session,
    first: date,
    last: date,
    *,
    township_id: int | None = None,
    unit_id: int | None = None,
) -> list[PostingRow]:
    """Active cadres posted at any time from ``first`` to ``last``, one row each: their
    latest-started posting overlapping that span (the one ``AssignmentRepository.current``
    would pick on a single day). Filtered by the posting's township or unit."""
    query = (
        select(
            _P.c.id,
            _P.c.name,
            _P.c.phone,
            _P.c.role,
            _A.c.id,
            _A.c.start,
            _A.c.end,
            Village.__table__.c.id,
            Village.__table__.c.name,
            Township.__table__.c.id,
            Township.__table__.c.name,
            Unit.__table__.c.id,
            Unit.__table__.c.name,
        )
        .select_from(
            _A.join(_P, _P.c.id == _A.c.person_id)
            .join(Village.__table__, Village.__table__.c.id == _A.c.village_id)
            .join(Township.__table__, Township.__table__.c.id == Village.__table__.c.township_id)
            .join(Unit.__table__, Unit.__table__.c.id == _A.c.unit_id)
        )
        .where(
            _P.c.active.is_(True),
            _P.c.role.in_(_CADRE_ROLES),
            _A.c.start <= last,
            or_(_A.c.end.is_(None), _A.c.end >= first),
        )
        .order_by(_P.c.id, _A.c.start, _A.c.id)
    )
    if township_id is not None:
        query = query.where(Township.__table__.c.id == township_id)
    if unit_id is not None:
        query = query.where(_A.c.unit_id == unit_id)
    latest: dict[int, PostingRow] = {}
    for row in session.execute(query):
        latest[row[0]] = PostingRow(*row)  # ordered by start: the last one wins
    return list(latest.values())


@dataclass(frozen=True)
class HolderRow:
    person_id: int
    role: str
    township_id: int | None
    village_id: int | None
    unit_id: int | None


def holders(session: Session, roles: Iterable[str]) -> list[HolderRow]:
    """Every active holder of ``roles`` with the place they hold it for."""
    query = (
        select(_P.c.id, _P.c.role, _P.c.township_id, _P.c.village_id, _P.c.unit_id)
        .where(_P.c.active.is_(True), _P.c.role.in_([str(r) for r in roles]))
        .order_by(_P.c.id)
    )
    return [HolderRow(*row) for row in session.execute(query)]


# -- check-ins --------------------------------------------------------------------------------


def onsite_on(session: Session, day: date) -> set[int]:
    """People with an on-site check-in on ``day``."""
    query = select(distinct(_C.c.person_id)).where(_ON_SITE, _C.c.day == day)
    return set(session.scalars(query))


def onsite_days_by_person(session: Session, first: date, last: date) -> dict[int, int]:
    """Distinct on-site days per person from ``first`` to ``last`` (any posting)."""
    query = (
        select(_C.c.person_id, func.count(distinct(_C.c.day)))
        .where(_ON_SITE, _C.c.day >= first, _C.c.day <= last)
        .group_by(_C.c.person_id)
    )
    return {pid: n for pid, n in session.execute(query)}


def onsite_per_posting(
    session: Session, first: date, last: date, nonworkdays: Collection[date]
) -> dict[int, tuple[int, int]]:
    """Assignment id → (on-site days, on-site *working* days) within the posting's own span
    cut to ``first``..``last``. ``nonworkdays`` are that span's weekends and holidays
    (the official calendar lives in Python, so the query is told which days do not count).
    """
    on_workday = case((_C.c.day.in_(sorted(nonworkdays)), None), else_=_C.c.day)
    query = (
        select(_A.c.id, func.count(distinct(_C.c.day)), func.count(distinct(on_workday)))
        .select_from(_A.join(_C, _C.c.person_id == _A.c.person_id))
        .where(
            _A.c.start <= last,
            or_(_A.c.end.is_(None), _A.c.end >= first),
            _ON_SITE,
            _C.c.day >= first,
            _C.c.day <= last,
            _C.c.day >= _A.c.start,
            or_(_A.c.end.is_(None), _C.c.day <= _A.c.end),
        )
        .group_by(_A.c.id)
    )
    return {aid: (days, workdays) for aid, days, workdays in session.execute(query)}


# -- leave ------------------------------------------------------------------------------------


def approved_leaves(session: Session, first: date, last: date) -> dict[int, list[tuple[date, date]]]:
    """Approved leave overlapping ``first``..``last``: applicant → [(start, end), ...]."""
    query = select(_L.c.applicant_id, _L.c.start, _L.c.end).where(
        _L.c.status == "approved", _L.c.start <= last, _L.c.end >= first
    )
    spans: dict[int, list[tuple[date, date]]] = defaultdict(list)
    for pid, start, end in session.execute(query):
        spans[pid].append((start, end))
    return dict(spans)


def onsite_during_leave(session: Session, first: date, last: date) -> dict[int, set[date]]:
    """On-site days that fall inside the person's own approved leave (they count as on-site,
    not as leave)."""
    query = (
        select(_C.c.person_id, _C.c.day)
        .select_from(_C.join(_L, _L.c.applicant_id == _C.c.person_id))
        .where(
            _L.c.status == "approved",
            _L.c.start <= last,
            _L.c.end >= first,
            _ON_SITE,
            _C.c.day >= _L.c.start,
            _C.c.day <= _L.c.end,
            _C.c.day >= first,
            _C.c.day <= last,
        )
        .distinct()
    )
    days: dict[int, set[date]] = defaultdict(set)
    for pid, day in session.execute(query):
        days[pid].add(day)
    return dict(days)


def pending_requests_by_applicant(session: Session) -> dict[int, int]:
    query = (
        select(_L.c.applicant_id, func.count())
        .where(_L.c.status == "pending")
        .group_by(_L.c.applicant_id)
    )
    return {pid: n for pid, n in session.execute(query)}


def _open_step_filter() -> Any:
    """A step awaiting its holder: reached, undecided, not a filing, request still pending
    (the same test as ``LeaveRepository.open_steps_for``)."""
    return and_(
        _S.c.decision.is_(None),
        _S.c.notified_at.is_not(None),
        _S.c.kind != "file",
        _L.c.status == "pending",
    )


def open_steps_by_assignee(session: Session) -> dict[int, int]:
    query = (
        select(_S.c.assignee_id, func.count())
        .select_from(_S.join(_L, _L.c.id == _S.c.request_id))
        .where(_open_step_filter())
        .group_by(_S.c.assignee_id)
    )
    return {pid: n for pid, n in session.execute(query)}


def pending_claims_by_assignee(session: Session) -> dict[int, int]:
    table = MissedDayClaim.__table__
    query = (
        select(table.c.assignee_id, func.count())
        .where(table.c.status == "pending", table.c.assignee_id.is_not(None))
        .group_by(table.c.assignee_id)
    )
    return {pid: n for pid, n in session.execute(query)}


@dataclass(frozen=True)
class OpenStepRow:
    step_id: int
    request_id: int
    kind: str
    role: str
    assignee_id: int
    notified_at: datetime
    applicant_id: int
    start: date
    end: date
    days: int


def open_steps(session: Session, notified_before: datetime) -> list[OpenStepRow]:
    """Steps awaiting their holder since before ``notified_before``."""
    query = (
        select(
            _S.c.id,
            _L.c.id,
            _S.c.kind,
            _S.c.role,
            _S.c.assignee_id,
            _S.c.notified_at,
            _L.c.applicant_id,
            _L.c.start,
            _L.c.end,
            _L.c.days,
        )
        .select_from(_S.join(_L, _L.c.id == _S.c.request_id))
        .where(_open_step_filter(), _S.c.notified_at <= notified_before)
        .order_by(_S.c.id)
    )
    return [OpenStepRow(*row) for row in session.execute(query)]


# -- diaries ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DiaryCounts:
    written: int = 0
    week_signed: int = 0
    month_signed: int = 0


def diary_counts(session: Session, first: date, last: date) -> dict[int, DiaryCounts]:
    """Entries written from ``first`` to ``last`` per person, and how many are signed."""
    query = (
        select(
            _D.c.person_id,
            func.count(),
            func.count(_D.c.week_signoff_id),
            func.count(_D.c.month_signoff_id),
        )
        .where(_D.c.day >= first, _D.c.day <= last)
        .group_by(_D.c.person_id)
    )
    return {pid: DiaryCounts(n, w, m) for pid, n, w, m in session.execute(query)}


def unsigned_diaries(session: Session, first: date, last: date, scope: str) -> dict[int, int]:
    """Entries from ``first`` to ``last`` still waiting for the week's (village secretary)
    or the month's (township secretary) signature, per cadre."""
    column = _D.c.week_signoff_id if scope == "week" else _D.c.month_signoff_id
    query = (
        select(_D.c.person_id, func.count())
        .where(_D.c.day >= first, _D.c.day <= last, column.is_(None))
        .group_by(_D.c.person_id)
    )
    return {pid: n for pid, n in session.execute(query)}


# -- the outbox -------------------------------------------------------------------------------


def insert_reminders(session: Session, rows: Sequence[dict[str, Any]]) -> set[tuple[int, str, str]]:
    """Insert outbox rows, skipping any whose (recipient, kind, period) exists already;
    returns the keys actually inserted. One statement (batched by the driver)."""
    if not rows:
        return set()
    maker = pg_insert if _dialect(session) == "postgresql" else sqlite_insert
    statement = (
        maker(_R)
        .on_conflict_do_nothing(index_elements=["recipient_id", "kind", "period"])
        .returning(_R.c.recipient_id, _R.c.kind, _R.c.period)
    )
    result = session.execute(statement, list(rows))
    return {(rid, kind, period) for rid, kind, period in result}


def _claimable(stale_before: datetime) -> Any:
    return and_(
        _R.c.sent_at.is_(None),
        _R.c.failed.is_(None),
        or_(_R.c.claimed_at.is_(None), _R.c.claimed_at < stale_before),
    )


def claim_reminders(
    session: Session, token: str, now: datetime, stale_before: datetime, limit: int
) -> list[Reminder]:
    """Claim up to ``limit`` unsent rows (oldest first) for ``token``.

    The ``UPDATE`` repeats the claimable test, so a row another dispatcher claimed in the
    meantime is left alone (PostgreSQL re-checks it after the row lock; SQLite serialises
    writers); on PostgreSQL ``SKIP LOCKED`` also keeps dispatchers from queueing on each
    other's rows. A claim older than ``stale_before`` belongs to a dispatcher that died."""
    candidates = (
        select(_R.c.id).where(_claimable(stale_before)).order_by(_R.c.id).limit(limit)
    )
    if _dialect(session) == "postgresql":
        candidates = candidates.with_for_update(skip_locked=True)
    session.execute(
        update(_R)
        .where(_R.c.id.in_(candidates.scalar_subquery()), _claimable(stale_before))
        .values(claim_token=token, claimed_at=now)
    )
    session.flush()
    query = (
        select(Reminder)
        .where(Reminder.claim_token == token, Reminder.sent_at.is_(None))
        .order_by(Reminder.id)
    )
    return list(session.scalars(query))


def mark_sent(session: Session, reminder_id: int, token: str, now: datetime) -> bool:
    """Record a delivered row; False if the claim was lost (a lease taken over)."""
    result = session.execute(
        update(_R)
        .where(_R.c.id == reminder_id, _R.c.claim_token == token)
        .values(sent_at=now, claim_token=None)
    )
    return result.rowcount == 1


def mark_failed(session: Session, reminder_id: int, token: str, reason: str) -> bool:
    """Close a row that will never be sent (blocked, not bound, expired, refused)."""
    result = session.execute(
        update(_R)
        .where(_R.c.id == reminder_id, _R.c.claim_token == token)
        .values(failed=reason[:200], claim_token=None)
    )
    return result.rowcount == 1


def record_undelivered(
    session: Session, reminder_id: int, token: str, now: datetime, max_attempts: int
) -> bool:
    """Count a failed attempt and let the row be retried once the lease has passed
    (``claimed_at`` stays as the time of the attempt); gives up after ``max_attempts``.
    Returns True when the row is now closed as undeliverable."""
    row = session.get(Reminder, reminder_id)
    if row is None or row.claim_token != token:
        return False
    row.attempts = (row.attempts or 0) + 1
    row.claim_token = None
    row.claimed_at = now
    if row.attempts >= max_attempts:
        row.failed = "undelivered"
    session.flush()
    return row.failed is not None


def release_claims(session: Session, token: str) -> int:
    """Hand back every row ``token`` still holds and has not finished (a dispatcher that
    stops halfway), so the next dispatcher sends them at once."""
    result = session.execute(
        update(_R)
        .where(_R.c.claim_token == token, _R.c.sent_at.is_(None), _R.c.failed.is_(None))
        .values(claim_token=None, claimed_at=None)
    )
    return result.rowcount


def unsent_count(session: Session) -> int:
    query = select(func.count()).select_from(_R).where(_R.c.sent_at.is_(None), _R.c.failed.is_(None))
    return session.scalar(query) or 0


# -- one scheduler at a time (PostgreSQL) -----------------------------------------------------


def try_sweep_lock(session: Session, name: str) -> bool:
    """On PostgreSQL, a transaction-scoped advisory lock per sweep so two schedulers started
    by mistake do not compute the same sweep at the same time (the outbox keys would keep
    the reminders single anyway; this only saves the duplicated work). SQLite serialises
    writers by itself: always True there."""
    if _dialect(session) != "postgresql":
        return True
    key = zlib.crc32(f"cadrebot.sweep.{name}".encode())
    return bool(session.scalar(select(func.pg_try_advisory_xact_lock(key))))
