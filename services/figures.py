"""The regulation's figures for the whole roster at once (the set-based twin of
``services.standing``), for the scheduler's sweeps and the attendance sheets.

``services.standing`` answers for one person with a few queries each; a sweep over
100,000 cadres cannot, and cannot read a year of check-ins either (tens of millions of
rows). Here on-site days come from the monthly rollup (``OnsiteMonth``: one bitmask of
days per cadre and month), leave from the few approved requests, and the rest is bit
arithmetic with the official calendar in Python. The results must agree with
``domain.attendance.attendance`` day for day (the tests compare the two).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

from domain.attendance import AttendanceFigures, Period
from domain.calendar import WorkdayCalendar
from storage import sweeps as q
from storage.sweeps import PostingRow, month_key
from storage.unit_of_work import UnitOfWork

Masks = dict[int, dict[int, int]]  # person → {month key → bitmask of on-site days}


def _bits(first: date, last: date) -> int:
    """The bitmask of days ``first``..``last`` of one month."""
    return ((1 << last.day) - 1) & ~((1 << (first.day - 1)) - 1)


@lru_cache(maxsize=4096)
def month_spans(first: date, last: date) -> tuple[tuple[int, int], ...]:
    """(month key, bitmask of the days from ``first`` to ``last`` in it) per month."""
    spans, day = [], first
    while day <= last:
        next_month = (day.replace(day=1) + timedelta(days=32)).replace(day=1)
        spans.append((month_key(day), _bits(day, min(last, next_month - timedelta(days=1)))))
        day = next_month
    return tuple(spans)


@dataclass
class MonthGrid:
    """The official working days, month by month, as bitmasks (bit ``d - 1`` = day d)."""

    calendar: WorkdayCalendar
    workdays: dict[int, int] = field(default_factory=dict)

    def workday_bits(self, key: int) -> int:
        bits = self.workdays.get(key)
        if bits is None:
            bits, day = 0, date(key // 100, key % 100, 1)
            while day.month == key % 100:
                if self.calendar.is_workday(day):
                    bits |= 1 << (day.day - 1)
                day += timedelta(days=1)
            self.workdays[key] = bits
        return bits

    def pieces(self, span: Period) -> list[tuple[int, int, int]]:
        """(month key, bits of the span's days, bits of its working days) per month."""
        return [
            (key, bits, bits & self.workday_bits(key))
            for key, bits in month_spans(span.first, span.last)
        ]


def load_masks(
    uow: UnitOfWork, first: date, last: date, person_ids: Collection[int] | None = None
) -> Masks:
    """On-site bitmasks for the months from ``first`` to ``last``, the rollup refreshed."""
    q.refresh_onsite_months(uow.session)
    return q.onsite_months(uow.session, first, last, person_ids)


def onsite_days(masks: Masks, person_id: int, first: date, last: date) -> int:
    """Distinct on-site days of a person from ``first`` to ``last`` (no posting clip)."""
    months = masks.get(person_id, {})
    return sum((months.get(key, 0) & bits).bit_count() for key, bits in month_spans(first, last))


def attendance_figures(
    uow: UnitOfWork,
    postings: Sequence[PostingRow],
    period: Period,
    *,
    as_of: date,
    calendar: WorkdayCalendar,
    masks: Masks | None = None,
) -> dict[int, AttendanceFigures]:
    """``domain.attendance.attendance`` for every posting at once: person id → figures over
    ``period``, counting only days of the posting and up to ``as_of``. ``masks`` may be
    given when the caller loaded them already (they must cover the period)."""
    last = min(period.last, as_of)
    if last < period.first:
        return {p.person_id: AttendanceFigures(0, 0, 0) for p in postings}
    window = Period(period.first, last)
    if masks is None:
        masks = load_masks(uow, window.first, window.last)
    leaves = q.approved_leaves(uow.session, window.first, window.last)
    grid = MonthGrid(calendar)
    whole = grid.pieces(window)
    figures: dict[int, AttendanceFigures] = {}
    for posting in postings:
        span = window.clip(posting.start, posting.end)
        if span is None:
            figures[posting.person_id] = AttendanceFigures(0, 0, 0)
            continue
        pieces = whole if span == window else grid.pieces(span)
        months = masks.get(posting.person_id, {})
        onsite = onsite_work = workdays = 0
        for key, bits, work in pieces:
            mask = months.get(key, 0)
            onsite += (mask & bits).bit_count()
            onsite_work += (mask & work).bit_count()
            workdays += work.bit_count()
        leave = leave_work = 0
        if posting.person_id in leaves:
            leave_days: set[date] = set()
            for start, end in leaves[posting.person_id]:
                part = span.clip(start, end)
                if part is not None:
                    leave_days.update(part.days())
            for day in leave_days:
                if not months.get(month_key(day), 0) >> (day.day - 1) & 1:  # not on site
                    leave += 1
                    leave_work += calendar.is_workday(day)
        figures[posting.person_id] = AttendanceFigures(
            onsite, leave, workdays - onsite_work - leave_work
        )
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
