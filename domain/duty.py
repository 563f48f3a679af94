"""Official duty days (公务): days a posted cadre spends away from the village because the
district or the township called them, so they are neither on site nor absent.

The kinds come from the regulation: the district's training (岗前培训 before the posting
and 岗位培训 during it, Art. 13, which sets the minimum days of each), the meetings of
Art. 16 (座谈会, 观摩) and any other duty the district or township calls. A record covers
whole calendar days, first and last included, and at most ``MAX_SPAN_DAYS`` of them: a
longer absence is not a duty but a recall or a leave, and must be recorded as such.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from domain.errors import DomainError

#: Art. 13: 岗前培训 of at least 2 days and 岗位培训 of at least 3 days a year.
PRE_TRAINING_MIN_DAYS = 2
TRAINING_MIN_DAYS = 3
#: The longest duty one record may cover (a calendar month).
MAX_SPAN_DAYS = 31
#: Longest note kept with a record (the rest would not fit a sheet's cell usefully).
NOTE_MAX_CHARS = 200


class DutyKind(StrEnum):
    PRE_TRAINING = "pre_training"  # 岗前培训 (Art. 13)
    TRAINING = "training"  # 岗位培训 (Art. 13)
    MEETING = "meeting"  # 座谈会、观摩 (Art. 16)
    OFFICIAL = "official"  # other duty called by the district or township


#: Chinese words an official writes in a file's ``kind`` column, for each kind.
CHINESE_NAMES: dict[DutyKind, tuple[str, ...]] = {
    DutyKind.PRE_TRAINING: ("岗前培训",),
    DutyKind.TRAINING: ("岗位培训", "培训"),
    DutyKind.MEETING: ("座谈会", "观摩", "座谈会/观摩", "会议"),
    DutyKind.OFFICIAL: ("公务", "其他公务"),
}


class InvalidDuty(DomainError):
    key = "duty.invalid"


def parse_duty_kind(text: str) -> DutyKind:
    """A kind from its code (``training``) or its Chinese name (``岗位培训``)."""
    cleaned = (text or "").strip()
    try:
        return DutyKind(cleaned.lower())
    except ValueError:
        pass
    for kind, names in CHINESE_NAMES.items():
        if cleaned in names:
            return kind
    raise InvalidDuty("duty.unknown_kind", value=text)


def check_span(start: date, end: date) -> int:
    """The number of days ``start``..``end`` covers, or the reason it cannot be one duty."""
    if end < start:
        raise InvalidDuty("duty.end_before_start", start=start, end=end)
    days = (end - start).days + 1
    if days > MAX_SPAN_DAYS:
        raise InvalidDuty("duty.too_long", start=start, end=end, days=days, limit=MAX_SPAN_DAYS)
    return days


def overlaps(start: date, end: date, other_start: date, other_end: date) -> bool:
    """Whether two spans of days (each first and last day included) share a day."""
    return start <= other_end and other_start <= end


def first_day_not_posted(
    postings: Iterable[tuple[date, date | None]], start: date, end: date
) -> date | None:
    """The first day of ``start``..``end`` that no posting (start, end or None for open)
    covers, or None when the cadre is posted on every one of them (a transfer mid-span is
    fine: the postings follow each other)."""
    day = start
    for posted_from, posted_to in sorted(postings, key=lambda p: p[0]):
        if posted_from > day:
            break
        if posted_to is None or posted_to >= day:
            if posted_to is None or posted_to >= end:
                return None
            day = posted_to + timedelta(days=1)
    return day


@dataclass(frozen=True)
class DutyRecord:
    """One span of official duty of one cadre (the person is the caller's business)."""

    start: date
    end: date
    kind: DutyKind
    note: str | None = None

    def __post_init__(self) -> None:
        check_span(self.start, self.end)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def days_between(self, first: date, last: date) -> set[date]:
        """The record's days that fall within ``first``..``last``."""
        lo, hi = max(self.start, first), min(self.end, last)
        return {lo + timedelta(days=i) for i in range((hi - lo).days + 1)} if lo <= hi else set()


@dataclass(frozen=True)
class TrainingDays:
    """A cadre's training days in a year against Art. 13's minimums."""

    year: int
    pre_training: int
    training: int

    @property
    def pre_training_met(self) -> bool:
        return self.pre_training >= PRE_TRAINING_MIN_DAYS

    @property
    def training_met(self) -> bool:
        return self.training >= TRAINING_MIN_DAYS

    @property
    def met(self) -> bool:
        return self.pre_training_met and self.training_met


def training_days(records: Iterable[DutyRecord], year: int) -> TrainingDays:
    """Distinct calendar days of ``year`` spent at 岗前培训 and at 岗位培训.

    Only the part of a record inside the year counts (a course over New Year counts in
    each year for its own days), and a day is counted once per kind even if two records
    name it, so a duplicated record cannot make up a shortfall."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    days: dict[DutyKind, set[date]] = {DutyKind.PRE_TRAINING: set(), DutyKind.TRAINING: set()}
    for record in records:
        if record.kind in days:
            days[record.kind] |= record.days_between(first, last)
    return TrainingDays(year, len(days[DutyKind.PRE_TRAINING]), len(days[DutyKind.TRAINING]))
