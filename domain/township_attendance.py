"""The township owns attendance (Art. 11: 日常考勤由镇(办)党委负责).

The township party secretary may enter any day of their cadres — on site, absent or on
official duty — with a reason: as a correction when reviewing a month, or as an exception
on the weekly grid when the district keeps attendance by township
(``AttendanceSource.TOWNSHIP``). 国办函〔2026〕12号 forbids compulsory 打卡签到, so a
location check-in is one kind of evidence, not the only one; a township entry overrides
every other kind of evidence for its day (``domain.ledger``, which decides each day).
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, timedelta
from enum import StrEnum

from domain.attendance import Period
from domain.errors import DomainError
from domain.ledger import TOWNSHIP_STATUSES, DayStatus

#: A reason is a sentence or two for the audit log and the cadre, not a report.
MAX_REASON_CHARS = 200


class AttendanceSource(StrEnum):
    """Who keeps the district's daily attendance: the cadres' location check-ins (with a
    nudge each working evening), or the township (a weekly grid to confirm, no nudges)."""

    CHECKIN = "checkin"
    TOWNSHIP = "township"


#: What the township may enter a day as, in the order its buttons show (到岗 / 缺勤 / 公务):
#: the ledger's ``TOWNSHIP_STATUSES`` (公务: training, meetings, duty called by the district
#: or township; neither on site nor absent).
ENTRY_STATUSES: tuple[DayStatus, ...] = (DayStatus.ON_SITE, DayStatus.ABSENT, DayStatus.DUTY)


class EntrySource(StrEnum):
    CORRECTION = "correction"  # the monthly review
    GRID = "grid"  # the weekly grid


#: One letter per ledger status, so a week of the grid packs into a seven-letter string
#: the catalog turns into symbols (``grid.mark_<letter>``).
GRID_MARKS: dict[DayStatus, str] = {
    DayStatus.ON_SITE: "o",
    DayStatus.LEAVE: "l",
    DayStatus.DUTY: "d",
    DayStatus.REST: "r",
    DayStatus.ABSENT: "a",
    DayStatus.NOT_POSTED: "n",
}


def entry_status(code: str) -> DayStatus:
    """The status a township entry names; anything but 到岗 / 缺勤 / 公务 is refused."""
    if code not in TOWNSHIP_STATUSES:
        raise DomainError("township.bad_status", status=code)
    return DayStatus(code)


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
