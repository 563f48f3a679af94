"""五必访 tags of diary entries (``DiaryVisit``): per entry, and per cadre over a span."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from sqlalchemy import delete
from sqlmodel import col, select

from storage.repositories._base import Repository, in_chunks
from storage.tables import DiaryEntry, DiaryVisit


class VisitRepository(Repository):
    def kinds_of(self, entry_id: int) -> list[str]:
        """The kinds an entry is tagged with (codes), in no particular order."""
        return list(
            self.session.exec(select(DiaryVisit.kind).where(DiaryVisit.entry_id == entry_id)).all()
        )

    def tag(self, entry_id: int, kind: str) -> None:
        self.add(DiaryVisit(entry_id=entry_id, kind=kind))

    def untag(self, entry_id: int, kind: str) -> None:
        self.session.execute(
            delete(DiaryVisit).where(
                col(DiaryVisit.entry_id) == entry_id, col(DiaryVisit.kind) == kind
            )
        )

    def tags_between(
        self, person_ids: Iterable[int], first: date, last: date
    ) -> dict[int, list[list[str]]]:
        """person id → the kinds of each of their tagged entries dated ``first`` to
        ``last`` (one list per entry; untagged entries are left out), a chunk of people
        per query."""
        by_entry: dict[int, tuple[int, list[str]]] = {}
        for part in in_chunks(person_ids):
            query = (
                select(DiaryEntry.person_id, DiaryVisit.entry_id, DiaryVisit.kind)
                .join(DiaryEntry, col(DiaryEntry.id) == col(DiaryVisit.entry_id))
                .where(
                    col(DiaryEntry.person_id).in_(part),
                    col(DiaryEntry.day) >= first,
                    col(DiaryEntry.day) <= last,
                )
            )
            for person_id, entry_id, kind in self.session.exec(query).all():
                by_entry.setdefault(entry_id, (person_id, []))[1].append(kind)
        tags: dict[int, list[list[str]]] = defaultdict(list)
        for person_id, kinds in by_entry.values():
            tags[person_id].append(kinds)
        return dict(tags)
