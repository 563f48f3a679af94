"""Removal triggers (Art. 29.1): 10 or more absent working days in a month, or 90 or more
absent days in a year, mean removal from post. The officials who must act (org_dept,
poverty_bureau and the cadre's township party secretary) are told once per trigger: the
period key is the month or the year plus the cadre.

Run daily; absences count up to yesterday (today is not over), so on the 1st the last
day of the previous month is still judged against that month.

In a year without an official calendar (its working days are the provisional Mon-Fri)
nobody is told anything: an alert that decides a cadre's post waits for the official
table. The sweep remembers the year it waited in (``WAITING``); on its first run after
the table is imported it judges every month of that year so far, once.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from domain.attendance import (
    MONTHLY_ABSENCE_LIMIT,
    YEARLY_ABSENCE_LIMIT,
    Period,
    monthly_removal_triggered,
    yearly_removal_triggered,
)
from domain.roles import DISTRICT_DEPARTMENTS, Role
from scheduler.common import (
    DEFAULT_ZONE,
    UowFactory,
    by_place,
    day_of,
    month_key,
    run_sweep,
)
from scheduler.payload import Payload
from services.calendar import load_calendar
from services.figures import attendance_figures
from services.outbox import Draft
from storage import sweeps as q
from storage.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)
MONTH_KIND = "removal_month"
YEAR_KIND = "removal_year"
#: ``SweepState`` name: the year whose alerts wait for its official calendar.
WAITING = "removal_waiting_year"


def sweep_removal_triggers(
    uow_factory: UowFactory,
    as_of: date | datetime,
    *,
    zone: ZoneInfo = DEFAULT_ZONE,
    dry_run: bool = False,
    keep: bool = True,
) -> list[Draft]:
    through = day_of(as_of, zone) - timedelta(days=1)
    year = Period.year(through.year)
    year_check = (YEAR_KIND, str(through.year), YEARLY_ABSENCE_LIMIT)

    def plan(uow: UnitOfWork) -> Iterator[Draft]:
        calendar = load_calendar(uow)
        if calendar.is_provisional(through):
            log.info("removal: %d has no official calendar yet; alerts wait", through.year)
            uow.sweep_lock.set_value(WAITING, through.year)
            return
        waited = uow.sweep_lock.value(WAITING)
        months = [Period.month(through.year, through.month)]
        if waited == through.year:  # the table has come: the months that waited too
            months = [Period.month(through.year, m) for m in range(1, through.month + 1)]
        if waited is not None:
            uow.sweep_lock.set_value(WAITING, None)
        holders = uow.roster.holders([Role.TOWNSHIP_SECRETARY, *DISTRICT_DEPARTMENTS])
        secretaries = by_place(holders, Role.TOWNSHIP_SECRETARY, "township_id")
        district = [h.person_id for h in holders if h.role in DISTRICT_DEPARTMENTS]

        def drafts(check: tuple[str, str, int], c: q.PostingRow, absent: int) -> Iterator[Draft]:
            kind, key, limit = check
            payload = Payload(
                f"reminder.{kind}",
                {
                    "name": c.name,
                    "village": c.village,
                    "township": c.township,
                    "unit": c.unit,
                    "absent": absent,
                    "limit": limit,
                    "period": key,
                    "through": through.isoformat(),
                },
            ).to_json()
            for recipient in [*district, *secretaries.get(c.township_id, [])]:
                yield Draft(recipient, kind, f"{key}:c{c.person_id}", payload)

        # The latest posting overlapping the year is, for anyone posted this month, the
        # latest overlapping the month too: one roster read serves both checks, a batch of
        # cadres at a time. Every month trigger goes out before every year trigger (the
        # order rows are sent in), so a batch's year triggers wait as (id, absent days),
        # and their postings are read again, for them alone, at the end.
        yearly: dict[int, int] = {}
        for in_year in uow.roster.posting_batches(year.first, through):
            for month in months:
                in_month = [c for c in in_year if c.end is None or c.end >= month.first]
                figures = attendance_figures(uow, in_month, month, as_of=through, calendar=calendar)
                check = (MONTH_KIND, month_key(month.first), MONTHLY_ABSENCE_LIMIT)
                for c in in_month:
                    absent = figures[c.person_id].absent_workdays
                    if monthly_removal_triggered(absent):
                        yield from drafts(check, c, absent)
            figures = attendance_figures(uow, in_year, year, as_of=through, calendar=calendar)
            for c in in_year:
                absent = figures[c.person_id].absent_workdays
                if yearly_removal_triggered(absent):
                    yearly[c.person_id] = absent
        ids = list(yearly)
        size = uow.roster.batch_size
        for i in range(0, len(ids), size):
            for c in uow.roster.postings(year.first, through, person_ids=ids[i : i + size]):
                yield from drafts(year_check, c, yearly[c.person_id])

    return run_sweep(uow_factory, "removal", plan, dry_run=dry_run, keep=keep)
