"""Roster-wide queries for the scheduler's sweeps, and the outbox's writes and claims.

Every function runs a fixed number of set-based statements whatever the size of the roster
(never one per person): the sweeps must stay fast at 100,000 cadres. Like the repositories,
nothing here commits; the caller's unit of work does.

On-site days are read from a rollup (``OnsiteMonth``: a bitmask of days per cadre and
month, refreshed from the check-ins added since its watermark) because a year of raw
check-ins is tens of millions of rows at that size.

The outbox (``Reminder``) is written with ``INSERT ... ON CONFLICT DO NOTHING`` on its unique
key (recipient, kind, period), so running a sweep twice inserts nothing the second time,
and is drained by claiming rows with a guarded ``UPDATE`` (plus ``FOR UPDATE SKIP LOCKED``
on PostgreSQL) so two dispatchers never hold the same row.
"""

from __future__ import annotations

import zlib
from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, NamedTuple

from pydantic_core import to_json
from sqlalchemy import (
    and_,
    bindparam,
    case,
    delete,
    distinct,
    func,
    literal_column,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.sql import Executable
from sqlmodel import Session

from domain.roles import CADRE_ROLES
from storage.limits import IDS_PER_QUERY
from storage.tables import (
    Assignment,
    CheckIn,
    DiaryEntry,
    DutyRecord,
    LeaveRequest,
    LeaveStep,
    MissedDayClaim,
    OnsiteMonth,
    Person,
    Reminder,
    SweepState,
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
_M = OnsiteMonth.__table__
_T = DutyRecord.__table__

#: Written as the partial indexes' own predicate so both planners can use them.
_ON_SITE = text("checkin.on_site")
_CADRE_ROLES = sorted(r.value for r in CADRE_ROLES)


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def _driver_rows(session: Session, statement: Executable) -> list[tuple]:
    """The rows of ``statement`` as plain tuples straight from the DBAPI cursor.

    SQLAlchemy's per-row result processing costs more than SQLite's own work on the
    roster-wide reads (100,000 rows and more), so those skip it. Only integers, strings and
    NULLs come back unchanged on both dialects; dates are text on SQLite (see ``_day``)."""
    result = session.connection().execute(statement)
    try:
        return result.cursor.fetchall()
    finally:
        result.close()


def _day(value: date | str | None) -> date | None:
    """A date column read by ``_driver_rows``: SQLite stores it as ISO text."""
    return date.fromisoformat(value) if isinstance(value, str) else value


# -- the roster -------------------------------------------------------------------------------


class PostingRow(NamedTuple):
    """An active cadre with the posting the figures of a span are counted against (a named
    tuple: the sweeps build 100,000 of them, and a frozen dataclass is ten times slower to
    build)."""

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
    #: Every posting of this person in scope overlapping the span asked for, (start, end)
    #: by start (this row's is the last): a cadre's figures add up all their postings,
    #: so a transfer in July loses nothing of the first half of the year.
    spans: tuple[tuple[date, date | None], ...] = ()
    #: Whether the person was posted to more than one village in that span.
    moved: bool = False
    #: Whether they were also posted outside the scope asked for (a township's sheet:
    #: they moved to or from another township's village): the row counts only this part.
    elsewhere: bool = False


def postings(
    session: Session,
    first: date,
    last: date,
    *,
    township_id: int | None = None,
    unit_id: int | None = None,
    person_ids: Collection[int] | None = None,
    id_range: tuple[int, int] | None = None,
) -> list[PostingRow]:
    """Active cadres posted at any time from ``first`` to ``last``, one row each: their
    latest-started posting overlapping that span (the one ``AssignmentRepository.current``
    would pick on a single day). Filtered by the posting's township or unit, to some
    people, or to person ids from ``id_range[0]`` to ``id_range[1]``."""
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
    if id_range is not None:
        query = query.where(_P.c.id.between(*id_range))
    latest: dict[int, tuple] = {}
    spans: dict[int, list[tuple[date, date | None]]] = defaultdict(list)
    villages: dict[int, set[int]] = defaultdict(set)
    for chunk in _chunks(person_ids):
        narrowed = query if chunk is None else query.where(_P.c.id.in_(chunk))
        for row in _driver_rows(session, narrowed):
            latest[row[0]] = row  # ordered by start: the last one wins
            spans[row[0]].append((_day(row[5]), _day(row[6])))
            villages[row[0]].add(row[7])
    moved = {pid for pid, seen in villages.items() if len(seen) > 1}
    elsewhere: set[int] = set()
    if township_id is not None or unit_id is not None:
        elsewhere = _posted_elsewhere(session, first, last, latest, township_id, unit_id)
    return [
        PostingRow(
            pid,
            name,
            phone,
            role,
            aid,
            _day(start),
            _day(end),
            *place,
            spans=tuple(spans[pid]),
            moved=pid in moved or pid in elsewhere,
            elsewhere=pid in elsewhere,
        )
        for pid, name, phone, role, aid, start, end, *place in (
            latest[pid] for pid in sorted(latest)
        )
    ]


def _posted_elsewhere(
    session: Session,
    first: date,
    last: date,
    people: Collection[int],
    township_id: int | None,
    unit_id: int | None,
) -> set[int]:
    """Those of ``people`` with a posting from ``first`` to ``last`` outside the township
    (or for another unit): a sheet of one scope notes that they moved."""
    outside = []
    if township_id is not None:
        outside.append(Village.__table__.c.township_id != township_id)
    if unit_id is not None:
        outside.append(_A.c.unit_id != unit_id)
    query = (
        select(_A.c.person_id)
        .select_from(_A.join(Village.__table__, Village.__table__.c.id == _A.c.village_id))
        .where(_A.c.start <= last, or_(_A.c.end.is_(None), _A.c.end >= first), or_(*outside))
        .distinct()
    )
    found: set[int] = set()
    for chunk in _chunks(list(people)):
        narrowed = query if chunk is None else query.where(_A.c.person_id.in_(chunk))
        found.update(pid for (pid,) in _driver_rows(session, narrowed))
    return found


#: Cadres a roster-wide sweep plans at a time (``posting_batches``).
BATCH_SIZE = IDS_PER_QUERY


def posting_batches(
    session: Session, first: date, last: date, size: int | None = None
) -> Iterator[list[PostingRow]]:
    """``postings(session, first, last)`` a batch at a time, in the same (person id)
    order: each batch the cadres among the next ``size`` active cadres by id.

    Why: a sweep that plans from the whole roster at once holds 100,000 postings and their
    figures (about 100 MB in a bot process, which never gives all of it back), where a
    batch holds a few MB. One query lists the ids; each batch reads an id range (the
    person table's primary key), so no id list is sent and the batches cost about what
    one roster-wide read does. ``size`` defaults to ``BATCH_SIZE`` as it is at the call."""
    size = BATCH_SIZE if size is None else size
    if size < 1:
        raise ValueError("size must be at least 1")
    ids = [
        pid
        for (pid,) in _driver_rows(
            session,
            select(_P.c.id)
            .where(_P.c.active.is_(True), _P.c.role.in_(_CADRE_ROLES))
            .order_by(_P.c.id),
        )
    ]
    for i in range(0, len(ids), size):
        batch = postings(session, first, last, id_range=(ids[i], ids[min(i + size, len(ids)) - 1]))
        if batch:
            yield batch


class HolderRow(NamedTuple):
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
    return list(map(HolderRow._make, _driver_rows(session, query)))


# -- check-ins --------------------------------------------------------------------------------

ROLLUP = "onsite_rollup"
#: Check-ins re-read behind the watermark on every refresh. On PostgreSQL ids come from a
#: sequence, so a transaction can commit a lower id after a higher one was seen; merging
#: is an OR, so reading a row twice is harmless and this margin closes that gap.
ROLLUP_OVERLAP = 50_000


def month_key(day: date) -> int:
    """``OnsiteMonth.month`` of a day: 202611 for any day of November 2026."""
    return day.year * 100 + day.month


def onsite_on(session: Session, day: date) -> set[int]:
    """People with an on-site check-in on ``day``."""
    query = select(_C.c.person_id).where(_ON_SITE, _C.c.day == day).distinct()
    return set(session.scalars(query).all())


def onsite_days_by_person(session: Session, first: date, last: date) -> dict[int, int]:
    """Distinct on-site days per person from ``first`` to ``last`` (any posting), straight
    from the check-ins: exact without the rollup, but it reads every check-in of the span
    (the sweeps use ``onsite_months`` instead)."""
    query = (
        select(_C.c.person_id, func.count(distinct(_C.c.day)))
        .where(_ON_SITE, _C.c.day >= first, _C.c.day <= last)
        .group_by(_C.c.person_id)
    )
    return {pid: n for pid, n in session.execute(query).all()}


def _popcount(expression: str) -> str:
    """SQL counting the set bits of a 31-bit integer expression (both dialects)."""
    return "(" + " + ".join(f"(({expression} >> {i}) & 1)" for i in range(31)) + ")"


def _rebuild_rollup(session: Session, top: int) -> None:
    """Roll every on-site check-in up to ``top`` into ``onsitemonth`` in one statement."""
    session.execute(delete(_M))
    if _dialect(session) == "postgresql":
        select_sql = (
            "SELECT person_id, (extract(year FROM day) * 100 + extract(month FROM day))::int, "
            "bit_or(1 << (extract(day FROM day)::int - 1)), count(DISTINCT day) "
        )
    else:  # distinct days are distinct powers of two: their distinct sum is the OR
        select_sql = (
            "SELECT person_id, CAST(strftime('%Y%m', day) AS INTEGER), "
            "SUM(DISTINCT 1 << (CAST(strftime('%d', day) AS INTEGER) - 1)), count(DISTINCT day) "
        )
    session.execute(
        text(
            'INSERT INTO onsitemonth (person_id, month, days, "count") '
            + select_sql
            + "FROM checkin WHERE checkin.on_site AND checkin.id <= :top GROUP BY 1, 2"
        ),
        {"top": top},
    )


def refresh_onsite_months(session: Session) -> None:
    """Bring ``onsitemonth`` up to date with the check-ins (once per session).

    The first time, it is built from every check-in; afterwards only check-ins above the
    watermark (less ``ROLLUP_OVERLAP``) are read and OR-ed into their months, a few
    thousand rows a day even for a large district. Check-ins are only ever added (never
    updated or deleted), which is what makes this exact. A changed month's ``work`` is
    cleared, to be recounted by ``working_days_on_site``."""
    if session.info.get(ROLLUP):
        return
    if _dialect(session) == "postgresql":  # one refresher at a time; others wait, then skip
        session.execute(select(func.pg_advisory_xact_lock(zlib.crc32(ROLLUP.encode()))))
    top = session.scalar(select(func.max(_C.c.id))) or 0
    state = session.get(SweepState, ROLLUP)
    if state is None:
        _rebuild_rollup(session, top)
        session.add(SweepState(name=ROLLUP, value=top))
    else:
        since = max(0, state.value - ROLLUP_OVERLAP)
        rows = _driver_rows(
            session,
            select(_C.c.person_id, _C.c.day).where(_C.c.id > since, _C.c.id <= top, _ON_SITE),
        )
        merged: dict[tuple[int, int], int] = defaultdict(int)
        for pid, value in rows:
            day = _day(value)
            merged[(pid, month_key(day))] |= 1 << (day.day - 1)
        if merged:
            maker = pg_insert if _dialect(session) == "postgresql" else sqlite_insert
            statement = maker(_M)
            combined = "(onsitemonth.days | excluded.days)"
            statement = statement.on_conflict_do_update(
                index_elements=["person_id", "month"],
                set_={
                    "days": literal_column(combined),
                    "count": literal_column(_popcount(combined)),
                    "work": None,
                },
                # rows read again in the overlap change nothing and keep their counts
                where=literal_column(combined) != _M.c.days,
            )
            session.execute(
                statement,
                [
                    {"person_id": p, "month": m, "days": d, "count": d.bit_count(), "work": None}
                    for (p, m), d in sorted(merged.items())
                ],
            )
        state.value = max(state.value, top)
    session.flush()
    session.info[ROLLUP] = True
    session.info.pop("onsite_months", None)
    session.info.pop(WORKDAYS_DONE, None)


def onsite_months(
    session: Session, first: date, last: date, person_ids: Collection[int] | None = None
) -> dict[int, dict[int, int]]:
    """person → {month key → bitmask of on-site days} for the months from ``first`` to
    ``last`` (refresh the rollup first). ``person_ids`` narrows it to some people."""
    span = (month_key(first), month_key(last))
    cache = session.info.setdefault("onsite_months", {})
    if person_ids is None and span in cache:  # read once per transaction
        return cache[span]
    query = select(_M.c.person_id, _M.c.month, _M.c.days).where(
        _M.c.month >= span[0], _M.c.month <= span[1]
    )
    months: dict[int, dict[int, int]] = defaultdict(dict)
    for condition, members in _narrowed(_M.c.person_id, person_ids):
        narrowed = query if condition is None else query.where(condition)
        for pid, month, days in _driver_rows(session, narrowed):
            if members is None or pid in members:
                months[pid][month] = days
    if person_ids is None:
        cache[span] = months
    return months


def _chunks(ids: Collection[int] | None, size: int = IDS_PER_QUERY) -> Iterable[list[int] | None]:
    if ids is None:
        yield None
        return
    ordered = sorted(set(ids))
    for i in range(0, len(ordered), size):
        yield ordered[i : i + size]


def _narrowed(
    column: Any, ids: Collection[int] | None
) -> Iterator[tuple[Any | None, set[int] | None]]:
    """How to narrow a query on ``column`` to ``ids``, a chunk at a time: (a condition or
    None for everyone, the ids a row must have or None for any).

    A chunk of ids that are nearly consecutive (a batch of ``posting_batches``) becomes a
    range on ``column``, its rows kept in Python if theirs: a 5,000-item ``IN`` list costs
    SQLAlchemy more to expand and SQLite more to probe than the range's few extra rows
    (people who are not cadres) cost to skip. Scattered ids stay an ``IN`` list."""
    for chunk in _chunks(ids):
        if chunk is None:
            yield None, None
        elif chunk[-1] - chunk[0] < 2 * len(chunk):
            yield column.between(chunk[0], chunk[-1]), set(chunk)
        else:
            yield column.in_(chunk), None


#: ``session.info`` key: the transaction, and the (month, working days) pairs
#: ``working_days_on_site`` has made right in it.
WORKDAYS_DONE = "workdays_done"


def _workday_state(key: int) -> str:
    return f"workdays:{key}"


def working_days_on_site(session: Session, workdays: dict[int, int]) -> None:
    """Make ``work`` right for the given months (month key → bitmask of its working days):
    counted for rows never counted, and for every row of a month whose calendar changed
    since (an imported 调休 table), remembered in ``SweepState``.

    A month made right stays right for the rest of the transaction (only the rollup's
    refresh clears ``work``, and it forgets this), so each (month, working days) is done
    once per transaction: a sweep planning batch by batch asks for the same months once
    per batch, and the ``work IS NULL`` test reads the whole month."""
    transaction = session.get_transaction()
    cached = session.info.get(WORKDAYS_DONE)
    if cached is None or cached[0] is not transaction:
        cached = session.info[WORKDAYS_DONE] = (transaction, set())
    done: set[tuple[int, int]] = cached[1]
    for key, bits in sorted(workdays.items()):
        if (key, bits) in done:
            continue
        done.add((key, bits))
        state = session.get(SweepState, _workday_state(key))
        stale = select(_M.c.person_id, _M.c.days).where(_M.c.month == key)
        if state is not None and state.value == bits:
            stale = stale.where(_M.c.work.is_(None))
        rows = session.execute(stale).all()
        if rows:
            session.execute(
                update(_M)
                .where(_M.c.person_id == bindparam("pid"), _M.c.month == key)
                .values(work=bindparam("work")),
                [{"pid": pid, "work": (days & bits).bit_count()} for pid, days in rows],
            )
        if state is None:
            session.add(SweepState(name=_workday_state(key), value=bits))
        else:
            state.value = bits
    session.flush()


def month_sums(
    session: Session, keys: Collection[int], person_ids: Collection[int] | None = None
) -> dict[int, tuple[int, int]]:
    """person → (on-site days, on-site working days) summed over the given months (their
    ``work`` made right first by ``working_days_on_site``)."""
    if not keys:
        return {}
    query = (
        select(_M.c.person_id, func.sum(_M.c.count), func.sum(_M.c.work))
        .where(_M.c.month.in_(sorted(keys)))
        .group_by(_M.c.person_id)
    )
    sums: dict[int, tuple[int, int]] = {}
    for condition, members in _narrowed(_M.c.person_id, person_ids):
        narrowed = query if condition is None else query.where(condition)
        for pid, days, work in _driver_rows(session, narrowed):
            if members is None or pid in members:
                sums[pid] = (int(days or 0), int(work or 0))
    return sums


# -- leave ------------------------------------------------------------------------------------


#: ``session.info`` key of the reads kept while a sweep plans (``sweep_reads``).
SWEEP_READS = "sweep_reads"


@contextmanager
def sweep_reads(session: Session) -> Iterator[None]:
    """Keep some roster-wide reads for the rest of the block (a sweep's planning): the same
    ones are asked for once per batch of cadres, and a sweep never changes them (it writes
    only the outbox and the on-site rollup). Leave is the one worth it: 20 batches each read
    every approved request of the year (0.25 s at 100,000 cadres)."""
    session.info[SWEEP_READS] = {}
    try:
        yield
    finally:
        session.info.pop(SWEEP_READS, None)


def approved_leaves(
    session: Session, first: date, last: date
) -> dict[int, list[tuple[date, date]]]:
    """Approved leave overlapping ``first``..``last``: applicant → [(start, end), ...]
    (inside ``sweep_reads``, read once and shared: callers must not change it)."""
    return _leave_spans(session, "approved", first, last)


def pending_leaves(session: Session, first: date, last: date) -> dict[int, list[tuple[date, date]]]:
    """Pending leave overlapping ``first``..``last``: applicant → [(start, end), ...].

    Its days are not absences while the request waits (a 补假 for days already past
    included): the figures show them as leave (pending); a rejection or withdrawal
    takes them out of here, and they count as absent again."""
    return _leave_spans(session, "pending", first, last)


def _leave_spans(
    session: Session, status: str, first: date, last: date
) -> dict[int, list[tuple[date, date]]]:
    kept = session.info.get(SWEEP_READS)
    key = ("leaves", status, first, last)
    if kept is not None and key in kept:
        return kept[key]
    query = select(_L.c.applicant_id, _L.c.start, _L.c.end).where(
        _L.c.status == status, _L.c.start <= last, _L.c.end >= first
    )
    spans: dict[int, list[tuple[date, date]]] = defaultdict(list)
    for pid, start, end in session.execute(query).all():
        spans[pid].append((start, end))
    result = dict(spans)
    if kept is not None:
        kept[key] = result
    return result


class DutySpan(NamedTuple):
    """One official duty record's days (first and last included) and its kind."""

    start: date
    end: date
    kind: str


def duty_spans(
    session: Session, first: date, last: date, ids: Collection[int] | None = None
) -> dict[int, list[DutySpan]]:
    """Official duty (公务) overlapping ``first``..``last``: person → [DutySpan, ...] by
    start, for everyone or for ``ids``, like ``approved_leaves`` (for everyone inside
    ``sweep_reads``, read once and shared: callers must not change it)."""
    kept = session.info.get(SWEEP_READS) if ids is None else None
    if kept is not None and ("duties", first, last) in kept:
        return kept[("duties", first, last)]
    spans: dict[int, list[DutySpan]] = defaultdict(list)
    for condition, wanted in _narrowed(_T.c.person_id, ids):
        query = (
            select(_T.c.person_id, _T.c.start, _T.c.end, _T.c.kind)
            .where(_T.c.start <= last, _T.c.end >= first)
            .order_by(_T.c.person_id, _T.c.start)
        )
        if condition is not None:
            query = query.where(condition)
        for pid, start, end, kind in session.execute(query).all():
            if wanted is None or pid in wanted:
                spans[pid].append(DutySpan(start, end, kind))
    result = dict(spans)
    if kept is not None:
        kept[("duties", first, last)] = result
    return result


def pending_requests_by_applicant(session: Session) -> dict[int, int]:
    query = (
        select(_L.c.applicant_id, func.count())
        .where(_L.c.status == "pending")
        .group_by(_L.c.applicant_id)
    )
    return dict(_driver_rows(session, query))


def _open_step_filter() -> Any:
    """A step awaiting its holder: reached, undecided, not a filing, request still pending
    (the same test as ``LeaveRepository.open_steps_for``)."""
    return and_(
        _S.c.decision.is_(None),
        _S.c.notified_at.is_not(None),
        _S.c.kind != "file",
        _L.c.status == "pending",
    )


def still_open_steps(session: Session, step_ids: Collection[int]) -> dict[int, int]:
    """Of ``step_ids``, the steps still awaiting their holder, with that holder (a step
    may have been handed over since its reminder was planned)."""
    if not step_ids:
        return {}
    query = (
        select(_S.c.id, _S.c.assignee_id)
        .select_from(_S.join(_L, _L.c.id == _S.c.request_id))
        .where(_S.c.id.in_(sorted(step_ids)), _open_step_filter())
    )
    return {step_id: assignee for step_id, assignee in session.execute(query).all()}


def open_steps_by_assignee(session: Session) -> dict[int, int]:
    query = (
        select(_S.c.assignee_id, func.count())
        .select_from(_S.join(_L, _L.c.id == _S.c.request_id))
        .where(_open_step_filter())
        .group_by(_S.c.assignee_id)
    )
    return {pid: n for pid, n in session.execute(query).all()}


def pending_claims_by_assignee(session: Session) -> dict[int, int]:
    table = MissedDayClaim.__table__
    query = (
        select(table.c.assignee_id, func.count())
        .where(table.c.status == "pending", table.c.assignee_id.is_not(None))
        .group_by(table.c.assignee_id)
    )
    return {pid: n for pid, n in session.execute(query).all()}


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
    retroactive: bool


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
            _L.c.retroactive,
        )
        .select_from(_S.join(_L, _L.c.id == _S.c.request_id))
        .where(_open_step_filter(), _S.c.notified_at <= notified_before)
        .order_by(_S.c.id)
    )
    return [OpenStepRow(*row) for row in session.execute(query).all()]


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
    return {pid: DiaryCounts(n, w, m) for pid, n, w, m in session.execute(query).all()}


def diaries_written(session: Session, first: date, last: date) -> dict[int, int]:
    """Entries written from ``first`` to ``last`` per person (``diary_counts``' first
    figure alone, straight from the cursor: the monthly review reads it for the whole
    roster, and 100,000 ``DiaryCounts`` cost tens of MB it does not need)."""
    query = (
        select(_D.c.person_id, func.count())
        .where(_D.c.day >= first, _D.c.day <= last)
        .group_by(_D.c.person_id)
    )
    return dict(_driver_rows(session, query))


class DiaryWindow(NamedTuple):
    """A cadre's diaries in the sign-off window (a named tuple: one per cadre)."""

    written_this_month: int = 0
    awaiting_week: int = 0  # not yet signed by the village secretary
    awaiting_month: int = 0  # not yet confirmed by the township secretary


def diary_window(
    session: Session, since: date, month_first: date, last: date
) -> dict[int, DiaryWindow]:
    """In one pass over the entries from ``since`` to ``last``: per cadre, those written
    since ``month_first`` and those still waiting for each signature (the Monday push needs
    all three; one scan instead of three). Entries before ``month_first`` already signed
    twice count for none of them and are left out before SQLite sorts the rest by cadre
    (half the window at the end of a month; a cadre left with nothing gets no row, which
    callers read as zeros)."""
    query = (
        select(
            _D.c.person_id,
            func.sum(case((_D.c.day >= month_first, 1), else_=0)),
            func.count() - func.count(_D.c.week_signoff_id),
            func.count() - func.count(_D.c.month_signoff_id),
        )
        .where(
            _D.c.day >= since,
            _D.c.day <= last,
            or_(
                _D.c.day >= month_first,
                _D.c.week_signoff_id.is_(None),
                _D.c.month_signoff_id.is_(None),
            ),
        )
        .group_by(_D.c.person_id)
    )
    return {
        pid: DiaryWindow(int(month or 0), week, month_left)
        for pid, month, week, month_left in _driver_rows(session, query)
    }


# -- the outbox -------------------------------------------------------------------------------


def _sqlite_stamp(moment: datetime | None) -> str | None:
    """A datetime as SQLAlchemy's SQLite dialect stores ``UTCDateTime`` (naive UTC text)."""
    if moment is None:
        return None
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")


def _payload_json(payload: dict[str, Any]) -> str:
    """A payload as SQLite stores it: compact JSON, non-ASCII kept as is. pydantic's Rust
    encoder (pydantic is a dependency already) writes the same text as ``json.dumps`` with
    those options three to four times faster; a Monday sweep encodes 150,000 payloads."""
    return to_json(payload).decode()


def insert_reminders(
    session: Session, rows: Sequence[dict[str, Any]], created_at: datetime
) -> set[tuple[int, str, str]]:
    """Insert outbox rows (all stamped ``created_at``), skipping any whose (recipient,
    kind, period) exists already; returns the keys actually inserted.

    One ``INSERT ... ON CONFLICT DO NOTHING`` for all rows, then the new rows are read
    back by id: above the highest id before the insert and with this stamp. On SQLite the
    rows go straight to the driver's ``executemany`` (values converted here as the dialect
    would): a weekly sweep of 100,000 cadres writes 150,000 rows, and SQLAlchemy's
    per-row parameter processing would cost more than SQLite's own work. There the
    driver's count of inserted rows also spares the read-back when all rows or none were
    new (a first run, a rerun)."""
    if not rows:
        return set()
    before = session.scalar(select(func.max(_R.c.id))) or 0
    if _dialect(session) == "postgresql":
        statement = pg_insert(_R).on_conflict_do_nothing(
            index_elements=["recipient_id", "kind", "period"]
        )
        session.execute(statement, [{**row, "created_at": created_at} for row in rows])
    else:
        count = _insert_sqlite(session, rows, created_at)
        if count == 0:
            return set()
        keys = {(row["recipient_id"], row["kind"], row["period"]) for row in rows}
        if count == len(keys):
            return keys
    inserted = _driver_rows(
        session,
        select(_R.c.recipient_id, _R.c.kind, _R.c.period).where(
            _R.c.id > before, _R.c.created_at == created_at
        ),
    )
    return {(rid, kind, period) for rid, kind, period in inserted}


def _insert_sqlite(session: Session, rows: Sequence[dict[str, Any]], created_at: datetime) -> int:
    """``insert_reminders`` on SQLite through the driver; returns how many rows were new."""
    stamp = _sqlite_stamp(created_at)
    stamps: dict[datetime | None, str | None] = {}  # the sweeps share a few deadlines
    values = []
    for row in rows:
        not_after = row.get("not_after")
        if not_after not in stamps:
            stamps[not_after] = _sqlite_stamp(not_after)
        values.append(
            (
                row["recipient_id"],
                row["kind"],
                row["period"],
                _payload_json(row["payload"]),
                stamp,
                stamps[not_after],
            )
        )
    cursor = session.connection().connection.dbapi_connection.cursor()
    try:
        cursor.executemany(
            "INSERT INTO reminder (recipient_id, kind, period, payload, created_at, "
            "not_after, attempts) VALUES (?, ?, ?, ?, ?, ?, 0) "
            "ON CONFLICT (recipient_id, kind, period) DO NOTHING",
            values,
        )
        return cursor.rowcount
    finally:
        cursor.close()


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
    candidates = select(_R.c.id).where(_claimable(stale_before)).order_by(_R.c.id).limit(limit)
    claim = update(_R).values(claim_token=token, claimed_at=now)
    if _dialect(session) == "postgresql":
        # A CTE (materialised once), not "id IN (subquery)": with the IN form PostgreSQL
        # claimed more rows than the LIMIT in the tests (the planner may rescan the
        # subquery within the UPDATE).
        chosen = candidates.with_for_update(skip_locked=True).cte("chosen")
        claim = claim.where(_R.c.id == chosen.c.id, _claimable(stale_before))
    else:
        claim = claim.where(_R.c.id.in_(candidates.scalar_subquery()), _claimable(stale_before))
    session.execute(claim)
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


#: The reason a dispatcher closes a row whose recipient has no Telegram account bound yet;
#: such a row is held, not lost: ``reopen_held_for_binding`` hands it back when they bind.
UNBOUND = "unbound"


def hold_for_binding(session: Session, reminder_id: int, token: str) -> bool:
    """Close a claimed row as ``UNBOUND`` (held until its recipient binds), unless they
    bound meanwhile: then the row stays claimed, the dispatcher hands it back when it
    finishes, and the next drain sends it (binding's own reopening found it claimed, not
    held). False when it was not closed."""
    still_unbound = (
        select(_P.c.id)
        .where(_P.c.id == _R.c.recipient_id, _P.c.telegram_user_id.is_(None))
        .exists()
    )
    result = session.execute(
        update(_R)
        .where(_R.c.id == reminder_id, _R.c.claim_token == token, still_unbound)
        .values(failed=UNBOUND, claim_token=None)
    )
    return result.rowcount == 1


def reopen_held_for_binding(
    session: Session, recipient_id: int, now: datetime, *, skip_open_steps: bool
) -> int:
    """Hand back to the outbox the reminders closed as ``UNBOUND`` for this person that are
    still within their period (no ``not_after``, or not past it), so binding on Tuesday
    still brings that week's standing and a unit leader binding on 2 October the Q3
    sheet of the 1st. With ``skip_open_steps`` the reminders to the holder of a leave
    step stay closed (the welcome lists every step waiting for the person with its
    buttons); an overseer's about someone else's step still go. Returns how many rows
    were reopened."""
    rows = session.execute(
        select(_R.c.id, _R.c.payload).where(
            _R.c.recipient_id == recipient_id,
            _R.c.failed == UNBOUND,
            _R.c.sent_at.is_(None),
            or_(_R.c.not_after.is_(None), _R.c.not_after >= now),
        )
    ).all()
    ids = [
        row_id
        for row_id, payload in rows
        if not (skip_open_steps and ((payload or {}).get("open_step") or {}).get("holder"))
    ]
    if not ids:
        return 0
    session.execute(
        update(_R)
        .where(_R.c.id.in_(ids), _R.c.failed == UNBOUND)
        .values(failed=None, claim_token=None, claimed_at=None, attempts=0)
    )
    return len(ids)


def release_claims(session: Session, token: str) -> int:
    """Hand back every row ``token`` still holds and has not finished (a dispatcher that
    stops halfway), so the next dispatcher sends them at once."""
    result = session.execute(
        update(_R)
        .where(_R.c.claim_token == token, _R.c.sent_at.is_(None), _R.c.failed.is_(None))
        .values(claim_token=None, claimed_at=None)
    )
    return result.rowcount


# -- one scheduler at a time (PostgreSQL) -----------------------------------------------------


def try_sweep_lock(session: Session, name: str) -> bool:
    """Keep two schedulers started by mistake from computing the same sweep at once (the
    outbox keys would keep the reminders single anyway; this saves the duplicated work and
    the errors). PostgreSQL: a transaction-scoped advisory lock per sweep, False when
    another scheduler holds it. SQLite: a no-op write that takes the database's write lock
    first thing, so a second sweep waits for the first to commit and then plans from what
    it wrote (planning first and writing last would fail on a stale snapshot); True."""
    if _dialect(session) != "postgresql":
        session.execute(
            update(SweepState.__table__)
            .where(SweepState.__table__.c.name == f"lock:{name}")
            .values(value=SweepState.__table__.c.value)
        )
        return True
    key = zlib.crc32(f"cadrebot.sweep.{name}".encode())
    return bool(session.scalar(select(func.pg_try_advisory_xact_lock(key))))


def sweep_value(session: Session, name: str) -> int | None:
    """A small value a sweep keeps between runs (``SweepState``), None when unset."""
    state = session.get(SweepState, name)
    return state.value if state is not None else None


def set_sweep_value(session: Session, name: str, value: int | None) -> None:
    """Set (or, with None, forget) a value kept between runs; flushed with the sweep."""
    state = session.get(SweepState, name)
    if value is None:
        if state is not None:
            session.delete(state)
    elif state is None:
        session.add(SweepState(name=name, value=value))
    else:
        state.value = value


class PostedVillage(NamedTuple):
    """One posting with its place, for the day ledger's export."""

    person_id: int
    name: str
    phone: str
    start: date
    end: date | None
    village: str
    township_id: int
    township: str


def posted_villages(
    session: Session, first: date, last: date, township_id: int | None = None
) -> list[PostedVillage]:
    """Every posting of active cadres overlapping ``first``..``last`` (with
    ``township_id``: every posting of the cadres posted in that township at some time in
    that span, so their days elsewhere are known too), by person and start."""
    overlapping = and_(_A.c.start <= last, or_(_A.c.end.is_(None), _A.c.end >= first))
    _V, _T = Village.__table__, Township.__table__
    query = (
        select(_P.c.id, _P.c.name, _P.c.phone, _A.c.start, _A.c.end, _V.c.name, _T.c.id, _T.c.name)
        .select_from(
            _A.join(_P, _P.c.id == _A.c.person_id)
            .join(_V, _V.c.id == _A.c.village_id)
            .join(_T, _T.c.id == _V.c.township_id)
        )
        .where(_P.c.active.is_(True), _P.c.role.in_(_CADRE_ROLES), overlapping)
        .order_by(_P.c.id, _A.c.start, _A.c.id)
    )
    if township_id is not None:
        hosted = (
            select(_A.c.person_id)
            .select_from(_A.join(_V, _V.c.id == _A.c.village_id))
            .where(_V.c.township_id == township_id, overlapping)
        )
        query = query.where(_P.c.id.in_(hosted))
    return [
        PostedVillage(pid, name, phone, _day(start), _day(end), village, tid, township)
        for pid, name, phone, start, end, village, tid, township in _driver_rows(session, query)
    ]
