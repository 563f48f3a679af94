"""The unit's duties (Art. 15, 19): its meetings, visits and its cadres' care records,
and the postings they are counted from, for the chat, the sweep and org_dept's list.

Set-based Core queries (one per read, whatever the roster's size), plain values out."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any, NamedTuple, cast

from sqlalchemy import Select, func, or_, select

from storage.repositories._base import Repository, in_chunks
from storage.tables import (
    Assignment,
    CareRecord,
    Person,
    UnitMeeting,
    UnitVisit,
    Village,
    table_of,
)

_A, _P, _V = table_of(Assignment), table_of(Person), table_of(Village)
_M, _U, _C = table_of(UnitMeeting), table_of(UnitVisit), table_of(CareRecord)


class UnitPosting(NamedTuple):
    """A cadre posted by a unit on a day, with the village."""

    person_id: int
    name: str
    unit_id: int
    village_id: int
    village: str


class UnitDutyRepository(Repository):
    """Meetings, visits and care records; the postings they are counted from."""

    def _pairs(self, query: Select[Any]) -> list[tuple[int, date]]:
        """The (id, day) rows of a two-column query."""
        return cast(list[tuple[int, date]], [tuple(row) for row in self.session.execute(query)])

    def postings_on(self, on: date, unit_id: int | None = None) -> list[UnitPosting]:
        """The active cadres posted on ``on`` (by ``unit_id``, when given), by unit,
        village and name."""
        query = (
            select(_P.c.id, _P.c.name, _A.c.unit_id, _V.c.id, _V.c.name)
            .join(_A, _A.c.person_id == _P.c.id)
            .join(_V, _V.c.id == _A.c.village_id)
            .where(
                _P.c.active.is_(True),
                _A.c.start <= on,
                or_(_A.c.end.is_(None), _A.c.end >= on),
            )
            .order_by(_A.c.unit_id, _V.c.name, _P.c.name, _P.c.id)
        )
        if unit_id is not None:
            query = query.where(_A.c.unit_id == unit_id)
        return [UnitPosting._make(row) for row in self.session.execute(query)]

    def first_postings(self) -> dict[int, date]:
        """Each unit's first posting start: its duties are counted from then."""
        query = select(_A.c.unit_id, func.min(_A.c.start)).group_by(_A.c.unit_id)
        return dict(self._pairs(query))

    def first_posting_of(self, person_ids: Sequence[int]) -> dict[int, date]:
        """Each cadre's first posting start (any unit): their care is counted from then."""
        found: dict[int, date] = {}
        for chunk in in_chunks(person_ids):
            query = (
                select(_A.c.person_id, func.min(_A.c.start))
                .where(_A.c.person_id.in_(chunk))
                .group_by(_A.c.person_id)
            )
            found.update(self._pairs(query))
        return found

    def add_meeting(self, meeting: UnitMeeting) -> UnitMeeting:
        return self.add(meeting)

    def add_visit(self, visit: UnitVisit) -> UnitVisit:
        return self.add(visit)

    def add_care(self, record: CareRecord) -> CareRecord:
        return self.add(record)

    def meeting_days(self, since: date) -> dict[int, list[date]]:
        """Each unit's meeting days from ``since`` on."""
        query = select(_M.c.unit_id, _M.c.day).where(_M.c.day >= since)
        found: dict[int, list[date]] = {}
        for unit, day in self._pairs(query):
            found.setdefault(unit, []).append(day)
        return found

    def last_visits(self, on_or_before: date) -> dict[int, date]:
        """Each unit's latest leadership visit up to ``on_or_before``."""
        query = (
            select(_U.c.unit_id, func.max(_U.c.day))
            .where(_U.c.day <= on_or_before)
            .group_by(_U.c.unit_id)
        )
        return dict(self._pairs(query))

    def latest_care(self, kind: str, person_ids: Sequence[int]) -> dict[int, date]:
        """Each cadre's latest record of ``kind`` (the check's day, the insurance's end)."""
        found: dict[int, date] = {}
        for chunk in in_chunks(person_ids):
            query = (
                select(_C.c.person_id, func.max(_C.c.day))
                .where(_C.c.kind == kind, _C.c.person_id.in_(chunk))
                .group_by(_C.c.person_id)
            )
            found.update(self._pairs(query))
        return found
