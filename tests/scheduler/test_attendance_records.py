"""DingTalk's attendance records (考勤打卡) as on-site evidence, and their daily sweep.

The source is an in-memory stand-in for DingTalk's ``attendance/list`` (its HTTP client
and the e2e tests against the DingTalk emulator come separately)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from bot.i18n import Catalog
from bot.runtime.delivery import Delivery, DeliveryLimits
from bot.settings import Settings, SettingsError
from domain.attendance import Period
from scheduler.attendance_records import sweep_attendance_records
from scheduler.dispatch import Dispatcher
from scheduler.service import RecordsSource, SchedulerService, build_scheduler
from scheduler.timetable import build_timetable
from services.attendance_records import (
    NOT_SIGNED,
    AttendanceOutcome,
    AttendanceRecord,
    record_attendance,
)
from services.calendar import load_calendar
from services.clock import FixedClock
from services.ledger import person_counts
from services.standing import onsite_days_in_year
from storage.tables import CheckIn, Person
from storage.unit_of_work import UnitOfWork
from tests.scheduler.conftest import ZONE, FakeTransport, UowFactory, add_leave, outbox, seed

DAY = date(2026, 12, 1)  # a Tuesday, a working day
FAST = DeliveryLimits(overall_per_second=10_000, per_chat_burst=1_000, per_chat_period=1)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), ZONE)


def account(person_id: int) -> str:
    return f"dt{person_id}"


def cadres_of(ids: dict[str, int]):
    """The runtime's ``accounts_of``: the sample's three cadres, bound on DingTalk."""

    def accounts_of(uow: UnitOfWork) -> dict[str, Person]:
        people = (uow.session.get(Person, ids[key]) for key in ("cadre", "cadre2", "cadre3"))
        return {account(p.id): p for p in people if p is not None}

    return accounts_of


def check(person_id: int, when: datetime, *, on_site: bool = True, kind: str = "OnDuty"):
    return AttendanceRecord(account(person_id), when, on_site, kind)


def record(uow_factory: UowFactory, ids: dict[str, int], records) -> AttendanceOutcome:
    with uow_factory() as uow:
        outcome = record_attendance(uow, cadres_of(ids)(uow), records, zone=ZONE)
        uow.commit()
    return outcome


def stored(uow_factory: UowFactory) -> list[CheckIn]:
    with uow_factory() as uow:
        return list(uow.checkins.all_rows())


def year_onsite(uow_factory: UowFactory, person_id: int, today: date) -> int:
    """The figure /status and the sheets show (the ledger's on-site days of the year)."""
    with uow_factory() as uow:
        person = uow.session.get(Person, person_id)
        return onsite_days_in_year(uow, person, today)


def day_counts(uow_factory: UowFactory, person_id: int, day: date):
    with uow_factory() as uow:
        return person_counts(
            uow,
            person_id,
            Period(day, day),
            as_of=day,
            calendar=load_calendar(uow),
        )


class FakeAttendance:
    """Stands for DingTalk's attendance API: every check it holds, filtered as asked."""

    def __init__(self, records: list[AttendanceRecord] | None = None) -> None:
        self.records = list(records or [])
        self.calls: list[tuple[list[str], datetime, datetime]] = []
        self.down = False

    async def between(
        self, accounts: list[str], first: datetime, last: datetime
    ) -> list[AttendanceRecord]:
        self.calls.append((accounts, first, last))
        if self.down:
            raise ConnectionError("oapi.dingtalk.com unreachable")
        wanted = set(accounts)
        return [r for r in self.records if r.account in wanted and first <= r.at <= last]


# --- recording ----------------------------------------------------------------------------


def test_a_check_inside_the_fence_is_an_on_site_day(uow_factory, ids) -> None:
    cadre = ids["cadre"]
    before = year_onsite(uow_factory, cadre, DAY)
    outcome = record(uow_factory, ids, [check(cadre, at(DAY, 8, 55))])
    assert outcome == AttendanceOutcome(new=1, already=0, ignored=0)
    [row] = stored(uow_factory)
    assert (row.person_id, row.day, row.source, row.on_site) == (cadre, DAY, "dingtalk", True)
    assert row.at == at(DAY, 8, 55) and row.lat is None and row.lon is None
    assert year_onsite(uow_factory, cadre, DAY) == before + 1
    assert day_counts(uow_factory, cadre, DAY).on_site == 1


def test_a_check_outside_the_fence_is_kept_but_does_not_count(uow_factory, ids) -> None:
    cadre = ids["cadre"]
    outcome = record(uow_factory, ids, [check(cadre, at(DAY, 9), on_site=False)])
    assert outcome.new == 1
    [row] = stored(uow_factory)
    assert row.on_site is False
    assert year_onsite(uow_factory, cadre, DAY) == 0
    counts = day_counts(uow_factory, cadre, DAY)
    assert counts.on_site == 0 and counts.absent == 1


def test_a_check_is_dated_in_the_districts_zone(uow_factory, ids) -> None:
    """23:30 in Shanghai is 15:30 UTC: the check counts for its own local day."""
    cadre = ids["cadre"]
    late = at(DAY, 23, 30).astimezone(UTC)
    record(uow_factory, ids, [check(cadre, late)])
    [row] = stored(uow_factory)
    assert row.day == DAY


def test_a_rerun_adds_nothing(uow_factory, ids) -> None:
    cadre, cadre2 = ids["cadre"], ids["cadre2"]
    records = [check(cadre, at(DAY, 8)), check(cadre2, at(DAY, 9), on_site=False)]
    assert record(uow_factory, ids, records).new == 2
    again = record(uow_factory, ids, [*records, check(cadre, at(DAY, 8).astimezone(UTC))])
    assert again == AttendanceOutcome(new=0, already=3, ignored=0)
    assert len(stored(uow_factory)) == 2


def test_the_same_record_twice_in_one_batch_is_stored_once(uow_factory, ids) -> None:
    cadre = ids["cadre"]
    outcome = record(uow_factory, ids, [check(cadre, at(DAY, 8)), check(cadre, at(DAY, 8))])
    assert outcome == AttendanceOutcome(new=1, already=1, ignored=0)


def test_a_location_check_in_at_the_same_moment_is_not_a_dingtalk_record(uow_factory, ids) -> None:
    """Only DingTalk's own records are matched: another source's row is other evidence."""
    cadre = ids["cadre"]
    with uow_factory() as uow:
        uow.checkins.stage(
            CheckIn(person_id=cadre, day=DAY, at=at(DAY, 8), on_site=True, source="location")
        )
        uow.commit()
    assert record(uow_factory, ids, [check(cadre, at(DAY, 8))]).new == 1
    assert year_onsite(uow_factory, cadre, DAY) == 1


def test_on_duty_and_off_duty_the_same_day_count_one_day(uow_factory, ids) -> None:
    cadre = ids["cadre"]
    records = [check(cadre, at(DAY, 8, 50)), check(cadre, at(DAY, 17, 40), kind="OffDuty")]
    assert record(uow_factory, ids, records).new == 2
    assert len(stored(uow_factory)) == 2
    assert year_onsite(uow_factory, cadre, DAY) == 1


def test_unknown_people_and_checks_never_made_are_ignored(uow_factory, ids) -> None:
    cadre = ids["cadre"]
    records = [
        AttendanceRecord("someone-else", at(DAY, 8), True, "OnDuty"),
        AttendanceRecord(account(ids["township_secretary"]), at(DAY, 8), True, "OnDuty"),
        check(cadre, at(DAY, 18), on_site=False, kind=NOT_SIGNED),
    ]
    assert record(uow_factory, ids, records) == AttendanceOutcome(new=0, already=0, ignored=3)
    assert stored(uow_factory) == []


def test_a_day_before_the_posting_starts_is_ignored(uow_factory) -> None:
    ids = seed(uow_factory, posted_from=DAY)
    cadre = ids["cadre"]
    records = [check(cadre, at(DAY - timedelta(days=1), 9)), check(cadre, at(DAY, 9))]
    assert record(uow_factory, ids, records) == AttendanceOutcome(new=1, already=0, ignored=1)
    assert [r.day for r in stored(uow_factory)] == [DAY]


def test_a_check_on_a_leave_day_counts_on_site_as_a_shared_location_does(uow_factory, ids) -> None:
    """The ledger: a leave day on which the cadre was on site counts as on site."""
    cadre = ids["cadre"]
    add_leave(uow_factory, cadre, DAY, DAY + timedelta(days=1))
    record(uow_factory, ids, [check(cadre, at(DAY, 10))])
    counts = day_counts(uow_factory, cadre, DAY)
    assert (counts.on_site, counts.leave, counts.absent) == (1, 0, 0)
    assert day_counts(uow_factory, cadre, DAY + timedelta(days=1)).leave == 1


def test_recording_does_not_commit(uow_factory, ids) -> None:
    with uow_factory() as uow:
        outcome = record_attendance(
            uow, cadres_of(ids)(uow), [check(ids["cadre"], at(DAY, 8))], zone=ZONE
        )
        assert outcome.new == 1
    assert stored(uow_factory) == []


def test_a_naive_time_is_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        AttendanceRecord("dt1", datetime(2026, 12, 1, 8), True, "OnDuty")


# --- DingTalk's rows ----------------------------------------------------------------------


def dingtalk_row(**changes: object) -> dict[str, object]:
    row: dict[str, object] = {
        "userId": "manager4220",
        "workDate": 1764518400000,
        "checkType": "OnDuty",
        "timeResult": "Normal",
        "locationResult": "Normal",
        "userCheckTime": int(at(DAY, 8, 55).timestamp() * 1000),
        "sourceType": "USER",
    }
    row.update(changes)
    return row


def test_a_late_check_inside_the_fence_is_presence() -> None:
    """The regulation counts days in the village; it rates no lateness (RULES.md)."""
    for result in ("Late", "Early", "SeriousLate", "Absenteeism"):
        r = AttendanceRecord.from_dingtalk(dingtalk_row(timeResult=result))
        assert r.on_site and r.signed, result
    r = AttendanceRecord.from_dingtalk(dingtalk_row())
    assert (r.account, r.at, r.kind) == ("manager4220", at(DAY, 8, 55), "OnDuty")


def test_dingtalk_outside_not_signed_and_approved_checks() -> None:
    assert not AttendanceRecord.from_dingtalk(dingtalk_row(locationResult="Outside")).on_site
    for changes in ({"timeResult": "NotSigned"}, {"locationResult": "NotSigned"}):
        r = AttendanceRecord.from_dingtalk(dingtalk_row(**changes))
        assert not r.signed and not r.on_site
    due_only = dingtalk_row(timeResult="NotSigned", userCheckTime=None, baseCheckTime=1)
    assert not AttendanceRecord.from_dingtalk(due_only).signed
    approved = AttendanceRecord.from_dingtalk(dingtalk_row(sourceType="APPROVE"))
    assert approved.signed and not approved.on_site  # 补卡 proves no presence


def test_a_late_dingtalk_check_counts_in_the_ledger(uow_factory, ids) -> None:
    cadre = ids["cadre"]
    row = dingtalk_row(userId=account(cadre), timeResult="Late")
    record(uow_factory, ids, [AttendanceRecord.from_dingtalk(row)])
    assert year_onsite(uow_factory, cadre, DAY) == 1


# --- the sweep ----------------------------------------------------------------------------


async def test_the_sweep_reads_yesterday_and_today_and_commits(uow_factory, ids) -> None:
    cadre, cadre2 = ids["cadre"], ids["cadre2"]
    source = FakeAttendance(
        [
            check(cadre, at(DAY - timedelta(days=2), 9)),  # not asked for
            check(cadre, at(DAY - timedelta(days=1), 0)),
            check(cadre, at(DAY, 23, 59)),
            check(cadre2, at(DAY, 9), on_site=False),
        ]
    )
    outcome = await sweep_attendance_records(
        uow_factory, source, day=DAY, zone=ZONE, accounts_of=cadres_of(ids)
    )
    assert outcome == AttendanceOutcome(new=3, already=0, ignored=0)
    [(accounts, first, last)] = source.calls
    assert accounts == sorted(account(ids[k]) for k in ("cadre", "cadre2", "cadre3"))
    assert first == at(DAY - timedelta(days=1), 0)
    assert last == datetime.combine(DAY, time(23, 59, 59), ZONE)
    assert year_onsite(uow_factory, cadre, DAY) == 2
    again = await sweep_attendance_records(
        uow_factory, source, day=DAY, zone=ZONE, accounts_of=cadres_of(ids)
    )
    assert again == AttendanceOutcome(new=0, already=3, ignored=0)


async def test_a_day_missed_by_an_outage_is_picked_up_the_next_day(uow_factory, ids) -> None:
    cadre = ids["cadre"]
    source = FakeAttendance([check(cadre, at(DAY, 8)), check(cadre, at(DAY, 18), kind="OffDuty")])
    source.down = True
    with pytest.raises(ConnectionError):
        await sweep_attendance_records(
            uow_factory, source, day=DAY, zone=ZONE, accounts_of=cadres_of(ids)
        )
    assert stored(uow_factory) == []
    source.down = False
    source.records.append(check(cadre, at(DAY + timedelta(days=1), 8)))
    outcome = await sweep_attendance_records(
        uow_factory, source, day=DAY + timedelta(days=1), zone=ZONE, accounts_of=cadres_of(ids)
    )
    assert outcome.new == 3
    assert year_onsite(uow_factory, cadre, DAY + timedelta(days=1)) == 2


async def test_no_bound_cadre_asks_nothing(uow_factory, ids) -> None:
    source = FakeAttendance()
    outcome = await sweep_attendance_records(
        uow_factory, source, day=DAY, zone=ZONE, accounts_of=lambda uow: {}
    )
    assert outcome == AttendanceOutcome() and source.calls == []


# --- the scheduler ------------------------------------------------------------------------


def settings(**changes: object) -> Settings:
    return Settings(database_url="sqlite:///:memory:", **changes)


def test_the_timetable_has_the_sweep_only_with_a_source() -> None:
    plain = {e.name: e for e in build_timetable(settings())}
    assert "attendance_records" not in plain and not plain["daily_nudge"].records
    entries = {e.name: e for e in build_timetable(settings(), attendance_records=True)}
    sweep = entries["attendance_records"]
    assert sweep.records and sweep.sweep is None
    evening = datetime(2026, 12, 1, 12, 0, tzinfo=ZONE)
    assert sweep.trigger.get_next_fire_time(None, evening) == at(DAY, 21, 30)
    assert entries["daily_nudge"].records
    custom = build_timetable(settings(schedule_attendance_records="12:30"), attendance_records=True)
    sweep = next(e for e in custom if e.name == "attendance_records")
    assert sweep.trigger.get_next_fire_time(None, evening - timedelta(hours=2)) == at(DAY, 12, 30)


def test_a_malformed_attendance_time_names_itself() -> None:
    with pytest.raises(SettingsError, match="CADREBOT_SCHEDULE_ATTENDANCE_RECORDS"):
        build_timetable(settings(schedule_attendance_records="9.30pm"))


def test_build_scheduler_takes_the_source_with_its_accounts(uow_factory) -> None:
    clock = FixedClock(at(DAY, 10))
    with pytest.raises(ValueError, match="together"):
        build_scheduler(settings(), uow_factory, clock, None, attendance_records=FakeAttendance())
    service = build_scheduler(
        settings(),
        uow_factory,
        clock,
        None,
        attendance_records=FakeAttendance(),
        attendance_accounts=lambda uow: {},
    )
    assert "attendance_records" in {e.name for e in service.entries}
    assert "attendance_records" not in {
        e.name for e in build_scheduler(settings(), uow_factory, clock, None).entries
    }


def _service(uow_factory, clock: FixedClock, source: FakeAttendance, ids) -> SchedulerService:
    dispatcher = Dispatcher(
        uow_factory, Delivery(FakeTransport(), limits=FAST), Catalog(), clock=clock
    )
    return SchedulerService(
        uow_factory,
        dispatcher,
        build_timetable(settings(), attendance_records=True),
        clock,
        records=RecordsSource(source, cadres_of(ids)),
    )


def nudged(uow_factory: UowFactory) -> set[int]:
    return {r.recipient_id for r in outbox(uow_factory) if r.kind == "checkin_nudge"}


async def test_the_nudge_sweeps_the_days_checks_first(uow_factory, ids) -> None:
    """20:00: cadre checked in on DingTalk inside the fence, cadre2 outside, cadre3 not at
    all: only cadre is left alone."""
    source = FakeAttendance(
        [check(ids["cadre"], at(DAY, 8, 30)), check(ids["cadre2"], at(DAY, 9), on_site=False)]
    )
    service = _service(uow_factory, FixedClock(at(DAY, 20, 0)), source, ids)
    nudge = next(e for e in service.entries if e.name == "daily_nudge")
    await service._run_entry(nudge)
    assert len(source.calls) == 1
    assert nudged(uow_factory) == {ids["cadre2"], ids["cadre3"]}


async def test_no_nudge_when_the_source_is_down(uow_factory, ids) -> None:
    source = FakeAttendance([check(ids["cadre"], at(DAY, 8, 30))])
    source.down = True
    service = _service(uow_factory, FixedClock(at(DAY, 20, 0)), source, ids)
    nudge = next(e for e in service.entries if e.name == "daily_nudge")
    await service._run_entry(nudge)  # logged, not raised
    assert nudged(uow_factory) == set() and stored(uow_factory) == []
    # The 21:30 run, the source back, stores the day.
    source.down = False
    service.clock = FixedClock(at(DAY, 21, 30))
    daily = next(e for e in service.entries if e.name == "attendance_records")
    await service._run_entry(daily)
    assert [r.day for r in stored(uow_factory)] == [DAY]


async def test_catch_up_sweeps_the_records_missed_while_down(uow_factory, ids) -> None:
    """Down over the 21:30 run; started at 08:00 the next morning: yesterday's checks are
    stored by the catch-up (the nudge's window closed at 23:00)."""
    source = FakeAttendance([check(ids["cadre"], at(DAY, 19, 0))])
    service = _service(uow_factory, FixedClock(at(DAY + timedelta(days=1), 8, 0)), source, ids)
    await service.catch_up()
    assert [r.day for r in stored(uow_factory)] == [DAY]
    assert nudged(uow_factory) == set()
