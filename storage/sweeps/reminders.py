"""The reminder outbox (``Reminder``): the sweeps write it, the dispatcher drains it.

It is written with ``INSERT ... ON CONFLICT DO NOTHING`` on its unique key (recipient,
kind, period), so running a sweep twice inserts nothing the second time, and drained by
claiming rows with a guarded ``UPDATE`` (plus ``FOR UPDATE SKIP LOCKED`` on PostgreSQL) so
two dispatchers never hold the same row: the claim protocol of ``storage.outbox``."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from pydantic_core import to_json
from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlmodel import Session, col

from storage.sweeps._sql import _P, _R, _changed, _dialect, _driver_rows, _rows
from storage.tables import Reminder


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
    driver = session.connection().connection.dbapi_connection
    assert driver is not None  # a connection checked out of the pool has its driver's
    cursor = driver.cursor()
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
        .where(col(Reminder.claim_token) == token, col(Reminder.sent_at).is_(None))
        .order_by(col(Reminder.id))
    )
    return list(session.scalars(query))


def mark_sent(session: Session, reminder_id: int, token: str, now: datetime) -> bool:
    """Record a delivered row; False if the claim was lost (a lease taken over)."""
    return (
        _changed(
            session,
            update(_R)
            .where(_R.c.id == reminder_id, _R.c.claim_token == token)
            .values(sent_at=now, claim_token=None),
        )
        == 1
    )


def mark_failed(session: Session, reminder_id: int, token: str, reason: str) -> bool:
    """Close a row that will never be sent (blocked, not bound, expired, refused)."""
    return (
        _changed(
            session,
            update(_R)
            .where(_R.c.id == reminder_id, _R.c.claim_token == token)
            .values(failed=reason[:200], claim_token=None),
        )
        == 1
    )


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
    return (
        _changed(
            session,
            update(_R)
            .where(_R.c.id == reminder_id, _R.c.claim_token == token, still_unbound)
            .values(failed=UNBOUND, claim_token=None),
        )
        == 1
    )


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
    rows = _rows(
        session,
        select(_R.c.id, _R.c.payload).where(
            _R.c.recipient_id == recipient_id,
            _R.c.failed == UNBOUND,
            _R.c.sent_at.is_(None),
            or_(_R.c.not_after.is_(None), _R.c.not_after >= now),
        ),
    )
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


def release_claims(session: Session, token: str, row_ids: Collection[int] | None = None) -> int:
    """Hand back every row ``token`` still holds and has not finished (a dispatcher that
    stops halfway; only those of ``row_ids`` if given), so the next dispatcher sends them
    at once."""
    statement = update(_R).where(
        _R.c.claim_token == token, _R.c.sent_at.is_(None), _R.c.failed.is_(None)
    )
    if row_ids is not None:
        statement = statement.where(_R.c.id.in_(sorted(row_ids)))
    return _changed(session, statement.values(claim_token=None, claimed_at=None))


class ReminderOutbox:
    """The reminder outbox within one unit of work (``uow.reminders``): the claim
    protocol of ``storage.outbox.ClaimedOutbox``, and the writes only reminders have."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def insert(
        self, rows: Sequence[dict[str, Any]], created_at: datetime
    ) -> set[tuple[int, str, str]]:
        """See ``insert_reminders``."""
        return insert_reminders(self._session, rows, created_at)

    def claim(self, token: str, now: datetime, lease: timedelta, limit: int) -> list[Reminder]:
        """See ``claim_reminders``: a claim older than ``lease`` was a dispatcher's that died."""
        return claim_reminders(self._session, token, now, now - lease, limit)

    def mark_sent(self, row_id: int, token: str, now: datetime) -> bool:
        """See ``mark_sent``."""
        return mark_sent(self._session, row_id, token, now)

    def mark_failed(self, row_id: int, token: str, reason: str) -> bool:
        """See ``mark_failed``."""
        return mark_failed(self._session, row_id, token, reason)

    def release(self, row_ids: Collection[int] | None, token: str) -> int:
        """See ``release_claims``."""
        return release_claims(self._session, token, row_ids)

    def record_undelivered(self, row_id: int, token: str, now: datetime, max_attempts: int) -> bool:
        """See ``record_undelivered``."""
        return record_undelivered(self._session, row_id, token, now, max_attempts)

    def hold_for_binding(self, row_id: int, token: str) -> bool:
        """See ``hold_for_binding``."""
        return hold_for_binding(self._session, row_id, token)

    def reopen_held_for_binding(
        self, recipient_id: int, now: datetime, *, skip_open_steps: bool
    ) -> int:
        """See ``reopen_held_for_binding``."""
        return reopen_held_for_binding(
            self._session, recipient_id, now, skip_open_steps=skip_open_steps
        )
