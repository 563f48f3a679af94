"""What a cadre files in writing (Art. 14, 15): the half-year written report and the
term's 期满书面总结 (filed with org_dept, poverty_bureau and the dispatching unit), the
three-year plan (三年规划) and the year's goals (年度目标) (filed with the township,
org_dept and poverty_bureau).

Each filing is for a period: ``2026-H2`` for a half year (``posting_term``'s key),
``2026`` for a year's goals, ``term`` for the term summary and the three-year plan (one of
each per posting). Filing again for the same kind and period replaces the earlier one.

No database, no Telegram, no clock: ``today`` is passed in.
"""

from __future__ import annotations

from datetime import date, timedelta
from enum import StrEnum

from domain.posting_term import (
    REPORT_RECIPIENTS,
    REPORT_REMINDER_DAYS,
    half_year_deadline,
    half_year_of,
)
from domain.roles import DISTRICT_DEPARTMENTS, Role

#: The longest text report the bot keeps (a report is long, but a pasted book is a
#: document): about twelve of Telegram's longest messages.
REPORT_MAX_CHARS = 50_000


class FilingKind(StrEnum):
    HALF_YEAR = "half_year"  # 每半年书面汇报 (Art. 15)
    TERM_SUMMARY = "term_summary"  # 驻村期满书面总结 (Art. 15)
    THREE_YEAR_PLAN = "three_year_plan"  # 三年规划 (Art. 14)
    YEAR_GOALS = "year_goals"  # 年度目标 (Art. 14)


#: The written reports of Art. 15; the other two kinds are Art. 14's plans.
WRITTEN_REPORTS = frozenset({FilingKind.HALF_YEAR, FilingKind.TERM_SUMMARY})
#: Who a plan is filed with (Art. 14: 报镇(办)党委、区委组织部、区扶贫局备案).
PLAN_RECIPIENTS: tuple[Role, ...] = (Role.TOWNSHIP_SECRETARY, *DISTRICT_DEPARTMENTS)


def recipients(kind: FilingKind) -> tuple[Role, ...]:
    """The roles a filing of ``kind`` is filed with (the unit leader: the posting's unit;
    the township secretary: the posting's township)."""
    return REPORT_RECIPIENTS if kind in WRITTEN_REPORTS else PLAN_RECIPIENTS


def half_year_key(day: date) -> str:
    year, half = half_year_of(day)
    return f"{year}-H{half}"


def period_of(kind: FilingKind, today: date) -> str:
    """The period a filing made ``today`` is for: the current half year, the current
    year, or the posting's term."""
    if kind is FilingKind.HALF_YEAR:
        return half_year_key(today)
    if kind is FilingKind.YEAR_GOALS:
        return str(today.year)
    return "term"


def half_year_deadline_of(day: date) -> date:
    """30 June or 31 December: the deadline of the half year ``day`` is in."""
    return half_year_deadline(*half_year_of(day))


def report_reminder_due(deadline: date, today: date) -> int | None:
    """The reminder owed as of ``today`` for ``deadline``: the latest of 15 and 3 days
    before whose day has come, until the deadline itself. A sweep that missed the 15-day
    day still sends it on the next run (once: the outbox's period key), and one that
    missed both sends only the 3-day reminder."""
    if today > deadline:
        return None
    owed = [d for d in REPORT_REMINDER_DAYS if deadline - timedelta(days=d) <= today]
    return min(owed) if owed else None
