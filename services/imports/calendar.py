"""``calendar import``: the official holidays and adjusted workdays (调休) of a year, as
published by the State Council, overriding the chinesecalendar package.

Columns ``date,kind``; kind ``holiday`` (also 休, 假, 节假日) or ``workday`` (also 班,
工作日, 上班).
"""

from __future__ import annotations

from datetime import date

from domain.calendar import DayKind
from services.imports.common import ImportResult, parse_date
from services.imports.table import Table, begin_validation
from storage.tables import CalendarDay
from storage.unit_of_work import UnitOfWorkFactory

REQUIRED = ("date", "kind")

KINDS: dict[str, DayKind] = {
    "holiday": DayKind.HOLIDAY,
    "休": DayKind.HOLIDAY,
    "假": DayKind.HOLIDAY,
    "节假日": DayKind.HOLIDAY,
    "假日": DayKind.HOLIDAY,
    "workday": DayKind.WORKDAY,
    "班": DayKind.WORKDAY,
    "工作日": DayKind.WORKDAY,
    "上班": DayKind.WORKDAY,
}


def parse_kind(text: str) -> DayKind:
    kind = KINDS.get(text.strip().lower())
    if kind is None:
        raise ValueError(f"unknown kind {text!r} (holiday/休/假 or workday/班)")
    return kind


def import_calendar(uow_factory: UnitOfWorkFactory, table: Table) -> ImportResult:
    """Insert or update every listed day."""
    problems = begin_validation(table, REQUIRED)
    days: dict[date, tuple[int, DayKind]] = {}
    for row in table.rows:
        day = kind = None
        try:
            day = parse_date(row.get("date"))
        except ValueError as exc:
            problems.add(row.line, f"date: {exc}" if row.get("date") else "missing date")
        try:
            kind = parse_kind(row.get("kind"))
        except ValueError as exc:
            problems.add(row.line, str(exc) if row.get("kind") else "missing kind")
        if day is None or kind is None:
            continue
        if day in days and days[day][1] is not kind:
            line, other = days[day]
            problems.add(
                row.line, f"{day} is a {kind.value} here but a {other.value} on line {line}"
            )
        elif day not in days:
            days[day] = (row.line, kind)
    problems.raise_if_any()

    new = updated = unchanged = 0
    with uow_factory() as uow:
        stored = {c.day: c for c in uow.calendar.all()}
        for day, (_, kind) in sorted(days.items()):
            known = stored.get(day)
            if known is None:
                uow.calendar.stage(CalendarDay(day=day, kind=kind.value))
                new += 1
            elif known.kind == kind.value:
                unchanged += 1
            else:
                known.kind = kind.value
                updated += 1
        uow.flush()
        uow.commit()
    return ImportResult("calendar day", "calendar days", new, updated, unchanged)
