"""A year without an official calendar never stops the reminders (1 January 2027: the
chinesecalendar package ends with 2026). Each sweep runs on its own; removal alerts wait
for the official table and are judged, for the months that waited, once it is imported;
the admin is asked weekly to import it."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from scheduler import jobs
from scheduler.calendar_due import sweep_calendar_due, year_due
from scheduler.jobs import run_every_sweep
from scheduler.removal import sweep_removal_triggers
from storage.tables import CalendarDay
from tests.scheduler.conftest import ZONE, add_checkins, days, outbox, seed

FIRST_MONDAY_2027 = datetime(2027, 1, 4, 9, 0, tzinfo=ZONE)


def test_every_sweep_runs_on_the_first_monday_of_a_year_without_a_calendar(uow_factory) -> None:
    ids = seed(uow_factory, posted_from=date(2026, 11, 1))
    run = run_every_sweep(uow_factory, FIRST_MONDAY_2027, zone=ZONE)
    assert run.failed == {}
    kinds = {(d.recipient_id, d.kind) for drafts in run.drafts.values() for d in drafts}
    # December's review is asked of the township secretaries (it needs only 2026) ...
    assert (ids["township_secretary"], "attendance_review") in kinds
    assert (ids["township_secretary_b"], "attendance_review") in kinds
    # ... the week's standing goes out, and the admin is asked for 2027's table.
    assert (ids["cadre"], "weekly_standing") in kinds
    [due] = run.drafts["calendar_due"]
    assert due.recipient_id == ids["admin"] and due.payload["key"] == "reminder.calendar_due_now"
    assert due.payload["params"] == {"year": 2027}


def test_one_sweep_failing_never_stops_the_others(uow_factory, monkeypatch) -> None:
    ids = seed(uow_factory, posted_from=date(2026, 11, 1))

    def broken(*_args: object, **_kwargs: object) -> list:
        raise RuntimeError("disk full")

    sweeps = tuple(
        jobs.Sweep(s.name, broken) if s.name == "daily_nudge" else s for s in jobs.SWEEPS
    )
    monkeypatch.setattr(jobs, "SWEEPS", sweeps)
    run = run_every_sweep(uow_factory, datetime(2026, 12, 1, 21, 0, tzinfo=ZONE), zone=ZONE)
    assert run.failed == {"daily_nudge": "RuntimeError: disk full"}
    assert "daily_nudge" not in run.drafts
    assert {d.kind for d in run.drafts["weekly"]} >= {"weekly_standing"}
    assert {r.kind for r in outbox(uow_factory)} >= {"weekly_standing", "attendance_review"}
    assert ids  # the roster was there to remind


def test_removal_alerts_wait_for_the_official_calendar_then_judge_the_months_that_waited(
    uow_factory,
) -> None:
    ids = seed(uow_factory, posted_from=date(2026, 11, 1))
    january = days(date(2027, 1, 1), date(2027, 1, 31))
    weekdays = [d for d in january if d.weekday() < 5]
    # 张三 on site every weekday; 李四 and 王五 never (21 provisional working days absent).
    add_checkins(uow_factory, ids["cadre"], weekdays)
    for day in (date(2027, 1, 20), date(2027, 2, 1)):
        assert sweep_removal_triggers(uow_factory, day, zone=ZONE) == []
    # The official table arrives: New Year's Day off, Sunday 7 February a working day.
    with uow_factory() as uow:
        uow.session.add(CalendarDay(day=date(2027, 1, 1), kind="holiday"))
        uow.session.add(CalendarDay(day=date(2027, 2, 7), kind="workday"))
        uow.commit()
    drafts = sweep_removal_triggers(uow_factory, date(2027, 2, 3), zone=ZONE)
    january_alerts = {
        (d.payload["params"]["name"], d.payload["params"]["absent"])
        for d in drafts
        if d.kind == "removal_month" and d.payload["params"]["period"] == "2027-01"
    }
    # 20 working days in January once 1 January is a holiday; 张三's weekdays all count.
    assert january_alerts == {("李四", 20), ("王五", 20)}
    # Judged once: the next day only this month is looked at again (nothing new).
    later = sweep_removal_triggers(uow_factory, date(2027, 2, 4), zone=ZONE)
    assert [d for d in later if d.payload["params"]["period"] == "2027-01"] == []


@pytest.mark.parametrize(
    ("today", "official", "due"),
    [
        (date(2026, 10, 31), {2026}, None),
        (date(2026, 11, 1), {2026}, 2027),
        (date(2026, 12, 31), {2026, 2027}, None),
        (date(2027, 1, 4), {2026}, 2027),
        (date(2027, 6, 1), {2027}, None),
    ],
)
def test_which_years_table_is_due(today: date, official: set[int], due: int | None) -> None:
    assert year_due(today, official) == due


def test_the_admin_is_asked_once_a_week_from_november(uow_factory) -> None:
    ids = seed(uow_factory, posted_from=date(2026, 11, 1))
    assert sweep_calendar_due(uow_factory, date(2026, 10, 26), zone=ZONE) == []
    [first] = sweep_calendar_due(uow_factory, date(2026, 11, 2), zone=ZONE)
    assert first.recipient_id == ids["admin"] and first.payload["key"] == "reminder.calendar_due"
    assert sweep_calendar_due(uow_factory, date(2026, 11, 4), zone=ZONE) == []  # same week
    assert len(sweep_calendar_due(uow_factory, date(2026, 11, 9), zone=ZONE)) == 1
    with uow_factory() as uow:  # 2027 imported: nothing more to ask
        uow.session.add(CalendarDay(day=date(2027, 1, 1), kind="holiday"))
        uow.commit()
    assert sweep_calendar_due(uow_factory, date(2026, 11, 16) + timedelta(days=7), zone=ZONE) == []
