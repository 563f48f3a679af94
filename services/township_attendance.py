"""The township owns attendance (Art. 11): the secretary's own entries of cadres' days.

Two ways in, one record (``AttendanceEntry``, which overrides every other evidence of its
day): a correction while reviewing a month (scope ``2026-11``: that month once it is over,
and the current month up to yesterday), and an exception on the weekly grid (scope
``2026-W48``: that week's days, once over) when the district keeps attendance by township
(``CADREBOT_ATTENDANCE_SOURCE=township``). Each entry is in the audit log, with the values
of the entry it replaced, and the cadre is told. Confirming a week is an audit entry of its
own (``attendance:week_confirmed``), once per township and week.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from domain.attendance import Period
from domain.calendar import WorkdayCalendar
from domain.errors import DomainError
from domain.ledger import ledger
from domain.roles import CADRE_ROLES, Role
from domain.township_attendance import (
    GRID_MARKS,
    EntrySource,
    checked_reason,
    correction_windows,
    entry_status,
    grid_windows,
    may_enter,
)
from services.attendance_review import parse_month
from services.ledger import read_evidence
from services.notices import Notice
from storage.ids import id_of
from storage.sweeps import PostingRow, month_key
from storage.tables import Person
from storage.unit_of_work import UnitOfWork

WEEK_CONFIRMED = "attendance:week_confirmed"
_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")


@dataclass(frozen=True)
class Scope:
    """What the secretary is entering days for: a reviewed month or a grid's week."""

    key: str
    source: EntrySource
    period: Period

    def windows(self, today: date) -> tuple[Period, ...]:
        if self.source is EntrySource.CORRECTION:
            return correction_windows(self.period, today)
        return grid_windows(self.period, today)

    def span(self, today: date) -> Period:
        """From the first to the last day that may be entered (refused when none may)."""
        windows = self.windows(today)
        if not windows:
            shown = self.period if self.source is EntrySource.GRID else self.key
            raise DomainError("township.scope_not_over", scope=shown)
        return Period(windows[0].first, windows[-1].last)


def parse_scope(key: str) -> Scope:
    match = _WEEK.match(key or "")
    if match is None:
        return Scope(key, EntrySource.CORRECTION, parse_month(key))
    try:
        monday = date.fromisocalendar(int(match[1]), int(match[2]), 1)
    except ValueError:
        raise DomainError("review.bad_month", month=key) from None
    return Scope(key, EntrySource.GRID, Period(monday, monday + timedelta(days=6)))


def _township_of(secretary: Person) -> int:
    if secretary.role != Role.TOWNSHIP_SECRETARY or secretary.township_id is None:
        raise DomainError("error.role_cannot")
    return secretary.township_id


def scope_cadres(
    uow: UnitOfWork, secretary: Person, *, scope: str, today: date
) -> list[PostingRow]:
    """The cadres posted in the secretary's township on any day the scope may enter."""
    township_id = _township_of(secretary)
    span = parse_scope(scope).span(today)
    cadres = uow.roster.postings(span.first, span.last, township_id=township_id)
    if not cadres:
        raise DomainError("township.no_cadres", first=span.first, last=span.last)
    return cadres


def scope_cadre(
    uow: UnitOfWork, secretary: Person, *, scope: str, cadre_id: int, today: date
) -> PostingRow:
    """One of ``scope_cadres`` (a forged button naming another township's cadre is refused)."""
    for cadre in scope_cadres(uow, secretary, scope=scope, today=today):
        if cadre.person_id == cadre_id:
            return cadre
    raise DomainError("township.not_a_cadre")


@dataclass(frozen=True)
class EntryOutcome:
    cadre: Person
    day: date
    status: str
    reason: str
    replaced: bool
    notices: tuple[Notice, ...]


def check_day(
    uow: UnitOfWork, secretary: Person, *, scope: str, person_id: int, day: date, today: date
) -> tuple[Scope, Person]:
    """Refuse, saying what to pick instead, a day the secretary may not enter: outside the
    scope's days, or a day the cadre was not posted in the secretary's township."""
    township_id = _township_of(secretary)
    parsed = parse_scope(scope)
    span = parsed.span(today)
    if not may_enter(day, parsed.windows(today)):
        key = (
            "township.day_outside"
            if parsed.source is EntrySource.CORRECTION
            else "township.day_outside_week"
        )
        raise DomainError(key, day=day, first=span.first, last=span.last)
    cadre = uow.people.get(person_id)
    if cadre is None or cadre.role not in CADRE_ROLES or not cadre.active:
        raise DomainError("township.not_a_cadre")
    posting = uow.assignments.posting(person_id, day)
    if posting is None or posting[1].township_id != township_id:
        raise DomainError("township.not_posted", name=cadre.name, day=day)
    return parsed, cadre


def enter_day(
    uow: UnitOfWork,
    secretary: Person,
    *,
    scope: str,
    person_id: int,
    day: date,
    status: str,
    reason: str,
    now: datetime,
) -> EntryOutcome:
    """Enter one day of one cadre of the secretary's township (a correction or a grid
    exception, by the scope), replacing an earlier entry of that day; audited, and the
    cadre is told. Only days the scope may enter and the cadre was posted there."""
    parsed, cadre = check_day(
        uow, secretary, scope=scope, person_id=person_id, day=day, today=now.date()
    )
    code = entry_status(status)
    text = checked_reason(reason)
    replaced = uow.attendance_entries.put(
        person_id=person_id,
        day=day,
        status=code.value,
        reason=text,
        recorded_by_id=id_of(secretary),
        recorded_at=now,
        source=parsed.source.value,
    )
    uow.audit.record(
        now,
        secretary.id,
        "attendance.entry",
        f"attendance:{person_id}:{day.isoformat()}",
        status=code.value,
        reason=text,
        source=parsed.source.value,
        scope=parsed.key,
        replaced=None
        if replaced is None
        else {**replaced._asdict(), "recorded_at": replaced.recorded_at.isoformat()},
    )
    notice = Notice(
        person_id,
        "township.cadre_told",
        {"m": day.month, "d": day.day, "status": code.value, "reason": text},
    )
    return EntryOutcome(cadre, day, code.value, text, replaced is not None, (notice,))


@dataclass(frozen=True)
class WeekOutcome:
    township: str
    week: str
    already: bool

    @property
    def days(self) -> Period:
        """The week's Monday to Sunday: how people are shown a week."""
        return parse_scope(self.week).period


def confirm_week(uow: UnitOfWork, secretary: Person, *, week: str, now: datetime) -> WeekOutcome:
    """The secretary confirms their township's grid of a finished week, once: a second
    confirmation (theirs or another secretary's of the township) records nothing."""
    township_id = _township_of(secretary)
    scope = parse_scope(week)
    if scope.source is not EntrySource.GRID:
        raise DomainError("review.bad_month", month=week)
    if scope.period.last >= now.date():
        raise DomainError("township.week_not_over", week=scope.period, last=scope.period.last)
    township = uow.places.township_by_id(township_id)
    assert township is not None, "the secretary's township is stored"
    subject = f"attendance-week:{township_id}:{scope.key}"
    if uow.audit.for_subject(subject):
        return WeekOutcome(township.name, scope.key, True)
    first, last = scope.period.first, scope.period.last
    cadres = {p.person_id for p in uow.roster.postings(first, last, township_id=township_id)}
    entries = uow.attendance_entries.statuses(first, last, cadres)
    uow.audit.record(
        now,
        secretary.id,
        WEEK_CONFIRMED,
        subject,
        cadres=len(cadres),
        entries=sum(len(days) for days in entries.values()),
    )
    return WeekOutcome(township.name, scope.key, False)


def week_marks(
    uow: UnitOfWork,
    postings: Sequence[PostingRow],
    week: Period,
    calendar: WorkdayCalendar,
) -> dict[int, str]:
    """person id → the week's seven ``GRID_MARKS`` letters: each day as the day ledger
    (``domain.ledger``) decides it from the evidence (``services.ledger.read_evidence``:
    the township's entries, duty records, leave approved and pending) and the check-ins
    on site (the rollup's bitmasks), read in a few queries for all the postings."""
    ids = [p.person_id for p in postings]
    uow.rollup.refresh()
    onsite = uow.rollup.onsite_months(week.first, week.last, ids)
    evidence = read_evidence(uow, week.first, week.last, ids)
    days = week.days()
    marks: dict[int, str] = {}
    for p in postings:
        pid = p.person_id
        months = onsite.get(pid, {})
        on_site = {d for d in days if months.get(month_key(d), 0) >> (d.day - 1) & 1}
        records = evidence.records(pid, p.spans or ((p.start, p.end),), on_site)
        marks[pid] = "".join(GRID_MARKS[d.status] for d in ledger(week, records, calendar))
    return marks
