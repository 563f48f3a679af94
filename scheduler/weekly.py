"""The Monday pushes (design card): each cadre's standing, with how far behind the diary
and on-site paces they are and what would catch up; each village secretary's diaries
awaiting the weekly signature; each township secretary's summary of their cadres.

The figures are those of ``services.standing`` (what /status shows), computed for the
whole roster from a handful of grouped queries.
"""

from __future__ import annotations

import calendar as _cal
from collections import defaultdict
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any, NamedTuple, TypeVar
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
T = TypeVar("T")


class CadreStanding(NamedTuple):
    """One cadre's Monday figures (a named tuple: the sweep builds one per cadre)."""

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
    no_diaries = q.DiaryWindow()
    jan1 = date(today.year, 1, 1)  # the on-site pace counts from the later of this and start
    onsite = _memo(lambda done, start: onsite_pace(done, today, start))
    written = _memo(lambda done: diary_pace(done, today))
    return [
        CadreStanding(
            p,
            onsite(onsite_year.get(p.person_id, 0), max(p.start, jan1)),
            written(diaries.get(p.person_id, no_diaries).written_this_month),
            absences[p.person_id],
            leave_year.get(p.person_id, 0),
            pending.get(p.person_id, 0),
        )
        for p in posted
    ]


def _memo(make: Callable[..., T]) -> Callable[..., T]:
    """``make`` computed once per distinct arguments, for immutable values of which a few
    hundred distinct ones serve 100,000 cadres (paces: frozen dataclasses, slow to build
    200,000 times)."""
    cache: dict[tuple, T] = {}

    def get(*args: Any) -> T:
        value = cache.get(args)
        if value is None:
            value = cache[args] = make(*args)
        return value

    return get


def _cadre_drafts(
    cadres: list[CadreStanding], today: date, week: str, not_after: datetime
) -> list[Draft]:
    """Each cadre's standing, with a part per pace they are behind on. A part depends on the
    pace alone, so each distinct one is built once and shared between payloads (as the
    township lines are: payloads are never changed once built)."""
    month_left = _cal.monthrange(today.year, today.month)[1] - today.day + 1
    year_left = (date(today.year, 12, 31) - today).days + 1
    diary_part = _memo(lambda pace: _behind_part("reminder.behind_diary", pace, month_left))
    onsite_part = _memo(lambda pace: _behind_part("reminder.behind_onsite", pace, year_left))
    drafts = []
    for s in cadres:
        diaries, onsite = s.diaries, s.onsite
        parts = []
        if diaries.behind:
            parts.append(diary_part(diaries))
        if onsite.behind:
            parts.append(onsite_part(onsite))
        params = {
            "onsite": onsite.done,
            "onsite_expected": onsite.expected,
            "onsite_target": onsite.target,
            "diaries": diaries.done,
            "diaries_expected": diaries.expected,
            "diaries_target": diaries.target,
            "absent": s.attendance.absent_workdays,
            "leave": s.leave_days_year,
            "pending": s.pending_requests,
        }
        payload = {"key": "reminder.weekly_standing", "params": params, "parts": parts}
        drafts.append(Draft(s.posting.person_id, CADRE_KIND, week, payload, not_after))
    return drafts


def _behind_part(key: str, pace: Pace, days_left: int) -> dict[str, Any]:
    """What would bring a pace back on course in the ``days_left`` days left."""
    return {
        "key": key,
        "params": {
            "done": pace.done,
            "expected": pace.expected,
            "shortfall": pace.shortfall,
            "target": pace.target,
            "left": max(0, pace.target - pace.done),
            "days_left": days_left,
        },
    }


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
        shown, more = with_more(members)  # lines only for the cadres the message lists
        lines = [_township_line(s) for s in shown]
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


def _township_line(s: CadreStanding) -> dict[str, Any]:
    return {
        "name": s.posting.name,
        "village": s.posting.village,
        "diaries": s.diaries.done,
        "diaries_expected": s.diaries.expected,
        "onsite": s.onsite.done,
        "onsite_expected": s.onsite.expected,
        "absent": s.attendance.absent_workdays,
        "alert": s.behind or s.attendance.absent_workdays > 0,
    }


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
        drafts = _cadre_drafts(cadres, today, week, not_after)
        posted = [s.posting for s in cadres]
        drafts += _signer_drafts(uow, today, week, not_after, holders, posted, diaries)
        drafts += _township_drafts(uow, today, week, not_after, cadres, holders, diaries)
        return drafts

    return run_sweep(uow_factory, "weekly", plan, dry_run=dry_run)
