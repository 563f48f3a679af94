"""The timetable, catching up after downtime, and the APScheduler wiring."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

import pytest

from bot.i18n import Catalog
from bot.runtime.delivery import Delivery, DeliveryLimits
from bot.settings import Settings, SettingsError
from scheduler.dispatch import Dispatcher
from scheduler.service import SchedulerService, build_scheduler
from scheduler.timetable import build_timetable, last_due
from services.clock import FixedClock
from tests.scheduler.conftest import ZONE, FakeTransport, bind, outbox

FAST = DeliveryLimits(overall_per_second=10_000, per_chat_burst=1_000, per_chat_period=1)


def settings(**changes: object) -> Settings:
    return Settings(database_url="sqlite:///:memory:", **changes)


def test_the_default_timetable() -> None:
    entries = {e.name: e for e in build_timetable(settings())}
    assert set(entries) == {
        "daily_nudge",
        "removal",
        "weekly",
        "calendar_due",
        "posting_term",
        "weekly_grid",
        "monthly_review",
        "quarterly_sheets",
        "half_year",
        "year_end",
        "leave_overdue",
        "spot_check_expiry",
        "dispatch",
        "written_reports",
        "unit_duties",
    }
    weekly = entries["weekly"]
    sunday = datetime(2026, 11, 29, 12, 0, tzinfo=ZONE)
    assert weekly.trigger.get_next_fire_time(None, sunday) == datetime(
        2026, 11, 30, 9, 0, tzinfo=ZONE
    )
    assert entries["calendar_due"].trigger.get_next_fire_time(None, sunday) == datetime(
        2026, 11, 30, 9, 0, tzinfo=ZONE
    )
    assert entries["daily_nudge"].window == timedelta(hours=3)
    quarterly = entries["quarterly_sheets"].trigger.get_next_fire_time(None, sunday)
    assert quarterly == datetime(2027, 1, 1, 9, 0, tzinfo=ZONE)
    year_end = entries["year_end"].trigger.get_next_fire_time(None, sunday)
    assert year_end == datetime(2026, 12, 5, 9, 0, tzinfo=ZONE)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("schedule_daily_nudge", "8pm"),
        ("schedule_weekly", "monday"),
        ("schedule_half_year", "15-06 09:00"),
        ("schedule_dispatch_seconds", 0),
    ],
)
def test_a_malformed_timetable_setting_names_itself(field: str, value: object) -> None:
    with pytest.raises(SettingsError, match=f"CADREBOT_{field.upper()}"):
        build_timetable(settings(**{field: value}))


def test_last_due_within_the_window() -> None:
    weekly = {e.name: e for e in build_timetable(settings())}["weekly"]
    monday_9 = datetime(2026, 11, 30, 9, 0, tzinfo=ZONE)
    wednesday = datetime(2026, 12, 2, 10, 0, tzinfo=ZONE)
    assert last_due(weekly.trigger, wednesday, weekly.window) == monday_9
    assert last_due(weekly.trigger, monday_9, weekly.window) == monday_9
    assert last_due(weekly.trigger, monday_9 - timedelta(minutes=1), weekly.window) is None
    thursday = datetime(2026, 12, 3, 10, 0, tzinfo=ZONE)
    assert last_due(weekly.trigger, thursday, weekly.window) is None  # three days have passed


def _service(uow_factory, clock: FixedClock, transport: FakeTransport) -> SchedulerService:
    delivery = Delivery(transport, limits=FAST)
    dispatcher = Dispatcher(uow_factory, delivery, Catalog(), clock=clock)
    return SchedulerService(uow_factory, dispatcher, build_timetable(settings()), clock)


async def test_catch_up_runs_what_fell_due_while_down_once(uow_factory, ids) -> None:
    """Down from Sunday night to Tuesday Dec 1, 10:00: Monday's weekly push (within three
    days), today's removal check and the 1st's monthly review are run; Monday evening's
    nudge (its window closed at 23:00) is not."""
    bind(uow_factory, ids)
    clock = FixedClock(datetime(2026, 12, 1, 10, 0, tzinfo=ZONE))
    transport = FakeTransport()
    await _service(uow_factory, clock, transport).catch_up()
    rows = outbox(uow_factory)
    kinds = {(r.kind, r.period) for r in rows}
    assert ("weekly_standing", "2026-W49") in kinds
    assert ("attendance_review", "2026-11") in kinds
    assert ("removal_month", f"2026-11:c{ids['cadre']}") in kinds
    assert not any(r.kind == "checkin_nudge" for r in rows)
    assert not any(r.kind.startswith("assessment") for r in rows)  # Dec 5 is not due yet
    assert all(r.sent_at is not None for r in rows)
    assert len(transport.sent) == len(rows)
    # A second start-up (say, a crash right after) adds and sends nothing.
    again = FakeTransport()
    await _service(uow_factory, clock, again).catch_up()
    assert len(outbox(uow_factory)) == len(rows) and again.sent == []


async def test_jobs_are_scheduled_with_grace_and_coalescing(uow_factory, ids) -> None:
    clock = FixedClock(datetime(2026, 12, 1, 10, 0, tzinfo=ZONE))
    service = _service(uow_factory, clock, FakeTransport())
    await service.start(catch_up=False)
    try:
        jobs = {job.id: job for job in service.scheduler.get_jobs()}
        assert jobs["weekly"].misfire_grace_time == 3 * 24 * 3600
        assert jobs["daily_nudge"].misfire_grace_time == 3 * 3600
        assert all(job.coalesce and job.max_instances == 1 for job in jobs.values())
    finally:
        await service.stop()
    assert service.scheduler is None


async def test_a_late_job_sweeps_as_of_the_time_it_was_due(uow_factory, ids) -> None:
    bind(uow_factory, ids)
    clock = FixedClock(datetime(2026, 12, 1, 11, 0, tzinfo=ZONE))  # weekly was due Nov 30
    transport = FakeTransport()
    service = _service(uow_factory, clock, transport)
    weekly = next(e for e in service.entries if e.name == "weekly")
    await service._run_entry(weekly)
    assert {r.period for r in outbox(uow_factory)} == {"2026-W49"}


async def test_a_disabled_scheduler_does_nothing(uow_factory) -> None:
    service = build_scheduler(
        settings(), uow_factory, FixedClock(datetime(2026, 12, 1, tzinfo=ZONE)), None, enabled=False
    )
    await service.start()
    await asyncio.sleep(0)
    assert service.scheduler is None
    await service.stop()
