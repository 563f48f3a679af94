"""The day ledger's records, read from storage: ``domain.ledger`` decides each day from
what this module reads — every posting, check-ins on site, leave approved and pending,
official duty (公务) records and the township's own entries (Art. 11).

``Evidence`` is read for a whole roster in a handful of queries (the sheets and sweeps,
``services.figures``) or for one cadre (/status); both go through ``Evidence.records``,
so the two can never count a day differently (the tests hold them equal day for day).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date

from domain.attendance import Period
from domain.calendar import WorkdayCalendar
from domain.ledger import DayCounts, DayRecords, DayStatus, LedgerDay, ledger
from storage import sweeps as q
from storage.unit_of_work import UnitOfWork

Postings = tuple[tuple[date, date | None], ...]
Spans = Iterable[tuple[date, date]]


def _days(spans: Spans, window: Period) -> set[date]:
    days: set[date] = set()
    for start, end in spans:
        part = window.clip(start, end)
        if part is not None:
            days.update(part.days())
    return days


@dataclass(frozen=True)
class Evidence:
    """What is recorded over ``window`` besides check-ins, person by person."""

    window: Period
    leave: dict[int, list[tuple[date, date]]]  # approved
    pending: dict[int, list[tuple[date, date]]]  # asked, not yet decided (补假 included)
    duty: dict[int, list[q.DutySpan]]
    township: dict[int, dict[date, str]]

    def people(self) -> set[int]:
        """Whose days need more than check-ins to decide."""
        return {*self.leave, *self.pending, *self.duty, *self.township}

    def records(self, pid: int, postings: Postings, on_site: Collection[date]) -> DayRecords:
        w = self.window
        return DayRecords(
            postings,
            on_site=on_site,
            duty=_days(((d.start, d.end) for d in self.duty.get(pid, [])), w),
            leave=_days(self.leave.get(pid, []), w),
            leave_pending=_days(self.pending.get(pid, []), w),
            township={d: DayStatus(s) for d, s in self.township.get(pid, {}).items()},
        )


#: Up to this many people, leave is read person by person (an index lookup each) rather
#: than the whole district's leave over the span (/status reads one cadre's year).
FEW = 20


def read_evidence(
    uow: UnitOfWork, first: date, last: date, person_ids: Collection[int] | None = None
) -> Evidence:
    """The evidence over ``first``..``last`` (for everyone, or ``person_ids``)."""
    if person_ids is not None and len(person_ids) <= FEW:
        leaves = uow.leaves
        leave = {
            p: [(r.start, r.end) for r in leaves.approved_between(p, first, last)]
            for p in person_ids
        }
        pending = {
            p: [(r.start, r.end) for r in leaves.pending_between(p, first, last)]
            for p in person_ids
        }
    else:
        leave = uow.absences.approved_leaves(first, last)
        pending = uow.absences.pending_leaves(first, last)
    return Evidence(
        Period(first, last),
        {p: spans for p, spans in leave.items() if spans},
        {p: spans for p, spans in pending.items() if spans},
        uow.absences.duty_spans(first, last, person_ids),
        uow.attendance_entries.statuses(first, last, person_ids),
    )


def postings_of(uow: UnitOfWork, person_id: int) -> Postings:
    """Every posting of the person, (start, end) by start: figures follow the person."""
    rows = sorted(uow.assignments.for_person(person_id), key=lambda a: (a.start, a.id or 0))
    return tuple((a.start, a.end) for a in rows)


def leave_dates(uow: UnitOfWork, person_id: int, period: Period) -> set[date]:
    """Days of approved leave inside ``period``."""
    requests = uow.leaves.approved_between(person_id, period.first, period.last)
    return _days(((r.start, r.end) for r in requests), period)


def records(uow: UnitOfWork, person_id: int, period: Period) -> DayRecords:
    evidence = read_evidence(uow, period.first, period.last, [person_id])
    on_site = uow.checkins.onsite_days(person_id, period.first, period.last)
    return evidence.records(person_id, postings_of(uow, person_id), on_site)


def person_ledger(
    uow: UnitOfWork, person_id: int, period: Period, calendar: WorkdayCalendar
) -> list[LedgerDay]:
    """Each day of ``period`` for the person, with its status and evidence."""
    return ledger(period, records(uow, person_id, period), calendar)


def person_counts(
    uow: UnitOfWork, person_id: int, period: Period, *, as_of: date, calendar: WorkdayCalendar
) -> DayCounts:
    """The ledger's counts over ``period`` up to ``as_of`` (a day that has not happened
    is not an absence)."""
    span = period.clip(None, as_of)
    if span is None:
        return DayCounts()
    return DayCounts.of(person_ledger(uow, person_id, span, calendar))
