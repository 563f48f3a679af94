"""The workday calendar the district imported (调休 and holidays)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlmodel import select

from storage.repositories._base import Repository
from storage.tables import CalendarDay


class CalendarRepository(Repository):
    def all(self) -> Sequence[CalendarDay]:
        return self.session.exec(select(CalendarDay)).all()

    def put(self, day: date, kind: str) -> None:
        row = self.session.get(CalendarDay, day)
        if row is None:
            self.session.add(CalendarDay(day=day, kind=kind))
        else:
            row.kind = kind
        self.session.flush()
