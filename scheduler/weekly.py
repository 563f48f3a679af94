"""The Monday pushes (design card): each cadre's standing, with how far behind the diary
and on-site paces they are and what would catch up; each village secretary's diaries
awaiting the weekly signature; each township secretary's summary of their cadres.

The figures are those of ``services.standing`` (what /status shows), computed for the
whole roster from a handful of grouped queries, a batch of cadres at a time
(``storage.sweeps.posting_batches``): each batch's standings become its cadres' drafts and
are then dropped, and the villages' and townships' messages are built from what the
batches left behind (counts, and the few lines a township message shows), so a Monday at
100,000 cadres never holds every cadre's standing at once.
"""

from __future__ import annotations

import calendar as _cal
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, NamedTuple, TypeVar
from zoneinfo import ZoneInfo

from domain.attendance import AttendanceFigures, Period
from domain.calendar import WorkdayCalendar
from domain.diary import weekly_signer_role
from domain.pace import Pace, YearOutlook, days_left_in_year, diary_pace, onsite_pace
from domain.roles import Role
from scheduler.common import (
    DEFAULT_ZONE,
    MAX_LINES,
    FirstLines,
    UowFactory,
    by_place,
    day_of,
    end_of_day,
    run_sweep,
    week_key,
)
from scheduler.payload import Lines, Part, Payload
from services.calendar import load_calendar
from services.diary import SIGNOFF_LOOKBACK
from services.figures import attendance_figures, leave_days_by_person
from services.outbox import Draft
from storage import sweeps as q
from storage.sweeps import PostingRow
from storage.unit_of_work import UnitOfWork

CADRE_KIND = "weekly_standing"
SIGNER_KIND = "weekly_signoff"
TOWNSHIP_KIND = "weekly_township"
T = TypeVar("T")


class CadreStanding(NamedTuple):
    """One cadre's Monday figures (a named tuple: the sweep builds one per cadre)."""

    posting: PostingRow
    onsite: Pace
    diaries: Pace
    attendance: AttendanceFigures
    leave_days_year: int
    pending_requests: int
    year: YearOutlook

    @property
    def behind(self) -> bool:
        return self.onsite.behind or self.diaries.behind


@dataclass(frozen=True)
class _Shared:
    """What every batch's standings read: roster-wide figures kept small (a few ints per
    cadre), the pace memos, and the day's constants."""

    today: date
    month: Period
    calendar: WorkdayCalendar
    diaries: dict[int, q.DiaryWindow]
    leave_year: dict[int, int]
    pending: dict[int, int]
    onsite: Callable[[int, tuple[tuple[date, date | None], ...]], Pace]
    written: Callable[[int], Pace]
    #: (posting spans, on site today) → the year's days still to come for those spans.
    days_left: Callable[[tuple[tuple[date, date | None], ...], bool], int]


def _shared(uow: UnitOfWork, today: date, diaries: dict[int, q.DiaryWindow] | None) -> _Shared:
    month = Period.month(today.year, today.month)
    if diaries is None:
        diaries = q.diary_window(uow.session, today - SIGNOFF_LOOKBACK, month.first, today)
    return _Shared(
        today,
        month,
        load_calendar(uow),
        diaries,
        leave_days_by_person(uow, Period.year(today.year)),
        q.pending_requests_by_applicant(uow.session),
        _memo(lambda done, spans: onsite_pace(done, today, spans)),
        _memo(lambda done: diary_pace(done, today)),
        _memo(lambda spans, on_site: days_left_in_year(today, spans, on_site)),
    )


def _batch_standings(
    uow: UnitOfWork, posted: list[PostingRow], shared: _Shared
) -> list[CadreStanding]:
    """The standings of one batch of cadres (their figures read for them alone)."""
    today = shared.today
    # today as the ledger has it so far (a check-in, or the township's entry for today),
    # as /status counts it
    on_site_today = {
        pid: f.onsite_days
        for pid, f in attendance_figures(
            uow, posted, Period(today, today), as_of=today, calendar=shared.calendar
        ).items()
    }
    yesterday = today - timedelta(days=1)
    absences = attendance_figures(
        uow, posted, shared.month, as_of=yesterday, calendar=shared.calendar
    )
    # the ledger's year to yesterday (on-site days and absences, as the sheets count
    # them: the township's entries too), and today on top
    absent_year = attendance_figures(
        uow, posted, Period.year(today.year), as_of=yesterday, calendar=shared.calendar
    )
    onsite_year = {
        pid: f.onsite_days + bool(on_site_today.get(pid)) for pid, f in absent_year.items()
    }
    no_diaries = q.DiaryWindow()
    standings = []
    for p in posted:
        # pro-rated to every posting of the year (a transfer in July resets nothing)
        onsite = shared.onsite(onsite_year.get(p.person_id, 0), p.spans)
        standings.append(
            CadreStanding(
                p,
                onsite,
                shared.written(shared.diaries.get(p.person_id, no_diaries).written_this_month),
                absences[p.person_id],
                shared.leave_year.get(p.person_id, 0),
                shared.pending.get(p.person_id, 0),
                YearOutlook(
                    onsite,
                    absent_year[p.person_id].absent_workdays,
                    shared.days_left(p.spans, bool(on_site_today.get(p.person_id))),
                ),
            )
        )
    return standings


def _standing_batches(
    uow: UnitOfWork, today: date, shared: _Shared
) -> Iterator[list[CadreStanding]]:
    # Postings since January 1 (all of them: the pace adds up the year's postings), of the
    # cadres still posted today.
    for batch in q.posting_batches(uow.session, date(today.year, 1, 1), today):
        posted = [p for p in batch if p.end is None or p.end >= today]
        if posted:
            yield _batch_standings(uow, posted, shared)


def standings(
    uow: UnitOfWork, today: date, diaries: dict[int, q.DiaryWindow] | None = None
) -> list[CadreStanding]:
    """``services.standing.standing`` for every cadre posted today (``diaries``: the
    ``storage.sweeps.diary_window`` of the last ``SIGNOFF_LOOKBACK`` days, if read already).
    The whole roster at once: the sweep itself goes batch by batch."""
    shared = _shared(uow, today, diaries)
    return [s for batch in _standing_batches(uow, today, shared) for s in batch]


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
    cadres: Iterable[CadreStanding], today: date, week: str, not_after: datetime
) -> Iterator[Draft]:
    """Each cadre's standing, with a part per pace they are behind on. A part depends on the
    pace alone, so each distinct one is built once and shared between payloads (as the
    township lines are: payloads are never changed once built)."""
    month_left = _cal.monthrange(today.year, today.month)[1] - today.day + 1
    year_left = (date(today.year, 12, 31) - today).days + 1
    diary_part = _memo(lambda pace: _behind_part("reminder.behind_diary", pace, month_left))
    onsite_part = _memo(lambda pace: _behind_part("reminder.behind_onsite", pace, year_left))
    for s in cadres:
        diaries, onsite = s.diaries, s.onsite
        parts: list[Part] = []
        if diaries.behind:
            parts.append(diary_part(diaries))
        if not s.year.reachable:
            parts.append(_out_of_reach_part(s.year))
        elif onsite.behind:
            parts.append(onsite_part(onsite))
        params = {
            "as_of": today.isoformat(),
            "onsite": onsite.done,
            "onsite_expected": onsite.expected,
            "onsite_target": onsite.target,
            "diaries": diaries.done,
            "diaries_expected": diaries.expected,
            "diaries_target": diaries.target,
            "absent": s.attendance.absent_workdays,
            "absent_year": s.year.absent,
            "leave": s.leave_days_year,
            "pending": s.pending_requests,
        }
        payload = Payload("reminder.weekly_standing", params, parts=parts).to_json()
        yield Draft(s.posting.person_id, CADRE_KIND, week, payload, not_after)


def _out_of_reach_part(year: YearOutlook) -> Part:
    """Instead of how to catch up: that the year's requirement can no longer be met."""
    return Part(
        "reminder.onsite_out_of_reach",
        {
            "done": year.onsite.done,
            "best": year.best,
            "target": year.onsite.target,
            "days_left": year.days_left,
        },
    )


def _behind_part(key: str, pace: Pace, days_left: int) -> Part:
    """What would bring a pace back on course in the ``days_left`` days left."""
    return Part(
        key,
        {
            "done": pace.done,
            "expected": pace.expected,
            "shortfall": pace.shortfall,
            "target": pace.target,
            "left": max(0, pace.target - pace.done),
            "days_left": days_left,
        },
    )


class _Villages:
    """Per village, what the village secretary's message needs, summed batch by batch:
    entries awaiting the weekly signature and the cadres they belong to."""

    def __init__(self, diaries: dict[int, q.DiaryWindow]) -> None:
        self.diaries = diaries
        self.entries: dict[int, int] = defaultdict(int)
        self.cadres: dict[int, int] = defaultdict(int)
        self.names: dict[int, str] = {}
        self.townships: dict[int, int] = {}

    def add(self, posted: Iterable[PostingRow]) -> None:
        no_diaries = q.DiaryWindow()
        for p in posted:
            count = self.diaries.get(p.person_id, no_diaries).awaiting_week
            if count:
                self.names[p.village_id] = p.village
                self.townships[p.village_id] = p.township_id
                self.entries[p.village_id] += count
                self.cadres[p.village_id] += 1

    def drafts(self, week: str, not_after: datetime, holders: list[q.HolderRow]) -> Iterator[Draft]:
        """Each village's weekly signers (``domain.diary.WEEKLY_SIGNERS``: its secretary,
        else the township leader, else the township secretary) with entries of the
        village's cadres awaiting the weekly signature (the batches /signoff lists). A
        stand-in is told why it is theirs, once per village it stands in for (the period
        names the village: one signer may stand in for several)."""
        villages = by_place(holders, Role.VILLAGE_SECRETARY, "village_id")
        leaders = by_place(holders, Role.TOWNSHIP_LEADER, "township_id")
        secretaries = by_place(holders, Role.TOWNSHIP_SECRETARY, "township_id")
        for village_id in sorted(self.entries):
            township_id = self.townships[village_id]
            held = {
                Role.VILLAGE_SECRETARY: villages.get(village_id, []),
                Role.TOWNSHIP_LEADER: leaders.get(township_id, []),
                Role.TOWNSHIP_SECRETARY: secretaries.get(township_id, []),
            }
            role = weekly_signer_role(held)
            if role is None:
                continue
            own = role is Role.VILLAGE_SECRETARY
            payload = Payload(
                "reminder.weekly_signoff" if own else "reminder.weekly_signoff_standin",
                {
                    "village": self.names[village_id],
                    "entries": self.entries[village_id],
                    "cadres": self.cadres[village_id],
                },
            ).to_json()
            period = week if own else f"{week}:v{village_id}"
            for signer in held[role]:
                yield Draft(signer, SIGNER_KIND, period, payload, not_after)


class _Line(NamedTuple):
    """A cadre as a township summary lists them: the sort key (behind first, then most
    absent, then by name; ties in roster order) and the line's values (a tuple, made a
    dict only for the lines a message shows)."""

    on_pace: bool
    minus_absent: int
    name: str
    person_id: int
    village: str
    diaries: int
    diaries_expected: int
    onsite: int
    onsite_expected: int
    absent: int
    alert: bool

    def as_item(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "village": self.village,
            "diaries": self.diaries,
            "diaries_expected": self.diaries_expected,
            "onsite": self.onsite,
            "onsite_expected": self.onsite_expected,
            "absent": self.absent,
            "alert": self.alert,
        }


class _Township:
    """One township's summary, summed batch by batch; of its lines only the first
    ``MAX_LINES`` are kept (the message lists no more)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.behind_diary = self.behind_onsite = self.absent = 0
        self.requests = self.to_confirm = 0
        self.lines: FirstLines[_Line] = FirstLines(MAX_LINES)

    def add(self, s: CadreStanding, awaiting_month: int) -> None:
        absent = s.attendance.absent_workdays
        self.behind_diary += s.diaries.behind
        self.behind_onsite += s.onsite.behind
        self.absent += absent
        self.requests += s.pending_requests
        self.to_confirm += bool(awaiting_month)
        behind = s.behind
        self.lines.add(
            _Line(
                not behind,
                -absent,
                s.posting.name,
                s.posting.person_id,
                s.posting.village,
                s.diaries.done,
                s.diaries.expected,
                s.onsite.done,
                s.onsite.expected,
                absent,
                behind or absent > 0,
            )
        )


def _township_drafts(
    uow: UnitOfWork,
    today: date,
    week: str,
    not_after: datetime,
    townships: dict[int, _Township],
    holders: list[q.HolderRow],
) -> Iterator[Draft]:
    session = uow.session
    steps = q.open_steps_by_assignee(session)
    claims = q.pending_claims_by_assignee(session)
    secretaries = by_place(holders, Role.TOWNSHIP_SECRETARY, "township_id")
    for township_id, t in sorted(townships.items()):
        shown, more = t.lines.first()
        lines = [line.as_item() for line in shown]  # shared by its secretaries' payloads
        common = {
            "as_of": today.isoformat(),
            "township": t.name,
            "cadres": t.lines.count,
            "behind_diary": t.behind_diary,
            "behind_onsite": t.behind_onsite,
            "absent": t.absent,
            "requests": t.requests,
            "to_confirm": t.to_confirm,
        }
        for secretary in secretaries.get(township_id, []):
            params = {
                **common,
                "steps": steps.get(secretary, 0),
                "claims": claims.get(secretary, 0),
            }
            payload = Payload(
                "reminder.weekly_township",
                params,
                lines=[
                    Lines(
                        "lines",
                        "reminder.township_line",
                        alert_key="reminder.township_line_alert",
                        items=lines,
                        more=more,
                    )
                ],
            ).to_json()
            yield Draft(secretary, TOWNSHIP_KIND, week, payload, not_after)


def sweep_weekly(
    uow_factory: UowFactory,
    as_of: date | datetime,
    *,
    zone: ZoneInfo = DEFAULT_ZONE,
    dry_run: bool = False,
    keep: bool = True,
) -> list[Draft]:
    """Period key: the ISO week (``2026-W49``); the pushes expire with the week."""
    today = day_of(as_of, zone)
    week = week_key(today)
    not_after = end_of_day(today + timedelta(days=6 - today.weekday()), zone)

    def plan(uow: UnitOfWork) -> Iterator[Draft]:
        holders = q.holders(
            uow.session, [Role.VILLAGE_SECRETARY, Role.TOWNSHIP_LEADER, Role.TOWNSHIP_SECRETARY]
        )
        shared = _shared(uow, today, None)
        villages = _Villages(shared.diaries)
        townships: dict[int, _Township] = {}
        no_diaries = q.DiaryWindow()
        for batch in _standing_batches(uow, today, shared):
            yield from _cadre_drafts(batch, today, week, not_after)
            villages.add(s.posting for s in batch)
            for s in batch:
                t = townships.get(s.posting.township_id)
                if t is None:
                    t = townships[s.posting.township_id] = _Township(s.posting.township)
                t.add(s, shared.diaries.get(s.posting.person_id, no_diaries).awaiting_month)
        yield from villages.drafts(week, not_after, holders)
        yield from _township_drafts(uow, today, week, not_after, townships, holders)

    return run_sweep(uow_factory, "weekly", plan, dry_run=dry_run, keep=keep)
