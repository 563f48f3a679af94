"""Work diaries and their signatures."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime

from sqlalchemy import bindparam, func, insert
from sqlmodel import col, select

from storage.repositories._base import Repository
from storage.tables import DiaryEntry, DiarySignoff, table_of

_INSERT_DIARY = insert(table_of(DiaryEntry))
_COUNT_DIARIES = (
    select(func.count())
    .select_from(DiaryEntry)
    .where(
        col(DiaryEntry.person_id) == bindparam("person_id"),
        col(DiaryEntry.day) >= bindparam("first"),
        col(DiaryEntry.day) <= bindparam("last"),
    )
)


class DiaryRepository(Repository):
    def get(self, entry_id: int) -> DiaryEntry | None:
        return self.session.get(DiaryEntry, entry_id)

    def insert(
        self, *, person_id: int, day: date, written_at: datetime, text: str, photos: list[str]
    ) -> int:
        """Store a new, unsigned entry; returns its id."""
        entry_id = self._insert(
            _INSERT_DIARY,
            {
                "person_id": person_id,
                "day": day,
                "written_at": written_at,
                "text": text,
                "photo_file_ids": photos,
                "week_signoff_id": None,
                "month_signoff_id": None,
            },
        )
        assert entry_id is not None
        return entry_id

    def between(self, person_id: int, first: date, last: date) -> Sequence[DiaryEntry]:
        return self.session.exec(
            select(DiaryEntry)
            .where(
                DiaryEntry.person_id == person_id, DiaryEntry.day >= first, DiaryEntry.day <= last
            )
            .order_by(col(DiaryEntry.day), col(DiaryEntry.id))
        ).all()

    def count_between(self, person_id: int, first: date, last: date) -> int:
        return self.session.exec(
            _COUNT_DIARIES, params={"person_id": person_id, "first": first, "last": last}
        ).one()

    def signoff(self, cadre_id: int, scope: str, period: str) -> DiarySignoff | None:
        return self.session.exec(
            select(DiarySignoff).where(
                DiarySignoff.cadre_id == cadre_id,
                DiarySignoff.scope == scope,
                DiarySignoff.period == period,
            )
        ).first()

    def count_signoffs(self, cadre_id: int, scope: str, period: str) -> int:
        return self.session.exec(
            select(func.count())
            .select_from(DiarySignoff)
            .where(
                DiarySignoff.cadre_id == cadre_id,
                DiarySignoff.scope == scope,
                col(DiarySignoff.period).startswith(period),
            )
        ).one()

    def signoffs_by_id(self, ids: Iterable[int]) -> dict[int, DiarySignoff]:
        ids = [i for i in set(ids) if i is not None]
        if not ids:
            return {}
        rows = self.session.exec(select(DiarySignoff).where(col(DiarySignoff.id).in_(ids))).all()
        return {s.id: s for s in rows if s.id is not None}

    def all_rows(self) -> Sequence[DiaryEntry]:
        return self.session.exec(
            select(DiaryEntry).order_by(col(DiaryEntry.person_id), col(DiaryEntry.day))
        ).all()
