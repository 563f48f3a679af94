"""The evening nudge: on a working day, a cadre posted today who has not checked in on
site and is not on approved leave is reminded while the day can still count (Art. 11).

Where the township keeps attendance (``CADREBOT_ATTENDANCE_SOURCE=township``) nobody is
nudged: 国办函〔2026〕12号 forbids compulsory 打卡签到, and the township's weekly grid
stands in for it (check-ins sent anyway still count as evidence)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import date, datetime
from zoneinfo import ZoneInfo

from domain.township_attendance import AttendanceSource
from scheduler.common import DEFAULT_ZONE, UowFactory, day_of, end_of_day, run_sweep
from scheduler.payload import Payload
from services.calendar import load_calendar
from services.outbox import Draft
from storage.unit_of_work import UnitOfWork

KIND = "checkin_nudge"
log = logging.getLogger(__name__)


def sweep_daily_nudge(
    uow_factory: UowFactory,
    as_of: date | datetime,
    *,
    zone: ZoneInfo = DEFAULT_ZONE,
    dry_run: bool = False,
    keep: bool = True,
    source: AttendanceSource = AttendanceSource.CHECKIN,
) -> list[Draft]:
    """Period key: the day (``2026-11-30``); the nudge expires at the day's end, when it
    could no longer make the day count. With ``source`` township it plans nothing."""
    day = day_of(as_of, zone)

    def plan(uow: UnitOfWork) -> Iterator[Draft]:
        if source is AttendanceSource.TOWNSHIP:
            log.info("daily nudge %s: the township keeps attendance, nobody is nudged", day)
            return
        if not load_calendar(uow).is_workday(day):
            return
        on_site = uow.rollup.onsite_on(day)
        on_leave = set(uow.absences.approved_leaves(day, day))
        for posted in uow.roster.posting_batches(day, day):
            for p in posted:
                if p.person_id in on_site or p.person_id in on_leave:
                    continue
                yield Draft(
                    p.person_id,
                    KIND,
                    day.isoformat(),
                    Payload(
                        "reminder.checkin_nudge",
                        {"village": p.village, "day": day.isoformat()},
                    ).to_json(),
                    not_after=end_of_day(day, zone),
                )

    return run_sweep(uow_factory, "daily_nudge", plan, dry_run=dry_run, keep=keep)
