"""``attendance import``: historical on-site days kept before the bot (e.g. a paper sign-in
book), one ``phone,date`` row per day.

Each day becomes a ``CheckIn`` with source ``import``, on site, at noon in the district's
time zone, without a position. A day the cadre is already on site is not added again
(nor a day listed twice in the file). Days after the import day are refused.
"""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from domain.errors import InvalidPhone
from domain.phone import normalise_phone
from domain.roles import CADRE_ROLES
from services.imports.common import ImportResult, parse_date
from services.imports.table import Table, begin_validation
from storage.tables import CheckIn
from storage.unit_of_work import UnitOfWorkFactory

REQUIRED = ("phone", "date")
SOURCE = "import"
NOON = time(12, 0)


def import_attendance(
    uow_factory: UnitOfWorkFactory, table: Table, *, zone: ZoneInfo, today: date
) -> ImportResult:
    """Record every row's day as an on-site day of that cadre."""
    problems = begin_validation(table, REQUIRED)
    parsed: list[tuple[int, str, date]] = []
    for row in table.rows:
        phone = day = None
        try:
            phone = normalise_phone(row.get("phone"))
        except InvalidPhone:
            problems.add(row.line, f"bad phone {row.get('phone')!r}")
        try:
            day = parse_date(row.get("date"))
        except ValueError as exc:
            problems.add(row.line, f"date: {exc}" if row.get("date") else "missing date")
        if day is not None and day > today:
            problems.add(row.line, f"date {day} is in the future")
        elif phone is not None and day is not None:
            parsed.append((row.line, phone, day))

    with uow_factory() as uow:
        people = uow.people.by_phones({phone for _, phone, _ in parsed})
        wanted: list[tuple[int, date]] = []
        for line, phone, day in parsed:
            person = people.get(phone)
            if person is None:
                problems.add(line, f"unknown phone {phone}")
            elif person.role not in CADRE_ROLES:
                problems.add(line, f"{phone} ({person.name}) is a {person.role}, not a cadre")
            else:
                assert person.id is not None  # read from the table
                wanted.append((person.id, day))
        problems.raise_if_any()

        onsite: set[tuple[int, date]] = set()
        if wanted:
            first, last = min(d for _, d in wanted), max(d for _, d in wanted)
            onsite = uow.checkins.onsite_pairs({pid for pid, _ in wanted}, first, last)
        new = unchanged = 0
        for person_id, day in wanted:
            if (person_id, day) in onsite:
                unchanged += 1
                continue
            onsite.add((person_id, day))
            uow.checkins.stage(
                CheckIn(
                    person_id=person_id,
                    day=day,
                    at=datetime.combine(day, NOON, tzinfo=zone),
                    on_site=True,
                    source=SOURCE,
                )
            )
            new += 1
        uow.flush()
        uow.commit()
    return ImportResult("attendance day", "attendance days", new, 0, unchanged)
