"""When each sweep runs, from the settings (``CADREBOT_SCHEDULE_*``, in the district's
time zone), and how late a run may still happen.

Each timed entry has a window: APScheduler's ``misfire_grace_time`` for a run delayed in a
live process, and the catch-up window at start-up for a run missed while the process was
down. An evening nudge is worth sending until 23:00, a weekly push for three days, the
monthly review for ten; after that the moment has passed and the run is skipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.settings import Settings, SettingsError

_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class Entry:
    """One job: the sweep it runs (None: the outbox dispatcher), when, and how late."""

    name: str
    sweep: str | None
    trigger: BaseTrigger
    window: timedelta
    timed: bool = True  # a calendar time (catch up the last one) or a plain interval
    #: Sweep the attendance app's records first (``scheduler.attendance_records``): the
    #: entry of that sweep itself, and the nudge, which must know the day's checks.
    records: bool = False


def _time(setting: str, value: str) -> tuple[int, int]:
    match = _TIME.match(value.strip())
    if match is None:
        raise SettingsError(f"CADREBOT_{setting.upper()}: expected HH:MM, got {value!r}")
    return int(match[1]), int(match[2])


def _weekday_time(setting: str, value: str) -> tuple[str, int, int]:
    day, _, clock = value.strip().lower().partition(" ")
    if day[:3] not in _WEEKDAYS:
        raise SettingsError(f"CADREBOT_{setting.upper()}: expected e.g. 'mon 09:00'")
    return (day[:3], *_time(setting, clock))


def _date_time(setting: str, value: str) -> tuple[int, int, int, int]:
    day, _, clock = value.strip().partition(" ")
    match = re.match(r"^(\d{1,2})-(\d{1,2})$", day)
    if match is None or not (1 <= int(match[1]) <= 12 and 1 <= int(match[2]) <= 31):
        raise SettingsError(f"CADREBOT_{setting.upper()}: expected MM-DD HH:MM, got {value!r}")
    return (int(match[1]), int(match[2]), *_time(setting, clock))


def build_timetable(settings: Settings, *, attendance_records: bool = False) -> list[Entry]:
    """Every job; with ``attendance_records`` (the runtime reads a messenger's attendance
    app) also the daily sweep of its records, which the evening nudge runs first too."""
    zone = settings.zone
    nudge_h, nudge_m = _time("schedule_daily_nudge", settings.schedule_daily_nudge)
    records_h, records_m = _time(
        "schedule_attendance_records", settings.schedule_attendance_records
    )
    removal_h, removal_m = _time("schedule_removal_check", settings.schedule_removal_check)
    week_d, week_h, week_m = _weekday_time("schedule_weekly", settings.schedule_weekly)
    month_h, month_m = _time("schedule_monthly", settings.schedule_monthly)
    half = _date_time("schedule_half_year", settings.schedule_half_year)
    year_end = _date_time("schedule_year_end", settings.schedule_year_end)
    for setting in ("schedule_leave_check_minutes", "schedule_dispatch_seconds"):
        if getattr(settings, setting) < 1:
            raise SettingsError(f"CADREBOT_{setting.upper()}: must be at least 1")

    def cron(**fields: object) -> CronTrigger:
        return CronTrigger(timezone=zone, **fields)

    until_late = timedelta(hours=max(1, 23 - nudge_h))
    records: list[Entry] = []
    if attendance_records:
        records.append(  # a run missed is caught up, and the next day's reads yesterday too
            Entry(
                "attendance_records",
                None,
                cron(hour=records_h, minute=records_m),
                timedelta(hours=20),
                records=True,
            )
        )
    return [
        Entry(
            "daily_nudge",
            "daily_nudge",
            cron(hour=nudge_h, minute=nudge_m),
            until_late,
            records=attendance_records,
        ),
        *records,
        Entry("removal", "removal", cron(hour=removal_h, minute=removal_m), timedelta(hours=20)),
        Entry(
            "weekly",
            "weekly",
            cron(day_of_week=week_d, hour=week_h, minute=week_m),
            timedelta(days=3),
        ),
        Entry(  # the township's grid of last week: same time as the Monday pushes
            "weekly_grid",
            "weekly_grid",
            cron(day_of_week=week_d, hour=week_h, minute=week_m),
            timedelta(days=3),
        ),
        Entry(
            "calendar_due",
            "calendar_due",
            cron(day_of_week=week_d, hour=week_h, minute=week_m),
            timedelta(days=3),
        ),
        Entry(
            "monthly_review",
            "monthly_review",
            cron(day=1, hour=month_h, minute=month_m),
            timedelta(days=10),
        ),
        Entry(
            "quarterly_sheets",
            "quarterly_sheets",
            cron(month="1,4,7,10", day=1, hour=month_h, minute=month_m),
            timedelta(days=10),
        ),
        Entry(
            "half_year",
            "assessment",
            cron(month=half[0], day=half[1], hour=half[2], minute=half[3]),
            timedelta(days=10),
        ),
        Entry(
            "year_end",
            "assessment",
            cron(month=year_end[0], day=year_end[1], hour=year_end[2], minute=year_end[3]),
            timedelta(days=10),
        ),
        Entry(  # Art. 6 term notices: daily with the removal check; the sweep catches up
            "posting_term",
            "posting_term",
            cron(hour=removal_h, minute=removal_m),
            timedelta(hours=20),
        ),
        Entry(  # the half-year written report: daily, so a missed day is caught up
            "written_reports",
            "written_reports",
            cron(hour=removal_h, minute=removal_m),
            timedelta(hours=20),
        ),
        Entry(  # the unit's duties (Art. 15, 19): daily, at the monthly review's time
            "unit_duties",
            "unit_duties",
            cron(hour=month_h, minute=month_m),
            timedelta(hours=20),
        ),
        Entry(
            "leave_overdue",
            "leave_overdue",
            IntervalTrigger(minutes=settings.schedule_leave_check_minutes, timezone=zone),
            timedelta(minutes=settings.schedule_leave_check_minutes),
            timed=False,
        ),
        Entry(
            "spot_check_expiry",
            "spot_check_expiry",
            IntervalTrigger(minutes=1, timezone=zone),
            timedelta(minutes=1),
            timed=False,
        ),
        Entry(
            "dispatch",
            None,
            IntervalTrigger(seconds=settings.schedule_dispatch_seconds, timezone=zone),
            timedelta(seconds=settings.schedule_dispatch_seconds),
            timed=False,
        ),
    ]


def last_due(trigger: BaseTrigger, now: datetime, window: timedelta) -> datetime | None:
    """The latest time ``trigger`` fired (or should have) in the ``window`` before ``now``."""
    found = None
    moment = trigger.get_next_fire_time(None, now - window)
    while moment is not None and moment <= now:
        found = moment
        moment = trigger.get_next_fire_time(moment, moment + timedelta(seconds=1))
    return found
