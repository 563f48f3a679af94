"""The monthly and quarterly attendance cycle (Art. 11).

On the 1st each township party secretary is asked to review last month's attendance of
their cadres, with a button; confirming (``bot.handlers.attendance_review``) sends the
sheet to org_dept and poverty_bureau. On the 1st of January, April, July and October
each dispatching unit's leaders get last quarter's sheet for the unit's cadres.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from zoneinfo import ZoneInfo

from domain.attendance import Period
from domain.roles import Role
from scheduler.common import (
    DEFAULT_ZONE,
    UowFactory,
    by_place,
    day_of,
    month_key,
    previous_month,
    run_sweep,
    with_more,
)
from services.calendar import load_calendar
from services.figures import attendance_figures
from services.outbox import Draft
from services.reports.attendance_sheet import document_spec
from storage import sweeps as q
from storage.unit_of_work import UnitOfWork

REVIEW_KIND = "attendance_review"
QUARTER_KIND = "attendance_quarter"


def sweep_monthly_review(
    uow_factory: UowFactory,
    as_of: date | datetime,
    *,
    zone: ZoneInfo = DEFAULT_ZONE,
    dry_run: bool = False,
) -> list[Draft]:
    """Period key: the reviewed month (``2026-11``), the month before ``as_of``'s."""
    first = previous_month(day_of(as_of, zone))
    period = Period.month(first.year, first.month)
    key = month_key(first)

    def plan(uow: UnitOfWork) -> list[Draft]:
        cadres = q.postings(uow.session, period.first, period.last)
        figures = attendance_figures(
            uow, cadres, period, as_of=period.last, calendar=load_calendar(uow)
        )
        diaries = q.diary_counts(uow.session, period.first, period.last)
        by_township = defaultdict(list)
        for c in cadres:
            by_township[c.township_id].append(c)
        secretaries = by_place(
            q.holders(uow.session, [Role.TOWNSHIP_SECRETARY]),
            Role.TOWNSHIP_SECRETARY,
            "township_id",
        )
        drafts = []
        for township_id, members in sorted(by_township.items()):
            members.sort(key=lambda c: (c.village, c.person_id))
            lines, more = with_more(
                [
                    {
                        "name": c.name,
                        "village": c.village,
                        "onsite": figures[c.person_id].onsite_days,
                        "leave": figures[c.person_id].leave_days,
                        "absent": figures[c.person_id].absent_workdays,
                        "diaries": diaries.get(c.person_id, q.DiaryCounts()).written,
                        "alert": figures[c.person_id].absent_workdays > 0,
                    }
                    for c in members
                ]
            )
            params = {
                "township": members[0].township,
                "month": key,
                "cadres": len(members),
                "onsite": sum(figures[c.person_id].onsite_days for c in members),
                "absent": sum(figures[c.person_id].absent_workdays for c in members),
            }
            payload = {
                "key": "reminder.attendance_review",
                "params": params,
                "lines": [
                    {
                        "param": "lines",
                        "key": "reminder.review_line",
                        "alert_key": "reminder.review_line_alert",
                        "items": lines,
                        "more": more,
                    }
                ],
                "actions": [{"verb": "attendance:review", "ref": key}],
            }
            for secretary in secretaries.get(township_id, []):
                drafts.append(Draft(secretary, REVIEW_KIND, key, payload))
        return drafts

    return run_sweep(uow_factory, "monthly_review", plan, dry_run=dry_run)


def previous_quarter(day: date) -> tuple[int, int]:
    quarter = (day.month - 1) // 3 + 1
    return (day.year, quarter - 1) if quarter > 1 else (day.year - 1, 4)


def sweep_quarterly_sheets(
    uow_factory: UowFactory,
    as_of: date | datetime,
    *,
    zone: ZoneInfo = DEFAULT_ZONE,
    dry_run: bool = False,
) -> list[Draft]:
    """Period key: the quarter before ``as_of``'s (``2026-Q3``). Each unit leader gets the
    sheet of the unit's cadres as a document."""
    year, quarter = previous_quarter(day_of(as_of, zone))
    period = Period.quarter(year, quarter)
    label = f"{year}-Q{quarter}"

    def plan(uow: UnitOfWork) -> list[Draft]:
        cadres = q.postings(uow.session, period.first, period.last)
        units: dict[int, tuple[str, int]] = {}
        for c in cadres:
            name, count = units.get(c.unit_id, (c.unit, 0))
            units[c.unit_id] = (name, count + 1)
        leaders = by_place(q.holders(uow.session, [Role.UNIT_LEADER]), Role.UNIT_LEADER, "unit_id")
        return [
            Draft(
                leader,
                QUARTER_KIND,
                label,
                {
                    "key": "reminder.quarter_sheet",
                    "params": {"unit": name, "quarter": label, "cadres": count},
                    "document": document_spec("unit", unit_id, name, period, label),
                },
            )
            for unit_id, (name, count) in sorted(units.items())
            for leader in leaders.get(unit_id, [])
        ]

    return run_sweep(uow_factory, "quarterly_sheets", plan, dry_run=dry_run)
