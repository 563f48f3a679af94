"""The regulation's figures for the whole roster at once (the set-based twin of
``services.standing``), for the scheduler's sweeps and the attendance sheets.

``services.standing`` answers for one person with a few queries each; a sweep over
100,000 cadres cannot. Here every figure comes from a fixed number of grouped queries
(``storage.sweeps``) and is finished in Python with the official calendar, and it must
agree with ``domain.attendance.attendance`` day for day (the tests compare the two).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from domain.attendance import AttendanceFigures, Period
from domain.calendar import WorkdayCalendar
from storage import sweeps as q
from storage.sweeps import PostingRow
from storage.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class WorkdayIndex:
    """Working days of one span with O(1) counts of any sub-span (prefix sums)."""

    first: date
    flags: tuple[bool, ...]
    prefix: tuple[int, ...]

    @classmethod
    def build(cls, calendar: WorkdayCalendar, first: date, last: date) -> WorkdayIndex:
        flags = tuple(
            calendar.is_workday(first + timedelta(days=i)) for i in range((last - first).days + 1)
        )
        prefix = [0]
        for flag in flags:
            prefix.append(prefix[-1] + flag)
        return cls(first, flags, tuple(prefix))

    def is_workday(self, day: date) -> bool:
        return self.flags[(day - self.first).days]

    def count(self, first: date, last: date) -> int:
        """Working days from ``first`` to ``last`` (both inside the span)."""
        if last < first:
            return 0
        return self.prefix[(last - self.first).days + 1] - self.prefix[(first - self.first).days]

    def nonworkdays(self) -> list[date]:
        return [self.first + timedelta(days=i) for i, flag in enumerate(self.flags) if not flag]


def attendance_figures(
    uow: UnitOfWork,
    postings: Sequence[PostingRow],
    period: Period,
    *,
    as_of: date,
    calendar: WorkdayCalendar,
) -> dict[int, AttendanceFigures]:
    """``domain.attendance.attendance`` for every posting at once: person id → figures over
    ``period``, counting only days of the posting and up to ``as_of``."""
    last = min(period.last, as_of)
    if last < period.first:
        return {p.person_id: AttendanceFigures(0, 0, 0) for p in postings}
    index = WorkdayIndex.build(calendar, period.first, last)
    onsite = q.onsite_per_posting(uow.session, period.first, last, index.nonworkdays())
    leaves = q.approved_leaves(uow.session, period.first, last)
    onsite_in_leave = q.onsite_during_leave(uow.session, period.first, last)
    figures: dict[int, AttendanceFigures] = {}
    for posting in postings:
        span = Period(period.first, last).clip(posting.start, posting.end)
        if span is None:
            figures[posting.person_id] = AttendanceFigures(0, 0, 0)
            continue
        days, workdays = onsite.get(posting.assignment_id, (0, 0))
        leave_days: set[date] = set()
        for start, end in leaves.get(posting.person_id, ()):
            part = span.clip(start, end)
            if part is not None:
                leave_days.update(part.days())
        leave_days -= onsite_in_leave.get(posting.person_id, set())
        leave_workdays = sum(1 for d in leave_days if index.is_workday(d))
        absent = index.count(span.first, span.last) - workdays - leave_workdays
        figures[posting.person_id] = AttendanceFigures(days, len(leave_days), absent)
    return figures


def leave_days_by_person(uow: UnitOfWork, period: Period) -> dict[int, int]:
    """Approved leave days inside ``period`` per person (``standing.leave_days_in_year``)."""
    result: dict[int, int] = {}
    for pid, spans in q.approved_leaves(uow.session, period.first, period.last).items():
        days: set[date] = set()
        for start, end in spans:
            part = period.clip(start, end)
            if part is not None:
                days.update(part.days())
        result[pid] = len(days)
    return result
