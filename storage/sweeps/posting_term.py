"""Postings and their terms as the term sweep reads them (``uow.terms``, Art. 6)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import NamedTuple

from sqlalchemy import exists, or_, select
from sqlmodel import Session

from storage.sweeps._sql import _A, _CADRE_ROLES, _P, _day, _driver_rows
from storage.tables import Assignment, Township, Unit, Village, table_of

#: Rows read per statement: a district's roster in one, a province's in a few.
PAGE = 5_000


class TermRow(NamedTuple):
    """A posting in force on some day of the span asked, with its place and whether a
    later posting of the same person follows it (a transfer: then its end is no 期满)."""

    person_id: int
    name: str
    role: str
    assignment_id: int
    start: date
    end: date | None
    village: str
    township_id: int
    township: str
    unit_id: int
    unit: str
    followed: bool


def postings_in_force(session: Session, first: date, last: date) -> Iterator[list[TermRow]]:
    """Active cadres' postings in force on any day from ``first`` to ``last``, a page at
    a time by posting id (a posting whose roster end fell in the span is there: its
    期满 notice is still owed when the sweep missed that day)."""
    later = table_of(Assignment).alias("later")
    _V, _T, _U = table_of(Village), table_of(Township), table_of(Unit)
    followed = exists().where(later.c.person_id == _A.c.person_id, later.c.start > _A.c.start)
    query = (
        select(
            _P.c.id,
            _P.c.name,
            _P.c.role,
            _A.c.id,
            _A.c.start,
            _A.c.end,
            _V.c.name,
            _T.c.id,
            _T.c.name,
            _U.c.id,
            _U.c.name,
            followed,
        )
        .select_from(
            _A.join(_P, _P.c.id == _A.c.person_id)
            .join(_V, _V.c.id == _A.c.village_id)
            .join(_T, _T.c.id == _V.c.township_id)
            .join(_U, _U.c.id == _A.c.unit_id)
        )
        .where(
            _P.c.active.is_(True),
            _P.c.role.in_(_CADRE_ROLES),
            _A.c.start <= last,
            or_(_A.c.end.is_(None), _A.c.end >= first),
        )
        .order_by(_A.c.id)
        .limit(PAGE)
    )
    after = 0
    while True:
        rows = _driver_rows(session, query.where(_A.c.id > after))
        if not rows:
            return
        yield [
            TermRow(pid, name, role, aid, _day(start), _day(end), v, tid, t, uid, u, bool(follows))
            for pid, name, role, aid, start, end, v, tid, t, uid, u, follows in rows
        ]
        after = rows[-1][3]


class PostingTermQueries:
    """The term sweep's read model within one unit of work (``uow.terms``)."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def postings_in_force(self, first: date, last: date) -> Iterator[list[TermRow]]:
        """See ``postings_in_force``."""
        return postings_in_force(self._session, first, last)
