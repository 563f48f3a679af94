"""The official calendar's import is due: from 1 November, weekly, every admin is asked to
import next year's working-day table (the State Council publishes it around then); and
weekly again while the current year still has none, since until then its figures are
provisional and removal alerts wait (``domain.calendar``).
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from domain.roles import Role
from scheduler.common import DEFAULT_ZONE, UowFactory, day_of, run_sweep, week_key
from scheduler.payload import Payload
from services.calendar import load_calendar
from services.outbox import Draft
from storage.unit_of_work import UnitOfWork

KIND = "calendar_due"
#: The month from which next year's table is asked for.
ASK_FROM_MONTH = 11


def year_due(today: date, official: set[int]) -> int | None:
    """The year whose table should be imported now: this year while it has none, else
    next year from November on; None when nothing is due."""
    if today.year not in official:
        return today.year
    if today.month >= ASK_FROM_MONTH and today.year + 1 not in official:
        return today.year + 1
    return None


def sweep_calendar_due(
    uow_factory: UowFactory,
    as_of: date | datetime,
    *,
    zone: ZoneInfo = DEFAULT_ZONE,
    dry_run: bool = False,
    keep: bool = True,
) -> list[Draft]:
    today = day_of(as_of, zone)

    def plan(uow: UnitOfWork) -> list[Draft]:
        calendar = load_calendar(uow)
        official = {y for y in (today.year, today.year + 1) if calendar.is_official(y)}
        year = year_due(today, official)
        if year is None:
            return []
        key = "reminder.calendar_due_now" if year == today.year else "reminder.calendar_due"
        payload = Payload(key, {"year": year}).to_json()
        return [
            Draft(h.person_id, KIND, f"{year}:{week_key(today)}", payload)
            for h in uow.roster.holders([Role.ADMIN])
        ]

    return run_sweep(uow_factory, "calendar_due", plan, dry_run=dry_run, keep=keep)
