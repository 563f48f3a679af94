"""Check-ins, the work records of a day, and claims for missed days."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime

from sqlalchemy import bindparam, insert
from sqlmodel import col, select

from storage.repositories._base import Repository, in_chunks
from storage.tables import CheckIn, MissedDayClaim, WorkRecord, table_of

_ONSITE_DAYS = (
    select(col(CheckIn.day))
    .where(
        col(CheckIn.person_id) == bindparam("person_id"),
        col(CheckIn.on_site) == True,  # noqa: E712
        col(CheckIn.day) >= bindparam("first"),
        col(CheckIn.day) <= bindparam("last"),
    )
    .distinct()
)
_INSERT_CHECKIN = insert(table_of(CheckIn))


class CheckInRepository(Repository):
    def onsite_pairs(
        self, person_ids: Iterable[int], first: date, last: date
    ) -> set[tuple[int, date]]:
        """(person id, day) of each on-site day of ``person_ids`` from ``first`` to ``last``."""
        pairs: set[tuple[int, date]] = set()
        for part in in_chunks(person_ids):
            query = (
                select(col(CheckIn.person_id), col(CheckIn.day))
                .where(
                    col(CheckIn.person_id).in_(part),
                    CheckIn.on_site == True,  # noqa: E712
                    CheckIn.day >= first,
                    CheckIn.day <= last,
                )
                .distinct()
            )
            pairs.update((pid, day) for pid, day in self.session.exec(query))
        return pairs

    def times_from(
        self, source: str, person_ids: Iterable[int], first: date, last: date
    ) -> set[tuple[int, datetime]]:
        """(person id, time in UTC) of each check-in from ``source`` of ``person_ids`` on
        the days ``first`` to ``last``: what an import of a messenger's attendance records
        has already stored (one query per ``IN_CHUNK`` people)."""
        times: set[tuple[int, datetime]] = set()
        for part in in_chunks(person_ids):
            query = select(col(CheckIn.person_id), col(CheckIn.at)).where(
                col(CheckIn.person_id).in_(part),
                CheckIn.source == source,
                CheckIn.day >= first,
                CheckIn.day <= last,
            )
            times.update((pid, at.astimezone(UTC)) for pid, at in self.session.exec(query))
        return times

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
        return self.session.exec(
            select(CheckIn).order_by(col(CheckIn.person_id), col(CheckIn.at))
        ).all()


class WorkRecordRepository(Repository):
    def for_day(self, person_id: int, day: date) -> Sequence[WorkRecord]:
        return self.session.exec(
            select(WorkRecord).where(WorkRecord.person_id == person_id, WorkRecord.day == day)
        ).all()


class ClaimRepository(Repository):
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
