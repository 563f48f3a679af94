"""The scheduler process: APScheduler 3 on the bot's event loop, the sweeps and the
dispatcher.

Facts that shape it (see FACTS.md): APScheduler stores a job's next run time *before*
running it and its default ``misfire_grace_time`` is one second, so a run missed while the
process was down (or crashed mid-run) is simply gone; and a job store must not be shared
between processes. So jobs live in memory, each has a generous grace time and coalesces,
and at start-up every timed sweep whose last due time lies within its window is run once
more ("catch-up"). That is safe because a sweep only fills the outbox, whose unique keys
turn a repeated run into no new rows, and the dispatcher's claims keep a second scheduler
from sending a row twice.

Sweeps do synchronous database work: they run in a worker thread so the bot sharing the
loop (``cadrebot run``) keeps answering.

Where the runtime reads a messenger's attendance app (DingTalk's 考勤打卡: its robot
messages carry no location), ``build_scheduler`` is given the source and the bound cadres'
accounts, and the entries marked ``records`` sweep its records first
(``scheduler.attendance_records``): the daily sweep of its own, and the evening nudge,
which then knows the day's checks before telling anyone they have none.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import datetime
from typing import NamedTuple

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.i18n import Catalog
from bot.settings import Settings
from domain.township_attendance import AttendanceSource
from scheduler.attendance_records import AccountsOf, AttendanceRecords, sweep_attendance_records
from scheduler.dispatch import Dispatcher, DispatchInterrupted, DispatchReport, Sender
from scheduler.jobs import BY_NAME
from scheduler.timetable import Entry, build_timetable, last_due
from services.clock import Clock
from storage.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)


class RecordsSource(NamedTuple):
    """A messenger's attendance app and who the bound cadres are in it."""

    records: AttendanceRecords
    accounts_of: AccountsOf


class SchedulerService:
    def __init__(
        self,
        uow_factory: Callable[[], UnitOfWork],
        dispatcher: Dispatcher,
        entries: list[Entry],
        clock: Clock,
        *,
        enabled: bool = True,
        source: AttendanceSource = AttendanceSource.CHECKIN,
        records: RecordsSource | None = None,
    ) -> None:
        self.uow_factory = uow_factory
        self.records = records
        self._records_lock = asyncio.Lock()
        self.source = source
        self.dispatcher = dispatcher
        self.entries = entries
        self.clock = clock
        self.enabled = enabled
        self.scheduler: AsyncIOScheduler | None = None
        self._drain_lock = asyncio.Lock()
        self._catch_up: asyncio.Task | None = None
        self._soon: set[asyncio.Task] = set()

    async def start(self, *, catch_up: bool = True) -> None:
        """Schedule the jobs on the running loop; catch up in the background."""
        if not self.enabled:
            log.info("scheduler disabled in this process (CADREBOT_SCHEDULER_IN_RUN=false)")
            return
        scheduler = AsyncIOScheduler(timezone=self.clock.zone)
        for entry in self.entries:
            scheduler.add_job(
                self._run_entry,
                trigger=entry.trigger,
                args=[entry],
                id=entry.name,
                name=entry.name,
                coalesce=True,
                max_instances=1,
                misfire_grace_time=max(1, int(entry.window.total_seconds())),
            )
        scheduler.start()
        self.scheduler = scheduler
        if catch_up:
            self._catch_up = asyncio.create_task(self.catch_up())
        log.info("scheduler started: %s", ", ".join(e.name for e in self.entries))

    async def stop(self) -> None:
        """Stop claiming, let the batch in hand finish, then stop the scheduler."""
        if self.scheduler is None:
            return
        self.dispatcher.stopping = True
        if self._catch_up is not None and not self._catch_up.done():
            self._catch_up.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._catch_up
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(15):
                async with self._drain_lock:
                    pass
        self.scheduler.shutdown(wait=False)
        await asyncio.sleep(0)  # AsyncIOScheduler shuts down via call_soon
        self.scheduler = None

    async def catch_up(self) -> None:
        """Run once every timed sweep that fell due within its window (while the process
        was down), every untimed one, then drain the outbox."""
        now = self.clock.now()
        for entry in self.entries:
            if entry.sweep is None and not entry.records:
                continue
            as_of = last_due(entry.trigger, now, entry.window) if entry.timed else now
            if as_of is None:
                continue
            log.info("catch-up: %s as of %s", entry.name, as_of.isoformat())
            await self._run_due(entry, as_of)
        await self.drain()

    async def _run_entry(self, entry: Entry) -> None:
        """An APScheduler job: the sweep for its latest due time, then a drain. A coalesced
        late run still sweeps as of the time it was due."""
        if entry.sweep is not None or entry.records:
            now = self.clock.now()
            as_of = last_due(entry.trigger, now, entry.window) if entry.timed else now
            await self._run_due(entry, as_of or now)
        await self.drain()

    async def _run_due(self, entry: Entry, as_of: datetime) -> None:
        """The entry's work as of ``as_of``: the attendance records first when it says so,
        then its sweep, which is skipped if those failed (a nudge without the day's checks
        would tell cadres who checked in that they did not)."""
        if entry.records and not await self.sweep_records(as_of):
            if entry.sweep is not None:
                log.error("%s as of %s skipped: no attendance records", entry.name, as_of)
            return
        if entry.sweep is not None:
            await self._sweep(entry, as_of)

    async def sweep_records(self, as_of: datetime) -> bool:
        """Sweep the attendance app's records of ``as_of``'s day and the day before; False
        when that failed (logged; the next run catches up). True without a source."""
        if self.records is None:
            return True
        day = as_of.astimezone(self.clock.zone).date()
        async with self._records_lock:  # the nudge's and the daily run, one at a time
            try:
                await sweep_attendance_records(
                    self.uow_factory,
                    self.records.records,
                    day=day,
                    zone=self.clock.zone,
                    accounts_of=self.records.accounts_of,
                )
            except Exception:
                log.exception("attendance records of %s failed", day)
                return False
        return True

    async def _sweep(self, entry: Entry, as_of: datetime) -> None:
        """Run one sweep in a worker thread. ``keep=False``: the new drafts are only
        counted, as holding a whole roster's would cost the bot's process hundreds of MB."""
        assert entry.sweep is not None  # only entries with a sweep are swept
        sweep = BY_NAME[entry.sweep]
        try:
            await asyncio.to_thread(
                sweep,
                self.uow_factory,
                as_of,
                zone=self.clock.zone,
                dry_run=False,
                keep=False,
                source=self.source,
            )
        except Exception:  # one sweep failing (say, a calendar gap) must not stop the others
            log.exception("sweep %s as of %s failed", entry.name, as_of.isoformat())

    def drain_soon(self) -> None:
        """Drain in the background right away, not at the next interval: someone just
        bound and the reminders held for them are back in the outbox. Only where this
        process runs the scheduler; elsewhere the scheduler's own next drain sends them."""
        if not self.enabled or self.dispatcher.stopping:
            return
        task = asyncio.get_running_loop().create_task(self.drain())
        self._soon.add(task)
        task.add_done_callback(self._soon.discard)

    async def drain(self) -> DispatchReport | None:
        """Send what the outbox holds; one drain at a time in this process."""
        async with self._drain_lock:
            if self.dispatcher.stopping:
                return None
            try:
                report = await self.dispatcher.drain()
            except DispatchInterrupted as exc:
                log.error("%s; the rest will go at the next drain", exc)
                return exc.report
            except Exception:
                log.exception("dispatch failed; the rows stay in the outbox")
                return None
            if report.sent or report.closed or report.retry_later:
                log.info(
                    "dispatched: %d sent, closed %s, %d to retry",
                    report.sent,
                    dict(report.closed),
                    report.retry_later,
                )
            return report


def build_scheduler(
    settings: Settings,
    uow_factory: Callable[[], UnitOfWork],
    clock: Clock,
    delivery: Sender,
    *,
    enabled: bool = True,
    attendance_records: AttendanceRecords | None = None,
    attendance_accounts: AccountsOf | None = None,
) -> SchedulerService:
    """The scheduler for this configuration, sending through ``delivery`` (the runtime's).

    A runtime whose messenger has an attendance app (DingTalk) passes it as
    ``attendance_records`` with ``attendance_accounts`` (account → bound cadre, read in a
    unit of work): its records are then swept daily at ``schedule_attendance_records`` and
    right before the evening nudge. Both or neither."""
    if (attendance_records is None) != (attendance_accounts is None):
        raise ValueError("attendance_records and attendance_accounts go together")
    records = (
        RecordsSource(attendance_records, attendance_accounts)
        if attendance_records is not None and attendance_accounts is not None
        else None
    )
    dispatcher = Dispatcher(
        uow_factory,
        delivery,
        Catalog(settings.language.value),
        clock=clock,
        allowance=settings.allowance_rule,
    )
    return SchedulerService(
        uow_factory,
        dispatcher,
        build_timetable(settings, attendance_records=records is not None),
        clock,
        enabled=enabled,
        source=settings.attendance_source,
        records=records,
    )
