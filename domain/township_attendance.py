"""The township owns attendance (Art. 11: 日常考勤由镇(办)党委负责).

The township party secretary may enter any day of their cadres — on site, absent or on
official duty — with a reason: as a correction when reviewing a month, or as an exception
on the weekly grid when the district keeps attendance by township
(``AttendanceSource.TOWNSHIP``). 国办函〔2026〕12号 forbids compulsory 打卡签到, so a
location check-in is one kind of evidence, not the only one; a township entry overrides
every other kind of evidence for its day.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from domain.attendance import Period
from domain.calendar import WorkdayCalendar
from domain.errors import DomainError

#: A reason is a sentence or two for the audit log and the cadre, not a report.
MAX_REASON_CHARS = 200


class AttendanceSource(StrEnum):
    """Who keeps the district's daily attendance: the cadres' location check-ins (with a
    nudge each working evening), or the township (a weekly grid to confirm, no nudges)."""

    CHECKIN = "checkin"
    TOWNSHIP = "township"


class EntryStatus(StrEnum):
    """What the township says a day was (公务: training, meetings, duty called by the
    district or township; neither on site nor absent)."""

    ON_SITE = "on_site"
    ABSENT = "absent"
    DUTY = "duty"


class EntrySource(StrEnum):
    CORRECTION = "correction"  # the monthly review
    GRID = "grid"  # the weekly grid


class DayMark(StrEnum):
    """One day of one cadre on the weekly grid; one letter each, so a week packs into a
    seven-letter string the catalog turns into symbols."""

    ON_SITE = "o"
    LEAVE = "l"
    DUTY = "d"
    REST = "r"
    ABSENT = "a"
    NOT_POSTED = "n"


_ENTRY_MARK = {
    EntryStatus.ON_SITE: DayMark.ON_SITE,
    EntryStatus.ABSENT: DayMark.ABSENT,
    EntryStatus.DUTY: DayMark.DUTY,
}


def entry_status(code: str) -> EntryStatus:
    try:
        return EntryStatus(code)
    except ValueError:
        raise DomainError("township.bad_status", status=code) from None


def checked_reason(text: str | None) -> str:
    """The reason as stored: required, and short enough to read in a notice. Too long is
    refused with the limit and the length typed, so the secretary can shorten it."""
    reason = (text or "").strip()
    if not reason:
        raise DomainError("township.reason_required")
    if len(reason) > MAX_REASON_CHARS:
        raise DomainError(
            "township.reason_too_long", limit=MAX_REASON_CHARS, length=len(reason), text=reason
        )
    return reason


def correction_windows(reviewed: Period, today: date) -> tuple[Period, ...]:
    """The days a township may correct while reviewing the month ``reviewed``: that month
    once it is over, and the current month up to yesterday (today can still change)."""
    windows = []
    if reviewed.last < today:
        windows.append(reviewed)
    current = Period(today.replace(day=1), today - timedelta(days=1))
    if current.first <= current.last and current != reviewed:
        windows.append(current)
    return tuple(windows)


def grid_windows(week: Period, today: date) -> tuple[Period, ...]:
    """The days the weekly grid may mark: the days of its week that are over."""
    window = week.clip(None, today - timedelta(days=1))
    return (window,) if window is not None else ()


def may_enter(day: date, windows: Collection[Period]) -> bool:
    return any(w.first <= day <= w.last for w in windows)


def previous_week(today: date) -> Period:
    """Monday to Sunday of the week before ``today``'s."""
    monday = today - timedelta(days=today.weekday() + 7)
    return Period(monday, monday + timedelta(days=6))


@dataclass(frozen=True)
class DayEvidence:
    """What is known of one cadre's day, for the grid: ``entry`` is the township's own
    status for the day, if it entered one."""

    posted: bool
    onsite: bool = False
    leave: bool = False
    duty: bool = False
    entry: EntryStatus | None = None


def day_mark(day: date, evidence: DayEvidence, calendar: WorkdayCalendar) -> DayMark:
    """The grid's mark: the township's entry wins; then a check-in on site, approved
    leave, a duty record; a non-working day with none of these is rest; else absent."""
    if not evidence.posted:
        return DayMark.NOT_POSTED
    if evidence.entry is not None:
        return _ENTRY_MARK[evidence.entry]
    if evidence.onsite:
        return DayMark.ON_SITE
    if evidence.leave:
        return DayMark.LEAVE
    if evidence.duty:
        return DayMark.DUTY
    if not calendar.is_workday(day):
        return DayMark.REST
    return DayMark.ABSENT
