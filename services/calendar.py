"""The working-day calendar as the database and the package together define it."""

from __future__ import annotations

from domain.calendar import DayKind, WorkdayCalendar, calendar_from_overrides
from storage.unit_of_work import UnitOfWork


def load_calendar(uow: UnitOfWork) -> WorkdayCalendar:
    return calendar_from_overrides({row.day: DayKind(row.kind) for row in uow.calendar.all()})
