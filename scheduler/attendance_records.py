"""The daily sweep of a messenger's attendance app (DingTalk's 考勤打卡, issue #16): its
records become the ledger's on-site evidence (``services.attendance_records``).

When it runs (``scheduler.service``, only where the runtime gives a source):

- daily at ``CADREBOT_SCHEDULE_ATTENDANCE_RECORDS`` (default 21:30), after the evening's
  last checks;
- and right before the evening nudge, in the nudge's own job: the nudge tells a cadre
  with no on-site check-in today, so on DingTalk it must first know today's checks.
  One job running the sweep and then the nudge keeps that order however slow the source
  is (a sweep scheduled at 19:55 would race a slow source). When that sweep fails the
  nudge is not sent that evening: without the day's checks it would tell cadres who did
  check in that they did not.

Each run reads yesterday and today, so a day missed by an outage of the source (or of the
bot) is picked up by the next day's run; the records already stored are not stored twice.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from scheduler.common import UowFactory, end_of_day
from services.attendance_records import AttendanceOutcome, AttendanceRecord, record_attendance
from storage.tables import Person
from storage.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)
NAME = "attendance_records"
#: account (the messenger's id of the person) → the bound cadre, read in a unit of work.
AccountsOf = Callable[[UnitOfWork], dict[str, Person]]


class AttendanceRecords(Protocol):
    """A messenger's attendance app (the DingTalk client pages and batches itself)."""

    async def between(
        self, accounts: list[str], first: datetime, last: datetime
    ) -> list[AttendanceRecord]:
        """Every check of ``accounts`` made from ``first`` to ``last`` (both included)."""
        ...


async def sweep_attendance_records(
    uow_factory: UowFactory,
    source: AttendanceRecords,
    *,
    day: date,
    zone: ZoneInfo,
    accounts_of: AccountsOf,
) -> AttendanceOutcome:
    """Record the checks of the bound cadres made yesterday and on ``day`` (00:00 the day
    before to 23:59:59 of ``day`` in ``zone``): the day before too, so a day missed by an
    outage is picked up by the next day's run, and what was stored already is not stored
    again.

    All of it in one unit of work that commits. A failure of the source raises before
    anything is written (the scheduler logs it; the next run catches up). The database
    work runs in a worker thread, as the sweeps' does, so a bot sharing the loop keeps
    answering."""
    first = datetime.combine(day - timedelta(days=1), time(0), zone)
    last = end_of_day(day, zone)
    accounts = await asyncio.to_thread(_accounts, uow_factory, accounts_of)
    if not accounts:
        log.info("attendance records %s: no bound cadres", day)
        return AttendanceOutcome()
    records = await source.between(accounts, first, last)
    outcome = await asyncio.to_thread(_record, uow_factory, accounts_of, records, zone)
    log.info(
        "attendance records %s to %s: %d new, %d already stored, %d ignored",
        first.date(),
        day,
        outcome.new,
        outcome.already,
        outcome.ignored,
    )
    return outcome


def _accounts(uow_factory: UowFactory, accounts_of: AccountsOf) -> list[str]:
    with uow_factory() as uow:
        return sorted(accounts_of(uow))


def _record(
    uow_factory: UowFactory,
    accounts_of: AccountsOf,
    records: list[AttendanceRecord],
    zone: ZoneInfo,
) -> AttendanceOutcome:
    """One transaction: the accounts read again in it (someone unbound meanwhile is
    ignored), the records stored, commit. The sweep lock keeps two schedulers from storing
    the same records at once."""
    with uow_factory() as uow:
        if not uow.sweep_lock.try_acquire(NAME):
            log.info("sweep %s is running in another scheduler; skipped", NAME)
            return AttendanceOutcome()
        outcome = record_attendance(uow, accounts_of(uow), records, zone=zone)
        uow.commit()
    return outcome
