"""Township attendance entries (a secretary's day marks)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date, datetime
from typing import Any, NamedTuple

from sqlalchemy import select as sa_select
from sqlmodel import col, select

from storage.repositories._base import Repository
from storage.tables import AttendanceEntry, table_of


class ReplacedEntry(NamedTuple):
    """The values an ``AttendanceEntry`` had before a later one for its day replaced it."""

    status: str
    reason: str
    source: str
    recorded_by_id: int
    recorded_at: datetime


class AttendanceEntryRepository(Repository):
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
            .order_by(col(AttendanceEntry.day))
        ).all()

    def statuses(
        self, first: date, last: date, person_ids: Collection[int] | None = None
    ) -> dict[int, dict[date, str]]:
        """person id → {day → status} from ``first`` to ``last``, in one query (``None``:
        everyone; an empty collection: nobody, without asking the database)."""
        if person_ids is not None and not person_ids:
            return {}
        table = table_of(AttendanceEntry)
        query = sa_select(table.c.person_id, table.c.day, table.c.status).where(
            table.c.day >= first, table.c.day <= last
        )
        if person_ids is not None:
            query = query.where(table.c.person_id.in_(list(person_ids)))
        result: dict[int, dict[date, str]] = {}
        rows: Sequence[Any] = self.session.execute(query).all()
        for pid, day, status in rows:
            result.setdefault(pid, {})[day] = status
        return result
