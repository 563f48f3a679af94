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

from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

from domain.attendance import AttendanceFigures, Period
from domain.calendar import WorkdayCalendar
from domain.ledger import DayRecords, DayStatus
from services.ledger import read_evidence
from storage.limits import IDS_PER_QUERY
from storage.sweeps import PostingRow, month_key
from storage.unit_of_work import UnitOfWork

Masks = dict[int, dict[int, int]]  # person → {month key → bitmask of on-site days}
#: Up to this many cadres (a township's or a unit's sheet) rows are asked for by person id;
#: beyond it (the whole roster) the month is read whole.
SMALL_SCOPE = IDS_PER_QUERY


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
    uow.rollup.refresh()
    return uow.rollup.onsite_months(first, last, person_ids)


def _full_months(span: Period) -> tuple[list[int], Period | None]:
    """The month keys lying wholly inside ``span`` (their sums can be read as stored), and
    the rest of the span, at its end, to be read day by day (None if nothing is left).
    Spans start on a month's first day or the rest starts at ``span.first``."""
    keys: list[int] = []
    day = span.first
    if day.day != 1:
        return [], span
    while True:
        next_month = (day + timedelta(days=32)).replace(day=1)
        if next_month - timedelta(days=1) > span.last:
            return keys, Period(day, span.last)
        keys.append(month_key(day))
        if next_month > span.last:
            return keys, None
        day = next_month


def onsite_days_between(
    uow: UnitOfWork, first: date, last: date, person_ids: Collection[int] | None = None
) -> dict[int, int]:
    """Distinct on-site days per person from ``first`` to ``last`` (any posting), from the
    rollup: stored counts for whole months, bitmasks for the rest."""
    uow.rollup.refresh()
    keys, rest = _full_months(Period(first, last))
    days = {pid: n for pid, (n, _work) in uow.rollup.month_sums(keys, person_ids).items()}
    if rest is not None:
        masks = uow.rollup.onsite_months(rest.first, rest.last, person_ids)
        spans = month_spans(rest.first, rest.last)
        for pid, months in masks.items():
            extra = sum((months.get(key, 0) & bits).bit_count() for key, bits in spans)
            days[pid] = days.get(pid, 0) + extra
    return days


def attendance_figures(
    uow: UnitOfWork,
    postings: Sequence[PostingRow],
    period: Period,
    *,
    as_of: date,
    calendar: WorkdayCalendar,
) -> dict[int, AttendanceFigures]:
    """The day ledger's counts (``domain.ledger``) for every posting at once: person id →
    figures over ``period``, counting the days of all the person's postings in scope
    (``PostingRow.spans``) up to ``as_of``.

    Whole months come from the rollup's stored counts (one grouped query); the month in
    progress from the bitmasks: for a cadre posted the whole window with nothing but
    check-ins, each day is on site or (a working day) absent or rest, so bit counts are
    the ledger. Anyone else (posted part of the window, several postings, leave in it)
    is counted by ``domain.ledger.day_status``'s order, a month of bitmasks at a time."""
    last = min(period.last, as_of)
    if last < period.first:
        return {p.person_id: AttendanceFigures(0, 0, 0) for p in postings}
    window = Period(period.first, last)
    provisional = bool(calendar.provisional_years(window.first, window.last))
    uow.rollup.refresh()
    grid = MonthGrid(calendar)
    evidence = read_evidence(uow, window.first, window.last)
    recorded = evidence.people()
    special = {p.person_id for p in postings if p.person_id in recorded or not _covers(p, window)}
    everyone = [p.person_id for p in postings]
    small = len(everyone) <= SMALL_SCOPE
    keys, rest = _full_months(window)
    uow.rollup.working_days_on_site({key: grid.workday_bits(key) for key in keys})
    sums = uow.rollup.month_sums(keys, everyone if small else None)
    masks: Masks = {}
    if rest is not None:
        masks = dict(uow.rollup.onsite_months(rest.first, rest.last, everyone if small else None))
    if special:
        masks.update(uow.rollup.onsite_months(window.first, window.last, special))
    rest_pieces = grid.pieces(rest) if rest is not None else []
    full_workdays = sum(grid.workday_bits(key).bit_count() for key in keys)
    window_workdays = full_workdays + sum(work.bit_count() for _key, _bits, work in rest_pieces)
    plain = AttendanceFigures(0, 0, 0, provisional=provisional)
    figures: dict[int, AttendanceFigures] = {}
    for posting in postings:
        pid = posting.person_id
        if pid not in special:  # the common case, and the cheap one: the whole window
            onsite, onsite_work = sums.get(pid, (0, 0))
            months = masks.get(pid, {})
            for key, bits, work in rest_pieces:
                mask = months.get(key, 0)
                onsite += (mask & bits).bit_count()
                onsite_work += (mask & work).bit_count()
            figures[pid] = AttendanceFigures(
                onsite, 0, window_workdays - onsite_work, provisional=provisional
            )
        else:
            spans = posting.spans or ((posting.start, posting.end),)
            records = evidence.records(pid, spans, ())
            figures[pid] = _day_by_day(window, records, masks.get(pid, {}), grid) or plain
    return figures


def _day_by_day(
    window: Period, records: DayRecords, months: dict[int, int], grid: MonthGrid
) -> AttendanceFigures | None:
    """The ledger of one cadre over the days of ``window`` they were posted (postings that
    overlap count a day once), their on-site days read from the bitmasks; None when they
    were not posted in the window at all."""
    posted: dict[int, int] = defaultdict(int)  # month key → bits of the posted days
    for start, end in records.postings:
        span = window.clip(start, end)
        if span is not None:
            for key, bits in month_spans(span.first, span.last):
                posted[key] |= bits
    if not posted:
        return None
    counts = dict.fromkeys(DayStatus, 0)
    township = records.township or {}
    duty, leave = _masks(records.duty), _masks({*records.leave, *records.leave_pending})
    entered = _masks(township)
    for key, bits in posted.items():
        # domain.ledger.day_status over a month at once, as bitmasks: a township entry
        # decides its day; else on site, then duty, then leave, then absent on a working
        # day and rest on any other (the property test holds it to day_status)
        mask, work = months.get(key, 0), grid.workday_bits(key)
        first = date(key // 100, key % 100, 1)
        for bit in range((entered.get(key, 0) & bits).bit_length()):
            if entered[key] >> bit & 1 and bits >> bit & 1:
                counts[township[first + timedelta(days=bit)]] += 1
        rest = bits & ~entered.get(key, 0)
        on = rest & mask
        off = rest & ~mask
        on_duty = off & duty.get(key, 0)
        on_leave = off & ~on_duty & leave.get(key, 0)
        other = off & ~on_duty & ~on_leave
        counts[DayStatus.ON_SITE] += on.bit_count()
        counts[DayStatus.DUTY] += on_duty.bit_count()
        counts[DayStatus.LEAVE] += on_leave.bit_count()
        counts[DayStatus.ABSENT] += (other & work).bit_count()
        counts[DayStatus.REST] += (other & ~work).bit_count()
    provisional = any(not grid.calendar.is_official(key // 100) for key in posted)
    return AttendanceFigures(
        counts[DayStatus.ON_SITE],
        counts[DayStatus.LEAVE],
        counts[DayStatus.ABSENT],
        counts[DayStatus.DUTY],
        provisional,
    )


def _masks(days: Collection[date]) -> dict[int, int]:
    """Month key -> bits of ``days`` (bit 0: the 1st), as the rollup keeps on-site days."""
    masks: dict[int, int] = defaultdict(int)
    for day in days:
        masks[day.year * 100 + day.month] |= 1 << (day.day - 1)
    return masks


def _covers(posting: PostingRow, window: Period) -> bool:
    """Whether one posting lasts the whole window (``window.clip`` would return it as is;
    compared directly, as building a ``Period`` per cadre costs more than the rest)."""
    return (
        len(posting.spans) <= 1
        and (not posting.start or posting.start <= window.first)
        and (not posting.end or posting.end >= window.last)
    )


def leave_days_by_person(uow: UnitOfWork, period: Period) -> dict[int, int]:
    """Approved leave days inside ``period`` per person (``standing.leave_days_in_year``)."""
    result: dict[int, int] = {}
    for pid, spans in uow.absences.approved_leaves(period.first, period.last).items():
        days: set[date] = set()
        for start, end in spans:
            part = period.clip(start, end)
            if part is not None:
                days.update(part.days())
        result[pid] = len(days)
    return result
