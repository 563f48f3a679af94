"""The roster as the sweeps and the sheets read it: postings, role holders, villages.

Every query runs a fixed number of set-based statements whatever the size of the roster
(never one per person): the sweeps must stay fast at 100,000 cadres."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator
from datetime import date
from typing import Any, NamedTuple

from sqlalchemy import and_, or_, select
from sqlmodel import Session

from storage.limits import IDS_PER_QUERY
from storage.sweeps._sql import _A, _CADRE_ROLES, _P, _chunks, _day, _driver_rows
from storage.tables import Township, Unit, Village, table_of


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
            table_of(Village).c.id,
            table_of(Village).c.name,
            table_of(Township).c.id,
            table_of(Township).c.name,
            table_of(Unit).c.id,
            table_of(Unit).c.name,
        )
        .select_from(
            _A.join(_P, _P.c.id == _A.c.person_id)
            .join(table_of(Village), table_of(Village).c.id == _A.c.village_id)
            .join(table_of(Township), table_of(Township).c.id == table_of(Village).c.township_id)
            .join(table_of(Unit), table_of(Unit).c.id == _A.c.unit_id)
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
        query = query.where(table_of(Township).c.id == township_id)
    if unit_id is not None:
        query = query.where(_A.c.unit_id == unit_id)
    if id_range is not None:
        query = query.where(_P.c.id.between(*id_range))
    latest: dict[int, tuple[Any, ...]] = {}
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
            vid,
            village,
            tid,
            township,
            uid,
            unit,
            spans=tuple(spans[pid]),
            moved=pid in moved or pid in elsewhere,
            elsewhere=pid in elsewhere,
        )
        for (
            pid,
            name,
            phone,
            role,
            aid,
            start,
            end,
            vid,
            village,
            tid,
            township,
            uid,
            unit,
        ) in (latest[pid] for pid in sorted(latest))
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
        outside.append(table_of(Village).c.township_id != township_id)
    if unit_id is not None:
        outside.append(_A.c.unit_id != unit_id)
    query = (
        select(_A.c.person_id)
        .select_from(_A.join(table_of(Village), table_of(Village).c.id == _A.c.village_id))
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
    _V, _T = table_of(Village), table_of(Township)
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


class RosterQueries:
    """The roster's read models within one unit of work (``uow.roster``)."""

    def __init__(self, session: Session) -> None:
        self._session = session

    @property
    def batch_size(self) -> int:
        """Cadres a roster-wide sweep plans at a time (``BATCH_SIZE`` as it is now)."""
        return BATCH_SIZE

    def postings(
        self,
        first: date,
        last: date,
        *,
        township_id: int | None = None,
        unit_id: int | None = None,
        person_ids: Collection[int] | None = None,
    ) -> list[PostingRow]:
        """See ``postings``."""
        return postings(
            self._session,
            first,
            last,
            township_id=township_id,
            unit_id=unit_id,
            person_ids=person_ids,
        )

    def posting_batches(
        self, first: date, last: date, size: int | None = None
    ) -> Iterator[list[PostingRow]]:
        """See ``posting_batches``."""
        return posting_batches(self._session, first, last, size)

    def holders(self, roles: Iterable[str]) -> list[HolderRow]:
        """See ``holders``."""
        return holders(self._session, roles)

    def posted_villages(
        self, first: date, last: date, township_id: int | None = None
    ) -> list[PostedVillage]:
        """See ``posted_villages``."""
        return posted_villages(self._session, first, last, township_id)
