"""Removal triggers (Art. 29.1): 10 or more absent working days in a month, or 90 or more
absent days in a year, mean removal from post. The officials who must act (org_dept,
poverty_bureau and the cadre's township party secretary) are told once per trigger: the
period key is the month or the year plus the cadre.

Run daily; absences count up to yesterday (today is not over), so on the 1st the last
day of the previous month is still judged against that month.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from domain.attendance import (
    MONTHLY_ABSENCE_LIMIT,
    YEARLY_ABSENCE_LIMIT,
    Period,
    monthly_removal_triggered,
    yearly_removal_triggered,
)
from domain.roles import Role
from scheduler.common import (
    DEFAULT_ZONE,
    DISTRICT_ROLES,
    UowFactory,
    by_place,
    day_of,
    month_key,
    run_sweep,
)
from services.calendar import load_calendar
from services.figures import attendance_figures
from services.outbox import Draft
from storage import sweeps as q
from storage.unit_of_work import UnitOfWork

MONTH_KIND = "removal_month"
YEAR_KIND = "removal_year"


def sweep_removal_triggers(
    uow_factory: UowFactory,
    as_of: date | datetime,
    *,
    zone: ZoneInfo = DEFAULT_ZONE,
    dry_run: bool = False,
) -> list[Draft]:
    through = day_of(as_of, zone) - timedelta(days=1)
    month = Period.month(through.year, through.month)
    year = Period.year(through.year)

    def plan(uow: UnitOfWork) -> list[Draft]:
        calendar = load_calendar(uow)
        holders = q.holders(uow.session, [Role.TOWNSHIP_SECRETARY, *DISTRICT_ROLES])
        secretaries = by_place(holders, Role.TOWNSHIP_SECRETARY, "township_id")
        district = [h.person_id for h in holders if h.role in DISTRICT_ROLES]
        checks = (
            (
                MONTH_KIND,
                month,
                month_key(through),
                monthly_removal_triggered,
                MONTHLY_ABSENCE_LIMIT,
            ),
            (YEAR_KIND, year, str(through.year), yearly_removal_triggered, YEARLY_ABSENCE_LIMIT),
        )
        # The latest posting overlapping the year is, for anyone posted this month, the
        # latest overlapping the month too: one roster query serves both checks.
        in_year = q.postings(uow.session, year.first, through)
        in_month = [c for c in in_year if c.end is None or c.end >= month.first]
        drafts = []
        for kind, period, key, triggered, limit in checks:
            cadres = in_month if kind == MONTH_KIND else in_year
            figures = attendance_figures(uow, cadres, period, as_of=through, calendar=calendar)
            for c in cadres:
                absent = figures[c.person_id].absent_workdays
                if not triggered(absent):
                    continue
                payload = {
                    "key": f"reminder.{kind}",
                    "params": {
                        "name": c.name,
                        "village": c.village,
                        "township": c.township,
                        "unit": c.unit,
                        "absent": absent,
                        "limit": limit,
                        "period": key,
                        "through": through.isoformat(),
                    },
                }
                for recipient in [*district, *secretaries.get(c.township_id, [])]:
                    drafts.append(Draft(recipient, kind, f"{key}:c{c.person_id}", payload))
        return drafts

    return run_sweep(uow_factory, "removal", plan, dry_run=dry_run)
