"""The on-site rollup: days on site per cadre and month, kept as bitmasks.

On-site days are read from ``OnsiteMonth`` (a bitmask of days per cadre and month,
refreshed from the check-ins added since its watermark) because a year of raw check-ins
is tens of millions of rows at 100,000 cadres."""

from __future__ import annotations

import zlib
from collections import defaultdict
from collections.abc import Collection
from datetime import date
from typing import cast

from sqlalchemy import bindparam, delete, distinct, func, literal_column, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session

from storage.sweeps._sql import _C, _M, _ON_SITE, _day, _dialect, _driver_rows, _narrowed, _rows
from storage.tables import SweepState

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
    return {pid: n for pid, n in _rows(session, query)}


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
        return cast(dict[int, dict[int, int]], cache[span])
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
        rows = _rows(session, stale)
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


class OnsiteRollup:
    """The on-site rollup within one unit of work (``uow.rollup``)."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def refresh(self) -> None:
        """See ``refresh_onsite_months``."""
        refresh_onsite_months(self._session)

    def onsite_months(
        self, first: date, last: date, person_ids: Collection[int] | None = None
    ) -> dict[int, dict[int, int]]:
        """See ``onsite_months`` (``refresh`` first)."""
        return onsite_months(self._session, first, last, person_ids)

    def onsite_on(self, day: date) -> set[int]:
        """See ``onsite_on``."""
        return onsite_on(self._session, day)

    def onsite_days_by_person(self, first: date, last: date) -> dict[int, int]:
        """See ``onsite_days_by_person``."""
        return onsite_days_by_person(self._session, first, last)

    def working_days_on_site(self, workdays: dict[int, int]) -> None:
        """See ``working_days_on_site``."""
        working_days_on_site(self._session, workdays)

    def month_sums(
        self, keys: Collection[int], person_ids: Collection[int] | None = None
    ) -> dict[int, tuple[int, int]]:
        """See ``month_sums``."""
        return month_sums(self._session, keys, person_ids)
