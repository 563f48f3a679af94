"""A posting's term (Art. 6 定期选派轮换) and the written reports it owes (Art. 15).

原则上第一书记驻村工作时间为2年: a First Secretary's posting ends two years after it
began unless the roster says otherwise; a work team stays until its village is lifted out
of poverty (不摘帽不脱钩), so a team member's posting ends only when the roster says. 60
and 30 days before the end the people concerned are told; at the end the 期满考核 and the
期满书面总结 are due. A change of a First Secretary's village or unit before the term is
up needs the city organisation department's consent (区委组织部须报经市委组织部同意),
recorded with the change.

第一书记和驻村工作队每半年向区委组织部、区扶贫局和选派单位书面汇报一次工作: a written
report each half year, by 30 June and by 31 December, with reminders 15 and 3 days before.

No database, no Telegram, no clock: ``today`` is passed in.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import NamedTuple

from domain.errors import DomainError
from domain.roles import DISTRICT_DEPARTMENTS, Role

FIRST_SECRETARY_TERM_YEARS = 2
#: Days before a term's end when the cadre, their unit, the township secretary and
#: org_dept are told, latest last.
TERM_NOTICE_DAYS: tuple[int, ...] = (60, 30)
#: Days before a written report's deadline when those who have not submitted are reminded.
REPORT_REMINDER_DAYS: tuple[int, ...] = (15, 3)


def add_years(day: date, years: int) -> date:
    """The same calendar day ``years`` later; 29 February becomes 1 March in a common
    year (so a term begun on 29 February 2024 runs through 28 February 2026)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return date(day.year + years, 3, 1)


class PostingSpan(NamedTuple):
    """One roster posting of a cadre, as the term needs it."""

    start: date
    end: date | None
    village_id: int


def term_start(postings: Iterable[PostingSpan], current: PostingSpan) -> date:
    """The first day of the term ``current`` belongs to.

    The roster gives a change of dispatching unit a posting of its own (the old one ends
    the day before), but the cadre stays in the village and their 驻村工作时间 goes on
    (Art. 6: 因人事调整不在原单位工作的 … 确保第一书记工作不脱节): postings in the same
    village that follow one another without a day's gap are one term, counted from the
    first. A move to another village is a new 任职 there and begins a new term; so does
    a gap of a day or more."""
    ends = {p.end: p for p in postings if p.end is not None and p.village_id == current.village_id}
    start = current.start
    while (before := ends.pop(start - timedelta(days=1), None)) is not None:
        if before.start >= start:
            break
        start = before.start
    return start


def term_last_day(role: Role, start: date, roster_end: date | None) -> date | None:
    """The last day of a posting: the roster's end when it gives one; otherwise, for a
    First Secretary, the day before the second anniversary of ``start``; a work-team
    member without a roster end has none (until the village is lifted out of poverty)."""
    if roster_end is not None:
        if roster_end < start:
            raise DomainError("posting_term.end_before_start", start=start, end=roster_end)
        return roster_end
    if role is Role.FIRST_SECRETARY:
        return add_years(start, FIRST_SECRETARY_TERM_YEARS) - timedelta(days=1)
    return None


class TermNotice(StrEnum):
    """What a day means for a term: a notice is due, or the term ends (期满)."""

    DAYS_60 = "days_60"
    DAYS_30 = "days_30"
    ENDS = "ends"


_NOTICE_BY_DAYS = {60: TermNotice.DAYS_60, 30: TermNotice.DAYS_30}


def term_notice_on(last_day: date | None, today: date) -> TermNotice | None:
    """The notice due ``today`` for a term ending ``last_day``, if any. A sweep that runs
    daily sends each once; one that missed a day catches up through ``term_notices_due``."""
    if last_day is None:
        return None
    if today == last_day:
        return TermNotice.ENDS
    for days in TERM_NOTICE_DAYS:
        if last_day - timedelta(days=days) == today:
            return _NOTICE_BY_DAYS[days]
    return None


def term_notices_due(last_day: date | None, since: date, today: date) -> list[TermNotice]:
    """Every notice whose day fell after ``since`` and on or before ``today``, in order:
    what a sweep that last ran on ``since`` still owes (a process down for a week still
    tells people their term ends in 30 days, late rather than never)."""
    if last_day is None or today <= since:
        return []
    days = [(last_day - timedelta(days=d), _NOTICE_BY_DAYS[d]) for d in TERM_NOTICE_DAYS]
    days.append((last_day, TermNotice.ENDS))
    return [notice for day, notice in days if since < day <= today]


@dataclass(frozen=True)
class MidTermChange:
    """A change of a First Secretary's village or unit before the term is up, with who
    consented (Art. 6: 报经市委组织部同意)."""

    person_phone: str
    day: date
    approved_by: str


def check_mid_term_change(
    role: Role, last_day: date | None, day: date, approved_by: str | None
) -> None:
    """Refuse a First Secretary's change before the term is up without the consent that
    Art. 6 asks for; a change at or after the end, or of a team member, needs none."""
    if role is not Role.FIRST_SECRETARY or last_day is None or day > last_day:
        return
    if not (approved_by or "").strip():
        raise DomainError("posting_term.change_needs_consent", day=day, last_day=last_day)


class WrittenReport(StrEnum):
    HALF_YEAR = "half_year"  # 每半年书面汇报
    TERM_SUMMARY = "term_summary"  # 驻村期满书面总结


#: Who a written report is filed with (Art. 15: 区委组织部、区扶贫局和选派单位).
REPORT_RECIPIENTS: tuple[Role, ...] = (*DISTRICT_DEPARTMENTS, Role.UNIT_LEADER)


@dataclass(frozen=True, order=True)
class ReportDue:
    """One written report owed: which, for which period, and by when."""

    deadline: date
    kind: WrittenReport
    period: str  # "2026-H2" for a half year, "term" for the end of a term


def half_year_of(day: date) -> tuple[int, int]:
    """(year, half) of a day: 1 for January to June, 2 for July to December."""
    return day.year, 1 if day.month <= 6 else 2


def half_year_deadline(year: int, half: int) -> date:
    if half not in (1, 2):
        raise ValueError("half is 1 or 2")
    return date(year, 6, 30) if half == 1 else date(year, 12, 31)


def reports_due(start: date, last_day: date | None, today: date) -> list[ReportDue]:
    """The reports a posting owes as of ``today``: the current half year's (once the
    posting has begun in it; a half year it ended in before its deadline owes none, the
    term summary stands for it), and the term summary from 30 days before the end."""
    due: list[ReportDue] = []
    year, half = half_year_of(today)
    deadline = half_year_deadline(year, half)
    began_by = start <= deadline
    ended_before = last_day is not None and last_day < deadline
    if began_by and not ended_before and start <= today:
        due.append(ReportDue(deadline, WrittenReport.HALF_YEAR, f"{year}-H{half}"))
    if last_day is not None and last_day - timedelta(days=30) <= today:
        due.append(ReportDue(last_day, WrittenReport.TERM_SUMMARY, "term"))
    return sorted(due)


def report_reminder_on(deadline: date, today: date) -> int | None:
    """The days left when ``today`` is a reminder day for ``deadline`` (15 or 3)."""
    left = (deadline - today).days
    return left if left in REPORT_REMINDER_DAYS else None
