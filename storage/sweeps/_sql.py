"""What the sweeps' queries share: the tables' SQLAlchemy ``Table`` objects, the
dialect, reading rows straight from the driver, and narrowing a query to a set of ids."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Sequence
from datetime import date
from typing import Any, cast, overload

from sqlalchemy import CursorResult, text
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
    OnsiteMonth,
    Person,
    Reminder,
    table_of,
)

_A = table_of(Assignment)
_C = table_of(CheckIn)
_D = table_of(DiaryEntry)
_L = table_of(LeaveRequest)
_S = table_of(LeaveStep)
_P = table_of(Person)
_R = table_of(Reminder)
_M = table_of(OnsiteMonth)
_T = table_of(DutyRecord)

#: Written as the partial indexes' own predicate so both planners can use them.
_ON_SITE = text("checkin.on_site")
_CADRE_ROLES = sorted(r.value for r in CADRE_ROLES)


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def _rows(session: Session, statement: Executable) -> Sequence[Any]:
    """The rows of ``statement`` (SQLAlchemy's rows: unpacked by position, untyped)."""
    return session.execute(statement).all()


def _changed(session: Session, statement: Executable) -> int:
    """Run an ``UPDATE`` or ``DELETE``; returns how many rows it changed."""
    result = cast(CursorResult[Any], session.execute(statement))
    return result.rowcount


def _driver_rows(session: Session, statement: Executable) -> list[tuple[Any, ...]]:
    """The rows of ``statement`` as plain tuples straight from the DBAPI cursor.

    SQLAlchemy's per-row result processing costs more than SQLite's own work on the
    roster-wide reads (100,000 rows and more), so those skip it. Only integers, strings and
    NULLs come back unchanged on both dialects; dates are text on SQLite (see ``_day``)."""
    result = session.connection().execute(statement)
    try:
        return cast("list[tuple[Any, ...]]", result.cursor.fetchall())
    finally:
        result.close()


@overload
def _day(value: date | str) -> date: ...
@overload
def _day(value: None) -> None: ...
def _day(value: date | str | None) -> date | None:
    """A date column read by ``_driver_rows``: SQLite stores it as ISO text."""
    return date.fromisoformat(value) if isinstance(value, str) else value


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
