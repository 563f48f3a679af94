"""The dispatching unit's duties (Art. 15, 19), as checks a sweep can run.

选派单位每月至少召开1次驻村扶贫专题会议，领导班子成员到村调研指导每2个月1次以上
(Art. 15); 派出单位应每年为第一书记和驻村工作队员体检1次，并办理任职期间人身意外伤害
保险 (Art. 19). Each function says what is missing as of ``today``; the unit is reminded
and org_dept sees the list.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from enum import StrEnum

from domain.posting_term import add_years

#: "每2个月1次以上" read as a visit at least every 60 days (the issue's reading).
VISIT_INTERVAL_DAYS = 60
INSURANCE_NOTICE_DAYS = 30
#: The longest meeting note or list of who visited the unit leader may type.
NOTE_MAX_CHARS = 200
#: How far back a meeting, visit or health check may be recorded late.
RECORD_BACK_DAYS = 366


class UnitRecord(StrEnum):
    """What a unit leader records (the stored ``carerecord.kind`` for the last two)."""

    MEETING = "meeting"  # 驻村扶贫专题会议 (Art. 15)
    VISIT = "visit"  # 领导班子成员到村调研指导 (Art. 15)
    HEALTH_CHECK = "health_check"  # 每年体检1次 (Art. 19)
    INSURANCE = "insurance"  # 人身意外伤害保险, valid until a day (Art. 19)


def meetings_counted_from(first_posting: date) -> date:
    """The first month a unit owes a meeting: the month of its first posting if it began
    on the 1st, else the next one (a unit posting on the 20th is not late that month)."""
    if first_posting.day == 1:
        return first_posting
    return (first_posting.replace(day=28) + timedelta(days=4)).replace(day=1)


def months_without_meeting(meetings: Iterable[date], first: date, today: date) -> list[str]:
    """The closed months (``YYYY-MM``) from ``first``'s month up to last month with no
    驻村扶贫专题会议 recorded; the running month is not late yet."""
    held = {(d.year, d.month) for d in meetings}
    missing = []
    year, month = first.year, first.month
    while (year, month) < (today.year, today.month):
        if (year, month) not in held:
            missing.append(f"{year}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return missing


def visit_overdue(visits: Iterable[date], posted_since: date, today: date) -> int | None:
    """Days since the last leadership visit (or since the posting began, if none) when
    that is over ``VISIT_INTERVAL_DAYS``; None while the unit is within it."""
    past = [d for d in visits if d <= today]
    since = max(past, default=posted_since)
    days = (today - since).days
    return days if days > VISIT_INTERVAL_DAYS else None


def health_check_overdue(checks: Iterable[date], posted_since: date, today: date) -> bool:
    """A year has passed since the last health check (or the posting's start) without one."""
    last = max((d for d in checks if d <= today), default=posted_since)
    return today >= add_years(last, 1)


def insurance_notice_due(insured_until: date | None, today: date) -> bool:
    """The accident insurance ends within ``INSURANCE_NOTICE_DAYS`` (or has ended, or
    none was recorded): the unit is told to renew it."""
    return insured_until is None or insured_until - today <= timedelta(days=INSURANCE_NOTICE_DAYS)
