"""The demo's link to ``scheduler/``: its timed jobs, and "every sweep as of a day, then send".

The page's clock control calls :func:`run_scheduler_as_of` so a visitor can jump to, say,
a Monday or the 1st and see the reminders the sweeps plan for that day, delivered through
the bot runtime's own ``Delivery`` like every other message. The scheduler package was
written alongside the demo, so everything it needs is imported lazily and guarded: should
its API change, the demo still starts and the page says why the clock only moved the day.

Entry points used (as of this writing): ``scheduler.jobs.run_every_sweep(uow_factory, as_of,
zone=...)`` plans every sweep into the outbox, and ``scheduler.service.build_scheduler(...)``
gives the ``SchedulerService`` whose ``drain()`` sends the outbox and whose ``start()`` runs
the timed jobs on this event loop.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from bot.app import attendance_sources
from bot.composition import Storage
from bot.settings import Settings
from sandbox.demo.clock import ShiftableClock

log = logging.getLogger(__name__)


@dataclass
class SweepReport:
    """What one press of the page's clock button did."""

    day: date
    available: bool
    detail: str = ""
    sent: int = 0
    planned: dict[str, int] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "day": self.day.isoformat(),
            "available": self.available,
            "detail": self.detail,
            "sent": self.sent,
            "planned": self.planned,
        }


def _scheduler_api() -> tuple[Any, Any] | str:
    """``(run_every_sweep, build_scheduler)``, or why the scheduler cannot be used."""
    try:
        from scheduler.jobs import run_every_sweep
        from scheduler.service import build_scheduler
    except (ImportError, AttributeError) as exc:  # the package is still being written
        return f"scheduler not available ({exc})"
    return run_every_sweep, build_scheduler


async def run_scheduler_as_of(
    service: Any, storage: Storage, clock: ShiftableClock, day: date
) -> SweepReport:
    """Run every sweep as of ``day`` (a bare date: the end of that day), then dispatch the
    outbox through the runtime. The outbox's unique keys make a second press for the same
    day plan nothing new, as in production."""
    api = _scheduler_api()
    if isinstance(api, str) or service is None:
        return SweepReport(day, False, api if isinstance(api, str) else "scheduler not started")
    run_every_sweep, _ = api
    report = SweepReport(day, True)
    # On DingTalk, the day's 考勤打卡 first (as before the evening nudge); True elsewhere.
    if not await service.sweep_records(datetime.combine(day, time(23, 59), clock.zone)):
        report.detail = "the attendance records could not be read, see the log"
    run = await asyncio.to_thread(
        run_every_sweep, storage.uow, day, zone=clock.zone, source=service.source
    )
    report.planned = {name: len(items) for name, items in run.drafts.items()}
    if run.failed:  # each is in the log with its traceback; the page only names them
        report.detail = f"{len(run.failed)} sweep(s) failed, see the log: " + ", ".join(run.failed)
    dispatched = await service.drain()
    if dispatched is not None:
        report.sent = dispatched.sent
    return report


@dataclass
class SchedulerHook:
    """The demo's scheduler: built on the runtime's delivery, started with the stack."""

    storage: Storage
    runtime: Any
    clock: ShiftableClock
    settings: Settings
    service: Any = None
    problem: str = ""

    @property
    def available(self) -> bool:
        return self.service is not None

    async def start(self) -> None:
        """Start the timed jobs (reminders on the wall clock, the outbox every few seconds).
        No catch-up: the database is brand new, there is nothing missed to send."""
        api = _scheduler_api()
        if isinstance(api, str):
            self.problem = api
            log.warning("%s: the demo's clock control will only move the day", api)
            return
        _, build_scheduler = api
        try:
            service = build_scheduler(
                self.settings,
                self.storage.uow,
                self.clock,
                self.runtime.delivery,
                **attendance_sources(self.settings, self.runtime),
            )
            await service.start(catch_up=False)
        except Exception as exc:
            self.problem = f"scheduler failed to start ({type(exc).__name__}: {exc})"
            log.exception("the demo's scheduler failed to start")
            return
        self.service = service
        # As in ``cadrebot run``: a late binding's held reminders go out at once.
        self.runtime.pipeline.on_outbox_waiting = service.drain_soon

    async def stop(self) -> None:
        if self.service is not None:
            service, self.service = self.service, None
            await service.stop()

    async def run_as_of(self, day: date) -> SweepReport:
        if self.service is None:
            return SweepReport(day, False, self.problem or "scheduler not started")
        return await run_scheduler_as_of(self.service, self.storage, self.clock, day)
