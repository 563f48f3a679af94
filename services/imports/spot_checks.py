"""``spotcheck import``: the results of 明查暗访 rounds done on paper (Art. 26.3), one
``inspector_phone,cadre_phone,at,found`` row per visit in person.

``at`` is the visit's moment, ``YYYY-MM-DD HH:MM`` in the district's zone (a spreadsheet's
date-time cell works too); ``found`` is ``present`` or ``absent`` (在岗 / 不在岗). Any past
moment of this year or the last is accepted: a round typed in weeks late still counts for
its own day, and the chat's limit of 7 days back is for what an official remembers, not
for a signed paper record.

All-or-nothing like every import: every row is checked first (known phones, an inspector
who is org_dept or poverty_bureau, a cadre posted on that day, a readable moment that is
not in the future, a found value, not a second check of the cadre in the same minute —
in the file or already stored), and a file with any bad row records nothing. Then the
visits are recorded in the order they happened, so the escalation's ordinals follow their
dates, and judged as a visit in the chat is (``services.spot_checks.record_visit``): on a
non-working day it does not count; away with approved leave is excused. The messages the
chat would send (the result to the inspector, the sanction to everyone concerned) go to
the outbox in the same transaction.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, datetime
from zoneinfo import ZoneInfo

from domain.assessment import SpotCheckResult
from domain.calendar import WorkdayCalendar
from domain.errors import DomainError, InvalidPhone
from domain.phone import normalise_phone
from domain.roles import CADRE_ROLES, INSPECTORS
from services.calendar import load_calendar
from services.imports.common import ImportResult, Problems
from services.imports.table import Row, Table, begin_validation
from services.notices import Notice
from services.outbox import Draft, enqueue
from services.places import Posting, posting
from services.spot_checks import (
    OUTBOX_KIND,
    SpotCheckOutcome,
    is_duplicate_visit,
    record_visit,
)
from storage.tables import Person
from storage.unit_of_work import UnitOfWork, UnitOfWorkFactory

REQUIRED = ("inspector_phone", "cadre_phone", "at", "found")
#: Chinese headers of this file (the shared reader knows the roster's, not these).
ALIASES = {
    "核查人手机": "inspector_phone",
    "核查人手机号": "inspector_phone",
    "干部手机": "cadre_phone",
    "干部手机号": "cadre_phone",
    "时间": "at",
    "核查时间": "at",
    "结果": "found",
    "核查结果": "found",
}
FOUND = {"present": True, "在岗": True, "absent": False, "不在岗": False}
_MOMENT = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})[ T](\d{1,2}):(\d{2})(?::00)?$")


@dataclass(frozen=True)
class SpotCheckImport(ImportResult):
    """The summary line, then one line per visit recorded (and any sanction it brought)."""

    details: tuple[str, ...] = ()

    @property
    def summary(self) -> str:
        return "\n".join((super().summary, *self.details))


@dataclass(frozen=True)
class _Visit:
    row: Row
    inspector: Person
    cadre: Person
    post: Posting
    at: datetime
    found: bool


def _aliased(table: Table) -> Table:
    columns = tuple(ALIASES.get(c, c) for c in table.columns)
    rows = tuple(
        replace(row, values={ALIASES.get(k, k): v for k, v in row.values.items()})
        for row in table.rows
    )
    return replace(table, columns=columns, rows=rows)


def parse_moment(text: str, zone: ZoneInfo) -> datetime:
    """``YYYY-MM-DD HH:MM`` (also ``YYYY/M/D H:MM``, and a spreadsheet's ``…THH:MM:00``)."""
    match = _MOMENT.match(text.strip())
    if not match:
        raise ValueError(f"bad time {text!r} (expected YYYY-MM-DD HH:MM)")
    try:
        year, month, day, hour, minute = (int(part) for part in match.groups())
        return datetime(year, month, day, hour, minute, tzinfo=zone)
    except ValueError:
        raise ValueError(f"bad time {text!r} (no such day or time)") from None


def _phone(row: Row, column: str, problems: Problems) -> str | None:
    try:
        return normalise_phone(row.get(column))
    except InvalidPhone:
        problems.add(row.line, f"bad {column} {row.get(column)!r}")
        return None


def _parse(
    table: Table, problems: Problems, *, now: datetime, zone: ZoneInfo
) -> list[tuple[Row, str, str, datetime, bool]]:
    """Each row's phones, moment and result, or its problems (nothing needs the database)."""
    parsed: list[tuple[Row, str, str, datetime, bool]] = []
    seen: dict[tuple[str, datetime], int] = {}
    for row in table.rows:
        inspector = _phone(row, "inspector_phone", problems)
        cadre = _phone(row, "cadre_phone", problems)
        at = found = None
        try:
            at = parse_moment(row.get("at"), zone)
        except ValueError as exc:
            problems.add(row.line, str(exc) if row.get("at") else "missing at")
        if at is not None and at > now:
            problems.add(row.line, f"{row.get('at')} is in the future")
            at = None
        elif at is not None and at.year < now.year - 1:
            problems.add(row.line, f"{row.get('at')}: only this year's or last year's visits")
            at = None
        found = FOUND.get(row.get("found").lower())
        if found is None:
            problems.add(row.line, f"bad found {row.get('found')!r} (present or absent)")
        if inspector is None or cadre is None or at is None or found is None:
            continue
        if (cadre, at) in seen:
            problems.add(
                row.line, f"{cadre} at {row.get('at')} already listed on line {seen[cadre, at]}"
            )
            continue
        seen[cadre, at] = row.line
        parsed.append((row, inspector, cadre, at, found))
    return parsed


def _people(uow: UnitOfWork, phones: set[str]) -> dict[str, Person]:
    return uow.people.by_phones(phones)


def _checked(
    uow: UnitOfWork,
    parsed: list[tuple[Row, str, str, datetime, bool]],
    problems: Problems,
    calendar: WorkdayCalendar,
) -> list[_Visit]:
    """The rows whose people, posting, calendar and minute are right, the others listed."""
    people = _people(uow, {p for _, i, c, _, _ in parsed for p in (i, c)})
    visits: list[_Visit] = []
    for row, inspector_phone, cadre_phone, at, found in parsed:
        inspector, cadre = people.get(inspector_phone), people.get(cadre_phone)
        bad = len(problems.items)
        if inspector is None:
            problems.add(row.line, f"unknown inspector_phone {inspector_phone}")
        elif inspector.role not in INSPECTORS:
            problems.add(
                row.line,
                f"{inspector_phone} ({inspector.name}) is a {inspector.role}: spot checks are "
                "made by org_dept or poverty_bureau",
            )
        if cadre is None:
            problems.add(row.line, f"unknown cadre_phone {cadre_phone}")
        elif cadre.role not in CADRE_ROLES:
            problems.add(row.line, f"{cadre_phone} ({cadre.name}) is a {cadre.role}, not a cadre")
        if len(problems.items) > bad or inspector is None or cadre is None:
            continue
        post = _posted(uow, cadre, at.date())
        if post is None:
            problems.add(row.line, f"{cadre_phone} ({cadre.name}) was not posted on {at.date()}")
            continue
        try:
            calendar.is_workday(at.date())
        except DomainError:
            problems.add(
                row.line,
                f"no official calendar for {at.year}: import it first (cadrebot calendar import)",
            )
            continue
        assert cadre.id is not None  # read from the table
        if is_duplicate_visit(uow, cadre.id, at):
            problems.add(
                row.line,
                f"{cadre.name} already has a check recorded at {row.get('at')}",
            )
            continue
        visits.append(_Visit(row, inspector, cadre, post, at, found))
    return visits


def _posted(uow: UnitOfWork, cadre: Person, day: date) -> Posting | None:
    try:
        return posting(uow, cadre, day)
    except DomainError:
        return None


def _drafts(outcome: SpotCheckOutcome, notices: list[Notice]) -> list[Draft]:
    """The chat's notices as outbox rows; each person hears one message per check, so the
    check's id makes the row unique (the period is short: 32 characters)."""
    period = f"{outcome.check.id}:result"
    return [
        Draft(n.person_id, OUTBOX_KIND, period, {"key": n.key, "params": n.params}) for n in notices
    ]


def _detail(visit: _Visit, outcome: SpotCheckOutcome) -> str:
    text = (
        f"line {visit.row.line}: {visit.cadre.name} ({outcome.village}) "
        f"{visit.at:%Y-%m-%d %H:%M} {outcome.result}"
    )
    if outcome.result is SpotCheckResult.NOT_COUNTED:
        return text + " (not a working day)"
    if outcome.sanction is not None:
        return text + f", no. {outcome.unexcused_this_year} in {visit.at.year}: {outcome.sanction}"
    return text


def import_spot_checks(
    uow_factory: UnitOfWorkFactory, table: Table, *, now: datetime, zone: ZoneInfo
) -> SpotCheckImport:
    """Record every row's visit and queue its messages; refuse the file if any row is bad."""
    table = _aliased(table)
    problems = begin_validation(table, REQUIRED)
    parsed = _parse(table, problems, now=now, zone=zone)
    with uow_factory() as uow:
        calendar = load_calendar(uow)
        visits = _checked(uow, parsed, problems, calendar)
        problems.raise_if_any()
        drafts: list[Draft] = []
        details: list[str] = []
        not_counted = 0
        for visit in sorted(visits, key=lambda v: (v.at, v.row.line)):
            outcome = record_visit(
                uow,
                visit.inspector,
                visit.cadre,
                visit.post,
                found=visit.found,
                visited_at=visit.at,
                now=now,
                calendar=calendar,
            )
            not_counted += outcome.result is SpotCheckResult.NOT_COUNTED
            drafts += _drafts(outcome, outcome.notices)
            details.append(_detail(visit, outcome))
        uow.flush()
        enqueue(uow, drafts, now)
        uow.commit()
    notes = (f"{not_counted} on non-working days do not count",) if not_counted else ()
    return SpotCheckImport(
        "spot check", "spot checks", new=len(visits), notes=notes, details=tuple(details)
    )
