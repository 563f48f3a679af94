"""The Monday pushes (design card): each cadre's standing, with how far behind the diary
and on-site paces they are and what would catch up; each village secretary's diaries
awaiting the weekly signature; each township secretary's summary of their cadres.

The figures are those of ``services.standing`` (what /status shows), computed for the
whole roster from a handful of grouped queries.
"""

from __future__ import annotations

import calendar as _cal
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from domain.attendance import AttendanceFigures, Period
from domain.pace import Pace, diary_pace, onsite_pace
from domain.roles import Role
from scheduler.common import (
    DEFAULT_ZONE,
    UowFactory,
    by_place,
    day_of,
    end_of_day,
    run_sweep,
    week_key,
    with_more,
)
from services.calendar import load_calendar
from services.figures import attendance_figures, leave_days_by_person, onsite_days_between
from services.outbox import Draft
from storage import sweeps as q
from storage.sweeps import PostingRow
from storage.unit_of_work import UnitOfWork

CADRE_KIND = "weekly_standing"
SIGNER_KIND = "weekly_signoff"
TOWNSHIP_KIND = "weekly_township"
#: How far back unsigned diaries are still offered for signature (``services.diary``).
SIGNOFF_LOOKBACK = timedelta(days=62)


@dataclass(frozen=True)
class CadreStanding:
    posting: PostingRow
    onsite: Pace
    diaries: Pace
    attendance: AttendanceFigures
    leave_days_year: int
    pending_requests: int

    @property
    def behind(self) -> bool:
        return self.onsite.behind or self.diaries.behind


def standings(
    uow: UnitOfWork, today: date, diaries: dict[int, q.DiaryWindow] | None = None
) -> list[CadreStanding]:
    """``services.standing.standing`` for every cadre posted today (``diaries``: the
    ``storage.sweeps.diary_window`` of the last ``SIGNOFF_LOOKBACK`` days, if read already)."""
    session = uow.session
    posted = q.postings(session, today, today)
    onsite_year = onsite_days_between(uow, date(today.year, 1, 1), today)
    month = Period.month(today.year, today.month)
    absences = attendance_figures(
        uow, posted, month, as_of=today - timedelta(days=1), calendar=load_calendar(uow)
    )
    if diaries is None:
        diaries = q.diary_window(session, today - SIGNOFF_LOOKBACK, month.first, today)
    leave_year = leave_days_by_person(uow, Period.year(today.year))
    pending = q.pending_requests_by_applicant(session)
    return [
        CadreStanding(
            posting=p,
            onsite=onsite_pace(onsite_year.get(p.person_id, 0), today, p.start),
            diaries=diary_pace(diaries.get(p.person_id, q.DiaryWindow()).written_this_month, today),
            attendance=absences[p.person_id],
            leave_days_year=leave_year.get(p.person_id, 0),
            pending_requests=pending.get(p.person_id, 0),
        )
        for p in posted
    ]


def _cadre_draft(s: CadreStanding, today: date, week: str, not_after: datetime) -> Draft:
    parts = []
    if s.diaries.behind:
        days_left = _cal.monthrange(today.year, today.month)[1] - today.day + 1
        parts.append(
            {
                "key": "reminder.behind_diary",
                "params": {
                    "done": s.diaries.done,
                    "expected": s.diaries.expected,
                    "shortfall": s.diaries.shortfall,
                    "target": s.diaries.target,
                    "left": max(0, s.diaries.target - s.diaries.done),
                    "days_left": days_left,
                },
            }
        )
    if s.onsite.behind:
        days_left = (date(today.year, 12, 31) - today).days + 1
        parts.append(
            {
                "key": "reminder.behind_onsite",
                "params": {
                    "done": s.onsite.done,
                    "expected": s.onsite.expected,
                    "shortfall": s.onsite.shortfall,
                    "target": s.onsite.target,
                    "left": max(0, s.onsite.target - s.onsite.done),
                    "days_left": days_left,
                },
            }
        )
    params = {
        "onsite": s.onsite.done,
        "onsite_expected": s.onsite.expected,
        "onsite_target": s.onsite.target,
        "diaries": s.diaries.done,
        "diaries_expected": s.diaries.expected,
        "diaries_target": s.diaries.target,
        "absent": s.attendance.absent_workdays,
        "leave": s.leave_days_year,
        "pending": s.pending_requests,
    }
    payload = {"key": "reminder.weekly_standing", "params": params, "parts": parts}
    return Draft(s.posting.person_id, CADRE_KIND, week, payload, not_after)


def _signer_drafts(
    uow: UnitOfWork,
    today: date,
    week: str,
    not_after: datetime,
    holders: list[q.HolderRow],
    posted: list[PostingRow],
    diaries: dict[int, q.DiaryWindow],
) -> list[Draft]:
    """Village secretaries with entries of their village's cadres awaiting the weekly
    signature (the batches /signoff lists)."""
    unsigned = {pid: w.awaiting_week for pid, w in diaries.items()}
    entries: dict[int, int] = defaultdict(int)
    cadres: dict[int, int] = defaultdict(int)
    names: dict[int, str] = {}
    for p in posted:
        count = unsigned.get(p.person_id, 0)
        names[p.village_id] = p.village
        if count:
            entries[p.village_id] += count
            cadres[p.village_id] += 1
    secretaries = by_place(holders, Role.VILLAGE_SECRETARY, "village_id")
    return [
        Draft(
            secretary,
            SIGNER_KIND,
            week,
            {
                "key": "reminder.weekly_signoff",
                "params": {
                    "village": names[village_id],
                    "entries": entries[village_id],
                    "cadres": cadres[village_id],
                },
            },
            not_after,
        )
        for village_id in sorted(entries)
        for secretary in secretaries.get(village_id, [])
    ]


def _township_drafts(
    uow: UnitOfWork,
    today: date,
    week: str,
    not_after: datetime,
    standings_: list[CadreStanding],
    holders: list[q.HolderRow],
    diaries: dict[int, q.DiaryWindow],
) -> list[Draft]:
    session = uow.session
    steps = q.open_steps_by_assignee(session)
    claims = q.pending_claims_by_assignee(session)
    to_confirm = {pid: w.awaiting_month for pid, w in diaries.items()}
    by_township: dict[int, list[CadreStanding]] = defaultdict(list)
    for s in standings_:
        by_township[s.posting.township_id].append(s)
    secretaries = by_place(holders, Role.TOWNSHIP_SECRETARY, "township_id")
    drafts = []
    for township_id, members in sorted(by_township.items()):
        members.sort(key=lambda s: (not s.behind, -s.attendance.absent_workdays, s.posting.name))
        lines, more = with_more(
            [
                {
                    "name": s.posting.name,
                    "village": s.posting.village,
                    "diaries": s.diaries.done,
                    "diaries_expected": s.diaries.expected,
                    "onsite": s.onsite.done,
                    "onsite_expected": s.onsite.expected,
                    "absent": s.attendance.absent_workdays,
                    "alert": s.behind or s.attendance.absent_workdays > 0,
                }
                for s in members
            ]
        )
        common = {
            "township": members[0].posting.township,
            "cadres": len(members),
            "behind_diary": sum(1 for s in members if s.diaries.behind),
            "behind_onsite": sum(1 for s in members if s.onsite.behind),
            "absent": sum(s.attendance.absent_workdays for s in members),
            "requests": sum(s.pending_requests for s in members),
            "to_confirm": sum(1 for s in members if to_confirm.get(s.posting.person_id)),
        }
        for secretary in secretaries.get(township_id, []):
            params = {
                **common,
                "steps": steps.get(secretary, 0),
                "claims": claims.get(secretary, 0),
            }
            payload = {
                "key": "reminder.weekly_township",
                "params": params,
                "lines": [
                    {
                        "param": "lines",
                        "key": "reminder.township_line",
                        "alert_key": "reminder.township_line_alert",
                        "items": lines,
                        "more": more,
                    }
                ],
            }
            drafts.append(Draft(secretary, TOWNSHIP_KIND, week, payload, not_after))
    return drafts


def sweep_weekly(
    uow_factory: UowFactory,
    as_of: date | datetime,
    *,
    zone: ZoneInfo = DEFAULT_ZONE,
    dry_run: bool = False,
) -> list[Draft]:
    """Period key: the ISO week (``2026-W49``); the pushes expire with the week."""
    today = day_of(as_of, zone)
    week = week_key(today)
    not_after = end_of_day(today + timedelta(days=6 - today.weekday()), zone)

    def plan(uow: UnitOfWork) -> list[Draft]:
        holders = q.holders(uow.session, [Role.VILLAGE_SECRETARY, Role.TOWNSHIP_SECRETARY])
        diaries = q.diary_window(uow.session, today - SIGNOFF_LOOKBACK, today.replace(day=1), today)
        cadres = standings(uow, today, diaries)
        drafts = [_cadre_draft(s, today, week, not_after) for s in cadres]
        posted = [s.posting for s in cadres]
        drafts += _signer_drafts(uow, today, week, not_after, holders, posted, diaries)
        drafts += _township_drafts(uow, today, week, not_after, cadres, holders, diaries)
        return drafts

    return run_sweep(uow_factory, "weekly", plan, dry_run=dry_run)
