"""The monthly and quarterly attendance cycle (Art. 11).

On the 1st each township party secretary is asked to review last month's attendance of
their cadres, with a button; confirming (``bot.handlers.attendance_review``) sends the
sheet to org_dept and poverty_bureau. On the 1st of January, April, July and October
each dispatching unit's leaders get last quarter's sheet for the unit's cadres.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from domain.attendance import AttendanceFigures, Period
from domain.roles import Role
from scheduler.common import (
    DEFAULT_ZONE,
    MAX_LINES,
    FirstLines,
    UowFactory,
    by_place,
    day_of,
    month_key,
    previous_month,
    run_sweep,
)
from scheduler.payload import ActionRef, Lines, Payload
from services.calendar import load_calendar
from services.figures import attendance_figures
from services.outbox import Draft
from services.reports.attendance_sheet import document_spec
from storage.sweeps import PostingRow
from storage.unit_of_work import UnitOfWork

REVIEW_KIND = "attendance_review"
QUARTER_KIND = "attendance_quarter"


class _Line(NamedTuple):
    """A cadre as the review prompt lists them, in village then roster order (the sort
    key first; a tuple, made a dict only for the lines a message shows)."""

    village: str
    person_id: int
    name: str
    onsite: int
    leave: int
    absent: int
    diaries: int

    def as_item(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "village": self.village,
            "onsite": self.onsite,
            "leave": self.leave,
            "absent": self.absent,
            "diaries": self.diaries,
            "alert": self.absent > 0,
        }


class _Township:
    """One township's review prompt, summed batch by batch of cadres; of its lines only
    the first ``MAX_LINES`` are kept (the message lists no more)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.onsite = self.absent = 0
        self.lines: FirstLines[_Line] = FirstLines(MAX_LINES)

    def add(self, c: PostingRow, figures: AttendanceFigures, diaries: int) -> None:
        self.onsite += figures.onsite_days
        self.absent += figures.absent_workdays
        self.lines.add(
            _Line(
                c.village,
                c.person_id,
                c.name,
                figures.onsite_days,
                figures.leave_days,
                figures.absent_workdays,
                diaries,
            )
        )


def sweep_monthly_review(
    uow_factory: UowFactory,
    as_of: date | datetime,
    *,
    zone: ZoneInfo = DEFAULT_ZONE,
    dry_run: bool = False,
    keep: bool = True,
) -> list[Draft]:
    """Period key: the reviewed month (``2026-11``), the month before ``as_of``'s."""
    first = previous_month(day_of(as_of, zone))
    period = Period.month(first.year, first.month)
    key = month_key(first)

    def plan(uow: UnitOfWork) -> Iterator[Draft]:
        calendar = load_calendar(uow)
        written = uow.diary_figures.written(period.first, period.last)
        townships: dict[int, _Township] = {}
        for cadres in uow.roster.posting_batches(period.first, period.last):
            figures = attendance_figures(uow, cadres, period, as_of=period.last, calendar=calendar)
            for c in cadres:
                t = townships.get(c.township_id)
                if t is None:
                    t = townships[c.township_id] = _Township(c.township)
                t.add(c, figures[c.person_id], written.get(c.person_id, 0))
        secretaries = by_place(
            uow.roster.holders([Role.TOWNSHIP_SECRETARY]),
            Role.TOWNSHIP_SECRETARY,
            "township_id",
        )
        for township_id, t in sorted(townships.items()):
            shown, more = t.lines.first()
            params = {
                "township": t.name,
                "month": key,
                "cadres": t.lines.count,
                "onsite": t.onsite,
                "absent": t.absent,
            }
            payload = Payload(
                "reminder.attendance_review",
                params,
                lines=[
                    Lines(
                        "lines",
                        "reminder.review_line",
                        alert_key="reminder.review_line_alert",
                        items=[line.as_item() for line in shown],
                        more=more,
                    )
                ],
                actions=[
                    ActionRef("attendance:review", key),
                    ActionRef("attendance:correct", key),
                ],
            ).to_json()
            for secretary in secretaries.get(township_id, []):
                yield Draft(secretary, REVIEW_KIND, key, payload)

    return run_sweep(uow_factory, "monthly_review", plan, dry_run=dry_run, keep=keep)


def previous_quarter(day: date) -> tuple[int, int]:
    quarter = (day.month - 1) // 3 + 1
    return (day.year, quarter - 1) if quarter > 1 else (day.year - 1, 4)


def sweep_quarterly_sheets(
    uow_factory: UowFactory,
    as_of: date | datetime,
    *,
    zone: ZoneInfo = DEFAULT_ZONE,
    dry_run: bool = False,
    keep: bool = True,
) -> list[Draft]:
    """Period key: the quarter before ``as_of``'s (``2026-Q3``). Each unit leader gets the
    sheet of the unit's cadres as a document."""
    year, quarter = previous_quarter(day_of(as_of, zone))
    period = Period.quarter(year, quarter)
    label = f"{year}-Q{quarter}"

    def plan(uow: UnitOfWork) -> list[Draft]:
        units: dict[int, tuple[str, int]] = {}
        for posted in uow.roster.posting_batches(period.first, period.last):
            for c in posted:
                name, count = units.get(c.unit_id, (c.unit, 0))
                units[c.unit_id] = (name, count + 1)
        leaders = by_place(uow.roster.holders([Role.UNIT_LEADER]), Role.UNIT_LEADER, "unit_id")
        return [
            Draft(
                leader,
                QUARTER_KIND,
                label,
                Payload(
                    "reminder.quarter_sheet",
                    {"unit": name, "quarter": label, "cadres": count},
                    document=document_spec("unit", unit_id, name, period, label),
                ).to_json(),
            )
            for unit_id, (name, count) in sorted(units.items())
            for leader in leaders.get(unit_id, [])
        ]

    return run_sweep(uow_factory, "quarterly_sheets", plan, dry_run=dry_run, keep=keep)
