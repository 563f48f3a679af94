"""The weekly grid (Art. 11, where the township keeps attendance): each Monday every
township party secretary gets last week's grid (Monday to Sunday) of their cadres, one
row per cadre with seven day marks pre-filled from the evidence (the township's own
entries, check-ins on site, approved leave, duty records; a non-working day with none is
rest, any other day absent), a button to mark exceptions and one to confirm the week
(``services.township_attendance``).

Only with ``CADREBOT_ATTENDANCE_SOURCE=township``; with check-ins the sweep plans nothing.
A grid of up to ``GRID_PAGE`` cadres is one message (names and villages cut to
``NAME_CHARS``, so it stays under Telegram's 4096 characters); a larger township gets
further pages, period ``<week>:p2`` and on.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from domain.roles import Role
from domain.township_attendance import AttendanceSource, previous_week
from scheduler.common import DEFAULT_ZONE, UowFactory, by_place, day_of, end_of_day, run_sweep
from scheduler.common import week_key as _week_key
from scheduler.payload import ActionRef, Lines, Payload
from services.calendar import load_calendar
from services.outbox import Draft
from services.township_attendance import week_marks
from storage.unit_of_work import UnitOfWork

GRID_KIND = "weekly_grid"
#: Cadres per grid message: 60 rows of at most ~50 characters, plus the header and legend.
GRID_PAGE = 60
NAME_CHARS = 20
log = logging.getLogger(__name__)


def _short(text: str) -> str:
    return text if len(text) <= NAME_CHARS else text[: NAME_CHARS - 1] + "…"


def sweep_weekly_grid(
    uow_factory: UowFactory,
    as_of: date | datetime,
    *,
    zone: ZoneInfo = DEFAULT_ZONE,
    dry_run: bool = False,
    keep: bool = True,
    source: AttendanceSource = AttendanceSource.CHECKIN,
) -> list[Draft]:
    """Period key: the ISO week of the grid (``2026-W48`` on Monday 2026-11-30); it
    expires with the week it is sent in."""
    today = day_of(as_of, zone)
    week = previous_week(today)
    key = _week_key(week.first)
    not_after = end_of_day(today + timedelta(days=6 - today.weekday()), zone)

    def plan(uow: UnitOfWork) -> Iterator[Draft]:
        if source is not AttendanceSource.TOWNSHIP:
            log.info("weekly grid %s: attendance is kept by check-ins, no grid", key)
            return
        calendar = load_calendar(uow)
        secretaries = by_place(
            uow.roster.holders([Role.TOWNSHIP_SECRETARY]),
            Role.TOWNSHIP_SECRETARY,
            "township_id",
        )
        rows: dict[int, list[tuple[str, str, int, str]]] = defaultdict(list)
        names: dict[int, str] = {}
        for posted in uow.roster.posting_batches(week.first, week.last):
            posted = [p for p in posted if p.township_id in secretaries]
            marks = week_marks(uow, posted, week, calendar)
            for p in posted:
                names[p.township_id] = p.township
                rows[p.township_id].append((p.village, p.name, p.person_id, marks[p.person_id]))
        for township_id, lines in sorted(rows.items()):
            lines.sort()
            pages = [lines[i : i + GRID_PAGE] for i in range(0, len(lines), GRID_PAGE)]
            for number, page in enumerate(pages, 1):
                payload = Payload(
                    "reminder.weekly_grid",
                    {
                        "township": names[township_id],
                        "week": key,
                        "cadres": len(lines),
                        "page": number,
                        "pages": len(pages),
                    },
                    lines=[
                        Lines(
                            "lines",
                            "reminder.grid_line",
                            marks="marks",
                            items=[
                                {"name": _short(name), "village": _short(village), "marks": m}
                                for village, name, _pid, m in page
                            ],
                        )
                    ],
                    actions=[
                        ActionRef("attendance:grid_fix", key),
                        ActionRef("attendance:week_confirm", key),
                    ],
                ).to_json()
                period = key if number == 1 else f"{key}:p{number}"
                for secretary in secretaries[township_id]:
                    yield Draft(secretary, GRID_KIND, period, payload, not_after)

    return run_sweep(uow_factory, "weekly_grid", plan, dry_run=dry_run, keep=keep)
